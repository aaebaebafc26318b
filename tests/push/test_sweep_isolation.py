"""One account whose reminder can't be decided, or takes long to decide, holds back nobody else.

The two pathological accounts are made so through `TEST_BEFORE_DECIDING`, a test-only setting
the scheduler calls with each user before deciding their reminder: one raises, the other waits
until the test lets it go. Everything else is real: the plan, the database, the sender and the
mock push service.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import make_app, wait_until
from tests.push.conftest import Guest, Hipday, close_app, local
from webapp.store.models import User

#: Wednesday 3 June 2026, a strength day of a plan with sessions on Monday, Wednesday, Friday.
DAY = date(2026, 6, 3)
PLAN_START = date(2026, 6, 2)
SEVEN = local("2026-06-03 07:00")
NORMAL_ACCOUNTS = 100


class Pathology:
    """Which accounts fail or stall when their reminder is decided, and the gate of the slow one."""

    def __init__(self) -> None:
        self.failing: set[int] = set()
        self.slow: set[int] = set()
        self.released = threading.Event()

    def before_deciding(self, user: User) -> None:
        if user.id in self.failing:
            raise RuntimeError("this account's plan can't be worked out")
        if user.id in self.slow:
            self.released.wait(timeout=60)


@pytest.fixture
def pathology() -> Iterator[Pathology]:
    made = Pathology()
    yield made
    made.released.set()  # never leave a decision waiting after the test


@pytest.fixture
def app(tmp_path: Path, pathology: Pathology) -> Iterator[Flask]:
    """The app, deciding each reminder for at most 2 s before it stops waiting for it."""
    application = make_app(
        tmp_path, TEST_BEFORE_DECIDING=pathology.before_deciding, REMINDER_DECIDE_SECONDS=2.0
    )
    yield application
    close_app(application)


def as_utc(moment: datetime) -> datetime:
    """A stored moment as aware UTC (SQLite gives it back without its zone)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def reminded_guest(hipday: Hipday) -> Guest:
    """A guest with a plan and a session reminder at 07:00 Berlin time, set the evening before."""
    guest = hipday.guest()
    hipday.plan(guest.user, PLAN_START)
    hipday.remind(guest.user, local("2026-06-02 20:00"))
    return guest


def test_a_failing_and_a_slow_account_hold_back_none_of_100_others(
    hipday: Hipday, pathology: Pathology, caplog: pytest.LogCaptureFixture
) -> None:
    """The 100 go out in the 07:00 sweep; the failure is logged with its traceback and that
    reminder moves on to tomorrow; the slow one is sent by a later sweep once decided, once."""
    failing, slow = reminded_guest(hipday), reminded_guest(hipday)
    pathology.failing.add(failing.user.id or 0)
    pathology.slow.add(slow.user.id or 0)
    normal = [reminded_guest(hipday) for _ in range(NORMAL_ACCOUNTS)]

    with caplog.at_level(logging.ERROR, logger="webapp.scheduler.sweep"):
        report = hipday.sweep(SEVEN)

    assert (report.due, report.sent, report.deciding) == (102, NORMAL_ACCOUNTS, 1)
    for guest in normal:
        [message] = hipday.messages(guest.endpoint)
        assert message["title"].startswith("Strength day")
        [delivery] = hipday.reminders.deliveries(hipday.reminder(guest.user).id or 0)
        assert (delivery.status, as_utc(delivery.due_utc)) == ("sent", SEVEN)
    assert hipday.messages(failing.endpoint) == hipday.messages(slow.endpoint) == []
    [logged] = [r for r in caplog.records if r.exc_info is not None]
    assert logged.exc_info is not None and logged.exc_info[0] is RuntimeError
    assert f"user {failing.user.id}" in logged.getMessage()
    assert hipday.next_fire(failing.user) == SEVEN + timedelta(days=1)

    pathology.released.set()
    minutes = (SEVEN + timedelta(minutes=n) for n in itertools.count(1))
    wait_until(lambda: hipday.sweep(next(minutes)).sent, "a later sweep to send the slow one")

    [message] = hipday.messages(slow.endpoint)
    assert message["title"].startswith("Strength day")
    assert hipday.sweep(next(minutes)).sent == 0
    assert hipday.messages(failing.endpoint) == []
    assert all(len(hipday.messages(guest.endpoint)) == 1 for guest in normal)


def test_a_slow_account_is_decided_once_however_many_sweeps_pass_meanwhile(
    hipday: Hipday, pathology: Pathology
) -> None:
    """While its decision runs, later sweeps leave that reminder alone instead of starting
    another decision of it each minute."""
    slow = reminded_guest(hipday)
    pathology.slow.add(slow.user.id or 0)
    decided: list[int] = []
    decide = pathology.before_deciding

    def counting(user: User) -> None:
        decided.append(user.id or 0)
        decide(user)

    hipday.app.config["TEST_BEFORE_DECIDING"] = counting

    reports = [hipday.sweep(SEVEN + timedelta(minutes=n)) for n in range(3)]

    assert [(r.due, r.deciding) for r in reports] == [(1, 1), (0, 1), (0, 1)]
    assert decided == [slow.user.id]
    pathology.released.set()
    minutes = (SEVEN + timedelta(minutes=n) for n in itertools.count(3))
    wait_until(lambda: hipday.sweep(next(minutes)).sent, "the slow one sent once decided")
    assert len(hipday.messages(slow.endpoint)) == 1
    assert decided == [slow.user.id]
