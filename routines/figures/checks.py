"""Geometry checks every figure must pass: the library refuses a figure that fails any of them.

- every segment keeps its length and starts where its parent ends, in 3D and in the drawing;
- nothing goes through the floor, in any keyframe or (where the floor is a line) in between;
- a standing figure has a foot on the floor in every keyframe;
- what a keyframe says touches (feet flat in a bridge, a knee on the chair) does touch.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from functools import cache

from routines.figures.body import SEGMENTS
from routines.figures.camera import screen
from routines.figures.figure import Figure, Keyframe, placed_keyframes, surface
from routines.figures.geometry import Vec, norm, sub
from routines.figures.kinematics import CONTACTS, POINT_OF_SEGMENT, Placement, contact_points
from routines.figures.rig import build_rig, rig_points, sample_frames

TOUCH_TOLERANCE = 2.5  # units (about 4 cm): close enough to read as resting on it
FLOOR_TOLERANCE = 0.5
JOIN_TOLERANCE = 0.01

Problem = tuple[str, str]


@cache
def figure_problems(figure: Figure) -> tuple[Problem, ...]:
    """Every way `figure` breaks the geometry rules, as (field, problem) pairs.

    Cached: every app (and test) loads the same library, and an equal figure checks the same.
    """
    problems: list[Problem] = []
    frames = placed_keyframes(figure)
    for index, (keyframe, points) in enumerate(zip(figure.keyframes, frames, strict=True)):
        where = f"figure.pose[{index + 1}]"
        problems += [(where, p) for p in _stretched(points)]
        problems += [(where, p) for p in _below_floor(points)]
        problems += [(f"{where}.touch", p) for p in _not_touching(figure, keyframe, points)]
        if figure.placement is Placement.STANDING and not _foot_down(points):
            problems.append((where, "a standing figure needs a foot on the floor"))
    problems += [("figure.pose", p) for p in _rig_problems(figure)]
    return tuple(problems)


def _stretched(points: dict[str, Vec]) -> Iterator[str]:
    for segment in SEGMENTS:
        start = points[POINT_OF_SEGMENT[segment.parent] if segment.parent else "pelvis"]
        length = norm(sub(points[POINT_OF_SEGMENT[segment.name]], start))
        if abs(length - segment.length) > JOIN_TOLERANCE:
            yield f"the {segment.name} is {length:.1f} long instead of {segment.length:g}"


def _below_floor(points: dict[str, Vec]) -> Iterator[str]:
    for name, point in points.items():
        if point[1] < -FLOOR_TOLERANCE:
            yield f"the {_spoken(name)} goes {-point[1]:.1f} units through the floor"


def _not_touching(figure: Figure, keyframe: Keyframe, points: dict[str, Vec]) -> Iterator[str]:
    for contact in keyframe.touch:
        height = surface(figure, contact) + CONTACTS[contact].lift
        where = "the chair" if height > CONTACTS[contact].lift else "the floor"
        for part in contact_points(points, contact):
            gap = min(p[1] for p in part) - height
            if abs(gap) > TOUCH_TOLERANCE:
                side = "above" if gap > 0 else "below"
                yield f"{contact}: {abs(gap):.1f} units {side} {where}"


def _foot_down(points: dict[str, Vec]) -> bool:
    lowest = min(p[1] for part in contact_points(points, "feet") for p in part)
    return lowest <= CONTACTS["feet"].lift + TOUCH_TOLERANCE


def _rig_problems(figure: Figure) -> Iterator[str]:
    """The drawing matches the body in every keyframe, and keeps above the floor in between."""
    rig = build_rig(figure)
    view = screen(figure.camera, figure.placement)
    for index, points in enumerate(placed_keyframes(figure)):
        drawn = rig_points(rig, index)
        rx, ry = view.project(points[rig.root])
        for name, point in points.items():
            x, y = view.project(point)
            dx, dy = drawn[name][0] - drawn[rig.root][0], drawn[name][1] - drawn[rig.root][1]
            if math.hypot(dx - (x - rx), dy - (y - ry)) > JOIN_TOLERANCE:
                yield f"keyframe {index + 1}: the drawn {_spoken(name)} comes apart from the body"
    if abs(view.toward[1]) > 0.01:
        return  # seen from above, the floor is not a line: the keyframe checks cover it
    for frame in sample_frames(rig):
        for name, (_, y) in rig_points(rig, frame).items():
            if y > FLOOR_TOLERANCE + 1.0:
                yield f"between keyframes the {_spoken(name)} dips through the floor"
                return


def _spoken(name: str) -> str:
    """'knee_r' -> 'right knee'."""
    if name.endswith(("_r", "_l")):
        side = "right" if name.endswith("_r") else "left"
        return f"{side} {name[:-2].replace('_', ' ')}"
    return name.replace("_", " ")
