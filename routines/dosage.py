"""How much of an exercise to do: sets, holds or reps, tempo and rest."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

#: Used to estimate the length of a self-paced set of reps (no tempo given).
SELF_PACED_SECONDS_PER_REP = 3


class DosageKind(StrEnum):
    """The unit an exercise is dosed in."""

    HOLD = "hold"
    REPS = "reps"
    TIMED = "timed"


AMOUNT_FIELD = {
    DosageKind.HOLD: "hold_seconds",
    DosageKind.REPS: "reps",
    DosageKind.TIMED: "work_seconds",
}
UNITS = {DosageKind.HOLD: "seconds", DosageKind.REPS: "reps", DosageKind.TIMED: "seconds"}


@dataclass(frozen=True)
class Dosage:
    """One prescription's volume: `sets` of a hold, a rep target or a timed bout.

    Exactly the field that matches `kind` is set (`hold_seconds`, `reps` or
    `work_seconds`); `tempo_seconds` (seconds per rep) only applies to reps.
    """

    kind: DosageKind
    sets: int
    hold_seconds: int | None = None
    reps: int | None = None
    work_seconds: int | None = None
    rest_seconds: int = 0
    tempo_seconds: int | None = None

    def __post_init__(self) -> None:
        problems = dosage_problems(self.kind, vars(self))  # not asdict(): no deep copy needed
        if problems:
            raise ValueError("; ".join(f"{field} {problem}" for field, problem in problems))

    @property
    def work_step_seconds(self) -> int:
        """Planned length of one set on one side."""
        if self.kind is DosageKind.HOLD:
            return self.hold_seconds or 0
        if self.kind is DosageKind.TIMED:
            return self.work_seconds or 0
        per_rep = self.tempo_seconds or SELF_PACED_SECONDS_PER_REP
        return (self.reps or 0) * per_rep

    def describe(self) -> str:
        """Short human dosage, e.g. '3 × 15 reps' or '2 × 30 s hold'."""
        if self.kind is DosageKind.HOLD:
            return f"{self.sets} × {self.hold_seconds} s hold"
        if self.kind is DosageKind.TIMED:
            return f"{self.sets} × {self.work_seconds} s"
        return f"{self.sets} × {self.reps} reps"


def dosage_problems(kind: DosageKind, values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every way a dosage of `kind` with `values` is impossible, as (field, problem) pairs."""
    problems: list[tuple[str, str]] = []
    sets, rest, tempo = (
        values.get("sets"),
        values.get("rest_seconds", 0),
        values.get("tempo_seconds"),
    )
    if sets is None or sets < 1:
        problems.append(("sets", f"must be at least 1, not {sets}"))
    if rest is not None and rest < 0:
        problems.append(("rest_seconds", f"cannot be negative ({rest})"))
    for amount_kind, field in AMOUNT_FIELD.items():
        value = values.get(field)
        if amount_kind is kind:
            if value is None:
                problems.append((field, f"a {kind.value} dosage needs {field}"))
            elif value < 1:
                problems.append((field, f"must be a positive number of {UNITS[kind]}, not {value}"))
        elif value is not None:
            problems.append((field, f"does not apply to a {kind.value} dosage"))
    if tempo is not None:
        if kind is not DosageKind.REPS:
            problems.append(("tempo_seconds", "only applies to reps"))
        elif tempo < 1:
            problems.append(("tempo_seconds", f"must be positive, not {tempo}"))
    return problems


# Progression and deload: the one place that says how dosage changes from week to week.
HOLD_STEP_SECONDS = 5
REPS_STEP = 2
MAX_SETS = 5  # a set is added once reps reach their cap, never beyond this
DELOAD_SHARE = 0.6


def progressed(dosage: Dosage, weeks: int, *, hold_cap: int, reps_cap: int) -> Dosage:
    """`dosage` after `weeks` loading weeks: holds +5 s a week up to `hold_cap`; reps +2 a week
    up to `reps_cap`, then one more set (once, at most five). Never below the starting dosage."""
    weeks = max(0, weeks)
    if dosage.kind is DosageKind.REPS:
        return _more_reps(dosage, weeks, reps_cap)
    seconds = dosage.work_step_seconds  # the hold, or the timed bout
    longer = max(seconds, min(hold_cap, seconds + HOLD_STEP_SECONDS * weeks))
    if longer == seconds:
        return dosage
    if dosage.kind is DosageKind.HOLD:
        return replace(dosage, hold_seconds=longer)
    return replace(dosage, work_seconds=longer)


def _more_reps(dosage: Dosage, weeks: int, cap: int) -> Dosage:
    """Reps +2 a week up to `cap`; the week after they reach it, one more set."""
    reps = dosage.reps or 0
    climbing = max(0, -(-(cap - reps) // REPS_STEP))  # weeks until reps reach the cap
    more = max(reps, min(cap, reps + REPS_STEP * weeks))
    sets = max(dosage.sets, min(MAX_SETS, dosage.sets + 1)) if weeks > climbing else dosage.sets
    if (more, sets) == (reps, dosage.sets):
        return dosage
    return replace(dosage, reps=more, sets=sets)


def deloaded(dosage: Dosage) -> Dosage:
    """A deload version of `dosage`: at most 60% of its volume, fewer sets first."""
    sets = max(1, int(dosage.sets * DELOAD_SHARE))
    if sets < dosage.sets and sets <= dosage.sets * DELOAD_SHARE:
        return replace(dosage, sets=sets)
    amount: int = getattr(dosage, AMOUNT_FIELD[dosage.kind])
    lighter = max(1, int(amount * DELOAD_SHARE))
    if dosage.kind is DosageKind.HOLD:
        return replace(dosage, sets=sets, hold_seconds=lighter)
    if dosage.kind is DosageKind.REPS:
        return replace(dosage, sets=sets, reps=lighter)
    return replace(dosage, sets=sets, work_seconds=lighter)


def volume(dosage: Dosage) -> int:
    """Sets × reps, or sets × seconds of hold or work (one side)."""
    amount: int = getattr(dosage, AMOUNT_FIELD[dosage.kind]) or 0
    return dosage.sets * amount
