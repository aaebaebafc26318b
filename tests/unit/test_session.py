"""The session compiler turns a routine into the steps the player runs."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from routines.catalog.model import (
    Block,
    Category,
    Equipment,
    Exercise,
    Goal,
    Position,
    Prescription,
    Routine,
    RoutineKind,
)
from routines.dosage import Dosage, DosageKind
from routines.figures.body import Side
from routines.session import StepKind, compile_session, session_minutes


def exercise(slug: str, *, per_side: bool, dosage: Dosage) -> Exercise:
    return Exercise(
        slug=slug, name=slug.replace("-", " ").capitalize(), summary="s",
        category=Category.MOBILITY_STRETCH, position=Position.STANDING,
        equipment=Equipment.NONE, per_side=per_side, default_dosage=dosage,
        setup=("a", "b"), cues=("c", "d"), mistakes=("m",), easier=(), harder=(),
        muscles=("glutes",), seeds=("000.txt",),
    )  # fmt: skip


def routine(*prescriptions: Prescription, rest_between: int = 0) -> Routine:
    return Routine(
        slug="r", name="R", summary="s", kind=RoutineKind.MOBILITY, goals=(Goal.GENERAL,),
        blocks=(Block("Only", prescriptions),), safety="Stop if it hurts.",
        rest_between_exercises=rest_between,
    )  # fmt: skip


FIGURE_FOUR = Dosage(DosageKind.HOLD, sets=2, hold_seconds=30, rest_seconds=10)
STRETCH = Prescription(exercise("figure-four", per_side=True, dosage=FIGURE_FOUR), FIGURE_FOUR)
SQUEEZE_DOSE = Dosage(DosageKind.HOLD, sets=1, hold_seconds=10)
SQUEEZE = Prescription(exercise("glute-squeeze", per_side=False, dosage=SQUEEZE_DOSE), SQUEEZE_DOSE)


def test_a_per_side_hold_runs_right_then_switches_then_left_for_each_set() -> None:
    steps = compile_session(routine(STRETCH)).steps
    assert [(s.kind, s.seconds, s.label) for s in steps] == [
        (StepKind.GET_READY, 5, "Next: Figure four · 2 × 30 s hold · right side first"),
        (StepKind.WORK, 30, "Hold 1 of 2 · right side"),
        (StepKind.SWITCH_SIDES, 5, "Switch to the left side"),
        (StepKind.WORK, 30, "Hold 1 of 2 · left side"),
        (StepKind.REST, 10, "Next: hold 2 of 2 · right side"),
        (StepKind.WORK, 30, "Hold 2 of 2 · right side"),
        (StepKind.SWITCH_SIDES, 5, "Switch to the left side"),
        (StepKind.WORK, 30, "Hold 2 of 2 · left side"),
    ]


def test_per_side_exercises_get_the_full_time_on_each_side() -> None:
    work = [s for s in compile_session(routine(STRETCH)).steps if s.kind is StepKind.WORK]
    assert {(s.side, s.seconds) for s in work} == {(Side.RIGHT, 30), (Side.LEFT, 30)}


def test_rest_between_exercises_comes_before_the_next_get_ready() -> None:
    steps = compile_session(routine(SQUEEZE, STRETCH, rest_between=20)).steps
    assert [s.kind for s in steps[:4]] == [
        StepKind.GET_READY, StepKind.WORK, StepKind.REST, StepKind.GET_READY,
    ]  # fmt: skip
    assert steps[2].label == "Next: Figure four"


def test_self_paced_reps_wait_for_the_user_and_tempo_reps_run_on_their_own() -> None:
    plain = Dosage(DosageKind.REPS, sets=1, reps=10)
    tempo = Dosage(DosageKind.REPS, sets=1, reps=10, tempo_seconds=2)
    bridge = exercise("glute-bridge", per_side=False, dosage=plain)
    plain_step = compile_session(routine(Prescription(bridge, plain))).steps[1]
    tempo_step = compile_session(routine(Prescription(bridge, tempo))).steps[1]
    assert (plain_step.auto_advance, plain_step.label) == (False, "Set 1 of 1 · 10 reps")
    assert (tempo_step.auto_advance, tempo_step.seconds) == (True, 20)


def test_the_voice_says_the_exercise_its_dosage_and_the_side_to_start_on() -> None:
    steps = compile_session(routine(STRETCH)).steps
    assert [(s.kind, s.say) for s in steps] == [
        (StepKind.GET_READY, "Figure four, 2 holds of 30 seconds each side, right side first"),
        (StepKind.WORK, ""),
        (StepKind.SWITCH_SIDES, "Switch sides"),
        (StepKind.WORK, ""),
        (StepKind.REST, "Rest 10 seconds. Next: hold 2 of 2, right side"),
        (StepKind.WORK, ""),
        (StepKind.SWITCH_SIDES, "Switch sides"),
        (StepKind.WORK, ""),
    ]


def test_a_rest_between_exercises_says_how_long_and_what_comes_next() -> None:
    steps = compile_session(routine(SQUEEZE, STRETCH, rest_between=20)).steps
    assert steps[0].say == "Glute squeeze, hold 10 seconds"
    assert steps[2].say == "Rest 20 seconds. Next: Figure four"


def test_reps_are_said_as_reps_each_side_and_brackets_as_a_pause() -> None:
    swings = Dosage(DosageKind.REPS, sets=1, reps=12, tempo_seconds=2)
    squeeze = Dosage(DosageKind.REPS, sets=3, reps=10)
    leg = exercise("leg-swings", per_side=True, dosage=swings)
    reset = replace(exercise("squeeze", per_side=False, dosage=squeeze), name="Squeeze (reset)")
    steps = compile_session(routine(Prescription(leg, swings), Prescription(reset, squeeze))).steps
    assert steps[0].say == "Leg swings, 12 reps each side, right side first"
    assert steps[4].say == "Squeeze, reset, 3 sets of 10 reps"


def test_a_set_straight_after_another_says_which_set_it_is() -> None:
    dosage = Dosage(DosageKind.HOLD, sets=2, hold_seconds=15)
    plank = Prescription(exercise("plank", per_side=False, dosage=dosage), dosage)
    steps = compile_session(routine(plank)).steps
    assert [s.say for s in steps] == ["Plank, 2 holds of 15 seconds", "", "Hold 2 of 2"]
    without_get_ready = compile_session(routine(plank), get_ready_seconds=0).steps
    assert without_get_ready[0].say == "Plank, Hold 1 of 2"


def test_halfway_is_said_on_holds_of_20_s_and_the_count_on_steps_of_10_s_or_more() -> None:
    steps = compile_session(routine(STRETCH, SQUEEZE, rest_between=5)).steps
    said = {(s.kind, s.seconds, s.says_halfway, s.says_countdown) for s in steps}
    assert said == {
        (StepKind.GET_READY, 5, False, False),
        (StepKind.WORK, 30, True, True),
        (StepKind.SWITCH_SIDES, 5, False, False),
        (StepKind.REST, 10, False, True),
        (StepKind.REST, 5, False, False),
        (StepKind.WORK, 10, False, True),
    }
    reps = Dosage(DosageKind.REPS, sets=1, reps=10, tempo_seconds=3)
    bridge = compile_session(
        routine(Prescription(exercise("b", per_side=False, dosage=reps), reps))
    )
    assert not bridge.steps[1].says_halfway and not bridge.steps[1].says_countdown


def test_the_routine_carries_its_total_duration() -> None:
    session = compile_session(routine(STRETCH))
    assert session.total_seconds == 5 + 30 + 5 + 30 + 10 + 30 + 5 + 30
    assert session.minutes == 2


dosages = st.one_of(
    st.builds(
        Dosage, st.just(DosageKind.HOLD), sets=st.integers(1, 4),
        hold_seconds=st.integers(1, 90), rest_seconds=st.integers(0, 60),
    ),
    st.builds(
        Dosage, st.just(DosageKind.REPS), sets=st.integers(1, 4), reps=st.integers(1, 30),
        rest_seconds=st.integers(0, 60), tempo_seconds=st.none() | st.integers(1, 5),
    ),
    st.builds(
        Dosage, st.just(DosageKind.TIMED), sets=st.integers(1, 3),
        work_seconds=st.integers(1, 120), rest_seconds=st.integers(0, 60),
    ),
)  # fmt: skip


@st.composite
def routines(draw: st.DrawFn) -> Routine:
    count = draw(st.integers(1, 6))
    items = []
    for index in range(count):
        dosage = draw(dosages)
        per_side = draw(st.booleans())
        extra = draw(st.none() | st.sampled_from(Side))  # a hip check's lagging side, or none
        move = exercise(f"e{index}", per_side=per_side, dosage=dosage)
        items.append(Prescription(move, dosage, extra_set_side=extra))
    return routine(*items, rest_between=draw(st.integers(0, 45)))


transitions = st.integers(0, 10)


@given(routines(), transitions, transitions)
def test_total_duration_is_the_sum_of_the_steps(r: Routine, ready: int, switch: int) -> None:
    session = compile_session(r, get_ready_seconds=ready, switch_seconds=switch)
    assert session.total_seconds == sum(step.seconds for step in session.steps)


@given(routines(), transitions, transitions)
def test_every_per_side_work_step_has_its_mirror_but_a_lagging_sides_extra_set(
    r: Routine, ready: int, switch: int
) -> None:
    steps = compile_session(r, get_ready_seconds=ready, switch_seconds=switch).steps
    sided = [s for s in steps if s.kind is StepKind.WORK and s.side]
    for item in r.prescriptions:
        for side in Side:
            mine = [s for s in sided if s.exercise == item.exercise.slug and s.side is side]
            extra = item.exercise.per_side and item.extra_set_side is side
            sets = item.dosage.sets + extra
            assert [s.set_number for s in mine] == list(range(1, sets + 1 if mine else 1))
            assert [s.extra for s in mine] == [
                n > item.dosage.sets for n in range(1, len(mine) + 1)
            ]
            assert all(s.sets == sets for s in mine)


@given(routines(), transitions, transitions)
def test_no_rest_after_the_last_step(r: Routine, ready: int, switch: int) -> None:
    steps = compile_session(r, get_ready_seconds=ready, switch_seconds=switch).steps
    assert steps[-1].kind is StepKind.WORK


@given(routines())
def test_every_set_of_every_exercise_is_worked_and_a_lagging_side_once_more(r: Routine) -> None:
    steps = compile_session(r).steps
    expected = sum(
        p.dosage.sets * 2 + (p.extra_set_side is not None) if p.exercise.per_side else p.dosage.sets
        for p in r.prescriptions
    )
    assert sum(1 for s in steps if s.kind is StepKind.WORK) == expected


@given(routines(), transitions, transitions)
def test_every_step_but_a_work_step_after_a_pause_says_something_readable(
    r: Routine, ready: int, switch: int
) -> None:
    steps = compile_session(r, get_ready_seconds=ready, switch_seconds=switch).steps
    for before, step in zip((None, *steps), steps, strict=False):
        assert "·" not in step.say and "(" not in step.say
        after_pause = before and before.kind is not StepKind.WORK
        silent_work = step.kind is StepKind.WORK and after_pause and not step.extra
        assert bool(step.say) != bool(silent_work), (before, step)


@pytest.mark.parametrize(
    ("seconds", "steps_done", "expected"),
    [
        pytest.param(0, 0, 0, id="nothing done counts no minutes"),
        pytest.param(600, 0, 0, id="ten minutes open with no step done count none"),
        pytest.param(0, 1, 1, id="a step done counts at least a minute"),
        pytest.param(29, 1, 1, id="under half a minute still counts one"),
        pytest.param(89, 2, 1, id="89 seconds round down"),
        pytest.param(91, 2, 2, id="91 seconds round up"),
        pytest.param(150, 3, 2, id="two and a half minutes round to the even minute"),
        pytest.param(210.4, 3, 4, id="just over three and a half minutes round up"),
        pytest.param(1800, 9, 30, id="half an hour"),
    ],
)
def test_a_logged_session_counts_its_length_in_whole_minutes(
    seconds: float, steps_done: int, expected: int
) -> None:
    assert session_minutes(seconds, steps_done) == expected
