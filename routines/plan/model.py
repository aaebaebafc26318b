"""The plan's words: day kinds and statuses, the program the user chose, and the weeks of
planned days a plan is made of."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from routines.catalog.model import Equipment, Goal, Routine, RoutineKind
from routines.dosage import volume
from routines.precautions import Precaution


class DayKind(StrEnum):
    STRENGTH = "strength"
    MOBILITY = "mobility"
    REST = "rest"


class Experience(StrEnum):
    NEW = "new"
    SOME = "some"
    TRAINED = "trained"


class Phase(StrEnum):
    FOUNDATION = "foundation"
    STRENGTHENING = "strengthening"


class DayStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    MISSED = "missed"
    SKIPPED = "skipped"
    MOVED = "moved"
    VACATION = "vacation"


WEEK = timedelta(days=7)
DAY = timedelta(days=1)
DAY_KIND_OF_ROUTINE = {
    RoutineKind.STRENGTH: DayKind.STRENGTH,
    RoutineKind.MOBILITY: DayKind.MOBILITY,
}


@dataclass(frozen=True)
class Program:
    """What the user told onboarding (or Settings)."""

    start: date
    goal: Goal = Goal.GENERAL
    session_days: tuple[int, ...] = (0, 2, 4)  # weekdays, Monday = 0
    experience: Experience = Experience.NEW
    equipment: frozenset[Equipment] = frozenset()
    deload_every: int = 4
    precautions: frozenset[Precaution] = frozenset()  # what the precautions screen was told

    def __post_init__(self) -> None:
        if not 2 <= len(set(self.session_days)) <= 6:
            raise ValueError("choose between 2 and 6 session days a week")
        if any(not 0 <= day <= 6 for day in self.session_days):
            raise ValueError("session days are weekdays 0 (Monday) to 6 (Sunday)")
        if self.deload_every not in (3, 4):
            raise ValueError("a deload comes every 3rd or 4th week")


@dataclass(frozen=True, slots=True)
class PlannedDay:
    """One day of the plan; `moved_from` is the day a moved session was first scheduled on."""

    day: date
    kind: DayKind
    routine: Routine | None = None
    minutes: int = 0
    status: DayStatus = DayStatus.PLANNED
    note: str | None = None
    moved_from: date | None = None
    hip_check: bool = False  # the plan asks for a hip check on this day

    @property
    def has_session(self) -> bool:
        """Whether the day holds a session (strength or mobility), not rest."""
        return self.kind is not DayKind.REST

    def with_status(self, status: DayStatus) -> PlannedDay:
        """This day with another status (as `replace` would, several times faster)."""
        return PlannedDay(
            self.day,
            self.kind,
            self.routine,
            self.minutes,
            status,
            self.note,
            self.moved_from,
            self.hip_check,
        )


@dataclass(frozen=True, slots=True)
class Week:
    index: int
    phase: Phase
    phase_week: int
    cycle: int
    deload: bool
    days: tuple[PlannedDay, ...]
    note: str | None = None

    @property
    def first_day(self) -> date:
        """The week's first day."""
        return self.days[0].day


@dataclass(frozen=True)
class Plan:
    program: Program
    weeks: tuple[Week, ...]

    def day(self, day: date) -> PlannedDay | None:
        """The planned day on `day`, None outside the plan."""
        week = self.week_of(day)
        return week.days[(day - week.first_day).days] if week else None

    def week_of(self, day: date) -> Week | None:
        """The week holding `day`, None outside the plan."""
        if not self.weeks:
            return None
        index = (day - self.weeks[0].first_day).days // 7
        return self.weeks[index] if 0 <= index < len(self.weeks) else None


def strength_happens(day: PlannedDay) -> bool:
    """Whether `day` holds a strength session that is still planned or was done."""
    return day.kind is DayKind.STRENGTH and day.status in (DayStatus.PLANNED, DayStatus.DONE)


def ends_with_strength(weeks: Sequence[Week]) -> bool:
    """Whether the last day of the last week holds a strength session that happens."""
    return bool(weeks) and strength_happens(weeks[-1].days[-1])


def strength_volume(days: Iterable[PlannedDay]) -> int:
    """Strength volume (sets × reps or sets × seconds) of the strength sessions that happen.

    A missed or skipped day does not count: the session it moved to does.
    """
    return sum(
        volume(item.dosage)
        for day in days
        if strength_happens(day) and day.routine is not None
        for item in day.routine.prescriptions
    )
