"""The mock push service's scripted answers, expired subscriptions, hangs, and a quick stop."""

from __future__ import annotations

import json
import time

import pytest
import requests
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush

from tests.push.mock_service_helpers import REMINDER, SUB, post_raw, send
from tests.push.service import MockPushService


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
