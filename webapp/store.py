"""The only module that queries the database: rows in, `routines`-friendly values out."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from webapp.models import Completion, PlanEvent, ProgramVersion, User


class Store:
    """Unit of work over one engine; each method runs in its own short transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def create_guest(self) -> User:
        with self._session() as session:
            user = User()
            session.add(user)
            session.commit()
            return user

    def user(self, user_id: int) -> User | None:
        with self._session() as session:
            return session.get(User, user_id)

    def set_time_zone(self, user: User, time_zone: str) -> None:
        with self._session() as session:
            row = session.get(User, user.id)
            if row is not None:
                row.time_zone = time_zone
                session.commit()
        user.time_zone = time_zone

    def add_completion(self, completion: Completion) -> tuple[Completion, bool]:
        """Store `completion` unless the same user already sent its op_id.

        Returns the stored row and whether it is new; a replay returns the first row untouched.
        """
        with self._session() as session:
            session.add(completion)
            try:
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

    def program_versions(self, user_id: int) -> Sequence[ProgramVersion]:
        """The user's program settings, oldest first."""
        with self._session() as session:
            query = (
                select(ProgramVersion)
                .where(ProgramVersion.user_id == user_id)
                .order_by(col(ProgramVersion.effective_from), col(ProgramVersion.id))
            )
            return session.exec(query).all()

    def add(self, row: ProgramVersion | PlanEvent) -> None:
        with self._session() as session:
            session.add(row)
            session.commit()

    def plan_events(self, user_id: int) -> Sequence[PlanEvent]:
        with self._session() as session:
            query = (
                select(PlanEvent).where(PlanEvent.user_id == user_id).order_by(col(PlanEvent.id))
            )
            return session.exec(query).all()

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
