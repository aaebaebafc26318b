"""A tap on a reminder: which pages it opens, and the worker's snooze and skip requests.

DevTools can't tap a notification, so what a tap does is `hipdayReminderAction`
(static/js/reminder-actions.js), tested as a table, and the worker's snooze/skip request is run by
calling its `actOnReminder` directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import BrowserContext, Request, Worker

from tests.e2e.conftest import LiveServer, MakePhone
from tests.e2e.push_phone import first_page, open_with_worker, settle_notifications, wait_until

CLOSE_NOTIFICATIONS = """async () => {
  const registration = await navigator.serviceWorker.ready;
  (await registration.getNotifications()).forEach((n) => n.close());
}"""
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


SNOOZE = {"kind": "post", "url": "/reminders/act", "body": {"token": "tok-9", "action": "snooze"}}
SKIP = {"kind": "post", "url": "/reminders/act", "body": {"token": "tok-9", "action": "skip"}}


def answer(sent: list[dict[str, Any]], status: int) -> Callable[[Any], None]:
    """A route handler that notes what the worker sent in `sent`, then answers `status`."""

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


def expect_a_snooze_sent_with_the_cookie_to_leave_nothing(
    context: BrowserContext, worker: Worker
) -> None:
    """Hipday answers: nothing more to show; the worker sent one JSON POST with the cookie."""
    sent: list[dict[str, Any]] = []
    context.route("**/reminders/act", answer(sent, 204))
    assert worker.evaluate(ACT, SNOOZE) == []
    assert sent == [
        {
            "method": "POST",
            "type": "application/json",
            "cookie": True,
            "body": {"token": "tok-9", "action": "snooze"},
        }
    ]


def test_snooze_and_skip_reach_hipday_from_the_worker_or_say_they_could_not(
    make_phone: MakePhone, live_server: LiveServer
) -> None:
    context = make_phone()
    page = first_page(context)
    open_with_worker(page, live_server("/"))
    worker = wait_until(page, lambda: context.service_workers, "the service worker")[0]
    settle_notifications(page)
    expect_a_snooze_sent_with_the_cookie_to_leave_nothing(context, worker)

    # Hipday says no (this token is made up): its own words show.
    context.unroute("**/reminders/act")
    refusal = page.request.post(live_server("/reminders/act"), data=SKIP["body"])
    assert refusal.status == 404
    assert worker.evaluate(ACT, SKIP) == [["hipday-action", refusal.json()["error"]]]
    page.evaluate(CLOSE_NOTIFICATIONS)

    # Hipday has a problem and no words for it: the reminder wasn't snoozed, the phone says so.
    context.route("**/reminders/act", answer([], 503))
    assert worker.evaluate(ACT, SNOOZE) == [
        ["hipday-action", "Couldn't reach Hipday, so the reminder wasn't snoozed."]
    ]
    page.evaluate(CLOSE_NOTIFICATIONS)

    # No signal: the same, for a skip.
    context.unroute("**/reminders/act")
    context.route("**/reminders/act", lambda route: route.abort("internetdisconnected"))
    assert worker.evaluate(ACT, SKIP) == [
        ["hipday-action", "Couldn't reach Hipday, so the reminder wasn't skipped."]
    ]
    context.unroute("**/reminders/act")
