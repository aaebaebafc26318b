"""The only module that queries the database: rows in, `routines`-friendly values out."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from webapp.models import Completion, User


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
