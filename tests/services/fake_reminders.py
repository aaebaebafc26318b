"""An in-memory stand-in for the reminder store, for the reminder and notification use cases.

It implements the ReminderStore methods those use cases call, with the same names, arguments
and results, over plain dicts and lists: no database, no Flask. The scheduler's claims are not
here: the sweep and its claims are tested against the real database in tests/push/.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import count

from tests.services.fakes import FakeTrainingStore
from webapp.store.models import PushSubscription, Reminder
from webapp.store.reminders import MAX_DEVICES, most_recently_used


@dataclass
class FakeReminderStore:
    """Reminders by (user, kind) and push subscriptions in a list; users live in `training`."""

    training: FakeTrainingStore
    rows: dict[tuple[int, str], Reminder] = field(default_factory=dict)
    devices: list[PushSubscription] = field(default_factory=list)
    ids: count[int] = field(default_factory=lambda: count(1))

    # Settings

    def reminders(self, user_id: int) -> dict[str, Reminder]:
        return {kind: row for (owner, kind), row in self.rows.items() if owner == user_id}

    def save_reminder(self, reminder: Reminder) -> Reminder:
        row = self.rows.get((reminder.user_id, reminder.kind))
        if row is None:
            row = Reminder(
                id=next(self.ids), user_id=reminder.user_id, kind=reminder.kind, at=reminder.at
            )
            self.rows[(reminder.user_id, reminder.kind)] = row
        for name in ("enabled", "weekdays", "at", "until", "every", "next_fire_utc"):
            setattr(row, name, getattr(reminder, name))
        return row

    def reminder_by_id(self, reminder_id: int) -> Reminder | None:
        return next((r for r in self.rows.values() if r.id == reminder_id), None)

    def reminder(self, user_id: int, reminder_id: int) -> Reminder | None:
        row = self.reminder_by_id(reminder_id)
        return row if row is not None and row.user_id == user_id else None

    def set_next_fire(self, reminder_id: int, when: datetime | None) -> None:
        row = self.reminder_by_id(reminder_id)
        if row is not None:
            row.next_fire_utc = when

    def set_quiet(self, reminder_id: int, day: date) -> None:
        row = self.reminder_by_id(reminder_id)
        if row is not None:
            row.quiet_on = day

    def set_pause(self, user_id: int, until: date | None) -> None:
        user = self.training.user(user_id)
        if user is not None:
            user.reminders_paused_until = until

    # Subscriptions

    def subscriptions(self, user_id: int) -> Sequence[PushSubscription]:
        return [d for d in self.devices if d.user_id == user_id]

    def add_subscription(self, subscription: PushSubscription) -> PushSubscription:
        return self.add_device(subscription, keep=len(self.devices) + 1)[0]

    def add_device(
        self, subscription: PushSubscription, keep: int = MAX_DEVICES
    ) -> tuple[PushSubscription, list[PushSubscription]]:
        self.devices = [d for d in self.devices if d.endpoint != subscription.endpoint]
        subscription.id = next(self.ids)
        others = self.subscriptions(subscription.user_id)
        kept = {id(d) for d in most_recently_used(others, keep - 1)}
        replaced = [d for d in others if id(d) not in kept]
        self.devices = [d for d in self.devices if d not in replaced] + [subscription]
        return subscription, replaced

    def remove_subscription(
        self, user_id: int, *, endpoint: str | None = None, public_id: str | None = None
    ) -> bool:
        if endpoint is None and public_id is None:
            return False
        gone = [
            d
            for d in self.subscriptions(user_id)
            if (endpoint is not None and d.endpoint == endpoint)
            or (endpoint is None and d.public_id == public_id)
        ]
        self.devices = [d for d in self.devices if d not in gone]
        return bool(gone)

    def forget_endpoints(self, endpoints: Sequence[str]) -> int:
        gone = [d for d in self.devices if d.endpoint in endpoints]
        self.devices = [d for d in self.devices if d not in gone]
        return len(gone)

    def mark_sent(self, endpoints: Sequence[str], when: datetime) -> None:
        for device in self.devices:
            if device.endpoint in endpoints:
                device.last_sent_at = when
