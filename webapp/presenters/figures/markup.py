"""A figure as inline SVG: still (absolute polylines) or ready to move (a group per joint).

The markup draws the figure in its key pose, in the figure's own whole-unit coordinates, so it
reads right with no CSS at all and under `prefers-reduced-motion`. A moving bone is a group
placed at its joint and turned along the bone (`translate(...) rotate(...)`), so the bone is
`h` its length and what hangs on at its end starts at `translate(length)`; inside it, a group
(or the bone's lone path) with the part's class, which the stylesheet (`styles.py`) turns with
the CSS `rotate` property about the joint (the CSS `rotate` and `translate` apply outside the
`transform` attribute; a CSS `transform` would replace it). A stretching bone (turning toward
the camera) scales along its frame, in a group that carries what hangs on it along (each of
those undoes the stretch for its own shape). Each point is placed from its frame as drawn, so
whole units never add up along a limb. Still bones are paths, one per colour and class where
they lie next to each other in depth, joined end to end; a limb hidden all the time under the
other side's is left out. The wrapper group `fm` flips the whole figure for the left side.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import groupby

from markupsafe import Markup, escape

from routines.figures import Figure
from routines.figures.body import HEAD_RADIUS
from routines.figures.props import P2
from routines.figures.rig import Bone, bone_lines
from webapp.presenters.figures.drawing import Drawing, number, short_name
from webapp.presenters.figures.paths import path

COLOURS = {"body": "", "far": "f", "work": "w", "band": "bd", "strap": "st"}  # body: plain


def svg(
    figure: Figure,
    *,
    animated: bool,
    label: str,
    css_class: str = "",
    data: Mapping[str, str] | None = None,
    frame: int | None = None,
) -> Markup:
    """The figure in its key pose (or keyframe `frame`, still); `animated` adds the joint groups
    the stylesheet moves. `data` becomes data- attributes (what the player script needs)."""
    animated = animated and frame is None
    view_box, body, moving = _drawn(figure, animated, figure.key if frame is None else frame)
    names = " ".join(c for c in ("fig", moving, css_class) if c)
    extra = "".join(f' data-{key}="{escape(value)}"' for key, value in (data or {}).items())
    return Markup(
        f'<svg class="{names}" viewBox="{view_box}" role="img"'
        f' aria-label="{escape(label)}"{extra}><g class="fm">{body}</g></svg>'
    )


#: Drawings made, by figure, motion and pose: a page shows up to a few dozen figures and the
#: library is fixed, so each is drawn once per process. A figure is held weakly (its id alone
#: could be reused by another figure once it is gone).
_DRAWN: dict[tuple[int, bool, int], tuple[weakref.ref[Figure], tuple[str, str, str]]] = {}
MOST_DRAWN = 4096


def _drawn(figure: Figure, animated: bool, pose: int) -> tuple[str, str, str]:
    """The figure's view box, its body (moving, or still in `pose`) and its motion classes."""
    key = (id(figure), animated, pose)
    found = _DRAWN.get(key)
    if found is not None and found[0]() is figure:
        return found[1]
    drawing = Drawing.of(figure)
    body = _animated(drawing) if animated else still(drawing, pose)
    alternate = " a" if drawing.alternates() else ""
    moving = f"m{alternate} x-{short_name(figure.slug)}" if animated else ""
    drawn = (drawing.view_box(), body, moving)
    if len(_DRAWN) >= MOST_DRAWN:
        _DRAWN.clear()
    _DRAWN[key] = (weakref.ref(figure), drawn)
    return drawn


# --- still drawings: absolute polylines ------------------------------------------------------


def still(drawing: Drawing, frame: int) -> str:
    """Keyframe `frame` as props and the bones, far bones first, in whole units."""
    lines = bone_lines(drawing.rig, frame)
    items: list[Item] = []
    for bone in drawing.rig.bones:
        start, end = (_round(p) for p in lines[bone])
        items.append(Item(bone.depth, css=classes(bone), points=[start, end]))
        if bone.head:
            items.append(Item(bone.depth + 0.001, _circle(end)))
    return shapes(drawing) + _joined(items)


def classes(bone: Bone, *more: str) -> str:
    """The bone's class attribute (a body-coloured thin bone needs none)."""
    names = " ".join(n for n in (COLOURS[bone.colour], "tk" if bone.thick else "", *more) if n)
    return f' class="{names}"' if names else ""


def shapes(drawing: Drawing) -> str:
    """The still props, each drawn once (a chair's front and back legs meet when seen side-on),
    neighbours of one kind as one path."""
    props = drawing.rig.shapes
    drawn = dict.fromkeys((p.kind, tuple(_round(q) for q in p.points), p.closed) for p in props)
    return "".join(
        path(f' class="p-{kind}"', [points for _, points, _ in same], closed)
        for (kind, closed), same in groupby(drawn, key=lambda d: (d[0], d[2]))
    )


# --- moving drawings: a group per moving joint, everything else plain paths ---------------------


@dataclass(frozen=True)
class Frame:
    """The coordinates a group draws in, as drawn: where its origin lands in the figure (after
    the whole-unit translates and whole-degree turns of the groups around it) and its direction
    in degrees. Each point is placed from the frame as drawn, so rounding never adds up."""

    origin: P2 = (0.0, 0.0)
    angle: int = 0

    def local(self, point: P2) -> tuple[int, int]:
        """`point` (figure coordinates) in this frame, in whole units."""
        dx, dy = point[0] - self.origin[0], point[1] - self.origin[1]
        c, s = _turn(self.angle)
        return _round((dx * c + dy * s, dy * c - dx * s))

    def inner(self, offset: tuple[int, int], turn: int) -> Frame:
        """The frame of a group moved by `offset` and turned by `turn` degrees in this one."""
        c, s = _turn(self.angle)
        x, y = offset
        origin = (self.origin[0] + x * c - y * s, self.origin[1] + x * s + y * c)
        return Frame(origin, self.angle + turn)


def _turn(degrees: float) -> tuple[float, float]:
    return math.cos(math.radians(degrees)), math.sin(math.radians(degrees))


@dataclass
class Item:
    """Something drawn in a frame, far ones first: a line of still bones (`points`, one colour)
    that the bones hanging on at its end extend, or markup; `offset` is where a joint group
    starts, so neighbouring groups starting at the same place share one translate."""

    depth: float
    markup: str = ""
    css: str = ""
    points: list[tuple[int, int]] = field(default_factory=list)
    offset: tuple[int, int] | None = None

    def text(self) -> str:
        return path(self.css, [self.points]) if self.points else self.markup

    def colour(self) -> str | None:
        """The colour of a still line or head, so that still things of one colour next to each
        other may be drawn in any order (None: a group, drawn where it is)."""
        if self.points:
            return " ".join(c for c in self.css[8:-1].split() if c != "tk") or "body"
        return "body" if self.markup.startswith("<circle") and self.offset is None else None


def _animated(drawing: Drawing) -> str:
    """Props, then the body in the figure's coordinates (in a group that shifts it, if the root
    point moves): each moving joint a group that turns about it, each still part a path."""
    frame = Frame()
    roots = [b for b in drawing.rig.bones if b.parent is None]
    body = _joined([item for b in roots for item in _bone(drawing, b, frame, None)])
    return shapes(drawing) + (f'<g class="o">{body}</g>' if drawing.root_moves() else body)


def _bone(drawing: Drawing, bone: Bone, frame: Frame, line: Item | None) -> list[Item]:
    """`bone` and what hangs from it, in `frame`: a group of its own if it moves, else its line
    carries on `line` (the line ending where it starts) when the colour is the same."""
    if drawing.hidden(bone):
        return []
    if drawing.turns(bone) or drawing.slides(bone) or drawing.stretches(bone):
        return [_group(drawing, bone, frame)]
    return _still(drawing, bone, frame, line)


def _still(drawing: Drawing, bone: Bone, frame: Frame, line: Item | None) -> list[Item]:
    """A bone that keeps its place in `frame`, and what hangs from it."""
    start, end = (frame.local(p) for p in drawing.line(bone))
    items: list[Item] = []
    if line is None or line.css != classes(bone) or line.points[-1] != start:
        line = Item(bone.depth, css=classes(bone), points=[start])
        items.append(line)
    line.points.append(end)
    if bone.head:
        items.append(Item(bone.depth + 0.001, _circle(end)))
    for child in drawing.children(bone):
        items += _bone(drawing, child, frame, line if child.at == 1.0 else None)
    return items


def _group(drawing: Drawing, bone: Bone, parent: Frame) -> Item:
    """A moving bone: a group whose frame starts at the bone's start and lies along it, turning
    (rotate), sliding along a stretching parent (translate) or stretching itself (scale)."""
    start, end = drawing.line(bone)
    offset = parent.local(start)
    direction = math.degrees(math.atan2(end[1] - start[1], end[0] - start[0]))
    turn = round((direction - parent.angle + 180.0) % 360.0 - 180.0) + 0
    frame = parent.inner(offset, turn)
    if drawing.stretches(bone):
        items = _stretched(drawing, bone, frame)
    else:
        items = _still(drawing, bone, frame, None)
    spin = drawing.css_name("r", bone) if drawing.turns(bone) else ""
    inner = _joined(items)
    turned = _turning(inner, spin) if spin else inner
    # The CSS rotate and translate come before (outside) the transform attribute, so the
    # group that turns about the joint sits inside the one that places it there.
    if drawing.slides(bone):  # placed in its parent's stretch, undoing it for its own shape
        undo = "u" + drawing.css_name("s", drawing.parent(bone))[1:]  # type: ignore[arg-type]
        inner = f'<g class="{undo}"{_attr("transform", _rotate(turn))}>{turned}</g>'
        return Item(bone.depth, inner, offset=offset if any(offset) else None)
    place = " ".join(t for t in (_place(offset) if any(offset) else "", _rotate(turn)) if t)
    if not place:
        return Item(bone.depth, turned)
    if not turn:
        return Item(bone.depth, turned, offset=offset)
    return Item(bone.depth, f'<g transform="{place}">{turned}</g>')


def _turning(inner: str, spin: str) -> str:
    """`inner` turning about the frame's origin: one path takes the class itself."""
    if inner.startswith("<path") and inner.count("<") == 1:
        if inner.startswith('<path class="'):
            return inner.replace('<path class="', f'<path class="{spin} ', 1)
        return inner.replace("<path", f'<path class="{spin}"', 1)
    return f'<g class="{spin}">{inner}</g>'


def _rotate(turn: int) -> str:
    return f"rotate({turn})" if turn else ""


def _stretched(drawing: Drawing, bone: Bone, frame: Frame) -> list[Item]:
    """A stretching bone along its frame's x axis, in a group that scales along it, with its
    head and the bones hanging on it: each of those is placed in the stretch, so it slides
    along as the bone stretches, and undoes the stretch for its own shape."""
    length = frame.local(drawing.line(bone)[1])[0]
    stretch = drawing.css_name("s", bone)
    undo = "u" + stretch[1:]
    inside = [Item(bone.depth, f'<path{classes(bone)} d="M0 0h{length}"/>')]
    if bone.head:
        head = f'<circle class="{undo}" r="{number(HEAD_RADIUS)}"/>'
        inside.append(Item(bone.depth + 0.001, head, offset=(length, 0)))
    outside: list[Item] = []
    for child in drawing.children(bone):
        (inside if drawing.slides(child) else outside).extend(_bone(drawing, child, frame, None))
    return [Item(bone.depth, f'<g class="{stretch}">{_joined(inside)}</g>'), *outside]


def _attr(name: str, value: str) -> str:
    return f' {name}="{value}"' if value else ""


def _circle(centre: tuple[int, int]) -> str:
    x, y = (str(v) if v else "" for v in centre)  # a zero is the default: leave it out
    return f'<circle{_attr("cx", x)}{_attr("cy", y)} r="{number(HEAD_RADIUS)}"/>'


def _joined(items: list[Item]) -> str:
    """The items far to near; neighbouring joint groups at the same place share a translate, and
    neighbouring still lines of one class are one path."""
    parts: list[str] = []
    run: list[Item] = []
    for item in [*_bundled(sorted(items, key=lambda i: i.depth)), Item(0.0)]:
        if run and item.offset != run[0].offset:
            inner = "".join(i.text() for i in run)
            parts.append(f'<g transform="{_place(run[0].offset or (0, 0))}">{inner}</g>')
            run = []
        if item.offset is not None:
            run.append(item)
        else:
            parts.append(item.text())
    return "".join(parts)


def _bundled(items: list[Item]) -> list[Item]:
    """`items` with each stretch of still things of one colour drawn as one path per class
    (then the head on top): one colour over itself looks the same in any order."""
    out: list[Item] = []
    for colour, stretch in groupby(items, key=Item.colour):
        things = list(stretch)
        if colour is None:
            out += things
            continue
        lines = [i for i in things if i.points]
        for css in dict.fromkeys(i.css for i in lines):
            chosen = [i.points for i in lines if i.css == css]
            out.append(Item(things[0].depth, path(css, chosen)))
        out += [i for i in things if not i.points]
    return out


def _place(offset: tuple[int, int]) -> str:
    """A translate: spaced, as Safari's transform attribute needs; a level one has one number."""
    x, y = offset
    return f"translate({x} {y})" if y else f"translate({x})"


def _round(point: P2) -> tuple[int, int]:
    return (round(point[0]) + 0, round(point[1]) + 0)  # + 0 turns -0 into 0
