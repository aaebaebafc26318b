"""The test notification and the devices list, called directly, against the mock push service.

The reminder store is the in-memory fake; the pushes are real: a real sender signs them with
the tests' VAPID key and the in-process mock push service (tests/push/service.py) checks the
signature and decrypts them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from py_vapid import Vapid02

from tests.conftest import TEST_VAPID_KEY
from tests.push.conftest import TEST_PUBLIC_KEY
from tests.push.service import MockPushService
from tests.services.fake_reminders import FakeReminderStore
from tests.services.fakes import FakeTrainingStore
from webapp.push.sender import Sender
from webapp.services import devices, notifications
from webapp.services.reminders import Links
from webapp.store.models import User
from webapp.store.reminders import MAX_DEVICES

NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
LINKS = Links(lambda endpoint, **values: "/" if endpoint == "today.today" else "/x", "secret")
CHROME_ON_ANDROID = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile"
#: A key other than the app's: a device subscribed under it can't receive until it resubscribes.
OLD_KEY = "B" + "A" * 86


@pytest.fixture
def reminder_rows(store: FakeTrainingStore) -> FakeReminderStore:
    return FakeReminderStore(store)


@pytest.fixture
def push_service() -> Iterator[MockPushService]:
    with MockPushService(vapid_public_key=TEST_PUBLIC_KEY) as service:
        yield service


@pytest.fixture
def sender() -> Iterator[Sender]:
    made = Sender(Vapid02.from_string(TEST_VAPID_KEY), timeout=2.0, insecure_endpoints=True)
    yield made
    made.close()


def turn_on(
    rows: FakeReminderStore,
    user: User,
    service: MockPushService,
    key: str = TEST_PUBLIC_KEY,
    now: datetime = NOW,
) -> str:
    """Turn reminders on for one more browser of `user`; its endpoint."""
    subscription = service.subscribe()
    keys = subscription["keys"]
    new = devices.NewDevice(
        subscription["endpoint"], keys["p256dh"], keys["auth"], CHROME_ON_ANDROID
    )
    devices.add_device(rows, user, new, key, now)
    return str(subscription["endpoint"])


def send_test(rows: FakeReminderStore, sender: Sender, user: User) -> notifications.Reached:
    return notifications.send_test(rows, sender, TEST_PUBLIC_KEY, LINKS, user, 10.0, NOW)


def test_the_test_notification_reaches_every_current_device_and_forgets_gone_ones(
    reminder_rows: FakeReminderStore, push_service: MockPushService, sender: Sender, user: User
) -> None:
    phone, laptop, gone = (turn_on(reminder_rows, user, push_service) for _ in range(3))
    push_service.expire(gone)
    old = turn_on(reminder_rows, user, push_service, key=OLD_KEY)

    reached = send_test(reminder_rows, sender, user)

    assert reached == (2, 3, 0)
    for endpoint in (phone, laptop):
        [message] = push_service.messages(endpoint)
        assert (message["title"], message["url"]) == ("Reminders work on this device", "/")
    assert push_service.attempts(old) == 0
    left = {d.endpoint: d.last_sent_at for d in reminder_rows.subscriptions(user.id or 0)}
    assert left == {phone: NOW, laptop: NOW, old: None}


def test_the_test_notification_without_a_device_reaches_none(
    reminder_rows: FakeReminderStore, push_service: MockPushService, sender: Sender, user: User
) -> None:
    assert send_test(reminder_rows, sender, user) == (0, 0, 0)
    assert push_service.received == []


def test_a_device_is_listed_with_its_browser_and_whether_it_can_receive(
    reminder_rows: FakeReminderStore, push_service: MockPushService, user: User
) -> None:
    turn_on(reminder_rows, user, push_service)
    turn_on(reminder_rows, user, push_service, key=OLD_KEY)

    listed = devices.devices_of(reminder_rows, user, TEST_PUBLIC_KEY)

    assert [(d.device.label, d.current) for d in listed] == [
        ("Chrome on Android", True),
        ("Chrome on Android", False),
    ]


def test_an_eleventh_device_replaces_the_one_longest_without_a_reminder(
    reminder_rows: FakeReminderStore, push_service: MockPushService, user: User
) -> None:
    first = turn_on(reminder_rows, user, push_service, now=NOW - timedelta(days=30))
    for day in range(1, MAX_DEVICES):
        turn_on(reminder_rows, user, push_service, now=NOW - timedelta(days=30 - day))

    subscription = push_service.subscribe()
    keys = subscription["keys"]
    new = devices.NewDevice(subscription["endpoint"], keys["p256dh"], keys["auth"], "")
    row, replaced = devices.add_device(reminder_rows, user, new, TEST_PUBLIC_KEY, NOW)

    assert [d.endpoint for d in replaced] == [first]
    assert row.label == "A browser"
    assert len(reminder_rows.subscriptions(user.id or 0)) == MAX_DEVICES


def test_removing_a_device_by_its_public_id_turns_its_reminders_off(
    reminder_rows: FakeReminderStore, push_service: MockPushService, user: User
) -> None:
    turn_on(reminder_rows, user, push_service)
    [device] = reminder_rows.subscriptions(user.id or 0)

    assert devices.remove_device(reminder_rows, user, public_id=device.public_id)
    assert not devices.remove_device(reminder_rows, user, public_id=device.public_id)
    assert reminder_rows.subscriptions(user.id or 0) == []


def test_the_test_notification_says_reminders_work_and_a_tap_opens_today() -> None:
    message = notifications.test_message(LINKS)
    assert message["title"] == "Reminders work on this device"
    assert message["body"] == "This is how Hipday will remind you. Tap to open Today."
    assert message["url"] == "/"
    assert (message["actions"], message["token"]) == ([], None), "nothing to mark done or snooze"
    assert message["tag"] == "hipday-test", "a second test replaces the first on the screen"
