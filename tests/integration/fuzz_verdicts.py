"""What the fuzz holds the app to: its settings, the database compared whole, refusals in words."""

from __future__ import annotations

import re
import weakref
from html.parser import HTMLParser
from typing import Any

from hypothesis import Phase
from sqlalchemy import Engine, MetaData, select
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from tests.conftest import PUSH_TEST_CONFIG
from webapp import create_app
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
