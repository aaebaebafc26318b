"""The fuzz's knowledge of the app: the fields of its forms and the nasty values to put in them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from html.parser import HTMLParser
from urllib.parse import urlsplit

from flask import Flask
from hypothesis import strategies as st

from tests.integration.ownership_accounts import Account


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
