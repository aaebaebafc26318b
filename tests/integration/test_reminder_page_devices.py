"""Settings → Reminders in the app: this user's devices and the test button, against real SQLite
and the in-process mock push service."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.conftest import TEST_NOW, make_app
from tests.integration.conftest import Visitor
from tests.integration.reminder_forms import (
    ANDROID_CHROME,
    DEVICES,
    HTMX,
    IPHONE_SAFARI,
    PAGE,
    REMOVE,
    TEST,
    all_subscriptions,
    device_ids,
    htmx_swaps,
    subscribe,
    text,
    token_of,
    user_id_of,
)
from tests.push.push_crypto import Receiver
from tests.push.service import MockPushService
from webapp.store.training import TrainingStore

# Devices


def test_a_subscription_is_stored_labelled_from_the_browser_and_listed(
    visitor: Visitor, app: Flask, store: TrainingStore, push_service: MockPushService
) -> None:
    token = token_of(visitor)
    phone = push_service.subscribe()
    key = app.extensions["hipday"].vapid_public
    response = subscribe(visitor, phone, token=token, key=key)
    assert response.status_code == 201
    public_id = response.get_json()["id"]
    assert isinstance(public_id, str) and public_id
    page = text(visitor.get(PAGE))
    assert f"Chrome on Android, since {TEST_NOW:%d %B %Y}".replace(" 0", " ") in page
    assert "No device gets reminders yet." not in page
    assert "needs turning on again" not in page
    assert device_ids(page) == [public_id]
    assert all_subscriptions(store) == [(phone["endpoint"], user_id_of(visitor))]


def test_the_same_endpoint_posted_again_updates_it_rather_than_adding_another(
    visitor: Visitor, store: TrainingStore, push_service: MockPushService
) -> None:
    token = token_of(visitor)
    phone = push_service.subscribe()
    first = subscribe(visitor, phone, token=token, user_agent=IPHONE_SAFARI)
    again = subscribe(visitor, phone, token=token, user_agent=ANDROID_CHROME)
    assert first.status_code == again.status_code == 201
    assert first.get_json()["id"] == again.get_json()["id"]
    assert len(all_subscriptions(store)) == 1
    page = text(visitor.get(PAGE))
    assert "Chrome on Android" in page and "Safari on iPhone" not in page


def test_the_devices_list_alone_comes_back_for_htmx(
    visitor: Visitor, push_service: MockPushService
) -> None:
    assert subscribe(visitor, push_service.subscribe(), token=token_of(visitor)).status_code == 201
    response = visitor.get(DEVICES, headers=HTMX)
    fragment = text(response)
    assert response.status_code == 200
    assert fragment.lstrip().startswith('<div id="devices-list"') and "<html" not in fragment
    assert "Chrome on Android" in fragment


def test_the_devices_address_opened_directly_shows_a_page(app: Flask, visitor: Visitor) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as in production: an error page
    response = visitor.get(DEVICES)
    assert response.status_code in (200, 303), f"{response.status_code}: a page, not an error"
    assert "Something went wrong" not in text(response)


def _broken(subscription: dict[str, Any], case: str) -> Any:
    keys = subscription["keys"]
    return {
        "empty": {},
        "no-endpoint": {"keys": keys},
        "ftp-endpoint": {**subscription, "endpoint": "ftp://push.example.com/x"},
        "no-keys": {"endpoint": subscription["endpoint"]},
        "no-auth": {**subscription, "keys": {"p256dh": keys["p256dh"]}},
        "bad-p256dh": {**subscription, "keys": {**keys, "p256dh": "bm90IGEga2V5"}},
        "short-auth": {**subscription, "keys": {**keys, "auth": "c2hvcnQ"}},
        "a-list": [subscription],
    }[case]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("empty", "The subscription has no usable address."),
        ("no-endpoint", "The subscription has no usable address."),
        ("ftp-endpoint", "The subscription's address must be an http(s) address."),
        ("no-keys", "The subscription has no keys."),
        ("no-auth", "The subscription's keys are missing."),
        ("bad-p256dh", "The subscription's keys are not valid."),
        ("short-auth", "The subscription's keys are not valid."),
        ("a-list", "The browser sent no subscription."),
    ],
)
def test_a_broken_subscription_is_refused_in_words(
    case: str, message: str, visitor: Visitor, store: TrainingStore, push_service: MockPushService
) -> None:
    body = _broken(push_service.subscribe(), case)
    response = visitor.client.post(DEVICES, json=body, headers={"X-CSRFToken": token_of(visitor)})
    assert response.status_code == 400
    assert response.get_json() == {"error": message}
    assert all_subscriptions(store) == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [("{not json", "application/json"), ("endpoint=http://127.0.0.1/x", None)],
    ids=["garbled-json", "a-form-not-json"],
)
def test_a_body_that_is_not_json_is_refused(
    body: str, content_type: str | None, visitor: Visitor, store: TrainingStore
) -> None:
    headers = {"X-CSRFToken": token_of(visitor)}
    if content_type is None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    else:
        headers["Content-Type"] = content_type
    response = visitor.client.post(DEVICES, data=body, headers=headers)
    assert response.status_code == 400
    assert response.get_json() == {"error": "The browser sent no subscription."}
    assert all_subscriptions(store) == []


def test_a_subscription_made_under_another_server_key_is_refused_with_a_409(
    visitor: Visitor, store: TrainingStore, push_service: MockPushService
) -> None:
    other_key = base64.urlsafe_b64encode(b"\x04" + b"\x01" * 64).rstrip(b"=").decode()
    response = subscribe(visitor, push_service.subscribe(), token=token_of(visitor), key=other_key)
    assert response.status_code == 409
    assert response.get_json() == {
        "error": "This page is out of date: reload it and turn reminders on again."
    }
    assert all_subscriptions(store) == []


@pytest.fixture
def secure_app(tmp_path: Path) -> Iterator[Flask]:
    """An app as deployed: subscriptions must point at a real push service over https."""
    folder = tmp_path / "secure"
    folder.mkdir()
    application = make_app(folder, PUSH_INSECURE_ENDPOINTS=False)
    yield application
    application.extensions["hipday"].store.engine.dispose()


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://fcm.googleapis.com/fcm/send/abc",
        "https://127.0.0.1/push/abc",
        "https://[::1]/push/abc",
        "https://10.0.0.7/push/abc",
        "https://localhost/push/abc",
        "https://push.printer.local/abc",
    ],
    ids=["http", "ipv4-literal", "ipv6-literal", "private-ip", "localhost", "dot-local"],
)
def test_in_production_only_https_push_services_are_accepted(
    endpoint: str, secure_app: Flask
) -> None:
    visitor = Visitor(secure_app.test_client())
    token = token_of(visitor)
    subscription = Receiver().subscription(endpoint)
    response = subscribe(visitor, subscription, token=token)
    assert response.status_code == 400
    assert response.get_json() == {"error": "The subscription's address must be a push service's."}
    fine = Receiver().subscription("https://fcm.googleapis.com/fcm/send/abc")
    assert subscribe(visitor, fine, token=token).status_code == 201
    assert [e for e, _ in all_subscriptions(secure_app.extensions["hipday"].store)] == [
        fine["endpoint"]
    ]


def test_several_devices_are_listed_and_the_lists_remove_button_removes_only_one(
    visitor: Visitor, store: TrainingStore, push_service: MockPushService
) -> None:
    token = token_of(visitor)
    phone, tablet = push_service.subscribe(), push_service.subscribe()
    phone_id = subscribe(visitor, phone, token=token).get_json()["id"]
    tablet_id = subscribe(visitor, tablet, token=token, user_agent=IPHONE_SAFARI).get_json()["id"]
    page = text(visitor.get(PAGE))
    assert "Chrome on Android" in page and "Safari on iPhone" in page
    assert device_ids(page) == [phone_id, tablet_id]

    response = visitor.client.post(REMOVE, data={"csrf_token": token, "device": tablet_id})
    assert response.status_code == 303
    assert response.headers["Location"] == "/settings/reminders#devices"
    page = text(visitor.get(PAGE))
    assert "Chrome on Android" in page and "Safari on iPhone" not in page
    assert device_ids(page) == [phone_id]
    assert [e for e, _ in all_subscriptions(store)] == [phone["endpoint"]]


def test_removing_with_htmx_answers_with_the_updated_list(
    visitor: Visitor, push_service: MockPushService
) -> None:
    token = token_of(visitor)
    phone_id = subscribe(visitor, push_service.subscribe(), token=token).get_json()["id"]
    response = visitor.client.post(
        REMOVE, data={"csrf_token": token, "device": phone_id}, headers=HTMX
    )
    fragment = text(response)
    assert response.status_code == 200
    assert fragment.lstrip().startswith('<div id="devices-list"') and "<html" not in fragment
    assert "No device gets reminders yet." in fragment


def test_removing_a_device_already_gone_with_htmx_refreshes_the_list(
    visitor: Visitor, push_service: MockPushService
) -> None:
    token = token_of(visitor)
    phone_id = subscribe(visitor, push_service.subscribe(), token=token).get_json()["id"]
    page = visitor.get(PAGE).get_data(as_text=True)
    form = {"csrf_token": token, "device": phone_id}
    assert visitor.client.post(REMOVE, data=form, headers=HTMX).status_code == 200
    response = visitor.client.post(REMOVE, data=form, headers=HTMX)  # the other tab
    assert htmx_swaps(page, response.status_code), f"htmx swaps a {response.status_code}"
    fragment = text(response)
    assert fragment.lstrip().startswith('<div id="devices-list"') and "<html" not in fragment


def test_another_users_device_cannot_be_removed_by_its_public_id(
    visitor: Visitor, other_visitor: Visitor, store: TrainingStore, push_service: MockPushService
) -> None:
    theirs = push_service.subscribe()
    their_id = subscribe(other_visitor, theirs, token=token_of(other_visitor)).get_json()["id"]
    response = visitor.client.post(
        REMOVE, data={"csrf_token": token_of(visitor), "device": their_id}
    )
    assert response.status_code == 404
    assert "That device isn't on your list any more." in text(response)
    assert all_subscriptions(store) == [(theirs["endpoint"], user_id_of(other_visitor))]
    assert device_ids(text(other_visitor.get(PAGE))) == [their_id]


def test_this_phone_turning_reminders_off_removes_its_subscription_only(
    visitor: Visitor, other_visitor: Visitor, store: TrainingStore, push_service: MockPushService
) -> None:
    token = token_of(visitor)
    phone, laptop = push_service.subscribe(), push_service.subscribe()
    theirs = push_service.subscribe()
    subscribe(visitor, phone, token=token)
    subscribe(visitor, laptop, token=token)
    subscribe(other_visitor, theirs, token=token_of(other_visitor))
    headers = {"X-CSRFToken": token}

    response = visitor.client.post(REMOVE, json={"endpoint": phone["endpoint"]}, headers=headers)
    assert response.status_code == 204 and response.get_data() == b""
    assert [e for e, _ in all_subscriptions(store)] == [laptop["endpoint"], theirs["endpoint"]]

    response = visitor.client.post(REMOVE, json={"endpoint": theirs["endpoint"]}, headers=headers)
    assert response.status_code == 204
    assert (theirs["endpoint"], user_id_of(other_visitor)) in all_subscriptions(store)
    assert len(device_ids(text(other_visitor.get(PAGE)))) == 1

    response = visitor.client.post(REMOVE, json={"endpoint": ""}, headers=headers)
    assert response.status_code == 400
    assert response.get_json() == {"error": "No subscription was named."}
    assert len(all_subscriptions(store)) == 2


def test_an_endpoint_moves_to_the_account_that_subscribes_it_last(
    visitor: Visitor, other_visitor: Visitor, store: TrainingStore, push_service: MockPushService
) -> None:
    browser = push_service.subscribe()
    assert subscribe(visitor, browser, token=token_of(visitor)).status_code == 201
    # The same browser, a new guest account (its cookie was cleared): it subscribes again.
    assert subscribe(other_visitor, browser, token=token_of(other_visitor)).status_code == 201
    assert all_subscriptions(store) == [(browser["endpoint"], user_id_of(other_visitor))]
    assert "No device gets reminders yet." in text(visitor.get(PAGE))
    assert "Chrome on Android" in text(other_visitor.get(PAGE))


# The test notification


def test_the_test_button_with_no_device_says_so(visitor: Visitor) -> None:
    response = visitor.client.post(TEST, data={"csrf_token": token_of(visitor)})
    page = text(response)
    assert response.status_code == 409
    assert "No device has reminders on yet. Turn them on for this phone first." in page
    assert '<section id="this-phone"' in page, "without htmx the whole page comes back"


def test_the_test_button_sends_to_every_device(
    visitor: Visitor, push_service: MockPushService
) -> None:
    token = token_of(visitor)
    phone, laptop = push_service.subscribe(), push_service.subscribe()
    subscribe(visitor, phone, token=token)
    subscribe(visitor, laptop, token=token, user_agent=IPHONE_SAFARI)
    response = visitor.client.post(TEST, data={"csrf_token": token})
    page = text(response)
    assert response.status_code == 200
    assert "Sent to 2 devices. It should show in a moment." in page
    for endpoint in (phone["endpoint"], laptop["endpoint"]):
        (message,) = push_service.messages(endpoint)
        assert message["title"] == "Reminders work on this device"
        assert message["url"] == "/" and message["actions"] == []


def test_the_test_button_with_htmx_answers_with_the_result_only(
    visitor: Visitor, push_service: MockPushService
) -> None:
    token = token_of(visitor)
    subscribe(visitor, push_service.subscribe(), token=token)
    response = visitor.client.post(TEST, data={"csrf_token": token}, headers=HTMX)
    fragment = text(response).strip()
    assert response.status_code == 200
    assert fragment.startswith('<p id="test-result"') and fragment.endswith("</p>")
    assert "Sent to 1 device. It should show in a moment." in fragment
    assert "<form" not in fragment and "<html" not in fragment


def test_the_test_buttons_answer_shows_with_htmx_even_when_nothing_was_sent(
    visitor: Visitor,
) -> None:
    page = visitor.get(PAGE).get_data(as_text=True)
    response = visitor.client.post(TEST, data={"csrf_token": token_of(visitor)}, headers=HTMX)
    assert "No device has reminders on yet" in text(response)
    assert htmx_swaps(page, response.status_code), f"htmx swaps a {response.status_code}"


def test_a_device_the_push_service_says_is_gone_is_removed_by_the_test(
    visitor: Visitor, store: TrainingStore, push_service: MockPushService
) -> None:
    token = token_of(visitor)
    phone, old_laptop = push_service.subscribe(), push_service.subscribe()
    subscribe(visitor, phone, token=token)
    subscribe(visitor, old_laptop, token=token, user_agent=IPHONE_SAFARI)
    push_service.expire(old_laptop["endpoint"])
    response = visitor.client.post(TEST, data={"csrf_token": token})
    page = text(response)
    assert response.status_code == 200
    assert "Sent to 1 of 2 devices; the others didn't accept it." in page
    assert len(push_service.messages(phone["endpoint"])) == 1
    assert [e for e, _ in all_subscriptions(store)] == [phone["endpoint"]]
    assert "Safari on iPhone" not in text(visitor.get(PAGE))
