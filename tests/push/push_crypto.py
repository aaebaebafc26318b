"""The receiving end of Web Push encryption (RFC 8291, aes128gcm): a browser's keys that decrypt
what was pushed to them, and the pushes the mock service kept."""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from typing import Any

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    """Base64url text without padding, the way browsers and VAPID write keys."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    """The bytes in base64url text, padded or not; ValueError when it isn't base64url."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Receiver:
    """The browser side of one push subscription: a P-256 key pair and an auth secret."""

    def __init__(self) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = secrets.token_bytes(16)

    @property
    def public_key(self) -> bytes:
        """The public key as an uncompressed point, 65 bytes starting with 0x04."""
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )

    def subscription(self, endpoint: str) -> dict[str, Any]:
        """The subscription as a browser's `PushSubscription.toJSON()` gives it."""
        return {
            "endpoint": endpoint,
            "expirationTime": None,
            "keys": {"p256dh": b64url(self.public_key), "auth": b64url(self.auth_secret)},
        }

    def decrypt(self, body: bytes) -> bytes:
        """The plaintext of an aes128gcm push body sent to this subscription."""
        plaintext = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm"
        )
        return bytes(plaintext)


@dataclass(frozen=True)
class Received:
    """One push the service accepted, with its headers and decrypted payload."""

    path: str
    endpoint: str
    headers: dict[str, str]  # names lower-cased
    body: bytes
    plaintext: bytes
    claims: dict[str, Any]
    ttl: int
    urgency: str | None
    topic: str | None
    received_at: float  # time.monotonic()

    def json(self) -> Any:
        """The payload read as JSON."""
        return json.loads(self.plaintext)
