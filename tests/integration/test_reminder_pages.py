"""Settings → Reminders in the app: the form, this user's devices, the test button, the
notification actions, account deletion and the reminder commands, against real SQLite and the
in-process mock push service."""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from itsdangerous import URLSafeTimedSerializer
from sqlmodel import Session, col, func, select
from werkzeug.test import TestResponse

from tests.conftest import TEST_NOW, TEST_TODAY, TEST_VAPID_KEY, make_app
from tests.integration.conftest import TOKEN, Visitor
from tests.push.service import MockPushService, Receiver
from webapp import extensions
from webapp.push.sender import load_vapid
from webapp.scheduler import process as scheduler
from webapp.services import reminders
from webapp.store.models import PushSubscription, Reminder, ReminderDelivery, User
from webapp.store.reminders import ReminderStore
from webapp.store.training import TrainingStore

PAGE = "/settings/reminders"
DEVICES = "/settings/reminders/devices"
REMOVE = "/settings/reminders/devices/remove"
TEST = "/settings/reminders/test"
ACT = "/reminders/act"
HTMX = {"HX-Request": "true"}
ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BASE64URL_KEY = re.compile(r"[A-Za-z0-9_-]{43}")


# Fixtures


@pytest.fixture(autouse=True)
def _close_sender(app: Flask) -> Iterator[None]:
    """The app keeps one push sender with keep-alive connections; close it after each test."""
    yield
    with app.app_context():
        extensions.sender().close()


@pytest.fixture
def push_service(app: Flask) -> Iterator[MockPushService]:
    """A mock push service that only accepts pushes signed with the app's VAPID key."""
    with MockPushService(vapid_public_key=app.extensions["hipday"].vapid_public) as service:
        yield service
        with app.app_context():
            extensions.sender().close()  # before the service hangs up on its connections


@pytest.fixture
def reminder_rows(app: Flask) -> ReminderStore:
    rows: ReminderStore = app.extensions["hipday"].reminders
    return rows


# Helpers


def text(response: TestResponse) -> str:
    return html.unescape(response.get_data(as_text=True))


def token_of(visitor: Visitor) -> str:
    """The CSRF token from the reminders page (its forms and <body hx-headers> carry it)."""
    found = TOKEN.search(visitor.get(PAGE).get_data(as_text=True))
    assert found, "the reminders page carries a CSRF token"
    return found.group(1)


def user_id_of(visitor: Visitor) -> int:
    """The visitor's account id (opening the page first makes the guest account)."""
    visitor.get(PAGE)
    with visitor.client.session_transaction() as session:
        user_id: int = session["user_id"]
    return user_id


def user_of(store: TrainingStore, visitor: Visitor) -> User:
    user = store.user(user_id_of(visitor))
    assert user is not None
    return user


def local_today() -> date:
    """A guest's local date on the pinned day: guests start in UTC."""
    return TEST_TODAY


def answers(**changes: str | list[str]) -> dict[str, str | list[str]]:
    """A valid reminders form: a session reminder on Mon, Wed, Fri and desk breaks on weekdays."""
    form: dict[str, str | list[str]] = {
        "session_on": "on",
        "session_at": "07:30",
        "session_follow": "days",
        "session_days": ["mon", "wed", "fri"],
        "desk_on": "on",
        "desk_every": "90",
        "desk_from": "09:00",
        "desk_until": "17:00",
        "desk_days": ["mon", "tue", "wed", "thu", "fri"],
        "paused_until": "",
    }
    form.update(changes)
    return form


def save(visitor: Visitor, form: dict[str, str | list[str]], token: str | None) -> TestResponse:
    data = dict(form) if token is None else {"csrf_token": token, **form}
    return visitor.client.post(PAGE, data=data)


def saved_settings(store: TrainingStore, rows: ReminderStore, user_id: int) -> dict[str, Any]:
    """Everything the form saves for the user, as stored."""
    user = store.user(user_id)
    assert user is not None
    return {
        kind: (r.enabled, r.weekdays, r.at, r.until, r.every, r.next_fire_utc, r.quiet_on)
        for kind, r in rows.reminders(user_id).items()
    } | {"paused_until": user.reminders_paused_until}


def subscribe(
    visitor: Visitor,
    subscription: dict[str, Any],
    *,
    token: str | None,
    user_agent: str = ANDROID_CHROME,
    key: str | None = None,
) -> TestResponse:
    """What static/js/push.js posts once the browser has subscribed."""
    headers = {"User-Agent": user_agent}
    if token is not None:
        headers["X-CSRFToken"] = token
    body = subscription if key is None else {**subscription, "key": key}
    return visitor.client.post(DEVICES, json=body, headers=headers)


def all_subscriptions(store: TrainingStore) -> list[tuple[str, int]]:
    """(endpoint, user id) of every stored subscription, whoever's."""
    with Session(store.engine) as session:
        rows = session.exec(select(PushSubscription).order_by(col(PushSubscription.id))).all()
        return [(row.endpoint, row.user_id) for row in rows]


def device_ids(page: str) -> list[str]:
    """The public ids the devices list's Remove forms send."""
    return re.findall(r'name="device" value="([^"]+)"', page)


def count_rows(store: TrainingStore, table: Any, *where: Any) -> int:
    with Session(store.engine) as session:
        count: int = session.exec(select(func.count()).select_from(table).where(*where)).one()
        return count


def htmx_swaps(page: str, status: int) -> bool:
    """Whether htmx, configured by the page's <meta name="htmx-config">, swaps in a response
    with `status` (htmx 2: the first responseHandling entry whose code pattern matches wins)."""
    found = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", page)
    assert found, "the page configures htmx"
    for rule in json.loads(found.group(1))["responseHandling"]:
        if re.search(rule["code"], str(status)):
            return bool(rule["swap"])
    return False


@dataclass(frozen=True)
class FormField:
    tag: str
    kind: str  # the input's type, or "select" / "textarea"
    name: str
    id: str
    inside_label: bool


class FormReader(HTMLParser):
    """One form of a page: what a browser would submit, and how each field is labelled."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.fields: list[FormField] = []
        self.label_for: list[str] = []
        self.ids: list[str] = []
        self.values: list[tuple[str, str]] = []
        self._in_form = False
        self._label_depth = 0
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        present = {name for name, _ in attrs}
        if "id" in found:
            self.ids.append(found["id"])
        if tag == "form" and found.get("id") == self.form_id:
            self._in_form = True
        if not self._in_form:
            return
        if tag == "label":
            self._label_depth += 1
            if "for" in found:
                self.label_for.append(found["for"])
        elif tag in ("input", "select", "textarea"):
            kind = found.get("type", "text") if tag == "input" else tag
            name = found.get("name", "")
            inside = self._label_depth > 0
            self.fields.append(FormField(tag, kind, name, found.get("id", ""), inside))
            if tag == "select":
                self._select, self._options = name, []
            elif kind in ("checkbox", "radio"):
                if "checked" in present:
                    self.values.append((name, found.get("value", "on")))
            elif tag == "input":
                self.values.append((name, found.get("value", "")))
        elif tag == "option" and self._select is not None:
            self._options.append((found.get("value", ""), "selected" in present))

    def handle_endtag(self, tag: str) -> None:
        if not self._in_form:
            return
        if tag == "form":
            self._in_form = False
        elif tag == "label":
            self._label_depth -= 1
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._options if selected]
            self.values.append((self._select, chosen[-1] if chosen else self._options[0][0]))
            self._select = None

    def submitted(self) -> dict[str, str | list[str]]:
        """The form data as the browser sends it when Save is tapped."""
        data: dict[str, str | list[str]] = {"session_days": [], "desk_days": []}
        for name, value in self.values:
            days = data.get(name)
            if isinstance(days, list):
                days.append(value)
            else:
                data[name] = value
        return data


def read_form(response: TestResponse, form_id: str = "reminders-form") -> FormReader:
    reader = FormReader(form_id)
    reader.feed(response.get_data(as_text=True))
    reader.close()
    assert reader.fields, f"the page has a #{form_id} form"
    return reader


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


# Devices


def test_a_subscription_is_stored_labelled_from_the_browser_and_listed(
    visitor: Visitor, app: Flask, store: TrainingStore, push_service: MockPushService
) -> None:
    token = token_of(visitor)
    phone = push_service.subscribe()
    key = app.extensions["hipday"].vapid_public
    response = subscribe(visitor, phone, token=token, key=key)
    assert response.status_code == 201
    public_id = response.get_json()["id"]
    assert isinstance(public_id, str) and public_id
    page = text(visitor.get(PAGE))
    assert f"Chrome on Android, since {TEST_NOW:%d %B %Y}".replace(" 0", " ") in page
    assert "No device gets reminders yet." not in page
    assert "needs turning on again" not in page
    assert device_ids(page) == [public_id]
    assert all_subscriptions(store) == [(phone["endpoint"], user_id_of(visitor))]


def test_the_same_endpoint_posted_again_updates_it_rather_than_adding_another(
    visitor: Visitor, store: TrainingStore, push_service: MockPushService
) -> None:
    token = token_of(visitor)
    phone = push_service.subscribe()
    first = subscribe(visitor, phone, token=token, user_agent=IPHONE_SAFARI)
    again = subscribe(visitor, phone, token=token, user_agent=ANDROID_CHROME)
    assert first.status_code == again.status_code == 201
    assert first.get_json()["id"] == again.get_json()["id"]
    assert len(all_subscriptions(store)) == 1
    page = text(visitor.get(PAGE))
    assert "Chrome on Android" in page and "Safari on iPhone" not in page


def test_the_devices_list_alone_comes_back_for_htmx(
    visitor: Visitor, push_service: MockPushService
) -> None:
    assert subscribe(visitor, push_service.subscribe(), token=token_of(visitor)).status_code == 201
    response = visitor.get(DEVICES, headers=HTMX)
    fragment = text(response)
    assert response.status_code == 200
    assert fragment.lstrip().startswith('<div id="devices-list"') and "<html" not in fragment
    assert "Chrome on Android" in fragment


def test_the_devices_address_opened_directly_shows_a_page(app: Flask, visitor: Visitor) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as in production: an error page
    response = visitor.get(DEVICES)
    assert response.status_code in (200, 303), f"{response.status_code}: a page, not an error"
    assert "Something went wrong" not in text(response)


def _broken(subscription: dict[str, Any], case: str) -> Any:
    keys = subscription["keys"]
    return {
        "empty": {},
        "no-endpoint": {"keys": keys},
        "ftp-endpoint": {**subscription, "endpoint": "ftp://push.example.com/x"},
        "no-keys": {"endpoint": subscription["endpoint"]},
        "no-auth": {**subscription, "keys": {"p256dh": keys["p256dh"]}},
        "bad-p256dh": {**subscription, "keys": {**keys, "p256dh": "bm90IGEga2V5"}},
        "short-auth": {**subscription, "keys": {**keys, "auth": "c2hvcnQ"}},
        "a-list": [subscription],
    }[case]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("empty", "The subscription has no usable address."),
        ("no-endpoint", "The subscription has no usable address."),
        ("ftp-endpoint", "The subscription's address must be an http(s) address."),
        ("no-keys", "The subscription has no keys."),
        ("no-auth", "The subscription's keys are missing."),
        ("bad-p256dh", "The subscription's keys are not valid."),
        ("short-auth", "The subscription's keys are not valid."),
        ("a-list", "The browser sent no subscription."),
    ],
)
def test_a_broken_subscription_is_refused_in_words(
    case: str, message: str, visitor: Visitor, store: TrainingStore, push_service: MockPushService
) -> None:
    body = _broken(push_service.subscribe(), case)
    response = visitor.client.post(DEVICES, json=body, headers={"X-CSRFToken": token_of(visitor)})
    assert response.status_code == 400
    assert response.get_json() == {"error": message}
    assert all_subscriptions(store) == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [("{not json", "application/json"), ("endpoint=http://127.0.0.1/x", None)],
    ids=["garbled-json", "a-form-not-json"],
)
def test_a_body_that_is_not_json_is_refused(
    body: str, content_type: str | None, visitor: Visitor, store: TrainingStore
) -> None:
    headers = {"X-CSRFToken": token_of(visitor)}
    if content_type is None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    else:
        headers["Content-Type"] = content_type
    response = visitor.client.post(DEVICES, data=body, headers=headers)
    assert response.status_code == 400
    assert response.get_json() == {"error": "The browser sent no subscription."}
    assert all_subscriptions(store) == []


def test_a_subscription_made_under_another_server_key_is_refused_with_a_409(
    visitor: Visitor, store: TrainingStore, push_service: MockPushService
) -> None:
    other_key = base64.urlsafe_b64encode(b"\x04" + b"\x01" * 64).rstrip(b"=").decode()
    response = subscribe(visitor, push_service.subscribe(), token=token_of(visitor), key=other_key)
    assert response.status_code == 409
    assert response.get_json() == {
        "error": "This page is out of date: reload it and turn reminders on again."
    }
    assert all_subscriptions(store) == []


@pytest.fixture
def secure_app(tmp_path: Path) -> Iterator[Flask]:
    """An app as deployed: subscriptions must point at a real push service over https."""
    folder = tmp_path / "secure"
    folder.mkdir()
    application = make_app(folder, PUSH_INSECURE_ENDPOINTS=False)
    yield application
    application.extensions["hipday"].store.engine.dispose()


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://fcm.googleapis.com/fcm/send/abc",
        "https://127.0.0.1/push/abc",
        "https://[::1]/push/abc",
        "https://10.0.0.7/push/abc",
        "https://localhost/push/abc",
        "https://push.printer.local/abc",
    ],
    ids=["http", "ipv4-literal", "ipv6-literal", "private-ip", "localhost", "dot-local"],
)
def test_in_production_only_https_push_services_are_accepted(
    endpoint: str, secure_app: Flask
) -> None:
    visitor = Visitor(secure_app.test_client())
    token = token_of(visitor)
    subscription = Receiver().subscription(endpoint)
    response = subscribe(visitor, subscription, token=token)
    assert response.status_code == 400
    assert response.get_json() == {"error": "The subscription's address must be a push service's."}
    fine = Receiver().subscription("https://fcm.googleapis.com/fcm/send/abc")
    assert subscribe(visitor, fine, token=token).status_code == 201
    assert [e for e, _ in all_subscriptions(secure_app.extensions["hipday"].store)] == [
        fine["endpoint"]
    ]


def test_several_devices_are_listed_and_the_lists_remove_button_removes_only_one(
    visitor: Visitor, store: TrainingStore, push_service: MockPushService
) -> None:
    token = token_of(visitor)
    phone, tablet = push_service.subscribe(), push_service.subscribe()
    phone_id = subscribe(visitor, phone, token=token).get_json()["id"]
    tablet_id = subscribe(visitor, tablet, token=token, user_agent=IPHONE_SAFARI).get_json()["id"]
    page = text(visitor.get(PAGE))
    assert "Chrome on Android" in page and "Safari on iPhone" in page
    assert device_ids(page) == [phone_id, tablet_id]

    response = visitor.client.post(REMOVE, data={"csrf_token": token, "device": tablet_id})
    assert response.status_code == 303
    assert response.headers["Location"] == "/settings/reminders#devices"
    page = text(visitor.get(PAGE))
    assert "Chrome on Android" in page and "Safari on iPhone" not in page
    assert device_ids(page) == [phone_id]
    assert [e for e, _ in all_subscriptions(store)] == [phone["endpoint"]]


def test_removing_with_htmx_answers_with_the_updated_list(
    visitor: Visitor, push_service: MockPushService
) -> None:
    token = token_of(visitor)
    phone_id = subscribe(visitor, push_service.subscribe(), token=token).get_json()["id"]
    response = visitor.client.post(
        REMOVE, data={"csrf_token": token, "device": phone_id}, headers=HTMX
    )
    fragment = text(response)
    assert response.status_code == 200
    assert fragment.lstrip().startswith('<div id="devices-list"') and "<html" not in fragment
    assert "No device gets reminders yet." in fragment


def test_removing_a_device_already_gone_with_htmx_refreshes_the_list(
    visitor: Visitor, push_service: MockPushService
) -> None:
    token = token_of(visitor)
    phone_id = subscribe(visitor, push_service.subscribe(), token=token).get_json()["id"]
    page = visitor.get(PAGE).get_data(as_text=True)
    form = {"csrf_token": token, "device": phone_id}
    assert visitor.client.post(REMOVE, data=form, headers=HTMX).status_code == 200
    response = visitor.client.post(REMOVE, data=form, headers=HTMX)  # the other tab
    assert htmx_swaps(page, response.status_code), f"htmx swaps a {response.status_code}"
    fragment = text(response)
    assert fragment.lstrip().startswith('<div id="devices-list"') and "<html" not in fragment


def test_another_users_device_cannot_be_removed_by_its_public_id(
    visitor: Visitor, other_visitor: Visitor, store: TrainingStore, push_service: MockPushService
) -> None:
    theirs = push_service.subscribe()
    their_id = subscribe(other_visitor, theirs, token=token_of(other_visitor)).get_json()["id"]
    response = visitor.client.post(
        REMOVE, data={"csrf_token": token_of(visitor), "device": their_id}
    )
    assert response.status_code == 404
    assert "That device isn't on your list any more." in text(response)
    assert all_subscriptions(store) == [(theirs["endpoint"], user_id_of(other_visitor))]
    assert device_ids(text(other_visitor.get(PAGE))) == [their_id]


def test_this_phone_turning_reminders_off_removes_its_subscription_only(
    visitor: Visitor, other_visitor: Visitor, store: TrainingStore, push_service: MockPushService
) -> None:
    token = token_of(visitor)
    phone, laptop = push_service.subscribe(), push_service.subscribe()
    theirs = push_service.subscribe()
    subscribe(visitor, phone, token=token)
    subscribe(visitor, laptop, token=token)
    subscribe(other_visitor, theirs, token=token_of(other_visitor))
    headers = {"X-CSRFToken": token}

    response = visitor.client.post(REMOVE, json={"endpoint": phone["endpoint"]}, headers=headers)
    assert response.status_code == 204 and response.get_data() == b""
    assert [e for e, _ in all_subscriptions(store)] == [laptop["endpoint"], theirs["endpoint"]]

    response = visitor.client.post(REMOVE, json={"endpoint": theirs["endpoint"]}, headers=headers)
    assert response.status_code == 204
    assert (theirs["endpoint"], user_id_of(other_visitor)) in all_subscriptions(store)
    assert len(device_ids(text(other_visitor.get(PAGE)))) == 1

    response = visitor.client.post(REMOVE, json={"endpoint": ""}, headers=headers)
    assert response.status_code == 400
    assert response.get_json() == {"error": "No subscription was named."}
    assert len(all_subscriptions(store)) == 2


def test_an_endpoint_moves_to_the_account_that_subscribes_it_last(
    visitor: Visitor, other_visitor: Visitor, store: TrainingStore, push_service: MockPushService
) -> None:
    browser = push_service.subscribe()
    assert subscribe(visitor, browser, token=token_of(visitor)).status_code == 201
    # The same browser, a new guest account (its cookie was cleared): it subscribes again.
    assert subscribe(other_visitor, browser, token=token_of(other_visitor)).status_code == 201
    assert all_subscriptions(store) == [(browser["endpoint"], user_id_of(other_visitor))]
    assert "No device gets reminders yet." in text(visitor.get(PAGE))
    assert "Chrome on Android" in text(other_visitor.get(PAGE))


# The test notification


def test_the_test_button_with_no_device_says_so(visitor: Visitor) -> None:
    response = visitor.client.post(TEST, data={"csrf_token": token_of(visitor)})
    page = text(response)
    assert response.status_code == 409
    assert "No device has reminders on yet. Turn them on for this phone first." in page
    assert '<section id="this-phone"' in page, "without htmx the whole page comes back"


def test_the_test_button_sends_to_every_device(
    visitor: Visitor, push_service: MockPushService
) -> None:
    token = token_of(visitor)
    phone, laptop = push_service.subscribe(), push_service.subscribe()
    subscribe(visitor, phone, token=token)
    subscribe(visitor, laptop, token=token, user_agent=IPHONE_SAFARI)
    response = visitor.client.post(TEST, data={"csrf_token": token})
    page = text(response)
    assert response.status_code == 200
    assert "Sent to 2 devices. It should show in a moment." in page
    for endpoint in (phone["endpoint"], laptop["endpoint"]):
        (message,) = push_service.messages(endpoint)
        assert message["title"] == "Reminders work on this device"
        assert message["url"] == "/" and message["actions"] == []


def test_the_test_button_with_htmx_answers_with_the_result_only(
    visitor: Visitor, push_service: MockPushService
) -> None:
    token = token_of(visitor)
    subscribe(visitor, push_service.subscribe(), token=token)
    response = visitor.client.post(TEST, data={"csrf_token": token}, headers=HTMX)
    fragment = text(response).strip()
    assert response.status_code == 200
    assert fragment.startswith('<p id="test-result"') and fragment.endswith("</p>")
    assert "Sent to 1 device. It should show in a moment." in fragment
    assert "<form" not in fragment and "<html" not in fragment


def test_the_test_buttons_answer_shows_with_htmx_even_when_nothing_was_sent(
    visitor: Visitor,
) -> None:
    page = visitor.get(PAGE).get_data(as_text=True)
    response = visitor.client.post(TEST, data={"csrf_token": token_of(visitor)}, headers=HTMX)
    assert "No device has reminders on yet" in text(response)
    assert htmx_swaps(page, response.status_code), f"htmx swaps a {response.status_code}"


def test_a_device_the_push_service_says_is_gone_is_removed_by_the_test(
    visitor: Visitor, store: TrainingStore, push_service: MockPushService
) -> None:
    token = token_of(visitor)
    phone, old_laptop = push_service.subscribe(), push_service.subscribe()
    subscribe(visitor, phone, token=token)
    subscribe(visitor, old_laptop, token=token, user_agent=IPHONE_SAFARI)
    push_service.expire(old_laptop["endpoint"])
    response = visitor.client.post(TEST, data={"csrf_token": token})
    page = text(response)
    assert response.status_code == 200
    assert "Sent to 1 of 2 devices; the others didn't accept it." in page
    assert len(push_service.messages(phone["endpoint"])) == 1
    assert [e for e, _ in all_subscriptions(store)] == [phone["endpoint"]]
    assert "Safari on iPhone" not in text(visitor.get(PAGE))


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
