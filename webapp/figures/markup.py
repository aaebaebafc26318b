"""A figure as inline SVG: still (absolute polylines) or ready to move (nested joint groups).

The markup draws the figure in its key pose with SVG `transform` attributes, so it reads right
with no CSS at all and under `prefers-reduced-motion`. Where something moves, each joint is two
nested groups: the parent group carries the joint's `translate(...)` (where it sits on its parent
bone), the child group its `rotate(...)`. The stylesheet (`styles.py`) moves them through the CSS
`translate`, `rotate` and `scale` properties, which add to the `transform` attribute (a CSS
`transform` would replace it). Parts that never move are flattened into plain paths. The wrapper
group `fm` flips the whole figure for the left side.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from routines.figures import Figure, Rig, build_rig
from routines.figures.body import HEAD_RADIUS
from routines.figures.props import P2, Shape
from routines.figures.rig import Bone, bone_lines

PAD = 3.0
MOVES = 2.0  # degrees: a joint turning less than this between keyframes reads as still
#: Units: a bone seen shortening (turning toward the camera) by less than this reads as still.
STRETCHES = 3.0
COLOURS = {"body": "", "far": "f", "work": "w", "band": "bd", "strap": "st"}  # body: plain


def number(value: float) -> str:
    """A whole number of units (about 1.75 cm) or degrees: all a figure needs, and short."""
    return str(round(value) + 0)  # + 0 turns -0 into 0


@dataclass(frozen=True)
class Drawing:
    """One figure with its rig, and what in it moves."""

    figure: Figure
    rig: Rig

    @classmethod
    def of(cls, figure: Figure) -> Drawing:
        return cls(figure, build_rig(figure))

    def view_box(self) -> str:
        """A box centred on x = 0, so flipping about x = 0 keeps the figure in place."""
        x0, y0, x1, y1 = self.rig.box
        half = max(abs(x0), abs(x1)) + PAD
        return f"{number(-half)} {number(y0 - PAD)} {number(2 * half)} {number(y1 - y0 + 2 * PAD)}"

    def children(self, bone: Bone) -> list[Bone]:
        return [b for b in self.rig.bones if b.parent == bone.name]

    def parent(self, bone: Bone) -> Bone | None:
        return next((b for b in self.rig.bones if b.name == bone.parent), None)

    def offsets(self, bone: Bone) -> list[float]:
        """Where along its parent `bone` starts, per keyframe."""
        parent = self.parent(bone)
        return [bone.at * v for v in parent.lengths] if parent else [0.0] * self.rig.frames()

    def moves(self, values: Sequence[float], enough: float = MOVES) -> bool:
        """Whether `values` (one per keyframe) differ enough from the key pose's to animate."""
        return any(abs(v - values[self.rig.key]) > enough for v in values)

    def stretches(self, bone: Bone) -> bool:
        return self.moves(bone.lengths, STRETCHES)

    def slides(self, bone: Bone) -> bool:
        """Whether `bone`'s start slides along its parent (as the parent stretches)."""
        parent = self.parent(bone)
        return bool(parent and bone.at and self.stretches(parent))

    def root_moves(self) -> bool:
        xs, ys = zip(*self.rig.origins, strict=True)
        return self.moves(xs) or self.moves(ys)

    def moving_below(self, bone: Bone) -> bool:
        """Whether `bone` or anything hanging from it moves."""
        own = self.moves(bone.angles) or self.stretches(bone) or self.slides(bone)
        return own or any(self.moving_below(child) for child in self.children(bone))


def svg(
    figure: Figure,
    *,
    animated: bool,
    label: str,
    css_class: str = "",
    data: Mapping[str, str] | None = None,
) -> Markup:
    """The figure in its key pose; `animated` adds the joint groups the stylesheet moves.
    `data` becomes data- attributes (what the player script needs to know about it)."""
    drawing = Drawing.of(figure)
    body = _animated(drawing) if animated else still(drawing, figure.key)
    moving = f"m x-{figure.slug}" if animated else ""
    names = " ".join(c for c in ("fig", moving, css_class) if c)
    extra = "".join(f' data-{key}="{escape(value)}"' for key, value in (data or {}).items())
    return Markup(
        f'<svg class="{names}" viewBox="{drawing.view_box()}" role="img"'
        f' aria-label="{escape(label)}"{extra}><g class="fm">{body}</g></svg>'
    )


# --- still drawings: absolute polylines ------------------------------------------------------


def still(drawing: Drawing, frame: int) -> str:
    """Keyframe `frame` as props and one path per bone, far bones first."""
    lines = bone_lines(drawing.rig, frame)
    parts = [shapes(drawing.rig.shapes)]
    for bone in sorted(drawing.rig.bones, key=lambda b: b.depth):
        (ax, ay), (bx, by) = lines[bone]
        if "l" in _points([(ax, ay), (bx, by)]):
            parts.append(f'<path{classes(bone)} d="M{_points([(ax, ay), (bx, by)])}"/>')
        if bone.head:
            parts.append(f'<circle cx="{number(bx)}" cy="{number(by)}" r="{number(HEAD_RADIUS)}"/>')
    return "".join(parts)


def classes(bone: Bone, *more: str) -> str:
    """The bone's class attribute (a body-coloured thin bone needs none)."""
    names = " ".join(n for n in (COLOURS[bone.colour], "tk" if bone.thick else "", *more) if n)
    return f' class="{names}"' if names else ""


def shapes(props: Sequence[Shape]) -> str:
    """The still props, each drawn once (a chair's front and back legs meet when seen side-on)."""
    drawn: dict[str, str] = {}
    for prop in props:
        points = _points(prop.points)
        if "l" in points:
            drawn.setdefault(
                f"{prop.kind} {points}",
                f'<path class="p-{prop.kind}" d="M{points}{"Z" if prop.closed else ""}"/>',
            )
    return "".join(drawn.values())


# --- moving drawings: nested groups where something moves, flat paths where nothing does ----


def _animated(drawing: Drawing) -> str:
    rig = drawing.rig
    ox, oy = rig.origins[rig.key]
    origin = ' class="o"' if drawing.root_moves() else ""
    roots = sorted((b for b in rig.bones if b.parent is None), key=lambda b: b.depth)
    inner = "".join(_node(drawing, b, (0.0, 0.0)) for b in roots)
    place = f"translate({number(ox)} {number(oy)})"
    return f'{shapes(rig.shapes)}<g transform="{place}"{origin}>{inner}</g>'


def _node(drawing: Drawing, bone: Bone, start: P2) -> str:
    """`bone`, starting at `start` in its parent's frame (the parent pointing along +x): flat
    paths if nothing in it moves, else its own frame group with its children inside."""
    if not drawing.moving_below(bone):
        return _flat(drawing, bone, start)
    index, key = drawing.rig.bones.index(bone), drawing.rig.key
    length = bone.lengths[key]
    stretch = f"s{index}" if drawing.stretches(bone) else ""
    own = f'<path{classes(bone, stretch)} d="M0 0h{number(length)}"/>'
    if round(length) == 0:
        own = ""  # seen end-on (a hip from the side): nothing to draw, but its frame counts
    if bone.head:
        own += _head(drawing, bone, index, bool(stretch))
    children = sorted(drawing.children(bone), key=lambda b: b.depth)
    inside = "".join(
        [_node(drawing, c, (length * c.at, 0.0)) for c in children if c.depth < bone.depth]
        + [own]
        + [_node(drawing, c, (length * c.at, 0.0)) for c in children if c.depth >= bone.depth]
    )
    turn = f' class="r{index}"' if drawing.moves(bone.angles) else ""
    slide = f' class="t{index}"' if drawing.slides(bone) else ""
    return _frame(start, bone.angles[key], slide, turn, inside)


def _round(point: P2) -> tuple[int, int]:
    return (round(point[0]) + 0, round(point[1]) + 0)


def _frame(start: P2, angle: float, slide: str, turn: str, inside: str) -> str:
    """The groups that put a bone's frame in place: a slide (translate) outside, a turn
    (rotate) inside, each with a transform attribute only where it is not zero."""
    place = f"translate({number(start[0])} {number(start[1])})" if any(map(round, start)) else ""
    rotate = f"rotate({number(angle)})" if round(angle) % 360 else ""
    if not slide and not turn:
        transform = " ".join(t for t in (place, rotate) if t)
        return f'<g transform="{transform}">{inside}</g>' if transform else inside
    if not slide and not place:
        return f"<g{_attr(rotate)}{turn}>{inside}</g>"
    turned = f"<g{_attr(rotate)}{turn}>{inside}</g>" if rotate or turn else inside
    return f"<g{_attr(place)}{slide}>{turned}</g>"


def _attr(transform: str) -> str:
    return f' transform="{transform}"' if transform else ""


def _head(drawing: Drawing, bone: Bone, index: int, stretches: bool) -> str:
    length = number(bone.lengths[drawing.rig.key])
    if not stretches:
        return f'<circle cx="{length}" r="{number(HEAD_RADIUS)}"/>'
    circle = f'<circle r="{number(HEAD_RADIUS)}"/>'
    return f'<g transform="translate({length} 0)" class="h{index}">{circle}</g>'


def _flat(drawing: Drawing, bone: Bone, start: P2) -> str:
    """A still subtree as polylines in the current frame: one per limb chain and colour."""
    key = drawing.rig.key
    chains: list[tuple[float, str, list[P2]]] = []
    circles: list[str] = []

    def walk(b: Bone, at: P2, angle: float, chain: list[P2] | None) -> None:
        direction = angle + b.angles[key]
        end = _ahead(at, direction, b.lengths[key])
        if chain is None:
            chain = [at]
            chains.append((b.depth, classes(b), chain))
        chain.append(end)
        if b.head:
            circles.append(
                f'<circle cx="{number(end[0])}" cy="{number(end[1])}" r="{number(HEAD_RADIUS)}"/>'
            )
        for child in drawing.children(b):
            joint = _ahead(at, direction, b.lengths[key] * child.at)
            same = child.at == 1.0 and classes(child) == classes(b) and chain[-1] == end
            walk(child, joint, direction, chain if same else None)

    walk(bone, start, 0.0, None)
    paths = [
        f'<path{css} d="M{_points(points)}"/>'
        for _, css, points in sorted(chains, key=lambda chain: chain[0])
        if "l" in _points(points)  # drop what is seen end-on
    ]
    return "".join(paths) + "".join(circles)


def _points(points: Sequence[P2]) -> str:
    """A path's points, the first absolute and the rest relative (`l`): short numbers.

    Each point is rounded before the steps between them are taken, so rounding never adds up
    along a limb; a point repeating the last is left out.
    """
    rounded = [_round(point) for point in points]
    kept = [p for i, p in enumerate(rounded) if i == 0 or p != rounded[i - 1]]
    text = _join(kept[0])
    if len(kept) > 1:
        steps = [(b[0] - a[0], b[1] - a[1]) for a, b in zip(kept, kept[1:], strict=False)]
        text += "l" + _join(*steps)
    return text


def _join(*pairs: tuple[int, int]) -> str:
    """Numbers as SVG reads them: a minus sign needs no space before it."""
    text = ""
    for value in (v for pair in pairs for v in pair):
        item = str(value)
        text += item if not text or item.startswith("-") else f" {item}"
    return text


def _ahead(at: P2, degrees: float, length: float) -> P2:
    radians = math.radians(degrees)
    return (at[0] + length * math.cos(radians), at[1] + length * math.sin(radians))
