"""The test notification: "Send a test notification" tries every device of the user at once."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from webapp.push.sender import Outcome, Push, Sender
from webapp.services.reminders import Links, encode
from webapp.store.models import User
from webapp.store.reminders import ReminderStore, most_recently_used


class Reached(NamedTuple):
    """How the test notification went: delivered to how many of how many devices."""

    delivered: int
    devices: int
    unanswered: int  # devices whose push service didn't answer within the deadline


def test_message(links: Links) -> dict[str, Any]:
    """What the test notification says; a tap opens Today."""
    return {
        "kind": "test",
        "tag": "hipday-test",
        "token": None,
        "title": "Reminders work on this device",
        "body": "This is how Hipday will remind you. Tap to open Today.",
        "url": links.path("today.today"),
        "actions": [],
    }


def send_test(
    reminders: ReminderStore,
    sender: Sender,
    vapid_public: str,
    links: Links,
    user: User,
    within: float,
    now: datetime,
) -> Reached:
    """Send the test notification to each of the user's devices, all within `within` seconds.

    Only devices subscribed under the current key `vapid_public` can receive it; those the push
    service says are gone are forgotten, and those it reached count as just used.
    """
    devices = [d for d in reminders.subscriptions(user.id or 0) if d.vapid_key == vapid_public]
    devices = most_recently_used(devices)
    body = encode(test_message(links)).encode()
    pushes = [
        Push(d.endpoint, d.p256dh, d.auth, body, topic="hipday-test", ttl=600) for d in devices
    ]
    results = sender.send_all(pushes, within=within)
    reminders.forget_endpoints([r.push.endpoint for r in results if r.outcome is Outcome.GONE])
    sent = [r.push.endpoint for r in results if r.outcome is Outcome.SENT]
    reminders.mark_sent(sent, now)
    unanswered = sum(r.status is None and not r.detail.startswith("refused") for r in results)
    return Reached(len(sent), len(devices), unanswered)
