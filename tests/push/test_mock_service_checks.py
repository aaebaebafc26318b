"""The mock push service refuses what a real one refuses: unknown endpoints, bad VAPID tokens, bad headers and bodies."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid02

from tests.push.mock_service_helpers import REMINDER, SUB, post_raw, send
from tests.push.push_crypto import b64url
from tests.push.service import MockPushService


@pytest.fixture(scope="module")
def other_vapid() -> Vapid02:
    key = Vapid02()
    key.generate_keys()
    return key


def public_key_of(vapid: Vapid02) -> str:
    """The VAPID application server key, as the browser's `applicationServerKey` takes it."""
    raw = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(raw)


def vapid_parts(vapid: Vapid02, url: str) -> tuple[str, str]:
    """The token and key of a valid VAPID Authorization for `url`."""
    authorization = vapid.sign({"sub": SUB, "aud": url})["Authorization"]
    token, key = authorization.removeprefix("vapid t=").split(",k=")
    return token, key


def test_an_unknown_endpoint_is_404(service: MockPushService, vapid: Vapid02) -> None:
    subscription = {**service.subscribe(), "endpoint": f"{service.url}/push/nobody"}
    assert send(subscription, vapid).status_code == 404
    assert service.rejected == [
        (f"{service.url}/push/nobody", 404, "no subscription at /push/nobody")
    ]
    assert service.attempts(f"{service.url}/push/nobody") == 1


def test_a_wrong_audience_is_403(service: MockPushService, vapid: Vapid02) -> None:
    subscription = service.subscribe()

    response = send(subscription, vapid, claims={"aud": "https://push.example.net"})

    assert response.status_code == 403
    reason = f"aud 'https://push.example.net' is not '{service.url}'"
    assert response.text == reason
    assert service.rejected == [(subscription["endpoint"], 403, reason)]
    assert service.received == []


def test_an_expired_token_is_403(service: MockPushService, vapid: Vapid02) -> None:
    subscription = service.subscribe()
    past = int(time.time()) - 60

    response = post_raw(subscription, vapid, service.url, claims={"exp": past})

    assert response.status_code == 403
    assert response.text == f"exp {past} is in the past"
    assert service.rejected[-1][1] == 403


def test_pywebpush_quietly_renews_an_expired_exp(service: MockPushService, vapid: Vapid02) -> None:
    subscription = service.subscribe()
    past = int(time.time()) - 60

    assert send(subscription, vapid, claims={"exp": past}).status_code == 201

    [push] = service.wait_for(1)
    assert push.claims["exp"] > time.time() + 11 * 60 * 60


def test_a_token_more_than_a_day_ahead_is_403(service: MockPushService, vapid: Vapid02) -> None:
    subscription = service.subscribe()
    later = int(time.time()) + 25 * 60 * 60

    response = send(subscription, vapid, claims={"exp": later})

    assert response.status_code == 403
    assert response.text == f"exp {later} is more than 24 hours ahead"


def test_authorization_must_be_a_vapid_token_with_its_own_key(
    service: MockPushService, vapid: Vapid02, other_vapid: Vapid02
) -> None:
    subscription = service.subscribe()
    token, key = vapid_parts(vapid, service.url)
    _, other_key = vapid_parts(other_vapid, service.url)
    no_sub = jwt.encode(
        {"aud": service.url, "exp": int(time.time()) + 3600, "sub": "hipday"},
        vapid.private_key,
        algorithm="ES256",
    )
    cases: list[tuple[str | None, int, str]] = [
        (None, 401, "missing Authorization"),
        (f"WebPush {token}", 401, "Authorization scheme 'WebPush' is not vapid"),
        (f"vapid t={token}", 401, "Authorization needs both t= and k="),
        (f"vapid t={token},k={other_key}", 403, "bad JWT: Signature verification failed"),
        (f"vapid t={token},k=bm90LWEta2V5", 403, "k is not an uncompressed P-256 point"),
        (f"vapid t={no_sub},k={key}", 403, "sub 'hipday' is not a mailto: or https: URL"),
        (f"vapid t={token}, k={key}", 201, ""),
        (f"vapid k={key},t={token}", 201, ""),
    ]
    for authorization, status, reason in cases:
        response = post_raw(
            subscription, vapid, service.url, headers={"Authorization": authorization}
        )
        assert (response.status_code, response.text) == (status, reason), authorization
    assert len(service.received) == 2
    assert len(service.rejected) == 6


def test_only_the_configured_vapid_key_is_accepted(vapid: Vapid02, other_vapid: Vapid02) -> None:
    with MockPushService(vapid_public_key=public_key_of(vapid)) as service:
        subscription = service.subscribe()

        refused = send(subscription, other_vapid)
        accepted = send(subscription, vapid)

        assert refused.status_code == 403
        assert refused.text == "k is not the expected VAPID public key"
        assert accepted.status_code == 201
        assert service.messages(subscription["endpoint"]) == [REMINDER]


def test_a_missing_or_negative_ttl_is_400(service: MockPushService, vapid: Vapid02) -> None:
    subscription = service.subscribe()

    missing = post_raw(subscription, vapid, service.url, headers={"TTL": None})
    negative = post_raw(subscription, vapid, service.url, headers={"TTL": "-1"})
    fine = post_raw(subscription, vapid, service.url, headers={"TTL": "0"})

    assert (missing.status_code, missing.text) == (400, "missing TTL")
    assert (negative.status_code, negative.text) == (400, "TTL '-1' is not a non-negative integer")
    assert fine.status_code == 201
    assert service.wait_for(1)[0].ttl == 0


def test_the_legacy_aesgcm_encoding_is_415(service: MockPushService, vapid: Vapid02) -> None:
    subscription = service.subscribe()

    response = send(subscription, vapid, content_encoding="aesgcm")

    assert response.status_code == 415
    assert response.text == "Content-Encoding 'aesgcm' is not aes128gcm"


def test_a_body_over_4096_bytes_is_413(service: MockPushService, vapid: Vapid02) -> None:
    subscription = service.subscribe()

    response = send(subscription, vapid, "x" * 4000)

    assert response.status_code == 413
    assert response.text == "body of 4103 bytes is over 4096"
    assert service.rejected == [(subscription["endpoint"], 413, response.text)]


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Urgency": "urgent"}, "Urgency 'urgent' is not one of"),
        ({"Topic": "daily reminder"}, "Topic 'daily reminder' is not 1 to 32 base64url"),
        ({"Topic": "t" * 33}, "Topic 'ttttttttttttttttttttttttttttttttt' is not 1 to 32"),
    ],
)
def test_a_bad_urgency_or_topic_is_400(
    service: MockPushService, vapid: Vapid02, headers: dict[str, str], reason: str
) -> None:
    subscription = service.subscribe()

    response = send(subscription, vapid, headers=headers)

    assert response.status_code == 400
    assert response.text.startswith(reason)


def test_a_body_encrypted_for_another_subscription_is_400(
    service: MockPushService, vapid: Vapid02
) -> None:
    mine, theirs = service.subscribe(), service.subscribe()

    response = send({**theirs, "endpoint": mine["endpoint"]}, vapid)

    assert (response.status_code, response.text) == (400, "cannot decrypt")
    assert service.received == []
