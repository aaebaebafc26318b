"""A lagging hip gets one more set of rotation work: the session compiler gives that side an
extra set, and the screen and the voice say so."""

from __future__ import annotations

from dataclasses import replace

from routines.catalog.model import Prescription
from routines.dosage import Dosage, DosageKind
from routines.figures.body import Side
from routines.session import StepKind, compile_session
from tests.unit.test_session import STRETCH, exercise, routine

CLAMS = Dosage(DosageKind.REPS, sets=2, reps=12)
CLAMSHELL = Prescription(exercise("clamshell", per_side=True, dosage=CLAMS), CLAMS)
ANNOUNCED = "One more set on your left side, from your hip check"


def test_the_lagging_side_gets_one_more_set_after_the_usual_sets() -> None:
    steps = compile_session(routine(replace(CLAMSHELL, extra_set_side=Side.LEFT))).steps
    work = [(s.side, s.set_number, s.sets) for s in steps if s.kind is StepKind.WORK]
    assert work == [
        (Side.RIGHT, 1, 2), (Side.LEFT, 1, 3),
        (Side.RIGHT, 2, 2), (Side.LEFT, 2, 3),
        (Side.LEFT, 3, 3),
    ]  # fmt: skip


def test_the_extra_set_is_shown_and_said_as_coming_from_the_hip_check() -> None:
    steps = compile_session(routine(replace(CLAMSHELL, extra_set_side=Side.LEFT))).steps
    assert steps[0].label == (
        "Next: Clamshell · 2 × 12 reps · right side first · one more set on the left"
    )
    assert steps[0].say.endswith("one more set on your left side")
    extra = steps[-1]
    assert extra.extra and extra.label == "Set 3 of 3 · 12 reps · left side · from your hip check"
    assert extra.say == ANNOUNCED
    assert extra.as_dict()["extra"] is True


def test_a_rest_comes_before_the_extra_set_and_says_what_it_is() -> None:
    extra_right = replace(STRETCH, extra_set_side=Side.RIGHT)
    steps = compile_session(routine(extra_right)).steps
    assert [(s.kind, s.label) for s in steps[-2:]] == [
        (StepKind.REST, "Next: hold 3 of 3 · right side · from your hip check"),
        (StepKind.WORK, "Hold 3 of 3 · right side · from your hip check"),
    ]
    assert steps[-1].say == "One more set on your right side, from your hip check"


def test_the_extra_set_adds_its_time_to_the_session() -> None:
    usual = compile_session(routine(STRETCH))
    lopsided = compile_session(routine(replace(STRETCH, extra_set_side=Side.LEFT)))
    assert lopsided.total_seconds == usual.total_seconds + 10 + 30


def test_an_exercise_done_once_for_both_sides_gets_no_extra_set() -> None:
    squeeze = Dosage(DosageKind.HOLD, sets=1, hold_seconds=10)
    both = Prescription(exercise("squeeze", per_side=False, dosage=squeeze), squeeze)
    usual = compile_session(routine(both)).steps
    assert compile_session(routine(replace(both, extra_set_side=Side.LEFT))).steps == usual
