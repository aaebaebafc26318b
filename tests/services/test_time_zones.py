"""Changing the user's time zone, called directly: the reminders keep to the new wall clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.services.fake_reminders import FakeReminderStore
from tests.services.fakes import FakeTrainingStore
from webapp.services import reminder_settings, time_zones
from webapp.store.models import User

#: Monday 1 June 2026, 05:00 in Berlin (03:00 UTC).
NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
BERLIN, TOKYO = "Europe/Berlin", "Asia/Tokyo"


def wall(day: int, hour: int, time_zone: str) -> datetime:
    """A June 2026 moment on the wall clock of `time_zone`, in UTC."""
    return datetime(2026, 6, day, hour, tzinfo=ZoneInfo(time_zone)).astimezone(UTC)


@pytest.fixture
def reminder_rows(store: FakeTrainingStore) -> FakeReminderStore:
    return FakeReminderStore(store)


@pytest.fixture
def berliner(store: FakeTrainingStore, reminder_rows: FakeReminderStore) -> User:
    """A user in Berlin with the session reminder at 07:00 and desk breaks."""
    user = store.add_user(time_zone=BERLIN)
    form = reminder_settings.ReminderForm(session_on=True, session_at="07:00", desk_on=True)
    reminder_settings.save_reminders(reminder_rows, user, form, NOW)
    return user


def next_fires(rows: FakeReminderStore, user: User) -> dict[str, datetime | None]:
    return {kind: r.next_fire_utc for kind, r in rows.reminders(user.id or 0).items()}


def test_choosing_tokyo_moves_the_reminders_to_tokyos_wall_clock(
    store: FakeTrainingStore, reminder_rows: FakeReminderStore, berliner: User
) -> None:
    assert next_fires(reminder_rows, berliner)["session"] == wall(1, 7, BERLIN)

    time_zones.set_time_zone(store, reminder_rows, berliner, TOKYO, NOW, auto=False)

    assert (berliner.time_zone, berliner.time_zone_auto) == (TOKYO, False)
    assert next_fires(reminder_rows, berliner) == {
        "session": wall(2, 7, TOKYO),  # 07:00 in Tokyo has passed on the 1st
        "desk": wall(1, 13, TOKYO),  # 12:00 Tokyo passed too; desk breaks are hourly
    }


def test_the_same_time_zone_again_leaves_a_snoozed_reminder_where_it_is(
    store: FakeTrainingStore, reminder_rows: FakeReminderStore, berliner: User
) -> None:
    session = reminder_rows.reminders(berliner.id or 0)["session"]
    snoozed = NOW + timedelta(minutes=15)
    reminder_rows.set_next_fire(session.id or 0, snoozed)

    time_zones.set_time_zone(store, reminder_rows, berliner, BERLIN, NOW)

    assert session.next_fire_utc == snoozed


def test_a_session_logged_from_a_phone_in_another_zone_moves_the_reminders_with_it(
    store: FakeTrainingStore, reminder_rows: FakeReminderStore, berliner: User
) -> None:
    store.set_time_zone(berliner, TOKYO)  # what logging a session does when the zone follows

    time_zones.follow_time_zone(reminder_rows, berliner, BERLIN, NOW)

    assert next_fires(reminder_rows, berliner)["session"] == wall(2, 7, TOKYO)
