"""Nobody reaches another person's data: every route that names a session, a vacation, a device,
a reminder or a calendar feed by id or token answers another user with a 404 and changes nothing.

`ATTEMPTS` is the table: one row per route and way of naming someone else's row. A guard test
reads `app.url_map` and fails when a route with a variable in its path, or a POST route, is
neither in the table nor listed in `NOT_OWNED` with the reason it names nothing of anyone's.
"""

from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, MetaData, Table, select
from werkzeug.test import TestResponse

from tests.conftest import TEST_TODAY, make_app
from tests.integration.conftest import TOKEN, Visitor
from tests.push.service import Receiver
from webapp import extensions
from webapp.services import plans, reminders
from webapp.store.models import Passkey
from webapp.store.training import TrainingStore

FORM_TOKEN = re.compile(r'name="csrf_token" value="[^"]*"')

HTMX = {"HX-Request": "true"}

# Accounts, with one row of every kind


@dataclass
class Account:
    """A guest with data of every kind, and the ids and tokens that name it."""

    visitor: Visitor
    user_id: int
    token: str  # CSRF
    session_id: str = ""  # a logged session's public id
    op_id: str = ""  # that session's idempotency key
    vacation_id: int = 0
    skipped_day: str = ""
    planned_day: str = ""
    device_id: str = ""
    device_endpoint: str = ""
    calendar_token: str = ""
    old_calendar_token: str = ""
    reminder_token: str = ""
    export: bytes = b""
    email: str = ""
    password: str = ""
    sign_in_id: str = ""  # this device's sign-in, once the account is secured
    passkey_id: str = ""
    passkey_credential: str = ""


def local_today() -> date:
    """A guest's local date on the pinned day: guests start in UTC."""
    return TEST_TODAY


def csrf_token_of(visitor: Visitor, path: str = "/settings") -> str:
    found = TOKEN.search(visitor.get(path).get_data(as_text=True))
    assert found, f"{path} carries a CSRF token"
    return found.group(1)


def user_id_of(visitor: Visitor) -> int:
    return visitor.account_id()


def post(account: Account, url: str, **form: Any) -> TestResponse:
    return account.visitor.client.post(url, data={"csrf_token": account.token, **form})


def new_account(
    app: Flask, *, with_plan: bool = True, endpoint: str | None = None, secured: bool = True
) -> Account:
    """Someone who logged a session, made a plan with a skip and a vacation, turned reminders on
    for a device, made a calendar feed (then replaced it) and secured the account with an email,
    a password and a passkey, as the app's own forms do it (the passkey is stored directly: only
    a real authenticator could make one)."""
    visitor = Visitor(app.test_client())
    # Each person comes from an address of their own, as on the internet (limits count per address).
    address = uuid.uuid4().bytes
    visitor.client.environ_base["REMOTE_ADDR"] = f"10.{address[0]}.{address[1]}.{address[2]}"
    token = csrf_token_of(visitor)
    account = Account(visitor, user_id_of(visitor), token)
    account.op_id = uuid.uuid4().hex
    finished = visitor.finish(key=account.op_id, note="private note " + account.op_id[:8])
    assert finished.status_code == 303, finished.status_code
    found = re.match(r"/sessions/([0-9a-f]+)\?", finished.headers["Location"])
    assert found, finished.headers["Location"]
    account.session_id = found.group(1)
    store: TrainingStore = app.extensions["hipday"].store
    if with_plan:
        _plan(app, account, store)
    _reminders(app, account, store, endpoint)
    assert post(account, "/settings/calendar").status_code == 303
    account.old_calendar_token = _calendar_token(store, account)
    assert post(account, "/settings/calendar").status_code == 303
    account.calendar_token = _calendar_token(store, account)
    account.export = visitor.get("/settings/data/hipday.json").get_data()
    if secured:
        _secure(app, account)
    return account


def _secure(app: Flask, account: Account) -> None:
    account.email = f"{account.op_id[:12]}@example.com"
    account.password = "correct horse " + account.op_id[:8]
    form = {"email": account.email, "password": account.password}
    assert (
        post(account, "/account/secure", **form, password_again=account.password).status_code == 303
    )
    account.token = csrf_token_of(account.visitor)  # signing in starts a new session
    accounts = app.extensions["hipday"].accounts
    account.sign_in_id = accounts.sign_ins(account.user_id)[0].public_id
    account.passkey_credential = "credential-" + account.op_id
    passkey = Passkey(
        user_id=account.user_id, credential_id=account.passkey_credential, public_key=b"key"
    )
    assert accounts.add_passkey(passkey)
    account.passkey_id = accounts.passkeys(account.user_id)[0].public_id


def _plan(app: Flask, account: Account, store: TrainingStore) -> None:
    days = ["mon", "tue", "wed", "thu", "fri", "sat"]
    assert post(account, "/start", days=days).status_code == 303
    user = store.user(account.user_id)
    assert user is not None
    plan = plans.plan_for(store, app.extensions["hipday"].catalog, user, local_today())
    assert plan is not None
    later = [
        d.day
        for w in plan.weeks
        for d in w.days
        if d.routine is not None and d.day > local_today() + timedelta(days=1)
    ]
    account.skipped_day, account.planned_day = later[0].isoformat(), later[1].isoformat()
    assert post(account, f"/plan/{account.skipped_day}/skip").status_code == 303
    first = local_today() + timedelta(days=30)
    vacation = {"first": first.isoformat(), "last": (first + timedelta(days=2)).isoformat()}
    assert post(account, "/plan/vacations", **vacation).status_code == 303
    account.vacation_id = plans.vacations(store, user)[0].id or 0


def _reminders(app: Flask, account: Account, store: TrainingStore, endpoint: str | None) -> None:
    form = {
        "session_on": "on",
        "session_at": "07:30",
        "session_follow": "days",
        "session_days": ["mon", "wed", "fri"],
        "desk_every": "90",
        "desk_from": "09:00",
        "desk_until": "17:00",
        "desk_days": ["mon", "tue", "wed", "thu", "fri"],
        "paused_until": "",
    }
    assert post(account, "/settings/reminders", **form).status_code == 303
    subscription = Receiver().subscription(
        endpoint or f"http://127.0.0.1:9/push/{uuid.uuid4().hex}"
    )
    headers = {"X-CSRFToken": account.token}
    response = account.visitor.client.post(
        "/settings/reminders/devices", json=subscription, headers=headers
    )
    assert response.status_code == 201
    account.device_id = response.get_json()["id"]
    account.device_endpoint = subscription["endpoint"]
    user = store.user(account.user_id)
    assert user is not None
    reminder = app.extensions["hipday"].reminders.reminders(account.user_id)["session"]
    with app.app_context():
        account.reminder_token = reminders.action_token(
            extensions.links(), user, reminder, local_today()
        )


def _calendar_token(store: TrainingStore, account: Account) -> str:
    user = store.user(account.user_id)
    assert user is not None and user.calendar_token
    return user.calendar_token


# Everything that belongs to one user, as stored


def rows_of(engine: Engine, user_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table that belongs to `user_id`: the user's own row, rows with their
    user_id, and rows hanging off those (a session's exercises, a reminder's deliveries)."""
    metadata = MetaData()
    metadata.reflect(engine)
    users = metadata.tables["user"]
    owned: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for name, table in sorted(metadata.tables.items()):
            query = _owned_rows(table, users, user_id)
            if query is not None:
                order = list(table.primary_key.columns) or list(table.columns)
                owned[name] = [tuple(r) for r in connection.execute(query.order_by(*order))]
    return owned


def _owned_rows(table: Table, users: Table, user_id: int) -> Any:
    if table is users:
        return select(table).where(users.c.id == user_id)
    if "user_id" in table.c:
        return select(table).where(table.c.user_id == user_id)
    for key in table.foreign_keys:
        parent = key.column.table
        if "user_id" in parent.c:
            theirs = select(key.column).where(parent.c.user_id == user_id)
            return select(table).where(key.parent.in_(theirs))
    return None


# The table of attempts


@dataclass(frozen=True)
class World:
    app: Flask
    owner: Account  # whose data is tried
    intruder: Account  # who tries, with data of their own but no plan


@dataclass(frozen=True)
class Attempt:
    """Someone else trying one route on the owner's id or token."""

    endpoint: str
    what: str
    status: int
    run: Callable[[World], TestResponse]
    #: What the answer must not show (the owner's private words), when it is a page.
    hides: Callable[[World], list[str]] = lambda w: [w.owner.session_id, w.owner.op_id]


def _unknown_id() -> str:
    return uuid.uuid4().hex


def _htmx_remove(world: World, device: str) -> TestResponse:
    form = {"csrf_token": world.intruder.token, "device": device}
    return world.intruder.visitor.client.post(
        "/settings/reminders/devices/remove", data=form, headers=HTMX
    )


def _without_form_tokens(response: TestResponse) -> str:
    """The page without its CSRF tokens: they carry a timestamp, so two answers a second apart
    differ there even when they say the same."""
    return FORM_TOKEN.sub('name="csrf_token" value=""', response.get_data(as_text=True))


def _json_remove(world: World, endpoint: str) -> TestResponse:
    return world.intruder.visitor.client.post(
        "/settings/reminders/devices/remove",
        json={"endpoint": endpoint},
        headers={"X-CSRFToken": world.intruder.token},
    )


def _act(world: World, action: str, client: Any = None) -> TestResponse:
    body = {"token": world.owner.reminder_token, "action": action}
    return (client or world.intruder.visitor.client).post("/reminders/act", json=body)


def _import(world: World) -> TestResponse:
    upload = (io.BytesIO(world.owner.export), "hipday.json")
    form = {"csrf_token": world.intruder.token, "file": upload}
    return world.intruder.visitor.client.post(
        "/settings/data/import", data=form, content_type="multipart/form-data"
    )


def _as_guest(world: World, url: str, **form: str) -> TestResponse:
    """`url` posted by a brand-new guest of its own."""
    guest = Visitor(world.app.test_client())
    return guest.client.post(url, data={"csrf_token": csrf_token_of(guest), **form})


def _passkey_login(world: World) -> TestResponse:
    client = world.intruder.visitor.client
    headers = {"X-CSRFToken": world.intruder.token}
    assert client.post("/login/passkey/options", headers=headers).status_code == 200
    credential = {
        "id": world.owner.passkey_credential,
        "rawId": world.owner.passkey_credential,
        "type": "public-key",
        "response": {"clientDataJSON": "e30", "authenticatorData": "AA", "signature": "AA"},
    }
    return client.post("/login/passkey", json=credential, headers=headers)


ATTEMPTS = [
    Attempt("player.summary", "open the owner's session", 404,
            lambda w: w.intruder.visitor.get(f"/sessions/{w.owner.session_id}")),
    Attempt("player.change_feedback", "change the owner's session feedback", 404,
            lambda w: post(w.intruder, f"/sessions/{w.owner.session_id}/feedback",
                           effort="9", pain="9", note="not yours")),
    Attempt("player.finish", "log a session with the owner's idempotency key (form)", 303,
            lambda w: w.intruder.visitor.finish(key=w.owner.op_id)),
    Attempt("player.finish", "log a session with the owner's Idempotency-Key header", 303,
            lambda w: w.intruder.visitor.client.post(
                "/sessions",
                data={"csrf_token": w.intruder.token, "routine": "desk-reset",
                      "started_at": "2026-02-20T07:00:00Z", "ended_at": "2026-02-20T07:05:00Z",
                      "steps_done": "1", "steps_total": "1", "time_zone": "UTC"},
                headers={"Idempotency-Key": w.owner.op_id})),
    Attempt("progress.history", "list history (the owner's sessions must not show)", 200,
            lambda w: w.intruder.visitor.get("/progress/history?page=1")),
    Attempt("plan.day", "open a day the owner skipped (the intruder has no plan)", 404,
            lambda w: w.intruder.visitor.get(f"/plan/{w.owner.skipped_day}")),
    Attempt("plan.skip", "skip a day of the owner's plan", 404,
            lambda w: post(w.intruder, f"/plan/{w.owner.planned_day}/skip")),
    Attempt("plan.unskip", "take back the owner's skip (only the intruder's own would go)", 303,
            lambda w: post(w.intruder, f"/plan/{w.owner.skipped_day}/unskip")),
    Attempt("plan.move", "move a day of the owner's plan", 404,
            lambda w: post(w.intruder, f"/plan/{w.owner.planned_day}/move",
                           target=w.owner.skipped_day)),
    Attempt("plan.delete_vacation", "delete the owner's vacation", 404,
            lambda w: post(w.intruder, f"/plan/vacations/{w.owner.vacation_id}/delete")),
    Attempt("reminders.unsubscribe", "remove the owner's device from the list", 404,
            lambda w: post(w.intruder, "/settings/reminders/devices/remove",
                           device=w.owner.device_id)),
    Attempt("reminders.unsubscribe", "remove the owner's device with htmx (the intruder's "
            "list comes back, as for an unknown id)", 200,
            lambda w: _htmx_remove(w, w.owner.device_id)),
    Attempt("reminders.unsubscribe", "turn off the owner's browser by its endpoint (204, as "
            "for an unknown endpoint)", 204,
            lambda w: _json_remove(w, w.owner.device_endpoint)),
    Attempt("reminders.act", "snooze the owner's reminder with its notification token", 404,
            lambda w: _act(w, "snooze")),
    Attempt("reminders.act", "skip the owner's reminder with its notification token", 404,
            lambda w: _act(w, "skip")),
    Attempt("reminders.act", "skip the owner's reminder from a browser with no account", 404,
            lambda w: _act(w, "skip", w.app.test_client())),
    Attempt("settings.feed", "read the owner's replaced calendar feed", 404,
            lambda w: w.intruder.visitor.get(f"/calendar/{w.owner.old_calendar_token}.ics")),
    Attempt("settings.feed", "read a calendar feed by a made-up token", 404,
            lambda w: w.app.test_client().get(f"/calendar/{_unknown_id()}.ics")),
    Attempt("settings.feed", "read a feed by the owner's token with one letter changed", 404,
            lambda w: w.app.test_client().get(
                f"/calendar/{w.owner.calendar_token[:-1]}"
                f"{'A' if w.owner.calendar_token[-1] != 'A' else 'B'}.ics")),
    Attempt("settings.new_feed", "make a new calendar feed (the owner's keeps working)", 303,
            lambda w: post(w.intruder, "/settings/calendar")),
    Attempt("settings.revoke_feed", "turn off a calendar feed (only the intruder's own)", 303,
            lambda w: post(w.intruder, "/settings/calendar/revoke")),
    Attempt("data.export_json", "download everything as JSON", 200,
            lambda w: w.intruder.visitor.get("/settings/data/hipday.json")),
    Attempt("data.export_csv_zip", "download everything as CSV files", 200,
            lambda w: w.intruder.visitor.get("/settings/data/hipday-csv.zip")),
    Attempt("data.export_sessions_csv", "download the sessions as CSV", 200,
            lambda w: w.intruder.visitor.get("/settings/data/sessions.csv")),
    Attempt("data.import_file", "import the owner's export (copies, the owner's untouched)", 303,
            _import, hides=lambda w: []),
    Attempt("data.delete_account", "delete the account (only the intruder's own goes)", 303,
            lambda w: post(w.intruder, "/settings/delete", confirm="yes")),
    Attempt("account.end_device", "log out the owner's device", 404,
            lambda w: post(w.intruder, f"/account/devices/{w.owner.sign_in_id}/logout")),
    Attempt("account.end_device", "log out the owner's device, as a guest", 404,
            lambda w: _as_guest(w, f"/account/devices/{w.owner.sign_in_id}/logout")),
    Attempt("account.remove_passkey", "remove the owner's passkey", 404,
            lambda w: post(w.intruder, f"/account/passkeys/{w.owner.passkey_id}/remove")),
    Attempt("account.remove_passkey", "remove the owner's passkey, as a guest", 404,
            lambda w: _as_guest(w, f"/account/passkeys/{w.owner.passkey_id}/remove")),
    Attempt("account.login", "log in to the owner's account with a wrong password", 401,
            lambda w: post(w.intruder, "/login", email=w.owner.email, password="not theirs!")),
    Attempt("account.login_passkey", "log in with the owner's passkey id and no signature", 401,
            _passkey_login),
    Attempt("account.secure", "secure an account with the owner's email (as a guest)", 422,
            lambda w: _as_guest(w, "/account/secure", email=w.owner.email,
                                password="a new password", password_again="a new password")),
]  # fmt: skip

#: Routes with a variable in their path, or POST routes, that name nothing of anyone's.
NOT_OWNED = {
    "static": "the app's own files",
    "routines.detail": "a routine of the shared library, by its slug",
    "routines.exercise": "an exercise of the shared library, by its slug",
    "player.play": "a routine of the shared library; ?day= reads the visitor's own plan",
    "plan.save_onboarding": "the visitor's own program answers",
    "plan.add_vacation": "dates of the visitor's own plan",
    "settings.save": "the visitor's own program answers",
    "settings.save_time_zone": "the visitor's own time zone",
    "settings.detected_time_zone": "the visitor's own time zone",
    "reminders.save": "the visitor's own reminder settings",
    "reminders.test": "pushes to the visitor's own devices only",
    "account.add_passkey": "a new passkey for the visitor's own account, made for its challenge",
    "account.passkey_options": "a challenge for the visitor's own account",
    "account.login_passkey_options": "a fresh challenge, for anyone",
    "account.change_password": "the visitor's own password",
    "account.logout": "this device's own sign-in",
    "reminders.subscribe": (
        "the browser's own push endpoint: an unguessable address only that browser knows, which "
        "moves to the account that subscribes it last (test_reminder_page_devices covers it)"
    ),
}


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    app = make_app(tmp_path)
    owner = new_account(app)
    intruder = new_account(app, with_plan=False)  # so the owner's days are nothing of theirs
    yield World(app, owner, intruder)
    app.extensions["hipday"].store.engine.dispose()


@pytest.mark.parametrize("attempt", ATTEMPTS, ids=[f"{a.endpoint}: {a.what}" for a in ATTEMPTS])
def test_another_user_cannot_reach_or_change_the_owners_data(
    world: World, attempt: Attempt
) -> None:
    engine = world.app.extensions["hipday"].store.engine
    before = rows_of(engine, world.owner.user_id)
    response = attempt.run(world)
    assert response.status_code == attempt.status, response.get_data(as_text=True)[:500]
    assert rows_of(engine, world.owner.user_id) == before
    body = response.get_data()
    for secret in attempt.hides(world):
        assert secret.encode() not in body
    assert world.owner.visitor.get(f"/sessions/{world.owner.session_id}").status_code == 200


def test_the_table_names_the_right_routes(world: World) -> None:
    """The endpoints the table names all exist, and the owner's own tries work (the controls)."""
    endpoints = {rule.endpoint for rule in world.app.url_map.iter_rules()}
    assert {a.endpoint for a in ATTEMPTS} <= endpoints
    assert set(NOT_OWNED) <= endpoints
    owner = world.owner
    assert owner.visitor.get(f"/plan/{owner.skipped_day}").status_code == 200
    feed = world.app.test_client().get(f"/calendar/{owner.calendar_token}.ics")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"


def test_the_owners_own_tries_change_their_data(world: World) -> None:
    """The same requests made by the owner do act, so a 404 above is about who asks."""
    owner, engine = world.owner, world.app.extensions["hipday"].store.engine
    before = rows_of(engine, owner.user_id)
    feedback = post(owner, f"/sessions/{owner.session_id}/feedback", effort="4", pain="1")
    assert feedback.status_code == 303
    assert post(owner, f"/plan/vacations/{owner.vacation_id}/delete").status_code == 303
    removed = post(owner, "/settings/reminders/devices/remove", device=owner.device_id)
    assert removed.status_code == 303
    act = owner.visitor.client.post(
        "/reminders/act", json={"token": owner.reminder_token, "action": "snooze"}
    )
    assert act.status_code == 200
    assert post(owner, f"/account/passkeys/{owner.passkey_id}/remove").status_code == 303
    after = rows_of(engine, owner.user_id)
    for table in ("completion", "planevent", "push_subscription", "reminder", "passkey"):
        assert after[table] != before[table], table


def test_an_export_holds_only_its_own_accounts_data(world: World) -> None:
    mine = json.loads(world.intruder.visitor.get("/settings/data/hipday.json").get_data())
    op_ids = {s["op_id"] for s in mine["sessions"]}
    assert world.intruder.op_id in op_ids and world.owner.op_id not in op_ids


def test_every_route_with_an_id_or_token_is_in_the_table(world: World) -> None:
    """A new route with a variable in its path, or a new POST route, must join the table above
    (or NOT_OWNED, saying why it names nothing of anyone's)."""
    covered = {a.endpoint for a in ATTEMPTS} | set(NOT_OWNED)
    missing = sorted(
        f"{sorted(rule.methods or ())} {rule.rule} ({rule.endpoint})"
        for rule in world.app.url_map.iter_rules()
        if (rule.arguments or "POST" in (rule.methods or ())) and rule.endpoint not in covered
    )
    assert not missing, "routes missing from the ownership table: " + ", ".join(missing)


def test_removals_that_answer_alike_for_any_id_tell_nothing_about_the_owners(world: World) -> None:
    """Removing a device with htmx, or by endpoint, answers the same for someone else's device
    as for one that never existed, so the answer gives nothing away."""
    theirs = _htmx_remove(world, world.owner.device_id)
    unknown = _htmx_remove(world, _unknown_id())
    assert theirs.status_code == unknown.status_code
    assert _without_form_tokens(theirs) == _without_form_tokens(unknown)
    theirs = _json_remove(world, world.owner.device_endpoint)
    unknown = _json_remove(world, f"http://127.0.0.1:9/push/{_unknown_id()}")
    assert (theirs.status_code, theirs.get_data()) == (unknown.status_code, unknown.get_data())
