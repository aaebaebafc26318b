"""Deciding a reminder, called directly: what goes out, when it stays quiet, and catch-up.

The user lives in UTC and trains Monday, Wednesday and Friday from Monday 2 March 2026; the
reminder is saved on the Sunday evening before, so it first fires Monday at 07:00.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from routines.catalog.model import Catalog
from tests.services.fake_reminders import FakeReminderStore
from tests.services.fakes import FakeTrainingStore
from webapp.services import plans, reminder_settings, reminders
from webapp.services.reminders import TOO_LATE, Decision, Links
from webapp.store.models import Completion, Reminder, User

MONDAY = date(2026, 3, 2)
TUESDAY, WEDNESDAY = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)
WINDOW = timedelta(hours=2)
SECRET = "the-secret-key"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def path(endpoint: str, **values: str) -> str:
    """The app's paths for the two pages a notification opens."""
    if endpoint == "today.today":
        return "/"
    day = values.get("day")
    return f"/play/{values['slug']}" + (f"?day={day}" if day else "")


LINKS = Links(path, SECRET)


@pytest.fixture
def reminder_rows(store: FakeTrainingStore) -> FakeReminderStore:
    return FakeReminderStore(store)


@pytest.fixture
def trainee(store: FakeTrainingStore, user: User) -> User:
    """The user, with a plan of sessions on Monday, Wednesday and Friday."""
    answers = plans.parse_program({"goal": "lifting"}, {"days": ["mon", "wed", "fri"]})
    plans.save_program(store, user, answers, MONDAY)
    return user


def remind(
    rows: FakeReminderStore, user: User, *, desk: bool = False, paused_until: str = ""
) -> Reminder:
    """Settings → Reminders saved on Sunday evening: sessions at 07:00, maybe desk breaks."""
    form = reminder_settings.ReminderForm(
        session_on=not desk, session_at="07:00", desk_on=desk, paused_until=paused_until
    )
    reminder_settings.save_reminders(rows, user, form, at(MONDAY, 0) - timedelta(hours=4))
    return rows.reminders(user.id or 0)["desk" if desk else "session"]


def log_session(store: FakeTrainingStore, user: User, day: date, slug: str) -> None:
    """A session of routine `slug` finished at 06:10 on `day`."""
    completion = Completion(
        user_id=user.id or 0,
        op_id=f"{slug}-{day}",
        routine_slug=slug,
        started_at=at(day, 6),
        ended_at=at(day, 6, 10),
        local_date=day,
        time_zone="UTC",
        steps_done=5,
        steps_total=5,
    )
    store.add_completion(completion)


def decide(
    store: FakeTrainingStore, catalog: Catalog, reminder: Reminder, user: User, now: datetime
) -> Decision:
    return reminders.decide(store, catalog, LINKS, reminder, user, now, WINDOW)


def sent(decision: Decision) -> dict[str, Any]:
    assert decision.quiet is None and decision.claim.payload is not None
    message: dict[str, Any] = json.loads(decision.claim.payload)
    return message


def test_a_session_reminder_names_the_days_planned_session_and_moves_on_to_the_next_day(
    store: FakeTrainingStore, catalog: Catalog, reminder_rows: FakeReminderStore, trainee: User
) -> None:
    reminder = remind(reminder_rows, trainee)
    reminder.next_fire_utc = at(WEDNESDAY, 7)

    decision = decide(store, catalog, reminder, trainee, at(WEDNESDAY, 7))

    plan = plans.plan_for(store, catalog, trainee, WEDNESDAY)
    planned = plan.day(WEDNESDAY) if plan is not None else None
    assert planned is not None and planned.routine is not None
    message = sent(decision)
    assert planned.routine.name in message["title"]
    assert message["url"] == f"/play/{planned.routine.slug}?day=2026-03-04"
    assert [a["action"] for a in message["actions"]] == ["start", "snooze", "skip"]
    assert decision.claim.next_fire == at(WEDNESDAY + timedelta(days=1), 7)


def test_a_session_reminder_on_a_rest_day_stays_quiet(
    store: FakeTrainingStore, catalog: Catalog, reminder_rows: FakeReminderStore, trainee: User
) -> None:
    reminder = remind(reminder_rows, trainee)
    log_session(store, trainee, MONDAY, "hip-er-strength")  # Monday's, so nothing moves on
    reminder.next_fire_utc = at(TUESDAY, 7)

    decision = decide(store, catalog, reminder, trainee, at(TUESDAY, 7))

    assert (decision.quiet, decision.claim.payload) == ("rest day", None)
    assert decision.claim.next_fire == at(WEDNESDAY, 7)


def test_a_session_reminder_stays_quiet_once_the_days_session_is_done(
    store: FakeTrainingStore, catalog: Catalog, reminder_rows: FakeReminderStore, trainee: User
) -> None:
    reminder = remind(reminder_rows, trainee)
    reminder.next_fire_utc = at(WEDNESDAY, 7)
    log_session(store, trainee, WEDNESDAY, "desk-reset")  # any session counts

    decision = decide(store, catalog, reminder, trainee, at(WEDNESDAY, 7))

    assert decision.quiet == "already done today"


def test_paused_reminders_stay_quiet_through_the_last_paused_day(
    store: FakeTrainingStore, catalog: Catalog, reminder_rows: FakeReminderStore, trainee: User
) -> None:
    reminder = remind(reminder_rows, trainee, paused_until="2026-03-04")

    assert decide(store, catalog, reminder, trainee, at(MONDAY, 7)).quiet == "reminders are paused"
    reminder.next_fire_utc = at(WEDNESDAY, 7)
    assert decide(store, catalog, reminder, trainee, at(WEDNESDAY, 7)).quiet == (
        "reminders are paused"
    )
    reminder.next_fire_utc = at(WEDNESDAY + timedelta(days=2), 7)
    friday = decide(store, catalog, reminder, trainee, at(WEDNESDAY + timedelta(days=2), 7))
    assert sent(friday)["kind"] == "session"


def test_each_desk_break_suggests_a_short_desk_routine_and_the_next_break_another(
    store: FakeTrainingStore, catalog: Catalog, reminder_rows: FakeReminderStore, trainee: User
) -> None:
    reminder = remind(reminder_rows, trainee, desk=True)
    reminder.next_fire_utc = at(TUESDAY, 10)

    message = sent(decide(store, catalog, reminder, trainee, at(TUESDAY, 10)))

    assert message["title"].startswith("Desk break · ")
    assert message["url"].startswith("/play/desk-")
    reminder.next_fire_utc = at(TUESDAY, 11)
    later = sent(decide(store, catalog, reminder, trainee, at(TUESDAY, 11)))
    assert later["url"] != message["url"], "two breaks in a row suggest different routines"


def test_desk_breaks_stay_quiet_on_vacation(
    store: FakeTrainingStore, catalog: Catalog, reminder_rows: FakeReminderStore, trainee: User
) -> None:
    reminder = remind(reminder_rows, trainee, desk=True)
    assert plans.add_vacation(store, trainee, TUESDAY, WEDNESDAY) is None
    reminder.next_fire_utc = at(TUESDAY, 10)

    assert decide(store, catalog, reminder, trainee, at(TUESDAY, 10)).quiet == "on vacation"


def test_after_a_weekend_of_downtime_this_mornings_reminder_is_sent_late_once(
    store: FakeTrainingStore, catalog: Catalog, reminder_rows: FakeReminderStore, trainee: User
) -> None:
    reminder = remind(reminder_rows, trainee)
    friday = at(MONDAY - timedelta(days=3), 7)
    reminder.next_fire_utc = friday

    decision = decide(store, catalog, reminder, trainee, at(MONDAY, 8, 30))

    assert sent(decision)["url"].endswith("?day=2026-03-02")
    assert (decision.claim.due, decision.claim.moment) == (friday, at(MONDAY, 7))
    assert decision.claim.next_fire == at(TUESDAY, 7)


def test_a_reminder_missed_by_more_than_the_catch_up_window_is_too_late(
    store: FakeTrainingStore, catalog: Catalog, reminder_rows: FakeReminderStore, trainee: User
) -> None:
    reminder = remind(reminder_rows, trainee)
    reminder.next_fire_utc = at(WEDNESDAY, 7)

    decision = decide(store, catalog, reminder, trainee, at(WEDNESDAY, 9, 1))

    assert (decision.quiet, decision.claim.payload) == (TOO_LATE, None)
    assert decision.claim.next_fire == at(WEDNESDAY + timedelta(days=1), 7)


def test_skip_today_on_the_notification_skips_the_plan_day_and_quiets_the_reminder(
    store: FakeTrainingStore, catalog: Catalog, reminder_rows: FakeReminderStore, trainee: User
) -> None:
    reminder = remind(reminder_rows, trainee)
    reminder.next_fire_utc = at(WEDNESDAY, 7)
    token = sent(decide(store, catalog, reminder, trainee, at(WEDNESDAY, 7)))["token"]

    words = reminders.act(
        store, reminder_rows, catalog, SECRET, trainee, token, "skip", at(WEDNESDAY, 7, 5)
    )

    assert words == "No more reminders today."
    assert WEDNESDAY in plans.skipped_days(store, trainee.id or 0)
    reminder.next_fire_utc = at(WEDNESDAY, 8)
    assert decide(store, catalog, reminder, trainee, at(WEDNESDAY, 8)).quiet == "skipped today"


def test_snooze_on_the_notification_brings_the_reminder_back_in_fifteen_minutes(
    store: FakeTrainingStore, catalog: Catalog, reminder_rows: FakeReminderStore, trainee: User
) -> None:
    reminder = remind(reminder_rows, trainee)
    reminder.next_fire_utc = at(WEDNESDAY, 7)
    token = sent(decide(store, catalog, reminder, trainee, at(WEDNESDAY, 7)))["token"]
    reminder.next_fire_utc = at(WEDNESDAY + timedelta(days=1), 7)  # the sweep moved it on

    words = reminders.act(
        store, reminder_rows, catalog, SECRET, trainee, token, "snooze", at(WEDNESDAY, 7, 2)
    )

    assert words == "Snoozed for 15 minutes."
    assert reminder.next_fire_utc == at(WEDNESDAY, 7, 17)


def test_a_notification_token_signed_with_another_key_or_for_another_user_does_nothing(
    store: FakeTrainingStore, catalog: Catalog, reminder_rows: FakeReminderStore, trainee: User
) -> None:
    reminder = remind(reminder_rows, trainee)
    reminder.next_fire_utc = at(WEDNESDAY, 7)
    token = sent(decide(store, catalog, reminder, trainee, at(WEDNESDAY, 7)))["token"]
    stranger = store.add_user(time_zone="UTC")
    later = at(WEDNESDAY, 7, 5)

    assert (
        reminders.act(store, reminder_rows, catalog, "other", trainee, token, "skip", later) is None
    )
    assert (
        reminders.act(store, reminder_rows, catalog, SECRET, stranger, token, "skip", later) is None
    )
    assert reminder.quiet_on is None
