"""Many users with a year of history each, inserted in bulk for the load benchmark.

Every user has a program that started a year ago and about four or five sessions a week since:
most planned session days are done, some other days hold a quick routine, one week of vacation
has none, and now and then a session is ended early or reports pain. Each session carries its
exercises at the library dosage, as `services.log_session` stores them. Rows go in through
SQLAlchemy core in large batches (on PostgreSQL with COPY), so seeding stays a small part of
the benchmark.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, insert, select, text

from routines.catalog.model import Catalog, Equipment, Goal, Routine, RoutineKind
from routines.plan.model import Experience
from routines.session import compile_session
from webapp.services.sessions import exercises_done
from webapp.store.models import Completion, CompletionExercise, PlanEvent, ProgramVersion, User

WEEKS = 52
#: Users seeded per transaction; their sessions and exercises go in the same batch.
CHUNK = 100
SESSION_DAYS = ("0,2,4", "1,3,5", "0,3", "0,2,4,6", "1,4", "0,1,3,5")
EQUIPMENT = ("", Equipment.MINI_BAND.value, f"{Equipment.MINI_BAND.value},{Equipment.STRAP.value}")
#: Chance that a planned session day holds a session, and that another day holds one.
ON_SESSION_DAY, ON_OTHER_DAY = 0.85, 0.45


def table(model: Any) -> Table:
    found: Table = model.__table__
    return found


@dataclass(frozen=True)
class Seeded:
    """What was inserted: the users' ids and how many rows of each kind."""

    user_ids: tuple[int, ...]
    sessions: int
    exercises: int


@dataclass(frozen=True)
class RoutineRows:
    """A routine's figures as a stored session needs them, worked out once."""

    slug: str
    kind: RoutineKind
    steps: int
    minutes: int
    exercises: tuple[dict[str, Any], ...]


def routine_rows(catalog: Catalog) -> dict[str, RoutineRows]:
    """Every routine of the library with its steps, length and exercise rows."""

    def rows(routine: Routine) -> RoutineRows:
        session = compile_session(routine)
        exercises = tuple(
            {
                "position": e.position,
                "exercise_slug": e.exercise_slug,
                "kind": e.kind,
                "sets": e.sets,
                "amount": e.amount,
                "per_side": e.per_side,
            }
            for e in exercises_done(routine)
        )
        return RoutineRows(
            routine.slug, routine.kind, len(session.steps), session.minutes, exercises
        )

    return {slug: rows(routine) for slug, routine in catalog.routines.items()}


class _UserHistory:
    """One user's program, vacation, skips and sessions, drawn from a seeded random source."""

    def __init__(self, rng: random.Random, routines: dict[str, RoutineRows], today: date) -> None:
        self.rng = rng
        self.today = today
        self.start = today - timedelta(weeks=WEEKS)
        self.session_days = rng.choice(SESSION_DAYS)
        self.strength = [r for r in routines.values() if r.kind is RoutineKind.STRENGTH]
        self.mobility = [r for r in routines.values() if r.kind is RoutineKind.MOBILITY]
        self.extras = [r for r in routines.values() if r.kind not in DAY_ROUTINE_KINDS]
        away = self.start + timedelta(days=rng.randrange(60, 300))
        self.vacation = (away, away + timedelta(days=rng.randrange(6, 11)))

    def program(self, user_id: int) -> dict[str, Any]:
        rng = self.rng
        return {
            "user_id": user_id,
            "effective_from": self.start,
            "start": self.start,
            "goal": rng.choice(list(Goal)).value,
            "session_days": self.session_days,
            "experience": rng.choice(list(Experience)).value,
            "equipment": rng.choice(EQUIPMENT),
            "deload_every": rng.choice((3, 4, 4)),
            "created_at": _at(self.start, time(8)),
        }

    def events(self, user_id: int) -> list[dict[str, Any]]:
        first, last = self.vacation
        created = _at(first - timedelta(days=7), time(12))
        rows = [{"user_id": user_id, "kind": "vacation", "day": first, "until": last}]
        for _ in range(3):
            day = self.start + timedelta(days=self.rng.randrange(7, WEEKS * 7 - 7))
            rows.append({"user_id": user_id, "kind": "skip", "day": day, "until": None})
        return [{**row, "created_at": created} for row in rows]

    def sessions(self) -> Iterator[tuple[date, RoutineRows]]:
        """The days with a session, and the routine done on each, oldest first."""
        planned = {int(d) for d in self.session_days.split(",")}
        turn = 0
        day = self.start
        while day < self.today:
            if not self.vacation[0] <= day <= self.vacation[1]:
                if day.weekday() in planned and self.rng.random() < ON_SESSION_DAY:
                    turn += 1
                    yield day, self.rng.choice(self.strength if turn % 2 else self.mobility)
                elif day.weekday() not in planned and self.rng.random() < ON_OTHER_DAY:
                    yield day, self.rng.choice(self.extras + self.mobility)
            day += timedelta(days=1)

    def completion(self, completion_id: int, user_id: int, n: int, day: date, routine: RoutineRows) -> dict[str, Any]:  # fmt: skip
        rng = self.rng
        ended = _at(day, time(rng.randrange(6, 21), rng.randrange(60)))
        partial = rng.random() < 0.05
        pain = rng.choice((None, 0, 0, 1, 2, 3)) if rng.random() > 0.02 else 6
        return {
            "id": completion_id,
            "public_id": uuid.uuid4().hex,
            "user_id": user_id,
            "op_id": f"seed-{user_id}-{n:05d}",
            "routine_slug": routine.slug,
            "started_at": ended - timedelta(minutes=routine.minutes),
            "ended_at": ended,
            "local_date": day,
            "time_zone": "UTC",
            "steps_done": routine.steps // 2 if partial else routine.steps,
            "steps_total": routine.steps,
            "effort": rng.choice((None, 4, 5, 6, 7, 8)),
            "pain": pain,
            "note": "",
            "created_at": ended,
        }


DAY_ROUTINE_KINDS = (RoutineKind.STRENGTH, RoutineKind.MOBILITY)


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, UTC)


def seed(
    engine: Engine, catalog: Catalog, users: int, today: date, random_seed: int = 20261123
) -> Seeded:
    """Insert `users` users, each with a year of history up to yesterday; the same every time."""
    rng = random.Random(random_seed)
    routines = routine_rows(catalog)
    user_ids: list[int] = []
    sessions = exercises = 0
    with engine.connect() as connection:
        next_id = (connection.execute(select(func.max(table(Completion).c.id))).scalar() or 0) + 1
    for first in range(0, users, CHUNK):
        with engine.begin() as connection:
            ids = _insert_users(connection, min(CHUNK, users - first), today)
            rows = _history_rows(rng, routines, ids, today, next_id)
            _bulk(connection, table(ProgramVersion), rows["programs"])
            _bulk(connection, table(PlanEvent), rows["events"])
            _bulk(connection, table(Completion), rows["sessions"])
            _bulk(connection, table(CompletionExercise), rows["exercises"])
        user_ids.extend(ids)
        next_id += len(rows["sessions"])
        sessions += len(rows["sessions"])
        exercises += len(rows["exercises"])
    if engine.dialect.name == "postgresql":
        _reset_sequences(engine)
    return Seeded(tuple(user_ids), sessions, exercises)


def _insert_users(connection: Connection, count: int, today: date) -> list[int]:
    """`count` new guest users in UTC; their ids, in order."""
    created = _at(today - timedelta(weeks=WEEKS), time(7))
    users = table(User)
    public_ids = [uuid.uuid4().hex for _ in range(count)]
    connection.execute(
        insert(users),
        [{"public_id": p, "time_zone": "UTC", "time_zone_auto": True, "created_at": created}
         for p in public_ids],
    )  # fmt: skip
    found = connection.execute(
        select(users.c.id, users.c.public_id).where(users.c.public_id.in_(public_ids))
    ).all()
    by_public = {public_id: user_id for user_id, public_id in found}
    return [by_public[p] for p in public_ids]


def _history_rows(
    rng: random.Random,
    routines: dict[str, RoutineRows],
    user_ids: Sequence[int],
    today: date,
    next_id: int,
) -> dict[str, list[dict[str, Any]]]:
    """Program, plan events, sessions and their exercises of `user_ids`, as rows to insert."""
    rows: dict[str, list[dict[str, Any]]] = {
        "programs": [], "events": [], "sessions": [], "exercises": [],
    }  # fmt: skip
    for user_id in user_ids:
        history = _UserHistory(rng, routines, today)
        rows["programs"].append(history.program(user_id))
        rows["events"].extend(history.events(user_id))
        for n, (day, routine) in enumerate(history.sessions()):
            completion_id = next_id + len(rows["sessions"])
            rows["sessions"].append(history.completion(completion_id, user_id, n, day, routine))
            rows["exercises"].extend(
                {"completion_id": completion_id, **exercise} for exercise in routine.exercises
            )
    return rows


def _bulk(connection: Connection, target: Table, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` into `target`: COPY on PostgreSQL, one executemany elsewhere."""
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(insert(target), rows)
        return
    columns = list(rows[0])
    names = ", ".join(f'"{c}"' for c in columns)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f'COPY "{target.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


def _reset_sequences(engine: Engine) -> None:
    """After rows inserted with their own ids, PostgreSQL's sequences continue past them."""
    with engine.begin() as connection:
        for name in ("user", "completion", "completion_exercise", "programversion", "planevent"):
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                    f'(SELECT COALESCE(MAX(id), 0) + 1 FROM "{name}"), false)'
                )
            )
