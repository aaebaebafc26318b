"""The session compiler: a routine and its dosage become the timeline of steps the player runs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from routines.catalog import Prescription, Routine
from routines.dosage import DosageKind

GET_READY_SECONDS = 5
SWITCH_SIDES_SECONDS = 5


class StepKind(StrEnum):
    GET_READY = "get-ready"
    WORK = "work"
    SWITCH_SIDES = "switch-sides"
    REST = "rest"


class Side(StrEnum):
    """Per-side exercises start on the right, then mirror on the left."""

    RIGHT = "right"
    LEFT = "left"


@dataclass(frozen=True)
class Step:
    """One stretch of the timeline, with everything the player shows while it runs."""

    kind: StepKind
    seconds: int
    title: str
    label: str
    exercise: str
    set_number: int
    sets: int
    side: Side | None = None
    dosage_kind: DosageKind | None = None
    reps: int | None = None
    tempo_seconds: int | None = None
    auto_advance: bool = True

    def as_dict(self) -> dict[str, Any]:
        """The step as plain JSON-ready values for the player script."""
        return {
            "kind": self.kind.value,
            "seconds": self.seconds,
            "title": self.title,
            "label": self.label,
            "exercise": self.exercise,
            "set": self.set_number,
            "sets": self.sets,
            "side": self.side.value if self.side else None,
            "dosage": self.dosage_kind.value if self.dosage_kind else None,
            "reps": self.reps,
            "tempo": self.tempo_seconds,
            "auto": self.auto_advance,
        }


@dataclass(frozen=True)
class Session:
    routine: str
    name: str
    steps: tuple[Step, ...]

    @property
    def total_seconds(self) -> int:
        return sum(step.seconds for step in self.steps)

    @property
    def minutes(self) -> int:
        """Total duration rounded to whole minutes, never below one."""
        return max(1, round(self.total_seconds / 60))


def compile_session(
    routine: Routine,
    *,
    get_ready_seconds: int = GET_READY_SECONDS,
    switch_seconds: int = SWITCH_SIDES_SECONDS,
) -> Session:
    """Expand every prescription of `routine` into get-ready, work, switch and rest steps."""
    prescriptions = routine.prescriptions
    steps: list[Step] = []
    for index, prescription in enumerate(prescriptions):
        if get_ready_seconds > 0:
            steps.append(_get_ready(prescription, get_ready_seconds))
        steps.extend(_exercise_steps(prescription, switch_seconds))
        upcoming = prescriptions[index + 1] if index + 1 < len(prescriptions) else None
        if upcoming and routine.rest_between_exercises > 0:
            steps.append(
                Step(
                    StepKind.REST,
                    routine.rest_between_exercises,
                    "Rest",
                    f"Next: {upcoming.exercise.name}",
                    upcoming.exercise.slug,
                    1,
                    upcoming.dosage.sets,
                )
            )
    return Session(routine.slug, routine.name, tuple(steps))


@cache
def estimated_minutes(routine: Routine) -> int:
    """How long `routine` takes with the default transitions, in whole minutes."""
    return compile_session(routine).minutes


def _get_ready(prescription: Prescription, seconds: int) -> Step:
    exercise, dosage = prescription.exercise, prescription.dosage
    first = f" · {Side.RIGHT.value} side first" if exercise.per_side else ""
    return Step(
        StepKind.GET_READY,
        seconds,
        "Get ready",
        f"Next: {exercise.name} · {dosage.describe()}{first}",
        exercise.slug,
        1,
        dosage.sets,
    )


def _exercise_steps(prescription: Prescription, switch_seconds: int) -> Iterator[Step]:
    exercise, dosage = prescription.exercise, prescription.dosage
    for set_number in range(1, dosage.sets + 1):
        if exercise.per_side:
            yield _work(prescription, set_number, Side.RIGHT)
            if switch_seconds > 0:
                yield Step(
                    StepKind.SWITCH_SIDES,
                    switch_seconds,
                    "Switch sides",
                    f"Switch to the {Side.LEFT.value} side",
                    exercise.slug,
                    set_number,
                    dosage.sets,
                    side=Side.LEFT,
                )
            yield _work(prescription, set_number, Side.LEFT)
        else:
            yield _work(prescription, set_number, None)
        if set_number < dosage.sets and dosage.rest_seconds > 0:
            yield Step(
                StepKind.REST,
                dosage.rest_seconds,
                "Rest",
                f"Next: {_set_word(dosage.kind)} {set_number + 1} of {dosage.sets}"
                + (f" · {Side.RIGHT.value} side" if exercise.per_side else ""),
                exercise.slug,
                set_number + 1,
                dosage.sets,
            )


def _work(prescription: Prescription, set_number: int, side: Side | None) -> Step:
    exercise, dosage = prescription.exercise, prescription.dosage
    label = f"{_set_word(dosage.kind).capitalize()} {set_number} of {dosage.sets}"
    if dosage.kind is DosageKind.REPS:
        label += f" · {dosage.reps} reps"
    if side:
        label += f" · {side.value} side"
    return Step(
        StepKind.WORK,
        dosage.work_step_seconds,
        exercise.name,
        label,
        exercise.slug,
        set_number,
        dosage.sets,
        side=side,
        dosage_kind=dosage.kind,
        reps=dosage.reps,
        tempo_seconds=dosage.tempo_seconds,
        auto_advance=dosage.kind is not DosageKind.REPS or dosage.tempo_seconds is not None,
    )


def _set_word(kind: DosageKind) -> str:
    return {DosageKind.HOLD: "hold", DosageKind.REPS: "set", DosageKind.TIMED: "round"}[kind]
