"""The database locked or unreachable for a moment: "try again", nothing half-saved, nothing lost.

On SQLite another connection holds the write lock longer than the app waits for it (0.2 s here,
set with `?timeout=` in the database URL; 5 s by default). On PostgreSQL a loopback forwarder
between the app and the server is cut and restored, with the app left running.
"""

from __future__ import annotations

import socket
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, make_url
from sqlmodel import Session, select
from werkzeug.test import TestResponse

from tests.conftest import ON_POSTGRES, TEST_NOW, database_url, make_app
from tests.faults.conftest import TOKEN, finish_form, finish_headers, stored
from tests.push.push_crypto import Receiver
from webapp.store import db
from webapp.store.models import User
from webapp.web.errors import BUSY_TITLE

TRY_AGAIN = "Please try again in a few seconds."


class Visitor:
    """A browser that has opened the player once: it has a CSRF token (and an account from its
    first save on)."""

    def __init__(self, app: Flask) -> None:
        self.client: FlaskClient = app.test_client()
        page = self.client.get("/play/pre-run-warm-up")
        assert page.status_code == 200
        found = TOKEN.search(page.get_data(as_text=True))
        assert found
        self.token = found.group(1)

    def finish(self, op_id: str, htmx: bool = True) -> TestResponse:
        headers = finish_headers(op_id) if htmx else {}
        form = finish_form(op_id, self.token, ended=TEST_NOW - timedelta(minutes=1))
        return self.client.post("/sessions", data=form, headers=headers)

    def make_plan(self) -> TestResponse:
        """The onboarding's "Make my plan" with every question skipped."""
        return self.client.post("/start", data={"csrf_token": self.token})

    def subscribe(self) -> TestResponse:
        """What static/js/push.js sends when the user turns reminders on."""
        phone = Receiver().subscription("http://127.0.0.1:9/push/a-phone")
        return self.client.post(
            "/settings/reminders/devices", json=phone, headers={"X-CSRFToken": self.token}
        )


def assert_try_again_page(response: TestResponse) -> None:
    """A 503 in plain words with Retry-After, never a stack trace."""
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert f"<h1>{BUSY_TITLE}</h1>" in page
    assert TRY_AGAIN in page
    assert "Traceback" not in page and "OperationalError" not in page


def count_users(app: Flask) -> int:
    with Session(app.extensions["hipday"].store.engine) as session:
        return int(session.exec(select(func.count()).select_from(User)).one())


# --- SQLite: another writer holds the lock ------------------------------------------------------


@contextmanager
def write_lock(path: Path) -> Iterator[None]:
    """Hold SQLite's write lock from a connection of another program until the block ends."""
    holder = sqlite3.connect(path, isolation_level=None, timeout=5)
    try:
        holder.execute("BEGIN IMMEDIATE")
        yield
        holder.execute("ROLLBACK")
    finally:
        holder.close()


@pytest.fixture
def impatient_app(tmp_path: Path) -> Iterator[Flask]:
    """The app on a SQLite file, waiting only 0.2 s for a lock another writer holds."""
    if ON_POSTGRES:
        pytest.skip("SQLite's file lock; PostgreSQL has the forwarder test below")
    url = f"sqlite:///{tmp_path / 'hipday.sqlite3'}?timeout=0.2"
    application = make_app(tmp_path, DATABASE_URL=url)
    yield application
    application.extensions["hipday"].store.engine.dispose()


def test_a_finish_while_the_database_is_locked_says_try_again_and_its_retry_stores_it_once(
    impatient_app: Flask, tmp_path: Path
) -> None:
    visitor = Visitor(impatient_app)
    op_id = f"locked-{uuid.uuid4().hex}"

    with write_lock(tmp_path / "hipday.sqlite3"):
        from_player = visitor.finish(op_id)  # htmx: the player keeps it on the phone
        from_form = visitor.finish(op_id, htmx=False)  # no JavaScript: the page says it
        assert stored(impatient_app, [op_id]) == {}, "reading still works while a writer waits"

    assert from_player.status_code == 503
    assert from_player.headers["Retry-After"] == "5"
    assert_try_again_page(from_form)
    assert stored(impatient_app, [op_id]) == {}, "nothing of the refused finish was saved"
    retried = visitor.finish(op_id)
    assert retried.status_code == 201
    assert visitor.finish(op_id).status_code == 200
    assert stored(impatient_app, [op_id]) == {op_id: 1}


def test_pages_while_the_database_is_locked(impatient_app: Flask, tmp_path: Path) -> None:
    """A first visit reads like any page (no account is made before a first save), and a first
    save gets the "try again" page and makes no account; a returning visitor still reads Today,
    since a waiting writer doesn't stop readers; a JSON call gets JSON."""
    returning = Visitor(impatient_app)
    assert returning.make_plan().status_code == 303
    newcomer = Visitor(impatient_app)
    guests = count_users(impatient_app)

    with write_lock(tmp_path / "hipday.sqlite3"):
        first_visit = impatient_app.test_client().get("/")
        first_save = newcomer.make_plan()
        today = returning.client.get("/")
        turned_on = returning.subscribe()

    assert first_visit.status_code == 200
    assert_try_again_page(first_save)
    assert count_users(impatient_app) == guests, "no account was made"
    assert today.status_code == 200
    assert turned_on.status_code == 503
    assert turned_on.headers["Retry-After"] == "5"
    answer = turned_on.get_json()
    assert set(answer) == {"error"} and TRY_AGAIN in answer["error"]

    assert newcomer.make_plan().status_code == 303
    assert count_users(impatient_app) == guests + 1
    assert returning.subscribe().status_code == 201


# --- Every connection of the pool busy -----------------------------------------------------------


def test_when_no_database_connection_frees_up_in_time_the_answer_is_try_again(app: Flask) -> None:
    """The pool waits 30 s for a free connection by default; 0.2 s here."""
    visitor = Visitor(app)
    engine = app.extensions["hipday"].store.engine
    pool = engine.pool
    pool._timeout = 0.2  # type: ignore[attr-defined]
    op_id = f"crowded-{uuid.uuid4().hex}"
    taken = [engine.connect() for _ in range(pool.size() + pool._max_overflow)]  # type: ignore[attr-defined]
    try:
        refused = visitor.finish(op_id, htmx=False)
        page = visitor.client.get("/")
    finally:
        for connection in taken:
            connection.close()

    assert_try_again_page(refused)
    assert_try_again_page(page)
    assert stored(app, [op_id]) == {}
    assert visitor.finish(op_id).status_code == 201
    assert stored(app, [op_id]) == {op_id: 1}


# --- PostgreSQL: the network to the server drops ------------------------------------------------


class Forwarder:
    """A TCP relay on 127.0.0.1 to a database server, which a test can cut and restore.

    Cut, it closes every relayed connection and refuses new ones; restored, it listens on the
    same port again.
    """

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def open(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._spawn(self._accept, listener)

    def cut(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            relayed, self._sockets = self._sockets, set()
        for relayed_socket in relayed:
            try:
                relayed_socket.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            relayed_socket.close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads = []

    def _spawn(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        self._threads.append(thread)
        thread.start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._sockets |= {client, server}
            self._spawn(self._pump, client, server)
            self._spawn(self._pump, server, client)

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        try:
            sink.shutdown(socket.SHUT_WR)
        except OSError:
            pass


@pytest.fixture
def forwarded_app(tmp_path: Path) -> Iterator[tuple[Flask, Forwarder]]:
    """The app on the test's PostgreSQL database, reached through a forwarder."""
    if not ON_POSTGRES:
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL (make test-postgres)")
    direct = make_url(database_url(tmp_path))
    forwarder = Forwarder(direct.host or "127.0.0.1", direct.port or 5432)
    forwarder.open()
    through = direct.set(host="127.0.0.1", port=forwarder.port)
    application = make_app(tmp_path, DATABASE_URL=through.render_as_string(hide_password=False))
    try:
        yield application, forwarder
    finally:
        application.extensions["hipday"].store.engine.dispose()
        forwarder.cut()


def test_postgresql_out_of_reach_says_try_again_and_the_app_recovers_without_a_restart(
    forwarded_app: tuple[Flask, Forwarder],
) -> None:
    app, forwarder = forwarded_app
    visitor = Visitor(app)
    op_id = f"cut-{uuid.uuid4().hex}"

    forwarder.cut()
    refused = visitor.finish(op_id, htmx=False)
    page = visitor.client.get("/")
    forwarder.open()

    assert_try_again_page(refused)
    assert_try_again_page(page)
    assert visitor.client.get("/").status_code == 200
    assert stored(app, [op_id]) == {}
    assert visitor.finish(op_id).status_code == 201
    assert visitor.finish(op_id).status_code == 200
    assert stored(app, [op_id]) == {op_id: 1}


def test_connections_the_database_dropped_while_idle_are_replaced_before_a_page_uses_them(
    forwarded_app: tuple[Flask, Forwarder], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pooled connection that lay idle is pinged before it is handed out again, so a visitor
    after a database restart gets the page, not "try again"."""
    app, forwarder = forwarded_app
    visitor = Visitor(app)
    assert visitor.client.get("/").status_code == 200
    forwarder.cut()
    forwarder.open()
    monkeypatch.setattr(db, "IDLE_BEFORE_PING", 0.0)  # every pooled connection has lain idle
    assert visitor.client.get("/").status_code == 200
    op_id = f"after-{uuid.uuid4().hex}"
    assert visitor.finish(op_id).status_code == 201
    assert stored(app, [op_id]) == {op_id: 1}
