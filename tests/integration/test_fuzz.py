"""Garbage in, a clear answer out: every POST route, fed random and malformed forms and JSON.

The routes come from `app.url_map`, so a new POST route is fuzzed as soon as it exists. Each
example posts one request as an established guest, a signed-in account or a brand-new visitor,
with a valid CSRF token, a wrong one or none. Whatever comes in, the app must never answer with
a 5xx; every 4xx must say what went wrong in words (an error page, a form with its error, or
JSON with a message); and a refused request must leave every table exactly as it was.
"""

from __future__ import annotations

import io
import json
import re
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import Phase, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, MetaData, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.routing import Rule
from werkzeug.test import TestResponse, encode_multipart

from tests.conftest import PUSH_TEST_CONFIG, TEST_TODAY, make_app
from tests.integration.test_ownership import Account, csrf_token_of, new_account
from tests.push.service import MockPushService
from webapp import create_app, extensions

#: Examples per route: enough to try every kind of body and visitor a few times.
from webapp.services import data_import

#: Examples per route: enough to try every kind of body and visitor a few times.
EXAMPLES = 30
#: Columns a request may touch without changing anything (a signed-in device's last visit).
VOLATILE = {("sign_in", "last_seen_at")}
#: Routes that accept more than MAX_CONTENT_LENGTH, and how much.
RAISED_LIMITS = {"data.import_file": data_import.IMPORT_LIMIT}
#: No shrinking: each example is a real request on a shared database, and a failure prints the
#: whole request that caused it.
PHASES = (Phase.explicit, Phase.reuse, Phase.generate)
#: Who posts, what CSRF token comes along and what body, drawn with these weights.
VISITORS = ("guest", "secured", "guest", "secured", "fresh")
CSRF_MODES = ("form", "header", "header", "none", "garbage", "someone else's")
BODIES = ("form", "form", "form", "multipart", "multipart", "json", "json", "raw")
JSON_BODIES = ("json", "json", "json", "json", "form", "multipart", "raw")


def app_rules() -> list[Rule]:
    """Every route of the app, read from an app that is never served."""
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "routes", "DATABASE_URL": "sqlite://", **PUSH_TEST_CONFIG}
    )
    rules = list(app.url_map.iter_rules())
    app.extensions["hipday"].store.engine.dispose()
    return sorted(rules, key=lambda r: r.rule)


def post_rules() -> list[Rule]:
    """Every POST route of the app."""
    return [r for r in ALL_RULES if "POST" in (r.methods or ())]


ALL_RULES = app_rules()
POST_RULES = post_rules()


# The database, whole


#: The tables of each database, read once.
_TABLES: weakref.WeakKeyDictionary[Engine, MetaData] = weakref.WeakKeyDictionary()


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order, without the volatile columns."""
    metadata = _TABLES.get(engine)
    if metadata is None:
        metadata = _TABLES[engine] = MetaData()
        metadata.reflect(engine)
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for name, table in sorted(metadata.tables.items()):
            columns = [c for c in table.columns if (name, c.name) not in VOLATILE]
            order = list(table.primary_key.columns) or columns
            query = select(*columns).order_by(*order)
            rows[name] = [tuple(row) for row in connection.execute(query)]
    return rows


def changes(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> dict[str, Any]:
    """What differs between two dumps, table by table (for a readable failure)."""
    return {
        name: {"gone": [r for r in rows if r not in after.get(name, [])],
               "new": [r for r in after.get(name, []) if r not in rows]}
        for name, rows in before.items()
        if after.get(name) != rows
    }  # fmt: skip


# What a refusal says


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class MessageFinder(HTMLParser):
    """The words a page shows about what went wrong: its visible alerts, status lines and field
    errors, and the text of its main content (the heading and detail of the error page)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.alerts: list[str] = []
        self.main: list[str] = []
        self._open: list[tuple[str, bool, bool, bool]] = []  # tag, alert, hidden, main

    def _inside(self, index: int) -> bool:
        return any(entry[index] for entry in self._open)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        telling = (
            found.get("role") in ("alert", "status") or "error" in found.get("class", "").split()
        )
        hidden = "hidden" in found or tag in ("script", "style", "template")
        if telling and not hidden and not self._inside(1) and not self._inside(2):
            self.alerts.append("")
        if tag not in VOID:
            self._open.append((tag, telling, hidden, tag == "main"))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    def handle_data(self, data: str) -> None:
        if self._inside(2):
            return
        if self._inside(1) and self.alerts:
            self.alerts[-1] += data
        elif self._inside(3) and data.strip():
            self.main.append(data.strip())


def words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z][A-Za-z'’]+", text)


def message_of(response: TestResponse) -> str:
    """What a refusal tells the person, in words; "" when it tells nothing."""
    body = response.get_data(as_text=True)
    if "Traceback (most recent call last)" in body or "werkzeug.exceptions" in body:
        return ""
    if response.is_json:
        data = response.get_json(silent=True)
        text = data.get("message") or data.get("error") if isinstance(data, dict) else None
        return text if isinstance(text, str) else ""
    if response.mimetype == "text/plain":
        return body
    if response.mimetype != "text/html":
        return ""
    finder = MessageFinder()
    finder.feed(body)
    said = " ".join(a.strip() for a in finder.alerts if len(words(a)) >= 3)
    if said or response.status_code == 422:  # a form's mistake must be shown as its error
        return said
    return " ".join(finder.main[:3])  # an error page: its heading and what it says


def assert_readable(response: TestResponse) -> None:
    said = message_of(response)
    assert len(words(said)) >= 3, (
        f"a {response.status_code} that says nothing readable: "
        f"{response.get_data(as_text=True)[:800]!r}"
    )


# The forms the app shows, and the values that fit them


class FormReader(HTMLParser):
    """Every POST form of a page (and every hx-post element): where it goes and its fields."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, dict[str, set[str]]]] = []
        self._fields: dict[str, set[str]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form" and found.get("method", "get").lower() == "post":
            self._fields = {}
            self.forms.append((found.get("action", ""), self._fields))
        elif "hx-post" in found and tag != "form":
            self.forms.append((found["hx-post"], {}))
        if self._fields is None:
            return
        name = found.get("name", "")
        if tag in ("input", "textarea", "button", "select") and name:
            values = self._fields.setdefault(name, set())
            if found.get("value"):
                values.add(found["value"])
            if tag == "select":
                self._select = name
        elif tag == "option" and self._select:
            self._fields[self._select].add(found.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


#: JSON bodies the app's scripts send (push.js, the service worker, passkeys.js), by key.
JSON_KEYS = (
    "endpoint", "expirationTime", "keys", "p256dh", "auth", "key", "token", "action", "id",
    "rawId", "type", "response", "clientDataJSON", "authenticatorData", "signature",
    "attestationObject", "transports", "userHandle", "clientExtensionResults",
)  # fmt: skip
NASTY = (
    "", " ", "0", "-1", "1e309", "on", "yes", "true", "null", "NaN", "Infinity", "\x00",
    "a\x00b", "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "x" * 600,
    "9" * 40, "-" + "9" * 30, "2026-02-30", "0001-01-01", "9999-12-31", "24:00", "99:99",
    "Europe/Berlin", "Not/AZone", "../UTC", "é", "🦵" * 50, "\u202e", "%00", "a@b.co",
    "snooze", "skip", "pre-run-warm-up", "desk-reset", "hip-er-strength", "mon", "sun",
)  # fmt: skip
#: Numbers and dates at and past every limit (README, "Input limits"): digits that Python's
#: isdigit() and int() take but Hipday doesn't, numbers too long for int(), dates and moments
#: at the ends of `datetime` and at offsets no clock on Earth shows.
EXTREMES = (
    "²", "1²", "٣", "٣٠", "５", "𝟗", "9" * 5000, "0" * 5000 + "1", "1" + "0" * 20,
    "0001-01-01", "1999-12-31", "2000-01-01", "9999-12-31", "２０２６-03-04", "０７:００",
    "0001-01-01T00:00:00", "0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00-12:00",
    "9999-12-31T23:59:59-12:00", "9999-12-31T23:59:59.999999Z", "2026-03-04T09:00:00+23:59",
    "2026-03-04T09:00:00-23:59", "1999-12-31T23:59:59Z", "2000-01-01T00:00:00+14:00",
)  # fmt: skip
#: Any UTC offset Python can hold, most of them unreal.
OFFSETS = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m)))
#: The values above half the time, else any moment at any offset, a date near or past a limit,
#: or a number past any field's range.
EXTREME_VALUES = st.one_of(
    st.sampled_from(EXTREMES),
    st.one_of(
        st.datetimes(timezones=OFFSETS).map(datetime.isoformat),
        st.dates(max_value=date(2000, 1, 2)).map(date.isoformat),
        st.dates(min_value=date(2027, 1, 1)).map(date.isoformat),
        st.integers(10**8, 10**30).map(str),
    ),
)
SCALARS = st.one_of(
    st.sampled_from(NASTY),
    EXTREME_VALUES,
    st.text(max_size=40),
    st.integers(-(10**20), 10**20).map(str),
    st.dates().map(date.isoformat),
    st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat().replace("+00:00", "Z")),
    st.times().map(lambda t: t.strftime("%H:%M")),
    st.emails(),
)
#: What a browser can put in a header: printable ASCII.
HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=80)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(JSON_KEYS) | st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=12,
)
BROKEN_JSON = st.sampled_from(
    [b"{", b"[1,", b'{"token": }', b"\xff\xfe\x00", b"null", b'"text"', b'{"a": NaN}', b""]
) | st.binary(max_size=200)
CONTENT_TYPES = (
    "application/json", "text/plain", "application/xml", "application/x-www-form-urlencoded",
    "multipart/form-data", "multipart/form-data; boundary=xyz", "application/octet-stream",
    "application/json; charset=latin-1",
)  # fmt: skip


@dataclass
class Known:
    """What the app's pages showed: each POST route's form fields, and their values."""

    fields: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    all_fields: set[str] = field(default_factory=set)

    def add(self, endpoint: str, found: dict[str, set[str]]) -> None:
        mine = self.fields.setdefault(endpoint, {})
        for name, values in found.items():
            mine.setdefault(name, set()).update(values)
            self.all_fields.add(name)


def pages_to_read(app: Flask, account: Account) -> list[str]:
    """Every page without a variable in its path, and an example of each page with one."""
    paths = [
        r.rule
        for r in app.url_map.iter_rules()
        if "GET" in (r.methods or ()) and not r.arguments and r.endpoint != "static"
    ]
    return paths + [
        f"/sessions/{account.session_id}", f"/plan/{account.planned_day}", "/play/desk-reset",
    ]  # fmt: skip


def read_forms(app: Flask, accounts: list[Account]) -> Known:
    known = Known()
    adapter = app.url_map.bind("localhost")
    for account in accounts:
        for path in pages_to_read(app, account):
            response = account.visitor.get(path)
            if response.mimetype != "text/html":
                continue
            reader = FormReader()
            reader.feed(response.get_data(as_text=True))
            for action, found in reader.forms:
                endpoint, _ = adapter.match(urlsplit(action).path, method="POST")
                known.add(endpoint, found)
    return known


# The app under fuzz, and the people who use it


@dataclass
class Fuzzed:
    app: Flask
    push: MockPushService
    known: Known
    other: Account  # someone else, whose ids a request may name
    accounts: dict[str, Account] = field(default_factory=dict)
    #: Whether the last request was accepted, and so may have ended or changed an account.
    unsure: bool = False

    @property
    def engine(self) -> Engine:
        engine: Engine = self.app.extensions["hipday"].store.engine
        return engine

    def account(self, kind: str) -> Account:
        """The guest or signed-in account, made again when a request ended or changed it."""
        account = self.accounts.get(kind)
        if self.unsure:
            self.accounts = {k: a for k, a in self.accounts.items() if self._still_usable(a, k)}
            self.unsure = False
            account = self.accounts.get(kind)
        if account is None:
            account = new_account(
                self.app, endpoint=self.push.subscribe()["endpoint"], secured=kind == "secured"
            )
            self.accounts[kind] = account
        return account

    def _still_usable(self, account: Account, kind: str) -> bool:
        with account.visitor.client.session_transaction() as session:
            if session.get("user_id") != account.user_id:
                return False
        user = self.app.extensions["hipday"].store.user(account.user_id)
        if user is None or (user.secured_at is not None) != (kind == "secured"):
            return False
        if kind == "secured":
            sign_ins = self.app.extensions["hipday"].accounts.sign_ins(account.user_id)
            if not sign_ins:
                return False
        account.token = csrf_token_of(account.visitor)
        return True


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    app = make_app(tmp_path_factory.mktemp("fuzz"))
    with MockPushService(vapid_public_key=app.extensions["hipday"].vapid_public) as push:
        other = new_account(app, endpoint=push.subscribe()["endpoint"])
        guest = new_account(app, endpoint=push.subscribe()["endpoint"], secured=False)
        known = read_forms(app, [other, guest])
        yield Fuzzed(app, push, known, other)
        with app.app_context():
            extensions.sender().close()
    app.extensions["hipday"].store.engine.dispose()


# One request, drawn


def id_values(fuzzed: Fuzzed, account: Account) -> list[str]:
    """Real ids and tokens, the visitor's own and someone else's, for any id-shaped slot."""
    values = []
    for who in (account, fuzzed.other):
        values += [
            who.session_id, who.op_id, str(who.vacation_id), who.skipped_day, who.planned_day,
            who.device_id, who.device_endpoint, who.calendar_token, who.reminder_token,
            who.email, who.password, who.sign_in_id, who.passkey_id, who.passkey_credential,
        ]  # fmt: skip
    return [v for v in values if v]


def url_values(fuzzed: Fuzzed, account: Account, rule: Rule) -> st.SearchStrategy[dict[str, str]]:
    """A value for each variable of the route's path: real ids, near misses and garbage."""
    today = TEST_TODAY
    real = id_values(fuzzed, account) + [today.isoformat(), (today + timedelta(1)).isoformat()]
    garbage = st.one_of(
        st.sampled_from(["0", "1", str(2**63), "9" * 30, "-1", "%2F", "..", "a" * 300]),
        st.sampled_from(EXTREMES),
        st.text(min_size=1, max_size=30),
        st.integers(0, 2**70).map(str),
    )
    slot = st.one_of(st.sampled_from(real), garbage)
    return st.fixed_dictionaries({name: slot for name in sorted(rule.arguments)})


def path_of(rule: Rule, values: dict[str, str]) -> str:
    def fill(found: re.Match[str]) -> str:
        return quote(values[found.group(1)], safe="")

    return re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", fill, rule.rule)


def _named(name: str) -> Callable[[list[str]], list[tuple[str, str]]]:
    return lambda values: [(name, value) for value in values]


def field_values(
    fuzzed: Fuzzed, account: Account, endpoint: str
) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Form fields: the route's own (with the values its page offers, real ids or junk), some
    left out, some twice, and a few the route never asked for."""
    own = fuzzed.known.fields.get(endpoint) or dict.fromkeys(sorted(fuzzed.known.all_fields), set())
    real = id_values(fuzzed, account)
    pairs = [
        st.lists(st.one_of(st.sampled_from(sorted(own[name]) + real), SCALARS), max_size=3).map(
            _named(name)
        )
        for name in sorted(own)
        if name != "csrf_token"
    ]
    unknown = st.lists(st.tuples(st.text(max_size=12), SCALARS), max_size=2)
    return st.tuples(st.tuples(*pairs) if pairs else st.just(()), unknown).map(
        lambda found: [pair for group in found[0] for pair in group] + found[1]
    )


def changed(base: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """`base` with a few keys added or replaced by any JSON, and a few left out."""
    extra = st.dictionaries(st.sampled_from(JSON_KEYS), JSON_VALUES, max_size=2)
    dropped = st.sets(st.sampled_from(JSON_KEYS), max_size=2)
    return st.tuples(base, extra, dropped).map(
        lambda t: {k: v for k, v in {**t[0], **t[1]}.items() if k not in t[2]}
    )


def json_bodies(fuzzed: Fuzzed, account: Account) -> st.SearchStrategy[Any]:
    """JSON of every shape, and the app's own JSON bodies as they are or a little changed."""
    real = id_values(fuzzed, account) + ["snooze", "skip", "public-key"]
    credential = {"clientDataJSON": "e30", "authenticatorData": "AA", "signature": "AA"}
    own = st.sampled_from(
        [
            fuzzed.push.subscribe(),  # push.js: a browser's subscription
            {"endpoint": account.device_endpoint},  # push.js: this browser turns reminders off
            {"token": account.reminder_token, "action": "snooze"},  # the service worker
            {"token": account.reminder_token, "action": "skip"},
            {"token": fuzzed.other.reminder_token, "action": "skip"},
            {"id": account.passkey_credential, "rawId": account.passkey_credential,
             "type": "public-key", "response": credential},  # passkeys.js
        ]
    )  # fmt: skip
    value = st.one_of(st.sampled_from(real), JSON_VALUES)
    shaped = st.dictionaries(st.sampled_from(JSON_KEYS), value, max_size=6)
    return st.one_of(own, changed(own), shaped, JSON_VALUES)


def uploads(account: Account) -> st.SearchStrategy[bytes | None]:
    """A file for a multipart form: the account's own export, changed a little, or junk."""
    export = json.loads(account.export)
    keys = st.sampled_from(sorted(export) + ["sessions", "format", "version"])
    edited = st.tuples(keys, JSON_VALUES).map(
        lambda kv: json.dumps({**export, kv[0]: kv[1]}).encode()
    )
    return st.one_of(
        st.just(account.export), edited, extreme_rows(export), st.binary(max_size=300), st.none()
    )


#: The dated and counted fields of an export's rows.
ROW_FIELDS = {
    "sessions": ("started_at", "ended_at", "local_date", "steps_done", "steps_total", "effort",
                 "pain", "op_id"),
    "program_versions": ("effective_from", "start", "deload_every"),
    "plan_events": ("day", "until"),
}  # fmt: skip


def extreme_rows(export: dict[str, Any]) -> st.SearchStrategy[bytes]:
    """The export with one field of one of its rows at or past a limit, as text or a number."""
    rows = st.sampled_from([(k, n, f) for k in ROW_FIELDS for n in range(len(export[k]))
                            for f in ROW_FIELDS[k]])  # fmt: skip
    value = st.one_of(EXTREME_VALUES, st.integers(-(10**30), 10**30))

    def edit(found: tuple[tuple[str, int, str], Any]) -> bytes:
        (key, index, name), new = found
        document = json.loads(json.dumps(export))
        document[key][index][name] = new
        return json.dumps(document).encode()

    return st.tuples(rows, value).map(edit)


@dataclass(frozen=True)
class Request:
    """One drawn request, described well enough to repeat by hand."""

    visitor: str
    csrf: str
    path: str
    body: str  # form | multipart | json | raw
    data: Any
    content_type: str | None
    headers: dict[str, str]


def draw_request(data: st.DataObject, fuzzed: Fuzzed, rule: Rule) -> Request:
    visitor = data.draw(st.sampled_from(VISITORS), label="visitor")
    account = fuzzed.account("guest" if visitor == "fresh" else visitor)
    csrf = data.draw(st.sampled_from(CSRF_MODES), label="csrf")
    token = {
        "form": account.token,
        "header": account.token,
        "garbage": data.draw(HEADER_TEXT, label="garbage token"),
        "someone else's": fuzzed.other.token,
    }.get(csrf)
    path = path_of(rule, data.draw(url_values(fuzzed, account, rule), label="path"))
    headers: dict[str, str] = {}
    if data.draw(st.booleans(), label="htmx"):
        headers["HX-Request"] = "true"
    if data.draw(st.booleans(), label="idempotency key"):
        headers["Idempotency-Key"] = data.draw(HEADER_TEXT, label="key")
    if token is not None and csrf != "form":
        headers["X-CSRFToken"] = token
    takes_json = rule.endpoint not in fuzzed.known.fields  # no page has a form for it
    body = data.draw(st.sampled_from(JSON_BODIES if takes_json else BODIES), label="body")
    content_type: str | None = None
    payload: Any
    if body in ("form", "multipart"):
        pairs = data.draw(field_values(fuzzed, account, rule.endpoint), label="fields")
        if csrf == "form":
            pairs.append(("csrf_token", token or ""))
        payload = pairs
        if body == "multipart":
            content_type = "multipart/form-data"
            upload = data.draw(uploads(account), label="file")
            if upload is not None:
                payload = [*pairs, ("file", upload)]
    elif body == "json":
        payload = json.dumps(data.draw(json_bodies(fuzzed, account), label="json")).encode()
        content_type = "application/json"
    else:
        payload = data.draw(BROKEN_JSON, label="raw body")
        content_type = data.draw(st.sampled_from(CONTENT_TYPES), label="content type")
    return Request(visitor, csrf, path, body, payload, content_type, headers)


def send(fuzzed: Fuzzed, request: Request) -> TestResponse:
    if request.visitor == "fresh":
        client: FlaskClient = fuzzed.app.test_client()
    else:
        client = fuzzed.account(request.visitor).visitor.client
    data: Any = request.data
    if request.body in ("form", "multipart"):
        data = MultiDict(
            [
                (name, (io.BytesIO(value), "upload.json") if isinstance(value, bytes) else value)
                for name, value in request.data
            ]
        )
    return client.post(
        request.path, data=data, content_type=request.content_type, headers=request.headers
    )


def reported_not_refused(endpoint: str, status: int, changed: dict[str, Any]) -> bool:
    """The one 4xx that reports an outcome rather than refusing the request: the test
    notification reached no device (409). Devices the push service said are gone are forgotten
    on the way, and that is all that may change."""
    return (
        endpoint == "reminders.test"
        and status == 409
        and set(changed) == {"push_subscription"}
        and not changed["push_subscription"]["new"]
    )


def check(fuzzed: Fuzzed, rule: Rule, request: Request) -> TestResponse:
    """Post `request` and hold the app to its promises."""
    before = dump(fuzzed.engine)
    response = send(fuzzed, request)
    status = response.status_code
    assert status < 500, f"{status} for {request}"
    fuzzed.unsure = status < 400
    event(f"{request.visitor}: {status}")  # see them with --hypothesis-show-statistics
    if 400 <= status < 500:
        assert_readable(response)
        changed = changes(before, dump(fuzzed.engine))
        assert not changed or reported_not_refused(rule.endpoint, status, changed), (
            f"a refused request ({status}) changed {changed}: {request}"
        )
    return response


# The tests


@pytest.mark.parametrize("rule", POST_RULES, ids=[r.endpoint for r in POST_RULES])
def test_random_posts_never_fail_and_refusals_say_why_and_change_nothing(
    fuzzed: Fuzzed, rule: Rule
) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, phases=PHASES)
    @given(data=st.data())
    def post_anything(data: st.DataObject) -> None:
        check(fuzzed, rule, draw_request(data, fuzzed, rule))

    post_anything()


#: The routes that take a form a page of the app shows.
FORM_RULES = [r for r in POST_RULES if r.endpoint not in ("reminders.act",)]


def extreme_request(data: st.DataObject, fuzzed: Fuzzed, rule: Rule) -> Request:
    """The route's own form as its page shows it, from its owner with a good CSRF token, with
    some fields (or the imported file's rows) at or past a limit."""
    visitor = data.draw(st.sampled_from(("guest", "secured")), label="visitor")
    account = fuzzed.account(visitor)
    own = fuzzed.known.fields.get(rule.endpoint, {})
    real = id_values(fuzzed, account)
    pairs = [
        (name, data.draw(st.one_of(st.sampled_from(sorted(own[name]) + real), EXTREME_VALUES),
                         label=name))
        for name in sorted(own)
        if name not in ("csrf_token", "file")
    ]  # fmt: skip
    payload: list[tuple[str, Any]] = [*pairs, ("csrf_token", account.token)]
    if rule.endpoint == "data.import_file":
        payload.append(("file", data.draw(extreme_rows(json.loads(account.export)), label="file")))
    headers = {"HX-Request": "true"} if data.draw(st.booleans(), label="htmx") else {}
    return Request(
        visitor, "form", own_path(rule, account), "multipart", payload, "multipart/form-data",
        headers,
    )  # fmt: skip


def own_path(rule: Rule, account: Account) -> str:
    """The route's path, naming the account's own session, planned day or vacation."""
    values = {name: account.session_id for name in rule.arguments}
    if rule.arguments == {"day"}:
        values = {"day": account.planned_day}
    elif rule.arguments == {"event_id"}:
        values = {"event_id": str(account.vacation_id)}
    return path_of(rule, values)


@pytest.mark.parametrize("rule", FORM_RULES, ids=[r.endpoint for r in FORM_RULES])
def test_extreme_numbers_and_dates_in_a_form_never_fail_and_refusals_change_nothing(
    fuzzed: Fuzzed, rule: Rule
) -> None:
    """Unicode digits, 5,000-digit numbers, year 1 and 9999, offsets no clock shows: in every
    field of every form, posted the way its page would."""
    if rule.endpoint not in fuzzed.known.fields:
        pytest.skip("no page shows a form for this route: JSON only, fuzzed above")

    @settings(max_examples=EXAMPLES, deadline=None, phases=PHASES)
    @given(data=st.data())
    def post_extremes(data: st.DataObject) -> None:
        check(fuzzed, rule, extreme_request(data, fuzzed, rule))

    post_extremes()


def oversized(limit: int, token: str) -> list[tuple[str, Any, str | None, dict[str, str]]]:
    """Bodies one byte over `limit`: a form, a file upload, JSON and a plain body."""
    header = {"X-CSRFToken": token}
    filler = "x" * (limit + 1)
    # Encoded here, in memory: the test client would spool a big upload to a file left open.
    upload = FileStorage(io.BytesIO(filler.encode()), filename="big.json")
    boundary, multipart = encode_multipart({"csrf_token": token, "file": upload})
    return [
        ("form", {"csrf_token": token, "note": filler}, None, {}),
        ("file", multipart, f"multipart/form-data; boundary={boundary}", {}),
        ("json", json.dumps({"token": filler}), "application/json", header),
        ("plain", filler, "text/plain", header),
    ]


@pytest.mark.parametrize("rule", POST_RULES, ids=[r.endpoint for r in POST_RULES])
def test_a_body_over_the_limit_is_refused_with_a_413_and_nothing_stored(
    fuzzed: Fuzzed, rule: Rule
) -> None:
    account = fuzzed.account("secured")
    limit = RAISED_LIMITS.get(rule.endpoint, fuzzed.app.config["MAX_CONTENT_LENGTH"])
    path = own_path(rule, account)
    for kind, data, content_type, headers in oversized(limit, account.token):
        before = dump(fuzzed.engine)
        response = account.visitor.client.post(
            path, data=data, content_type=content_type, headers=headers
        )
        assert response.status_code == 413, f"{kind}: {response.status_code}"
        assert_readable(response)
        assert dump(fuzzed.engine) == before, kind


#: Pages that read a number or a date from their address: the query parameter, or the path.
ADDRESS_INPUTS = (
    ("/progress/history", "page"), ("/progress", "month"), ("/play/desk-reset", "day"),
    ("/routines", "max_minutes"), ("/plan/{}", ""), ("/sessions/{}", ""),
)  # fmt: skip


@pytest.mark.parametrize(("path", "name"), ADDRESS_INPUTS, ids=[p for p, _ in ADDRESS_INPUTS])
def test_extreme_numbers_and_dates_in_an_address_never_fail_and_refusals_say_why(
    fuzzed: Fuzzed, path: str, name: str
) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, phases=PHASES)
    @given(value=SCALARS)
    def get(value: str) -> None:
        client = fuzzed.account("guest").visitor.client
        if name:
            response = client.get(path, query_string={name: value})
        else:
            response = client.get(path.format(quote(value, safe="")))
        assert response.status_code < 500, f"{response.status_code} for {path} {value!r}"
        if response.status_code >= 400:
            assert_readable(response)

    get()


def test_the_fuzz_knows_the_fields_of_the_apps_forms(fuzzed: Fuzzed) -> None:
    """The forms were found, so the fields posted are the real ones (plus junk)."""
    fields = fuzzed.known.fields
    assert {"effort", "pain", "note"} <= set(fields["player.change_feedback"])
    assert {"first", "last"} <= set(fields["plan.add_vacation"])
    assert {"email", "password"} <= set(fields["account.login"])
    assert "yes" in fields["data.delete_account"]["confirm"]


def test_a_refused_request_is_told_apart_from_an_accepted_one(fuzzed: Fuzzed) -> None:
    """The checks above can fail: a request that changes data is seen in the dump."""
    account = fuzzed.account("guest")
    before = dump(fuzzed.engine)
    form = {"csrf_token": account.token, "first": "2027-01-01", "last": "2027-01-02"}
    assert account.visitor.client.post("/plan/vacations", data=form).status_code == 303
    assert changes(before, dump(fuzzed.engine))["planevent"]["new"]
    refused = account.visitor.client.post("/plan/vacations", data={"first": "x"})
    assert refused.status_code == 400 and "This form has expired" in message_of(refused)
    assert message_of(fuzzed.app.test_client().get("/no-such-page")).startswith("Not found")


#: How each level of a deep JSON body opens, and how it closes.
NESTING = {"[": "]", '{"a":': "}", '{"a":[': "]}", '[{"b":': "}]"}


def method_of(rule: Rule) -> str:
    return "POST" if "POST" in (rule.methods or ()) else "GET"


@pytest.mark.parametrize("rule", ALL_RULES, ids=[f"{method_of(r)} {r.endpoint}" for r in ALL_RULES])
def test_json_nested_too_deep_is_refused_in_words_on_every_route_and_changes_nothing(
    fuzzed: Fuzzed, rule: Rule
) -> None:
    """Nested past 32 levels (a real answer nests 5), up to thousands: without a bound, checking
    such a body overflowed Python's stack, on every route, /healthz included."""

    @settings(max_examples=5, deadline=None, phases=PHASES)
    @given(
        depth=st.integers(33, 3000),
        opening=st.sampled_from(sorted(NESTING)),
        visitor=st.sampled_from(("guest", "secured", "fresh")),
    )
    def send_deep(depth: int, opening: str, visitor: str) -> None:
        account = fuzzed.account("guest" if visitor == "fresh" else visitor)
        client = fuzzed.app.test_client() if visitor == "fresh" else account.visitor.client
        before = dump(fuzzed.engine)
        response = client.open(
            own_path(rule, account),
            method=method_of(rule),
            data=opening * depth + "1" + NESTING[opening] * depth,
            content_type="application/json",
            headers={"X-CSRFToken": account.token},
        )
        assert response.status_code == 400, f"{response.status_code} at depth {depth}"
        assert_readable(response)
        assert dump(fuzzed.engine) == before

    send_deep()


# What the fuzz found, kept as plain tests


@pytest.mark.parametrize("event_id", [str(2**31), str(2**63), "9" * 30])
def test_a_vacation_id_beyond_any_row_is_not_found(fuzzed: Fuzzed, event_id: str) -> None:
    """Was a server error: SQLite can't take an integer over 64 bits, PostgreSQL over 32."""
    account = fuzzed.account("guest")
    before = dump(fuzzed.engine)
    form = {"csrf_token": account.token}
    response = account.visitor.client.post(f"/plan/vacations/{event_id}/delete", data=form)
    assert response.status_code == 404
    assert_readable(response)
    assert dump(fuzzed.engine) == before


def test_an_import_with_a_nul_in_a_note_says_what_is_wrong(fuzzed: Fuzzed) -> None:
    account = fuzzed.account("guest")
    document = json.loads(account.export)
    document["sessions"][0] |= {"op_id": "nul-in-the-note", "note": "before\x00after"}
    upload = (io.BytesIO(json.dumps(document).encode()), "hipday.json")
    before = dump(fuzzed.engine)
    response = account.visitor.client.post(
        "/settings/data/import",
        data={"csrf_token": account.token, "file": upload},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert_readable(response)
    assert "note must not contain a NUL character" in response.get_data(as_text=True)
    assert dump(fuzzed.engine) == before
