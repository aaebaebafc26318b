"""Shared steps for the progress page tests: sessions finished at a Berlin time, what pages show.

Sessions are sent from a phone in Europe/Berlin (the Visitor's default), and the first one makes
the guest's days Berlin days. The server's "today" is the pinned day (`TEST_NOW`) there, and every
date here is worked out from `berlin_today()`.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from werkzeug.test import TestResponse

from tests.conftest import TEST_NOW
from tests.integration.conftest import Visitor
from webapp.store.models import Completion, User
from webapp.store.training import TrainingStore

BERLIN = ZoneInfo("Europe/Berlin")
HTMX = {"HX-Request": "true"}
MONTH_CELL = re.compile(
    r'<td data-day="[\d-]+" class="([^"]*)"[^>]*>\s*<span class="day-number">(\d+)</span>'
)
HISTORY_ITEM = re.compile(
    r'<li class="history-item">\s*<a href="/sessions/(\w+)"(?: data-autofocus)?>\s*'
    r'<span class="history-date">([^<]*)</span>\s*'
    r'<span class="history-name">([^<]*)</span>\s*'
    r'<span class="history-meta">([^<]*)</span>'
)


def berlin_now() -> datetime:
    return TEST_NOW.astimezone(BERLIN)


def berlin_today() -> date:
    return berlin_now().date()


def at(day: date, hour: int, minute: int = 0, zone: ZoneInfo = BERLIN) -> datetime:
    """`hour:minute` on `day` in `zone`."""
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def utc_iso(moment: datetime) -> str:
    """How the player sends a moment: ISO 8601 in UTC."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def finish_at(visitor: Visitor, ended: datetime, minutes: int = 7, **fields: str) -> str:
    """Finish a session that ended at `ended` and lasted `minutes`; its public id."""
    response = visitor.finish(
        started_at=utc_iso(ended - timedelta(minutes=minutes)), ended_at=utc_iso(ended), **fields
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    found = re.fullmatch(r"/sessions/(\w+)\?fresh=1", response.headers["Location"])
    assert found, response.headers["Location"]
    return found.group(1)


def text(response: TestResponse) -> str:
    return html.unescape(response.get_data(as_text=True))


def month_param(day: date) -> str:
    return f"{day:%Y-%m}"


def month_cells(page: str) -> dict[int, set[str]]:
    """The classes of each day's cell in the month table of `page` (padding left out)."""
    return {int(number): set(classes.split()) for classes, number in MONTH_CELL.findall(page)}


def history_items(page: str) -> list[tuple[str, str, str, str]]:
    """(public id, date, routine, minutes/effort/pain) of each history item, top to bottom."""
    return HISTORY_ITEM.findall(page)


def history_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def user_of(visitor: Visitor, store: TrainingStore) -> User:
    with visitor.client.session_transaction() as session:
        user_id = session["user_id"]
    user = store.user(user_id)
    assert user is not None
    return user


def completion_of(visitor: Visitor, store: TrainingStore, public_id: str) -> Completion:
    found = store.completion(user_of(visitor, store).id or 0, public_id)
    assert found is not None
    return found


def current_streak(page: str) -> str:
    found = re.search(
        r'Current streak</dt><dd><span id="streak-number"[^>]*>(\d+)</span> <span class="unit">(\w+)</span>',
        page,
    )
    assert found, "the page shows no current streak"
    return f"{found.group(1)} {found.group(2)}"
