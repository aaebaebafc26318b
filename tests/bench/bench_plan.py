"""Time to build a plan from two years of history, against the time to load the library.

`build_plan` always plans from the program's start, so "this week and the 16 ahead" for someone
two years in means building every week from the start: 105 weeks of history (the current week
included) plus 16 weeks ahead, 121 weeks in all, bent by ~500 done sessions, skips, moves,
vacations and the odd painful or very hard session.
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
from routines.figures.body import Side
from routines.plan.build import build_plan
from routines.plan.checkpoint import Built, build_plan_from
from routines.plan.history import Checked, Done, History, Move, triggers
from routines.plan.model import DayKind, Experience, Program
from routines.session import estimated_minutes

RUNS = 30
TODAY = date(2026, 11, 23)
START = TODAY - timedelta(weeks=104)  # a Monday, two years before
AHEAD = 16
WEEKS = (TODAY - START).days // 7 + 1 + AHEAD
PROGRAM = Program(
    START,
    goal=Goal.RUNNING,
    session_days=(0, 1, 3, 5),
    experience=Experience.SOME,
    equipment=frozenset({Equipment.MINI_BAND, Equipment.STRAP}),
)


def lived_history(seed: int = 2024, program: Program = PROGRAM) -> History:
    """Most planned sessions done, a desk or pre-run extra on many other days, some pain, and
    a hip check on each day the plan asked for one, every other one finding a lagging side."""
    rng = random.Random(seed)
    start, lived = program.start, (TODAY - program.start).days
    vacations = tuple(
        (first, first + timedelta(days=rng.randint(6, 13)))
        for first in (
            start + timedelta(days=rng.randint(60, lived - 48)) for _ in range(lived // 240)
        )
    )
    weeks = (TODAY - start).days // 7 + 1 + AHEAD
    planned = build_plan(program, History(vacations=vacations), CATALOG, start, weeks)
    done: list[Done] = []
    skips: set[date] = set()
    moves: list[Move] = []
    checks: list[Checked] = []
    for week in planned.weeks:
        for day in week.days:
            if day.hip_check and day.day < TODAY:
                checks.append(Checked(day.day, (Side.LEFT, None)[len(checks) % 2]))
            if day.day >= TODAY:
                break
            if not day.has_session:
                if rng.random() < 0.5 and not any(a <= day.day <= b for a, b in vacations):
                    done.append(Done(day.day, None, effort=rng.randint(2, 5)))
                continue
            chance = rng.random()
            if chance < 0.04:
                skips.add(day.day)
            elif chance < 0.07 and day.day.weekday() < 6:
                moves.append(Move(day.day, day.day + timedelta(days=1)))
                done.append(Done(day.day + timedelta(days=1), day.kind, effort=rng.randint(4, 8)))
            elif chance < 0.95:
                effort = rng.choice([3, 4, 5, 6, 6, 7, 7, 8, 9, 10])
                pain = rng.choice([None] * 60 + [1, 2, 3, 4, 6, 7])
                done.append(Done(day.day, day.kind, effort=effort, pain=pain))
    return History(tuple(done), frozenset(skips), tuple(moves), vacations, tuple(checks))


CATALOG = load_catalog()
HISTORY = lived_history()


def fresh_history() -> History:
    """An equal History with none of its lookups worked out yet."""
    return History(
        HISTORY.done, HISTORY.skips, HISTORY.moves, HISTORY.vacations, HISTORY.hip_checks
    )


def median_ms(action: Callable[[], object], before: Callable[[], object] = lambda: None) -> float:
    """Median wall time of `action` over RUNS runs after one warm-up, `before` untimed each run."""
    before()
    action()
    timings = []
    for _ in range(RUNS):
        before()
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def test_build_time_of_a_plan_with_two_years_of_history() -> None:
    histories: list[History] = []

    def build() -> object:
        return build_plan(PROGRAM, histories.pop(), CATALOG, TODAY, WEEKS)

    def cold() -> None:
        histories.append(fresh_history())
        estimated_minutes.cache_clear()

    def warm() -> None:
        histories.append(fresh_history())

    catalog_ms = median_ms(load_catalog)
    cold_ms = median_ms(build, cold)
    warm_ms = median_ms(build, warm)
    plan = build_plan(PROGRAM, fresh_history(), CATALOG, TODAY, WEEKS)
    strength = sum(1 for d in HISTORY.done if d.kind is DayKind.STRENGTH)
    extras = sum(1 for d in HISTORY.done if d.kind is None)
    print(f"\nPlan build, median of {RUNS} runs (a fresh History each run):")
    print(f"  program: {PROGRAM.goal} {PROGRAM.experience}, session days {PROGRAM.session_days}")
    print(
        f"  history: {len(HISTORY.done)} done ({strength} strength, {extras} extras), "
        f"{len(HISTORY.skips)} skips, {len(HISTORY.moves)} moves, "
        f"{len(HISTORY.vacations)} vacations, {len(triggers(HISTORY))} pain/effort triggers, "
        f"{len(HISTORY.hip_checks)} hip checks"
    )
    print(
        f"  built:   {len(plan.weeks)} weeks from {START} (today {TODAY}: "
        f"{(TODAY - START).days // 7 + 1} weeks so far + {AHEAD} ahead)"
    )
    print(f"  load_catalog()                          {catalog_ms:8.2f} ms")
    print(
        f"  build_plan, session-minutes cache cold  {cold_ms:8.2f} ms"
        f"   ×{cold_ms / catalog_ms:5.2f} load_catalog()"
    )
    print(
        f"  build_plan, session-minutes cache warm  {warm_ms:8.2f} ms"
        f"   ×{warm_ms / catalog_ms:5.2f} load_catalog()"
    )


def weeks_on(program: Program) -> int:
    """The weeks a page asks for: from the program start to 16 weeks after this week."""
    return (TODAY - program.start).days // 7 + 1 + AHEAD


def test_building_on_from_a_checkpoint_against_a_full_build() -> None:
    print(f"\nPlan checkpoints, median of {RUNS} runs (today {TODAY}, {AHEAD} weeks ahead):")
    for years in (2, 5):
        program = replace(PROGRAM, start=TODAY - timedelta(weeks=52 * years))
        _print_checkpoint_costs(program, lived_history(2024, program), years)


def _print_checkpoint_costs(program: Program, history: History, years: int) -> None:
    """One week built on from a checkpoint, a session logged today and a full build."""
    weeks = weeks_on(program)
    kept = build_plan_from(program, history, CATALOG, TODAY, weeks)
    short = build_plan_from(program, history, CATALOG, TODAY, weeks - 1)
    logged = replace(history, done=(*history.done, Done(TODAY, DayKind.MOBILITY, effort=5)))
    full_ms = median_ms(lambda: build_plan(program, _fresh(history), CATALOG, TODAY, weeks))
    week_ms = median_ms(lambda: _resume(program, _fresh(history), weeks, short))
    today_ms = median_ms(lambda: _resume(program, _fresh(logged), weeks, kept))
    print(
        f"  {years} years, {len(history.done)} done, {weeks} weeks:"
        f" full build {full_ms:6.2f} ms,"
        f" the last week from its checkpoint {week_ms:5.2f} ms,"
        f" a session logged today {today_ms:5.2f} ms"
        f" = ×{today_ms / week_ms:4.1f} one week (target ≤ ×2), ×{full_ms / week_ms:5.1f} for the"
        " full build"
    )


def _resume(program: Program, history: History, weeks: int, kept: Built) -> Built:
    return build_plan_from(program, history, CATALOG, TODAY, weeks, kept)


def _fresh(history: History) -> History:
    """An equal History with none of its lookups worked out yet, as a request would have."""
    return History(
        history.done, history.skips, history.moves, history.vacations, history.hip_checks
    )
