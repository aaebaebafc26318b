"""Still props seen from a view: the floor, a mat, a wall or a band's post, a chair.

Each is drawn in 3D around the body's key pose and projected like the body, so a chair seen from
the side shows its back and legs, and from the front its seat and legs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from routines.figures.camera import Screen
from routines.figures.figure import Figure, chair_height, placed_keyframes, prop_point
from routines.figures.geometry import Vec, add, cross, dot, scale, sub, unit
from routines.figures.kinematics import BASE, SEAT_HEIGHT, Placement, contact_points

P2 = tuple[float, float]
LONG_BAND_REACH = 38.0  # the band is tied to the left of a right-side figure
WALL_HALF_WIDTH = 30.0
WALL_HEIGHT = 104.0
CHAIR_HALF_SIZE = 10.0
CHAIR_BACK = 24.0
FLAT = 0.45  # the camera's height, as a sine: below it (about 27°) the floor is a line


@dataclass(frozen=True)
class Shape:
    """A still prop: a polyline (or polygon) in drawing coordinates."""

    kind: str  # 'floor', 'patch', 'mat', 'wall', 'chair'
    points: tuple[P2, ...]
    closed: bool = False


def band_anchor(figure: Figure) -> Vec:
    """Where a long band is tied: level with its holding point in the key pose, out to one side."""
    holder = prop_point(placed_keyframes(figure)[figure.key], figure.props.long_band or "")
    right = tuple(row[2] for row in BASE[figure.placement])
    return add(holder, scale(right, -LONG_BAND_REACH))  # type: ignore[arg-type]


def shapes(figure: Figure, view: Screen, frames: tuple[dict[str, Vec], ...]) -> Iterator[Shape]:
    """The floor (a line, or a patch when seen from well above) and the figure's still props."""
    points = [p for frame in frames for p in frame.values()]
    x0, x1 = min(p[0] for p in points) - 8, max(p[0] for p in points) + 8
    z0, z1 = min(p[2] for p in points) - 8, max(p[2] for p in points) + 8
    flat = abs(view.toward[1]) < FLAT  # seen nearly level, the floor reads best as a line
    ground = [(x0 - 12, 0.0, z0), (x1 + 12, 0.0, z0), (x1 + 12, 0.0, z1), (x0 - 12, 0.0, z1)]
    yield _shape("floor" if flat else "patch", view, ground, closed=not flat)
    if figure.props.mat:
        mat = [(x0, 0.0, z0 + 4), (x1, 0.0, z0 + 4), (x1, 0.0, z1 - 4), (x0, 0.0, z1 - 4)]
        yield _shape("mat", view, mat, closed=not flat)
    if figure.props.wall or figure.props.long_band:
        yield from _wall(figure, view, frames)
    if figure.chair_contact:
        yield from _chair(figure, view, frames)


def _shape(kind: str, view: Screen, corners: list[Vec], closed: bool) -> Shape:
    """A patch of floor as a polygon, or as a line along its near edge (lowest on screen)."""
    drawn = tuple(view.project(c) for c in corners)
    if not closed:
        xs, ys = [p[0] for p in drawn], [p[1] for p in drawn]
        drawn = ((min(xs), max(ys)), (max(xs), max(ys)))
    return Shape(kind, drawn, closed)


def _wall(figure: Figure, view: Screen, frames: tuple[dict[str, Vec], ...]) -> Iterator[Shape]:
    """A wall the body touches, facing it; or, for a long band, the post it is tied to."""
    key = frames[figure.key]
    centre = key["pelvis"]
    if figure.props.long_band:
        anchor = band_anchor(figure)
        post = [(anchor[0], 0.0, anchor[2]), (anchor[0], anchor[1] + 12, anchor[2])]
        yield Shape("wall", tuple(view.project(p) for p in post))
        return
    touch = prop_point(key, figure.props.wall or "")
    out = unit((touch[0] - centre[0], 0.0, touch[2] - centre[2]))
    along = cross(out, (0.0, 1.0, 0.0))
    middle = add((centre[0], 0.0, centre[2]), scale(out, dot(sub(touch, centre), out)))
    corners = [add(middle, scale(along, side * WALL_HALF_WIDTH)) for side in (-1, 1)]
    corners += [add(c, (0.0, WALL_HEIGHT, 0.0)) for c in reversed(corners)]
    yield Shape("wall", tuple(view.project(c) for c in corners), closed=True)


def _chair(figure: Figure, view: Screen, frames: tuple[dict[str, Vec], ...]) -> Iterator[Shape]:
    """Four legs, a seat and, for sitting, a back: drawn in 3D and seen from the view."""
    contact = figure.chair_contact or "seat"
    key = frames[figure.key]
    if figure.placement is Placement.CHAIR:
        forward = tuple(row[0] for row in BASE[figure.placement])
        centre = add(key["pelvis"], scale(forward, -4))  # type: ignore[arg-type]
        height, back = SEAT_HEIGHT, True
    else:
        forward, back = (1.0, 0.0, 0.0), False
        part = contact_points(key, contact)[0]
        centre, height = part[0], chair_height(figure)
    side = cross(forward, (0.0, 1.0, 0.0))  # type: ignore[arg-type]
    seat: Vec = (centre[0], height, centre[2])
    reach = CHAIR_HALF_SIZE
    corner = [
        add(seat, add(scale(forward, f * reach), scale(side, s * reach)))  # type: ignore[arg-type]
        for f, s in ((1, 1), (1, -1), (-1, -1), (-1, 1))
    ]
    yield Shape("chair", tuple(view.project(c) for c in corner), closed=True)
    for c in corner:
        yield Shape("chair", (view.project(c), view.project((c[0], 0.0, c[2]))))
    if back:
        top = [add(c, (0.0, CHAIR_BACK, 0.0)) for c in corner[2:]]
        yield Shape("chair", tuple(view.project(c) for c in (corner[2], top[0], top[1], corner[3])))
