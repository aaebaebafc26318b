"""The scheduler killed in the middle of a sweep, and two schedulers started at once.

Each test runs the real `flask --app webapp scheduler` against a temporary database and a mock
push service that decrypts every notification and reads its signed token, so it counts how
often each (user, reminder, day) reached a phone. The mock's gate makes the kill land at a
chosen push: after some pushes were accepted and written down, with the rest still under way.
"""

from __future__ import annotations

import threading
from collections import Counter

from flask import Flask

from tests.faults.conftest import (
    Children,
    DueNow,
    GatedPushService,
    add_users_due_now,
    deliveries_by_status,
    pushes_written_down,
    reminder_of,
    reminders_received,
    wait_until,
)

RUNNING = "Hipday's scheduler is running"
WAITING = "this one waits until it stops"
TAKING_OVER = "this one takes over"


def all_sent(app: Flask, due: DueNow) -> bool:
    return deliveries_by_status(app) == {"sent": len(due.phones)}


def test_a_scheduler_killed_mid_sweep_and_restarted_sends_every_reminder_once(
    app: Flask, children: Children, database: str, push_service: GatedPushService
) -> None:
    """Killed after 15 of 40 phones got their reminder: the restarted scheduler sends the other
    25 at once (not after a lease) and none of the 15 again."""
    due = add_users_due_now(app, push_service, 40)
    push_service.hold_after(15)

    first = children.scheduler("scheduler-1", database)
    wait_until(lambda: push_service.held() == 25, "25 pushes under way at the gate")
    wait_until(lambda: pushes_written_down(app) == 15, "the 15 accepted pushes written down")
    assert len(push_service.received) == 15
    first.kill()
    push_service.drop_held()  # they never got through

    second = children.scheduler("scheduler-2", database)
    second.wait_for_log(RUNNING)
    push_service.wait_for(40, timeout=30)
    wait_until(lambda: all_sent(app, due), "every delivery marked sent")
    second.stop()

    received = reminders_received(app, push_service)
    assert set(received) == due.expected(), "a due reminder is missing"
    assert max(received.values()) == 1, [key for key, n in received.items() if n > 1]
    assert len(push_service.received) == 40


def expect_one_reminder_twice_as_the_same_push(
    app: Flask, push_service: GatedPushService, received: Counter[tuple[str, int, str]]
) -> None:
    """One reminder arrived twice, as the same payload, Topic and notification tag."""
    twice = [key for key, n in received.items() if n == 2]
    assert len(twice) == 1 and max(received.values()) == 2, received
    with app.app_context():
        doubled = [push for push in push_service.received if reminder_of(push) == twice[0]]
    assert len(doubled) == 2
    assert doubled[0].plaintext == doubled[1].plaintext
    assert doubled[0].topic == doubled[1].topic == "hipday-session"
    assert doubled[0].json()["tag"] == "hipday-session"


def test_the_one_push_accepted_in_the_instant_of_the_kill_is_the_only_one_sent_twice(
    app: Flask, children: Children, database: str, push_service: GatedPushService
) -> None:
    """The window that remains: the push service accepted a push, and the scheduler died before
    it heard so. The next scheduler sends that one again (same payload, Topic and notification
    tag, so the phone replaces the notification); every other reminder arrives once."""
    due = add_users_due_now(app, push_service, 20)
    last = 7  # arrival number of the push accepted in the instant of the kill
    push_service.hold_after(last + 1)
    killed = threading.Event()

    def all_earlier_written_down(number: int) -> None:
        if number == last:
            wait_until(lambda: pushes_written_down(app) == last, "earlier pushes written down")

    def kill_the_scheduler(number: int) -> None:
        if number == last:  # accepted and kept; the 201 is not on its way yet
            first.kill()
            killed.set()

    push_service.before_accept = all_earlier_written_down
    push_service.after_accept = kill_the_scheduler
    first = children.scheduler("scheduler-1", database)
    assert killed.wait(timeout=30), f"the scheduler was never killed:\n{first.log()}"
    assert pushes_written_down(app) == last
    push_service.drop_held()

    second = children.scheduler("scheduler-2", database)
    second.wait_for_log(RUNNING)
    push_service.wait_for(21, timeout=30)
    wait_until(lambda: all_sent(app, due), "every delivery marked sent")
    second.stop()

    received = reminders_received(app, push_service)
    assert set(received) == due.expected()
    expect_one_reminder_twice_as_the_same_push(app, push_service, received)


def test_a_second_scheduler_waits_and_takes_over_when_the_first_is_killed(
    app: Flask, children: Children, database: str, push_service: GatedPushService
) -> None:
    """Two started by mistake: the second says it waits, sends nothing while the first lives,
    and once the first is killed mid-send, finishes its sends at once, each phone once."""
    due = add_users_due_now(app, push_service, 3)
    push_service.hold_after(0)

    first = children.scheduler("scheduler-1", database)
    first.wait_for_log(RUNNING)
    wait_until(lambda: push_service.held() == 3, "the first scheduler sending")
    second = children.scheduler("scheduler-2", database)
    second.wait_for_log(WAITING)
    assert RUNNING not in second.log()
    assert push_service.received == []
    assert deliveries_by_status(app) == {"sending": 3}

    first.kill()
    push_service.drop_held()
    second.wait_for_log(TAKING_OVER)
    second.wait_for_log(RUNNING)
    push_service.wait_for(3, timeout=30)
    wait_until(lambda: all_sent(app, due), "every delivery marked sent")
    second.stop()

    assert reminders_received(app, push_service) == dict.fromkeys(due.expected(), 1)
