"""The 2D rig a view draws: per bone, its length and its angle to its parent in each keyframe.

A drawing built from the rig nests each bone's group inside its parent's, so however the angles
and lengths move between keyframes, every bone still starts where its parent ends. Angles are
unwrapped across keyframes so a joint never spins the long way round. Props that move with the
body (bands, straps) are bones too; props that stay still (floor, mat, wall, chair) are shapes.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from routines.figures.body import SEGMENTS
from routines.figures.camera import Screen, screen
from routines.figures.figure import (
    PROP_POINTS,
    Figure,
    Motion,
    placed_keyframes,
    prop_point,
)
from routines.figures.geometry import Vec, add, scale
from routines.figures.kinematics import CONTACTS, POINT_OF_SEGMENT
from routines.figures.props import P2, Shape, band_anchor, shapes

DEGENERATE = 0.01  # a bone pointing straight at the camera has no direction of its own: keep one
STROKE = 3.0  # half the thickest line, so the drawing's box holds the whole stroke
SAMPLES = 6  # frames checked between keyframes


@dataclass(frozen=True)
class Bone:
    name: str
    parent: str | None  # None: starts at the rig's root point
    at: float  # how far along the parent's bone it starts
    lengths: tuple[float, ...]
    angles: tuple[float, ...]  # degrees from the parent's direction, unwrapped across keyframes
    colour: str  # 'body', 'far', 'work', 'band' or 'strap'
    depth: float  # nearness to the camera in the key pose
    end: str  # the body point it reaches (for a band or strap, its own name)
    thick: bool = False
    head: bool = False  # the head is drawn at its end


@dataclass(frozen=True)
class Rig:
    root: str  # the body point the drawing hangs from: the one that moves least
    origins: tuple[P2, ...]  # where the root is in each keyframe
    bones: tuple[Bone, ...]  # parents before children
    shapes: tuple[Shape, ...]
    box: tuple[float, float, float, float]  # x0, y0, x1, y1, x0 = -x1
    key: int
    cycle: bool

    def frames(self) -> int:
        return len(self.origins)


#: Each segment as an edge between two body points.
EDGES = tuple(
    (s.name, POINT_OF_SEGMENT[s.parent] if s.parent else "pelvis", POINT_OF_SEGMENT[s.name])
    for s in SEGMENTS
)
SEGMENT_OF = {s.name: s for s in SEGMENTS}


@cache
def build_rig(figure: Figure) -> Rig:
    """The rig of `figure` in its view, centred so that x = 0 is the middle of the drawing.

    The rig hangs from the point that moves least (a planted foot, the shoulders of a bridge),
    so that point stays exactly still while the drawing moves between keyframes.
    """
    view = screen(figure.camera, figure.placement)
    frames = placed_keyframes(figure)
    flat = [{name: view.project(p) for name, p in frame.items()} for frame in frames]
    root = _root(figure, flat)
    bones = tuple(_bones(figure, view, frames, flat, root))
    origins = tuple(frame[root] for frame in flat)
    still = tuple(shapes(figure, view, frames))
    cycle = figure.motion is Motion.CYCLE
    draft = Rig(root, origins, bones, still, (0, 0, 0, 0), figure.key, cycle)
    x0, y0, x1, y1 = _box(draft)
    middle = (x0 + x1) / 2
    return Rig(
        root,
        tuple((x - middle, y) for x, y in origins),
        bones,
        tuple(Shape(s.kind, tuple((x - middle, y) for x, y in s.points), s.closed) for s in still),
        (x0 - middle, y0, x1 - middle, y1),
        figure.key,
        cycle,
    )


def _root(figure: Figure, flat: list[dict[str, P2]]) -> str:
    """The body point that moves least across keyframes; the anchor's points win ties."""
    anchored = [p for part in CONTACTS[figure.keyframes[figure.key].anchor].parts for p in part]
    candidates = [*anchored, *(name for name in flat[0] if name not in anchored and name != "head")]

    def travel(name: str) -> float:
        return max(math.dist(frame[name], flat[0][name]) for frame in flat)

    return min(candidates, key=lambda name: round(travel(name), 1))


def _bones(
    figure: Figure,
    view: Screen,
    frames: tuple[dict[str, Vec], ...],
    flat: list[dict[str, P2]],
    root: str,
) -> Iterator[Bone]:
    """Every segment as a bone, walked outward from the root point."""
    key = figure.key
    absolute: dict[str, list[float]] = {}
    ending_at: dict[str, str] = {}  # point -> the bone that reaches it
    reached, queue = {root}, [root]
    while queue:
        point = queue.pop(0)
        for name, a, b in EDGES:
            if point not in (a, b) or (b if point == a else a) in reached:
                continue
            start, end = (a, b) if point == a else (b, a)
            parent = ending_at.get(start)
            vectors = [_vector(f[start], f[end]) for f in flat]
            lengths, angles = _relative(vectors, absolute.get(parent or ""))
            absolute[name] = [
                a + p for a, p in zip(angles, _parent(absolute, parent, len(flat)), strict=True)
            ]
            ending_at[end] = name
            reached.add(end)
            queue.append(end)
            segment = SEGMENT_OF[name]
            middle = scale(add(frames[key][start], frames[key][end]), 0.5)
            yield Bone(
                name, parent, 1.0 if parent else 0.0, lengths, angles,
                _colour(figure, view, frames[key], segment.limb), view.depth(middle), end,
                thick=segment.thick, head=end == "head",
            )  # fmt: skip
    yield from _tethers(figure, view, frames, flat, absolute, ending_at)


def _parent(absolute: dict[str, list[float]], parent: str | None, n: int) -> list[float]:
    return absolute[parent] if parent else [0.0] * n


def _vector(start: P2, end: P2) -> P2:
    return (end[0] - start[0], end[1] - start[1])


def _relative(
    vectors: list[P2], parent: list[float] | None
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Lengths and unwrapped angles to the parent's direction, one per keyframe."""
    base = parent or [0.0] * len(vectors)
    lengths = tuple(math.hypot(*v) for v in vectors)
    raw: list[float | None] = [
        math.degrees(math.atan2(v[1], v[0])) - b if length >= DEGENERATE else None
        for v, b, length in zip(vectors, base, lengths, strict=True)
    ]
    known = [a for a in raw if a is not None]
    angles: list[float] = []
    for angle in raw:
        value = angle if angle is not None else (angles[-1] if angles else (known or [0.0])[0])
        angles.append(_near(value, angles[-1]) if angles else _near(value, 0.0))
    return lengths, tuple(angles)


def _near(angle: float, previous: float) -> float:
    """`angle` plus or minus whole turns, as close as it gets to `previous`."""
    return angle - 360.0 * round((angle - previous) / 360.0)


def _colour(figure: Figure, view: Screen, key: dict[str, Vec], limb: str) -> str:
    if limb in figure.works:
        return "work"
    if limb == "trunk":
        return "body"
    side = limb.split()[0][0]
    root, middle = ("hip", "pelvis") if limb.endswith("leg") else ("shoulder", "neck_base")
    far = view.depth(key[f"{root}_{side}"]) < view.depth(key[middle]) - 1.0
    return "far" if far else "body"


def _tethers(
    figure: Figure,
    view: Screen,
    frames: tuple[dict[str, Vec], ...],
    flat: list[dict[str, P2]],
    absolute: dict[str, list[float]],
    ending_at: dict[str, str],
) -> Iterator[Bone]:
    """Bands and straps: from a point on one bone to another body point (or a band's post)."""
    props = figure.props
    pairs: list[tuple[str, str, str | Vec]] = []
    if props.band:
        pairs.append(("band", props.band[0], props.band[1]))
    if props.strap:
        pairs.append(("strap", props.strap[0], props.strap[1]))
    if props.long_band:
        pairs.append(("band", props.long_band, band_anchor(figure)))
    for index, (colour, start, end) in enumerate(pairs):
        segment, at = PROP_POINTS[start]
        forward = ending_at.get(POINT_OF_SEGMENT[segment]) == segment
        starts = [view.project(prop_point(f, start)) for f in frames]
        ends = [view.project(_at(f, end)) for f in frames]
        vectors = [_vector(a, b) for a, b in zip(starts, ends, strict=True)]
        lengths, angles = _relative(vectors, absolute[segment])
        middle = scale(
            add(prop_point(frames[figure.key], start), _at(frames[figure.key], end)), 0.5
        )
        name = f"{colour}{index}"
        yield Bone(
            name,
            segment,
            at if forward else 1 - at,
            lengths,
            angles,
            colour,
            view.depth(middle),
            name,
        )


def _at(frame: dict[str, Vec], end: str | Vec) -> Vec:
    return prop_point(frame, end) if isinstance(end, str) else end


def rig_points(rig: Rig, frame: float) -> dict[str, P2]:
    """Where each body point (and each band's or strap's far end) is at `frame`.

    `frame` is a keyframe index; fractions lie between keyframes, where the drawing moves each
    angle, length and the root in a straight line, as the CSS animation does.
    """
    return {bone.end: end for bone, (_, end) in bone_lines(rig, frame).items()} | {
        rig.root: _between(rig, frame)[2]
    }


def bone_lines(rig: Rig, frame: float) -> dict[Bone, tuple[P2, P2]]:
    """Where each bone starts and ends at `frame`."""
    lengths, angles, origin = _between(rig, frame)
    lines: dict[Bone, tuple[P2, P2]] = {}
    by_name: dict[str, Bone] = {}
    directions: dict[str, float] = {}
    for bone in rig.bones:
        if bone.parent is None:
            start, parent_angle = origin, 0.0
        else:
            parent = by_name[bone.parent]
            (sx, sy), (ex, ey) = lines[parent]
            start = (sx + (ex - sx) * bone.at, sy + (ey - sy) * bone.at)
            parent_angle = directions[bone.parent]
        angle = parent_angle + angles[bone.name]
        rad = math.radians(angle)
        end = (
            start[0] + lengths[bone.name] * math.cos(rad),
            start[1] + lengths[bone.name] * math.sin(rad),
        )
        lines[bone], by_name[bone.name], directions[bone.name] = (start, end), bone, angle
    return lines


def _between(rig: Rig, frame: float) -> tuple[dict[str, float], dict[str, float], P2]:
    """Lengths, angles and origin at `frame`, interpolated the way the CSS animation does."""
    n = rig.frames()
    low = int(math.floor(frame)) % n
    high = (low + 1) % n
    t = frame - math.floor(frame)
    lengths = {b.name: _mix(b.lengths[low], b.lengths[high], t) for b in rig.bones}
    angles = {
        b.name: _mix(
            b.angles[low], _near(b.angles[high], b.angles[low]) if high == 0 else b.angles[high], t
        )
        for b in rig.bones
    }
    (ax, ay), (bx, by) = rig.origins[low], rig.origins[high]
    return lengths, angles, (_mix(ax, bx, t), _mix(ay, by, t))


def _mix(a: float, b: float, t: float) -> float:
    return a + (b - a) * t


def sample_frames(rig: Rig) -> list[float]:
    """Keyframes and the frames between them that a figure passes through."""
    last = rig.frames() if rig.cycle else rig.frames() - 1
    return [k + i / SAMPLES for k in range(last) for i in range(SAMPLES)] + [
        float(last % rig.frames()) if not rig.cycle else 0.0
    ]


def _box(rig: Rig) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    for frame in sample_frames(rig):
        for name, (x, y) in rig_points(rig, frame).items():
            pad = 6.5 + STROKE if name == "head" else STROKE
            xs += [x - pad, x + pad]
            ys += [y - pad, y + pad]
    for shape in rig.shapes:
        xs += [p[0] for p in shape.points if shape.kind not in ("floor", "patch")]
        ys += [p[1] for p in shape.points]
    return min(xs), min(ys), max(xs), max(ys)
