"""The routine engine's weeks as life happens: missed, skipped and moved days, vacations and breaks."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given

from routines.catalog.model import Goal
from routines.plan.history import Done, History, Move
from routines.plan.model import (
    DayKind,
    DayStatus,
    Experience,
    Program,
)
from tests.unit.plan_helpers import (
    FAST,
    FRI,
    HAPPENS,
    MON,
    SAT,
    START,
    SUN,
    THU,
    TUE,
    WED,
    all_days,
    build,
    diligent,
    layout,
    lifter,
    on,
    plan_of,
    situations,
)


def test_a_missed_strength_day_moves_to_the_next_free_day_of_the_week() -> None:
    # General, new: Monday strength, Wednesday and Friday mobility. Monday passes without it.
    plan = build(history=History(), today=on(1, WED))
    week = plan.weeks[0]
    assert layout(week) == "x.MSM.."
    thursday = week.days[THU]
    assert (thursday.kind, thursday.status, thursday.moved_from) == (
        DayKind.STRENGTH, DayStatus.PLANNED, on(1, MON),
    )  # fmt: skip
    assert thursday.note == "Moved from Monday so the week's strength work still happens."
    assert thursday.routine == week.days[MON].routine and thursday.minutes > 0


def test_a_missed_strength_day_goes_no_earlier_than_today() -> None:
    plan = build(today=on(1, SAT))
    assert layout(plan.weeks[0]) == "x.x.xS."


def test_a_missed_strength_day_is_dropped_when_every_free_day_would_touch_strength() -> None:
    # Lifting, trained, strengthening: Mon, Wed and Fri strength; Tue and Sun mobility.
    program = lifter(MON, TUE, WED, FRI, SUN)
    plan = build(program, diligent(program, on(5, MON)), today=on(5, TUE), weeks=6)
    assert layout(plan.weeks[4]) == "xMS.S.M"
    assert sum(d.kind is DayKind.STRENGTH for d in plan.weeks[4].days) == 3


def test_a_missed_strength_day_skips_a_free_day_next_to_strength() -> None:
    program = lifter(MON, WED, FRI)
    # Strengthening: Monday and Wednesday strength. Tuesday and Thursday touch Wednesday.
    plan = build(program, diligent(program, on(5, MON)), today=on(5, TUE), weeks=6)
    assert layout(plan.weeks[4]) == "x.S.MS."


def test_a_strength_session_done_on_a_free_day_makes_up_the_missed_one() -> None:
    # Monday's strength is done on Tuesday instead, without a move: nothing more is added.
    history = History(done=(Done(on(1, TUE), DayKind.STRENGTH), Done(on(1, WED), DayKind.MOBILITY)))
    plan = build(history=history, today=on(1, THU))
    week = plan.weeks[0]
    assert layout(week) == "xSM.M.."
    assert (week.days[TUE].status, week.days[TUE].moved_from) == (DayStatus.DONE, on(1, MON))


def test_missed_weeks_never_stack_onto_the_current_week() -> None:
    history = History(done=(Done(on(1, WED), DayKind.MOBILITY),))
    plan = build(history=history, today=on(2, MON), weeks=3)
    assert layout(plan.weeks[0]) == "x.M.x.."
    assert layout(plan.weeks[1]) == layout(build(weeks=3).weeks[1]) == "S.M.M.."


def test_done_sessions_are_marked_done_and_not_moved() -> None:
    history = History(
        done=(Done(on(1, MON), DayKind.STRENGTH, effort=5), Done(on(1, WED), DayKind.MOBILITY))
    )
    plan = build(history=history, today=on(1, THU))
    assert [d.status for d in plan.weeks[0].days if d.has_session] == [
        DayStatus.DONE, DayStatus.DONE, DayStatus.PLANNED,
    ]  # fmt: skip


def test_a_skipped_strength_day_moves_and_a_skipped_mobility_day_does_not() -> None:
    history = History(skips=frozenset({on(1, MON), on(1, WED)}))
    plan = build(history=history, today=on(1, MON))
    assert layout(plan.weeks[0]) == "kSk.M.."
    assert plan.weeks[0].days[TUE].moved_from == on(1, MON)


def test_a_missed_day_does_not_move_onto_a_skipped_day() -> None:
    history = History(skips=frozenset({on(1, THU)}))
    plan = build(history=history, today=on(1, WED))
    assert layout(plan.weeks[0]) == "x.M.MS."


def test_the_user_can_move_a_session_to_the_next_day() -> None:
    history = History(moves=(Move(on(1, MON), on(1, TUE)),))
    plan = build(history=history)
    assert layout(plan.weeks[0]) == ">SM.M.."
    assert plan.weeks[0].days[TUE].moved_from == on(1, MON)


def test_a_session_moved_twice_keeps_its_routine_and_where_it_came_from() -> None:
    # The user moves Monday's strength to Thursday, then misses Thursday: it moves on to Saturday.
    history = History(
        done=(Done(on(1, WED), DayKind.MOBILITY),), moves=(Move(on(1, MON), on(1, THU)),)
    )
    plan = build(history=history, today=on(1, FRI))
    week = plan.weeks[0]
    assert layout(week) == ">.MxMS."
    saturday = week.days[SAT]
    assert saturday.moved_from == week.days[THU].moved_from == on(1, MON)
    assert saturday.note == "Moved from Monday so the week's strength work still happens."
    assert saturday.routine == build().weeks[0].days[MON].routine


@pytest.mark.parametrize(
    ("case", "move"),
    [
        ("onto a day that has a session", Move(on(1, MON), on(1, WED))),
        ("into another week", Move(on(1, MON), on(2, TUE))),
        ("from a rest day", Move(on(1, TUE), on(1, THU))),
        ("next to a strength day", Move(on(5, MON), on(5, THU))),
    ],
)
def test_a_move_that_would_stack_or_break_rule_1_is_ignored(case: str, move: Move) -> None:
    program = Program(START, goal=Goal.LIFTING, experience=Experience.TRAINED)
    assert build(program, History(moves=(move,))) == build(program)


def test_a_vacation_silences_its_days_and_the_week_shares_out_the_rest() -> None:
    history = History(vacations=((on(2, WED), on(2, FRI)),))
    plan = build(history=history, today=on(1, MON))
    week = plan.weeks[1]
    assert layout(week) == "M.vvv.."
    assert all(d.routine is None and d.minutes == 0 for d in week.days[WED:SAT])


def test_a_week_away_on_vacation_pauses_the_program() -> None:
    history = History(
        done=(Done(on(1, MON), DayKind.STRENGTH), Done(on(1, WED), DayKind.MOBILITY)),
        vacations=((on(2, MON), on(2, SUN)),),
    )
    for today in (on(1, THU), on(3, WED)):  # before the vacation and after it
        plan = build(history=history, today=today, weeks=4)
        assert layout(plan.weeks[1]) == "vvvvvvv"
        assert [w.phase_week for w in plan.weeks] == [1, 2, 2, 3]


def test_a_deload_due_during_a_vacation_waits_for_the_week_after() -> None:
    program = Program(START)
    history = replace(diligent(program, on(4, MON)), vacations=((on(4, MON), on(4, SUN)),))
    plan = build(program, history, today=on(5, MON), weeks=6)
    assert [(w.phase_week, w.deload) for w in plan.weeks] == [
        (1, False), (2, False), (3, False), (4, False), (4, True), (5, False),
    ]  # fmt: skip
    assert layout(plan.weeks[3]) == "vvvvvvv" and plan.weeks[3].note is None


def test_after_two_weeks_without_a_session_the_plan_repeats_the_week_it_stopped_at() -> None:
    done = tuple(
        Done(on(w, d), k)
        for w in (1, 2)
        for d, k in ((MON, DayKind.STRENGTH), (WED, DayKind.MOBILITY), (FRI, DayKind.MOBILITY))
    )
    plan = build(history=History(done=done), today=on(5, MON), weeks=7)
    stopped, back = plan.weeks[2], plan.weeks[4]
    assert [w.phase_week for w in plan.weeks] == [1, 2, 3, 4, 3, 4, 5]
    assert [(d.kind, d.routine) for d in back.days] == [(d.kind, d.routine) for d in stopped.days]
    assert back.note == "After two weeks without a session, this week picks up where you left off."
    assert plan.weeks[3].note is None and plan.weeks[5].note is None


def test_one_week_without_a_session_does_not_repeat_anything() -> None:
    done = tuple(Done(on(1, d), k) for d, k in ((MON, DayKind.STRENGTH), (WED, DayKind.MOBILITY)))
    plan = build(history=History(done=done), today=on(3, MON), weeks=4)
    assert [w.phase_week for w in plan.weeks] == [1, 2, 3, 4]


@given(situations())
@FAST
def test_never_two_sessions_on_one_day_and_moves_only_land_on_free_days(
    situation: tuple[Program, History, date, int],
) -> None:
    _, history, _, _ = situation
    plan = plan_of(situation)
    days = all_days(plan)
    assert len({d.day for d in days}) == len(days)
    for day in days:
        assert day.has_session == (day.routine is not None)
        if day.status is DayStatus.VACATION:
            assert not day.has_session and history.on_vacation(day.day)
        if day.moved_from is not None:
            assert plan.week_of(day.moved_from) is plan.week_of(day.day)
            assert day.moved_from < day.day or any(
                m.source == day.moved_from for m in history.moves
            )
    for week in plan.weeks:  # a scheduled session happens once at most, wherever it went
        sessions = [
            d.moved_from or d.day for d in week.days if d.status in HAPPENS and d.has_session
        ]
        assert len(set(sessions)) == len(sessions)


@given(situations())
@FAST
def test_a_session_never_lists_the_same_exercise_twice(
    situation: tuple[Program, History, date, int],
) -> None:
    for day in all_days(plan_of(situation)):
        if day.routine is not None:
            slugs = [p.exercise.slug for p in day.routine.prescriptions]
            assert len(slugs) == len(set(slugs))
