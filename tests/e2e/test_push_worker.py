"""Reminders in the browser: the service worker's push and tap handling, and this phone's switch.

Each test runs its own persistent Chromium profile with notifications allowed (an incognito
context is refused push outright). Chromium can't reach a real push service here, so:

- push messages go straight to the service worker through DevTools
  (`ServiceWorker.deliverPushMessage`), and the notifications it shows are read back with
  `registration.getNotifications()`;
- what a tap on a notification does is `hipdayReminderAction` (static/js/reminder-actions.js),
  tested as a table; DevTools can't tap a notification, so the worker's snooze/skip request is
  run by calling its `actOnReminder` directly;
- `PushManager.prototype.subscribe` and `getSubscription` are replaced by a stand-in that hands
  out subscriptions made here, so Settings → Reminders can be turned on and off for real.
"""

from __future__ import annotations

import base64
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from playwright.sync_api import BrowserContext, CDPSession, Page, Playwright, Request, expect

from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    ConsoleWatch,
    LiveServer,
    pin_clock,
)

REMINDERS = "/settings/reminders"
DEVICES = "/settings/reminders/devices"
REMOVE = "/settings/reminders/devices/remove"

IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)

NOTIFICATIONS = """async () => {
  const registration = await navigator.serviceWorker.ready;
  return (await registration.getNotifications()).map((n) => ({
    title: n.title,
    body: n.body,
    tag: n.tag,
    icon: n.icon,
    data: n.data,
    actions: n.actions.map((a) => ({ action: a.action, title: a.title })),
  }));
}"""
CLOSE_NOTIFICATIONS = """async () => {
  const registration = await navigator.serviceWorker.ready;
  (await registration.getNotifications()).forEach((n) => n.close());
}"""

#: The page's PushManager, replaced: subscriptions come from `window.testSubscriptions` (set by
#: the test, in order) and live in localStorage so they outlast a reload, as a real one does.
#: Every call is logged in localStorage under "test.push.calls".
STAND_IN_PUSH = """(() => {
  if (location.protocol !== "http:" || typeof PushManager === "undefined") return;
  const HANDED_OUT = "test.push.handed-out";
  const CURRENT = "test.push.subscription";
  const CALLS = "test.push.calls";
  const load = (name, fallback) => JSON.parse(localStorage.getItem(name) || fallback);
  const log = (call) => localStorage.setItem(CALLS, JSON.stringify([...load(CALLS, "[]"), call]));
  const toBase64Url = (buffer) =>
    btoa(String.fromCharCode(...new Uint8Array(buffer)))
      .replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
  const fromBase64Url = (text) => {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const raw = atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "="));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  };
  const subscription = (kept) => ({
    endpoint: kept.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: fromBase64Url(kept.key).buffer },
    toJSON: () => ({ endpoint: kept.endpoint, expirationTime: null, keys: kept.keys }),
    unsubscribe: async () => {
      log("unsubscribe");
      localStorage.removeItem(CURRENT);
      return true;
    },
  });
  PushManager.prototype.getSubscription = async function () {
    const kept = load(CURRENT, "null");
    return kept ? subscription(kept) : null;
  };
  PushManager.prototype.subscribe = async function (options) {
    log("subscribe");
    if (window.testHoldSubscribe) await new Promise((go) => { window.testReleaseSubscribe = go; });
    const handedOut = Number(localStorage.getItem(HANDED_OUT) || "0");
    const next = window.testSubscriptions[handedOut];
    localStorage.setItem(HANDED_OUT, String(handedOut + 1));
    const kept = { ...next, key: toBase64Url(options.applicationServerKey) };
    localStorage.setItem(CURRENT, JSON.stringify(kept));
    return subscription(kept);
  };
  const ask = Notification.requestPermission.bind(Notification);
  Notification.requestPermission = (...args) => {
    log("requestPermission");
    return ask(...args);
  };
  window.testDevicesChanged = 0;
  document.addEventListener("hipday:devices-changed", () => { window.testDevicesChanged += 1; }, true);
})();"""
CALLS = "JSON.parse(localStorage.getItem('test.push.calls') || '[]')"
PUT_SUBSCRIPTION = "(kept) => localStorage.setItem('test.push.subscription', JSON.stringify(kept))"
SETTLED = "window.hipdayPush.settled().then(() => true)"


# --- a phone ------------------------------------------------------------------------------------

MakePhone = Callable[..., BrowserContext]


@pytest.fixture
def make_phone(
    playwright: Playwright, tmp_path: Path, console: ConsoleWatch, live_server: LiveServer
) -> Iterator[MakePhone]:
    """Open a persistent Chromium profile on a 390 px phone, notifications allowed for Hipday.

    Options go to `launch_persistent_context` (a `user_agent`, say); `init_script` runs in every
    page before Hipday's own scripts. Console errors fail the test.
    """
    contexts: list[BrowserContext] = []

    def make(init_script: str | None = None, **options: Any) -> BrowserContext:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / f"profile-{len(contexts)}"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            **{**PHONE, **options},
        )
        contexts.append(context)
        context.set_default_timeout(10_000)
        pin_clock(context)
        context.grant_permissions(["notifications"], origin=live_server.url)
        if init_script:
            context.add_init_script(init_script)
        for opened in context.pages:
            console.watch(opened)
        context.on("page", console.watch)
        return context

    yield make
    for context in contexts:
        context.close()
    problems = console.unexpected()
    assert not problems, "The browser reported errors:\n" + "\n".join(problems)


def first_page(context: BrowserContext) -> Page:
    return context.pages[0] if context.pages else context.new_page()


def open_with_worker(page: Page, url: str) -> None:
    """A first visit installs the worker; after one reload it controls the page."""
    page.goto(url)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null"), (
        "the service worker does not control the page after a reload"
    )


def wait_until(page: Page, check: Callable[[], Any], what: str, seconds: float = 10) -> Any:
    """Poll `check` until it is truthy, letting the page's events through meanwhile."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out after {seconds} s waiting for {what} (last: {value!r})"
            )
        page.wait_for_timeout(100)


# --- pushing to the worker ----------------------------------------------------------------------


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


def settle_notifications(page: Page) -> None:
    """Let Chromium tidy its notification store before the test shows anything.

    A fresh profile's first read waits for the browser's notification display to start; once it
    has, the store is tidied against what is on screen, dropping anything not shown there yet.
    Reading once first, and reading only after showNotification has finished (Pusher.push), keeps
    that tidying away from the notifications a test looks for.
    """
    assert notifications(page) == [], "a fresh phone already shows notifications"


def notifications(page: Page) -> list[dict[str, Any]]:
    shown: list[dict[str, Any]] = page.evaluate(NOTIFICATIONS)
    return shown


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


def test_a_push_shows_the_reminder_and_a_later_one_with_the_same_tag_replaces_it(
    make_phone: MakePhone, live_server: LiveServer
) -> None:
    page = first_page(make_phone())
    open_with_worker(page, live_server("/"))
    pusher = Pusher(page, live_server.url)

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

    # A late reminder with the same tag takes the stale one's place.
    late = reminder(body="Pre-run warm-up, still time before your run.")
    shown = shown_after(page, pusher, json.dumps(late), late["body"])
    assert [(n["tag"], n["body"]) for n in shown] == [(late["tag"], late["body"])]

    # The server's three buttons: where only two fit, Start goes (a tap on the notification
    # itself opens the session) and Snooze and Skip stay.
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
    late = three

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


# --- what a tap does ------------------------------------------------------------------------------

HOME = {"kind": "open", "url": "/"}
SETTINGS = {"kind": "open", "url": "/settings/reminders"}

ROUTES: list[tuple[str, Any, dict[str, Any]]] = [
    # The body of the notification and "Start" open the reminder's page.
    ("", {"url": "/play/desk-reset"}, {"kind": "open", "url": "/play/desk-reset"}),
    (
        "",
        {"url": "/play/pre-run-warm-up?source=reminder"},
        {"kind": "open", "url": "/play/pre-run-warm-up?source=reminder"},
    ),
    (
        "start",
        {"url": "/play/desk-reset", "token": "t"},
        {"kind": "open", "url": "/play/desk-reset"},
    ),
    ("", {"url": "/"}, HOME),
    ("", {}, HOME),
    ("", None, HOME),
    ("start", {"url": 7}, HOME),
    # Only a path on this site: anything else opens Today.
    ("", {"url": "https://evil.example/"}, HOME),
    ("start", {"url": "https://evil.example/"}, HOME),
    ("", {"url": "//evil.example"}, HOME),
    ("", {"url": "//evil.example/play/desk-reset"}, HOME),
    ("", {"url": "/\\evil"}, HOME),
    ("", {"url": "\\\\evil.example"}, HOME),
    ("", {"url": "javascript:alert(1)"}, HOME),
    ("start", {"url": "javascript:alert(1)"}, HOME),
    ("", {"url": "data:text/html,hi"}, HOME),
    ("", {"url": "/\t/evil.example"}, HOME),
    ("", {"url": "/\n/evil.example"}, HOME),
    ("", {"url": " /play/desk-reset"}, HOME),
    ("", {"url": "play/desk-reset"}, HOME),
    ("", {"url": ""}, HOME),
    # Snooze and skip go to the server with the reminder's token.
    (
        "snooze",
        {"token": "tok-1", "url": "/play/desk-reset"},
        {"kind": "post", "url": "/reminders/act", "body": {"token": "tok-1", "action": "snooze"}},
    ),
    (
        "skip",
        {"token": "tok-2"},
        {"kind": "post", "url": "/reminders/act", "body": {"token": "tok-2", "action": "skip"}},
    ),
    # Without a token the server can't tell which reminder it was: the settings open.
    ("snooze", {}, SETTINGS),
    ("skip", {"token": ""}, SETTINGS),
    ("skip", {"token": None}, SETTINGS),
    ("snooze", {"token": 12}, SETTINGS),
    ("skip", None, SETTINGS),
    # Anything else opens Today.
    ("delete-account", {"token": "tok-3", "url": "/play/desk-reset"}, HOME),
    ("Start", {"url": "/play/desk-reset"}, HOME),
]


def test_a_tap_on_a_reminder_opens_only_hipday_pages_and_sends_snooze_and_skip(
    make_phone: MakePhone, live_server: LiveServer
) -> None:
    page = first_page(make_phone())
    page.goto(live_server("/"))
    page.add_script_tag(url="/static/js/reminder-actions.js")
    urls = {"home": "/", "reminderSettings": "/settings/reminders", "reminderAct": "/reminders/act"}
    got = page.evaluate(
        "([routes, urls]) => routes.map(([action, data]) => self.hipdayReminderAction(action, data, urls))",
        [[[action, data] for action, data, _ in ROUTES], urls],
    )
    wrong = [
        f"{action!r} with {data!r}: got {result}, expected {expected}"
        for (action, data, expected), result in zip(ROUTES, got, strict=True)
        if result != expected
    ]
    assert not wrong, "\n".join(wrong)

    # The worker loads the same function, with the addresses the server gave it.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    worker = wait_until(page, lambda: page.context.service_workers, "the service worker")[0]
    assert worker.evaluate(
        "self.hipdayReminderAction('skip', {token: 'x', url: '//evil'}, URLS)"
    ) == {
        "kind": "post",
        "url": "/reminders/act",
        "body": {"token": "x", "action": "skip"},
    }
    assert worker.evaluate("self.hipdayReminderAction('', {url: '//evil'}, URLS)") == HOME


#: Run the worker's snooze/skip request, then list the notifications it left: [tag, body].
ACT = """async (step) => {
  await actOnReminder(step);
  return (await self.registration.getNotifications()).map((n) => [n.tag, n.body]);
}"""


def test_snooze_and_skip_reach_hipday_from_the_worker_or_say_they_could_not(
    make_phone: MakePhone, live_server: LiveServer
) -> None:
    context = make_phone()
    page = first_page(context)
    open_with_worker(page, live_server("/"))
    worker = wait_until(page, lambda: context.service_workers, "the service worker")[0]
    settle_notifications(page)
    sent: list[dict[str, Any]] = []

    def answer(status: int) -> Callable[[Any], None]:
        def fulfill(route: Any) -> None:
            request: Request = route.request
            sent.append(
                {
                    "method": request.method,
                    "type": request.headers.get("content-type"),
                    "cookie": "hipday=" in (request.headers.get("cookie") or ""),
                    "body": request.post_data_json,
                }
            )
            route.fulfill(status=status)

        return fulfill

    snooze = {
        "kind": "post",
        "url": "/reminders/act",
        "body": {"token": "tok-9", "action": "snooze"},
    }
    skip = {"kind": "post", "url": "/reminders/act", "body": {"token": "tok-9", "action": "skip"}}

    # Hipday answers: nothing more to show.
    context.route("**/reminders/act", answer(204))
    assert worker.evaluate(ACT, snooze) == []
    assert sent == [
        {
            "method": "POST",
            "type": "application/json",
            "cookie": True,
            "body": {"token": "tok-9", "action": "snooze"},
        }
    ]

    # Hipday says no (this token is made up): its own words show.
    context.unroute("**/reminders/act")
    refusal = page.request.post(live_server("/reminders/act"), data=skip["body"])
    assert refusal.status == 404
    assert worker.evaluate(ACT, skip) == [["hipday-action", refusal.json()["error"]]]
    page.evaluate(CLOSE_NOTIFICATIONS)

    # Hipday has a problem and no words for it: the reminder wasn't snoozed, the phone says so.
    context.route("**/reminders/act", answer(503))
    assert worker.evaluate(ACT, snooze) == [
        ["hipday-action", "Couldn't reach Hipday, so the reminder wasn't snoozed."]
    ]
    page.evaluate(CLOSE_NOTIFICATIONS)

    # No signal: the same, for a skip.
    context.unroute("**/reminders/act")
    context.route("**/reminders/act", lambda route: route.abort("internetdisconnected"))
    assert worker.evaluate(ACT, skip) == [
        ["hipday-action", "Couldn't reach Hipday, so the reminder wasn't skipped."]
    ]
    context.unroute("**/reminders/act")


# --- push.js: this phone's switch ---------------------------------------------------------------


def test_without_the_servers_push_key_push_js_leaves_pages_alone(
    make_phone: MakePhone, live_server: LiveServer
) -> None:
    context = make_phone(init_script=STAND_IN_PUSH)
    page = first_page(context)
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)

    def without_key(route: Any) -> None:
        response = route.fetch()
        html = re.sub(r' data-push-(key|url)="[^"]*"', "", response.text())
        headers = {
            name: value
            for name, value in response.headers.items()
            if name.lower() not in ("content-encoding", "content-length")
        }
        route.fulfill(status=response.status, headers=headers, body=html)

    page.route(live_server("/"), without_key)
    page.goto(live_server("/"))
    page.wait_for_load_state("load")
    assert page.evaluate("document.body.dataset.pushKey") is None
    assert page.evaluate("typeof window.hipdayPush") == "undefined"
    page.wait_for_timeout(300)
    assert page.evaluate(CALLS) == []
    assert not [url for url in posts if "/settings/reminders" in url]


def p256_public_key() -> str:
    """A fresh P-256 public key, base64url as browsers and servers exchange them."""
    public = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return b64url(public)


def key_pair() -> dict[str, str]:
    """What a browser's subscription carries: a P-256 public key and a 16-byte secret."""
    return {"p256dh": p256_public_key(), "auth": b64url(os.urandom(16))}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def subscriptions(count: int) -> list[dict[str, Any]]:
    """Subscriptions as a push service would hand them out, one endpoint each."""
    return [
        {
            "endpoint": f"https://fcm.googleapis.com/fcm/send/test-{os.urandom(8).hex()}",
            "keys": key_pair(),
        }
        for _ in range(count)
    ]


def stand_in_push(handed_out: list[dict[str, Any]]) -> str:
    return f"window.testSubscriptions = {json.dumps(handed_out)};\n{STAND_IN_PUSH}"


def watch_posts(page: Page) -> list[tuple[str, Any]]:
    """Every POST the page makes to the devices addresses, as (path, JSON body)."""
    posts: list[tuple[str, Any]] = []

    def seen(request: Request) -> None:
        path = re.sub(r"^https?://[^/]+", "", request.url)
        if request.method == "POST" and path.startswith(DEVICES):
            assert request.headers.get("x-csrftoken"), f"{path} was sent without a CSRF token"
            posts.append((path, request.post_data_json))

    page.on("request", seen)
    return posts


def settled(page: Page) -> None:
    """Wait until push.js has finished this page's work."""
    # Polled with evaluate: the CSP refuses the eval wait_for_function uses for a string.
    wait_until(page, lambda: page.evaluate("window.hipdayPush !== undefined"), "push.js")
    page.evaluate(SETTLED)


def this_phone(page: Page) -> dict[str, Any]:
    """The switch as the person sees it."""
    seen: dict[str, Any] = {"status": page.locator("#push-status").inner_text()}
    for name, selector in (("on", "#push-on"), ("off", "#push-off"), ("ios", "#push-ios")):
        element = page.locator(selector)
        visible = element.is_visible()
        assert not (visible and element.evaluate("(e) => e.hidden")), (
            f"{selector} is marked hidden but still shows: a CSS display rule beats [hidden]"
        )
        seen[name] = visible
    return seen


UNSUPPORTED = "This browser can't show reminders."
ON = "Reminders are on for this phone."
OFF = "Reminders are off for this phone."
BLOCKED = "Notifications are blocked for Hipday in this browser's settings. Allow them there, then come back."


def test_this_phone_says_when_the_browser_cannot_show_reminders(
    make_phone: MakePhone, live_server: LiveServer
) -> None:
    page = first_page(make_phone(init_script="delete window.PushManager;"))
    open_with_worker(page, live_server(REMINDERS))
    settled(page)
    assert this_phone(page) == {"status": UNSUPPORTED, "on": False, "off": False, "ios": False}


def test_this_phone_on_iphone_safari_explains_the_home_screen_first(
    make_phone: MakePhone, live_server: LiveServer
) -> None:
    page = first_page(make_phone(user_agent=IPHONE_SAFARI))
    open_with_worker(page, live_server(REMINDERS))
    settled(page)
    assert this_phone(page) == {
        "status": "To get reminders on this phone, add Hipday to your Home Screen first.",
        "on": False,
        "off": False,
        "ios": True,
    }
    expect(page.locator("#push-ios")).to_contain_text("Home Screen")


def test_this_phone_when_notifications_are_blocked_says_where_to_allow_them(
    make_phone: MakePhone, live_server: LiveServer
) -> None:
    denied = "Object.defineProperty(Notification, 'permission', { get: () => 'denied' });"
    page = first_page(make_phone(init_script=denied))
    open_with_worker(page, live_server(REMINDERS))
    settled(page)
    assert this_phone(page) == {"status": BLOCKED, "on": False, "off": False, "ios": False}


def test_turning_reminders_on_and_off_on_this_phone(
    make_phone: MakePhone, live_server: LiveServer
) -> None:
    handed_out = subscriptions(1)
    page = first_page(make_phone(init_script=stand_in_push(handed_out)))
    posts = watch_posts(page)
    open_with_worker(page, live_server(REMINDERS))
    settled(page)
    key = page.evaluate("document.body.dataset.pushKey")
    assert key, "the page has no push key on <body>"
    assert page.evaluate("document.body.dataset.pushUrl") == DEVICES
    assert this_phone(page) == {"status": OFF, "on": True, "off": False, "ios": False}
    assert page.evaluate(CALLS) == [], "nothing may be asked before a tap"
    assert posts == []

    # The tap asks for permission, subscribes with the page's key and tells the server.
    page.evaluate("window.testHoldSubscribe = true")
    page.get_by_role("button", name="Turn on reminders on this phone").tap()
    expect(page.locator("#push-status")).to_have_text("Turning on…")
    expect(page.locator("#push-on")).to_be_disabled()
    wait_until(
        page,
        lambda: page.evaluate("typeof window.testReleaseSubscribe === 'function'"),
        "the subscription to be asked for",
    )
    page.evaluate("window.testReleaseSubscribe()")
    expect(page.locator("#push-status")).to_have_text(ON)
    assert this_phone(page) == {"status": ON, "on": False, "off": True, "ios": False}
    expect(page.locator("#push-off")).to_be_focused()
    assert page.evaluate(CALLS) == ["requestPermission", "subscribe"]
    assert posts == [
        (
            DEVICES,
            {
                "endpoint": handed_out[0]["endpoint"],
                "expirationTime": None,
                "keys": handed_out[0]["keys"],
                "key": key,
            },
        )
    ]
    assert page.evaluate("window.testDevicesChanged") == 1
    assert page.evaluate(
        "JSON.parse(localStorage.getItem('test.push.subscription')).key"
    ) == key.rstrip("=")
    # The devices list hears the event and shows this phone.
    expect(page.locator("#devices-list li")).to_have_count(1)

    # The next page shows it on, without sending it again the same day or asking anything.
    page.reload()
    settled(page)
    assert this_phone(page) == {"status": ON, "on": False, "off": True, "ios": False}
    assert len(posts) == 1
    assert page.evaluate(CALLS) == ["requestPermission", "subscribe"]

    # Off: the browser forgets the subscription and so does the server.
    page.get_by_role("button", name="Turn off reminders on this phone").tap()
    expect(page.locator("#push-status")).to_have_text(OFF)
    assert this_phone(page) == {"status": OFF, "on": True, "off": False, "ios": False}
    expect(page.locator("#push-on")).to_be_focused()
    assert page.evaluate(CALLS) == ["requestPermission", "subscribe", "unsubscribe"]
    assert posts[1:] == [(REMOVE, {"endpoint": handed_out[0]["endpoint"]})]
    assert page.evaluate("window.testDevicesChanged") == 1  # this page's count, after the reload
    expect(page.locator("#devices-list li")).to_have_count(0)


def test_turning_on_says_what_went_wrong_and_leaves_reminders_off(
    make_phone: MakePhone, live_server: LiveServer, console: ConsoleWatch
) -> None:
    console.allow(r"status of 400")
    console.allow(r"net::ERR_INTERNET_DISCONNECTED")
    broken = {
        "endpoint": "https://fcm.googleapis.com/fcm/send/broken",
        "keys": {"p256dh": "nope", "auth": "x"},
    }
    handed_out = [broken, *subscriptions(1)]
    context = make_phone(init_script=stand_in_push(handed_out))
    page = first_page(context)
    posts = watch_posts(page)
    open_with_worker(page, live_server(REMINDERS))
    settled(page)
    turn_on = page.get_by_role("button", name="Turn on reminders on this phone")

    # The server refuses a subscription it can't use, in its own words.
    with page.expect_response(lambda r: r.url.endswith(DEVICES)) as refused:
        turn_on.tap()
    assert refused.value.status == 400
    error = refused.value.json()["error"]
    assert error and isinstance(error, str)
    expect(page.locator("#push-status")).to_have_text(error)
    assert this_phone(page) == {"status": error, "on": True, "off": False, "ios": False}
    assert page.evaluate("localStorage.getItem('test.push.subscription')") is None
    assert page.evaluate(CALLS)[-1] == "unsubscribe", "the phone kept what the server refused"

    # No signal.
    context.set_offline(True)
    turn_on.tap()
    expect(page.locator("#push-status")).to_have_text(
        "Couldn't reach Hipday. Try again when you have signal."
    )
    assert this_phone(page)["on"] is True
    assert page.evaluate("window.testDevicesChanged") == 0
    assert [path for path, _ in posts] == [DEVICES, DEVICES]


def test_a_new_server_key_renews_the_subscription_and_a_day_later_it_is_sent_again(
    make_phone: MakePhone, live_server: LiveServer
) -> None:
    old, new = subscriptions(2)
    page = first_page(make_phone(init_script=stand_in_push([new])))
    posts = watch_posts(page)
    open_with_worker(page, live_server(REMINDERS))
    settled(page)
    key = page.evaluate("document.body.dataset.pushKey")
    other_key = p256_public_key()
    page.evaluate(PUT_SUBSCRIPTION, {**old, "key": other_key})

    # Made under another key: replaced on the next page without a question, the old one dropped.
    page.reload()
    settled(page)
    assert page.evaluate(CALLS) == ["unsubscribe", "subscribe"]
    assert posts == [
        (REMOVE, {"endpoint": old["endpoint"]}),
        (
            DEVICES,
            {"endpoint": new["endpoint"], "expirationTime": None, "keys": new["keys"], "key": key},
        ),
    ]
    assert this_phone(page) == {"status": ON, "on": False, "off": True, "ios": False}
    assert page.evaluate("window.testDevicesChanged") == 1

    # The same day: nothing more to send, on any page.
    page.goto(live_server("/"))
    settled(page)
    assert len(posts) == 2

    # A day later the phone reminds the server it is still there, once.
    page.evaluate(
        """() => {
          const sent = JSON.parse(localStorage.getItem("hipday.push.sent"));
          sent.at -= 25 * 60 * 60 * 1000;
          localStorage.setItem("hipday.push.sent", JSON.stringify(sent));
        }"""
    )
    page.reload()
    settled(page)
    page.reload()
    settled(page)
    assert posts[2:] == [
        (
            DEVICES,
            {"endpoint": new["endpoint"], "expirationTime": None, "keys": new["keys"], "key": key},
        )
    ]
    assert page.evaluate(CALLS) == ["unsubscribe", "subscribe"], "it subscribed again"
