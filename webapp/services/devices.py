"""A user's devices with reminders on: turning them on and off, and telling them apart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from webapp.store.models import PushSubscription, User
from webapp.store.reminders import ReminderStore


def device_label(user_agent: str) -> str:
    """ "Chrome on Android", "Safari on iPhone": enough to tell one's devices apart."""
    agent = user_agent.lower()
    system = next(
        (
            name
            for needle, name in (
                ("iphone", "iPhone"),
                ("ipad", "iPad"),
                ("android", "Android"),
                ("windows", "Windows"),
                ("mac os", "Mac"),
                ("cros", "ChromeOS"),
                ("linux", "Linux"),
            )  # fmt: skip
            if needle in agent
        ),
        "",
    )
    browser = next(
        (
            name
            for needle, name in (
                ("edg/", "Edge"),
                ("firefox", "Firefox"),
                ("samsungbrowser", "Samsung Internet"),
                ("chrome", "Chrome"),
                ("chromium", "Chromium"),
                ("safari", "Safari"),
            )  # fmt: skip
            if needle in agent
        ),
        "A browser",
    )
    return f"{browser} on {system}" if system else browser


@dataclass(frozen=True)
class Device:
    """One of the user's devices, and whether it can receive (it subscribed under the current
    key; an older one's page subscribes again when it next opens)."""

    device: PushSubscription
    current: bool


def devices_of(reminders: ReminderStore, user: User, vapid_public: str) -> list[Device]:
    """The user's devices with reminders on, oldest first."""
    return [Device(d, d.vapid_key == vapid_public) for d in reminders.subscriptions(user.id or 0)]


@dataclass(frozen=True)
class NewDevice:
    """A browser's push subscription, as `check_subscription` (webapp/push) let it through."""

    endpoint: str
    p256dh: str
    auth: str
    user_agent: str


def add_device(
    reminders: ReminderStore, user: User, new: NewDevice, vapid_public: str, now: datetime
) -> tuple[PushSubscription, list[PushSubscription]]:
    """Turn reminders on for a browser; returns its row and the devices it replaced, as an
    account keeps MAX_DEVICES at most (those that went longest without a reminder go)."""
    return reminders.add_device(
        PushSubscription(
            user_id=user.id or 0,
            endpoint=new.endpoint,
            p256dh=new.p256dh,
            auth=new.auth,
            vapid_key=vapid_public,
            label=device_label(new.user_agent),
            created_at=now,
        )
    )


def remove_device(
    reminders: ReminderStore,
    user: User,
    *,
    endpoint: str | None = None,
    public_id: str | None = None,
) -> bool:
    """Turn reminders off for one of the user's devices, named by endpoint or public id."""
    return reminders.remove_subscription(user.id or 0, endpoint=endpoint, public_id=public_id)
