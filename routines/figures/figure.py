"""An exercise's figure: its view, placement, 2–4 keyframe poses, how it moves, what works.

`placed_keyframes` puts each keyframe's body in the world: the pose's anchor (the feet when
standing, the seat on a chair, the back when lying...) rests on its surface, and stays where it
was in the first keyframe, so a figure does not slide about between keyframes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from routines.figures.body import SEGMENT
from routines.figures.camera import Camera
from routines.figures.geometry import Vec, add, scale, sub
from routines.figures.kinematics import (
    CONTACTS,
    POINT_OF_SEGMENT,
    SEAT_HEIGHT,
    Placement,
    Pose,
    body_points,
    lowest,
    placed,
    reference,
)


class Motion(StrEnum):
    """How a figure moves: reps cycle through the keyframes; holds ease in, then stay still."""

    CYCLE = "cycle"
    EASE_IN = "ease in"


@dataclass(frozen=True)
class Keyframe:
    pose: Pose
    anchor: str  # the contact that rests on its surface and stays put
    touch: tuple[str, ...] = ()  # other contacts that must rest on their surface


@dataclass(frozen=True)
class Props:
    """Kit drawn with the figure; body points are named like 'right knee' or 'left hand'."""

    mat: bool = False
    wall: str | None = None  # a wall touching this body point
    chair: str | None = None  # the contact a chair (without wheels) holds up
    band: tuple[str, str] | None = None  # a mini band between two body points
    long_band: str | None = None  # a long band from this body point to an anchor on the wall
    strap: tuple[str, str] | None = None  # a strap from a foot to a hand


#: Body points props attach to: the segment they lie on and how far along it.
PROP_POINTS: dict[str, tuple[str, float]] = {
    **{f"{side} {name}": (f"{segment}_{side[0]}", at)
       for side in ("right", "left")
       for name, segment, at in (
           ("knee", "thigh", 1.0), ("thigh", "thigh", 0.8), ("ankle", "shin", 0.93),
           ("foot", "foot", 0.45), ("hand", "forearm", 1.0), ("elbow", "arm", 1.0),
           ("shoulder", "collar", 1.0), ("hip", "hip", 1.0),
       )},
    "chest": ("trunk", 0.8),
}  # fmt: skip


@dataclass(frozen=True)
class Figure:
    slug: str
    label: str  # the move in words, for screen readers
    camera: Camera
    placement: Placement
    keyframes: tuple[Keyframe, ...]
    key: int  # the keyframe shown still (reduced motion, small figures)
    motion: Motion
    reps_per_cycle: int  # 2 when one cycle works both sides (alternating moves)
    works: tuple[str, ...]  # limbs drawn in the working colour: 'right leg', 'trunk', ...
    props: Props = Props()
    per_side: bool = False

    @property
    def chair_contact(self) -> str | None:
        return "seat" if self.placement is Placement.CHAIR else self.props.chair


def prop_point(points: dict[str, Vec], name: str) -> Vec:
    """Where a prop's body point is, given the body's points."""
    segment, at = PROP_POINTS[name]
    end = points[POINT_OF_SEGMENT[segment]]
    start = points[_start_point(segment)]
    return add(start, scale(sub(end, start), at))


def _start_point(segment: str) -> str:
    parent = SEGMENT[segment].parent
    return POINT_OF_SEGMENT[parent] if parent else "pelvis"


@cache
def placed_keyframes(figure: Figure) -> tuple[dict[str, Vec], ...]:
    """Each keyframe's body points in the world, resting on the floor (or seat) by its anchor."""
    first = _place(figure, figure.keyframes[0], None)
    frames = [first]
    for keyframe in figure.keyframes[1:]:
        frames.append(_place(figure, keyframe, first))
    return tuple(frames)


def _place(figure: Figure, keyframe: Keyframe, first: dict[str, Vec] | None) -> dict[str, Vec]:
    raw = body_points(keyframe.pose, figure.placement)
    anchor = keyframe.anchor
    height = surface(figure, anchor) + CONTACTS[anchor].lift - lowest(raw, anchor)
    target = reference(first, anchor) if first is not None else (0.0, 0.0, 0.0)
    here = reference(raw, anchor)
    return placed(raw, (target[0] - here[0], height, target[2] - here[2]))


def surface(figure: Figure, contact: str) -> float:
    """The height of what `contact` rests on: the floor, or the chair's seat."""
    if contact != figure.chair_contact:
        return 0.0
    if figure.placement is Placement.CHAIR:
        return SEAT_HEIGHT
    return chair_height(figure)


@cache
def chair_height(figure: Figure) -> float:
    """A supporting chair's seat height: just under its contact in the key pose.

    No keyframe may rest on such a chair by its anchor (the loader refuses it), so placing the
    keyframes never needs the chair's height.
    """
    contact = figure.props.chair or "seat"
    key_points = placed_keyframes(figure)[figure.key]
    return lowest(key_points, contact) - CONTACTS[contact].lift
