"""Settings → Reminders in the app: the page, saving the form, and its CSRF checks, against
real SQLite. Devices and the test button are in test_reminder_page_devices.py, the
notification actions, account deletion and the commands in test_reminder_actions.py."""

from __future__ import annotations

import re
from datetime import time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from tests.conftest import TEST_NOW
from tests.integration.conftest import Visitor
from tests.integration.reminder_forms import (
    HTMX,
    PAGE,
    REMOVE,
    TEST,
    all_subscriptions,
    answers,
    device_ids,
    local_today,
    read_form,
    save,
    saved_settings,
    subscribe,
    text,
    token_of,
    user_id_of,
    user_of,
)
from tests.push.service import MockPushService
from webapp.store.reminders import ReminderStore
from webapp.store.training import TrainingStore

# The page


def test_the_reminders_page_shows_this_phone_the_form_the_devices_and_the_test_button(
    visitor: Visitor, app: Flask
) -> None:
    response = visitor.get(PAGE)
    page = text(response)
    assert response.status_code == 200
    assert '<section id="this-phone"' in page and "Turn on reminders on this phone" in page
    assert '<form id="reminders-form"' in page and 'action="/settings/reminders"' in page
    assert "Save reminders" in page
    assert "Your devices" in page and "No device gets reminders yet." in page
    assert "Send a test notification" in page and 'action="/settings/reminders/test"' in page
    assert "Times follow your time zone, UTC." in page
    body = re.search(r"<body [^>]*>", page)
    assert body is not None
    assert f'data-push-key="{app.extensions["hipday"].vapid_public}"' in body.group(0)
    assert 'data-push-url="/settings/reminders/devices"' in body.group(0)


def test_the_settings_page_links_to_the_reminders_page(visitor: Visitor) -> None:
    page = text(visitor.get("/settings"))
    assert '<a class="button secondary" href="/settings/reminders">Set up reminders</a>' in page
    assert visitor.get(PAGE).status_code == 200


def test_every_field_of_the_reminders_form_has_a_label(visitor: Visitor) -> None:
    form = read_form(visitor.get(PAGE))
    visible = [f for f in form.fields if f.kind not in ("hidden", "submit")]
    assert {f.name for f in visible} >= {"session_at", "desk_every", "desk_from", "desk_until"}
    for typed in (f for f in visible if f.kind not in ("checkbox", "radio")):
        assert typed.id and typed.id in form.label_for, f"{typed.name} has a <label for=…>"
    for ticked in (f for f in visible if f.kind in ("checkbox", "radio")):
        assert ticked.inside_label, f"{ticked.name} sits inside its <label>"
    assert all(target in form.ids for target in form.label_for), "every label points at a field"


def test_the_form_as_a_first_visitor_sees_it_saves(
    visitor: Visitor, reminder_rows: ReminderStore
) -> None:
    form = read_form(visitor.get(PAGE)).submitted()
    assert form["session_at"] == "07:00" and form["desk_every"] == "60"
    response = save(visitor, form, token_of(visitor))
    assert response.status_code == 303
    saved = reminder_rows.reminders(user_id_of(visitor))
    assert (saved["session"].enabled, saved["desk"].enabled) == (False, False)
    assert saved["session"].next_fire_utc is None


# Saving


def test_valid_answers_are_saved_and_the_next_reminder_shown(
    visitor: Visitor, store: TrainingStore, reminder_rows: ReminderStore
) -> None:
    pause = local_today() + timedelta(days=10)
    response = save(visitor, answers(paused_until=pause.isoformat()), token_of(visitor))
    assert response.status_code == 303
    assert response.headers["Location"] == "/settings/reminders?saved=1"
    shown = visitor.get(response.headers["Location"])
    page = text(shown)
    assert "Reminders saved." in page
    assert page.count("Next: ") == 2
    user_id = user_id_of(visitor)
    saved = reminder_rows.reminders(user_id)
    session, desk = saved["session"], saved["desk"]
    assert (session.enabled, session.weekdays, session.at) == (True, "0,2,4", time(7, 30))
    assert (desk.enabled, desk.weekdays, desk.every) == (True, "0,1,2,3,4", 90)
    assert (desk.at, desk.until) == (time(9), time(17))
    assert session.next_fire_utc is not None and desk.next_fire_utc is not None
    assert session.next_fire_utc > TEST_NOW
    user = store.user(user_id)
    assert user is not None and user.reminders_paused_until == pause
    form = read_form(shown).submitted()
    assert form["session_at"] == "07:30" and form["session_days"] == ["mon", "wed", "fri"]
    assert form["desk_every"] == "90" and form["paused_until"] == pause.isoformat()


def test_the_next_reminder_is_shown_in_the_users_time_zone(visitor: Visitor) -> None:
    token = token_of(visitor)
    zone_form = {"csrf_token": token, "time_zone": "Asia/Kolkata", "follow_phone": ""}
    assert visitor.client.post("/settings/time-zone", data=zone_form).status_code == 303
    # Six hours from now on the Kolkata clock (UTC+5:30): the next fire, today or tomorrow.
    due = (TEST_NOW.astimezone(ZoneInfo("Asia/Kolkata")) + timedelta(hours=6)).replace(
        second=0, microsecond=0
    )
    form = answers(session_at=f"{due:%H:%M}", session_follow="plan", desk_on="")
    response = save(visitor, form, token)
    assert response.status_code == 303
    page = text(visitor.get(response.headers["Location"]))
    assert "Times follow your time zone, Asia/Kolkata." in page
    shown = re.search(r"Next: (\w+ \d+ \w+, \d+:\d\d), unless your plan says rest\.", page)
    assert shown, "the session reminder's next fire is shown"
    day = f"{due:%A} {due.day} {due:%B}"
    assert re.fullmatch(rf"{day}, 0?{due.hour}:{due.minute:02d}", shown.group(1)), shown.group(1)
    assert page.count("Next: ") == 1, "desk breaks are off, so only the session one is shown"


def test_changing_the_time_zone_moves_the_next_reminder(
    visitor: Visitor, reminder_rows: ReminderStore
) -> None:
    token = token_of(visitor)
    form = answers(session_at="07:00", session_follow="plan", desk_on="")
    assert save(visitor, form, token).status_code == 303
    zone = ZoneInfo("Asia/Kolkata")
    zone_form = {"csrf_token": token, "time_zone": "Asia/Kolkata", "follow_phone": ""}
    assert visitor.client.post("/settings/time-zone", data=zone_form).status_code == 303
    stored = reminder_rows.reminders(user_id_of(visitor))["session"].next_fire_utc
    assert stored is not None
    local = stored.astimezone(zone)
    assert (local.hour, local.minute) == (7, 0), "07:00 on the new zone's clock"
    assert timedelta(0) < stored - TEST_NOW <= timedelta(days=1)
    page = text(visitor.get(PAGE))
    assert re.search(rf"Next: {local:%A} {local.day} {local:%B}, 0?7:00, unless", page)


@pytest.mark.parametrize("days_ahead", [0, 366], ids=["today", "a-year-ahead"])
def test_a_pause_may_end_today_or_up_to_a_year_ahead(
    days_ahead: int, visitor: Visitor, store: TrainingStore
) -> None:
    until = local_today() + timedelta(days=days_ahead)
    response = save(visitor, answers(paused_until=until.isoformat()), token_of(visitor))
    assert response.status_code == 303
    assert user_of(store, visitor).reminders_paused_until == until
    assert f'name="paused_until" type="date" value="{until.isoformat()}"' in text(visitor.get(PAGE))


def _dated(value: str) -> str:
    """`value` with PAST (two days ago) and FAR (400 days ahead) written as dates."""
    past, far = local_today() - timedelta(days=2), local_today() + timedelta(days=400)
    return value.replace("PAST", past.isoformat()).replace("FAR", far.isoformat())


INVALID: list[tuple[str, dict[str, str | list[str]], str, list[str]]] = [
    (
        "time-25",
        {"session_at": "25:00"},
        "Give the time as hours and minutes, like 07:00.",
        ['name="session_at" type="time" value="25:00"'],
    ),
    (
        "time-7",
        {"session_at": "7"},
        "Give the time as hours and minutes, like 07:00.",
        ['name="session_at" type="time" value="7"'],
    ),
    (
        "every-10",
        {"desk_every": "10"},
        "A desk break comes every 30 to 180 minutes.",
        ['<option value="10" selected>10</option>'],
    ),
    (
        "every-500",
        {"desk_every": "500"},
        "A desk break comes every 30 to 180 minutes.",
        ['<option value="500" selected>500</option>'],
    ),
    (
        "every-abc",
        {"desk_every": "abc"},
        "A desk break comes every 30 to 180 minutes.",
        ['<option value="abc" selected>abc</option>'],
    ),
    (
        "day-ends-before-it-starts",
        {"desk_from": "17:00", "desk_until": "09:00"},
        "Your working day must end after it starts.",
        [
            'name="desk_from" type="time" value="17:00"',
            'name="desk_until" type="time" value="09:00"',
        ],
    ),
    (
        "shorter-than-an-interval",
        {"desk_from": "09:00", "desk_until": "09:45", "desk_every": "60"},
        "Your working hours are shorter than one interval between breaks.",
        ['name="desk_until" type="time" value="09:45"', '<option value="60" selected>'],
    ),
    (
        "no-desk-days",
        {"desk_days": []},
        "Choose at least one day for desk breaks.",
        ['name="desk_on" value="on" checked'],
    ),
    (
        "no-session-days",
        {"session_days": []},
        "Choose at least one day, or follow your plan's session days.",
        ['name="session_follow" value="days" checked'],
    ),
    (
        "pause-in-the-past",
        {"paused_until": "PAST"},
        "That date has passed; pick today or a later day.",
        ['name="paused_until" type="date" value="PAST"'],
    ),
    (
        "pause-tomorrow-in-words",
        {"paused_until": "tomorrow"},
        "Give the date as year, month and day, like 2026-12-24.",
        ['name="paused_until" type="date" value="tomorrow"'],
    ),
    (
        "pause-over-a-year",
        {"paused_until": "FAR"},
        "Pause for a year at most.",
        ['name="paused_until" type="date" value="FAR"'],
    ),
    (
        "weekday-xyz",
        {"session_days": ["tue", "xyz"]},
        "Days must be weekdays, Monday to Sunday.",
        ['name="session_days" value="tue" checked'],
    ),
]


@pytest.mark.parametrize(
    ("changes", "message", "kept"),
    [pytest.param(changes, message, kept, id=name) for name, changes, message, kept in INVALID],
)
def test_a_wrong_answer_is_explained_the_form_kept_and_nothing_saved(
    visitor: Visitor,
    store: TrainingStore,
    reminder_rows: ReminderStore,
    changes: dict[str, str | list[str]],
    message: str,
    kept: list[str],
) -> None:
    changes = {k: _dated(v) if isinstance(v, str) else v for k, v in changes.items()}
    kept = [_dated(k) for k in kept]
    token = token_of(visitor)
    earlier = answers(
        session_at="06:45",
        session_follow="plan",
        desk_every="45",
        desk_from="08:00",
        desk_until="16:00",
        desk_days=["mon", "tue", "wed", "thu"],
        paused_until=(local_today() + timedelta(days=3)).isoformat(),
    )
    assert save(visitor, earlier, token).status_code == 303
    user_id = user_id_of(visitor)
    before = saved_settings(store, reminder_rows, user_id)

    response = save(visitor, answers(**changes), token)
    page = text(response)
    assert response.status_code == 422
    assert "Please check" in page
    assert page.count(message) == 2, "the message shows in the summary and by its question"
    for typed in kept:
        assert typed in page, f"the form keeps {typed!r} as typed"
    assert (
        'name="session_at" type="time" value="{}"'.format(changes.get("session_at", "07:30"))
        in page
    ), "the other answers stay as typed, not as saved"
    assert "Reminders saved." not in page
    assert saved_settings(store, reminder_rows, user_id) == before


def test_a_pause_that_has_ended_does_not_block_saving_the_form(
    visitor: Visitor, store: TrainingStore, reminder_rows: ReminderStore
) -> None:
    token = token_of(visitor)
    pause = (local_today() + timedelta(days=3)).isoformat()
    assert save(visitor, answers(paused_until=pause), token).status_code == 303
    user_id = user_id_of(visitor)
    ended = local_today() - timedelta(days=2)
    reminder_rows.set_pause(user_id, ended)  # the pause saved earlier is over now
    form = read_form(visitor.get(PAGE)).submitted()
    response = save(visitor, {**form, "session_at": "08:15"}, token)
    assert "That date has passed" not in text(response)
    assert response.status_code == 303
    assert reminder_rows.reminders(user_id)["session"].at == time(8, 15)


# CSRF


def _without_token(
    name: str, visitor: Visitor, subscription: dict[str, Any], device: str
) -> TestResponse:
    client = visitor.client
    if name == "save":
        return save(visitor, answers(session_at="05:00"), token=None)
    if name == "subscribe":
        return subscribe(visitor, subscription, token=None)
    if name == "remove-json":
        return client.post(REMOVE, json={"endpoint": subscription["endpoint"]})
    if name == "remove-form":
        return client.post(REMOVE, data={"device": device})
    return client.post(TEST, headers=HTMX)


@pytest.mark.parametrize(
    "name", ["save", "subscribe", "remove-json", "remove-form", "test-notification"]
)
def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing(
    name: str,
    visitor: Visitor,
    store: TrainingStore,
    reminder_rows: ReminderStore,
    push_service: MockPushService,
) -> None:
    token = token_of(visitor)
    assert save(visitor, answers(), token).status_code == 303
    mine = push_service.subscribe()
    assert subscribe(visitor, mine, token=token).status_code == 201
    user_id = user_id_of(visitor)
    settings, devices = saved_settings(store, reminder_rows, user_id), all_subscriptions(store)
    device = device_ids(visitor.get(PAGE).get_data(as_text=True))[0]
    another = push_service.subscribe()
    subscription = another if name == "subscribe" else mine

    response = _without_token(name, visitor, subscription, device)
    assert response.status_code == 400
    assert "This form has expired" in text(response)
    assert saved_settings(store, reminder_rows, user_id) == settings
    assert all_subscriptions(store) == devices
    assert push_service.received == [], "no test notification went out"
