"""The plan as the calendar reads it: today's day and week label, the days a session may move to,
the names of the kinds of day, which program versions a plan follows, and one plan spliced from
the versions in force.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

import pytest

from routines.catalog.load import load_catalog
from routines.catalog.model import Equipment, Goal
from routines.plan.build import build_plan
from routines.plan.calendar import (
    day_label,
    first_followed,
    move_targets,
    spliced_plan,
    today_in_plan,
)
from routines.plan.history import Done, History
from routines.plan.model import DayKind, DayStatus, Experience, Plan, Program

CATALOG = load_catalog()
DAY = timedelta(days=1)
#: Weeks a plan reaches past today, as the app builds it.
WEEKS_AHEAD = 8
START = date(2026, 3, 2)  # a Monday
TODAY = date(2026, 3, 4)  # the Wednesday after
#: Sessions Mon, Wed, Fri; Monday's strength session missed (moved to Thursday), Friday 13 March
#: skipped, and a weekend away on 21–22 March. Week 4 is a deload week.
PLAN = build_plan(
    Program(START, session_days=(0, 2, 4)),
    History(
        done=(Done(START, DayKind.MOBILITY),),
        skips=frozenset({date(2026, 3, 13)}),
        vacations=((date(2026, 3, 21), date(2026, 3, 22)),),
    ),
    CATALOG,
    TODAY,
    7,
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2026, 3, 1), None, id="the day before the plan starts"),
        pytest.param(date(2026, 3, 2), (DayKind.STRENGTH, DayStatus.MISSED, False, "Foundation phase · week 1"), id="a missed first day"),
        pytest.param(date(2026, 3, 4), (DayKind.MOBILITY, DayStatus.PLANNED, False, "Foundation phase · week 1"), id="a mobility day"),
        pytest.param(date(2026, 3, 5), (DayKind.STRENGTH, DayStatus.PLANNED, False, "Foundation phase · week 1"), id="the day a missed strength session moved to"),
        pytest.param(date(2026, 3, 7), (DayKind.REST, DayStatus.PLANNED, False, "Foundation phase · week 1"), id="a rest day"),
        pytest.param(date(2026, 3, 13), (DayKind.MOBILITY, DayStatus.SKIPPED, False, "Foundation phase · week 2"), id="a skipped day"),
        pytest.param(date(2026, 3, 21), (DayKind.REST, DayStatus.VACATION, False, "Foundation phase · week 3"), id="a day away"),
        pytest.param(date(2026, 3, 25), (DayKind.MOBILITY, DayStatus.PLANNED, True, "Foundation phase · week 4"), id="a day of a deload week"),
        pytest.param(date(2026, 4, 19), (DayKind.REST, DayStatus.PLANNED, False, "Strengthening phase · week 1"), id="the last day of the plan"),
        pytest.param(date(2026, 4, 20), None, id="the day after the plan ends"),
    ],
)  # fmt: skip
def test_today_in_plan_names_the_day_and_its_week(
    day: date, expected: tuple[DayKind, DayStatus, bool, str] | None
) -> None:
    found = today_in_plan(PLAN, day)
    if expected is None:
        assert found is None
    else:
        assert found is not None
        assert (found.day.kind, found.day.status, found.deload, found.week_label) == expected
        assert found.day == PLAN.day(day)


def test_there_is_nothing_for_today_before_onboarding() -> None:
    assert today_in_plan(None, TODAY) is None


@pytest.mark.parametrize(
    ("day", "today", "expected"),
    [
        pytest.param(date(2026, 3, 2), TODAY, [date(2026, 3, 7), date(2026, 3, 8)], id="a past day moves to the week's free days ahead"),
        pytest.param(date(2026, 3, 4), TODAY, [date(2026, 3, 7), date(2026, 3, 8)], id="today moves to the weekend"),
        pytest.param(date(2026, 3, 4), date(2026, 3, 8), [date(2026, 3, 8)], id="never to a day before today"),
        pytest.param(date(2026, 3, 9), TODAY, [date(2026, 3, 10), date(2026, 3, 12), date(2026, 3, 14), date(2026, 3, 15)], id="next week's Monday to its free days"),
        pytest.param(date(2026, 3, 11), TODAY, [date(2026, 3, 12), date(2026, 3, 14), date(2026, 3, 15)], id="only to later days"),
        pytest.param(date(2026, 3, 13), TODAY, [date(2026, 3, 14), date(2026, 3, 15)], id="a skipped day too"),
        pytest.param(date(2026, 3, 20), TODAY, [], id="never to a day away"),
        pytest.param(date(2026, 3, 1), TODAY, [], id="nothing before the plan"),
        pytest.param(date(2026, 5, 1), TODAY, [], id="nothing after the plan"),
    ],
)  # fmt: skip
def test_a_session_moves_only_to_a_free_later_day_of_its_week(
    day: date, today: date, expected: list[date]
) -> None:
    assert move_targets(PLAN, day, today) == expected


@pytest.mark.parametrize(
    ("kind", "label"),
    [(DayKind.STRENGTH, "Strength"), (DayKind.MOBILITY, "Mobility"), (DayKind.REST, "Rest")],
)
def test_each_kind_of_day_has_a_name(kind: DayKind, label: str) -> None:
    assert day_label(kind) == label


FROM_2000 = date(2000, 1, 3)
MON_WED_FRI = Program(FROM_2000, session_days=(0, 2, 4))
TUE_THU_SAT = Program(FROM_2000, session_days=(1, 3, 5))
MON_THU = Program(FROM_2000, session_days=(0, 3))


@pytest.mark.parametrize(
    ("in_force", "expected"),
    [
        pytest.param([(FROM_2000, MON_WED_FRI)], 0, id="one version"),
        pytest.param([(FROM_2000, MON_WED_FRI), (date(2026, 1, 5), TUE_THU_SAT)], 1, id="two versions from 2000 don't fit"),
        pytest.param([(FROM_2000, MON_WED_FRI), (date(2013, 1, 7), TUE_THU_SAT)], 1, id="nor do two of 13 years each"),
        pytest.param([(FROM_2000, MON_WED_FRI), (date(2025, 1, 6), TUE_THU_SAT), (date(2026, 1, 5), MON_THU)], 2, id="three: the newest alone"),
        pytest.param([(FROM_2000, MON_WED_FRI), (date(2026, 4, 6), TUE_THU_SAT)], 0, id="a version not yet in force reads nothing"),
    ],
)  # fmt: skip
def test_a_plan_follows_the_newest_versions_that_fit_its_weeks(
    in_force: list[tuple[date, Program]], expected: int
) -> None:
    weeks = (TODAY - FROM_2000).days // 7 + 1 + WEEKS_AHEAD
    assert first_followed(in_force, TODAY, weeks) == expected


def test_a_young_program_follows_every_version() -> None:
    young = [(date(2025, 1, 6), MON_WED_FRI), (date(2025, 6, 2), TUE_THU_SAT)]
    in_force = [(when, replace(p, start=date(2025, 1, 6))) for when, p in young]
    assert first_followed(in_force, TODAY, 70) == 0


def every_version_built_in_full(
    in_force: Sequence[tuple[date, Program]], history: History, today: date, weeks: int
) -> Plan:
    """The plan as Hipday built it before: every version from the start to the end, spliced."""
    plans = [(when, build_plan(p, history, CATALOG, today, weeks)) for when, p in in_force]

    def on(day: date) -> Plan:
        chosen = plans[0][1]
        for when, plan in plans:
            if when <= min(day, today):
                chosen = plan
        return chosen

    newest = plans[-1][1]
    weeks_ = []
    for index, week in enumerate(newest.weeks):
        source = on(week.first_day if week.first_day + 7 * DAY <= today else today)
        days = tuple(on(d.day).weeks[index].days[n] for n, d in enumerate(week.days))
        weeks_.append(replace(source.weeks[index], days=days))
    return Plan(newest.program, tuple(weeks_))


def some_versions(rng: random.Random, start: date, today: date) -> list[tuple[date, Program]]:
    """Versions on random days (some the same day, some ahead of today, some alike)."""
    days = sorted(start + rng.randrange(0, (today - start).days + 30) * DAY for _ in range(6))
    days[0] = start
    versions: list[tuple[date, Program]] = []
    for day in days:
        program = Program(
            start,
            goal=rng.choice(list(Goal)),
            session_days=tuple(sorted(rng.sample(range(7), rng.randrange(2, 7)))),
            experience=rng.choice(list(Experience)),
            equipment=frozenset(rng.sample(list(Equipment)[:4], rng.randrange(0, 3))),
            deload_every=rng.choice((3, 4)),
        )
        versions.append((day, versions[-1][1] if versions and rng.random() < 0.2 else program))
    return versions


@pytest.mark.parametrize("seed", range(12))
def test_the_spliced_plan_is_the_one_every_version_built_in_full_gives(seed: int) -> None:
    rng = random.Random(seed)
    start = date(2024, 1, 1) + rng.randrange(0, 300) * DAY
    today = start + rng.randrange(10, 500) * DAY
    done = tuple(
        Done(start + n * DAY, rng.choice([DayKind.STRENGTH, DayKind.MOBILITY, None]),
             rng.choice([None, 5, 9]), rng.choice([None, 1, 7]))
        for n in range((today - start).days) if rng.random() < 0.6
    )  # fmt: skip
    history = History(done=done, skips=frozenset({today + 3 * DAY}))
    in_force = some_versions(rng, start, today)
    weeks = (today - start).days // 7 + 1 + WEEKS_AHEAD
    expected = every_version_built_in_full(in_force, history, today, weeks)
    assert spliced_plan(in_force, history, CATALOG, today, weeks) == expected
