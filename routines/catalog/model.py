"""The library's words: kinds of exercise, positions, kit, goals, and the exercises, routines
and catalog the library files become."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from types import MappingProxyType

from routines.dosage import Dosage, DosageKind
from routines.figures import Figure
from routines.figures.body import Side


class Category(StrEnum):
    DYNAMIC_WARM_UP = "dynamic warm-up"
    MOBILITY_STRETCH = "mobility stretch"
    ACTIVATION = "activation"
    STRENGTH = "strength"
    CORE = "core"


class Position(StrEnum):
    STANDING = "standing"
    SEATED = "seated"
    LYING = "lying"
    KNEELING = "kneeling"


class Equipment(StrEnum):
    NONE = "none"
    MINI_BAND = "mini band"
    LONG_BAND = "long band"
    STRAP = "strap"
    CHAIR = "chair"
    TABLE = "table"


class Goal(StrEnum):
    RUNNING = "running"
    DESK = "desk"
    LIFTING = "lifting"
    GENERAL = "general"


class Feature(StrEnum):
    """A movement feature that matters to someone with a precaution; each exercise is tagged with
    the ones it has, and with exactly one of `gentle` and `loaded`."""

    DEEP_HIP_BEND = "deep-hip-bend"  # the hip bent past 90°
    CROSSING = "crossing"  # the thigh crossing the body's midline
    INWARD_TURN = "inward-turn"  # the thigh turned inward
    HIP_BEHIND = "hip-behind"  # the hip taken behind the body, often turned out
    LYING_ON_BACK = "lying-on-back"
    BELLY_PLANK = "belly-plank"  # a plank with the belly facing the floor
    SINGLE_LEG_BALANCE = "single-leg-balance"  # balance on one leg with no hand on support
    DEEP_SQUAT = "deep-squat"
    KNEELING = "kneeling"
    END_RANGE_STRETCH = "end-range-stretch"  # a stretch taken toward the end of the range
    GENTLE = "gentle"  # light mobility with no load
    LOADED = "loaded"  # strength, core or balance work that loads the body


class RoutineKind(StrEnum):
    """What a routine is for in a day: the plan picks by this."""

    WARM_UP = "warm-up"
    DESK = "desk"
    MOBILITY = "mobility"
    STRENGTH = "strength"


#: A (low, high) range, both ends included.
Span = tuple[int, int]


@dataclass(frozen=True)
class SeedDose:
    """The dose a seed article gives an exercise, as (low, high) ranges: e.g. 3 × 15–30 reps."""

    sets: Span
    reps: Span | None = None
    hold_seconds: Span | None = None

    def allows(self, dosage: Dosage) -> bool:
        """Whether `dosage` lies within every range the seed gives."""
        return all(
            span is None or (value is not None and span[0] <= value <= span[1])
            for span, value in (
                (self.sets, dosage.sets),
                (self.reps, dosage.reps),
                (self.hold_seconds, dosage.hold_seconds),
            )
        )

    def __str__(self) -> str:
        def span(low_high: Span) -> str:
            low, high = low_high
            return str(low) if low == high else f"{low}–{high}"

        amount = f"{span(self.reps)} reps" if self.reps else ""
        if self.hold_seconds:
            amount = f"{span(self.hold_seconds)} s"
        return f"{span(self.sets)} × {amount}".rstrip(" ×")


@dataclass(frozen=True)
class Exercise:
    slug: str
    name: str
    summary: str
    category: Category
    position: Position
    equipment: Equipment
    per_side: bool
    default_dosage: Dosage
    setup: tuple[str, ...]
    cues: tuple[str, ...]
    mistakes: tuple[str, ...]
    easier: tuple[str, ...]
    harder: tuple[str, ...]
    muscles: tuple[str, ...]
    seeds: tuple[str, ...]
    tags: frozenset[Feature] = frozenset({Feature.GENTLE})
    safety: str | None = None
    seed_dose: SeedDose | None = None  # None where no seed gives this exercise a dose

    @property
    def dosage_kind(self) -> DosageKind:
        """Whether the exercise is held, counted in reps or timed."""
        return self.default_dosage.kind


@dataclass(frozen=True)
class Prescription:
    """One exercise in a routine, with the dosage this routine gives it."""

    exercise: Exercise
    dosage: Dosage
    #: The side a hip check found lagging: a per-side exercise gets one more set on it.
    extra_set_side: Side | None = None


@dataclass(frozen=True)
class Block:
    name: str
    prescriptions: tuple[Prescription, ...]


@dataclass(frozen=True)
class Routine:
    slug: str
    name: str
    summary: str
    kind: RoutineKind
    goals: tuple[Goal, ...]
    blocks: tuple[Block, ...]
    safety: str  # the routine's own safety note, shown before it starts
    quick_start: bool = False
    rest_between_exercises: int = 0
    signature: str = ""  # the exercise that pictures the routine on cards (else the first)

    @property
    def signature_exercise(self) -> Exercise:
        """The exercise whose figure stands for the routine on Today and library cards."""
        exercises = [p.exercise for p in self.prescriptions]
        return next((e for e in exercises if e.slug == self.signature), exercises[0])

    @property
    def prescriptions(self) -> tuple[Prescription, ...]:
        """Every exercise of the routine with its dosage, block after block."""
        return tuple(p for block in self.blocks for p in block.prescriptions)

    @property
    def equipment(self) -> frozenset[Equipment]:
        """The kit the routine needs ('none' left out)."""
        used = {p.exercise.equipment for p in self.prescriptions}
        return frozenset(used - {Equipment.NONE})

    @property
    def positions(self) -> frozenset[Position]:
        """The positions the routine's exercises take."""
        return frozenset(p.exercise.position for p in self.prescriptions)

    @property
    def safety_notes(self) -> tuple[str, ...]:
        """The exercise-specific safety notes, each once, in routine order."""
        notes = (p.exercise.safety for p in self.prescriptions if p.exercise.safety)
        return tuple(dict.fromkeys(notes))


@dataclass(frozen=True)
class Catalog:
    exercises: Mapping[str, Exercise]
    routines: Mapping[str, Routine]
    figures: Mapping[str, Figure] = dataclasses.field(default_factory=lambda: MappingProxyType({}))

    def exercise(self, slug: str) -> Exercise | None:
        """The exercise called `slug`, None when the library has none."""
        return self.exercises.get(slug)

    def routine(self, slug: str) -> Routine | None:
        """The routine called `slug`, None when the library has none."""
        return self.routines.get(slug)

    def variants(self, exercise: Exercise) -> tuple[tuple[Exercise, ...], tuple[Exercise, ...]]:
        """The easier and the harder variants of `exercise` (found once: a plan build asks
        for them hundreds of times)."""
        key = (exercise.easier, exercise.harder)
        found = self._variants.get(key)
        if found is None:
            found = self._variants[key] = (
                tuple(self.exercises[s] for s in exercise.easier),
                tuple(self.exercises[s] for s in exercise.harder),
            )
        return found

    @cached_property
    def _variants(self) -> dict[tuple[tuple[str, ...], tuple[str, ...]], Variants]:
        return {}

    @cached_property
    def longest_variant_walk(self) -> int | None:
        """The most easier- or harder-variant links in a row; None when the links form a loop.

        Every plan build reads it, so it is found once per catalog."""
        longest = 0
        for direction in (0, 1):
            depth: dict[str, int] = {}
            for slug in self.exercises:
                found = _walk_depth(self, slug, direction, depth, set())
                if found is None:
                    return None
                longest = max(longest, found)
        return longest


#: An exercise's easier and harder variants.
Variants = tuple[tuple[Exercise, ...], tuple[Exercise, ...]]


def _walk_depth(
    catalog: Catalog, slug: str, direction: int, depth: dict[str, int], open_: set[str]
) -> int | None:
    """Links in the longest walk from `slug` one way; None on a loop (`open_`: the walk so far)."""
    if slug in depth:
        return depth[slug]
    if slug in open_:
        return None
    open_.add(slug)
    longest = 0
    for variant in catalog.variants(catalog.exercises[slug])[direction]:
        found = _walk_depth(catalog, variant.slug, direction, depth, open_)
        if found is None:
            return None
        longest = max(longest, found + 1)
    open_.discard(slug)
    depth[slug] = longest
    return longest


class LibraryError(ValueError):
    """A library file is wrong; the message says where and how."""

    def __init__(self, file: str, entry: str, field: str, problem: str) -> None:
        self.file, self.entry, self.field, self.problem = file, entry, field, problem
        super().__init__(f"{file}: {entry}, field '{field}': {problem}")
