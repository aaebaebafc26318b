"""Passkeys: logging in with one on another device, forged, removed and garbled answers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.integration.account_helpers import (
    Authenticator,
    account_email,
    rows,
    secure,
    token_of,
)
from webapp.store.models import Passkey


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
