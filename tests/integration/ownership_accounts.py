"""An account that owns one of everything (sessions, plan, reminders, devices, a calendar token), and its rows."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import Engine, MetaData, Table, select
from werkzeug.test import TestResponse

from tests.conftest import TEST_TODAY
from tests.integration.conftest import TOKEN, Visitor
from tests.push.push_crypto import Receiver
from webapp import extensions
from webapp.services import plans, reminders
from webapp.store.models import Passkey
from webapp.store.training import TrainingStore

FORM_TOKEN = re.compile(r'name="csrf_token" value="[^"]*"')
HTMX = {"HX-Request": "true"}


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
    hip_check_id: int = 0
    hip_check_client: str = ""  # the phone's id for that check


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
    account.hip_check_client = "check-" + account.op_id
    check = post(account, "/hip-check", client_id=account.hip_check_client,
                 taken_on="2026-03-04", right_outward="50")  # fmt: skip
    assert check.status_code == 201, check.get_data(as_text=True)
    account.hip_check_id = check.get_json()["id"]
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
