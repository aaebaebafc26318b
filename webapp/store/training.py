"""The training store: users and their sessions, with their plans (`plan_rows`) and whole data
(`data_rows`). The store modules are the only ones that query: rows in, `routines` values out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import String, bindparam, insert, type_coerce
from sqlalchemy import select as select_columns
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select

from webapp.store.data_rows import DataRows
from webapp.store.db import detached
from webapp.store.hip_check_rows import HipCheckRows
from webapp.store.kept_rows import KeptRows
from webapp.store.models import Completion, CompletionExercise, DataVersion, User
from webapp.store.plan_rows import PlanRows


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


def driver_moment(value: datetime | str) -> datetime:
    """A moment as the driver gave it: SQLite's text, or PostgreSQL's datetime."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _exercise_row(exercise: CompletionExercise, completion_id: int) -> dict[str, object]:
    """An exercise's columns for `add_completion`'s insert, under the session's id."""
    return {
        "completion_id": completion_id, "position": exercise.position,
        "exercise_slug": exercise.exercise_slug, "kind": exercise.kind, "sets": exercise.sets,
        "amount": exercise.amount, "per_side": exercise.per_side,
    }  # fmt: skip


#: `TrainingStore.user_and_version`'s query, built once.
USER_AND_VERSION = (
    select_columns(*User.__table__.columns, col(DataVersion.version).label("data_version"))  # type: ignore[attr-defined]
    .join_from(User, DataVersion, col(DataVersion.user_id) == col(User.id), isouter=True)
    .where(col(User.id) == bindparam("user_id"))
)


class TrainingStore(PlanRows, DataRows, HipCheckRows, KeptRows):
    """Users and sessions; with `PlanRows`, `DataRows`, `HipCheckRows` and `KeptRows`, their
    plans, whole data, hip checks and kept pages."""

    def create_guest(self) -> User:
        with self._session() as session:
            user = User()
            session.add(user)
            session.commit()
            return user

    def user(self, user_id: int) -> User | None:
        with self._session() as session:
            return session.get(User, user_id)

    def user_and_version(self, user_id: int) -> tuple[User, int | None] | None:
        """The user's row and their data version (see `DataVersion`), read together (each
        request of a known visitor starts with this)."""
        with self.reader.connect() as connection:
            found = connection.execute(USER_AND_VERSION, {"user_id": user_id}).first()
        if found is None:
            return None
        row = found._mapping
        return detached(User, row), row["data_version"]

    def data_version(self, user_id: int) -> int | None:
        """The user's data version (see `DataVersion`); None when the database keeps none."""
        with self._session() as session:
            query = select_columns(col(DataVersion.version)).where(
                col(DataVersion.user_id) == user_id
            )
            found: int | None = session.execute(query).scalar_one_or_none()
            return found

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

    def set_precautions(self, user: User, precautions: str) -> None:
        """Keep the precautions screen's answers (comma-separated, already checked)."""
        with self._session() as session:
            row = session.get(User, user.id)
            if row is not None:
                row.precautions = precautions
                session.commit()
        user.precautions = precautions

    def add_completion(
        self, completion: Completion, exercises: Sequence[CompletionExercise] = ()
    ) -> tuple[Completion, bool]:
        """Store `completion` and its exercises unless the same user already sent its op_id.

        Returns the stored row and whether it is new; a replay returns the first row untouched.
        The exercises go in with one statement (they are read back by their session only).
        """
        with self._session() as session:
            session.add(completion)
            try:
                session.flush()
                rows = [_exercise_row(exercise, completion.id or 0) for exercise in exercises]
                if rows:
                    session.execute(insert(CompletionExercise), rows)
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
                day,
                slug,
                effort,
                pain,
                (driver_moment(end) - driver_moment(begin)).total_seconds(),
                steps,
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
