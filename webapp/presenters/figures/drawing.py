"""A figure's rig as the markup and the stylesheet read it: what moves, how far, and its names."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from routines.figures import Figure, Rig, build_rig
from routines.figures.props import P2
from routines.figures.rig import Bone, bone_lines, sample_frames

PAD = 3.0
VISIBLE = 1.0  # units: a turn that moves nothing this far reads as still
MOVES = 2.0  # degrees: a joint turning less than this between keyframes reads as still
#: Units: a bone seen shortening (turning toward the camera) by less than this reads as still.
STRETCHES = 3.0


def short_name(slug: str) -> str:
    """A figure's class and animation name: its slug's initials and its length in base 36
    ('banded-clamshell' -> 'bcg'), so 'seated-hip-flexor-stretch' and
    'standing-hip-flexor-stretch' get names of their own."""
    initials = "".join(word[0] for word in slug.split("-") if word)
    return initials + _base36(len(slug))


def _base36(value: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    return digits[value] if value < 36 else _base36(value // 36) + digits[value % 36]


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
