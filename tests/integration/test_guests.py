"""Guest accounts: none for a visit that saves nothing, one on the first save, pruned when idle."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, func, select

from tests.conftest import make_app
from tests.integration.conftest import TOKEN, Visitor
from webapp.clock import fixed_clock
from webapp.scheduler import process
from webapp.store.models import Completion, ProgramVersion, User

PAGES = ["/", "/routines", "/play/desk-reset", "/progress", "/start", "/settings", "/account"]


def users(app: Flask) -> list[User]:
    with Session(app.extensions["hipday"].store.engine) as session:
        return list(session.exec(select(User).order_by(User.id)).all())


def count(app: Flask, table: type[Completion] | type[ProgramVersion]) -> int:
    with Session(app.extensions["hipday"].store.engine) as session:
        return int(session.exec(select(func.count()).select_from(table)).one())


def token_of(client: FlaskClient, path: str = "/settings") -> str:
    found = TOKEN.search(client.get(path).get_data(as_text=True))
    assert found, f"{path} carries a CSRF token"
    return found.group(1)


def body_zone(client: FlaskClient) -> str:
    found = re.search(r'data-time-zone="([^"]+)"', client.get("/").get_data(as_text=True))
    assert found
    return found.group(1)


# No account for a visit that saves nothing


def test_forty_cookieless_visits_make_no_account(app: Flask) -> None:
    statuses = {app.test_client().get(PAGES[n % len(PAGES)]).status_code for n in range(40)}

    assert statuses == {200}
    assert users(app) == []


def test_a_visitor_without_an_account_browses_every_page_as_a_new_guest(
    visitor: Visitor, app: Flask
) -> None:
    for path in PAGES:
        response = visitor.get(path)
        assert response.status_code == 200, path
    today = visitor.get("/").get_data(as_text=True)
    assert "Plan my weeks" in today
    assert visitor.get("/settings/data/sessions.csv").status_code == 200
    assert users(app) == []


def test_the_first_save_makes_exactly_one_account_and_the_next_saves_use_it(
    visitor: Visitor, app: Flask
) -> None:
    visitor.get("/")
    assert visitor.finish().status_code == 303
    assert len(users(app)) == 1
    assert visitor.finish(routine="desk-reset").status_code == 303

    assert len(users(app)) == 1
    assert count(app, Completion) == 2
    history = visitor.get("/progress/history").get_data(as_text=True)
    assert "Pre-run warm-up" in history and "Desk reset" in history


def test_onboarding_is_a_first_save_with_the_form_token_from_a_visit_without_an_account(
    client: FlaskClient, app: Flask
) -> None:
    token = token_of(client, "/start")
    assert users(app) == []

    response = client.post("/start", data={"csrf_token": token, "goal": "running"})

    assert response.status_code == 303
    assert len(users(app)) == 1 and count(app, ProgramVersion) == 1
    assert "Your plan" in client.get("/plan").get_data(as_text=True)


def test_a_save_without_the_form_token_is_refused_and_makes_no_account(
    client: FlaskClient, app: Flask
) -> None:
    client.get("/")
    response = client.post("/start", data={"goal": "running"})

    assert response.status_code == 400
    assert users(app) == []


def test_a_first_save_that_is_refused_leaves_no_account_and_the_next_one_makes_it(
    client: FlaskClient, app: Flask
) -> None:
    token = token_of(client, "/start")

    refused = client.post("/start", data={"csrf_token": token, "goal": "juggling"})
    assert refused.status_code == 422
    assert users(app) == []

    saved = client.post("/start", data={"csrf_token": token, "goal": "running"})
    assert saved.status_code == 303
    assert len(users(app)) == 1


def test_two_first_saves_sent_at_once_from_one_cookie_make_one_account(app: Flask) -> None:
    phone = Visitor(app.test_client())
    token = phone.csrf_token()
    cookie = phone.client.get_cookie("hipday")
    assert cookie is not None
    # The same cookie, sent again before the first save's answer set the new one.
    outbox = Visitor(app.test_client())
    outbox.client.set_cookie("hipday", cookie.value)

    first = phone.client.post("/start", data={"csrf_token": token})
    second = outbox.finish(csrf_token=token)

    assert first.status_code == second.status_code == 303
    assert len(users(app)) == 1
    assert count(app, Completion) == 1 and count(app, ProgramVersion) == 1
    assert "Pre-run warm-up" in phone.get("/progress/history").get_data(as_text=True)


def test_the_phones_time_zone_waits_in_the_cookie_until_the_first_save(
    client: FlaskClient, app: Flask
) -> None:
    token = token_of(client)
    detected = client.post(
        "/settings/time-zone/detected",
        data={"time_zone": "Pacific/Kiritimati"},
        headers={"X-CSRFToken": token},
    )
    assert detected.status_code == 204
    assert users(app) == []
    assert body_zone(client) == "Pacific/Kiritimati"

    assert client.post("/start", data={"csrf_token": token}).status_code == 303

    [user] = users(app)
    assert (user.time_zone, user.time_zone_auto) == ("Pacific/Kiritimati", True)
    assert body_zone(client) == "Pacific/Kiritimati"


def test_logging_in_from_a_visit_without_an_account_makes_no_guest(app: Flask) -> None:
    phone = app.test_client()
    token = token_of(phone, "/account")
    form = {"email": "runner@example.com", "password": "a long phrase", "password_again": ""}
    secured = phone.post(
        "/account/secure",
        data={**form, "csrf_token": token, "password_again": form["password"]},
    )
    assert secured.status_code == 303
    laptop = app.test_client()
    login = {"csrf_token": token_of(laptop, "/login"), "email": form["email"]}

    wrong = laptop.post("/login", data={**login, "password": "not it at all"})
    right = laptop.post("/login", data={**login, "password": form["password"]})

    assert (wrong.status_code, right.status_code) == (401, 303)
    assert len(users(app)) == 1
    assert "As <strong>runner@example.com</strong>" in laptop.get("/account").get_data(as_text=True)


def test_a_returning_guest_is_noted_as_seen_once_a_day(tmp_path: Path) -> None:
    first = at(tmp_path, date(2026, 1, 1))
    phone = Visitor(first.test_client())
    phone.finish(started_at="2026-01-01T07:00:00Z", ended_at="2026-01-01T07:07:00Z")
    later = at(tmp_path, date(2026, 1, 20))
    returning = later.test_client()
    cookie = phone.client.get_cookie("hipday")
    assert cookie is not None
    returning.set_cookie("hipday", cookie.value)

    assert [u.last_seen_on for u in users(first)] == [date(2026, 1, 1)]
    returning.get("/")
    returning.get("/progress")
    assert [u.last_seen_on for u in users(first)] == [date(2026, 1, 20)]
    for app in (first, later):
        app.extensions["hipday"].store.engine.dispose()


# Pruning guests who never came back

DAY_ONE = date(2026, 1, 1)


def at(folder: Path, day: date) -> Flask:
    """The app on the database of `folder`, its clock at 09:00 UTC on `day`."""
    return make_app(folder, CLOCK=fixed_clock(datetime.combine(day, time(9), UTC)))


@pytest.fixture
def apps(tmp_path: Path) -> Iterator[list[Flask]]:
    made: list[Flask] = []
    yield made
    for app in made:
        app.extensions["hipday"].store.engine.dispose()


def guest_on(folder: Path, day: date, apps: list[Flask], saves: str) -> str:
    """A guest who first came on `day` and saved one thing; returns their public id."""
    app = at(folder, day)
    apps.append(app)
    visitor = Visitor(app.test_client())
    token = visitor.csrf_token()
    if saves == "session":
        ended = datetime.combine(day, time(8), UTC)
        start = ended - timedelta(minutes=7)
        visitor.finish(started_at=start.isoformat(), ended_at=ended.isoformat())
    elif saves == "program":
        visitor.client.post("/start", data={"csrf_token": token})
    elif saves == "secured":
        visitor.client.post(
            "/account/secure",
            data={
                "csrf_token": token,
                "email": f"{day:%Y%m%d}@example.com",
                "password": "a long phrase",
                "password_again": "a long phrase",
            },
        )
    else:  # a setting only: kept in the row, but nothing worth keeping an account for
        visitor.client.post("/settings/time-zone", data={"csrf_token": token, "time_zone": "UTC"})
    user = users(app)[-1]
    return user.public_id


def prune_on(folder: Path, day: date, apps: list[Flask]) -> str:
    app = at(folder, day)
    apps.append(app)
    result = app.test_cli_runner().invoke(args=["guests", "prune"])
    assert result.exit_code == 0, result.output
    return result.output


def remaining(apps: list[Flask]) -> set[str]:
    return {user.public_id for user in users(apps[0])}


def test_prune_deletes_guests_with_nothing_kept_unseen_for_thirty_days(
    tmp_path: Path, apps: list[Flask]
) -> None:
    idle = guest_on(tmp_path, DAY_ONE, apps, saves="a setting")
    recent = guest_on(tmp_path, DAY_ONE + timedelta(days=10), apps, saves="a setting")
    kept = {
        guest_on(tmp_path, DAY_ONE, apps, saves=thing)
        for thing in ("session", "program", "secured")
    }

    assert "Deleted 0 guest accounts" in prune_on(tmp_path, DAY_ONE + timedelta(days=30), apps)
    assert remaining(apps) == {idle, recent, *kept}

    output = prune_on(tmp_path, DAY_ONE + timedelta(days=31), apps)

    assert "Deleted 1 guest accounts with nothing saved" in output
    assert remaining(apps) == {recent, *kept}


def test_prune_deletes_any_guest_unseen_for_the_cookies_lifetime_but_no_secured_account(
    tmp_path: Path, apps: list[Flask]
) -> None:
    lost = {guest_on(tmp_path, DAY_ONE, apps, saves=thing) for thing in ("session", "program")}
    secured = guest_on(tmp_path, DAY_ONE, apps, saves="secured")
    later = guest_on(tmp_path, DAY_ONE + timedelta(days=1), apps, saves="session")
    sessions = count(apps[0], Completion)

    prune_on(tmp_path, DAY_ONE + timedelta(days=401), apps)
    assert remaining(apps) == {*lost, secured, later}

    output = prune_on(tmp_path, DAY_ONE + timedelta(days=402), apps)

    assert "and 2 unseen for 401 days" in output
    assert remaining(apps) == {secured, later}
    assert count(apps[0], Completion) == sessions - 1


def test_the_scheduler_prunes_guests_by_its_own_clock(tmp_path: Path, apps: list[Flask]) -> None:
    idle = guest_on(tmp_path, DAY_ONE, apps, saves="a setting")
    kept = guest_on(tmp_path, DAY_ONE, apps, saves="session")
    app = at(tmp_path, DAY_ONE + timedelta(days=31))
    apps.append(app)

    with app.app_context():
        pruned = process.prune_guests()

    assert pruned.idle_and_empty == 1
    assert idle not in remaining(apps)
    assert kept in remaining(apps)
