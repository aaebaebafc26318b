"""The queries of reminders: settings, push subscriptions, and the scheduler's claims."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from sqlalchemy import update
from sqlmodel import Session, col, delete, select

from webapp.store.models import PushSubscription, Reminder, User
from webapp.store.sweep_rows import Claim as Claim
from webapp.store.sweep_rows import SweepRows

#: Reminders go to at most this many devices of one account; an 11th replaces the one that has
#: gone longest without a push (a guest could otherwise subscribe hundreds, and each reminder
#: and test would fan out to all of them).
MAX_DEVICES = 10


def last_used(device: PushSubscription) -> datetime:
    """When a device last got a push, or subscribed if it never has."""
    return device.last_sent_at or device.created_at


def most_recently_used(
    devices: Sequence[PushSubscription], keep: int = MAX_DEVICES
) -> list[PushSubscription]:
    """The `keep` devices used most recently, in their order (an account from before the cap
    may have more)."""
    if len(devices) <= keep:
        return list(devices)
    newest = sorted(devices, key=lambda d: (_aware(last_used(d)), d.id or 0), reverse=True)
    kept = {id(device) for device in newest[:keep]}
    return [device for device in devices if id(device) in kept]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class ReminderStore(SweepRows):
    """Reminder settings and push subscriptions; with `SweepRows`, the scheduler's claims."""

    # Settings

    def reminders(self, user_id: int) -> dict[str, Reminder]:
        """The user's reminders by kind ("session", "desk"); a kind never set is missing."""
        with self._session() as session:
            rows = session.exec(select(Reminder).where(Reminder.user_id == user_id)).all()
            return {row.kind: row for row in rows}

    def save_reminder(self, reminder: Reminder) -> Reminder:
        """Store the user's reminder of that kind, replacing the settings it had."""
        with self._session() as session:
            row = session.exec(
                select(Reminder).where(
                    Reminder.user_id == reminder.user_id, Reminder.kind == reminder.kind
                )
            ).first()
            if row is None:
                row = Reminder(user_id=reminder.user_id, kind=reminder.kind, at=reminder.at)
            for name in ("enabled", "weekdays", "at", "until", "every", "next_fire_utc"):
                setattr(row, name, getattr(reminder, name))
            session.add(row)
            session.commit()
            return row

    def set_next_fire(self, reminder_id: int, when: datetime | None) -> None:
        with self._session() as session:
            session.exec(
                update(Reminder).where(col(Reminder.id) == reminder_id).values(next_fire_utc=when)
            )
            session.commit()

    def set_quiet(self, reminder_id: int, day: date) -> None:
        """ "Skip today": the reminder sends nothing more on that local date."""
        with self._session() as session:
            session.exec(
                update(Reminder).where(col(Reminder.id) == reminder_id).values(quiet_on=day)
            )
            session.commit()

    def reminder(self, user_id: int, reminder_id: int) -> Reminder | None:
        with self._session() as session:
            row = session.get(Reminder, reminder_id)
            return row if row is not None and row.user_id == user_id else None

    def reminder_by_id(self, reminder_id: int) -> Reminder | None:
        with self._session() as session:
            return session.get(Reminder, reminder_id)

    def set_pause(self, user_id: int, until: date | None) -> None:
        with self._session() as session:
            session.exec(
                update(User).where(col(User.id) == user_id).values(reminders_paused_until=until)
            )
            session.commit()

    # Subscriptions

    def subscriptions(self, user_id: int) -> Sequence[PushSubscription]:
        with self._session() as session:
            query = (
                select(PushSubscription)
                .where(PushSubscription.user_id == user_id)
                .order_by(col(PushSubscription.created_at), col(PushSubscription.id))
            )
            return session.exec(query).all()

    def subscriptions_of(self, user_ids: Sequence[int]) -> dict[int, list[PushSubscription]]:
        """The subscriptions of many users at once (the scheduler's batch)."""
        found: dict[int, list[PushSubscription]] = {}
        with self._session() as session:
            for start in range(0, len(user_ids), 500):
                chunk = user_ids[start : start + 500]
                query = select(PushSubscription).where(col(PushSubscription.user_id).in_(chunk))
                for row in session.exec(query):
                    found.setdefault(row.user_id, []).append(row)
        return found

    def add_subscription(self, subscription: PushSubscription) -> PushSubscription:
        """Store a browser's subscription; the same endpoint again replaces the old row.

        An endpoint belongs to one browser, so when another account signs in on that browser
        and subscribes, the endpoint moves to it.
        """
        with self._session() as session:
            row = self._upsert(session, subscription)
            session.commit()
            return row

    @staticmethod
    def _upsert(session: Session, subscription: PushSubscription) -> PushSubscription:
        row = session.exec(
            select(PushSubscription).where(PushSubscription.endpoint == subscription.endpoint)
        ).first()
        if row is None:
            row = subscription
        else:
            for name in ("user_id", "p256dh", "auth", "vapid_key", "label"):
                setattr(row, name, getattr(subscription, name))
        session.add(row)
        return row

    def add_device(
        self, subscription: PushSubscription, keep: int = MAX_DEVICES
    ) -> tuple[PushSubscription, list[PushSubscription]]:
        """Store a browser's subscription, keeping the account at `keep` devices at most.

        Returns the row and the devices it replaced: those that have gone longest without a
        push, beyond the newest `keep - 1` others.
        """
        with self._session() as session:
            row = self._upsert(session, subscription)
            session.flush()
            query = select(PushSubscription).where(
                PushSubscription.user_id == row.user_id, col(PushSubscription.id) != row.id
            )
            others = list(session.exec(query))
            kept = {id(device) for device in most_recently_used(others, keep - 1)}
            replaced = [device for device in others if id(device) not in kept]
            for device in replaced:
                session.delete(device)
            session.commit()
            return row, replaced

    def remove_subscription(
        self, user_id: int, *, endpoint: str | None = None, public_id: str | None = None
    ) -> bool:
        """Forget one of the user's subscriptions, by endpoint or public id."""
        with self._session() as session:
            query = delete(PushSubscription).where(col(PushSubscription.user_id) == user_id)
            if endpoint is not None:
                query = query.where(col(PushSubscription.endpoint) == endpoint)
            elif public_id is not None:
                query = query.where(col(PushSubscription.public_id) == public_id)
            else:
                return False
            gone = session.exec(query)
            session.commit()
            return bool(gone.rowcount)

    def forget_endpoints(self, endpoints: Sequence[str]) -> int:
        """Delete subscriptions the push service says are gone (404/410)."""
        if not endpoints:
            return 0
        with self._session() as session:
            gone = session.exec(
                delete(PushSubscription).where(col(PushSubscription.endpoint).in_(endpoints))
            )
            session.commit()
            return int(gone.rowcount)

    def mark_sent(self, endpoints: Sequence[str], when: datetime) -> None:
        if not endpoints:
            return
        with self._session() as session:
            session.exec(
                update(PushSubscription)
                .where(col(PushSubscription.endpoint).in_(endpoints))
                .values(last_sent_at=when)
            )
            session.commit()
