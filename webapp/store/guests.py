"""Queries for guest accounts: made on their first save, seen at most daily, pruned when idle."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import ColumnElement, exists
from sqlalchemy.exc import IntegrityError
from sqlmodel import and_, col, delete, or_, select, update

from webapp.store.db import Queries
from webapp.store.models import (
    Completion,
    HipCheckRecord,
    PlanEvent,
    ProgramVersion,
    PushSubscription,
    Reminder,
    User,
)

#: What makes a guest worth keeping: a row in any of these tables.
KEPT = (Completion, HipCheckRecord, ProgramVersion, PlanEvent, Reminder, PushSubscription)
#: Guests deleted per transaction when pruning.
BATCH = 500


class GuestStore(Queries):
    """Guest accounts; every method is one short transaction."""

    def create(self, public_id: str, time_zone: str, today: date) -> User:
        """The guest `public_id` names: made now, or the one a request a moment ago just made.

        The key comes from the visitor's signed cookie, so two first saves sent at once (the
        phone's outbox, two tabs) end in the same account instead of two.
        """
        with self._session() as session:
            session.add(User(public_id=public_id, time_zone=time_zone, last_seen_on=today))
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
            found = session.exec(select(User).where(User.public_id == public_id)).first()
        if found is None or found.secured_at is not None:
            raise LookupError(f"no guest account {public_id} after making it")
        return found

    def seen(self, user_id: int, today: date) -> None:
        """Note that a device opened the account today."""
        with self._session() as session:
            session.exec(
                update(User)
                .where(col(User.id) == user_id)
                .where(or_(col(User.last_seen_on).is_(None), col(User.last_seen_on) < today))
                .values(last_seen_on=today)
            )
            session.commit()

    def delete_idle_empty(self, unseen_since: date) -> int:
        """Delete guests with nothing kept who were last seen before `unseen_since`; how many.

        In batches, each its own short transaction, so web requests never wait long on them.
        """
        deleted = 0
        while True:
            with self._session() as session:
                batch = select(User.id).where(_empty(), _unseen(unseen_since)).limit(BATCH)
                ids = list(session.exec(batch).all())
            if not ids:
                return deleted
            deleted += self._delete_empty(col(User.id).in_(ids))

    def delete_if_empty(self, user_id: int) -> bool:
        """Delete this guest unless they keep something (a request made them, then failed)."""
        return self._delete_empty(col(User.id) == user_id) > 0

    def _delete_empty(self, which: ColumnElement[bool]) -> int:
        """Delete the guests `which` picks that keep nothing, in one statement (so none of them
        can save something in between); how many."""
        with self._session() as session:
            gone = session.exec(delete(User).where(_empty(), which))
            session.commit()
            return int(gone.rowcount or 0)

    def unseen(self, unseen_since: date) -> list[int]:
        """The ids of guests last seen before `unseen_since`, whatever they kept."""
        with self._session() as session:
            query = select(User.id).where(col(User.secured_at).is_(None), _unseen(unseen_since))
            return [user_id for user_id in session.exec(query).all() if user_id is not None]


def _empty() -> ColumnElement[bool]:
    """A guest (not secured) without a row in any table that makes an account worth keeping."""
    kept = [~exists().where(col(table.user_id) == User.id) for table in KEPT]
    return and_(col(User.secured_at).is_(None), *kept)


def _unseen(since: date) -> ColumnElement[bool]:
    """Last seen before `since`; a row that never noted a visit counts from its making."""
    made_before = datetime.combine(since, time(), tzinfo=UTC)
    return or_(
        col(User.last_seen_on) < since,
        and_(col(User.last_seen_on).is_(None), col(User.created_at) < made_before),
    )
