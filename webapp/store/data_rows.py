"""Queries for a user's whole data: their download, an import into it, deleting it all.

`DataRows` is part of the training store (`TrainingStore` in webapp/store/training.py): these
methods read or write every table of a user at once, in bulk and as plain tuples, where the
rest of the store reads one thing at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, String, Table, insert, literal, type_coerce
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, delete, func, select

from webapp.store.db import Queries
from webapp.store.models import (
    Completion,
    CompletionExercise,
    HipCheckRecord,
    KeptPage,
    Passkey,
    PlanEvent,
    ProgramVersion,
    PushSubscription,
    Reminder,
    ReminderDelivery,
    ReminderPush,
    SignIn,
    User,
)


def table_of(model: type[Completion] | type[CompletionExercise]) -> Table:
    """The table of a model, for bulk inserts that skip building objects."""
    table = model.__table__  # type: ignore[union-attr]
    assert isinstance(table, Table)
    return table


#: An exercise row's columns as `import_rows` inserts them.
EXERCISE_COLUMNS = ["completion_id", "position", "exercise_slug", "kind", "sets", "amount",
                    "per_side"]  # fmt: skip


def _sessions_of(user_id: int, *more: ColumnElement[Any]) -> Select[*tuple[Any, ...]]:
    """The user's sessions' columns for an export (and `more`), by day and end."""
    c = Completion
    # Moments and days as the driver gives them (SQLite's text, PostgreSQL's values): the
    # export writes them as text, and reading 60,000 of them as values took a fifth of it.
    as_given = [type_coerce(col(column), String) for column in (c.started_at, c.ended_at,
                c.local_date)]  # fmt: skip
    return (
        select_columns(
            col(c.id),
            col(c.op_id),
            col(c.routine_slug),
            *as_given,
            col(c.time_zone),
            col(c.steps_done),
            col(c.steps_total),
            col(c.effort),
            col(c.pain),
            col(c.note),
            *more,
        )  # fmt: skip
        .where(col(c.user_id) == user_id)
        .order_by(col(c.local_date), col(c.ended_at))
    )


def _insert_many(
    session: Session,
    target: Table,
    columns: list[str],
    rows: Sequence[Sequence[Any]],
    processed: bool = False,
) -> None:
    """Insert `rows` (values in the order of `columns`) by the driver's own executemany, each
    value through its column's type once (unless already `processed`): the per-row work
    SQLAlchemy does around executemany cost more than the database's own for 240,000 rows."""
    if not rows:
        return
    connection = session.connection()
    compiled = insert(target).compile(dialect=connection.dialect, column_keys=columns)
    processors = [] if processed else _bind_processors(session, target, columns)
    if processors:
        rows = [_processed(row, processors) for row in rows]
    if compiled.positional:
        order = [columns.index(name) for name in compiled.positiontup or ()]
        in_order = order == list(range(len(columns)))
        params: list[Any] = (
            list(rows) if in_order else [tuple(row[n] for n in order) for row in rows]
        )
    else:
        params = [dict(zip(columns, row, strict=True)) for row in rows]
    connection.exec_driver_sql(str(compiled), params)


def _bind_processors(
    session: Session, target: Table, columns: Sequence[str]
) -> list[tuple[int, Any]]:
    """Where in a row of `columns` a value needs its type's conversion, and the conversion."""
    dialect = session.connection().dialect
    return [
        (n, processor)
        for n, name in enumerate(columns)
        if (processor := target.c[name].type.dialect_impl(dialect).bind_processor(dialect))
    ]


def _exercise_rows(
    session: Session,
    new: Sequence[tuple[dict[str, Any], Sequence[tuple[Any, ...]]]],
    ids: dict[str, int],
) -> list[tuple[Any, ...]]:
    """Each new session's exercises as rows, their values converted once for each distinct
    exercise (an import shares one tuple among all the sessions that list it)."""
    processors = _bind_processors(session, table_of(CompletionExercise), EXERCISE_COLUMNS[2:])
    converted: dict[int, tuple[Any, ...]] = {}
    rows: list[tuple[Any, ...]] = []
    for completion, exercises in new:
        completion_id = ids[completion["op_id"]]
        for position, exercise in enumerate(exercises):
            values = converted.get(id(exercise))
            if values is None:
                values = converted[id(exercise)] = _processed(exercise, processors)
            rows.append((completion_id, position, *values))
    return rows


def _processed(row: Sequence[Any], processors: list[tuple[int, Any]]) -> tuple[Any, ...]:
    values = list(row)
    for n, processor in processors:
        values[n] = processor(values[n])
    return tuple(values)


def _version_key(v: ProgramVersion) -> tuple[object, ...]:
    """All a program version's fields: an imported one equal to one kept is left out."""
    return (v.effective_from, v.start, v.goal, v.session_days, v.experience, v.equipment,
            v.deload_every)  # fmt: skip


def _add_new_plan_rows(
    session: Session, user_id: int, versions: Sequence[ProgramVersion], events: Sequence[PlanEvent]
) -> None:
    """Add the program versions and plan events the user doesn't have yet, in the caller's
    transaction."""
    had_versions = session.exec(select(ProgramVersion).where(ProgramVersion.user_id == user_id))
    known_versions = {_version_key(v) for v in had_versions.all()}
    for version in versions:
        if _version_key(version) not in known_versions:
            known_versions.add(_version_key(version))
            version.user_id = user_id
            session.add(version)
    had_events = session.exec(select(PlanEvent).where(PlanEvent.user_id == user_id)).all()
    known_events = {(e.kind, e.day, e.until) for e in had_events}
    for event in events:
        if (event.kind, event.day, event.until) not in known_events:
            known_events.add((event.kind, event.day, event.until))
            event.user_id = user_id
            session.add(event)


class DataRows(Queries):
    """A user's whole data at once: exported, imported into, deleted."""

    def exercises_of_user(self, user_id: int) -> Sequence[CompletionExercise]:
        """Every exercise the user logged, by session and position in it."""
        with self._session() as session:
            query = (
                select(CompletionExercise)
                .join(Completion, col(Completion.id) == col(CompletionExercise.completion_id))
                .where(Completion.user_id == user_id)
                .order_by(col(CompletionExercise.completion_id), col(CompletionExercise.position))
            )
            return session.exec(query).all()

    def session_rows(self, user_id: int) -> list[tuple[Any, ...]]:
        """The user's sessions as plain tuples, in the order of `completions`, for an export:
        its id, then op_id, routine, started and ended at, local date, time zone, steps done and
        in all, effort, pain and note; moments and days as the driver gives them (SQLite's
        text, PostgreSQL's values), which the export writes as text anyway.
        """
        with self._session() as session:
            return [tuple(row) for row in session.execute(_sessions_of(user_id))]

    def export_rows(self, user_id: int) -> list[tuple[Any, ...]]:
        """The user's sessions as `session_rows` gives them, each with its exercises as one
        text, "position|exercise|kind|sets|amount|per side" joined by ";" in no set order (per
        side 1 or 0, or true or false; None when it has none), in one query: the database
        joins 240,000 exercises faster than Python builds their rows, and a history repeats
        the same few lists, which an export reads once.
        """
        e, c = CompletionExercise, Completion
        # Each value as the text the database writes for it: casts, or a CASE for the flag,
        # took twice as long for the heaviest account.
        parts = [type_coerce(col(column), String) for column in (e.position, e.exercise_slug,
                 e.kind, e.sets, e.amount, e.per_side)]  # fmt: skip
        exercise: ColumnElement[str] = parts[0]
        for part in parts[1:]:
            exercise = exercise + literal("|") + part
        # A subquery per session, by the index on completion_id: no join to group afterwards.
        listed = (
            select_columns(func.aggregate_strings(exercise, ";"))
            .where(col(e.completion_id) == col(c.id))
            .scalar_subquery()
        )
        with self._session() as session:
            return [tuple(row) for row in session.execute(_sessions_of(user_id, listed))]

    def data_counts(self, user_id: int) -> dict[str, int]:
        """How many sessions, program versions and plan events the user has."""
        with self._session() as session:
            return {
                name: session.exec(
                    select(func.count()).select_from(table).where(col(table.user_id) == user_id)
                ).one()
                for name, table in (
                    ("sessions", Completion),
                    ("program_versions", ProgramVersion),
                    ("plan_events", PlanEvent),
                )
            }

    def import_rows(
        self,
        user_id: int,
        sessions: Sequence[tuple[dict[str, Any], Sequence[tuple[Any, ...]]]],
        versions: Sequence[ProgramVersion],
        events: Sequence[PlanEvent],
        time_zone: str,
        time_zone_auto: bool,
        precautions: str | None = None,
    ) -> tuple[int, int]:
        """Add what the user doesn't have yet and set their time zone (and precautions, when
        the file has them), in one transaction.

        Sessions come as their columns' values (all with the same keys) with their exercises
        in order, each a tuple of the `EXERCISE_COLUMNS` after the session and position; a session
        is known by its op_id, a program version or plan event by all its fields; known ones
        are left untouched. Returns how many sessions were added and already there.
        """
        with self._session() as session:
            user = session.get(User, user_id)
            if user is None:
                raise LookupError(f"no user {user_id} to import into")
            query = select(col(Completion.op_id)).where(Completion.user_id == user_id)
            known = set(session.exec(query).all())
            new = []
            for completion, exercises in sessions:
                if completion["op_id"] not in known:
                    known.add(completion["op_id"])
                    new.append(({**completion, "user_id": user_id}, exercises))
            self._insert_sessions(session, user_id, new)
            _add_new_plan_rows(session, user_id, versions, events)
            user.time_zone, user.time_zone_auto = time_zone, time_zone_auto
            if precautions is not None:
                user.precautions = precautions
            session.commit()
            return len(new), len(sessions) - len(new)

    @staticmethod
    def _insert_sessions(
        session: Session,
        user_id: int,
        new: Sequence[tuple[dict[str, Any], Sequence[tuple[Any, ...]]]],
    ) -> None:
        """Insert sessions and their exercises in bulk, in the caller's transaction."""
        if not new:
            return
        completions = [completion for completion, _ in new]
        _insert_many(session, table_of(Completion), list(completions[0]), [
            tuple(completion.values()) for completion in completions
        ])  # fmt: skip
        ids = dict(
            session.execute(
                select_columns(col(Completion.op_id), col(Completion.id)).where(
                    col(Completion.user_id) == user_id
                )
            ).all()
        )
        _insert_many(
            session,
            table_of(CompletionExercise),
            EXERCISE_COLUMNS,
            _exercise_rows(session, new, ids),
            True,
        )

    def delete_user(self, user_id: int) -> bool:
        """Delete the user and every row of theirs in one transaction; False if there was none.

        Child rows go explicitly, first, rather than by trusting the database's cascades.
        """
        with self._session() as session:
            theirs = select(col(Completion.id)).where(Completion.user_id == user_id)
            session.exec(
                delete(CompletionExercise).where(col(CompletionExercise.completion_id).in_(theirs))
            )
            reminders = select(col(Reminder.id)).where(Reminder.user_id == user_id)
            deliveries = select(col(ReminderDelivery.id)).where(
                col(ReminderDelivery.reminder_id).in_(reminders)
            )
            session.exec(delete(ReminderPush).where(col(ReminderPush.delivery_id).in_(deliveries)))
            session.exec(
                delete(ReminderDelivery).where(col(ReminderDelivery.reminder_id).in_(reminders))
            )
            tables = (
                Completion,
                HipCheckRecord,
                ProgramVersion,
                PlanEvent,
                Reminder,
                PushSubscription,
                SignIn,
                Passkey,
                KeptPage,
            )
            for table in tables:
                session.exec(delete(table).where(col(table.user_id) == user_id))
            gone = session.exec(delete(User).where(col(User.id) == user_id))
            session.commit()
            return bool(gone.rowcount)

    def op_ids(self, user_id: int) -> set[str]:
        """The idempotency keys of all the user's sessions."""
        with self._session() as session:
            query = select(col(Completion.op_id)).where(Completion.user_id == user_id)
            return set(session.exec(query).all())
