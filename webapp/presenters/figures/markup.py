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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import groupby

from markupsafe import Markup, escape

from routines.figures import Figure, Rig, build_rig
from routines.figures.body import HEAD_RADIUS
from routines.figures.props import P2
from routines.figures.rig import Bone, bone_lines, sample_frames

PAD = 3.0
VISIBLE = 1.0  # units: a turn that moves nothing this far reads as still
MOVES = 2.0  # degrees: a joint turning less than this between keyframes reads as still
#: Units: a bone seen shortening (turning toward the camera) by less than this reads as still.
STRETCHES = 3.0
COLOURS = {"body": "", "far": "f", "work": "w", "band": "bd", "strap": "st"}  # body: plain


def short_name(slug: str) -> str:
    """A figure's class and animation name: its slug's initials ('banded-clamshell' -> 'bc')."""
    return "".join(word[0] for word in slug.split("-") if word)


def number(value: float) -> str:
    """A whole number of units (about 1.75 cm) or degrees: all a figure needs, and short."""
    return str(round(value) + 0)  # + 0 turns -0 into 0


@dataclass(frozen=True)
class Drawing:
    """One figure with its rig, and what in it moves."""

    figure: Figure
    rig: Rig

    @classmethod
    @cache
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

    def turns(self, bone: Bone) -> bool:
        """Whether `bone` turns enough to see: what hangs from it moves a unit or more."""
        reach = max(math.dist(self.line(bone)[0], self.line(b)[1]) for b in self.below(bone))
        key = bone.angles[self.rig.key]
        return any(abs(math.radians(a - key)) * reach >= VISIBLE for a in bone.angles)

    def index(self, bone: Bone) -> int:
        return self.rig.bones.index(bone)

    def line(self, bone: Bone) -> tuple[P2, P2]:
        """Where `bone` starts and ends in the key pose."""
        return self.lines(float(self.rig.key))[bone]

    def lines(self, frame: float) -> dict[Bone, tuple[P2, P2]]:
        return _lines(self.rig, frame)

    def hidden(self, bone: Bone) -> bool:
        return _hidden(self, bone)

    def covered(self, bone: Bone) -> bool:
        """Whether `bone` and all that hangs from it lie under the other side's, all the time
        (the far leg of a two-legged bridge seen side-on): nothing of it would show."""
        pair = self.pair(bone)
        if pair is None or pair.depth <= bone.depth or pair.thick != bone.thick:
            return False
        below = self.below(bone)
        if any(b.colour in ("band", "strap") or self.pair(b) is None for b in below):
            return False
        return all(
            math.dist(lines[b][i], lines[self.pair(b)][i]) < 0.5  # type: ignore[index]
            for lines in (self.lines(f) for f in sample_frames(self.rig))
            for b in below
            for i in (0, 1)
        )

    def pair(self, bone: Bone) -> Bone | None:
        """The same bone of the other side."""
        if bone.name[-2:] not in ("_r", "_l"):
            return None
        other = bone.name[:-1] + ("l" if bone.name.endswith("r") else "r")
        return next((b for b in self.rig.bones if b.name == other), None)

    def below(self, bone: Bone) -> list[Bone]:
        """`bone` and every bone hanging from it."""
        return [bone, *(b for child in self.children(bone) for b in self.below(child))]

    def motions(self) -> dict[str, list[float]]:
        return _motions(self)

    def moving(self) -> dict[str, list[float]]:
        """Each moving part's change from the key pose, per keyframe, by its kind and bone
        number: 'r8' turns bone 8 (degrees), 's8' stretches it (what hangs on it slides along
        as the stretch carries it), 'ox'/'oy' shift the whole figure."""
        rig, key = self.rig, self.rig.key
        found: dict[str, list[float]] = {}
        if self.root_moves():
            found["ox"] = [x - rig.origins[key][0] for x, _ in rig.origins]
            found["oy"] = [y - rig.origins[key][1] for _, y in rig.origins]
        for index, bone in enumerate(rig.bones):
            if self.hidden(bone) or any(self.hidden(b) for b in self.above(bone)):
                continue
            if self.turns(bone):
                found[f"r{index}"] = [a - bone.angles[key] for a in bone.angles]
            if self.stretches(bone):
                found[f"s{index}"] = [v / (bone.lengths[key] or 1.0) for v in bone.lengths]
        return found

    def above(self, bone: Bone) -> list[Bone]:
        parent = self.parent(bone)
        return [parent, *self.above(parent)] if parent else []

    def css_names(self) -> dict[str, str]:
        return _css_names(self)

    def naming(self) -> dict[str, str]:
        """Each moving part's custom property and class: numbered afresh in each figure, and
        parts that move alike (both arms of a bridge) share one; a part turning just the other
        way to one (a knee opening out as the other does) is `n` and that one's number."""
        names: dict[str, str] = {"ox": "ox", "oy": "oy"}
        seen: dict[tuple[object, ...], str] = {}
        counts: dict[str, int] = {}
        for name, series in self.motions().items():
            if name in names:
                continue
            kind = name[0]
            rounded = [round(v, 2 if kind == "s" else 0) for v in series]
            same, mirror = (kind, *rounded), ("r", *(-v for v in rounded))
            if kind == "r" and same not in seen and mirror in seen:
                names[name] = "n" + seen[mirror][1:]  # turns the other way: the other side
                continue
            if same not in seen:
                seen[same] = f"{kind}{counts.setdefault(kind, 0)}"
                counts[kind] += 1
            names[name] = seen[same]
        return names

    def css_name(self, kind: str, bone: Bone) -> str:
        return self.css_names()[f"{kind}{self.index(bone)}"]

    def keyframes(self) -> dict[str, list[str]]:
        return _keyframes(self)

    def written(self) -> dict[str, list[str]]:
        """Each custom property's value per keyframe as the stylesheet writes it, named as the
        markup's classes are; a cycle ends on its first keyframe again."""
        names, rig = self.css_names(), self.rig
        found: dict[str, list[str]] = {}
        for name, values in self.motions().items():
            if names[name].startswith("n"):  # the stylesheet turns it by its mirror's property
                continue
            closed = [*values, _round_trip(name, values)] if rig.cycle else values
            found.setdefault(names[name], [keyframe_value(name, v) for v in closed])
        return dict(sorted(found.items(), key=lambda item: _order(item[0])))

    def alternates(self) -> bool:
        """Whether the cycle comes back the way it went (A, key, A): then the stylesheet writes
        its first half, played forward and back (`animation-direction: alternate`)."""
        series = list(self.keyframes().values())
        steps = len(series[0]) - 1 if series else 0
        return self.rig.cycle and steps % 2 == 0 and all(s == s[::-1] for s in series)


def keyframe_value(name: str, value: float) -> str:
    """A custom property's value: whole degrees or units, or a stretch to two decimals."""
    if name.startswith("s"):
        return f"{value:.2f}".rstrip("0").rstrip(".").replace("0.", ".", 1)
    return number(value)


def _round_trip(name: str, values: list[float]) -> float:
    """The first keyframe's value again, closing a cycle: a turn comes back round the short way,
    the way the rig unwrapped it."""
    first = values[0]
    if name.startswith("r"):
        first -= 360.0 * round((first - values[-1]) / 360.0)
    return first


def _order(name: str) -> tuple[str, int]:
    return (name[0], int(name[1:]) if name[1:].isdigit() else -1)


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
    alternate = " a" if drawing.alternates() else ""
    moving = f"m{alternate} x-{short_name(figure.slug)}" if animated else ""
    names = " ".join(c for c in ("fig", moving, css_class) if c)
    extra = "".join(f' data-{key}="{escape(value)}"' for key, value in (data or {}).items())
    return Markup(
        f'<svg class="{names}" viewBox="{drawing.view_box()}" role="img"'
        f' aria-label="{escape(label)}"{extra}><g class="fm">{body}</g></svg>'
    )


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
        _path(f' class="p-{kind}"', [points for _, points, _ in same], closed)
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
        return _path(self.css, [self.points]) if self.points else self.markup

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
            out.append(Item(things[0].depth, _path(css, chosen)))
        out += [i for i in things if not i.points]
    return out


def _path(css: str, lines: Sequence[Sequence[tuple[int, int]]], closed: bool = False) -> str:
    """Lines of one class as one path (nothing if they go nowhere)."""
    data = _path_data([_kept(line) for line in lines] if closed else _chained(lines), closed)
    return f'<path{css} d="{data}"/>' if _steps(data) else ""


def _chained(lines: Sequence[Sequence[tuple[int, int]]]) -> list[list[tuple[int, int]]]:
    """The lines joined end to end where one starts or ends where the last chain does (a line
    may be walked either way): fewer moves, the same strokes."""
    chains: list[list[tuple[int, int]]] = []
    for points in lines:
        line = _kept(points)
        last = chains[-1] if chains else []
        if len(line) < 2:
            continue
        if last and last[-1] in (line[0], line[-1]):
            last += line[1:] if last[-1] == line[0] else line[-2::-1]
        elif last and last[0] in (line[0], line[-1]):
            last[:1] = line if last[0] == line[-1] else line[::-1]
        else:
            chains.append(line)
    return chains


def _kept(points: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The points without any that repeats the one before."""
    return [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]


def _path_data(chains: Sequence[Sequence[tuple[int, int]]], closed: bool = False) -> str:
    """Each chain's first point absolute, or a relative move from the last chain's end if that
    is shorter; the rest relative steps."""
    text, at = "", (0, 0)
    for chain in chains:
        (x, y), (ax, ay) = chain[0], at
        move = "m" + _join(x - ax, y - ay)
        text += move if text and len(move) < len(_join(x, y)) + 1 else "M" + _join(x, y)
        text += _steps_of(chain) + ("Z" if closed else "")
        at = chain[0] if closed else chain[-1]
    return text


def _steps_of(points: Sequence[tuple[int, int]]) -> str:
    """The steps along whole-unit points: a level step is `h`, an upright one `v`, any other
    `l`; a letter repeating the one before is left out."""
    text, letter = "", ""
    for (ax, ay), (bx, by) in zip(points, points[1:], strict=False):
        step, numbers = _step(bx - ax, by - ay)
        text += _join(*numbers, spaced=True) if step == letter else step + _join(*numbers)
        letter = step
    return text


def _steps(points: str) -> bool:
    """Whether a path's points go anywhere (a path of one point draws nothing)."""
    return any(letter in points for letter in "hvl")


def _step(dx: int, dy: int) -> tuple[str, tuple[int, ...]]:
    return ("h", (dx,)) if not dy else ("v", (dy,)) if not dx else ("l", (dx, dy))


def _join(*values: int, spaced: bool = False) -> str:
    """Numbers as SVG reads them (`spaced`: after another): a minus sign needs no space."""
    text = ""
    for value in values:
        item = str(value)
        text += item if item.startswith("-") or not (text or spaced) else f" {item}"
    return text


def _place(offset: tuple[int, int]) -> str:
    """A translate: spaced, as Safari's transform attribute needs; a level one has one number."""
    x, y = offset
    return f"translate({x} {y})" if y else f"translate({x})"


@cache
def _hidden(drawing: Drawing, bone: Bone) -> bool:
    return drawing.covered(bone)


@cache
def _motions(drawing: Drawing) -> dict[str, list[float]]:
    return drawing.moving()


@cache
def _css_names(drawing: Drawing) -> dict[str, str]:
    return drawing.naming()


@cache
def _keyframes(drawing: Drawing) -> dict[str, list[str]]:
    return drawing.written()


@cache
def _lines(rig: Rig, frame: float) -> dict[Bone, tuple[P2, P2]]:
    return bone_lines(rig, frame)


def _round(point: P2) -> tuple[int, int]:
    return (round(point[0]) + 0, round(point[1]) + 0)  # + 0 turns -0 into 0
