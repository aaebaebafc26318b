"""Reminders in the app beyond the settings page: the notification actions, account deletion
and the reminder commands, against real SQLite and the in-process mock push service."""

from __future__ import annotations

import base64
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from itsdangerous import URLSafeTimedSerializer
from sqlmodel import col, select

from tests.conftest import TEST_NOW, TEST_VAPID_KEY
from tests.integration.conftest import Visitor
from tests.integration.reminder_forms import (
    ACT,
    BASE64URL_KEY,
    IPHONE_SAFARI,
    PAGE,
    answers,
    count_rows,
    local_today,
    save,
    subscribe,
    token_of,
    user_id_of,
    user_of,
)
from tests.push.service import MockPushService
from webapp import extensions
from webapp.push.sender import load_vapid
from webapp.scheduler import process as scheduler
from webapp.services import reminders
from webapp.store.models import PushSubscription, Reminder, ReminderDelivery, User
from webapp.store.reminders import ReminderStore
from webapp.store.training import TrainingStore

# Notification actions


def _reminder_with_token(
    app: Flask, store: TrainingStore, rows: ReminderStore, visitor: Visitor
) -> tuple[Reminder, str, date]:
    """The visitor's session reminder, due about 23 hours from now, and a Snooze/Skip token."""
    at = (TEST_NOW - timedelta(hours=1)).strftime("%H:%M")
    form = answers(session_at=at, session_follow="plan")
    assert save(visitor, form, token_of(visitor)).status_code == 303
    user = user_of(store, visitor)
    reminder = rows.reminders(user.id or 0)["session"]
    assert reminder.next_fire_utc is not None
    assert reminder.next_fire_utc > TEST_NOW + timedelta(hours=22)
    day = local_today()
    with app.app_context():
        token = reminders.action_token(extensions.links(), user, reminder, day)
    return reminder, token, day


def _state(rows: ReminderStore, reminder: Reminder) -> tuple[datetime | None, date | None]:
    now = rows.reminder_by_id(reminder.id or 0)
    assert now is not None
    return now.next_fire_utc, now.quiet_on


def test_snooze_brings_the_reminder_back_in_15_minutes_without_a_csrf_token(
    app: Flask, visitor: Visitor, store: TrainingStore, reminder_rows: ReminderStore
) -> None:
    reminder, token, _ = _reminder_with_token(app, store, reminder_rows, visitor)
    response = visitor.client.post(ACT, json={"token": token, "action": "snooze"})
    assert response.status_code == 200
    assert response.get_json() == {"message": "Snoozed for 15 minutes."}
    next_fire, quiet_on = _state(reminder_rows, reminder)
    assert next_fire is not None and quiet_on is None
    assert next_fire == TEST_NOW + timedelta(minutes=15)


def test_skip_today_keeps_the_reminder_quiet_that_day(
    app: Flask, visitor: Visitor, store: TrainingStore, reminder_rows: ReminderStore
) -> None:
    reminder, token, day = _reminder_with_token(app, store, reminder_rows, visitor)
    response = visitor.client.post(ACT, json={"token": token, "action": "skip"})
    assert response.status_code == 200
    assert response.get_json() == {"message": "No more reminders today."}
    assert _state(reminder_rows, reminder) == (reminder.next_fire_utc, day)


def test_another_account_cannot_use_a_reminders_token(
    app: Flask,
    visitor: Visitor,
    other_visitor: Visitor,
    store: TrainingStore,
    reminder_rows: ReminderStore,
) -> None:
    reminder, token, _ = _reminder_with_token(app, store, reminder_rows, visitor)
    other_visitor.get("/")
    for action in ("snooze", "skip"):
        response = other_visitor.client.post(ACT, json={"token": token, "action": action})
        assert response.status_code == 404
        assert response.get_json() == {"error": "That reminder isn't yours or has expired."}
    assert _state(reminder_rows, reminder) == (reminder.next_fire_utc, None)


def test_a_forged_or_garbled_token_does_nothing(
    app: Flask, visitor: Visitor, store: TrainingStore, reminder_rows: ReminderStore
) -> None:
    reminder, token, day = _reminder_with_token(app, store, reminder_rows, visitor)
    user = user_of(store, visitor)
    forged = URLSafeTimedSerializer("not-the-secret", salt=reminders.TOKEN_SALT).dumps(
        {"u": user.public_id, "r": reminder.id, "d": day.isoformat()}
    )
    for bad in (forged, token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"), "x"):
        response = visitor.client.post(ACT, json={"token": bad, "action": "skip"})
        assert response.status_code == 404
    assert _state(reminder_rows, reminder) == (reminder.next_fire_utc, None)


@pytest.mark.parametrize(
    "body",
    [
        {"token": "TOKEN", "action": "delete"},
        {"token": "TOKEN", "action": "start"},
        {"token": "TOKEN"},
        {"action": "skip"},
        {"token": ["TOKEN"], "action": "skip"},
        ["TOKEN", "skip"],
    ],
    ids=["delete", "start", "no-action", "no-token", "token-not-text", "a-list"],
)
def test_an_unknown_action_is_refused(
    body: Any, app: Flask, visitor: Visitor, store: TrainingStore, reminder_rows: ReminderStore
) -> None:
    reminder, token, _ = _reminder_with_token(app, store, reminder_rows, visitor)
    body = json.loads(json.dumps(body).replace("TOKEN", token))
    response = visitor.client.post(ACT, json=body)
    assert response.status_code == 400
    assert response.get_json() == {"error": "Say which reminder and snooze or skip."}
    assert _state(reminder_rows, reminder) == (reminder.next_fire_utc, None)


def test_an_action_without_a_cookie_does_nothing_and_makes_no_account(
    app: Flask, visitor: Visitor, store: TrainingStore, reminder_rows: ReminderStore
) -> None:
    reminder, token, _ = _reminder_with_token(app, store, reminder_rows, visitor)
    users = count_rows(store, User)
    stranger = app.test_client()
    response = stranger.post(ACT, json={"token": token, "action": "snooze"})
    assert response.status_code == 404
    assert "Set-Cookie" not in response.headers
    assert count_rows(store, User) == users
    assert _state(reminder_rows, reminder) == (reminder.next_fire_utc, None)


# Deleting the account


def test_deleting_the_account_removes_its_reminders_deliveries_and_devices(
    app: Flask,
    visitor: Visitor,
    other_visitor: Visitor,
    store: TrainingStore,
    reminder_rows: ReminderStore,
    push_service: MockPushService,
) -> None:
    def rows_of(user_id: int) -> tuple[int, int, int]:
        theirs = select(col(Reminder.id)).where(Reminder.user_id == user_id)
        return (
            count_rows(store, Reminder, Reminder.user_id == user_id),
            count_rows(store, ReminderDelivery, col(ReminderDelivery.reminder_id).in_(theirs)),
            count_rows(store, PushSubscription, PushSubscription.user_id == user_id),
        )

    for person in (visitor, other_visitor):
        token = token_of(person)
        assert save(person, answers(), token).status_code == 303
        subscribe(person, push_service.subscribe(), token=token)
        subscribe(person, push_service.subscribe(), token=token, user_agent=IPHONE_SAFARI)
        session = reminder_rows.reminders(user_id_of(person))["session"]
        reminder_rows.set_next_fire(session.id or 0, TEST_NOW - timedelta(minutes=1))
    with app.app_context():
        report = scheduler.sweep()
    assert report.sent == 2 and len(push_service.received) == 4
    mine, theirs = user_id_of(visitor), user_id_of(other_visitor)
    assert rows_of(mine) == rows_of(theirs) == (2, 1, 2)

    form = {"csrf_token": token_of(visitor), "confirm": "yes"}
    response = visitor.client.post("/settings/delete", data=form)
    assert response.status_code == 303 and response.headers["Location"] == "/goodbye"
    assert rows_of(mine) == (0, 0, 0)
    assert rows_of(theirs) == (2, 1, 2)
    assert store.user(mine) is None


# Commands


def test_vapid_show_prints_the_public_key_pages_carry(app: Flask, visitor: Visitor) -> None:
    result = app.test_cli_runner().invoke(args=["vapid", "show"])
    assert result.exit_code == 0, result.output
    key = result.output.strip()
    assert key == app.extensions["hipday"].vapid_public
    assert f'data-push-key="{key}"' in visitor.get(PAGE).get_data(as_text=True)


def test_vapid_new_prints_a_fresh_private_key_and_changes_nothing(
    app: Flask, tmp_path: Path
) -> None:
    runner = app.test_cli_runner()
    key_file = Path(app.instance_path) / "vapid_private.pem"
    existed = key_file.exists()
    public = app.extensions["hipday"].vapid_public
    first = runner.invoke(args=["vapid", "new"])
    second = runner.invoke(args=["vapid", "new"])
    assert first.exit_code == second.exit_code == 0
    key = first.output.strip()
    assert BASE64URL_KEY.fullmatch(key), key
    assert len(base64.urlsafe_b64decode(key + "=")) == 32
    assert key not in (second.output.strip(), TEST_VAPID_KEY)
    assert load_vapid(tmp_path, key).private_key is not None, "the key can be used as printed"
    assert app.extensions["hipday"].vapid_public == public
    assert runner.invoke(args=["vapid", "show"]).output.strip() == public
    assert key_file.exists() == existed
    assert not (tmp_path / "vapid_private.pem").exists()


def test_scheduler_once_sends_the_due_reminders_and_exits(
    app: Flask,
    visitor: Visitor,
    store: TrainingStore,
    reminder_rows: ReminderStore,
    push_service: MockPushService,
) -> None:
    token = token_of(visitor)
    assert save(visitor, answers(session_follow="plan"), token).status_code == 303
    phone = push_service.subscribe()
    subscribe(visitor, phone, token=token)
    session = reminder_rows.reminders(user_id_of(visitor))["session"]
    due = TEST_NOW.replace(microsecond=0) - timedelta(minutes=1)
    reminder_rows.set_next_fire(session.id or 0, due)

    result = app.test_cli_runner().invoke(args=["scheduler", "--once"])
    assert result.exit_code == 0, result.output
    assert result.exception is None
    (message,) = push_service.messages(phone["endpoint"])
    assert message["title"] == "Time for your hips" and message["kind"] == "session"
    assert [a["action"] for a in message["actions"]] == ["start", "snooze", "skip"]
    (delivery,) = reminder_rows.deliveries(session.id or 0)
    assert (delivery.status, delivery.due_utc) == ("sent", due)
    moved = reminder_rows.reminder_by_id(session.id or 0)
    assert moved is not None and moved.next_fire_utc is not None
    assert moved.next_fire_utc > TEST_NOW

    again = app.test_cli_runner().invoke(args=["scheduler", "--once"])
    assert again.exit_code == 0
    assert len(push_service.messages(phone["endpoint"])) == 1, "a reminder is sent once"
