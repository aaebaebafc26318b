"""A plan built on from its newest valid checkpoint is the plan built from the start: for random
programs and histories, and random writes after it (a session, a skip, a move, a vacation, a hip
check, today moving on), week for week.
"""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from routines.figures.body import Side
from routines.plan.build import build_plan
from routines.plan.calendar import spliced_build, spliced_plan
from routines.plan.checkpoint import (
    Built,
    Checkpoint,
    build_plan_from,
    first_changed_week,
    resume_week,
)
from routines.plan.digests import history_marks
from routines.plan.history import Checked, Done, History, Move
from routines.plan.model import DayKind, Program
from tests.unit.plan_helpers import CATALOG, FAST, KINDS, situations
from tests.unit.test_plan_calendar import some_versions

WEEKS = 10
SCORES = st.none() | st.integers(0, 10)

#: A write: what it is, how many days from today it lands, and what it carries.
WRITES = st.one_of(
    st.tuples(st.just("session"), st.integers(-20, 2), st.sampled_from(KINDS), SCORES, SCORES),
    st.tuples(st.just("skip"), st.integers(-20, 2)),
    st.tuples(st.just("move"), st.integers(-10, 3), st.integers(-2, 3)),
    st.tuples(st.just("vacation"), st.integers(-20, 10), st.integers(0, 12)),
    st.tuples(st.just("check"), st.integers(-20, 0), st.sampled_from((Side.LEFT, None))),
    st.tuples(st.just("today"), st.integers(1, 9)),
)


def written(history: History, today: date, write: tuple[object, ...]) -> tuple[History, date]:
    """The history and today after one write."""
    kind, offset, *rest = write
    assert isinstance(offset, int)
    day = today + timedelta(days=offset)
    if kind == "session":
        session = Done(day, rest[0], rest[1], rest[2])  # type: ignore[arg-type]
        return replace(history, done=(*history.done, session)), today
    if kind == "skip":
        return replace(history, skips=history.skips | {day}), today
    if kind == "move":
        move = Move(day, day + timedelta(days=rest[0]))  # type: ignore[arg-type]
        return replace(history, moves=(*history.moves, move)), today
    if kind == "vacation":
        span = (day, day + timedelta(days=rest[0]))  # type: ignore[arg-type]
        return replace(history, vacations=(*history.vacations, span)), today
    if kind == "check":
        check = Checked(day, rest[0])  # type: ignore[arg-type]
        return replace(history, hip_checks=(*history.hip_checks, check)), today
    return history, day


def weeks_to(program: Program, today: date) -> int:
    """The weeks a page asks for: up to today's week and two more."""
    return max(1, (today - program.start).days // 7 + 3)


def with_checks(history: History, program: Program, sides: list[Side | None]) -> History:
    """`history` with a hip check every third week, finding the given sides."""
    checks = tuple(
        Checked(program.start + timedelta(weeks=3 * n, days=4), side)
        for n, side in enumerate(sides)
    )
    return replace(history, hip_checks=checks)


@FAST
@given(
    situations(WEEKS),
    st.lists(st.sampled_from((Side.LEFT, Side.RIGHT, None)), max_size=3),
    st.lists(WRITES, min_size=1, max_size=4),
)
def test_a_plan_built_on_from_its_newest_valid_checkpoint_is_the_plan_built_from_the_start(
    situation: tuple[Program, History, date, int],
    sides: list[Side | None],
    writes: list[tuple[object, ...]],
) -> None:
    program, history, today, _ = situation
    history = with_checks(history, program, sides)
    kept = build_plan_from(program, history, CATALOG, today, weeks_to(program, today))
    for write in writes:
        history, today = written(history, today, write)
        weeks = weeks_to(program, today)
        kept = build_plan_from(program, history, CATALOG, today, weeks, kept)
        assert kept.plan.weeks == build_plan(program, history, CATALOG, today, weeks).weeks
        assert kept == build_plan_from(program, history, CATALOG, today, weeks)


@FAST
@given(situations(WEEKS), st.lists(WRITES, min_size=1, max_size=3))
def test_every_week_before_the_first_changed_week_is_the_same_after_the_writes(
    situation: tuple[Program, History, date, int], writes: list[tuple[object, ...]]
) -> None:
    program, old, old_today, weeks = situation
    new, new_today = old, old_today
    for write in writes:
        new, new_today = written(new, new_today, write)
    changed = first_changed_week(program, old, new, old_today, new_today, weeks)
    before = build_plan(program, old, CATALOG, old_today, weeks).weeks
    after = build_plan(program, new, CATALOG, new_today, weeks).weeks
    assert before[:changed] == after[:changed]


@FAST
@given(situations(WEEKS))
def test_a_checkpoint_reads_back_from_json_as_it_was(
    situation: tuple[Program, History, date, int],
) -> None:
    program, history, today, weeks = situation
    built = build_plan_from(program, history, CATALOG, today, weeks)
    for checkpoint in built.checkpoints:
        text = json.dumps(checkpoint.to_json())
        assert Checkpoint.from_json(json.loads(text)) == checkpoint


def test_checkpoints_read_back_from_json_resume_the_plan_where_they_stood() -> None:
    program = Program(date(2026, 1, 5), session_days=(0, 2, 4))
    today = date(2026, 3, 4)
    history = History(done=(Done(date(2026, 2, 2), DayKind.STRENGTH, effort=9, pain=7),))
    built = build_plan_from(program, history, CATALOG, today, 12)
    read = tuple(
        Checkpoint.from_json(json.loads(json.dumps(c.to_json()))) for c in built.checkpoints
    )
    logged = replace(history, done=(*history.done, Done(today, DayKind.MOBILITY)))
    kept = Built(built.plan, read, today)
    resumed = build_plan_from(program, logged, CATALOG, today, 12, kept)
    assert resume_week(kept, program, history_marks(program, logged, 12), today) == 8
    assert resumed.plan == build_plan(program, logged, CATALOG, today, 12)


@pytest.mark.parametrize("seed", range(6))
def test_a_spliced_plan_built_on_from_kept_builds_is_the_spliced_plan_built_afresh(
    seed: int,
) -> None:
    rng = random.Random(seed)
    start = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 300))
    today = start + timedelta(days=rng.randrange(10, 300))
    done = tuple(
        Done(start + timedelta(days=n), rng.choice(KINDS), rng.choice([None, 5, 9]))
        for n in range((today - start).days)
        if rng.random() < 0.6
    )
    history = History(done=done)
    in_force = some_versions(rng, start, today)
    weeks = weeks_to(in_force[0][1], today)
    _, kept = spliced_build(in_force, history, CATALOG, today, weeks)
    later = today + timedelta(days=rng.randrange(0, 9))
    logged = replace(history, done=(*done, Done(later, DayKind.MOBILITY, 4, 7)))
    newest = in_force[-1][1]
    changed = [*in_force, (max(later, in_force[-1][0]), replace(newest, deload_every=3))]
    for versions in (in_force, changed):
        weeks = weeks_to(in_force[0][1], later)
        plan, _ = spliced_build(versions, logged, CATALOG, later, weeks, kept)
        assert plan == spliced_plan(versions, logged, CATALOG, later, weeks)
