"""Settings → Reminders → this phone: turning reminders on and off for real in the browser.

`PushManager.prototype.subscribe` and `getSubscription` are replaced by a stand-in that hands
out subscriptions made here (see tests/e2e/push_phone.py).
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.e2e.conftest import ConsoleWatch, LiveServer, MakePhone
from tests.e2e.push_phone import (
    CALLS,
    DEVICES,
    PUT_SUBSCRIPTION,
    STAND_IN_PUSH,
    first_page,
    open_with_worker,
    p256_public_key,
    settled,
    stand_in_push,
    subscriptions,
    wait_until,
    watch_posts,
)

REMINDERS = "/settings/reminders"
REMOVE = "/settings/reminders/devices/remove"
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


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


def open_reminders_with_nothing_asked(
    page: Page, live_server: LiveServer, posts: list[tuple[str, Any]]
) -> str:
    """Settings → Reminders offers to turn on, having asked and sent nothing; the page's key."""
    open_with_worker(page, live_server(REMINDERS))
    settled(page)
    key: str = page.evaluate("document.body.dataset.pushKey")
    assert key, "the page has no push key on <body>"
    assert page.evaluate("document.body.dataset.pushUrl") == DEVICES
    assert this_phone(page) == {"status": OFF, "on": True, "off": False, "ios": False}
    assert page.evaluate(CALLS) == [], "nothing may be asked before a tap"
    assert posts == []
    return key


def turn_on_and_expect_the_server_told(
    page: Page, posts: list[tuple[str, Any]], handed_out: list[dict[str, Any]], key: str
) -> None:
    """The tap asks for permission, subscribes with the page's key and tells the server."""
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


def test_turning_reminders_on_and_off_on_this_phone(
    make_phone: MakePhone, live_server: LiveServer
) -> None:
    handed_out = subscriptions(1)
    page = first_page(make_phone(init_script=stand_in_push(handed_out)))
    posts = watch_posts(page)
    key = open_reminders_with_nothing_asked(page, live_server, posts)
    turn_on_and_expect_the_server_told(page, posts, handed_out, key)

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


def a_day_passes_since_the_last_send(page: Page) -> None:
    page.evaluate(
        """() => {
          const sent = JSON.parse(localStorage.getItem("hipday.push.sent"));
          sent.at -= 25 * 60 * 60 * 1000;
          localStorage.setItem("hipday.push.sent", JSON.stringify(sent));
        }"""
    )


def sent_under(key: str, subscription: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """What the phone posts to the server for `subscription` made under `key`."""
    return (
        DEVICES,
        {
            "endpoint": subscription["endpoint"],
            "expirationTime": None,
            "keys": subscription["keys"],
            "key": key,
        },
    )


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
    assert posts == [(REMOVE, {"endpoint": old["endpoint"]}), sent_under(key, new)]
    assert this_phone(page) == {"status": ON, "on": False, "off": True, "ios": False}
    assert page.evaluate("window.testDevicesChanged") == 1

    # The same day: nothing more to send, on any page.
    page.goto(live_server("/"))
    settled(page)
    assert len(posts) == 2

    # A day later the phone reminds the server it is still there, once.
    a_day_passes_since_the_last_send(page)
    page.reload()
    settled(page)
    page.reload()
    settled(page)
    assert posts[2:] == [sent_under(key, new)]
    assert page.evaluate(CALLS) == ["unsubscribe", "subscribe"], "it subscribed again"
