"""The left side of a per-side figure: its right side mirrored, joint by joint.

A drawing of the mirrored figure, seen through the mirrored camera, is the right side's drawing
flipped left to right; that is why the web layer may draw the left side by flipping the right
side's drawing (and the unit tests hold it to that).
"""

from __future__ import annotations

from dataclasses import replace

from routines.figures.camera import Camera
from routines.figures.figure import Figure, Keyframe, Props
from routines.figures.kinematics import Placement, Pose

#: Turns about an axis in the body's midplane change direction in a mirror.
FLIPPED = {("pelvis", "roll"), ("pelvis", "yaw"), ("trunk", "side"), ("trunk", "twist")}
PLACEMENT = {Placement.LEFT_SIDE: Placement.RIGHT_SIDE, Placement.RIGHT_SIDE: Placement.LEFT_SIDE}


def mirrored(figure: Figure) -> Figure:
    """`figure` with left and right swapped: the same move done on the other side."""
    camera = figure.camera
    return replace(
        figure,
        camera=Camera(camera.view, -camera.turn, camera.tilt, not camera.mirrored),
        placement=PLACEMENT.get(figure.placement, figure.placement),
        keyframes=tuple(_keyframe(k) for k in figure.keyframes),
        works=tuple(swap_side(limb) for limb in figure.works),
        props=_props(figure.props),
    )


def swap_side(name: str) -> str:
    """'right knee' -> 'left knee', 'left_hip' -> 'right_hip'; other names stay."""
    for this, other in (("right", "left"), ("left", "right")):
        if name.startswith(this):
            return other + name[len(this) :]
    return name


def _keyframe(keyframe: Keyframe) -> Keyframe:
    angles = tuple(
        (swap_side(joint), dof, -value if (joint, dof) in FLIPPED else value)
        for joint, dof, value in keyframe.pose.angles
    )
    return Keyframe(
        Pose(tuple(sorted(angles))),
        swap_side(keyframe.anchor),
        tuple(swap_side(t) for t in keyframe.touch),
    )


def _props(props: Props) -> Props:
    def pair(points: tuple[str, str] | None) -> tuple[str, str] | None:
        return (swap_side(points[0]), swap_side(points[1])) if points else None

    def one(point: str | None) -> str | None:
        return swap_side(point) if point else None

    return replace(
        props,
        wall=one(props.wall),
        chair=one(props.chair),
        band=pair(props.band),
        long_band=one(props.long_band),
        strap=pair(props.strap),
    )
