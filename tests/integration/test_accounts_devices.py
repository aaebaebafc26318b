"""Signed-in devices: logging out, changing the password, limits on guessing, and another user's devices."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlmodel import Session, select

from tests.conftest import make_app
from tests.integration.account_helpers import (
    PASSWORD,
    Authenticator,
    account_email,
    login,
    rows,
    secure,
    token_of,
)
from webapp.store.models import Passkey, SignIn


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
