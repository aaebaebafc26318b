"""The scheduler process: every minute, one sweep sends the reminders that are due.

Run it once per deployment (`flask --app webapp scheduler`), never inside web workers. It is
safe to run two by mistake: a reminder is claimed by moving its `next_fire_utc` on with an update
that only one process can win, and the send is written down in that same transaction.

A sweep, for each due reminder: asks the plan what the reminder's day holds, decides to send or
stay quiet (rest day, vacation, pause, done, skipped), claims it while moving it to its next fire
(worked out in the user's time zone), then sends to every device of the user concurrently and
records how it went. Reminders missed by downtime are sent late, once, within the catch-up
window; older ones are skipped. A send claimed by a scheduler that died is finished by the next.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, current_app

from routines.reminders import too_late
from routines.streaks import zone
from webapp import reminders
from webapp.models import PushSubscription, Reminder, ReminderDelivery, User
from webapp.push import Outcome, Push, Sender
from webapp.reminder_store import Claim, ReminderStore
from webapp.store import Store

log = logging.getLogger(__name__)

#: How many due reminders one round of a sweep decides, claims and sends together.
BATCH = 500
#: A send claimed longer ago than this by a scheduler that never finished it is taken over.
LEASE = timedelta(minutes=5)
KEEP_DELIVERIES = timedelta(days=30)


@dataclass
class SweepReport:
    """What one sweep did, for logs and tests."""

    due: int = 0
    claimed: int = 0
    sent: int = 0  # reminders delivered to at least one device
    quiet: dict[str, int] = field(default_factory=dict)
    too_late: int = 0
    failed: int = 0
    no_device: int = 0
    gone: int = 0  # subscriptions deleted because the push service said they are gone
    resumed: int = 0  # sends finished for a scheduler that stopped

    def __str__(self) -> str:
        quiet = sum(self.quiet.values())
        return (
            f"{self.due} due, {self.claimed} claimed, {self.sent} sent, {quiet} quiet, "
            f"{self.too_late} too late, {self.failed} failed, {self.no_device} without a device, "
            f"{self.gone} gone devices, {self.resumed} resumed"
        )


def sender() -> Sender:
    """The app's push sender (one per process, so its connections are reused)."""
    made: Sender | None = current_app.extensions.get("hipday.sender")
    if made is None:
        config = current_app.config
        made = Sender(
            current_app.extensions["hipday.vapid"],
            config["VAPID_SUBJECT"],
            timeout=config["PUSH_TIMEOUT"],
            workers=config["PUSH_WORKERS"],
            attempts=config["PUSH_ATTEMPTS"],
            backoff=config["PUSH_BACKOFF"],
        )
        current_app.extensions["hipday.sender"] = made
    return made


def sweep(now: datetime | None = None) -> SweepReport:
    """Send every reminder due at `now` (default: this moment); call inside an app context."""
    now = now or datetime.now(UTC)
    window = timedelta(minutes=current_app.config["REMINDER_CATCH_UP_MINUTES"])
    report = SweepReport()
    store: Store = current_app.extensions["hipday.store"]
    reminder_store: ReminderStore = current_app.extensions["hipday.reminders"]
    _resume(reminder_store, now, window, report)
    for _ in range(1000):  # each round moves what it sees past `now`; the bound is a safeguard
        due = reminder_store.due(now, BATCH)
        if not due:
            break
        report.due += len(due)
        claims = [_decide(store, reminder, user, now, window, report) for reminder, user in due]
        won = reminder_store.claim(claims, now)
        report.claimed += len(won)
        _deliver(reminder_store, won, {r.id or 0: (u, r.kind) for r, u in due}, report)
    if now.minute == 0:
        reminder_store.prune(now - KEEP_DELIVERIES)
    return report


def _decide(
    store: Store,
    reminder: Reminder,
    user: User,
    now: datetime,
    window: timedelta,
    report: SweepReport,
) -> Claim:
    """Send or stay quiet, and when the reminder fires next.

    After downtime the stored fire may be older than the catch-up window while a later slot
    (this morning's, after a weekend off) is still inside it: that slot is sent, late, once.
    """
    stored = reminder.next_fire_utc
    assert stored is not None and reminder.id is not None
    next_fire = reminders.schedule(reminder, user, now)
    due = stored
    if too_late(stored, now, window):
        latest = reminders.schedule(reminder, user, now - window - timedelta(microseconds=1))
        if latest is None or latest > now:
            report.too_late += 1
            return Claim(reminder.id, stored, next_fire, None)
        due = latest
    local_due = due.astimezone(zone(user.time_zone))
    catalog = current_app.extensions["hipday.catalog"]
    today = reminders.day_of(store, catalog, user, reminder, local_due.date())
    quiet = reminders.why_quiet(reminder, today)
    if quiet is not None:
        report.quiet[quiet.value] = report.quiet.get(quiet.value, 0) + 1
        return Claim(reminder.id, stored, next_fire, None)
    message = reminders.message(catalog, user, reminder, today, local_due)
    return Claim(reminder.id, stored, next_fire, reminders.encode(message), moment=due)


def _deliver(
    reminder_store: ReminderStore,
    deliveries: Sequence[ReminderDelivery],
    whose: dict[int, tuple[User, str]],
    report: SweepReport,
) -> None:
    """Send the claimed deliveries to every current device of their users, and record it.

    `whose` gives each reminder id its user and kind.
    """
    if not deliveries:
        return
    owners = {d.id: whose[d.reminder_id][0].id or 0 for d in deliveries}
    devices = reminder_store.subscriptions_of(sorted(set(owners.values())))
    key = current_app.extensions["hipday.vapid_public"]
    pushes: list[tuple[int, Push]] = []
    outcomes: dict[int, list[Outcome]] = {}
    for delivery in deliveries:
        assert delivery.id is not None
        outcomes[delivery.id] = []
        for device in devices.get(owners[delivery.id], []):
            if device.vapid_key == key:  # one made under an older key can't receive; the
                kind = whose[delivery.reminder_id][1]  # page replaces it
                pushes.append((delivery.id, _push(device, delivery, kind)))
    results = sender().send_all(push for _, push in pushes)
    gone, sent = [], []
    for (delivery_id, _), result in zip(pushes, results, strict=True):
        outcomes[delivery_id].append(result.outcome)
        if result.outcome is Outcome.GONE:
            gone.append(result.push.endpoint)
        elif result.outcome is Outcome.SENT:
            sent.append(result.push.endpoint)
    report.gone += reminder_store.forget_endpoints(gone)
    reminder_store.mark_sent(sent, datetime.now(UTC))
    finished = []
    for delivery_id, results_of in outcomes.items():
        if Outcome.SENT in results_of:
            report.sent += 1
            finished.append((delivery_id, "sent", f"{results_of.count(Outcome.SENT)} devices"))
        elif not results_of or all(o is Outcome.GONE for o in results_of):
            report.no_device += 1
            finished.append((delivery_id, "failed", "no device to send to"))
        else:
            report.failed += 1
            finished.append((delivery_id, "failed", "every push service refused it"))
    reminder_store.finish(finished)


def _push(device: PushSubscription, delivery: ReminderDelivery, kind: str) -> Push:
    return Push(
        endpoint=device.endpoint,
        p256dh=device.p256dh,
        auth=device.auth,
        payload=delivery.payload.encode(),
        topic=f"hipday-{kind}",
        urgency="normal" if kind == "desk" else "high",
        # A desk break is stale once the next is due; a session reminder keeps for a morning.
        ttl=30 * 60 if kind == "desk" else 4 * 3600,
    )


def _resume(
    reminder_store: ReminderStore, now: datetime, window: timedelta, report: SweepReport
) -> None:
    """Finish the sends a stopped scheduler claimed but never made (within the window)."""
    reminder_store.abandon(now - LEASE, now - window)
    stale = reminder_store.unfinished(now - LEASE, now - window)
    won = [d for d in stale if reminder_store.reclaim(d, now)]
    if not won:
        return
    whose: dict[int, tuple[User, str]] = {}
    store: Store = current_app.extensions["hipday.store"]
    for delivery in won:
        reminder = reminder_store.reminder_by_id(delivery.reminder_id)
        user = store.user(reminder.user_id) if reminder is not None else None
        if reminder is not None and user is not None:
            whose[delivery.reminder_id] = (user, reminder.kind)
    report.resumed += len(won)
    _deliver(reminder_store, [d for d in won if d.reminder_id in whose], whose, report)


def send_test(user: User) -> tuple[int, int]:
    """Send the test notification to each of the user's devices: (delivered, devices)."""
    reminder_store: ReminderStore = current_app.extensions["hipday.reminders"]
    key = current_app.extensions["hipday.vapid_public"]
    devices = [d for d in reminder_store.subscriptions(user.id or 0) if d.vapid_key == key]
    body = reminders.encode(reminders.test_message()).encode()
    pushes = [
        Push(d.endpoint, d.p256dh, d.auth, body, topic="hipday-test", ttl=600) for d in devices
    ]
    results = sender().send_all(pushes)
    reminder_store.forget_endpoints([r.push.endpoint for r in results if r.outcome is Outcome.GONE])
    return sum(r.outcome is Outcome.SENT for r in results), len(devices)


def run(app: Flask, *, once: bool = False) -> None:
    """The scheduler process: a sweep now (catching up after downtime), then every minute."""
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger

    def job() -> None:
        with app.app_context():
            try:
                report = sweep()
            except Exception:  # a bad minute must not stop the next one
                log.exception("the reminder sweep failed")
            else:
                if report.due:
                    log.info("reminder sweep: %s", report)

    if once:
        job()
        return
    scheduler = BlockingScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 50},
    )
    scheduler.add_job(job, CronTrigger(second=0, timezone=UTC), next_run_time=datetime.now(UTC))

    def stop(_signal: int, _frame: Any) -> None:
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    log.info("Hipday's scheduler is running; it sends due reminders every minute.")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        with app.app_context():
            sender().close()
