"""The state of one plan build: where the program stands week to week, with the history's
and the library's lookups worked out once."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from routines.catalog.model import Catalog, Equipment, Goal, Prescription, Routine
from routines.figures.body import Side
from routines.plan.history import History, Move, Trigger
from routines.plan.model import DayKind, Experience, Phase, Program, Week
from routines.precautions import Precaution

FOUNDATION_WEEKS = {Experience.NEW: 6, Experience.SOME: 5, Experience.TRAINED: 4}
STRENGTHENING_WEEKS = {Experience.NEW: 6, Experience.SOME: 7, Experience.TRAINED: 8}


@dataclass(frozen=True, slots=True)
class Loading:
    """What a loading week was built from; a deload week repeats it, lighter."""

    phase: Phase
    cycle: int
    level: int
    rotation: int
    strength_days: int = 7
    eased: frozenset[int] = frozenset()  # turns whose session had easier variants


@dataclass(frozen=True)
class Dosing:
    """How a routine is dosed on a day."""

    step: int  # variant steps from the library's own, harder when positive
    level: int  # loading weeks of growth
    deload: bool = False
    carried: bool = False  # the session this deload repeats had easier variants
    easier: bool = False  # a trigger asks for easier variants today


@dataclass(frozen=True, slots=True)
class Position:
    """Where the program stands: which program week, and how far dosage has grown."""

    program_week: int = 0
    level: int = 0
    loading_since_deload: int = 0
    rotation: int = 0
    last_loading: Loading | None = None


@dataclass
class Choices:
    """What a build works out from the library and the program's goal, kit and precautions
    alone, never from the history or the day: each kind's candidate routines, and the
    routines and exercises at each dosing. Builds with the same three share them."""

    candidates: dict[DayKind, list[Routine]] = field(default_factory=dict)
    dosed: dict[tuple[str, Dosing, Side | None], tuple[Routine, int]] = field(default_factory=dict)
    easings: dict[tuple[str, Dosing], bool] = field(default_factory=dict)
    variants: dict[tuple[str, int, int, bool, bool, bool], Prescription] = field(
        default_factory=dict
    )


#: The choices of the kits built for lately, newest last, each with the catalog it is for.
Kit = tuple[int, Goal, frozenset[Equipment], frozenset[Precaution]]
_CHOICES: OrderedDict[Kit, tuple[Catalog, Choices]] = OrderedDict()
#: How many kits' choices are kept: users share few goals, kits and precautions.
MOST_KITS = 16
_CHOICES_LOCK = threading.Lock()


def choices_for(catalog: Catalog, program: Program) -> Choices:
    """The choices shared by builds of `catalog` with the program's goal, kit and precautions.

    Builds that differ only in history, start, days or experience share them: a user's
    program versions, and the many users with the same kit.
    """
    key = (id(catalog), program.goal, program.equipment, program.precautions)
    with _CHOICES_LOCK:  # the scheduler builds plans in several threads
        found = _CHOICES.get(key)
        if found is None or found[0] is not catalog:  # a new catalog may reuse a freed id
            found = (catalog, Choices())
            _CHOICES[key] = found
            while len(_CHOICES) > MOST_KITS:
                _CHOICES.popitem(last=False)
        _CHOICES.move_to_end(key)
        return found[1]


@dataclass
class Builder:
    """The state of one `build_plan` call, with the history's lookups worked out once."""

    program: Program
    history: History
    catalog: Catalog
    today: date
    position: Position = field(default_factory=Position)
    weeks: list[Week] = field(default_factory=list)
    empty_weeks: int = 0
    before_break: Position = field(default_factory=Position)
    welcome_back: bool = False
    answered: int = 0  # triggers answered so far: those before the last eased strength day
    strength_last: bool = False  # the last day built holds a strength session that happens
    eased: set[int] = field(default_factory=set)

    @cached_property
    def choices(self) -> Choices:
        """The library's routines as this program's goal, kit and precautions take them."""
        return choices_for(self.catalog, self.program)

    @property
    def candidates(self) -> dict[DayKind, list[Routine]]:
        return self.choices.candidates

    @property
    def dosed(self) -> dict[tuple[str, Dosing, Side | None], tuple[Routine, int]]:
        return self.choices.dosed

    @property
    def easings(self) -> dict[tuple[str, Dosing], bool]:
        return self.choices.easings

    @property
    def variants(self) -> dict[tuple[str, int, int, bool, bool, bool], Prescription]:
        return self.choices.variants

    @cached_property
    def triggers(self) -> tuple[Trigger, ...]:
        """The last trigger of each day, in date order."""
        return self.history.last_triggers

    @cached_property
    def longest_walk(self) -> int | None:
        """The most variant steps any walk can take, None when some walk could loop."""
        return self.catalog.longest_variant_walk

    @cached_property
    def trigger_days(self) -> list[date]:
        """The days of `triggers`, for bisecting."""
        return [t.day for t in self.triggers]

    @cached_property
    def trigger_weeks(self) -> dict[int, Trigger]:
        """The last trigger of each week, by week index."""
        return {week_index(self.program, t.day): t for t in self.triggers}

    @cached_property
    def moves(self) -> dict[int, list[Move]]:
        """The user's moves by the week index of their source day."""
        found: dict[int, list[Move]] = {}
        for move in self.history.moves:
            found.setdefault(week_index(self.program, move.source), []).append(move)
        return found

    def phase_of(self, program_week: int) -> tuple[Phase, int, int]:
        """The phase of a program week, the week within that phase and the cycle (from 1)."""
        foundation = FOUNDATION_WEEKS[self.program.experience]
        cycle_length = foundation + STRENGTHENING_WEEKS[self.program.experience]
        cycle, offset = divmod(program_week, cycle_length)
        if offset < foundation:
            return Phase.FOUNDATION, offset + 1, cycle + 1
        return Phase.STRENGTHENING, offset - foundation + 1, cycle + 1


def week_index(program: Program, day: date) -> int:
    """The plan week (from 0) holding `day`."""
    return (day - program.start).days // 7
