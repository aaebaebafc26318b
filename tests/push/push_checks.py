"""The checks a push service makes on each push: the VAPID authorization (RFC 8292) and the
delivery headers (RFC 8030), each failure a refusal with the status to answer it with."""

from __future__ import annotations

import functools
import re
import time
from dataclasses import dataclass
from email.message import Message
from typing import Any, Final

import jwt
from cryptography.hazmat.primitives.asymmetric import ec

from tests.push.push_crypto import unb64url

MAX_BODY: Final = 4096  # RFC 8030 section 7.2: the smallest limit a push service may set
MAX_READ: Final = 1 << 20  # bodies larger than this are refused without being read
MAX_EXP_AHEAD: Final = 24 * 60 * 60  # RFC 8292 section 2: exp at most 24 hours ahead
URGENCIES: Final = frozenset({"very-low", "low", "normal", "high"})
TOPIC: Final = re.compile(r"[A-Za-z0-9_-]{1,32}")
DIGITS: Final = re.compile(r"[0-9]+")
PUSH_PREFIX: Final = "/push/"


@dataclass(frozen=True)
class Answer:
    """What the service replies to one request: a status, a short reason and extra headers.

    `close` ends the connection after replying, for refusals that leave the body unread.
    """

    status: int
    reason: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    close: bool = False


class Refusal(Exception):
    """A push that fails a check, and the status and reason to answer it with."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.answer = Answer(status, reason)


def vapid_credentials(authorization: str | None) -> tuple[str, str]:
    """The token `t` and key `k` of a `vapid t=<jwt>, k=<key>` Authorization header."""
    if not authorization:
        raise Refusal(401, "missing Authorization")
    scheme, _, rest = authorization.strip().partition(" ")
    if scheme.lower() != "vapid":
        raise Refusal(401, f"Authorization scheme {scheme!r} is not vapid")
    params: dict[str, str] = {}
    for part in rest.split(","):
        name, equals, value = part.strip().partition("=")
        if equals:
            params[name.strip().lower()] = value.strip()
    if not params.get("t") or not params.get("k"):
        raise Refusal(401, "Authorization needs both t= and k=")
    return params["t"], params["k"]


@functools.lru_cache(maxsize=64)
def p256_key(k: str) -> ec.EllipticCurvePublicKey:
    """The P-256 public key written in a VAPID `k` parameter."""
    try:
        raw = unb64url(k)
    except ValueError:
        raise Refusal(403, "k is not base64url") from None
    if len(raw) != 65 or raw[0] != 4:
        raise Refusal(403, "k is not an uncompressed P-256 point")
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        raise Refusal(403, "k is not a point on P-256") from None


@functools.lru_cache(maxsize=256)
def _signed_claims(token: str, k: str) -> dict[str, Any]:
    """The claims of a VAPID JWT once its ES256 signature checks out against `k`.

    Remembered per token, so a sender that reuses its JWT pays for one check, as it would with a
    real push service.
    """
    key = p256_key(k)
    try:
        return jwt.decode(
            token,
            key,
            algorithms=["ES256"],
            options={
                "verify_exp": False,
                "verify_aud": False,
                "verify_iat": False,
                "verify_nbf": False,
                "verify_iss": False,
                "verify_sub": False,
                "verify_jti": False,
            },
        )
    except jwt.InvalidTokenError as error:
        raise Refusal(403, f"bad JWT: {error}") from None


def verified_claims(token: str, k: str, audience: str) -> dict[str, Any]:
    """The claims of a VAPID JWT whose signature, aud, exp and sub all pass."""
    claims = dict(_signed_claims(token, k))
    aud = claims.get("aud")
    if aud != audience:
        raise Refusal(403, f"aud {aud!r} is not {audience!r}")
    exp = claims.get("exp")
    now = time.time()
    if isinstance(exp, bool) or not isinstance(exp, int | float):
        raise Refusal(403, f"exp {exp!r} is not a number")
    if exp <= now:
        raise Refusal(403, f"exp {exp} is in the past")
    if exp > now + MAX_EXP_AHEAD:
        raise Refusal(403, f"exp {exp} is more than 24 hours ahead")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub.startswith(("mailto:", "https:")):
        raise Refusal(403, f"sub {sub!r} is not a mailto: or https: URL")
    return claims


def ttl_of(value: str | None) -> int:
    """The TTL header as a number of seconds."""
    if value is None:
        raise Refusal(400, "missing TTL")
    if not DIGITS.fullmatch(value.strip()):
        raise Refusal(400, f"TTL {value!r} is not a non-negative integer")
    return int(value)


def check_delivery_headers(headers: Message[str, str], body: bytes) -> None:
    """Content-Encoding, body size, Urgency and Topic are what a push service accepts."""
    encoding = headers.get("Content-Encoding")
    if (encoding or "").strip().lower() != "aes128gcm":
        raise Refusal(415, f"Content-Encoding {encoding!r} is not aes128gcm")
    if len(body) > MAX_BODY:
        raise Refusal(413, f"body of {len(body)} bytes is over {MAX_BODY}")
    urgency = headers.get("Urgency")
    if urgency is not None and urgency not in URGENCIES:
        raise Refusal(400, f"Urgency {urgency!r} is not one of {sorted(URGENCIES)}")
    topic = headers.get("Topic")
    if topic is not None and not TOPIC.fullmatch(topic):
        raise Refusal(400, f"Topic {topic!r} is not 1 to 32 base64url characters")
