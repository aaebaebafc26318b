"""Helpers for the reminder tests: a phone's service worker and stand-in push subscriptions."""

from __future__ import annotations

import base64
import json
import os
import re
import time
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from playwright.sync_api import BrowserContext, Page, Request

DEVICES = "/settings/reminders/devices"
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
