"""Settings → Reminders as a test client sees it: its addresses, the answers a form sends,
subscribing a device, and reading the page's form and rows back."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from typing import Any

from sqlmodel import Session, col, func, select
from werkzeug.test import TestResponse

from tests.conftest import TEST_TODAY
from tests.integration.conftest import TOKEN, Visitor
from webapp.store.models import PushSubscription, User
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
