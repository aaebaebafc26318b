"""The hip check: seated hip rotation measured per side with the phone, single-leg balance and a
side plank hold, and what the plan does when one hip lags behind the other.

The check follows the seed programme's call for a baseline and regular retests (seed 002): each
side's rotation arc (outward plus inward), pain-free range and pelvic alignment, so both hips can
be seen to improve evenly. Typical ranges are context, never a diagnosis.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from routines.catalog.model import Feature
from routines.figures.body import Side
from routines.precautions import RULES, Precaution


class Rotation(StrEnum):
    """Which way the hip turns in the seated test."""

    OUTWARD = "outward"  # external rotation: the foot swings in, across the other shin
    INWARD = "inward"  # internal rotation: the foot swings out, away from the other leg


#: What a person can enter or a phone can measure; anything outside is refused.
MOST_DEGREES = 90
MOST_BALANCE_SECONDS = 30
MOST_PLANK_SECONDS = 180

#: Typical adult ranges sitting with the hip and knee bent to 90°, shown as context beside a
#: person's own figures, never as a verdict: ranges vary widely between healthy people.
TYPICAL_RANGES: Mapping[Rotation, tuple[int, int]] = MappingProxyType(
    {Rotation.OUTWARD: (40, 60), Rotation.INWARD: (30, 40)}
)
RANGES_SOURCE = (
    "Commonly quoted adult ranges with the hip and knee bent to 90° (outward 40–60°, inward "
    '30–40°), as given in Wilson and Furukawa, "Evaluation of the patient with hip pain", '
    "American Family Physician 2014;89(1):27–34."
)

#: A side lags when its arc is smaller than the other's by more than either of these.
LAG_DEGREES = 10
LAG_SHARE = 0.20


@dataclass(frozen=True)
class RotationResult:
    side: Side
    rotation: Rotation
    degrees: int
    estimated: bool = False  # picked from figures, not measured by the phone
    pain_free: bool | None = None  # None: not answered

    def __post_init__(self) -> None:
        if not 0 <= self.degrees <= MOST_DEGREES:
            raise ValueError(f"a rotation is 0 to {MOST_DEGREES}°, not {self.degrees}°")


def _no_sides() -> Mapping[Side, int]:
    return MappingProxyType({})


@dataclass(frozen=True)
class HipCheck:
    """One check; any part may be missing (left out by a precaution, or skipped)."""

    taken_on: date
    rotations: tuple[RotationResult, ...] = ()
    balance_seconds: Mapping[Side, int] = field(default_factory=_no_sides)
    plank_seconds: Mapping[Side, int] = field(default_factory=_no_sides)
    plank_on_knees: bool = False
    pelvis_level: bool | None = None

    def __post_init__(self) -> None:
        for seconds in self.balance_seconds.values():
            if not 0 <= seconds <= MOST_BALANCE_SECONDS:
                raise ValueError(f"balance is 0 to {MOST_BALANCE_SECONDS} s, not {seconds} s")
        for seconds in self.plank_seconds.values():
            if not 0 <= seconds <= MOST_PLANK_SECONDS:
                raise ValueError(f"a side plank is 0 to {MOST_PLANK_SECONDS} s, not {seconds} s")
        keys = [(r.side, r.rotation) for r in self.rotations]
        if len(keys) != len(set(keys)):
            raise ValueError("each side and direction is recorded once")

    def degrees(self, side: Side, rotation: Rotation) -> int | None:
        """The recorded range one way on one side, or None."""
        found = (r.degrees for r in self.rotations if (r.side, r.rotation) == (side, rotation))
        return next(found, None)


def arc(check: HipCheck, side: Side) -> int | None:
    """The side's total rotation arc (outward plus inward), None when either is missing."""
    return arc_of(check.degrees(side, Rotation.OUTWARD), check.degrees(side, Rotation.INWARD))


def arc_of(outward: int | None, inward: int | None) -> int | None:
    """A side's arc from its two rotations in degrees, None when either is missing."""
    return None if outward is None or inward is None else outward + inward


def imbalance(check: HipCheck) -> tuple[int, float] | None:
    """The difference between the sides' arcs in degrees, and as a share of the larger arc."""
    return arcs_imbalance(arc(check, Side.RIGHT), arc(check, Side.LEFT))


def arcs_imbalance(right: int | None, left: int | None) -> tuple[int, float] | None:
    """`imbalance` of a check whose right and left arcs are these (None: not measured)."""
    if right is None or left is None:
        return None
    larger = max(right, left)
    return abs(right - left), (abs(right - left) / larger if larger else 0.0)


def lagging_side(check: HipCheck) -> Side | None:
    """The side whose arc trails the other's by more than 10° or 20%, if either does."""
    return lagging_of_arcs(arc(check, Side.RIGHT), arc(check, Side.LEFT))


def lagging_of_arcs(right: int | None, left: int | None) -> Side | None:
    """`lagging_side` of a check whose right and left arcs are these (None: not measured)."""
    found = arcs_imbalance(right, left)
    if found is None:
        return None
    degrees, share = found
    if degrees <= LAG_DEGREES and share <= LAG_SHARE:
        return None
    return Side.RIGHT if (right or 0) < (left or 0) else Side.LEFT


#: The rotation work that gets one more set on a lagging side until the next check.
ROTATION_WORK = frozenset(
    {
        "clamshell",
        "banded-clamshell",
        "reverse-clamshell",
        "standing-banded-internal-rotation",
        "seated-banded-internal-rotation",
        "banded-hip-rotation",
        "side-lying-hip-external-rotation",
        "ninety-ninety-hip-switch",
        "ninety-ninety-lift-off",
    }
)


class Part(StrEnum):
    """The parts of the check a precaution can leave out."""

    INWARD = "inward"
    BALANCE = "balance"
    PLANK = "plank"


#: The movement feature each part has, as the library tags exercises.
PART_FEATURES = {
    Part.INWARD: Feature.INWARD_TURN,
    Part.BALANCE: Feature.SINGLE_LEG_BALANCE,
    Part.PLANK: Feature.LOADED,
}


def left_out(precautions: Iterable[Precaution]) -> tuple[tuple[Part, str], ...]:
    """The parts the answers leave out, each with the sentence the check shows."""
    chosen = set(precautions)  # once: `precautions` may be an iterator that reads only once
    answers = [p for p in Precaution if p in chosen]
    parts = []
    for part, feature in PART_FEATURES.items():
        told = [RULES[p].told_us for p in answers if feature in RULES[p].forbids]
        if told:
            because = " and ".join(told)
            parts.append((part, f"Left out because you told us {because}."))
    return tuple(parts)
