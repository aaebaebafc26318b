"""The scheduler's sweep sends each reminder once, whatever goes wrong around it.

Two sweeps or two schedulers at once, a sweep after downtime, push services that are gone,
throttled or stuck, a scheduler that stopped halfway through a send, and the test button, all
with a frozen clock and the mock push service. Helpers and the plan's days are those of
test_sweep.py.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.conftest import make_app
from tests.push.conftest import Guest, Hipday, close_app
from tests.push.service import MockPushService
from tests.push.test_sweep import ACTIONS, DAY, MINUTE, at
from webapp import extensions
from webapp.scheduler.sweep import LEASE, SweepReport
from webapp.services import notifications, reminders
from webapp.services.notifications import Reached
from webapp.store.reminders import Claim
from webapp.store.sweep_rows import DueBatch

# Sent once


def test_two_sweeps_in_the_same_minute_send_once(hipday: Hipday) -> None:
    """A sweep run twice in one minute (a slow one overlapping the next) buzzes the phone once."""
    guest = hipday.guest()
    seven = at(date(2026, 6, 3), "07:00")
    hipday.remind(guest.user, seven - timedelta(hours=1))

    first, second = hipday.sweep(seven), hipday.sweep(seven)

    assert (first.sent, second.due, second.sent) == (1, 0, 0)
    assert len(hipday.messages(guest.endpoint)) == 1


def test_two_scheduler_processes_send_each_reminder_once(
    app: Flask, tmp_path: Path, push_service: MockPushService
) -> None:
    """Two schedulers started by mistake on one database still buzz each phone once."""
    first = Hipday(app, push_service)
    second = Hipday(make_app(tmp_path), push_service)
    seven = at(date(2026, 6, 3), "07:00")
    guests = [first.guest() for _ in range(50)]
    for guest in guests:
        first.remind(guest.user, seven - timedelta(hours=1))
    start = threading.Barrier(2)
    reports: dict[str, list[SweepReport]] = {"first": [], "second": []}

    def run(name: str, hipday: Hipday) -> None:
        start.wait(timeout=10)
        for _ in range(3):
            reports[name].append(hipday.sweep(seven))

    threads = [
        threading.Thread(target=run, args=item) for item in (("first", first), ("second", second))
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        close_app(second.app)

    assert all(len(r) == 3 for r in reports.values()), "both sweeps finished"
    assert sum(r.sent for rs in reports.values() for r in rs) == 50
    for guest in guests:
        assert len(first.messages(guest.endpoint)) == 1
        [delivery] = first.reminders.deliveries(first.reminder(guest.user).id or 0)
        assert delivery.status == "sent"


def _lose_the_race(
    monkeypatch: pytest.MonkeyPatch, loser: Hipday, winner: Hipday
) -> list[SweepReport]:
    """Let `winner` sweep between the moment `loser` reads the due reminders and claims them;
    the winner's report. The loser reads them without holding them (on PostgreSQL a batch is
    locked until claimed), as when it claims a decision begun in an earlier round."""
    store = loser.reminders
    won: list[SweepReport] = []

    @contextmanager
    def due_batch(now: datetime, limit: int, **options: Any) -> Iterator[DueBatch]:
        found = store.due(now, limit, **options)
        if not won:
            won.append(winner.sweep(now))
        yield DueBatch(found, store.claim)

    monkeypatch.setattr(store, "due_batch", due_batch)
    return won


def test_a_scheduler_that_loses_the_claim_sends_nothing(
    app: Flask, tmp_path: Path, push_service: MockPushService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race decided deterministically: the slower scheduler saw them due, yet sends none."""
    winner = Hipday(app, push_service)
    loser = Hipday(make_app(tmp_path), push_service)
    seven = at(date(2026, 6, 3), "07:00")
    guests = [winner.guest() for _ in range(5)]
    for guest in guests:
        winner.remind(guest.user, seven - timedelta(hours=1))
    won = _lose_the_race(monkeypatch, loser, winner)
    try:
        lost = loser.sweep(seven)
    finally:
        close_app(loser.app)

    assert [r.sent for r in won] == [5]
    assert (lost.due, lost.sent) == (5, 0)
    assert all(len(winner.messages(g.endpoint)) == 1 for g in guests)


def test_a_scheduler_that_loses_the_claim_reports_none_claimed(
    app: Flask, tmp_path: Path, push_service: MockPushService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The log line of the losing scheduler must not say it claimed reminders it never sent."""
    winner = Hipday(app, push_service)
    loser = Hipday(make_app(tmp_path), push_service)
    seven = at(date(2026, 6, 3), "07:00")
    for guest in [winner.guest() for _ in range(5)]:
        winner.remind(guest.user, seven - timedelta(hours=1))
    _lose_the_race(monkeypatch, loser, winner)
    try:
        lost = loser.sweep(seven)
    finally:
        close_app(loser.app)

    assert lost.claimed == 0


# After downtime


@pytest.mark.parametrize(
    ("back_at", "sent", "too_late"),
    [
        pytest.param("08:30", 1, 0, id="90 minutes late: sent"),
        pytest.param("09:00", 1, 0, id="exactly 2 hours late: still sent"),
        pytest.param("09:01", 0, 1, id="2 hours and a minute: skipped"),
        pytest.param("12:00", 0, 1, id="5 hours late: skipped"),
    ],
)
def test_after_an_outage_a_missed_reminder_is_sent_late_once_or_skipped(
    hipday: Hipday, back_at: str, sent: int, too_late: int
) -> None:
    """A late reminder still helps within two hours; after that it would only nag."""
    guest = hipday.guest()
    day = date(2026, 6, 3)
    hipday.remind(guest.user, at(day, "06:00"))
    back = at(day, back_at)

    first = hipday.sweep(back)
    again = hipday.sweep(back + MINUTE)

    assert (first.sent, first.too_late) == (sent, too_late)
    assert (again.due, again.sent) == (0, 0)
    assert len(hipday.messages(guest.endpoint)) == sent
    assert hipday.next_fire(guest.user) == at(day + DAY, "07:00")
    assert hipday.sweep(at(day + DAY, "07:00")).sent == 1


def test_after_a_weekend_outage_this_mornings_reminder_is_still_sent(hipday: Hipday) -> None:
    """Down from Friday night to Monday 08:00: Monday's 07:00 reminder is an hour late, not lost."""
    guest = hipday.guest()
    friday, monday = date(2026, 6, 5), date(2026, 6, 8)
    hipday.remind(guest.user, at(friday, "22:00"))

    report = hipday.sweep(at(monday, "08:00"))

    assert report.sent == 1
    assert len(hipday.messages(guest.endpoint)) == 1


# Devices that are gone, throttled or stuck


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_device_is_forgotten_and_the_users_other_device_still_buzzes(
    hipday: Hipday, status: int
) -> None:
    """An uninstalled browser is dropped; the user's laptop still gets the reminder."""
    guest = hipday.guest(devices=2)
    old_phone, laptop = guest.endpoints
    hipday.service.script(old_phone, status)
    seven = at(date(2026, 6, 3), "07:00")
    hipday.remind(guest.user, seven - timedelta(hours=1))

    report = hipday.sweep(seven)

    assert (report.sent, report.gone, report.failed) == (1, 1, 0)
    assert [d.endpoint for d in hipday.reminders.subscriptions(guest.user.id or 0)] == [laptop]
    assert hipday.messages(laptop) and not hipday.messages(old_phone)
    hipday.sweep(seven + DAY)
    assert hipday.service.attempts(old_phone) == 1, "a forgotten device is not pushed again"
    assert len(hipday.messages(laptop)) == 2


@pytest.mark.parametrize(
    "script", [pytest.param([(429, 0)], id="429"), pytest.param([500, 503], id="500, 503")]
)
def test_a_throttled_or_failing_push_service_is_retried_within_the_sweep(
    hipday: Hipday, script: list[Any]
) -> None:
    """A push service that is busy for a moment still delivers this minute's reminder, once."""
    guest = hipday.guest()
    hipday.service.script(guest.endpoint, *script)
    seven = at(date(2026, 6, 3), "07:00")
    hipday.remind(guest.user, seven - timedelta(hours=1))

    report = hipday.sweep(seven)

    assert (report.sent, report.failed) == (1, 0)
    assert hipday.service.attempts(guest.endpoint) == len(script) + 1
    assert len(hipday.messages(guest.endpoint)) == 1


def test_a_hanging_push_service_doesnt_stop_other_users_reminders(
    tmp_path: Path, push_service: MockPushService
) -> None:
    """One stuck device times out; everyone else due that minute gets their reminder."""
    app = make_app(tmp_path, PUSH_TIMEOUT=0.5, PUSH_ATTEMPTS=2)
    hipday = Hipday(app, push_service)
    try:
        stuck, *others = [hipday.guest() for _ in range(6)]
        push_service.script(stuck.endpoint, "hang", "hang")
        seven = at(date(2026, 6, 3), "07:00")
        for guest in [stuck, *others]:
            hipday.remind(guest.user, seven - timedelta(hours=1))

        report = hipday.sweep(seven)
    finally:
        close_app(app)

    assert (report.due, report.sent, report.failed, report.gone) == (6, 5, 1, 0)
    assert all(push_service.messages(g.endpoint) for g in others)
    assert push_service.messages(stuck.endpoint) == []
    assert push_service.attempts(stuck.endpoint) == 2
    [delivery] = hipday.reminders.deliveries(hipday.reminder(stuck.user).id or 0)
    assert (delivery.status, delivery.detail) == ("failed", "every push service refused it")
    assert len(hipday.reminders.subscriptions(stuck.user.id or 0)) == 1, "a stuck device is kept"


def test_a_device_subscribed_under_an_older_key_receives_nothing(hipday: Hipday) -> None:
    """After the server's key changed, only devices that subscribed again get reminders."""
    guest = hipday.guest()
    old = hipday.add_device(guest.user, vapid_key="B" + "A" * 86)
    alone = hipday.guest(devices=0)
    alone_old = hipday.add_device(alone.user, vapid_key="B" + "A" * 86)
    seven = at(date(2026, 6, 3), "07:00")
    for user in (guest.user, alone.user):
        hipday.remind(user, seven - timedelta(hours=1))

    report = hipday.sweep(seven)

    assert (report.sent, report.no_device) == (1, 1)
    assert len(hipday.messages(guest.endpoint)) == 1
    assert hipday.service.attempts(old) == hipday.service.attempts(alone_old) == 0


# A scheduler that stopped halfway


def _claim_and_die(hipday: Hipday, guest: Guest, due: datetime) -> dict[str, Any]:
    """What a scheduler that crashed right after claiming leaves: a delivery still "sending"."""
    reminder = hipday.reminder(guest.user)
    assert reminder.id is not None and reminder.next_fire_utc == due
    message = {"kind": "session", "title": "Time for your hips", "actions": ACTIONS}
    claim = Claim(
        reminder.id,
        due,
        reminders.schedule(reminder, guest.user, due),
        reminders.encode(message),
    )
    assert len(hipday.reminders.claim([claim], due)) == 1
    return message


def test_a_send_claimed_by_a_scheduler_that_died_is_finished_once_after_its_lease(
    hipday: Hipday,
) -> None:
    """A scheduler killed mid-send: the next one delivers the reminder, once, after 5 minutes."""
    guest = hipday.guest()
    seven = at(date(2026, 6, 3), "07:00")
    hipday.remind(guest.user, seven - timedelta(hours=1))
    message = _claim_and_die(hipday, guest, seven)

    within_lease = hipday.sweep(seven + LEASE - MINUTE)
    after_lease = hipday.sweep(seven + LEASE + MINUTE)
    later = hipday.sweep(seven + LEASE + 2 * MINUTE)

    assert (within_lease.resumed, within_lease.sent) == (0, 0)
    assert (after_lease.resumed, after_lease.sent) == (1, 1)
    assert (later.resumed, later.sent) == (0, 0)
    assert hipday.messages(guest.endpoint) == [message]
    [delivery] = hipday.reminders.deliveries(hipday.reminder(guest.user).id or 0)
    assert delivery.status == "sent"


@pytest.mark.parametrize(
    "back_after",
    [
        pytest.param(timedelta(hours=2, minutes=1), id="2 h 1 min"),
        pytest.param(timedelta(hours=5), id="5 h"),
    ],
)
def test_a_send_left_by_a_dead_scheduler_past_the_catch_up_is_abandoned(
    hipday: Hipday, back_after: timedelta
) -> None:
    """A reminder left unsent for over two hours is dropped, not delivered hours late."""
    guest = hipday.guest()
    seven = at(date(2026, 6, 3), "07:00")
    hipday.remind(guest.user, seven - timedelta(hours=1))
    _claim_and_die(hipday, guest, seven)

    report = hipday.sweep(seven + back_after)

    assert (report.resumed, report.sent) == (0, 0)
    assert hipday.messages(guest.endpoint) == []
    [delivery] = hipday.reminders.deliveries(hipday.reminder(guest.user).id or 0)
    assert (delivery.status, delivery.detail) == ("failed", "too late after the scheduler stopped")


def test_a_send_left_by_a_dead_scheduler_exactly_2_hours_ago_is_still_sent(hipday: Hipday) -> None:
    """Exactly two hours late is in time for any reminder, also one a dead scheduler claimed."""
    guest = hipday.guest()
    seven = at(date(2026, 6, 3), "07:00")
    hipday.remind(guest.user, seven - timedelta(hours=1))
    _claim_and_die(hipday, guest, seven)

    report = hipday.sweep(at(date(2026, 6, 3), "09:00"))

    assert (report.resumed, report.sent) == (1, 1)


# The test button


def send_test(hipday: Hipday, guest: Guest) -> Reached:
    """Press "Send a test notification" for `guest`, within the app's deadline."""
    with hipday.app.app_context():
        return notifications.send_test(
            hipday.reminders,
            extensions.sender(),
            extensions.vapid_public(),
            extensions.links(),
            guest.user,
            hipday.app.config["PUSH_TEST_SECONDS"],
            at(date(2026, 6, 1), "09:00"),
        )


def test_the_test_notification_reaches_every_current_device(hipday: Hipday) -> None:
    """The test button reaches each current device, says how many, and drops gone ones."""
    guest = hipday.guest(devices=3)
    gone = guest.endpoints[2]
    hipday.service.expire(gone)
    old = hipday.add_device(guest.user, vapid_key="B" + "A" * 86)

    result = send_test(hipday, guest)

    assert result == (2, 3, 0)
    for endpoint in guest.endpoints[:2]:
        [message] = hipday.messages(endpoint)
        assert message["title"] == "Reminders work on this device"
        assert message["url"] == "/"
    assert hipday.service.attempts(old) == 0
    remaining = {d.endpoint for d in hipday.reminders.subscriptions(guest.user.id or 0)}
    assert remaining == {*guest.endpoints[:2], old}


def test_the_test_notification_without_a_device_reaches_none(hipday: Hipday) -> None:
    """Without a subscribed device the test button sends nothing and says so (0 of 0)."""
    guest = hipday.guest(devices=0)
    assert send_test(hipday, guest) == (0, 0, 0)
    assert hipday.service.received == []
