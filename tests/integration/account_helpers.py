"""Shared steps for the account tests: securing a guest, logging in, reading what an account holds."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import struct
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, func, select
from werkzeug.test import TestResponse

from tests.integration.conftest import TOKEN

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
