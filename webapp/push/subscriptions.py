"""Checking the push subscription a browser sends before it is stored."""

from __future__ import annotations

from ipaddress import ip_address
from typing import Any
from urllib.parse import urlsplit

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec

from webapp.push.sender import b64url, unb64url


class SubscriptionError(ValueError):
    """A subscription the browser sent that can't be used; the message says why, in words."""


def check_subscription(data: Any, *, allow_insecure: bool = False) -> tuple[str, str, str]:
    """The endpoint, p256dh and auth of a browser's `PushSubscription.toJSON()`, checked.

    Endpoints must be https addresses of a named host (not an address on this network), so
    the server can't be pointed at itself; `allow_insecure` lets tests use a local mock. This
    only turns obvious mistakes away early: where a name leads is checked on every connection
    (webapp/push/outbound.py), since it can resolve elsewhere by the time a push is sent.
    """
    if not isinstance(data, dict):
        raise SubscriptionError("The browser sent no subscription.")
    endpoint, keys = data.get("endpoint"), data.get("keys")
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > 2048:
        raise SubscriptionError("The subscription has no usable address.")
    try:
        parts = urlsplit(endpoint)
        parts.port  # noqa: B018 -- reading it checks it ("https://[::1", ":99999" raise)
    except ValueError:
        raise SubscriptionError("The subscription's address is not a valid web address.") from None
    if not allow_insecure:
        if parts.scheme != "https" or not parts.hostname or _is_ip_or_local(parts.hostname):
            raise SubscriptionError("The subscription's address must be a push service's.")
    elif parts.scheme not in ("http", "https") or not parts.hostname:
        raise SubscriptionError("The subscription's address must be an http(s) address.")
    if not isinstance(keys, dict):
        raise SubscriptionError("The subscription has no keys.")
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    if not isinstance(p256dh, str) or not isinstance(auth, str):
        raise SubscriptionError("The subscription's keys are missing.")
    try:
        point, secret = unb64url(p256dh), unb64url(auth)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except (ValueError, UnsupportedAlgorithm):
        raise SubscriptionError("The subscription's keys are not valid.") from None
    if len(secret) != 16:
        raise SubscriptionError("The subscription's keys are not valid.")
    return endpoint, b64url(point), b64url(secret)


def _is_ip_or_local(host: str) -> bool:
    """Whether `host` is an address, or a name that stays on this machine or network.

    Push services have real domain names; a last label that isn't letters ("127.1",
    "2130706433", "0x7f000001") is an address in disguise that resolvers still accept.
    """
    host = host.strip("[]").rstrip(".").lower()
    try:
        ip_address(host)
    except ValueError:
        pass
    else:
        return True
    if "." not in host or host.endswith((".localhost", ".local", ".internal")):
        return True
    last = host.rsplit(".", 1)[1]
    return not (last.isalpha() or last.startswith("xn--"))
