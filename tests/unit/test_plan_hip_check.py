"""The plan and the hip check: a check at the end of every phase, and one more set of rotation
work on the side the latest check found lagging, until the next check."""

from __future__ import annotations

from datetime import date

from hypothesis import given

from routines.figures.body import Side
from routines.hip_check import ROTATION_WORK
from routines.plan.history import Checked, History
from routines.plan.model import DayKind, Experience, PlannedDay, Program
from routines.plan.state import FOUNDATION_WEEKS, STRENGTHENING_WEEKS
from tests.unit.plan_helpers import (
    FAST,
    FRI,
    MON,
    START,
    all_days,
    build,
    happens,
    items,
    lifter,
    on,
    programs,
)


def _phase_ends(program: Program, cycles: int) -> set[int]:
    """The plan weeks (from 1) that end a phase, when nothing bends the plan."""
    foundation = FOUNDATION_WEEKS[program.experience]
    cycle = foundation + STRENGTHENING_WEEKS[program.experience]
    return {c * cycle + end for c in range(cycles) for end in (foundation, cycle)}


@FAST
@given(programs())
def test_the_last_week_of_each_phase_has_exactly_one_hip_check_on_a_mobility_day(
    program: Program,
) -> None:
    plan = build(program, weeks=28)
    ends = _phase_ends(program, 3)
    for week in plan.weeks:
        checks = [day for day in week.days if day.hip_check]
        assert len(checks) == (1 if week.index in ends else 0), week.index
        assert all(happens(day, DayKind.MOBILITY) for day in checks)


def test_the_hip_check_falls_on_the_phases_last_mobility_day() -> None:
    plan = build(Program(START), weeks=6)
    last_week = plan.weeks[FOUNDATION_WEEKS[Experience.NEW] - 1]
    mobility = [day.day for day in last_week.days if happens(day, DayKind.MOBILITY)]
    assert [day.day for day in last_week.days if day.hip_check] == [mobility[-1]]


def test_with_no_mobility_day_left_the_hip_check_goes_on_the_weeks_strength_day() -> None:
    program = lifter(MON, FRI)  # a trained lifter's foundation phase ends in week 4
    away = History(vacations=((on(4, FRI), on(4, FRI)),))
    week = build(program, away, weeks=4).weeks[3]
    assert [(day.day, day.kind) for day in week.days if day.hip_check] == [
        (on(4, MON), DayKind.STRENGTH)
    ]


def test_a_week_away_entirely_has_no_hip_check() -> None:
    away = History(vacations=((on(6, MON), on(6, 6)),))
    assert not any(day.hip_check for day in build(Program(START), away, weeks=6).weeks[5].days)


def _rotation_sides(day: PlannedDay) -> set[Side | None]:
    return {p.extra_set_side for p in items(day) if p.exercise.slug in ROTATION_WORK}


def test_a_lopsided_check_adds_one_set_on_its_side_to_rotation_work_until_the_next_check() -> None:
    lopsided, balanced = on(3, MON), on(7, MON)
    checks = (Checked(lopsided, Side.LEFT), Checked(balanced, None))
    usual = build(Program(START), weeks=10)
    plan = build(Program(START), History(hip_checks=checks), weeks=10)
    changed = 0
    for before, day in zip(all_days(usual), all_days(plan), strict=True):
        if day.routine is None or before.routine is None:
            continue
        lagging = Side.LEFT if lopsided <= day.day < balanced else None
        for was, now in zip(items(before), items(day), strict=True):
            rotation = now.exercise.slug in ROTATION_WORK and now.exercise.per_side
            assert now.extra_set_side == (lagging if rotation else None)
            assert (now.exercise, now.dosage) == (was.exercise, was.dosage)
        if _rotation_sides(day) == {Side.LEFT}:
            changed += 1
            assert day.minutes >= before.minutes
    assert changed >= 2


def test_the_latest_check_decides_the_side() -> None:
    history = History(hip_checks=(Checked(date(2026, 3, 9), None), Checked(on(1, MON), Side.RIGHT)))
    assert history.lagging_on(on(1, MON)) is Side.RIGHT
    assert history.lagging_on(date(2026, 3, 10)) is None
    assert history.lagging_on(START.replace(day=START.day - 1)) is None


def test_a_check_already_taken_in_the_phases_last_week_is_not_asked_for_again() -> None:
    usual = build(Program(START), weeks=6).weeks[5]
    (check_day,) = [day.day for day in usual.days if day.hip_check]
    early = usual.days[0].day
    taken = History(hip_checks=(Checked(early, None),))
    assert not any(day.hip_check for day in build(Program(START), taken, weeks=6).weeks[5].days)
    late = History(hip_checks=(Checked(usual.days[-1].day, None),))  # after the day it was due
    assert early < check_day < usual.days[-1].day
    assert any(day.hip_check for day in build(Program(START), late, weeks=6).weeks[5].days)
