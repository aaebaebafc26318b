"""Securing a guest account and logging in on another device, with the guest's sessions coming along."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert
from sqlmodel import Session, select
from werkzeug.test import TestResponse

from routines.bounds import MOST_SESSIONS, MOST_SESSIONS_A_DAY
from tests.integration.account_helpers import (
    PASSWORD,
    account_email,
    login,
    rows,
    secure,
    token_of,
)
from tests.integration.conftest import TOKEN, Visitor
from webapp.store.models import Completion, SignIn, User


def history(client: FlaskClient) -> str:
    """The history list as the page shows it (the main part, without per-device tokens)."""
    page = client.get("/progress/history").get_data(as_text=True)
    main = re.search(r"<main.*</main>", page, re.S)
    assert main
    return TOKEN.sub("", main.group(0))


def test_securing_keeps_the_guests_sessions_and_logs_this_device_in(
    app: Flask, visitor: Visitor
) -> None:
    visitor.finish()
    before = visitor.client.get_cookie("hipday")
    assert before is not None

    response = secure(visitor.client, email="  Runner@Example.COM ")

    assert response.status_code == 303
    assert response.headers["Location"].endswith("/account?done=secured")
    assert account_email(visitor.client) == "runner@example.com"
    assert "Your account is secured" in visitor.get("/account?done=secured").get_data(as_text=True)
    assert rows(app, Completion) == 1
    after = visitor.client.get_cookie("hipday")
    assert after is not None and after.value != before.value
    with Session(app.extensions["hipday"].store.engine) as session:
        user = session.exec(select(User)).one()
        assert user.password_hash and user.password_hash.startswith("scrypt:")
        assert PASSWORD not in user.password_hash


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": ""}, "Enter your email address."),
        ({"email": "runner.example.com"}, "Enter an email address like name@example.com."),
        ({"email": "runner@example"}, "Enter an email address like name@example.com."),
        ({"password": "short", "password_again": "short"}, "Use at least 8 characters"),
        ({"password": "x" * 201, "password_again": "x" * 201}, "Use at most 200 characters"),
        ({"password_again": "another horse battery"}, "The two passwords differ."),
    ],
)
def test_a_bad_secure_form_says_what_to_fix_keeps_the_email_and_saves_nothing(
    app: Flask, client: FlaskClient, fields: dict[str, str], message: str
) -> None:
    response = secure(client, **fields)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page.replace("&#39;", "'")
    assert 'role="alert"' in page
    if fields.get("email", "x") and "email" not in fields:
        assert 'value="runner@example.com"' in page
    assert PASSWORD not in page
    assert rows(app, User) == 0  # a visitor's refused first save makes no account
    assert rows(app, SignIn) == 0


def test_an_email_in_use_is_refused_without_saying_whose_it_is(app: Flask) -> None:
    secure(app.test_client())
    second = app.test_client()

    response = secure(second, email="RUNNER@example.com")

    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 422
    assert "can't be used for a new account" in page
    assert "taken" not in page and "already exists" not in page
    assert account_email(second) is None


def test_a_second_device_sees_the_same_history_plan_and_streak(
    app: Flask, visitor: Visitor
) -> None:
    visitor.finish(routine="desk-reset")
    secure(visitor.client)
    other = app.test_client()

    response = login(other)

    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert account_email(other) == "runner@example.com"
    assert history(other) == history(visitor.client)
    assert "Desk reset" in history(other)
    progress = [c.get("/progress").get_data(as_text=True) for c in (visitor.client, other)]
    streaks = [re.findall(r'id="streak-number"[^>]*>(\d+)<', page) for page in progress]
    assert streaks[0] and streaks[0] == streaks[1]


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(app: Flask) -> None:
    secure(app.test_client())
    client = app.test_client()

    wrong_password = login(client, password="not the password")
    unknown_email = login(client, email="nobody@example.com")

    def answer(response: TestResponse) -> str:
        main = re.search(r"<main.*</main>", response.get_data(as_text=True), re.S)
        assert main
        page = TOKEN.sub("", main.group(0))
        return re.sub(r'name="email" type="email" value="[^"]*"', "", page)

    assert wrong_password.status_code == unknown_email.status_code == 401
    assert answer(wrong_password) == answer(unknown_email)
    assert "match an account" in answer(unknown_email).replace("&#39;", "'")
    assert 'value="nobody@example.com"' in unknown_email.get_data(as_text=True)
    assert account_email(client) is None


def test_logging_in_starts_a_new_session_and_the_old_cookie_opens_nothing(app: Flask) -> None:
    secure(app.test_client())
    device = app.test_client()
    guest_cookie = device.get_cookie("hipday") or device.get("/") and device.get_cookie("hipday")
    assert guest_cookie is not None
    guest_token = token_of(device)

    login(device)

    assert device.get_cookie("hipday").value != guest_cookie.value  # type: ignore[union-attr]
    assert token_of(device) != guest_token
    replay = app.test_client()
    replay.set_cookie("hipday", guest_cookie.value)
    assert account_email(replay) is None


def test_a_guests_sessions_come_along_once_when_logging_in(app: Flask) -> None:
    phone = Visitor(app.test_client())
    run, desk = uuid.uuid4().hex, uuid.uuid4().hex
    assert phone.finish(key=run).status_code == 303
    secure(phone.client)
    laptop = Visitor(app.test_client())
    assert laptop.finish(key=run).status_code == 303  # the same session, sent from both phones
    assert laptop.finish(key=desk, routine="desk-reset").status_code == 303
    guests_before = rows(app, User)

    login(laptop.client)

    assert rows(app, Completion) == 2
    assert rows(app, User) == guests_before - 1  # the laptop's guest account is gone
    assert history(laptop.client) == history(phone.client)
    assert "Desk reset" in history(phone.client)


def add_sessions(app: Flask, user_id: int, days: list[date]) -> None:
    """Sessions already in the account, one on each of `days`, inserted in bulk."""
    rows = [
        {
            "public_id": uuid.uuid4().hex, "user_id": user_id, "op_id": f"kept-{n:06d}",
            "routine_slug": "desk-reset", "local_date": day, "time_zone": "UTC",
            "started_at": datetime.combine(day, time(5), UTC),
            "ended_at": datetime.combine(day, time(5, 5), UTC), "steps_done": 10,
            "steps_total": 10, "note": "", "created_at": datetime.combine(day, time(5, 5), UTC),
        }
        for n, day in enumerate(days)
    ]  # fmt: skip
    with app.extensions["hipday"].store.engine.begin() as connection:
        connection.execute(insert(Completion.__table__), rows)  # type: ignore[arg-type]


def op_ids_of(app: Flask, user_id: int) -> set[str]:
    with Session(app.extensions["hipday"].store.engine) as session:
        query = select(Completion.op_id).where(Completion.user_id == user_id)
        return set(session.exec(query).all())


def laptop_with_sessions(app: Flask, *ended: str) -> Visitor:
    """A guest device that finished a session ending at each of `ended` (UTC)."""
    laptop = Visitor(app.test_client())
    for n, end in enumerate(ended):
        finished = laptop.finish(
            key=f"laptop-{n:04d}", started_at=end.replace(":07:", ":00:"), ended_at=end,
            time_zone="UTC",
        )  # fmt: skip
        assert finished.status_code == 303
    return laptop


def test_logging_in_brings_only_the_newest_guest_sessions_a_full_day_has_room_for(
    app: Flask,
) -> None:
    phone = Visitor(app.test_client())
    assert phone.finish(key="phone-0001", time_zone="UTC").status_code == 303
    secure(phone.client)
    owner = phone.account_id()
    add_sessions(app, owner, [date(2026, 2, 20)] * (MOST_SESSIONS_A_DAY - 2))
    laptop = laptop_with_sessions(
        app, "2026-02-20T08:07:00Z", "2026-02-20T10:07:00Z", "2026-02-20T09:07:00Z",
        "2026-02-21T08:07:00Z", "2026-02-20T07:07:00Z",
    )  # fmt: skip
    laptop.finish(key="phone-0001", time_zone="UTC")  # already in the account: counts once

    logged_in = login(laptop.client)

    kept = {key for key in op_ids_of(app, owner) if key.startswith("laptop-")}
    assert kept == {"laptop-0001", "laptop-0003"}  # 20 February's newest, and 21 February's
    assert logged_in.status_code == 303
    notice = laptop.get(logged_in.location).get_data(as_text=True)
    assert "3 sessions this device logged as a guest didn&#39;t fit" in notice
    assert f"at most {MOST_SESSIONS_A_DAY} sessions a day" in notice


def test_logging_in_to_a_full_account_brings_only_what_fits_and_says_what_was_left(
    app: Flask,
) -> None:
    phone = Visitor(app.test_client())
    secure(phone.client)
    owner = phone.account_id()
    first = date(2024, 1, 1)
    add_sessions(app, owner, [first + timedelta(days=n // 20) for n in range(MOST_SESSIONS - 1)])
    laptop = laptop_with_sessions(app, "2026-02-20T08:07:00Z", "2026-02-21T08:07:00Z")

    logged_in = login(laptop.client)

    assert len(op_ids_of(app, owner)) == MOST_SESSIONS
    assert "laptop-0001" in op_ids_of(app, owner)  # the newer of the two
    notice = laptop.get(logged_in.location).get_data(as_text=True)
    assert "1 session this device logged as a guest didn&#39;t fit" in notice
    assert laptop.client.get("/").status_code == 200


def test_logging_in_with_room_for_everything_opens_today(app: Flask) -> None:
    phone = Visitor(app.test_client())
    secure(phone.client)
    laptop = laptop_with_sessions(app, "2026-02-20T08:07:00Z")

    logged_in = login(laptop.client)

    assert logged_in.location == "/"
    assert "laptop-0000" in op_ids_of(app, phone.account_id())
