"""When a plan checkpoint stays valid: a write keeps every checkpoint up to the week it lands in,
and today moving on keeps the checkpoints of the weeks wholly past."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from routines.figures.body import Side
from routines.plan.build import build_plan
from routines.plan.checkpoint import build_plan_from, resume_week
from routines.plan.digests import history_marks
from routines.plan.history import Checked, Done, History, Move
from routines.plan.model import DayKind, Program
from tests.unit.plan_helpers import CATALOG, lifter

START = date(2026, 1, 5)  # a Monday
TODAY = date(2026, 3, 4)  # Wednesday of plan week 8 (from 0)
WEEKS = 11
PROGRAM = Program(START, session_days=(0, 2, 4))
HISTORY = History(
    done=(
        Done(date(2026, 1, 5), DayKind.MOBILITY, effort=5),
        Done(date(2026, 2, 2), DayKind.STRENGTH, effort=9, pain=7),
        Done(date(2026, 3, 2), DayKind.MOBILITY, effort=4),
    ),
    vacations=((date(2026, 2, 9), date(2026, 2, 12)),),
)


def day_in(week: int, weekday: int) -> date:
    return START + timedelta(weeks=week, days=weekday)


def session(day: date) -> History:
    return replace(HISTORY, done=(*HISTORY.done, Done(day, DayKind.MOBILITY, effort=6)))


WRITES = [
    ("a session logged today keeps this week's checkpoint", session(TODAY), TODAY, 8),
    ("a session logged late in week 3 drops the checkpoints after it", session(day_in(3, 6)),
     TODAY, 3),
    ("a session on a week's first day keeps that week's checkpoint", session(day_in(5, 0)),
     TODAY, 5),
    ("a skip in week 6 keeps the checkpoints up to week 6",
     replace(HISTORY, skips=frozenset({day_in(6, 2)})), TODAY, 6),
    ("a move in week 7 keeps the checkpoints up to week 7",
     replace(HISTORY, moves=(Move(day_in(7, 6), day_in(8, 0)),)), TODAY, 7),
    ("a vacation made longer keeps the checkpoints up to the week of its new days",
     replace(HISTORY, vacations=((date(2026, 2, 9), date(2026, 2, 24)),)), TODAY, 5),
    ("a hip check in week 4 keeps the checkpoints up to week 4",
     replace(HISTORY, hip_checks=(Checked(day_in(4, 3), Side.LEFT),)), TODAY, 4),
    ("today moving on within its week keeps this week's checkpoint", HISTORY,
     TODAY + timedelta(days=2), 8),
    ("today moving into the next week keeps the checkpoints of the weeks wholly past", HISTORY,
     day_in(9, 0), 8),
    ("nothing changed keeps every checkpoint", HISTORY, TODAY, WEEKS),
]  # fmt: skip


@pytest.mark.parametrize(("written", "today", "kept_up_to"), [w[1:] for w in WRITES],
                         ids=[w[0] for w in WRITES])  # fmt: skip
def test_a_write_keeps_every_checkpoint_up_to_the_week_it_lands_in(
    written: History, today: date, kept_up_to: int
) -> None:
    kept = build_plan_from(PROGRAM, HISTORY, CATALOG, TODAY, WEEKS)
    digests = history_marks(PROGRAM, written, WEEKS)
    assert resume_week(kept, PROGRAM, digests, today) == kept_up_to
    resumed = build_plan_from(PROGRAM, written, CATALOG, today, WEEKS, kept)
    assert resumed.plan == build_plan(PROGRAM, written, CATALOG, today, WEEKS)


def test_a_changed_program_keeps_no_checkpoint() -> None:
    kept = build_plan_from(PROGRAM, HISTORY, CATALOG, TODAY, WEEKS)
    changed = replace(PROGRAM, session_days=(0, 2, 5))
    digests = history_marks(changed, HISTORY, WEEKS)
    assert resume_week(kept, changed, digests, TODAY) == 0


def test_a_plan_resumed_after_a_sunday_strength_day_keeps_monday_free_of_strength() -> None:
    program = lifter(0, 6)
    away = ((program.start + timedelta(weeks=2), program.start + timedelta(weeks=2, days=5)),)
    today = program.start + timedelta(weeks=3, days=2)
    sunday = (Done(program.start + timedelta(weeks=2, days=6), DayKind.STRENGTH),)
    kept = build_plan_from(program, History(sunday, vacations=away), CATALOG, today, 6)
    assert kept.checkpoints[3].strength_last
    logged = History((*sunday, Done(today, DayKind.MOBILITY)), vacations=away)
    resumed = build_plan_from(program, logged, CATALOG, today, 6, kept)
    assert resume_week(kept, program, history_marks(program, logged, 6), today) == 3
    assert resumed.plan == build_plan(program, logged, CATALOG, today, 6)
    assert resumed.plan.weeks[3].days[0].kind is DayKind.MOBILITY


def test_a_very_hard_session_before_a_week_keeps_the_next_weeks_from_being_reused() -> None:
    sunday = day_in(8, 6)
    lifts = (Done(day_in(8, 0), DayKind.STRENGTH, 5), Done(day_in(9, 0), DayKind.STRENGTH, 10))
    before = replace(HISTORY, done=(*HISTORY.done, *lifts))
    kept = build_plan_from(PROGRAM, before, CATALOG, sunday, WEEKS)
    hard = replace(before, done=(*before.done, Done(day_in(8, 5), DayKind.STRENGTH, 10)))
    resumed = build_plan_from(PROGRAM, hard, CATALOG, sunday, WEEKS, kept)
    assert resumed.plan == build_plan(PROGRAM, hard, CATALOG, sunday, WEEKS)
    assert resumed.plan.weeks[9:] != kept.plan.weeks[9:]
