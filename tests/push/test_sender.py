"""The push sender against the mock push service: what a phone receives, and what it does
when a push service refuses, throttles, fails or hangs.

The sender's waits between attempts are recorded instead of slept, so retries cost no time.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from py_vapid import Vapid02

from tests.conftest import TEST_VAPID_KEY
from tests.push.conftest import TEST_PUBLIC_KEY
from tests.push.push_crypto import Receiver, b64url
from tests.push.service import Behaviour, MockPushService
from webapp.push.sender import (
    MAX_PAYLOAD,
    Outcome,
    Push,
    Sender,
    payload,
    retry_after,
)
from webapp.push.subscriptions import SubscriptionError, check_subscription

SUBJECT = "mailto:tests@hipday.app"
BACKOFF = 0.25
ACTIONS = [
    {"action": "start", "title": "Start"},
    {"action": "snooze", "title": "Snooze 15 min"},
    {"action": "skip", "title": "Skip today"},
]
MESSAGE = {
    "title": "Strength day · Hip ER strength · 18 min",
    "body": "Foundation phase · week 2",
    "url": "/play/hip-er-strength?day=2026-06-03",
    "actions": ACTIONS,
}


@pytest.fixture
def waits() -> list[float]:
    """The pauses the sender asked for between attempts, in seconds."""
    return []


@pytest.fixture
def vapid() -> Vapid02:
    return Vapid02.from_string(TEST_VAPID_KEY)


@pytest.fixture
def sender(vapid: Vapid02, waits: list[float]) -> Iterator[Sender]:
    made = Sender(
        vapid, SUBJECT, timeout=2.0, backoff=BACKOFF, sleep=waits.append, insecure_endpoints=True
    )
    yield made
    made.close()


def push_to(
    subscription: dict[str, Any],
    message: dict[str, Any] = MESSAGE,
    *,
    topic: str = "hipday-session",
) -> Push:
    keys = subscription["keys"]
    return Push(
        subscription["endpoint"],
        keys["p256dh"],
        keys["auth"],
        payload(message),
        topic=topic,
        urgency="high",
        ttl=3600,
    )


# What a phone receives


def test_a_push_decrypts_to_the_exact_message_with_every_delivery_header(
    push_service: MockPushService, sender: Sender, waits: list[float]
) -> None:
    """The phone shows the title, body and buttons sent, and the push service keeps it an hour."""
    subscription = push_service.subscribe()

    result = sender.send(push_to(subscription))

    assert (result.outcome, result.status, result.attempts) == (Outcome.SENT, 201, 1)
    [push] = push_service.wait_for(1)
    assert push.json() == MESSAGE
    assert (push.ttl, push.urgency, push.topic) == (3600, "high", "hipday-session")
    assert push.headers["content-type"] == "application/octet-stream"
    assert push.headers["content-encoding"] == "aes128gcm"
    assert push.claims["aud"] == push_service.url
    assert push.claims["sub"] == SUBJECT
    assert waits == []


def test_a_long_topic_is_cut_to_the_32_characters_push_services_allow(
    push_service: MockPushService, sender: Sender
) -> None:
    """A too-long topic would make the push service refuse the reminder outright."""
    subscription = push_service.subscribe()

    result = sender.send(push_to(subscription, topic="hipday-" + "x" * 40))

    assert result.outcome is Outcome.SENT
    assert push_service.wait_for(1)[0].topic == "hipday-" + "x" * 25


def test_each_push_service_gets_claims_signed_for_its_own_origin(
    push_service: MockPushService, sender: Sender
) -> None:
    """Chrome and Firefox users in one batch both get their reminder: no shared `aud`."""
    with MockPushService(vapid_public_key=TEST_PUBLIC_KEY) as other_service:
        here = [push_service.subscribe() for _ in range(3)]
        there = [other_service.subscribe() for _ in range(3)]
        mixed = [push_to(s) for pair in zip(here, there, strict=True) for s in pair]

        results = sender.send_all(mixed)

        assert [r.outcome for r in results] == [Outcome.SENT] * 6
        assert [r.push for r in results] == mixed
        for service in (push_service, other_service):
            pushes = service.wait_for(3)
            assert {p.claims["aud"] for p in pushes} == {service.url}
            assert [p.json() for p in pushes] == [MESSAGE] * 3
            assert service.rejected == []


def test_one_push_services_pushes_share_a_signed_token_for_five_minutes(
    push_service: MockPushService, vapid: Vapid02
) -> None:
    """Signing costs as much as encrypting: a busy minute signs once per push service."""
    moments = [time.time()]
    sender = Sender(vapid, SUBJECT, insecure_endpoints=True, now=lambda: moments[0])
    try:
        devices = [push_service.subscribe() for _ in range(3)]
        for device, later in zip(devices, (299, 2, 0), strict=True):
            assert sender.send(push_to(device)).outcome is Outcome.SENT
            moments[0] += later
    finally:
        sender.close()

    first, second, third = (p.claims["exp"] for p in push_service.wait_for(3))
    assert first == second, "the token signed 299 s ago is used again"
    assert third == first + 301, "after five minutes a new one is signed"
    assert push_service.rejected == []


# Refusals, throttling and failures


@pytest.mark.parametrize(
    ("script", "outcome", "status", "attempts", "waits_asked"),
    [
        pytest.param([404], Outcome.GONE, 404, 1, [], id="404 gone"),
        pytest.param([410], Outcome.GONE, 410, 1, [], id="410 gone"),
        pytest.param([(429, 7)], Outcome.SENT, 201, 2, [7.0], id="429 waits Retry-After"),
        pytest.param([429], Outcome.SENT, 201, 2, [1.0], id="429 waits 1 s"),
        pytest.param([(429, 600)], Outcome.SENT, 201, 2, [30.0], id="429 wait capped"),
        pytest.param([500], Outcome.SENT, 201, 2, [BACKOFF], id="500 then sent"),
        pytest.param(
            [500, 500, 500], Outcome.FAILED, 500, 3, [BACKOFF, 2 * BACKOFF], id="500 x3 fails"
        ),
        pytest.param([(503, 3), 502], Outcome.SENT, 201, 3, [3.0, 2 * BACKOFF], id="5xx mixed"),
        pytest.param([413], Outcome.FAILED, 413, 1, [], id="413 not retried"),
        pytest.param([400], Outcome.FAILED, 400, 1, [], id="400 not retried"),
        pytest.param([403], Outcome.FAILED, 403, 1, [], id="403 not retried"),
    ],
)
def test_how_the_sender_answers_each_push_service_status(
    push_service: MockPushService,
    sender: Sender,
    waits: list[float],
    script: list[Behaviour],
    outcome: Outcome,
    status: int,
    attempts: int,
    waits_asked: list[float],
) -> None:
    """Gone devices are dropped at once, throttling and outages retried, refusals not repeated."""
    subscription = push_service.subscribe()
    endpoint = subscription["endpoint"]
    push_service.script(endpoint, *script)

    result = sender.send(push_to(subscription))

    assert (result.outcome, result.status, result.attempts) == (outcome, status, attempts)
    assert push_service.attempts(endpoint) == attempts
    assert waits == waits_asked
    delivered = [MESSAGE] if outcome is Outcome.SENT else []
    assert push_service.messages(endpoint) == delivered


def test_an_expired_subscription_is_gone_after_one_attempt(
    push_service: MockPushService, sender: Sender
) -> None:
    """A browser that unsubscribed is reported gone, so the app forgets it."""
    subscription = push_service.subscribe()
    push_service.expire(subscription["endpoint"])

    result = sender.send(push_to(subscription))

    assert (result.outcome, result.status, result.attempts) == (Outcome.GONE, 410, 1)


def test_a_hanging_push_service_fails_without_holding_up_the_others(
    push_service: MockPushService, vapid: Vapid02, waits: list[float]
) -> None:
    """One stuck push service costs its own users their reminder, and nobody else theirs."""
    stuck, *fine = [push_service.subscribe() for _ in range(4)]
    push_service.script(stuck["endpoint"], "hang", "hang", "hang")
    sender = Sender(
        vapid, SUBJECT, timeout=0.5, backoff=BACKOFF, sleep=waits.append, insecure_endpoints=True
    )
    try:
        results = sender.send_all([push_to(stuck)] + [push_to(s) for s in fine])
    finally:
        sender.close()

    hung, *others = results
    assert (hung.outcome, hung.status, hung.attempts) == (Outcome.FAILED, None, 3)
    assert hung.detail.startswith("no answer")
    assert [r.outcome for r in others] == [Outcome.SENT] * 3
    assert push_service.attempts(stuck["endpoint"]) == 3
    assert push_service.messages(stuck["endpoint"]) == []
    for subscription in fine:  # a push slowed past 0.5 s by a busy machine may come twice
        assert push_service.messages(subscription["endpoint"])[:1] == [MESSAGE]
    assert {BACKOFF, 2 * BACKOFF} <= set(waits), "the stuck push backed off, doubling"


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("7", 7.0),
        (" 120 ", 120.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # a date already past: retry now
        ("soon", None),
        ("²", None),  # a Unicode digit is not a number of seconds
        ("9" * 5000, None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_reads_seconds_or_a_date(header: str | None, seconds: float | None) -> None:
    """A throttled push waits as long as the push service asked, never a negative time."""
    assert retry_after(header) == seconds


# Payload size


def test_a_payload_up_to_the_limit_is_sent_and_one_byte_more_is_refused(
    push_service: MockPushService, sender: Sender
) -> None:
    """Reminders stay far below the 4096 bytes every push service accepts."""
    largest = {"t": "x" * (MAX_PAYLOAD - len('{"t":""}'))}
    assert len(payload(largest)) == MAX_PAYLOAD
    subscription = push_service.subscribe()

    assert sender.send(push_to(subscription, largest)).outcome is Outcome.SENT
    assert push_service.messages(subscription["endpoint"]) == [largest]
    with pytest.raises(ValueError, match="a push payload of 2049 bytes is over 2048"):
        payload({"t": "x" * (MAX_PAYLOAD - len('{"t":""}') + 1)})


def test_the_payload_limit_counts_bytes_not_characters() -> None:
    """A title full of "·" is twice its length on the wire."""
    with pytest.raises(ValueError, match="a push payload of 2050 bytes is over 2048"):
        payload({"t": "·" * 1021})


# Checking the subscription a browser sends


def test_a_mock_subscription_is_accepted_when_insecure_endpoints_are_allowed(
    push_service: MockPushService,
) -> None:
    """Tests (and only tests) may subscribe to a local http push service."""
    subscription = push_service.subscribe()
    keys = subscription["keys"]

    checked = check_subscription(subscription, allow_insecure=True)

    assert checked == (subscription["endpoint"], keys["p256dh"], keys["auth"])


def test_a_real_push_services_subscription_is_accepted() -> None:
    """A browser's subscription at a real push service is stored as sent."""
    subscription = Receiver().subscription("https://fcm.googleapis.com/fcm/send/abc:APA91b")
    assert check_subscription(subscription)[0] == subscription["endpoint"]


RECEIVER = Receiver()
GOOD = RECEIVER.subscription("https://updates.push.services.mozilla.com/wpush/v2/gAAAA")
GOOD_KEYS = GOOD["keys"]
ELSEWHERE = "The subscription's address must be a push service's."
NOT_VALID = "The subscription's keys are not valid."


def _with(endpoint: str | None = None, **keys: Any) -> dict[str, Any]:
    """GOOD with its endpoint or some keys replaced (a key set to None is left out)."""
    merged = {name: value for name, value in {**GOOD_KEYS, **keys}.items() if value is not None}
    return {**GOOD, "endpoint": endpoint or GOOD["endpoint"], "keys": merged}


@pytest.mark.parametrize(
    ("data", "allow_insecure", "message"),
    [
        pytest.param(None, False, "The browser sent no subscription.", id="nothing"),
        pytest.param([GOOD], False, "The browser sent no subscription.", id="a list"),
        pytest.param("https://x.test", False, "The browser sent no subscription.", id="a string"),
        pytest.param(
            {"keys": GOOD_KEYS}, False, "The subscription has no usable address.", id="no endpoint"
        ),
        pytest.param(
            _with("https://push.example.com/" + "x" * 2048),
            False,
            "The subscription has no usable address.",
            id="endpoint too long",
        ),
        pytest.param(_with("http://push.example.com/x"), False, ELSEWHERE, id="plain http"),
        pytest.param(_with("https://127.0.0.1/x"), False, ELSEWHERE, id="IPv4 literal"),
        pytest.param(_with("https://10.0.0.7:8443/x"), False, ELSEWHERE, id="private IPv4"),
        pytest.param(_with("https://[::1]/x"), False, ELSEWHERE, id="IPv6 literal"),
        pytest.param(_with("https://[::ffff:127.0.0.1]/x"), False, ELSEWHERE, id="mapped IPv6"),
        pytest.param(_with("https://localhost/x"), False, ELSEWHERE, id="localhost"),
        pytest.param(_with("https://LocalHost:9/x"), False, ELSEWHERE, id="LocalHost"),
        pytest.param(_with("https://push.localhost/x"), False, ELSEWHERE, id="*.localhost"),
        pytest.param(_with("https://printer.local/x"), False, ELSEWHERE, id="*.local"),
        pytest.param(_with("https://metadata.internal/x"), False, ELSEWHERE, id="*.internal"),
        pytest.param(
            _with("ftp://push.example.com/x"),
            True,
            "The subscription's address must be an http(s) address.",
            id="ftp even when insecure allowed",
        ),
        pytest.param(
            {"endpoint": GOOD["endpoint"]}, False, "The subscription has no keys.", id="no keys"
        ),
        pytest.param(_with(auth=None), False, "The subscription's keys are missing.", id="no auth"),
        pytest.param(
            _with(p256dh=None), False, "The subscription's keys are missing.", id="no p256dh"
        ),
        pytest.param(_with(p256dh=b64url(bytes(32))), False, NOT_VALID, id="p256dh too short"),
        pytest.param(
            _with(p256dh=b64url(b"\x04" + b"\xff" * 64)), False, NOT_VALID, id="not on P-256"
        ),
        pytest.param(_with(p256dh="!!!"), False, NOT_VALID, id="p256dh not base64url"),
        pytest.param(_with(auth=b64url(bytes(15))), False, NOT_VALID, id="auth 15 bytes"),
        pytest.param(_with(auth=b64url(bytes(17))), False, NOT_VALID, id="auth 17 bytes"),
        pytest.param(_with(auth=7), False, "The subscription's keys are missing.", id="auth int"),
    ],
)
def test_a_subscription_that_cant_be_used_is_refused_in_words(
    data: Any, allow_insecure: bool, message: str
) -> None:
    """The settings page shows why this phone can't get reminders."""
    with pytest.raises(SubscriptionError) as refused:
        check_subscription(data, allow_insecure=allow_insecure)
    assert str(refused.value) == message


@pytest.mark.parametrize("host", ["127.1", "2130706433", "0x7f000001", "0"])
def test_shorthand_ipv4_hosts_are_refused_too(host: str) -> None:
    """The server can't be pointed at itself by writing 127.0.0.1 another way."""
    with pytest.raises(SubscriptionError, match="must be a push service's"):
        check_subscription(_with(f"https://{host}/push/x"))
