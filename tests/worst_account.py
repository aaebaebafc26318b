"""The heaviest account Hipday accepts, inserted in bulk: for the bench and the tests that render it.

Everything an account can hold, at its limit: a program that started on EARLIEST_DATE, the most
program versions kept (each with other settings, all but the first from the last days, so each
is planned from 2000 to now), the most sessions an account keeps, packed the most to a day from
today back and one on the very first day (so the streak and the plan walk every day since 2000),
every one of them painful or very hard (so the plan eases a session every week), each with the
most exercises a session may list, and the most plan changes: vacations, skips and moves.
"""

from __future__ import annotations

import uuid
from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, Engine, func, insert, select
from sqlmodel import Session

from routines.bounds import (
    EARLIEST_DATE,
    MOST_EXERCISES_A_SESSION,
    MOST_PLAN_EVENTS,
    MOST_PROGRAM_VERSIONS,
    MOST_SESSIONS,
    MOST_SESSIONS_A_DAY,
)
from routines.catalog.model import Catalog
from tests.bench.seed import RoutineRows, routine_rows, table
from webapp.store.models import Completion, CompletionExercise, PlanEvent, ProgramVersion, User
from webapp.store.training import TrainingStore

DAY = timedelta(days=1)
#: Settings each version takes in turn: every goal, day pattern, experience and kit differs.
GOALS = ("general", "running", "lifting", "desk")
SESSION_DAYS = ("0,2,4", "1,3,5", "0,1,3,5", "0,2,4,6", "1,2,4,5,6", "0,3")
EXPERIENCE = ("new", "some", "trained")
EQUIPMENT = ("", "mini band", "mini band,strap", "chair,long band")


@dataclass(frozen=True)
class WorstAccount:
    """What was inserted for the account, and the day it was made for."""

    user_id: int
    today: date
    versions: int
    sessions: int
    exercises: int
    events: int
    first_session: date
    busiest_day: date


def worst_account(app: Flask, today: date) -> tuple[FlaskClient, WorstAccount]:
    """A new guest account filled to every limit as of `today` (UTC), and a client signed in."""
    store: TrainingStore = app.extensions["hipday"].store
    with Session(store.engine) as session:
        user = User()
        session.add(user)
        session.commit()
        user_id = user.id or 0
    account = seed_worst_account(store.engine, app.extensions["hipday"].catalog, user_id, today)
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["user_id"] = user_id
    return client, account


def seed_worst_account(engine: Engine, catalog: Catalog, user_id: int, today: date) -> WorstAccount:
    """Fill the (existing, empty) account `user_id` to every limit, as of `today` in UTC."""
    rows = routine_rows(catalog)
    routines = [rows["hip-er-strength"], rows["hip-mobility-flow"], rows["pre-run-warm-up"]]
    versions = [_version(user_id, n, today) for n in range(MOST_PROGRAM_VERSIONS)]
    days = _session_days(today)
    sessions, done = _sessions(user_id, days, routines)
    events = _events(user_id, today)
    with engine.begin() as connection:
        connection.execute(insert(table(ProgramVersion)), versions)
        connection.execute(insert(table(PlanEvent)), events)
        first_id = (connection.execute(select(func.max(table(Completion).c.id))).scalar() or 0) + 1
        for n, session in enumerate(sessions):
            session["id"] = first_id + n
        connection.execute(insert(table(Completion)), sessions)
        _insert_exercises(connection, sessions, done)
    return WorstAccount(
        user_id, today, len(versions), len(sessions), len(sessions) * MOST_EXERCISES_A_SESSION,
        len(events), days[0], today,
    )  # fmt: skip


def _sessions(
    user_id: int, days: list[date], routines: list[RoutineRows]
) -> tuple[list[dict[str, Any]], list[RoutineRows]]:
    """One session row a day in `days` (several on repeated days), and the routine each did."""
    sessions: list[dict[str, Any]] = []
    done: list[RoutineRows] = []
    for n, day in enumerate(days):
        turn = n - bisect_left(days, day)  # its place in its day: strength first
        routine = routines[turn % len(routines)]
        done.append(routine)
        ended = datetime.combine(day, time(6), UTC) + timedelta(minutes=40 * turn)
        sessions.append({
            "public_id": uuid.uuid4().hex, "user_id": user_id, "op_id": f"worst-{n:06d}",
            "routine_slug": routine.slug, "started_at": ended - timedelta(minutes=30),
            "ended_at": ended, "local_date": day, "time_zone": "UTC",
            "steps_done": routine.steps, "steps_total": routine.steps,
            "effort": 9 + n % 2, "pain": 6 + n % 5, "note": "Worst case, on purpose.",
            "created_at": ended,
        })  # fmt: skip
    return sessions, done


def _insert_exercises(
    connection: Connection, sessions: list[dict[str, Any]], done: list[RoutineRows]
) -> None:
    """Every session's exercises, as many as a session may hold, inserted in large batches."""
    exercises: list[dict[str, Any]] = []
    for session, routine in zip(sessions, done, strict=True):
        completion_id = session["id"]
        for position in range(MOST_EXERCISES_A_SESSION):
            exercise = routine.exercises[position % len(routine.exercises)]
            exercises.append({**exercise, "completion_id": completion_id, "position": position})
        if len(exercises) > 50_000:
            connection.execute(insert(table(CompletionExercise)), exercises)
            exercises.clear()
    if exercises:
        connection.execute(insert(table(CompletionExercise)), exercises)


def _version(user_id: int, n: int, today: date) -> dict[str, Any]:
    """The n-th program version: the first from EARLIEST_DATE, the others on the last days."""
    effective = EARLIEST_DATE if n == 0 else today - (MOST_PROGRAM_VERSIONS - 1 - n) * DAY
    return {
        "user_id": user_id, "effective_from": effective, "start": EARLIEST_DATE,
        "goal": GOALS[n % len(GOALS)], "session_days": SESSION_DAYS[n % len(SESSION_DAYS)],
        "experience": EXPERIENCE[n % len(EXPERIENCE)], "equipment": EQUIPMENT[n % len(EQUIPMENT)],
        "deload_every": 3 + n % 2, "created_at": datetime.combine(effective, time(8), UTC),
    }  # fmt: skip


def _session_days(today: date) -> list[date]:
    """The local date of every session, oldest first: two on every day since EARLIEST_DATE (a
    strength and a mobility session, so every planned day is done), then the rest the most a
    day from today back.
    """
    every_day = (today - EARLIEST_DATE).days + 1
    pairs = min(every_day, (MOST_SESSIONS - 1) // 2)
    days = [EARLIEST_DATE] + [today - n * DAY for n in range(pairs) for _ in range(2)]
    day = today
    while len(days) < MOST_SESSIONS:
        room = MOST_SESSIONS_A_DAY - (2 if (today - day).days < pairs else 0)
        days.extend([day] * min(room, MOST_SESSIONS - len(days)))
        day -= DAY
    return sorted(days)


def _events(user_id: int, today: date) -> list[dict[str, Any]]:
    """The most plan changes: a third each vacations, skips and moves, spread since 2000.

    Vacations that overlap make the plan merge them; moves go to the next day of their week.
    """
    span = (today - EARLIEST_DATE).days
    events = []
    for n in range(MOST_PLAN_EVENTS):
        day = EARLIEST_DATE + (n * 7919 % span) * DAY
        kind = ("vacation", "skip", "move")[n % 3]
        if kind == "move" and day.weekday() == 6:
            day -= DAY  # a move stays in its week, as the plan's form and the import insist
        until = {"vacation": day + 9 * DAY, "skip": None, "move": day + DAY}[kind]
        events.append({"user_id": user_id, "kind": kind, "day": day, "until": until,
                       "created_at": datetime.combine(day, time(12), UTC)})  # fmt: skip
    return events
