"""The mock push service takes pushes like a real one and decrypts them to what was sent."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from py_vapid import Vapid02

from tests.push.mock_service_helpers import REMINDER, SUB, send
from tests.push.push_crypto import unb64url
from tests.push.service import MockPushService


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
