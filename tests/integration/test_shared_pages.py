"""Kept pages are shared by every web process through the database (`webapp/views/shelf.py`):
a process that has not rendered a user's page serves the one another process kept, unless the
user's data, the day or the release changed since; a database that can't keep them costs a
render, never the page."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from tests.conftest import TEST_NOW, TEST_TODAY, make_app
from tests.integration.conftest import Visitor
from webapp.services import guests, plans
from webapp.store.training import TrainingStore
from webapp.views import MOMENT_SLOT, TOKEN_SLOT, shelf
from webapp.web.gzip_pieces import Pieces

MARK = "<p>kept by the other process</p>"
MAIN = '<main id="main" tabindex="-1">'


@pytest.fixture
def other_app(tmp_path: Path, app: Flask) -> Iterator[Flask]:
    """A second app on the same database, as another gunicorn worker would be."""
    other = make_app(tmp_path)
    yield other
    other.extensions["hipday"].sender.close()
    other.extensions["hipday"].store.engine.dispose()


def same_account(visitor: Visitor, other: Flask) -> FlaskClient:
    """A client of `other` with the visitor's cookie: the same phone, another worker."""
    phone = other.test_client()
    cookie = visitor.client.get_cookie("hipday")
    assert cookie is not None
    phone.set_cookie("hipday", cookie.value)
    return phone


def rows(store: TrainingStore) -> list[tuple[int, str, str, bytes]]:
    with store.engine.connect() as connection:
        found = connection.execute(text("SELECT user_id, page, key, html FROM keptpage"))
        return [(r[0], r[1], r[2], r[3]) for r in found]


def page_text(data: bytes) -> str:
    """A kept page's text as its row holds it, the slots left in."""
    return Pieces.from_bytes(data).text({TOKEN_SLOT: TOKEN_SLOT, MOMENT_SLOT: MOMENT_SLOT}).decode()


def mark_rows(store: TrainingStore) -> None:
    """Put a mark at the top of every kept page's main, under the key it has: whoever serves
    the mark read the row, and did not render the page."""
    with store.engine.begin() as connection:
        for user_id, page, _, data in rows(store):
            html = page_text(data).replace(MAIN, MAIN + MARK, 1)
            connection.execute(
                text("UPDATE keptpage SET html = :h WHERE user_id = :u AND page = :p"),
                {
                    "h": Pieces.of(html, (TOKEN_SLOT, MOMENT_SLOT)).to_bytes(),
                    "u": user_id,
                    "p": page,
                },
            )


def with_plan(visitor: Visitor, store: TrainingStore) -> int:
    user_id = visitor.account_id()
    plans.save_program(store, store.user(user_id), plans.ProgramForm(), TEST_TODAY - timedelta(30))  # type: ignore[arg-type]
    return user_id


@pytest.mark.parametrize("url", ["/", "/plan", "/progress"])
def test_another_worker_serves_the_page_kept_by_the_first(
    visitor: Visitor, store: TrainingStore, other_app: Flask, url: str
) -> None:
    with_plan(visitor, store)
    first = visitor.get(url).get_data(as_text=True)
    assert MARK not in first
    mark_rows(store)
    page = same_account(visitor, other_app).get(url)
    assert page.status_code == 200
    assert MARK in page.get_data(as_text=True), "read from the database, not rendered again"


def test_a_kept_page_is_not_used_after_the_users_data_changed(
    visitor: Visitor, store: TrainingStore, other_app: Flask
) -> None:
    with_plan(visitor, store)
    visitor.get("/")
    mark_rows(store)
    ended = TEST_NOW - timedelta(minutes=5)
    visitor.finish(
        started_at=f"{ended - timedelta(minutes=7):%Y-%m-%dT%H:%M:%SZ}",
        ended_at=f"{ended:%Y-%m-%dT%H:%M:%SZ}",
        time_zone="UTC",
    )
    page = same_account(visitor, other_app).get("/").get_data(as_text=True)
    assert MARK not in page, "the session changed the data version: the row is stale"
    assert "Done today" in page
    (kept,) = [r for r in rows(store) if r[1] == "pages/today.html"]
    assert MARK not in page_text(kept[3]), "the stale row was replaced"


def test_a_kept_page_is_not_used_by_another_release(
    visitor: Visitor, store: TrainingStore, other_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_plan(visitor, store)
    visitor.get("/")
    mark_rows(store)
    monkeypatch.setattr(shelf, "release_digest", lambda: "the next release")
    assert MARK not in same_account(visitor, other_app).get("/").get_data(as_text=True)


def test_a_user_has_one_row_per_page_whatever_they_ask(
    visitor: Visitor, store: TrainingStore
) -> None:
    user_id = with_plan(visitor, store)
    for months_ago in range(6):
        month = TEST_TODAY - timedelta(days=31 * months_ago)
        visitor.get(f"/progress?month={month:%Y-%m}")
    visitor.get("/")
    pages = sorted(page for owner, page, _, _ in rows(store) if owner == user_id)
    assert pages == ["pages/progress.html", "pages/today.html"]


def test_without_the_table_the_pages_are_rendered_and_the_failure_logged(
    visitor: Visitor, store: TrainingStore, caplog: pytest.LogCaptureFixture
) -> None:
    with_plan(visitor, store)
    with store.engine.begin() as connection:
        connection.execute(text("DROP TABLE keptpage"))
    with caplog.at_level(logging.WARNING, logger=shelf.__name__):
        assert visitor.get("/").status_code == 200
    failures = [r for r in caplog.records if r.name == shelf.__name__]
    assert failures and all(r.exc_info for r in failures), "logged with the traceback"


def test_the_rows_go_with_their_user(visitor: Visitor, store: TrainingStore) -> None:
    user_id = with_plan(visitor, store)
    visitor.get("/")
    assert any(owner == user_id for owner, *_ in rows(store))
    assert store.delete_user(user_id)
    assert not any(owner == user_id for owner, *_ in rows(store))


def test_the_daily_tidy_deletes_the_pages_no_day_can_use_again(
    app: Flask, visitor: Visitor, store: TrainingStore
) -> None:
    user_id = with_plan(visitor, store)
    visitor.get("/")
    visitor.get("/plan")
    guest_store = app.extensions["hipday"].guests
    tomorrow = guests.prune(guest_store, store, TEST_TODAY + timedelta(days=1))
    assert tomorrow.pages == 0, "a visitor west of UTC may still be on yesterday"
    assert len([r for r in rows(store) if r[0] == user_id]) == 2
    later = guests.prune(guest_store, store, TEST_TODAY + timedelta(days=2))
    assert later.pages == 2 and rows(store) == []
    assert MARK not in visitor.get("/").get_data(as_text=True)
