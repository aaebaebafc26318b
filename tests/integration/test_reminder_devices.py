"""Settings → Reminders, your devices: at most ten, a broken address refused in words, and the
test button bounded in time, in presses and in where it may send."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from tests.conftest import TEST_NOW, make_app
from tests.integration.conftest import Visitor
from tests.integration.reminder_forms import (
    HTMX,
    IPHONE_SAFARI,
    PAGE,
    TEST,
    subscribe,
    text,
    token_of,
)
from tests.push.dns import fake_dns
from tests.push.push_crypto import Receiver
from tests.push.service import MockPushService, Redirect
from webapp import extensions
from webapp.store.models import PushSubscription
from webapp.store.reminders import ReminderStore

CAP_NOTE = "Reminders go to 10 devices at most."
DAY = timedelta(days=1)


@dataclass
class MovingClock:
    """The app's clock, set by the test to the moment each step happens."""

    moment: datetime = TEST_NOW

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def clock() -> MovingClock:
    return MovingClock()


@pytest.fixture
def app(tmp_path: Path, clock: MovingClock) -> Iterator[Flask]:
    application = make_app(tmp_path, CLOCK=clock)
    yield application
    application.extensions["hipday"].sender.close()
    application.extensions["hipday"].store.engine.dispose()


@pytest.fixture
def rows(app: Flask) -> ReminderStore:
    found: ReminderStore = app.extensions["hipday"].reminders
    return found


def press_test(visitor: Visitor, token: str, htmx: bool = False) -> TestResponse:
    return visitor.client.post(TEST, data={"csrf_token": token}, headers=HTMX if htmx else {})


def user_id_of(visitor: Visitor) -> int | None:
    """The visitor's account id, once they have saved something (a device, a setting)."""
    with visitor.client.session_transaction() as session:
        user_id = session.get("user_id")
    return user_id if isinstance(user_id, int) else None


def endpoints_of(rows: ReminderStore, visitor: Visitor) -> list[str]:
    user_id = user_id_of(visitor)
    return [] if user_id is None else [d.endpoint for d in rows.subscriptions(user_id)]


# At most ten devices


def test_an_eleventh_device_replaces_the_one_that_went_longest_without_a_reminder(
    visitor: Visitor, rows: ReminderStore, push_service: MockPushService, clock: MovingClock
) -> None:
    """Ten phones subscribed a day apart; the first still gets reminders, the second never
    did. The eleventh takes the second's place, and both the phone and the list say so."""
    token = token_of(visitor)
    phones = [push_service.subscribe() for _ in range(11)]
    for day, phone in enumerate(phones[:10]):
        clock.moment = TEST_NOW + day * DAY
        assert subscribe(visitor, phone, token=token).status_code == 201
    rows.mark_sent([phones[0]["endpoint"]], TEST_NOW + 12 * DAY)
    assert CAP_NOTE in text(visitor.get(PAGE))

    clock.moment = TEST_NOW + 13 * DAY
    response = subscribe(visitor, phones[10], token=token, user_agent=IPHONE_SAFARI)

    assert response.status_code == 201
    assert response.get_json()["message"] == (
        "Reminders are on. They go to 10 devices at most, so this one replaced the one that "
        "had gone longest without a reminder: Chrome on Android (since 5 March 2026)."
    )
    kept = [phones[0], *phones[2:]]
    assert endpoints_of(rows, visitor) == [phone["endpoint"] for phone in kept]
    page = text(visitor.get(PAGE))
    assert "Safari on iPhone, since 17 March 2026" in page
    assert CAP_NOTE in page


def test_the_list_says_nothing_of_the_cap_below_it(
    visitor: Visitor, push_service: MockPushService
) -> None:
    token = token_of(visitor)
    response = subscribe(visitor, push_service.subscribe(), token=token)
    assert response.status_code == 201 and "message" not in response.get_json()
    assert CAP_NOTE not in text(visitor.get(PAGE))


def test_an_account_from_before_the_cap_tests_only_its_ten_most_recent_devices(
    visitor: Visitor, rows: ReminderStore, push_service: MockPushService
) -> None:
    """Twelve devices stored before there was a cap: the test reaches the ten newest."""
    token = token_of(visitor)
    phones = [push_service.subscribe() for _ in range(12)]
    assert subscribe(visitor, phones[0], token=token).status_code == 201
    user_id = user_id_of(visitor)
    assert user_id is not None
    for day, phone in enumerate(phones[1:], start=1):
        keys = phone["keys"]
        device = PushSubscription(
            user_id=user_id,
            endpoint=phone["endpoint"],
            p256dh=keys["p256dh"],
            auth=keys["auth"],
            vapid_key=visitor.client.application.extensions["hipday"].vapid_public,
            created_at=TEST_NOW + day * DAY,
        )
        rows.add_subscription(device)

    response = press_test(visitor, token)

    assert response.status_code == 200
    assert "Sent to 10 devices. It should show in a moment." in text(response)
    assert [len(push_service.messages(p["endpoint"])) for p in phones] == [0, 0] + [1] * 10


# A broken address


@pytest.mark.parametrize(
    "endpoint",
    ["https://[::1", "https://[push.example.net]/x", "https://push.example.net:99999/x"],
    ids=["unclosed-bracket", "name-in-brackets", "port-out-of-range"],
)
def test_a_malformed_push_address_is_refused_in_words(
    visitor: Visitor, rows: ReminderStore, endpoint: str
) -> None:
    response = subscribe(visitor, Receiver().subscription(endpoint), token=token_of(visitor))
    assert response.status_code == 400
    assert response.get_json() == {
        "error": "The subscription's address is not a valid web address."
    }
    assert endpoints_of(rows, visitor) == []


# The test button: how long, how often, and where


def test_the_test_button_stops_waiting_for_a_silent_device_at_its_deadline(
    tmp_path: Path,
) -> None:
    """One push service holds the push open and never answers; the page still answers, by
    the deadline, and says which device got it. Nothing is forgotten."""
    (tmp_path / "deadline").mkdir()
    app = make_app(tmp_path / "deadline", PUSH_TEST_SECONDS=1.0, PUSH_TIMEOUT=30.0)
    key = app.extensions["hipday"].vapid_public
    visitor = Visitor(app.test_client())
    rows: ReminderStore = app.extensions["hipday"].reminders
    with MockPushService(vapid_public_key=key, hang_seconds=5) as service:
        token = token_of(visitor)
        phone, silent = service.subscribe(), service.subscribe()
        service.script(silent["endpoint"], "hang", "hang", "hang")
        subscribe(visitor, phone, token=token)
        subscribe(visitor, silent, token=token, user_agent=IPHONE_SAFARI)
        try:
            response = press_test(visitor, token)
        finally:
            with app.app_context():
                extensions.sender().close()
        assert response.status_code == 200
        assert "Sent to 1 of 2 devices; 1 didn't answer in time." in text(response)
        assert len(service.messages(phone["endpoint"])) == 1
        assert endpoints_of(rows, visitor) == [phone["endpoint"], silent["endpoint"]]
    app.extensions["hipday"].store.engine.dispose()


def test_the_test_button_answers_five_presses_a_minute_then_says_to_wait(
    visitor: Visitor, other_visitor: Visitor
) -> None:
    token = token_of(visitor)

    answers = [press_test(visitor, token) for _ in range(5)]
    too_many = press_test(visitor, token)
    with_htmx = press_test(visitor, token, htmx=True)

    assert [a.status_code for a in answers] == [409] * 5
    assert too_many.status_code == 429
    # The limiter counts real seconds from the first press: a slow machine may be one on.
    assert 0 < int(too_many.headers["Retry-After"]) <= 60
    waiting = "That's several test notifications in a minute. Wait a minute, then try again"
    assert waiting in text(too_many)
    assert '<section id="this-phone"' in text(too_many), "the whole page, form and all"
    fragment = text(with_htmx).strip()
    assert with_htmx.status_code == 200, "htmx swaps it in where the button's answer shows"
    assert fragment.startswith('<p id="test-result"') and waiting in fragment
    assert press_test(other_visitor, token_of(other_visitor)).status_code == 409


def test_the_test_button_does_not_follow_a_push_services_redirect(
    visitor: Visitor, push_service: MockPushService
) -> None:
    """A 307 would make the server POST wherever it points: it counts as not accepted."""
    token = token_of(visitor)
    phone = push_service.subscribe()
    subscribe(visitor, phone, token=token)
    with MockPushService() as internal:
        push_service.script(phone["endpoint"], Redirect(f"{internal.url}/plain"))

        response = press_test(visitor, token)

        assert response.status_code == 409
        assert "Sent to 0 of 1 devices; the others didn't accept it." in text(response)
        assert internal.connections_opened == 0


def test_in_production_a_push_service_whose_name_leads_to_this_machine_gets_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name looks like a push service's and is accepted; where it leads is checked when
    pushing, so the test notification never reaches the service listening on 127.0.0.1."""
    (tmp_path / "secure").mkdir()
    app = make_app(tmp_path / "secure", PUSH_INSECURE_ENDPOINTS=False)
    dns = fake_dns(monkeypatch)
    dns.answers["push.example.net"] = ["127.0.0.1"]
    visitor = Visitor(app.test_client())
    with MockPushService(vapid_public_key=app.extensions["hipday"].vapid_public) as service:
        token = token_of(visitor)
        phone = service.subscribe()
        port = service.url.rsplit(":", 1)[1]
        disguised = phone["endpoint"].replace(service.url, f"https://push.example.net:{port}")
        assert subscribe(visitor, {**phone, "endpoint": disguised}, token=token).status_code == 201
        try:
            response = press_test(visitor, token)
        finally:
            with app.app_context():
                extensions.sender().close()
        assert "Sent to 0 of 1 devices; the others didn't accept it." in text(response)
        assert service.connections_opened == 0
    app.extensions["hipday"].store.engine.dispose()
