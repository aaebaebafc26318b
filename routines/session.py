"""The session compiler: a routine and its dosage become the timeline of steps the player runs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from typing import Any

from routines.catalog.model import Prescription, Routine
from routines.dosage import DosageKind
from routines.figures.body import Side

GET_READY_SECONDS = 5
SWITCH_SIDES_SECONDS = 5
#: Holds and timed rounds at least this long get a spoken "Halfway".
HALFWAY_SPOKEN_FROM = 20
#: Timed holds, rounds and rests at least this long count their last three seconds aloud; a
#: shorter step would talk over its own opening words (get-ready and switch-sides only beep).
COUNTDOWN_SPOKEN_FROM = 10


class StepKind(StrEnum):
    GET_READY = "get-ready"
    WORK = "work"
    SWITCH_SIDES = "switch-sides"
    REST = "rest"


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
    #: What the voice says as the step begins ("" for nothing): see `_get_ready`, `_rest`.
    say: str = ""
    extra: bool = False  # the lagging side's one more set, from the hip check

    @property
    def says_halfway(self) -> bool:
        """Whether the voice says "Halfway" in this step: holds and timed rounds of 20 s or more."""
        timed = self.dosage_kind in (DosageKind.HOLD, DosageKind.TIMED)
        return self.kind is StepKind.WORK and timed and self.seconds >= HALFWAY_SPOKEN_FROM

    @property
    def says_countdown(self) -> bool:
        """Whether the voice counts "3", "2", "1" at the end: long holds, timed rounds and rests."""
        timed = self.dosage_kind in (DosageKind.HOLD, DosageKind.TIMED)
        counted = self.kind is StepKind.REST or (self.kind is StepKind.WORK and timed)
        return counted and self.seconds >= COUNTDOWN_SPOKEN_FROM

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
            "say": self.say,
            "sayHalfway": self.says_halfway,
            "sayCount": self.says_countdown,
            "extra": self.extra,
        }


@dataclass(frozen=True)
class Session:
    routine: str
    name: str
    steps: tuple[Step, ...]

    @property
    def total_seconds(self) -> int:
        """The whole session's length in seconds, every step added up."""
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
            steps.append(_rest(routine.rest_between_exercises, upcoming.exercise.name, upcoming, 1))
    return Session(routine.slug, routine.name, _voiced(steps))


def _voiced(steps: list[Step]) -> tuple[Step, ...]:
    """The steps, each work step straight after another work step saying what it is.

    Get-ready, switch-sides and rest steps already say what comes next; two work steps in a row
    (sets with no rest, or no get-ready) would otherwise start with only a beep.
    """
    voiced: list[Step] = []
    for step in steps:
        before = voiced[-1] if voiced else None
        after_work = before is None or before.kind is StepKind.WORK
        if step.kind is StepKind.WORK and after_work and not step.extra:
            same = before is not None and before.exercise == step.exercise
            words = step.label if same else f"{step.title} · {step.label}"
            step = replace(step, say=spoken(words))
        voiced.append(step)
    return tuple(voiced)


@lru_cache(maxsize=256)
def estimated_minutes(routine: Routine) -> int:
    """How long `routine` takes with the default transitions, in whole minutes (the library's
    routines asked again and again; a plan keeps its own with its choices)."""
    return compile_session(routine).minutes


def session_minutes(seconds: float, steps_done: int) -> int:
    """A logged session's length in whole minutes: at least 1 once a step is done, else 0."""
    return max(1, round(seconds / 60)) if steps_done else 0


def _get_ready(prescription: Prescription, seconds: int) -> Step:
    exercise, dosage = prescription.exercise, prescription.dosage
    first = f" · {Side.RIGHT.value} side first" if exercise.per_side else ""
    extra = extra_side(prescription)
    more = f" · one more set on the {extra.value}" if extra else ""
    said_more = f" · one more set on your {extra.value} side" if extra else ""
    return Step(
        StepKind.GET_READY,
        seconds,
        "Get ready",
        f"Next: {exercise.name} · {dosage.describe()}{first}{more}",
        exercise.slug,
        1,
        dosage.sets,
        say=spoken(f"{exercise.name} · {spoken_dosage(prescription)}{first}{said_more}"),
    )


def extra_side(prescription: Prescription) -> Side | None:
    """The side that gets one more set: only a per-side exercise has one."""
    return prescription.extra_set_side if prescription.exercise.per_side else None


def sets_on(prescription: Prescription, side: Side | None) -> int:
    """How many sets `side` does (None: an exercise done once for both sides)."""
    extra = side is not None and side is extra_side(prescription)
    return prescription.dosage.sets + (1 if extra else 0)


def _rest(
    seconds: int, coming: str, prescription: Prescription, set_number: int, sets: int = 0
) -> Step:
    """A rest before `coming` (the next exercise's name, or its next set)."""
    return Step(
        StepKind.REST,
        seconds,
        "Rest",
        f"Next: {coming}",
        prescription.exercise.slug,
        set_number,
        sets or prescription.dosage.sets,
        say=spoken(f"Rest {seconds} seconds. Next: {coming}"),
    )


def spoken_dosage(prescription: Prescription) -> str:
    """The dosage as said aloud: '12 reps each side', '3 holds of 10 seconds', '45 seconds'."""
    dosage, per_side = prescription.dosage, prescription.exercise.per_side
    each = " each side" if per_side else ""
    if dosage.kind is DosageKind.REPS:
        amount = f"{dosage.reps} reps"
        return f"{dosage.sets} sets of {amount}{each}" if dosage.sets > 1 else f"{amount}{each}"
    seconds = dosage.hold_seconds if dosage.kind is DosageKind.HOLD else dosage.work_seconds
    word = _set_word(dosage.kind)
    if dosage.sets > 1:
        return f"{dosage.sets} {word}s of {seconds} seconds{each}"
    return f"{word} {seconds} seconds{each}" if word == "hold" else f"{seconds} seconds{each}"


def spoken(text: str) -> str:
    """Screen words as a voice reads them: ' · ' and brackets become pauses."""
    return re.sub(r"\s*\(([^)]*)\)", r", \1", text).replace(" · ", ", ")


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
                    say="Switch sides",
                )
            yield _work(prescription, set_number, Side.LEFT)
        else:
            yield _work(prescription, set_number, None)
        if set_number < dosage.sets and dosage.rest_seconds > 0:
            coming = f"{_set_word(dosage.kind)} {set_number + 1} of {dosage.sets}" + (
                f" · {Side.RIGHT.value} side" if exercise.per_side else ""
            )
            yield _rest(dosage.rest_seconds, coming, prescription, set_number + 1)
    extra = extra_side(prescription)
    if extra is not None:
        yield from _extra_set(prescription, extra)


def _extra_set(prescription: Prescription, side: Side) -> Iterator[Step]:
    """The lagging side's one more set, after the usual ones (a rest first, as between sets).

    No switch-sides step, as between usual sets: the rest or the voice names the side.
    """
    dosage, number = prescription.dosage, prescription.dosage.sets + 1
    if dosage.rest_seconds > 0:
        coming = f"{_set_word(dosage.kind)} {number} of {number} · {side.value} side{FROM_CHECK}"
        yield _rest(dosage.rest_seconds, coming, prescription, number, number)
    said = f"One more set on your {side.value} side, from your hip check"
    yield replace(_work(prescription, number, side), extra=True, say=said)


#: What marks the extra set on the screen.
FROM_CHECK = " · from your hip check"


def _work(prescription: Prescription, set_number: int, side: Side | None) -> Step:
    exercise, dosage = prescription.exercise, prescription.dosage
    sets = sets_on(prescription, side)
    label = f"{_set_word(dosage.kind).capitalize()} {set_number} of {sets}"
    if dosage.kind is DosageKind.REPS:
        label += f" · {dosage.reps} reps"
    if side:
        label += f" · {side.value} side"
    if set_number > dosage.sets:
        label += FROM_CHECK
    return Step(
        StepKind.WORK,
        dosage.work_step_seconds,
        exercise.name,
        label,
        exercise.slug,
        set_number,
        sets,
        side=side,
        dosage_kind=dosage.kind,
        reps=dosage.reps,
        tempo_seconds=dosage.tempo_seconds,
        auto_advance=dosage.kind is not DosageKind.REPS or dosage.tempo_seconds is not None,
    )


def _set_word(kind: DosageKind) -> str:
    return {DosageKind.HOLD: "hold", DosageKind.REPS: "set", DosageKind.TIMED: "round"}[kind]
