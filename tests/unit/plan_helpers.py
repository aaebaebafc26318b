"""Shared builders and hypothesis strategies for the routine engine's tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from routines.catalog.load import load_catalog
from routines.catalog.model import Equipment, Exercise, Goal, Prescription
from routines.plan.build import build_plan
from routines.plan.history import Done, History, Move
from routines.plan.model import (
    DayKind,
    DayStatus,
    Experience,
    Plan,
    PlannedDay,
    Program,
    Week,
)

CATALOG = load_catalog()


START = date(2026, 11, 23)  # a Monday


MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


HAPPENS = (DayStatus.PLANNED, DayStatus.DONE)


LETTER = {DayKind.STRENGTH: "S", DayKind.MOBILITY: "M", DayKind.REST: "."}


STATUS_LETTER = {
    DayStatus.MISSED: "x", DayStatus.SKIPPED: "k", DayStatus.MOVED: ">", DayStatus.VACATION: "v",
}  # fmt: skip


def on(week: int, weekday: int) -> date:
    """The date of `weekday` in plan week `week` (1-based) of a program starting on START."""
    return START + timedelta(weeks=week - 1, days=weekday)


def build(
    program: Program | None = None,
    history: History | None = None,
    today: date = START,
    weeks: int = 12,
) -> Plan:
    program = program or Program(START)
    return build_plan(program, history or History(), CATALOG, today, weeks)


def lifter(*session_days: int) -> Program:
    """A trained lifter's program on `session_days`."""
    return Program(
        START, goal=Goal.LIFTING, experience=Experience.TRAINED, session_days=session_days
    )


def diligent(program: Program, until: date, *extra: Done) -> History:
    """A history in which every session before `until` was done as planned, plus `extra`.

    "As planned" is the plan seen from the start with `extra` already known, so that pain and
    hard sessions shape the sessions that are then done.
    """
    plan = build(program, History(done=extra), weeks=(until - program.start).days // 7 + 1)
    taken = {e.day for e in extra}
    done = tuple(
        Done(d.day, d.kind)
        for d in all_days(plan)
        if d.has_session and d.day < until and d.day not in taken
    )
    return History(done=tuple(sorted(done + extra, key=lambda d: d.day)))


def layout(week: Week) -> str:
    """One letter a day: S strength, M mobility, . rest; x missed, k skipped, > moved, v vacation."""
    return "".join(STATUS_LETTER.get(d.status, LETTER[d.kind]) for d in week.days)


def all_days(plan: Plan) -> list[PlannedDay]:
    return [day for week in plan.weeks for day in week.days]


def happens(day: PlannedDay, kind: DayKind) -> bool:
    return day.kind is kind and day.status in HAPPENS


def items(day: PlannedDay) -> tuple[Prescription, ...]:
    assert day.routine is not None
    return day.routine.prescriptions


def easier_or_same(candidate: Exercise, than: Exercise) -> bool:
    """Whether `candidate` is `than` or reached from it by going easier, variant by variant."""
    seen, frontier = {than.slug}, [than]
    while frontier:
        current = frontier.pop()
        if current.slug == candidate.slug:
            return True
        for easier in CATALOG.variants(current)[0]:
            if easier.slug not in seen:
                seen.add(easier.slug)
                frontier.append(easier)
    return False


def lighter(light: tuple[Prescription, ...], full: tuple[Prescription, ...]) -> bool:
    """Every exercise of `light` is one of `full` or an easier variant of one, and some differ."""
    heavy = [p.exercise for p in full]
    each = all(any(easier_or_same(p.exercise, e) for e in heavy) for p in light)
    return each and {p.exercise.slug for p in light} != {e.slug for e in heavy}


def routines_of(week: Week, kind: DayKind) -> dict[str, PlannedDay]:
    return {d.routine.slug: d for d in week.days if d.kind is kind and d.routine is not None}


KINDS = [DayKind.STRENGTH, DayKind.MOBILITY, None]


@st.composite
def programs(draw: st.DrawFn, experience: Experience | None = None) -> Program:
    days = draw(st.sets(st.integers(0, 6), min_size=2, max_size=6))
    return Program(
        start=START + timedelta(days=draw(st.integers(0, 6))),
        goal=draw(st.sampled_from(Goal)),
        session_days=tuple(sorted(days)),
        experience=experience or draw(st.sampled_from(Experience)),
        equipment=frozenset(draw(st.sets(st.sampled_from(Equipment)))),
        deload_every=draw(st.sampled_from((3, 4))),
    )


@st.composite
def histories(draw: st.DrawFn, start: date, days: int) -> History:
    """Random but plausible history over the first `days` days of a program."""
    day = st.integers(-3, days - 1).map(lambda n: start + timedelta(days=n))
    scores = st.none() | st.integers(0, 10)
    done = draw(st.lists(st.builds(Done, day, st.sampled_from(KINDS), scores, scores), max_size=40))
    moves = draw(
        st.lists(
            st.tuples(day, st.integers(-3, 3)).map(lambda m: Move(m[0], m[0] + timedelta(m[1]))),
            max_size=6,
        )
    )
    vacations = draw(
        st.lists(
            st.tuples(day, st.integers(0, 10)).map(lambda v: (v[0], v[0] + timedelta(v[1]))),
            max_size=3,
        )
    )
    skips = draw(st.frozensets(day, max_size=8))
    return History(tuple(done), skips, tuple(moves), tuple(vacations))


@st.composite
def lived(draw: st.DrawFn, program: Program, days: int) -> History:
    """History that mostly follows the plan: most sessions done, with effort and pain scores."""
    plan = build_plan(program, History(), CATALOG, program.start, days // 7 + 1)
    sessions = [d for d in all_days(plan) if d.has_session][: days * 6 // 7]
    kept = draw(st.lists(st.integers(0, 9), min_size=len(sessions), max_size=len(sessions)))
    scores = st.none() | st.integers(0, 10)
    done = tuple(
        Done(day.day, day.kind, draw(scores), draw(scores))
        for day, keep in zip(sessions, kept, strict=True)
        if keep < 8
    )
    extra = draw(histories(program.start, days))
    return replace(extra, done=done + extra.done[:5])


@st.composite
def situations(
    draw: st.DrawFn, weeks: int = 10, experience: Experience | None = None
) -> tuple[Program, History, date, int]:
    """A program, its history so far, today and how many weeks to plan."""
    program = draw(programs(experience))
    history = draw(histories(program.start, weeks * 7) | lived(program, weeks * 7))
    today = program.start + timedelta(days=draw(st.integers(0, weeks * 7)))
    return program, history, today, weeks


def plan_of(situation: tuple[Program, History, date, int]) -> Plan:
    program, history, today, weeks = situation
    return build_plan(program, history, CATALOG, today, weeks)


FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
