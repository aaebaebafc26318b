"""Fixtures for the push tests: the app, a running mock push service, guests, and VAPID keys.

Times are frozen: every helper takes `now` and hands it on, so a test reads like a diary of
one user's day. `local("2026-06-03 07:00")` is that Berlin wall-clock moment, in UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from py_vapid import Vapid02

from routines.catalog.model import Catalog
from routines.plan.calendar import TodayPlan, today_in_plan
from tests.conftest import TEST_VAPID_KEY, make_app
from tests.push.dns import FakeDns, fake_dns
from tests.push.service import MockPushService
from webapp.push.sender import application_server_key
from webapp.scheduler.process import sweep
from webapp.scheduler.sweep import SweepReport
from webapp.services import plans, reminder_settings, reminders
from webapp.store.models import Completion, PushSubscription, Reminder, User
from webapp.store.reminders import ReminderStore
from webapp.store.training import TrainingStore

BERLIN = "Europe/Berlin"
#: The public half of the key every test app signs with (tests.conftest.TEST_VAPID_KEY).
TEST_PUBLIC_KEY = application_server_key(Vapid02.from_string(TEST_VAPID_KEY))


def local(wall_clock: str, time_zone: str = BERLIN) -> datetime:
    """The moment the clocks of `time_zone` show `wall_clock` ("2026-06-03 07:00"), in UTC."""
    moment = datetime.fromisoformat(wall_clock).replace(tzinfo=ZoneInfo(time_zone))
    return moment.astimezone(UTC)


def close_app(app: Flask) -> None:
    """Close the app's push sender (threads, keep-alive connections) and its database."""
    app.extensions["hipday"].sender.close()
    app.extensions["hipday"].store.engine.dispose()


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """The app on a fresh database; unlike the shared fixture, it also closes its sender."""
    application = make_app(tmp_path)
    yield application
    close_app(application)


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> FakeDns:
    """Made-up names answered as the test says: `dns.answers["push.example.net"] = [...]`."""
    return fake_dns(monkeypatch)


@pytest.fixture
def push_service() -> Iterator[MockPushService]:
    """A mock push service on 127.0.0.1 that only accepts pushes signed with the test key."""
    with MockPushService(vapid_public_key=TEST_PUBLIC_KEY) as service:
        yield service


@dataclass
class Guest:
    """A user and the endpoints of their devices at the mock push service."""

    user: User
    endpoints: list[str] = field(default_factory=list)

    @property
    def endpoint(self) -> str:
        return self.endpoints[0]


class Hipday:
    """One app and its push service, with the steps a user (or the scheduler) takes."""

    def __init__(self, app: Flask, service: MockPushService) -> None:
        self.app, self.service = app, service
        self.store: TrainingStore = app.extensions["hipday"].store
        self.reminders: ReminderStore = app.extensions["hipday"].reminders
        self.catalog: Catalog = app.extensions["hipday"].catalog

    def guest(self, time_zone: str = BERLIN, devices: int = 1) -> Guest:
        """A guest living in `time_zone` with `devices` browsers subscribed to reminders."""
        user = self.store.create_guest()
        self.store.set_time_zone(user, time_zone)
        guest = Guest(user)
        for _ in range(devices):
            guest.endpoints.append(self.add_device(user))
        return guest

    def add_device(self, user: User, vapid_key: str | None = None) -> str:
        """Subscribe one more browser of `user`; `vapid_key` other than the app's is an old key."""
        subscription = self.service.subscribe()
        self.reminders.add_subscription(
            PushSubscription(
                user_id=user.id or 0,
                endpoint=subscription["endpoint"],
                p256dh=subscription["keys"]["p256dh"],
                auth=subscription["keys"]["auth"],
                vapid_key=vapid_key or self.app.extensions["hipday"].vapid_public,
            )
        )
        return str(subscription["endpoint"])

    def remind(
        self,
        user: User,
        now: datetime,
        *,
        at: str = "07:00",
        desk: bool = False,
        paused_until: str = "",
    ) -> None:
        """Save Settings → Reminders at `now`: the session reminder at `at`, maybe desk breaks.

        Desk breaks keep their defaults: every 60 minutes from 09:00 to 17:00, Monday to Friday.
        """
        form = reminder_settings.ReminderForm(
            session_on=True, session_at=at, desk_on=desk, paused_until=paused_until
        )
        reminder_settings.save_reminders(self.reminders, user, form, now)

    def plan(self, user: User, start: date, days: tuple[str, ...] = ("mon", "wed", "fri")) -> None:
        """Onboard `user` with session days `days`, the plan starting on `start`."""
        plans.save_program(self.store, user, plans.ProgramForm(days=list(days)), start)

    def planned_day(self, user: User, day: date) -> TodayPlan:
        """What the plan page shows for `day`, seen on that day."""
        plan = plans.plan_for(self.store, self.catalog, user, day)
        planned = today_in_plan(plan, day)
        assert planned is not None, f"the plan has no {day}"
        return planned

    def finish_session(self, user: User, slug: str, ended: datetime) -> None:
        """Log a finished session of routine `slug` that ended at `ended` (Berlin time)."""
        completion = Completion(
            user_id=user.id or 0,
            op_id=f"op-{slug}-{ended:%Y%m%d%H%M}",
            routine_slug=slug,
            started_at=ended.replace(minute=0),
            ended_at=ended,
            local_date=ended.astimezone(ZoneInfo(BERLIN)).date(),
            time_zone=BERLIN,
            steps_done=10,
            steps_total=10,
        )
        self.store.add_completion(completion)

    def reminder(self, user: User, kind: str = "session") -> Reminder:
        return self.reminders.reminders(user.id or 0)[kind]

    def next_fire(self, user: User, kind: str = "session") -> datetime | None:
        return self.reminder(user, kind).next_fire_utc

    def fresh(self, user: User) -> User:
        """`user` as stored now (the pause and time zone included)."""
        found = self.store.user(user.id or 0)
        assert found is not None
        return found

    def sweep(self, now: datetime) -> SweepReport:
        """One scheduler sweep at the frozen moment `now`."""
        with self.app.app_context():
            return sweep(now)

    def act(self, user: User, token: str, action: str, now: datetime) -> str | None:
        """Tap Snooze or Skip today on a notification carrying `token`."""
        with self.app.app_context():
            secret = self.app.config["SECRET_KEY"]
            return reminders.act(
                self.store,
                self.reminders,
                self.catalog,
                secret,
                self.fresh(user),
                token,
                action,
                now,
            )

    def messages(self, endpoint: str) -> list[dict[str, Any]]:
        """The notifications that reached the device at `endpoint`, decrypted, oldest first."""
        return self.service.messages(endpoint)


@pytest.fixture
def hipday(app: Flask, push_service: MockPushService) -> Hipday:
    return Hipday(app, push_service)


@pytest.fixture
def service() -> Iterator[MockPushService]:
    """A mock push service of its own, for the tests of the mock itself."""
    with MockPushService() as running:
        yield running


@pytest.fixture(scope="module")
def vapid() -> Vapid02:
    """A fresh VAPID key to sign pushes with."""
    key = Vapid02()
    key.generate_keys()
    return key
