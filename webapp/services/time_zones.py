"""The user's time zone: when it changes, by their choice or their phone's, reminders follow.

Reminders keep to the wall clock, so a 07:00 reminder stays 07:00 in the new zone: this module
is the one place that works their next fires out again when the zone changes.
"""

from __future__ import annotations

from datetime import datetime

from webapp.services.reminders import schedule
from webapp.store.models import User
from webapp.store.reminders import ReminderStore
from webapp.store.training import TrainingStore


def set_time_zone(
    store: TrainingStore,
    reminders: ReminderStore,
    user: User,
    time_zone: str,
    now: datetime,
    *,
    auto: bool | None = None,
) -> None:
    """Make `time_zone` the user's (and, given `auto`, whether it follows the phone's)."""
    before = user.time_zone
    store.set_time_zone(user, time_zone, auto=auto)
    follow_time_zone(reminders, user, before, now)


def follow_time_zone(reminders: ReminderStore, user: User, before: str, now: datetime) -> None:
    """When the user's time zone is no longer `before`, move their reminders to the new one."""
    if user.time_zone == before:
        return
    for reminder in reminders.reminders(user.id or 0).values():
        when = schedule(reminder, user, now)
        if when != reminder.next_fire_utc and reminder.id is not None:
            reminders.set_next_fire(reminder.id, when)
