"""The plan as the calendar reads it: one plan spliced from the program versions in force, what
today holds, the days a session may move to, and each kind of day's name.

A user's settings change over time; each change is a program version in force from its day on.
The past keeps the settings it had, so the plan of any day is the plan of the version in force
on it: `spliced_plan` takes each day from that version's plan. `spliced_build` does the same
building each version on from the checkpoints an earlier call kept (`checkpoint.py`), keyed by
the version's program, so a new setting or a session rebuilds only from the weeks it touches.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from routines.bounds import MOST_PLAN_WEEKS
from routines.catalog.model import Catalog
from routines.plan.checkpoint import Built, build_plan_from
from routines.plan.digests import history_marks
from routines.plan.history import History
from routines.plan.model import DayKind, DayStatus, Plan, PlannedDay, Program

#: The program versions of a user, oldest first, each with the day it came into force: in the
#: order they come into force (a version saved replaces those from its day on).
InForce = Sequence[tuple[date, Program]]

DAY_LABELS = {DayKind.STRENGTH: "Strength", DayKind.MOBILITY: "Mobility", DayKind.REST: "Rest"}


def first_followed(in_force: InForce, today: date, weeks: int) -> int:
    """The oldest version the plan follows: the newest ones' plans add up to MOST_PLAN_WEEKS."""
    reach = _weeks_read(in_force, today, weeks)
    current = _in_force_on(in_force, today)
    total = 0
    for index in range(len(in_force) - 1, -1, -1):
        total += reach[index]
        if total > MOST_PLAN_WEEKS and index < current:
            return index + 1
    return 0


def spliced_plan(
    in_force: InForce, history: History, catalog: Catalog, today: date, weeks: int
) -> Plan:
    """One plan whose days come from the version in force on each day (the newest from today on).

    Every version's plan runs from the same start; each is built only as far as its last day
    in force, and settings that come back are built once.
    """
    return spliced_build(in_force, history, catalog, today, weeks)[0]


def spliced_build(
    in_force: InForce,
    history: History,
    catalog: Catalog,
    today: date,
    weeks: int,
    kept: Mapping[Program, Built] | None = None,
) -> tuple[Plan, dict[Program, Built]]:
    """`spliced_plan`, each version's plan built on from its checkpoints in `kept` (an earlier
    answer's builds, for this catalog); the builds to keep for the next call come back too."""
    in_force_today = in_force[_in_force_on(in_force, today)][1]
    reach = {in_force_today: weeks}
    for (_, program), read in zip(in_force, _weeks_read(in_force, today, weeks), strict=True):
        if read > 0:
            reach[program] = max(reach[program], read) if program in reach else read
    kept = kept or {}
    # The marks read the program only for its start, so versions sharing one share them.
    most = max(reach.values())
    starts = {p.start: p for p in reach}
    marks = {start: history_marks(p, history, most) for start, p in starts.items()}
    builds = {
        p: build_plan_from(p, history, catalog, today, n, kept.get(p), marks[p.start])
        for p, n in reach.items()
    }
    plans = {program: built.plan for program, built in builds.items()}
    return _spliced(in_force, plans, in_force_today, today), builds


def _spliced(
    in_force: InForce, plans: Mapping[Program, Plan], in_force_today: Program, today: date
) -> Plan:
    """Each day of the plan from the plan of the version in force on it."""
    current = plans[in_force_today]
    if len(plans) == 1:
        return current

    # By index, since a program hashes every field; a version never in force has no plan
    # and is never asked for.
    in_order = [plans.get(program, current) for _, program in in_force]
    in_force_on = _in_force_finder(in_force)

    def on(day: date) -> Plan:
        return in_order[in_force_on(min(day, today))]

    spliced = []
    for index, week in enumerate(current.weeks):
        source = on(week.first_day if week.first_day + timedelta(days=7) <= today else today)
        if on(week.first_day) is source and on(week.days[-1].day) is source:
            spliced.append(source.weeks[index])  # the whole week from one version
            continue
        days = tuple(on(d.day).weeks[index].days[n] for n, d in enumerate(week.days))
        spliced.append(replace(source.weeks[index], days=days))
    return Plan(in_force[-1][1], tuple(spliced))


def _in_force_on(in_force: InForce, day: date) -> int:
    """The index of the version in force on `day`: the last in effect by then, else the first."""
    chosen = 0
    for index, (effective_from, _) in enumerate(in_force):
        if effective_from <= day:
            chosen = index
    return chosen


def _in_force_finder(in_force: InForce) -> Callable[[date], int]:
    """`_in_force_on` for these versions, by bisection (they come in the order they take effect)."""
    effective = [effective_from for effective_from, _ in in_force]

    def find(day: date) -> int:
        return max(0, bisect_right(effective, day) - 1)

    return find


def _weeks_read(in_force: InForce, today: date, weeks: int) -> list[int]:
    """How many weeks of each version's plan the splice reads; 0 for one never in force."""
    current = _in_force_on(in_force, today)
    start = in_force[0][1].start
    reach = [0] * len(in_force)
    reach[current] = weeks
    for index in range(current):
        last_day = in_force[index + 1][0] - timedelta(days=1)
        if _in_force_on(in_force, last_day) == index:
            reach[index] = max(0, min(weeks, (last_day - start).days // 7 + 1))
    return reach


@dataclass(frozen=True)
class TodayPlan:
    """What the plan holds for a day, whether its week is a deload week, and the week's label."""

    day: PlannedDay
    deload: bool
    week_label: str


def today_in_plan(plan: Plan | None, today: date) -> TodayPlan | None:
    """What the plan holds for today, with its week's label."""
    if plan is None:
        return None
    week = plan.week_of(today)
    day = plan.day(today)
    if week is None or day is None:
        return None
    label = f"{week.phase.value.capitalize()} phase · week {week.phase_week}"
    return TodayPlan(day, week.deload, label)


def move_targets(plan: Plan, day: date, today: date) -> list[date]:
    """The free days of `day`'s week, from today on, that its session could move to."""
    week = plan.week_of(day)
    if week is None:
        return []
    return [
        d.day
        for d in week.days
        if d.day > day and d.day >= today and not d.has_session and d.status is DayStatus.PLANNED
    ]


def day_label(kind: DayKind) -> str:
    """The name of a kind of day, as the calendar and Today show it."""
    return DAY_LABELS[kind]
