"""The plan honours the precautions: no week holds a move an answer leaves out, and pain or
recent surgery keep it to gentle mobility with a clinician first."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from itertools import chain, combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from routines.catalog.model import Equipment, Feature, Goal, Prescription, RoutineKind
from routines.plan.build import build_plan
from routines.plan.history import History
from routines.plan.model import DayKind, Experience, Plan, Program
from routines.plan.variants import shift_variant
from routines.precautions import Precaution, forbidden, gentle_only
from tests.unit.plan_helpers import CATALOG, FAST, START, all_days, build, plan_of, situations

P = Precaution
ANSWER_SETS = [
    frozenset(answers)
    for answers in chain.from_iterable(combinations(Precaution, n) for n in range(7))
]
KITS = {"no kit": frozenset(), "all kit": frozenset(Equipment)}


def planned_exercises(plan: Plan) -> list[Prescription]:
    """Every exercise of every session in the plan."""
    return [p for day in all_days(plan) if day.routine for p in day.routine.prescriptions]


def breaches(plan: Plan) -> list[str]:
    """The planned exercises with a feature the plan's answers leave out."""
    avoid = forbidden(plan.program.precautions)
    if gentle_only(plan.program.precautions):
        avoid |= {Feature.LOADED}
    return [p.exercise.slug for p in planned_exercises(plan) if p.exercise.tags & avoid]


@pytest.mark.parametrize("kit", KITS, ids=list(KITS))
@pytest.mark.parametrize("goal", list(Goal))
def test_no_plan_week_holds_a_move_the_answers_leave_out(goal: Goal, kit: str) -> None:
    for answers in ANSWER_SETS:
        program = Program(START, goal=goal, equipment=KITS[kit], precautions=answers)
        assert breaches(build(program, weeks=12)) == [], sorted(answers)


@FAST
@given(situations(weeks=8), st.sampled_from(ANSWER_SETS))
def test_history_easing_and_deloads_never_bring_back_a_left_out_move(
    situation: tuple[Program, History, date, int], answers: frozenset[Precaution]
) -> None:
    program, history, today, weeks = situation
    plan = plan_of((replace(program, precautions=answers), history, today, weeks))
    assert breaches(plan) == []


@pytest.mark.parametrize("answers", ANSWER_SETS[1:7], ids=lambda a: "+".join(a))
def test_later_cycles_walk_to_harder_variants_only_where_the_answers_allow(
    answers: frozenset[Precaution],
) -> None:
    program = Program(
        START, goal=Goal.LIFTING, experience=Experience.TRAINED, session_days=(0, 2, 4),
        equipment=frozenset(Equipment), precautions=answers,
    )  # fmt: skip
    assert breaches(build(program, weeks=40)) == []


@pytest.mark.parametrize("answer", [P.HIP_PAIN, P.RECENT_SURGERY])
@pytest.mark.parametrize("goal", list(Goal))
def test_pain_or_recent_surgery_turn_strength_days_into_gentle_mobility(
    answer: Precaution, goal: Goal
) -> None:
    plain = build(Program(START, goal=goal), weeks=8)
    gentle = build(Program(START, goal=goal, precautions=frozenset({answer})), weeks=8)
    assert any(day.kind is DayKind.STRENGTH for day in all_days(plain))
    assert not any(day.kind is DayKind.STRENGTH for day in all_days(gentle))
    sessions = [day.day for day in all_days(plain) if day.has_session]
    assert [day.day for day in all_days(gentle) if day.has_session] == sessions


def test_each_gentle_week_and_session_day_says_to_see_a_clinician_first() -> None:
    plan = build(Program(START, precautions=frozenset({P.HIP_PAIN})), weeks=6)
    for week in plan.weeks:
        assert week.note and "hip pain right now" in week.note
        assert "See a clinician first" in week.note
        for day in week.days:
            if day.has_session:
                assert day.note and "See a clinician first" in day.note


def test_answers_that_do_not_limit_to_gentle_work_add_no_note() -> None:
    plan = build(Program(START, precautions=frozenset({P.HIP_REPLACEMENT_FRONT})), weeks=4)
    assert all(week.note is None for week in plan.weeks)
    assert any(day.kind is DayKind.STRENGTH for day in all_days(plan))


def test_with_no_gentle_routine_in_the_library_a_gentle_session_day_rests_and_says_why() -> None:
    strength_only = {s: r for s, r in CATALOG.routines.items() if r.kind is RoutineKind.STRENGTH}
    catalog = replace(CATALOG, routines=strength_only)
    program = Program(START, precautions=frozenset({P.RECENT_SURGERY}))
    plan = build_plan(program, History(), catalog, START, 2)
    days = [day for day in all_days(plan) if day.day.weekday() in program.session_days]
    assert days and all(day.kind is DayKind.REST and day.routine is None for day in days)
    for day in days:
        assert day.note and day.note.startswith("No routine fits your kit and what you told us")
        assert "See a clinician first" in day.note


@pytest.mark.parametrize("answers", ANSWER_SETS[1:7], ids=lambda a: "+".join(a))
@pytest.mark.parametrize("steps", [-3, -2, -1, 1, 2, 3])
def test_a_variant_walk_never_steps_onto_a_left_out_move(
    answers: frozenset[Precaution], steps: int
) -> None:
    avoid, have = forbidden(answers), frozenset(Equipment)
    for exercise in CATALOG.exercises.values():
        start = Prescription(exercise, exercise.default_dosage)
        walked = shift_variant(start, CATALOG, steps, have, forbidden=avoid)
        assert walked == start or not walked.exercise.tags & avoid, exercise.slug


def test_a_plan_starting_any_weekday_honours_the_answers_from_its_first_day() -> None:
    answers = frozenset({P.HIP_REPLACEMENT_UNSURE, P.PREGNANCY})
    for offset in range(7):
        program = Program(START + timedelta(days=offset), precautions=answers)
        assert breaches(build(program, weeks=3)) == []
