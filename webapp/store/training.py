"""The only module that queries the database: rows in, `routines`-friendly values out."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Engine, String, Table, case, cast, insert, text, type_coerce
from sqlalchemy import select as select_columns
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, func, select

from webapp.store.models import (
    Completion,
    CompletionExercise,
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


class SessionFacts(NamedTuple):
    """What the plan and the streak read of a session: its day, routine, feedback and length.

    A tuple, not a dataclass: a page reads every session of the account, and tuples of plain
    values drop out of the garbage collector's sight, so they cost nothing after.
    """

    local_date: date
    routine_slug: str
    effort: int | None
    pain: int | None
    seconds: float  # from its start to its end
    steps_done: int


def _moment(value: datetime | str) -> datetime:
    """A moment as the driver gave it: SQLite's text, or PostgreSQL's datetime."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _settings(version: ProgramVersion) -> tuple[object, ...]:
    """What a program version sets, without when it takes effect."""
    return (version.goal, version.session_days, version.experience, version.equipment,
            version.deload_every)  # fmt: skip


class Queries:
    """Unit of work over one engine; each method runs in its own short transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session


def table_of(model: type[Completion] | type[CompletionExercise]) -> Table:
    """The table of a model, for bulk inserts that skip building objects."""
    table = model.__table__  # type: ignore[union-attr]
    assert isinstance(table, Table)
    return table


EXERCISE_ROWS = text(
    "SELECT e.completion_id, e.exercise_slug, e.kind, e.sets, e.amount, e.per_side"
    " FROM completion_exercise AS e JOIN completion AS c ON c.id = e.completion_id"
    " WHERE c.user_id = :user_id ORDER BY e.completion_id, e.position"
)


#: An exercise row's columns as `import_rows` inserts them.
EXERCISE_COLUMNS = ["completion_id", "position", "exercise_slug", "kind", "sets", "amount",
                    "per_side"]  # fmt: skip


def _insert_many(
    session: Session, target: Table, columns: list[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert `rows` (values in the order of `columns`) by the driver's own executemany, each
    value through its column's type once: the per-row work SQLAlchemy does around
    executemany cost more than the database's own for 240,000 exercises."""
    if not rows:
        return
    connection = session.connection()
    compiled = insert(target).compile(dialect=connection.dialect, column_keys=columns)
    dialect = connection.dialect
    processors = [
        (n, processor)
        for n, name in enumerate(columns)
        if (processor := target.c[name].type.dialect_impl(dialect).bind_processor(dialect))
    ]
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


def _processed(row: Sequence[Any], processors: list[tuple[int, Any]]) -> tuple[Any, ...]:
    values = list(row)
    for n, processor in processors:
        values[n] = processor(values[n])
    return tuple(values)


class Store(Queries):
    """Users, sessions, programs and plan changes."""

    def create_guest(self) -> User:
        with self._session() as session:
            user = User()
            session.add(user)
            session.commit()
            return user

    def user(self, user_id: int) -> User | None:
        with self._session() as session:
            return session.get(User, user_id)

    def set_time_zone(self, user: User, time_zone: str, auto: bool | None = None) -> None:
        """Set the user's time zone, and (when `auto` is given) whether it follows the phone."""
        with self._session() as session:
            row = session.get(User, user.id)
            if row is not None:
                row.time_zone = time_zone
                if auto is not None:
                    row.time_zone_auto = auto
                session.commit()
        user.time_zone = time_zone
        if auto is not None:
            user.time_zone_auto = auto

    def add_completion(
        self, completion: Completion, exercises: Sequence[CompletionExercise] = ()
    ) -> tuple[Completion, bool]:
        """Store `completion` and its exercises unless the same user already sent its op_id.

        Returns the stored row and whether it is new; a replay returns the first row untouched.
        """
        with self._session() as session:
            session.add(completion)
            try:
                session.flush()
                for exercise in exercises:
                    exercise.completion_id = completion.id or 0
                    session.add(exercise)
                session.commit()
                return completion, True
            except IntegrityError:
                session.rollback()
        first = self.completion_by_op(completion.user_id, completion.op_id)
        if first is None:
            raise LookupError("completion refused for a reason other than a replayed op_id")
        return first, False

    def completion_by_op(self, user_id: int, op_id: str) -> Completion | None:
        with self._session() as session:
            query = select(Completion).where(
                Completion.user_id == user_id, Completion.op_id == op_id
            )
            return session.exec(query).first()

    def completion(self, user_id: int, public_id: str) -> Completion | None:
        """The user's own completion with this public id; another user's is not found."""
        with self._session() as session:
            query = select(Completion).where(
                Completion.user_id == user_id, Completion.public_id == public_id
            )
            return session.exec(query).first()

    def completions_on(self, user_id: int, local_date: date) -> Sequence[Completion]:
        with self._session() as session:
            query = (
                select(Completion)
                .where(Completion.user_id == user_id, Completion.local_date == local_date)
                .order_by(col(Completion.ended_at))
            )
            return session.exec(query).all()

    def completions(self, user_id: int) -> Sequence[Completion]:
        with self._session() as session:
            query = (
                select(Completion)
                .where(Completion.user_id == user_id)
                .order_by(col(Completion.local_date), col(Completion.ended_at))
            )
            return session.exec(query).all()

    def session_facts(self, user_id: int) -> list[SessionFacts]:
        """The user's sessions in the order of `completions`, with only what the plan and the
        streak read: several times cheaper than whole rows, every page reads them all.

        The start and end come as the driver's values (their type's conversion, at two per
        session, would cost as much as all the rest), each pair in one form, so they subtract.
        """
        columns = (
            col(Completion.local_date), col(Completion.routine_slug), col(Completion.effort),
            col(Completion.pain), type_coerce(Completion.started_at, String()),
            type_coerce(Completion.ended_at, String()), col(Completion.steps_done),
        )  # fmt: skip
        with self._session() as session:
            query = (
                select_columns(*columns)
                .where(col(Completion.user_id) == user_id)
                .order_by(col(Completion.local_date), col(Completion.ended_at))
            )
            rows = session.execute(query).all()
        return [
            SessionFacts(
                day, slug, effort, pain, (_moment(end) - _moment(begin)).total_seconds(), steps
            )  # fmt: skip
            for day, slug, effort, pain, begin, end, steps in rows
        ]

    def history_page(self, user_id: int, offset: int, limit: int) -> Sequence[Completion]:
        """The user's sessions, newest first, `limit` of them after skipping `offset`."""
        with self._session() as session:
            query = (
                select(Completion)
                .where(Completion.user_id == user_id)
                .order_by(col(Completion.ended_at).desc(), col(Completion.id).desc())
                .offset(offset)
                .limit(limit)
            )
            return session.exec(query).all()

    def exercises_of(self, completion_id: int) -> Sequence[CompletionExercise]:
        with self._session() as session:
            query = (
                select(CompletionExercise)
                .where(CompletionExercise.completion_id == completion_id)
                .order_by(col(CompletionExercise.position))
            )
            return session.exec(query).all()

    def exercise_log(
        self, user_id: int, exercise_slug: str, since: date
    ) -> list[tuple[date, str, int]]:
        """Each time since `since` the user did `exercise_slug` in a full session, oldest first:
        the day, the dosage kind and the amount per set (columns only, no rows to build).
        """
        with self._session() as session:
            query = (
                select_columns(
                    col(Completion.local_date),
                    col(CompletionExercise.kind),
                    col(CompletionExercise.amount),
                )
                .join(Completion, col(Completion.id) == col(CompletionExercise.completion_id))
                .where(
                    col(Completion.user_id) == user_id,
                    col(Completion.steps_done) >= col(Completion.steps_total),
                    # Not a bare column, so no index on it: without statistics SQLite would
                    # otherwise read every user's rows of this exercise, not this user's.
                    col(CompletionExercise.exercise_slug).concat("") == exercise_slug,
                    col(Completion.local_date) >= since,
                )
                .order_by(col(Completion.local_date), col(CompletionExercise.position))
            )
            return [(day, kind, amount) for day, kind, amount in session.execute(query).all()]

    def exercise_counts(self, user_id: int, since: date) -> dict[str, int]:
        """How often since `since` each exercise was held in one of the user's full sessions."""
        with self._session() as session:
            query = (
                select(CompletionExercise.exercise_slug, func.count())
                .join(Completion, col(Completion.id) == col(CompletionExercise.completion_id))
                .where(
                    Completion.user_id == user_id,
                    col(Completion.steps_done) >= col(Completion.steps_total),
                    col(Completion.local_date) >= since,
                )
                .group_by(CompletionExercise.exercise_slug)
            )
            return {slug: count for slug, count in session.exec(query).all()}

    def sessions_per_day(self, user_id: int) -> dict[date, int]:
        """How many sessions the user has on each local date that has any."""
        with self._session() as session:
            query = (
                select_columns(col(Completion.local_date), func.count())
                .where(col(Completion.user_id) == user_id)
                .group_by(col(Completion.local_date))
            )
            return {day: count for day, count in session.execute(query).all()}

    def session_counts(self, user_id: int, local_date: date) -> tuple[int, int]:
        """How many sessions the user has on `local_date`, and in all."""
        with self._session() as session:
            theirs = (
                select(func.count())
                .select_from(Completion)
                .where(col(Completion.user_id) == user_id)
            )
            on_day = theirs.where(col(Completion.local_date) == local_date)
            return session.exec(on_day).one(), session.exec(theirs).one()

    def set_feedback(
        self, user_id: int, public_id: str, effort: int | None, pain: int | None, note: str
    ) -> Completion | None:
        """Change the feedback on the user's own session; None when it isn't theirs."""
        with self._session() as session:
            query = select(Completion).where(
                Completion.user_id == user_id, Completion.public_id == public_id
            )
            row = session.exec(query).first()
            if row is None:
                return None
            row.effort, row.pain, row.note = effort, pain, note
            session.commit()
            return row

    def program_versions(self, user_id: int) -> Sequence[ProgramVersion]:
        """The user's program settings, oldest first."""
        with self._session() as session:
            query = (
                select(ProgramVersion)
                .where(ProgramVersion.user_id == user_id)
                .order_by(col(ProgramVersion.effective_from), col(ProgramVersion.id))
            )
            return session.exec(query).all()

    def save_program_version(self, version: ProgramVersion, most: int) -> None:
        """Make `version` the user's program from its day on, then keep versions few.

        Versions from that day on are replaced; see `keep_program_versions` for the rest.
        """
        with self._session() as session:
            session.exec(
                delete(ProgramVersion).where(
                    col(ProgramVersion.user_id) == version.user_id,
                    col(ProgramVersion.effective_from) >= version.effective_from,
                )
            )
            session.add(version)
            session.flush()
            self._keep_versions(session, version.user_id, most)
            session.commit()

    def keep_program_versions(self, user_id: int, most: int) -> None:
        """Keep one version a day (the last saved), none that repeats the one before, and only
        the newest `most`: the days before the oldest kept follow it.
        """
        with self._session() as session:
            self._keep_versions(session, user_id, most)
            session.commit()

    @staticmethod
    def _keep_versions(session: Session, user_id: int, most: int) -> None:
        query = (
            select(ProgramVersion)
            .where(ProgramVersion.user_id == user_id)
            .order_by(col(ProgramVersion.effective_from), col(ProgramVersion.id))
        )
        kept: list[ProgramVersion] = []
        gone: list[ProgramVersion] = []
        for version in session.exec(query).all():
            if kept and kept[-1].effective_from == version.effective_from:
                gone.append(kept.pop())
            if kept and _settings(kept[-1]) == _settings(version):
                gone.append(version)
            else:
                kept.append(version)
        gone.extend(kept[: max(0, len(kept) - most)])
        for version in gone:
            session.delete(version)

    def add(self, row: ProgramVersion | PlanEvent) -> None:
        with self._session() as session:
            session.add(row)
            session.commit()

    def plan_changes(self, user_id: int) -> list[tuple[str, date, date | None]]:
        """The user's plan events as (kind, day, until), oldest first: what the plan reads."""
        with self._session() as session:
            query = (
                select_columns(col(PlanEvent.kind), col(PlanEvent.day), col(PlanEvent.until))
                .where(col(PlanEvent.user_id) == user_id)
                .order_by(col(PlanEvent.id))
            )
            return [(kind, day, until) for kind, day, until in session.execute(query).all()]

    def plan_event_count(self, user_id: int) -> int:
        with self._session() as session:
            query = (
                select(func.count()).select_from(PlanEvent).where(col(PlanEvent.user_id) == user_id)
            )
            return session.exec(query).one()

    def plan_events(self, user_id: int, kind: str | None = None) -> Sequence[PlanEvent]:
        """The user's plan events (of `kind` only, when given), oldest first."""
        with self._session() as session:
            query = select(PlanEvent).where(PlanEvent.user_id == user_id)
            if kind is not None:
                query = query.where(PlanEvent.kind == kind)
            return session.exec(query.order_by(col(PlanEvent.id))).all()

    def delete_plan_events(
        self, user_id: int, kind: str, day: date | None = None, event_id: int | None = None
    ) -> int:
        """Delete the user's own events of `kind` (on `day`, or with `event_id`); how many went."""
        with self._session() as session:
            query = select(PlanEvent).where(PlanEvent.user_id == user_id, PlanEvent.kind == kind)
            if day is not None:
                query = query.where(PlanEvent.day == day)
            if event_id is not None:
                query = query.where(PlanEvent.id == event_id)
            rows = session.exec(query).all()
            for row in rows:
                session.delete(row)
            session.commit()
            return len(rows)

    def set_calendar_token(self, user: User, token: str | None) -> None:
        with self._session() as session:
            row = session.get(User, user.id)
            if row is not None:
                row.calendar_token = token
                session.commit()
        user.calendar_token = token

    def user_by_calendar_token(self, token: str) -> User | None:
        with self._session() as session:
            return session.exec(select(User).where(User.calendar_token == token)).first()

    # Export, import and deletion

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
        in all, effort, pain and note. Rows are several times dearer to build than tuples.
        """
        c = Completion
        columns = (c.id, c.op_id, c.routine_slug, c.started_at, c.ended_at, c.local_date,
                   c.time_zone, c.steps_done, c.steps_total, c.effort, c.pain, c.note)  # fmt: skip
        with self._session() as session:
            query = (
                select_columns(*(col(column) for column in columns))
                .where(col(c.user_id) == user_id)
                .order_by(col(c.local_date), col(c.ended_at))
            )
            return [tuple(row) for row in session.execute(query)]

    def exercise_rows(self, user_id: int) -> list[tuple[Any, ...]]:
        """Every exercise the user logged as plain tuples, by session and position: the
        session's id, the exercise, its kind, sets, amount and whether it is per side."""
        # Plain SQL: no column types to apply, and 240,000 rows of the heaviest account come
        # back in a third of the time.
        with self._session() as session:
            rows = session.execute(EXERCISE_ROWS, {"user_id": user_id})
            return [tuple(row) for row in rows]

    def export_rows(self, user_id: int) -> list[tuple[Any, ...]]:
        """The user's sessions as `session_rows` gives them, each with its exercises as one
        text, "position|exercise|kind|sets|amount|per side (1 or 0)" joined by ";" (None when
        it has none), in one query: the database joins 240,000 exercises faster than Python
        builds their rows, and a history repeats the same few lists, which an export reads once.
        """
        e, c = CompletionExercise, Completion
        parts = (col(e.position), col(e.exercise_slug), col(e.kind), col(e.sets), col(e.amount))
        exercise: ColumnElement[str] = type_coerce(case((col(e.per_side), "1"), else_="0"), String)
        for part in reversed(parts):
            exercise = cast(part, String) + "|" + exercise
        lists = (
            select_columns(
                col(e.completion_id).label("id"),
                func.aggregate_strings(exercise, ";").label("exercises"),
            )
            .join(c, col(c.id) == col(e.completion_id))
            .where(col(c.user_id) == user_id)
            .group_by(col(e.completion_id))
            .subquery()
        )
        columns = (c.id, c.op_id, c.routine_slug, c.started_at, c.ended_at, c.local_date,
                   c.time_zone, c.steps_done, c.steps_total, c.effort, c.pain, c.note)  # fmt: skip
        with self._session() as session:
            query = (
                select_columns(*(col(column) for column in columns), lists.c.exercises)
                .outerjoin(lists, lists.c.id == col(c.id))
                .where(col(c.user_id) == user_id)
                .order_by(col(c.local_date), col(c.ended_at))
            )
            return [tuple(row) for row in session.execute(query)]

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
    ) -> tuple[int, int]:
        """Add what the user doesn't have yet and set their time zone, in one transaction.

        Sessions come as their columns' values (all with the same keys) with their exercises'
        as tuples in the order of `EXERCISE_COLUMNS` after the first (without ids); a session
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

            def version_key(v: ProgramVersion) -> tuple[object, ...]:
                return (v.effective_from, v.start, v.goal, v.session_days, v.experience,
                        v.equipment, v.deload_every)  # fmt: skip

            had_versions = session.exec(
                select(ProgramVersion).where(ProgramVersion.user_id == user_id)
            ).all()
            known_versions = {version_key(v) for v in had_versions}
            for version in versions:
                if version_key(version) not in known_versions:
                    known_versions.add(version_key(version))
                    version.user_id = user_id
                    session.add(version)
            had_events = session.exec(select(PlanEvent).where(PlanEvent.user_id == user_id)).all()
            known_events = {(e.kind, e.day, e.until) for e in had_events}
            for event in events:
                if (event.kind, event.day, event.until) not in known_events:
                    known_events.add((event.kind, event.day, event.until))
                    event.user_id = user_id
                    session.add(event)
            user.time_zone, user.time_zone_auto = time_zone, time_zone_auto
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
        rows = [
            (ids[completion["op_id"]], *exercise)
            for completion, exercises in new
            for exercise in exercises
        ]
        _insert_many(session, table_of(CompletionExercise), EXERCISE_COLUMNS, rows)

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
                ProgramVersion,
                PlanEvent,
                Reminder,
                PushSubscription,
                SignIn,
                Passkey,
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
