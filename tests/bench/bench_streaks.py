"""Time to work out the streak and draw the calendar from five years of daily history.

Progress and Today recompute the streak record from every session on each request: 1826 days
(five years, today included) of mostly one or two sessions a day, some misses and skips, a few
vacations, against a real plan (`plan_schedule` of a plan built from a program started five
years ago) and against no plan at all (`every_day`). The plan is built once, outside the timing;
the calendar is the 26-week heatmap plus the current month, drawn from a record.

After one more session today, the record is extended from the earlier one (`extended`) instead:
only today is walked again. Its figures sit next to a full walk for one and five years of that
history, with what finding the first changed day costs (`first_difference` over the sessions,
`first_schedule_difference` over a plan rebuilt from this week's checkpoint).
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

from routines.catalog.load import load_catalog
from routines.catalog.model import Equipment, Goal
from routines.heatmap import heatmap, month
from routines.plan.build import build_plan
from routines.plan.history import Done, History
from routines.plan.model import Experience, Plan, Program
from routines.streaks import (
    Logged,
    Mark,
    Record,
    every_day,
    extended,
    first_difference,
    first_schedule_difference,
    plan_schedule,
    record,
)

RUNS = 30
TODAY = date(2026, 11, 23)
START = TODAY - timedelta(days=1825)  # five years of days, today included: 1826
WEEKS = (TODAY - START).days // 7 + 1
CATALOG = load_catalog()
PROGRAM = Program(
    START,
    goal=Goal.GENERAL,
    session_days=(0, 2, 4, 5),
    experience=Experience.SOME,
    equipment=frozenset({Equipment.MINI_BAND}),
)


def five_years_of_history(seed: int = 2021) -> tuple[History, list[Logged]]:
    """Most planned sessions done, often with a second one, extras on most rest days, some
    misses and skips, and four vacations; every session also logged with its minutes."""
    rng = random.Random(seed)
    vacations = tuple(
        (first, first + timedelta(days=rng.randint(6, 13)))
        for first in (START + timedelta(days=rng.randint(30, 1790)) for _ in range(4))
    )
    planned = build_plan(PROGRAM, History(vacations=vacations), CATALOG, START, WEEKS)
    done: list[Done] = []
    skips: set[date] = set()
    for week in planned.weeks:
        for day in week.days:
            if day.day > TODAY:
                break
            chance = rng.random()
            if day.has_session:
                if chance < 0.03:
                    skips.add(day.day)
                elif chance < 0.93:
                    done.append(Done(day.day, day.kind))
                    if rng.random() < 0.3:
                        done.append(Done(day.day, None))
            elif any(a <= day.day <= b for a, b in vacations):
                if chance < 0.1:
                    done.append(Done(day.day, None))
            elif chance < 0.75:
                done.append(Done(day.day, None))
    if not done or done[0].day != START:
        done.insert(0, Done(START, None))  # the history starts five years ago
    logged = [Logged(d.day, rng.randint(6, 35)) for d in done]
    return History(tuple(done), frozenset(skips), (), vacations), logged


HISTORY, LOGGED = five_years_of_history()
PLAN = build_plan(PROGRAM, HISTORY, CATALOG, TODAY, WEEKS)
SCHEDULE = plan_schedule(PLAN)


def median_ms(action: Callable[[], object]) -> float:
    """Median wall time of `action` over RUNS runs after one warm-up."""
    action()
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def marks(found: Record) -> dict[Mark, int]:
    return {mark: sum(d.mark is mark for d in found.days) for mark in Mark}


def print_history(with_plan: Record, without: Record) -> None:
    """What the five years hold, and how each schedule marked them."""
    planned, bare = marks(with_plan), marks(without)
    days_logged = {s.day for s in LOGGED}
    print(f"\nStreak record and calendar, median of {RUNS} runs:")
    print(
        f"  history: {len(with_plan.days)} days from {START} to {TODAY}, {len(LOGGED)} sessions "
        f"on {len(days_logged)} days, {with_plan.total_minutes} minutes"
    )
    print(
        f"  plan:    {PROGRAM.goal} {PROGRAM.experience}, session days {PROGRAM.session_days}, "
        f"{len(PLAN.weeks)} weeks, {len(HISTORY.skips)} skips, {len(HISTORY.vacations)} vacations"
    )
    for name, found, counted in (("plan", with_plan, planned), ("every day", without, bare)):
        print(
            f"  {name:9} done {counted[Mark.DONE]}, rest {counted[Mark.REST]}, "
            f"vacation {counted[Mark.VACATION]}, frozen {counted[Mark.FROZEN]}, "
            f"missed {counted[Mark.MISSED]}, pending {counted[Mark.PENDING]}; "
            f"streak {found.current}, longest {found.longest}, freezes {found.freezes}"
        )


def test_streak_and_calendar_time_for_five_years_of_daily_history() -> None:
    with_plan = record(LOGGED, SCHEDULE, TODAY)
    without = record(LOGGED, every_day, TODAY)

    def calendar() -> object:
        return heatmap(with_plan, TODAY), month(with_plan, TODAY.year, TODAY.month, TODAY)

    record_ms = median_ms(lambda: record(LOGGED, SCHEDULE, TODAY))
    calendar_ms = median_ms(calendar)
    every_day_ms = median_ms(lambda: record(LOGGED, every_day, TODAY))

    days_logged = {s.day for s in LOGGED}
    for found in (with_plan, without):
        assert len(found.days) == (TODAY - START).days + 1 == 1826
        assert found.total_sessions == len(LOGGED)
        assert found.total_minutes == sum(s.minutes for s in LOGGED)
        assert marks(found)[Mark.DONE] == len(days_logged)
        assert found.freezes_spent == marks(found)[Mark.FROZEN]
        assert 0 <= found.current <= found.longest
    grid = heatmap(with_plan, TODAY)
    assert len(grid.weeks) == 26 and grid.weeks[-1][TODAY.weekday()].today

    print_history(with_plan, without)
    print(f"  record, plan_schedule               {record_ms:8.2f} ms")
    print(f"  record, every_day                   {every_day_ms:8.2f} ms")
    print(f"  heatmap (26 weeks) + current month  {calendar_ms:8.2f} ms")


def last_years(years: int) -> list[Logged]:
    """The sessions of the last `years` years of the five."""
    first = TODAY - timedelta(days=round(365.25 * years) - 1)
    return [s for s in LOGGED if s.day >= first]


def rebuilt_this_week(plan: Plan) -> Plan:
    """The plan as a rebuild from this week's checkpoint gives it: earlier weeks shared, the
    rest new objects with the same days."""
    this_week = (TODAY - plan.weeks[0].first_day).days // 7
    fresh = tuple(replace(week, days=tuple(week.days)) for week in plan.weeks[this_week:])
    return Plan(plan.program, plan.weeks[:this_week] + fresh)


def test_streak_extended_after_one_session_today_against_a_full_walk() -> None:
    print(f"\nStreak record after one more session today, median of {RUNS} runs:")
    new_plan = rebuilt_this_week(PLAN)
    changed = median_ms(lambda: first_schedule_difference(PLAN, new_plan))
    for years in (1, 5):
        logged = last_years(years)
        earlier = record(logged, SCHEDULE, TODAY)
        more = [*logged, Logged(TODAY, 20)]
        same = first_difference(logged, more)
        assert same == TODAY and first_schedule_difference(PLAN, new_plan) is None
        want = record(more, SCHEDULE, TODAY)
        assert extended(earlier, more, SCHEDULE, TODAY, same) == want
        full_ms = median_ms(lambda: record(more, SCHEDULE, TODAY))  # noqa: B023
        extend_ms = median_ms(lambda: extended(earlier, more, SCHEDULE, TODAY, same))  # noqa: B023
        diff_ms = median_ms(lambda: first_difference(logged, more))  # noqa: B023
        tomorrow = TODAY + timedelta(days=1)
        next_day_ms = median_ms(lambda: extended(want, more, SCHEDULE, tomorrow, None))  # noqa: B023
        print(
            f"  {years} year{'s' if years > 1 else ' '} ({len(want.days)} days, {len(more)} "
            f"sessions): full walk {full_ms:6.2f} ms, extended {extend_ms:5.2f} ms "
            f"({full_ms / extend_ms:4.1f}x less), first_difference {diff_ms:5.2f} ms, "
            f"a day later with no change {next_day_ms:5.2f} ms"
        )
    print(f"  first_schedule_difference, this week's plan rebuilt: {changed:5.3f} ms")
