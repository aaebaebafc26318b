"""Reminders shown by the service worker: what a push puts on screen, and what it leaves out.

Push messages go straight to the worker through DevTools (`ServiceWorker.deliverPushMessage`),
and the notifications it shows are read back with `registration.getNotifications()`; see
tests/e2e/push_phone.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import CDPSession, Page

from tests.e2e.conftest import LiveServer, MakePhone
from tests.e2e.push_phone import (
    first_page,
    notifications,
    open_with_worker,
    settle_notifications,
    wait_until,
)

#: Counts, in the running worker, the notifications whose showNotification has finished.
COUNT_SHOWN = """() => {
  if (self.testShown === undefined) {
    self.testShown = 0;
    const show = self.registration.showNotification.bind(self.registration);
    self.registration.showNotification = (...args) =>
      show(...args).finally(() => { self.testShown += 1; });
  }
  return self.testShown;
}"""


class Pusher:
    """Delivers push messages to the page's service worker through DevTools."""

    def __init__(self, page: Page, origin: str) -> None:
        self.page = page
        self.origin = origin
        self.cdp: CDPSession = page.context.new_cdp_session(page)
        self.registrations: dict[str, str] = {}
        self.cdp.on("ServiceWorker.workerRegistrationUpdated", self._on_registrations)
        self.cdp.on("ServiceWorker.workerVersionUpdated", self._on_versions)
        self.cdp.send("ServiceWorker.enable")
        self.registration_id = wait_until(
            page, lambda: self.registrations.get(origin + "/"), "the worker's registration id"
        )
        self.worker = wait_until(page, lambda: page.context.service_workers, "the worker")[0]
        self.worker.evaluate(COUNT_SHOWN)
        settle_notifications(page)

    def _on_registrations(self, event: dict[str, Any]) -> None:
        for registration in event["registrations"]:
            if not registration["isDeleted"]:
                self.registrations[registration["scopeURL"]] = registration["registrationId"]

    def _on_versions(self, event: dict[str, Any]) -> None:
        for version in event["versions"]:
            if version["status"] == "activated" and version["scriptURL"].startswith(self.origin):
                self.registrations.setdefault(self.origin + "/", version["registrationId"])

    def push(self, data: str) -> None:
        """Deliver `data` and wait until the worker has finished showing its notification."""
        before = self.worker.evaluate(COUNT_SHOWN)
        self.cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": self.origin + "/", "registrationId": self.registration_id, "data": data},
        )
        wait_until(
            self.page,
            lambda: self.worker.evaluate(COUNT_SHOWN) > before,
            "the worker to show a notification for the push",
        )


def shown_after(page: Page, pusher: Pusher, data: str, body: str) -> list[dict[str, Any]]:
    """Push `data`, then wait for a notification with `body`; returns every notification shown."""
    pusher.push(data)
    return wait_until(
        page,
        lambda: (shown := notifications(page)) and any(n["body"] == body for n in shown) and shown,
        f"a notification saying {body!r}",
    )


def reminder(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "title": "Time for your hips",
        "body": "Pre-run warm-up, 6 minutes.",
        "tag": "hipday-session-2026-11-21",
        "url": "/play/pre-run-warm-up?source=reminder",
        "kind": "session",
        "token": "tok-123",
        # Chromium shows two actions at most (Notification.maxActions).
        "actions": [
            {"action": "start", "title": "Start now"},
            {"action": "snooze", "title": "In 30 min"},
        ],
    }
    return {**payload, **changes}


def expect_the_first_reminder_in_full(page: Page, pusher: Pusher, live_server: LiveServer) -> None:
    """The first reminder shows with its title, body, tag, icon, data and two actions."""
    first = reminder()
    shown = shown_after(page, pusher, json.dumps(first), first["body"])
    assert shown == [
        {
            "title": "Time for your hips",
            "body": "Pre-run warm-up, 6 minutes.",
            "tag": "hipday-session-2026-11-21",
            "icon": live_server("/static/icons/icon-192.png"),
            "data": {
                "url": "/play/pre-run-warm-up?source=reminder",
                "token": "tok-123",
                "kind": "session",
            },
            "actions": [
                {"action": "start", "title": "Start now"},
                {"action": "snooze", "title": "In 30 min"},
            ],
        }
    ]
    icon = page.request.get(shown[0]["icon"])
    assert icon.ok and icon.headers["content-type"] == "image/png"


def expect_snooze_and_skip_kept_of_three_buttons(page: Page, pusher: Pusher) -> dict[str, Any]:
    """The server's three buttons: where only two fit, Start goes (a tap on the notification
    itself opens the session) and Snooze and Skip stay. Returns the reminder pushed."""
    three = reminder(
        body="Strength day.",
        actions=[
            {"action": "start", "title": "Start"},
            {"action": "snooze", "title": "Snooze 15 min"},
            {"action": "skip", "title": "Skip today"},
        ],
    )
    shown = shown_after(page, pusher, json.dumps(three), three["body"])
    most = page.evaluate("Notification.maxActions")
    expected = three["actions"] if most >= 3 else three["actions"][1:]
    assert [n["actions"] for n in shown] == [expected[:most]]
    return three


def test_a_push_shows_the_reminder_and_a_later_one_with_the_same_tag_replaces_it(
    make_phone: MakePhone, live_server: LiveServer
) -> None:
    page = first_page(make_phone())
    open_with_worker(page, live_server("/"))
    pusher = Pusher(page, live_server.url)
    expect_the_first_reminder_in_full(page, pusher, live_server)

    # A late reminder with the same tag takes the stale one's place.
    late = reminder(body="Pre-run warm-up, still time before your run.")
    shown = shown_after(page, pusher, json.dumps(late), late["body"])
    assert [(n["tag"], n["body"]) for n in shown] == [(late["tag"], late["body"])]

    late = expect_snooze_and_skip_kept_of_three_buttons(page, pusher)

    # Another tag is another notification.
    desk = reminder(
        tag="hipday-desk", kind="desk", body="Stand up: desk reset.", url="/play/desk-reset"
    )
    shown = shown_after(page, pusher, json.dumps(desk), desk["body"])
    assert sorted(n["tag"] for n in shown) == sorted([late["tag"], "hipday-desk"])
    assert {n["tag"]: n["data"]["kind"] for n in shown} == {
        late["tag"]: "session",
        "hipday-desk": "desk",
    }


@pytest.mark.parametrize(
    "data",
    [
        "",
        "not json at all",
        json.dumps(["a", "list"]),
        json.dumps({"body": "a reminder without a title"}),
        json.dumps({"title": "", "body": "an empty title"}),
        "null",
    ],
    ids=["empty", "not-json", "a-list", "no-title", "empty-title", "null"],
)
def test_a_push_without_a_readable_payload_still_shows_the_generic_reminder(
    make_phone: MakePhone, live_server: LiveServer, data: str
) -> None:
    page = first_page(make_phone())
    open_with_worker(page, live_server("/"))
    pusher = Pusher(page, live_server.url)
    shown = shown_after(page, pusher, data, "Time for your hips.")
    assert shown == [
        {
            "title": "Hipday",
            "body": "Time for your hips.",
            "tag": "hipday",
            "icon": live_server("/static/icons/icon-192.png"),
            "data": {"url": "/", "token": None, "kind": "session"},
            "actions": [],
        }
    ]


def test_a_push_keeps_only_known_actions_and_well_formed_fields(
    make_phone: MakePhone, live_server: LiveServer
) -> None:
    page = first_page(make_phone())
    open_with_worker(page, live_server("/"))
    pusher = Pusher(page, live_server.url)
    odd = {
        "title": "Desk reset",
        "body": 42,
        "tag": "",
        "url": None,
        "kind": "party",
        "token": "",
        "actions": [
            {"action": "delete-account", "title": "Sure"},
            {"action": "skip", "title": ""},
            "skip",
            {"action": "skip", "title": "Skip today"},
        ],
    }
    pusher.push(json.dumps(odd))
    shown = wait_until(page, lambda: notifications(page), "a notification")
    assert shown == [
        {
            "title": "Desk reset",
            "body": "",
            "tag": "hipday",
            "icon": live_server("/static/icons/icon-192.png"),
            "data": {"url": "/", "token": None, "kind": "session"},
            "actions": [{"action": "skip", "title": "Skip today"}],
        }
    ]
