"""The mock push service checks pushes the way a real one does, and fails when told to.

These tests send with pywebpush, the library the real sender uses, so they also show what
that library puts on the wire.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid02
from pywebpush import WebPusher, WebPushException, webpush

from tests.push.service import MockPushService, b64url, unb64url

SUB = "mailto:test@hipday.test"
REMINDER = {"title": "Time for your hips", "routine": "pre-run-warm-up", "url": "/play/x"}


@pytest.fixture
def service() -> Iterator[MockPushService]:
    with MockPushService() as running:
        yield running


@pytest.fixture(scope="module")
def vapid() -> Vapid02:
    key = Vapid02()
    key.generate_keys()
    return key


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


def vapid_parts(vapid: Vapid02, url: str) -> tuple[str, str]:
    """The token and key of a valid VAPID Authorization for `url`."""
    authorization = vapid.sign({"sub": SUB, "aud": url})["Authorization"]
    token, key = authorization.removeprefix("vapid t=").split(",k=")
    return token, key


# Accepted pushes


def test_a_subscription_looks_like_the_browsers(service: MockPushService) -> None:
    subscription = service.subscribe()
    assert set(subscription) == {"endpoint", "expirationTime", "keys"}
    assert subscription["endpoint"].startswith(f"{service.url}/push/")
    assert subscription["expirationTime"] is None
    p256dh, auth = subscription["keys"]["p256dh"], subscription["keys"]["auth"]
    assert "=" not in p256dh and "=" not in auth
    assert len(unb64url(p256dh)) == 65 and unb64url(p256dh)[0] == 4
    assert len(unb64url(auth)) == 16


def test_a_push_is_accepted_and_decrypts_to_the_json_sent(
    service: MockPushService, vapid: Vapid02
) -> None:
    subscription = service.subscribe()
    endpoint = subscription["endpoint"]

    response = send(subscription, vapid)

    assert response.status_code == 201
    assert response.content == b""
    assert response.headers["Location"] == f"{service.url}/message/1"
    [push] = service.wait_for(1)
    assert push.json() == REMINDER
    assert (push.endpoint, push.path) == (endpoint, endpoint.removeprefix(service.url))
    assert (push.ttl, push.urgency, push.topic) == (60, "high", "daily")
    assert push.headers["content-type"] == "application/octet-stream"
    assert push.headers["content-encoding"] == "aes128gcm"
    assert push.claims["sub"] == SUB and push.claims["aud"] == service.url
    assert len(push.body) == len(json.dumps(REMINDER)) + 103
    assert push.received_at <= time.monotonic()
    assert service.messages(endpoint) == [REMINDER]
    assert service.attempts(endpoint) == 1
    assert service.rejected == []


def test_pushes_to_different_subscriptions_are_kept_apart(
    service: MockPushService, vapid: Vapid02
) -> None:
    first, second = service.subscribe(), service.subscribe()
    for number in range(3):
        assert send(first, vapid, {"n": number}).status_code == 201
    assert send(second, vapid, {"n": "other"}).status_code == 201

    assert service.messages(first["endpoint"]) == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert service.messages(second["endpoint"]) == [{"n": "other"}]
    assert len(service.wait_for(4)) == 4


def test_many_concurrent_pushes_on_kept_alive_connections_all_arrive(
    service: MockPushService, vapid: Vapid02
) -> None:
    warm_up = service.subscribe()
    subscriptions = [service.subscribe() for _ in range(4)]

    with requests.Session() as session:
        for number in range(10):
            assert send(warm_up, vapid, {"n": number}, session=session).status_code == 201
        assert service.connections_opened == 1

        def push_one(number: int) -> int:
            subscription = subscriptions[number % 4]
            return send(subscription, vapid, {"n": number}, session=session).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(push_one, range(200)))

    assert statuses == [201] * 200
    assert len(service.wait_for(210)) == 210
    assert service.connections_opened <= 8
    for index, subscription in enumerate(subscriptions):
        numbers = [message["n"] for message in service.messages(subscription["endpoint"])]
        assert sorted(numbers) == list(range(index, 200, 4))


def test_a_push_at_exactly_4096_bytes_is_accepted(service: MockPushService, vapid: Vapid02) -> None:
    subscription = service.subscribe()
    assert send(subscription, vapid, "x" * 3993).status_code == 201
    [push] = service.wait_for(1)
    assert len(push.body) == 4096
    assert push.plaintext == b"x" * 3993


def test_a_plain_post_is_answered_201_without_checks(service: MockPushService) -> None:
    with requests.post(f"{service.url}/plain", data=b"x" * 5000, timeout=5) as response:
        assert response.status_code == 201
        assert response.content == b""
    assert service.received == [] and service.rejected == []


# Refused pushes


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


# Scripted failures


def test_scripted_answers_come_in_order_then_pushes_are_accepted_again(
    service: MockPushService, vapid: Vapid02
) -> None:
    subscription = service.subscribe()
    endpoint = subscription["endpoint"]
    service.script(endpoint, 404, 410, (429, 7), 429, 500, 413)

    responses = [send(subscription, vapid, {"n": number}) for number in range(7)]

    assert [response.status_code for response in responses] == [404, 410, 429, 429, 500, 413, 201]
    assert responses[2].headers["Retry-After"] == "7"
    assert responses[3].headers["Retry-After"] == "1"
    assert "Retry-After" not in responses[4].headers
    assert responses[4].text == "scripted 500 Internal Server Error"
    assert [status for _, status, _ in service.rejected] == [404, 410, 429, 429, 500, 413]
    assert service.messages(endpoint) == [{"n": 6}]
    assert service.attempts(endpoint) == 7


def test_retry_after_is_readable_from_pywebpushs_exception(
    service: MockPushService, vapid: Vapid02
) -> None:
    subscription = service.subscribe()
    service.script(subscription["endpoint"], (429, 30))

    with pytest.raises(WebPushException) as refused:
        webpush(
            subscription_info=subscription,
            data=json.dumps(REMINDER),
            vapid_private_key=vapid,
            vapid_claims={"sub": SUB},
            ttl=60,
            timeout=5,
        )

    assert refused.value.status_code == 429
    assert refused.value.retry_after == "30"


def test_a_scripted_answer_skips_the_checks(service: MockPushService, vapid: Vapid02) -> None:
    subscription = service.subscribe()
    service.script(subscription["endpoint"], 500)

    response = post_raw(subscription, vapid, service.url, headers={"Authorization": None})

    assert response.status_code == 500
    assert post_raw(subscription, vapid, service.url).status_code == 201


def test_an_expired_subscription_is_410_for_good(service: MockPushService, vapid: Vapid02) -> None:
    subscription = service.subscribe()
    endpoint = subscription["endpoint"]
    assert send(subscription, vapid).status_code == 201

    service.expire(endpoint)

    assert [send(subscription, vapid).status_code for _ in range(3)] == [410, 410, 410]
    assert service.attempts(endpoint) == 4
    assert service.messages(endpoint) == [REMINDER]


def test_a_hung_push_times_out_the_client_and_stop_still_returns_fast(
    service: MockPushService, vapid: Vapid02
) -> None:
    subscription = service.subscribe()
    endpoint = subscription["endpoint"]
    service.script(endpoint, "hang")

    with pytest.raises(requests.exceptions.Timeout):
        send(subscription, vapid, timeout=0.5)
    assert send(subscription, vapid).status_code == 201

    started = time.monotonic()
    service.stop()
    assert time.monotonic() - started < 1.0
    assert service.attempts(endpoint) == 2
    assert service.messages(endpoint) == [REMINDER]


def test_a_hang_ends_by_closing_the_connection_unanswered(vapid: Vapid02) -> None:
    with MockPushService(hang_seconds=0.2) as service:
        subscription = service.subscribe()
        service.script(subscription["endpoint"], "hang")

        with pytest.raises(requests.exceptions.ConnectionError):
            send(subscription, vapid, timeout=5)

        assert service.rejected == []
        assert send(subscription, vapid).status_code == 201


def test_stop_is_quick_while_a_kept_alive_connection_is_open(vapid: Vapid02) -> None:
    service = MockPushService().start()
    subscription = service.subscribe()
    with requests.Session() as session:
        assert send(subscription, vapid, session=session).status_code == 201
        started = time.monotonic()
        service.stop()
        assert time.monotonic() - started < 1.0
        with pytest.raises(requests.exceptions.ConnectionError):
            send(subscription, vapid, session=session, timeout=1)


# Using the mock wrongly


def test_script_refuses_what_it_cannot_act_out(service: MockPushService) -> None:
    endpoint = service.subscribe()["endpoint"]
    for behaviour in (200, 201, "slow", (429, -1), (429,)):
        with pytest.raises(ValueError):
            service.script(endpoint, behaviour)  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        service.script(f"{service.url}/push/nobody", 500)
    with pytest.raises(KeyError):
        service.expire("https://push.example.net/push/x")


def test_wait_for_says_what_it_has_when_it_gives_up(service: MockPushService) -> None:
    with pytest.raises(AssertionError, match="expected 1 accepted pushes within 0.05 s, got 0"):
        service.wait_for(1, timeout=0.05)
