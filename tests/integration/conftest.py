"""Integration fixtures: a test client that speaks like the browser, CSRF token included."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.push.service import MockPushService
from webapp import extensions
from webapp.store.reminders import ReminderStore
from webapp.store.training import TrainingStore

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Visitor:
    """One person's browser: opens pages and finishes sessions, like the real forms do."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        return self.client.get(url, **kwargs)

    def csrf_token(self, routine: str = "pre-run-warm-up") -> str:
        page = self.get(f"/play/{routine}").get_data(as_text=True)
        found = TOKEN.search(page)
        assert found, "the player page carries a CSRF token"
        return found.group(1)

    def finish(
        self, routine: str = "pre-run-warm-up", key: str | None = None, **fields: str
    ) -> TestResponse:
        form = {
            "csrf_token": self.csrf_token(),
            "routine": routine,
            "op_id": key or uuid.uuid4().hex,
            "started_at": "2026-02-20T07:00:00Z",
            "ended_at": "2026-02-20T07:07:00Z",
            "steps_done": "40",
            "steps_total": "40",
            "time_zone": "Europe/Berlin",
            "effort": "5",
            "pain": "0",
            "note": "",
            **fields,
        }
        return self.client.post("/sessions", data=form)

    def account_id(self) -> int:
        """The id of this visitor's account, made as a guest's first save makes it.

        A visit that saves nothing has no account row: this saves the settings' time zone as
        it already is (UTC, following the phone), which is a save like any other.
        """
        with self.client.session_transaction() as session:
            user_id = session.get("user_id")
        if user_id is None:
            form = {"csrf_token": self.csrf_token(), "time_zone": "UTC", "follow_phone": "1"}
            saved = self.client.post("/settings/time-zone", data=form)
            assert saved.status_code == 303, saved.status_code
            with self.client.session_transaction() as session:
                user_id = session["user_id"]
        assert isinstance(user_id, int)
        return user_id


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def visitor(client: FlaskClient) -> Visitor:
    return Visitor(client)


@pytest.fixture
def other_visitor(app: Flask) -> Visitor:
    return Visitor(app.test_client())


@pytest.fixture
def store(app: Flask) -> TrainingStore:
    data: TrainingStore = app.extensions["hipday"].store
    return data


@pytest.fixture
def reminder_rows(app: Flask) -> ReminderStore:
    rows: ReminderStore = app.extensions["hipday"].reminders
    return rows


@pytest.fixture
def push_service(app: Flask) -> Iterator[MockPushService]:
    """A mock push service that only accepts pushes signed with the app's VAPID key."""
    with MockPushService(vapid_public_key=app.extensions["hipday"].vapid_public) as service:
        yield service
        with app.app_context():
            extensions.sender().close()  # before the service hangs up on its connections


def count_completions(store: TrainingStore) -> int:
    from sqlmodel import Session, func, select

    from webapp.store.models import Completion

    with Session(store.engine) as session:
        return session.exec(select(func.count()).select_from(Completion)).one()
