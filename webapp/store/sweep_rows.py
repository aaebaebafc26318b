"""The scheduler's queries: the due reminders, claiming them, and writing down each send.

Part of the reminder store (`ReminderStore`). A claim moves a reminder's `next_fire_utc` on
with an update that only matches the instant the scheduler saw, so of two schedulers racing
for one reminder exactly one wins it. On PostgreSQL several schedulers may share a sweep
(`due_batch`): each takes its batch with `FOR UPDATE SKIP LOCKED`, so they decide different
reminders rather than all deciding the same ones and all but one losing the claim.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, update
from sqlmodel import col, delete, select

from webapp.store.db import Queries
from webapp.store.models import Reminder, ReminderDelivery, ReminderPush, User


@dataclass(frozen=True)
class Claim:
    """What the scheduler decided for one due reminder: move it on, and maybe send `payload`."""

    reminder_id: int
    due: datetime  # the fire instant stored on the reminder, which the claim must still find
    next_fire: datetime | None
    payload: str | None  # None: nothing to send (quiet, or too late)
    moment: datetime | None = None  # the slot the send is for, when not `due` (after downtime)


@dataclass(frozen=True)
class DueBatch:
    """One round of a sweep: its due reminders with their users, and how to claim them."""

    due: list[tuple[Reminder, User]]
    claim: Callable[[Sequence[Claim], datetime], list[ReminderDelivery]]


class SweepRows(Queries):
    """The due reminders, their claims, and how each send went; one short transaction each."""

    def due(
        self, now: datetime, limit: int, skip: Collection[int] = ()
    ) -> list[tuple[Reminder, User]]:
        """Enabled reminders whose next fire is at or before `now`, the most overdue first;
        `skip` names reminders not to return (those still being decided)."""
        with self._session() as session:
            return list(session.exec(_due_query(now, limit, skip)).all())

    @contextmanager
    def due_batch(
        self, now: datetime, limit: int, skip: Collection[int] = ()
    ) -> Iterator[DueBatch]:
        """The next due reminders no other scheduler is deciding, held while the block runs.

        On PostgreSQL the rows stay locked (`FOR UPDATE SKIP LOCKED`) until the block ends, and
        the batch's `claim` claims them in that same transaction, so another scheduler's batch
        skips them instead of deciding them too. On SQLite (one scheduler) the batch is `due`
        and its `claim` is `claim`: a transaction held open there would hold up the web's writes.
        """
        if self.engine.dialect.name != "postgresql":
            yield DueBatch(self.due(now, limit, skip=skip), self.claim)
            return
        with self._session() as session:
            query = _due_query(now, limit, skip).with_for_update(skip_locked=True, of=Reminder)
            rows = list(session.exec(query).all())
            held = session.connection()
            yield DueBatch(rows, lambda claims, at: _claim_in(held, claims, at))
            session.commit()

    def claim(self, claims: Sequence[Claim], now: datetime) -> list[ReminderDelivery]:
        """Move each reminder on from its due instant, in one transaction; returns the sends won.

        The update only matches while `next_fire_utc` is still the instant this scheduler saw,
        so when two schedulers race, each reminder is claimed by one of them and sent once.
        A claimed send is written down (status "sending") in the same transaction, so a
        scheduler that dies before sending leaves it for the next one to finish.
        """
        if not claims:
            return []
        with self.engine.begin() as connection:
            return _claim_in(connection, claims, now)

    def unfinished(self, claimed_before: datetime, due_after: datetime) -> list[ReminderDelivery]:
        """Deliveries a scheduler claimed but never finished (it died), still worth sending."""
        with self._session() as session:
            query = select(ReminderDelivery).where(
                ReminderDelivery.status == "sending",
                col(ReminderDelivery.claimed_at) < claimed_before,
                col(ReminderDelivery.due_utc) >= due_after,
            )
            return list(session.exec(query).all())

    def reclaim(self, delivery: ReminderDelivery, now: datetime) -> bool:
        """Take over an unfinished delivery; only one scheduler wins it."""
        with self._session() as session:
            won = session.exec(
                update(ReminderDelivery)
                .where(
                    col(ReminderDelivery.id) == delivery.id,
                    col(ReminderDelivery.claimed_at) == delivery.claimed_at,
                    col(ReminderDelivery.status) == "sending",
                )
                .values(claimed_at=now)
            )
            session.commit()
        if won.rowcount == 1:
            delivery.claimed_at = now
        return bool(won.rowcount == 1)

    def abandon(self, claimed_before: datetime, due_before: datetime) -> int:
        """Give up unfinished deliveries that are now too late to be worth sending."""
        with self._session() as session:
            done = session.exec(
                update(ReminderDelivery)
                .where(
                    col(ReminderDelivery.status) == "sending",
                    col(ReminderDelivery.claimed_at) < claimed_before,
                    col(ReminderDelivery.due_utc) < due_before,
                )
                .values(status="failed", detail="too late after the scheduler stopped")
            )
            session.commit()
            return int(done.rowcount)

    def record_pushes(self, pushes: Sequence[tuple[int, int, str]], when: datetime) -> None:
        """Write down how pushes went, (delivery id, subscription id, outcome), in one commit."""
        if not pushes:
            return
        rows = [
            {"delivery_id": d, "subscription_id": s, "outcome": outcome, "at": when}
            for d, s, outcome in pushes
        ]
        with self.engine.begin() as connection:
            connection.execute(insert(ReminderPush), rows)

    def pushed(self, delivery_ids: Sequence[int]) -> dict[int, dict[int, str]]:
        """The devices each delivery was already pushed to: {delivery: {subscription: outcome}}."""
        found: dict[int, dict[int, str]] = {}
        with self._session() as session:
            for start in range(0, len(delivery_ids), 500):
                chunk = delivery_ids[start : start + 500]
                query = select(ReminderPush).where(col(ReminderPush.delivery_id).in_(chunk))
                for row in session.exec(query):
                    found.setdefault(row.delivery_id, {})[row.subscription_id] = row.outcome
        return found

    def finish(self, outcomes: Sequence[tuple[int, str, str]]) -> None:
        """Record how each delivery went: (delivery id, status, detail)."""
        if not outcomes:
            return
        done = (
            update(ReminderDelivery)
            .where(col(ReminderDelivery.id) == bindparam("finished"))
            .values(status=bindparam("outcome"), detail=bindparam("words"))
        )
        rows = [{"finished": d, "outcome": s, "words": w[:200]} for d, s, w in outcomes]
        with self.engine.begin() as connection:
            connection.execute(done, rows)

    def deliveries(self, reminder_id: int) -> Sequence[ReminderDelivery]:
        with self._session() as session:
            query = (
                select(ReminderDelivery)
                .where(ReminderDelivery.reminder_id == reminder_id)
                .order_by(col(ReminderDelivery.due_utc))
            )
            return session.exec(query).all()

    def prune(self, before: datetime) -> int:
        """Forget finished deliveries older than `before`."""
        with self._session() as session:
            gone = session.exec(
                delete(ReminderDelivery).where(
                    col(ReminderDelivery.due_utc) < before,
                    col(ReminderDelivery.status) != "sending",
                )
            )
            session.commit()
            return int(gone.rowcount)


def _due_query(now: datetime, limit: int, skip: Collection[int]) -> Any:
    """The due reminders with their users, the most overdue first, `skip` left out."""
    query = (
        select(Reminder, User)
        .join(User, col(User.id) == Reminder.user_id)
        .where(col(Reminder.next_fire_utc) <= now, col(Reminder.enabled).is_(True))
        .order_by(col(Reminder.next_fire_utc), col(Reminder.id))
        .limit(limit)
    )
    if skip:
        query = query.where(col(Reminder.id).not_in(list(skip)))
    return query


def _claim_in(
    connection: Connection, claims: Sequence[Claim], now: datetime
) -> list[ReminderDelivery]:
    """`claim`'s updates and sends, in `connection`'s transaction (not committed).

    Plain statements, not the ORM's unit of work: a sweep claims thousands a minute.
    """
    move = (
        update(Reminder)
        .where(
            col(Reminder.id) == bindparam("claimed"),
            col(Reminder.next_fire_utc) == bindparam("seen"),
        )
        .values(next_fire_utc=bindparam("next"))
    )
    deliveries: list[ReminderDelivery] = []
    for claim in claims:
        seen = {"claimed": claim.reminder_id, "seen": claim.due, "next": claim.next_fire}
        moved = connection.execute(move, seen)
        if moved.rowcount == 1 and claim.payload is not None:
            deliveries.append(
                ReminderDelivery(
                    reminder_id=claim.reminder_id,
                    due_utc=claim.moment or claim.due,
                    claimed_at=now,
                    payload=claim.payload,
                )
            )
    if deliveries:
        rows = [d.model_dump(exclude={"id"}) for d in deliveries]
        add = insert(ReminderDelivery).returning(
            col(ReminderDelivery.id), sort_by_parameter_order=True
        )
        for delivery, made in zip(deliveries, connection.execute(add, rows), strict=True):
            delivery.id = made.id
    return deliveries
