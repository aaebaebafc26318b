"""Accounts: securing a guest account, logging in elsewhere, logging out, passwords, passkeys."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import struct
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert
from sqlmodel import Session, func, select
from werkzeug.test import TestResponse

from routines.bounds import MOST_SESSIONS, MOST_SESSIONS_A_DAY
from tests.conftest import make_app
from tests.integration.conftest import TOKEN, Visitor
from webapp.store.models import Completion, Passkey, SignIn, User

PASSWORD = "correct horse battery"


def token_of(client: FlaskClient, url: str = "/login") -> str:
    found = TOKEN.search(client.get(url).get_data(as_text=True))
    assert found
    return found.group(1)


def secure(client: FlaskClient, email: str = "runner@example.com", **fields: str) -> TestResponse:
    form = {
        "csrf_token": token_of(client, "/account"),
        "email": email,
        "password": PASSWORD,
        "password_again": PASSWORD,
        **fields,
    }
    return client.post("/account/secure", data=form)


def login(
    client: FlaskClient, email: str = "runner@example.com", password: str = PASSWORD, **kw: Any
) -> TestResponse:
    form = {"csrf_token": token_of(client), "email": email, "password": password}
    return client.post("/login", data=form, **kw)


def rows(app: Flask, model: type[Any]) -> int:
    with Session(app.extensions["hipday"].store.engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def account_email(client: FlaskClient) -> str | None:
    """The email the account page says this device is logged in as, if any."""
    found = re.search(r"As <strong>([^<]+)</strong>", client.get("/account").get_data(as_text=True))
    return found.group(1) if found else None


def history(client: FlaskClient) -> str:
    """The history list as the page shows it (the main part, without per-device tokens)."""
    page = client.get("/progress/history").get_data(as_text=True)
    main = re.search(r"<main.*</main>", page, re.S)
    assert main
    return TOKEN.sub("", main.group(0))


# Securing a guest account


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


# Logging in


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


# Logging out and changing the password


def test_logout_ends_only_this_device_and_its_replayed_cookie_opens_nothing(app: Flask) -> None:
    phone = app.test_client()
    secure(phone)
    laptop = app.test_client()
    login(laptop)
    saved = laptop.get_cookie("hipday")
    assert saved is not None

    response = laptop.post("/logout", data={"csrf_token": token_of(laptop, "/account")})

    assert response.status_code == 303
    assert response.headers["Location"] == "/login?out=1"
    assert response.headers["Clear-Site-Data"] == '"cache"'
    assert "You're logged out" in laptop.get("/login?out=1").get_data(as_text=True).replace(
        "&#39;", "'"
    )
    assert account_email(laptop) is None
    assert account_email(phone) == "runner@example.com"
    replay = app.test_client()
    replay.set_cookie("hipday", saved.value)
    assert account_email(replay) is None


def test_changing_the_password_logs_out_every_other_device(app: Flask) -> None:
    phone = app.test_client()
    secure(phone)
    laptop = app.test_client()
    login(laptop)
    new = "a brand new phrase"
    form = {"password": PASSWORD, "new_password": new, "new_password_again": new}

    response = phone.post(
        "/account/password", data={"csrf_token": token_of(phone, "/account"), **form}
    )

    assert response.status_code == 303
    assert account_email(phone) == "runner@example.com"
    assert account_email(laptop) is None
    assert login(app.test_client()).status_code == 401
    assert login(app.test_client(), password=new).status_code == 303


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (
            {
                "password": "wrong password",
                "new_password": "a brand new phrase",
                "new_password_again": "a brand new phrase",
            },
            "That isn't your current password.",
        ),
        (
            {"password": PASSWORD, "new_password": "short", "new_password_again": "short"},
            "Use at least 8 characters",
        ),
        (
            {
                "password": PASSWORD,
                "new_password": "a brand new phrase",
                "new_password_again": "another",
            },
            "The two passwords differ.",
        ),
        (
            {
                "password": "",
                "new_password": "a brand new phrase",
                "new_password_again": "a brand new phrase",
            },
            "Enter your current password.",
        ),
    ],
)
def test_a_refused_password_change_says_why_and_keeps_the_old_password(
    app: Flask, form: dict[str, str], message: str
) -> None:
    phone = app.test_client()
    secure(phone)

    response = phone.post(
        "/account/password", data={"csrf_token": token_of(phone, "/account"), **form}
    )

    assert response.status_code == 422
    assert message in response.get_data(as_text=True).replace("&#39;", "'")
    assert login(app.test_client()).status_code == 303


# Rate limits


def from_address(address: str) -> dict[str, Any]:
    return {"environ_base": {"REMOTE_ADDR": address}}


def test_wrong_guesses_from_one_address_are_stopped_there_with_a_readable_wait(
    app: Flask,
) -> None:
    secure(app.test_client())
    stranger = from_address("203.0.113.66")
    statuses = [login(app.test_client(), password="guess", **stranger) for _ in range(6)]

    assert [r.status_code for r in statuses] == [401] * 5 + [429]
    page = statuses[-1].get_data(as_text=True)
    assert "Too many attempts" in page and 'value="runner@example.com"' in page
    assert statuses[-1].headers["Retry-After"].isdigit()
    # From that address even the right password waits now; another account is not affected.
    assert login(app.test_client(), **stranger).status_code == 429
    assert login(app.test_client(), email="other@example.com", **stranger).status_code == 401


def test_a_stranger_guessing_elsewhere_does_not_lock_the_owner_out(app: Flask) -> None:
    secure(app.test_client())
    for address in ("203.0.113.66", "203.0.113.67", "198.51.100.5"):
        statuses = [
            login(app.test_client(), password="guess", **from_address(address)).status_code
            for _ in range(10)
        ]
        assert statuses == [401] * 5 + [429] * 5

    owner = login(app.test_client(), **from_address("192.0.2.10"))

    assert owner.status_code == 303


def test_guesses_spread_over_many_addresses_meet_the_accounts_ceiling(tmp_path: Path) -> None:
    app = make_app(tmp_path, LOGIN_FAILED_PER_ACCOUNT="12 per hour")
    secure(app.test_client())
    statuses = [
        login(app.test_client(), password="guess", **from_address(f"203.0.113.{n}")).status_code
        for n in range(13)
    ]

    assert statuses == [401] * 12 + [429]
    assert login(app.test_client(), **from_address("192.0.2.10")).status_code == 429
    assert login(app.test_client(), email="other@example.com").status_code == 401
    app.extensions["hipday"].store.engine.dispose()


def test_an_unknown_email_is_limited_exactly_like_a_real_one(app: Flask) -> None:
    statuses = [
        login(app.test_client(), email="nobody@example.com", password="guess").status_code
        for _ in range(6)
    ]

    assert statuses == [401] * 5 + [429]


def test_logins_from_one_address_are_limited_across_accounts(app: Flask) -> None:
    client = app.test_client()
    statuses = [
        login(client, email=f"person{n}@example.com", password="guess").status_code
        for n in range(21)
    ]

    assert statuses == [401] * 20 + [429]
    elsewhere = login(app.test_client(), environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert elsewhere.status_code == 401


def test_successful_logins_do_not_use_up_the_accounts_allowance(app: Flask) -> None:
    secure(app.test_client())

    statuses = [
        login(app.test_client(), environ_base={"REMOTE_ADDR": f"10.1.0.{n}"}).status_code
        for n in range(8)
    ]

    assert statuses == [303] * 8


# Ownership


def test_another_users_device_and_passkey_are_not_found_and_stay(app: Flask) -> None:
    phone = app.test_client()
    secure(phone)
    laptop = app.test_client()
    login(laptop)
    stranger = app.test_client()
    secure(stranger, email="stranger@example.com")
    with Session(app.extensions["hipday"].store.engine) as session:
        theirs = session.exec(select(SignIn).where(SignIn.user_id == 1)).all()
    token = token_of(stranger, "/account")

    for device in theirs:
        response = stranger.post(
            f"/account/devices/{device.public_id}/logout", data={"csrf_token": token}
        )
        assert response.status_code == 404
    assert (
        stranger.post("/account/passkeys/nope/remove", data={"csrf_token": token}).status_code
        == 404
    )
    assert account_email(phone) == account_email(laptop) == "runner@example.com"


def test_logging_out_another_of_your_devices(app: Flask) -> None:
    phone = app.test_client()
    secure(phone)
    laptop = app.test_client()
    login(laptop)
    page = phone.get("/account").get_data(as_text=True)
    other = re.search(r'action="(/account/devices/[0-9a-f]+/logout)"', page)
    assert other and "(this device)" in page

    response = phone.post(other.group(1), data={"csrf_token": token_of(phone, "/account")})

    assert response.status_code == 303
    assert account_email(laptop) is None
    assert account_email(phone) == "runner@example.com"


def test_deleting_a_secured_account_removes_its_devices_and_passkeys(app: Flask) -> None:
    phone = app.test_client()
    secure(phone)
    Authenticator().register(phone)
    assert rows(app, Passkey) == 1

    phone.post(
        "/settings/delete", data={"csrf_token": token_of(phone, "/account"), "confirm": "yes"}
    )

    assert rows(app, SignIn) == rows(app, Passkey) == 0
    assert login(app.test_client()).status_code == 401


# Passkeys, with a software authenticator that speaks WebAuthn ("none" attestation, ES256)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Authenticator:
    """A passkey on a device: one P-256 key pair, signing what the browser would hand it."""

    origin: str = "http://localhost"
    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    credential_id: bytes = field(default_factory=lambda: secrets.token_bytes(16))
    user_handle: bytes = b""
    count: int = 0

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}
        ).encode()

    def _auth_data(self, rp_id: str, flags: int, attested: bytes = b"") -> bytes:
        rp_hash = hashlib.sha256(rp_id.encode()).digest()
        return rp_hash + bytes([flags]) + struct.pack(">I", self.count) + attested

    def registration(self, options: dict[str, Any]) -> dict[str, Any]:
        numbers = self.key.public_key().public_numbers()
        cose = cbor2.dumps(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )
        attested = (
            bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id + cose
        )
        auth_data = self._auth_data(options["rp"]["id"], 0x45, attested)
        self.user_handle = base64.urlsafe_b64decode(options["user"]["id"] + "==")
        return {
            "id": b64(self.credential_id),
            "rawId": b64(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(self._client_data("webauthn.create", options["challenge"])),
                "attestationObject": b64(
                    cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
                ),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
        }

    def assertion(self, options: dict[str, Any]) -> dict[str, Any]:
        self.count += 1
        auth_data = self._auth_data(options["rpId"], 0x05)
        client_data = self._client_data("webauthn.get", options["challenge"])
        signed = auth_data + hashlib.sha256(client_data).digest()
        return {
            "id": b64(self.credential_id),
            "rawId": b64(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(client_data),
                "authenticatorData": b64(auth_data),
                "signature": b64(self.key.sign(signed, ec.ECDSA(hashes.SHA256()))),
                "userHandle": b64(self.user_handle),
            },
            "clientExtensionResults": {},
        }

    def register(self, client: FlaskClient) -> TestResponse:
        headers = {"X-CSRFToken": token_of(client, "/account")}
        options = client.post("/account/passkeys/options", headers=headers, json={}).get_json()
        return client.post("/account/passkeys", headers=headers, json=self.registration(options))

    def log_in(self, client: FlaskClient) -> TestResponse:
        headers = {"X-CSRFToken": token_of(client)}
        options = client.post("/login/passkey/options", headers=headers, json={}).get_json()
        return client.post("/login/passkey", headers=headers, json=self.assertion(options))


def test_a_passkey_logs_in_on_another_device_instead_of_the_password(app: Flask) -> None:
    phone = app.test_client()
    secure(phone)
    passkey = Authenticator()

    added = passkey.register(phone)

    assert added.status_code == 201
    assert added.get_json()["redirect"] == "/account?done=passkey"
    assert "Passkey added" in phone.get("/account?done=passkey").get_data(as_text=True)
    laptop = app.test_client()
    answer = passkey.log_in(laptop)
    assert answer.status_code == 200 and answer.get_json()["redirect"] == "/"
    assert account_email(laptop) == "runner@example.com"


def test_a_passkey_answer_works_once_and_a_forged_one_never(app: Flask) -> None:
    phone = app.test_client()
    secure(phone)
    passkey = Authenticator()
    passkey.register(phone)
    laptop = app.test_client()

    def attempt(make: Any) -> int:
        headers = {"X-CSRFToken": token_of(laptop)}
        options = laptop.post("/login/passkey/options", headers=headers, json={}).get_json()
        return int(laptop.post("/login/passkey", headers=headers, json=make(options)).status_code)

    forged = Authenticator(credential_id=passkey.credential_id, user_handle=passkey.user_handle)
    assert attempt(forged.assertion) == 401
    answered: list[dict[str, Any]] = []
    assert (
        attempt(lambda options: answered.append(passkey.assertion(options)) or answered[0]) == 200
    )
    laptop.post("/logout", data={"csrf_token": token_of(laptop)})
    assert attempt(lambda options: answered[0]) == 401  # a replayed answer to an old challenge
    assert account_email(laptop) is None


def test_a_removed_passkey_no_longer_logs_in(app: Flask) -> None:
    phone = app.test_client()
    secure(phone)
    passkey = Authenticator()
    passkey.register(phone)
    page = phone.get("/account").get_data(as_text=True)
    remove = re.search(r'action="(/account/passkeys/[0-9a-f]+/remove)"', page)
    assert remove

    assert (
        phone.post(remove.group(1), data={"csrf_token": token_of(phone, "/account")}).status_code
        == 303
    )

    refused = passkey.log_in(app.test_client())
    assert refused.status_code == 401
    assert "didn't sign you in" in refused.get_json()["message"]


@pytest.mark.parametrize(
    "body",
    [None, {}, {"id": "x"}, {"id": "x", "response": "nonsense"}, [1, 2], "text"],
)
def test_a_garbled_passkey_gets_a_readable_refusal_and_stores_nothing(
    app: Flask, body: Any
) -> None:
    phone = app.test_client()
    secure(phone)
    headers = {"X-CSRFToken": token_of(phone, "/account")}
    phone.post("/account/passkeys/options", headers=headers, json={})

    added = phone.post("/account/passkeys", headers=headers, json=body)
    login_attempt = app.test_client().post(
        "/login/passkey", headers={"X-CSRFToken": token_of(phone)}, json=body
    )

    assert added.status_code == 400 and "couldn't be checked" in added.get_json()["message"]
    assert login_attempt.status_code in (400, 401)
    assert rows(app, Passkey) == 0


def test_a_guest_is_asked_to_secure_the_account_before_adding_a_passkey(
    client: FlaskClient,
) -> None:
    response = client.post(
        "/account/passkeys/options", headers={"X-CSRFToken": token_of(client, "/account")}, json={}
    )

    assert response.status_code == 409
    assert "Secure your account" in response.get_json()["message"]
