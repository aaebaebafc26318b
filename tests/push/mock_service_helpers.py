"""Shared steps for the mock push service's own tests: a subscription, a VAPID key, a push sent.

These tests send with pywebpush, the library the real sender uses, so they also show what
that library puts on the wire.
"""

from __future__ import annotations

import json
from typing import Any

import requests
from py_vapid import Vapid02
from pywebpush import WebPusher, WebPushException, webpush

SUB = "mailto:test@hipday.test"
REMINDER = {"title": "Time for your hips", "routine": "pre-run-warm-up", "url": "/play/x"}


def send(
    subscription: dict[str, Any],
    vapid: Vapid02,
    payload: Any = REMINDER,
    *,
    claims: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    content_encoding: str = "aes128gcm",
    timeout: float = 5,
    session: requests.Session | None = None,
) -> requests.Response:
    """Push like the real sender does; the response, whatever its status."""
    data = payload if isinstance(payload, str) else json.dumps(payload)
    try:
        response = webpush(
            subscription_info=subscription,
            data=data,
            vapid_private_key=vapid,
            vapid_claims={"sub": SUB, **(claims or {})},
            content_encoding=content_encoding,
            ttl=60,
            headers={
                "Content-Type": "application/octet-stream",
                "Urgency": "high",
                "Topic": "daily",
                **(headers or {}),
            },
            timeout=timeout,
            requests_session=session,
        )
    except WebPushException as refused:
        assert refused.response is not None, refused
        return refused.response  # type: ignore[no-any-return]
    assert isinstance(response, requests.Response)
    return response


def post_raw(
    subscription: dict[str, Any],
    vapid: Vapid02,
    url: str,
    *,
    claims: dict[str, Any] | None = None,
    headers: dict[str, str | None] | None = None,
) -> requests.Response:
    """A hand-built push, for what pywebpush won't send; a header set to None is left out."""
    body = WebPusher(subscription).encode(json.dumps(REMINDER).encode())["body"]
    signed = vapid.sign({"sub": SUB, "aud": url, **(claims or {})})
    sent: dict[str, str | None] = {
        "TTL": "60",
        "Content-Encoding": "aes128gcm",
        **signed,
        **(headers or {}),
    }
    kept = {name: value for name, value in sent.items() if value is not None}
    return requests.post(subscription["endpoint"], data=body, headers=kept, timeout=5)
