"""The scheduler process: every minute, one sweep sends the reminders that are due.

Run it once per deployment (`flask --app webapp scheduler`), never inside web workers. Only one
runs at a time: it holds a lock for as long as it lives (a PostgreSQL advisory lock on a
connection of its own, or an exclusive lock on a file next to the SQLite database), and a second
one started by mistake says so in its log and waits until the first stops, then takes over.
Without that lock (a sweep called directly, another database) two sweeps are still safe: a
reminder is claimed by moving its `next_fire_utc` on with an update that only one can win, and
the send is written down in that same transaction.

A sweep, for each due reminder: asks the plan what the reminder's day holds, decides to send or
stay quiet (rest day, vacation, pause, done, skipped), claims it while moving it to its next fire
(worked out in the user's time zone), then sends to every device of the user concurrently,
writing down each device's result as soon as its push service answers. Decisions run on a few
threads under a time budget, so a user whose decision is slow or fails holds back nobody
(webapp/scheduler/decisions.py). Reminders missed by
downtime are sent late, once, within the catch-up window; older ones are skipped.

A scheduler killed mid-send leaves its claims unfinished. The next one sends them to the devices
that have no result yet: at once when it holds the lock (nobody else can still be sending them),
otherwise once the claim's lease has run out. See `_deliver` for the one push that can arrive
twice.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from typing import Any, NamedTuple

from flask import Flask, current_app

from routines.reminder_rules import too_late
from routines.streaks import zone
from webapp import clock, extensions
from webapp.push.sender import Outcome, Push, Result
from webapp.scheduler.decisions import Decided, Decisions
from webapp.scheduler.locks import SchedulerLock, scheduler_lock
from webapp.services import reminders
from webapp.store.models import PushSubscription, Reminder, ReminderDelivery, User
from webapp.store.reminders import Claim, ReminderStore, most_recently_used
from webapp.store.training import Store
from webapp.web import guests

log = logging.getLogger(__name__)
#: When the scheduler prunes guests each day (UTC): a quiet hour, clear of the 07:00 reminders.
PRUNE_AT = dt_time(4, 17)

#: How many due reminders one round of a sweep decides, claims and sends together.
BATCH = 500
#: A send claimed longer ago than this by a scheduler that never finished it is taken over by a
#: sweep that can't be sure it is alone; the scheduler holding the lock takes over at once.
LEASE = timedelta(minutes=5)
KEEP_DELIVERIES = timedelta(days=30)
#: A reminder whose next fire can't be worked out (its decision failed) is tried again after this.
RETRY_AFTER_FAILURE = timedelta(hours=1)
TOO_LATE = "too late"


@dataclass(frozen=True)
class Decision:
    """What deciding one due reminder came to: the claim, and why it sends nothing if so."""

    claim: Claim
    quiet: str | None = None  # a Quiet reason's words, or TOO_LATE


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
    errors: int = 0  # reminders whose decision failed (logged, moved on to their next fire)
    deciding: int = 0  # decisions past their time budget, still running when the sweep ended

    def __str__(self) -> str:
        quiet = sum(self.quiet.values())
        return (
            f"{self.due} due, {self.claimed} claimed, {self.sent} sent, {quiet} quiet, "
            f"{self.too_late} too late, {self.failed} failed, {self.no_device} without a device, "
            f"{self.gone} gone devices, {self.resumed} resumed, {self.errors} failed to decide, "
            f"{self.deciding} still deciding"
        )


def decisions() -> Decisions[Decision]:
    """The decisions under way in this process (one that ran past its budget outlives a sweep)."""
    made: Decisions[Decision] | None = current_app.extensions.get("hipday.decisions")
    if made is None:
        config = current_app.config
        made = Decisions(config["REMINDER_DECIDE_WORKERS"], config["REMINDER_DECIDE_SECONDS"])
        made = current_app.extensions.setdefault("hipday.decisions", made)
    return made


def sweep(now: datetime | None = None, *, alone: bool = False) -> SweepReport:
    """Send every reminder due at `now` (default: this moment); call inside an app context.

    `alone`: this process holds the scheduler lock, so any send still unfinished was left by a
    scheduler that stopped, and is finished now rather than after its lease.

    Reminders are decided in worker threads under a time budget (see
    webapp/scheduler/decisions.py): a decision that fails is logged and its reminder moved on,
    one still running after its budget is sent by the first sweep after it ends; the others are
    claimed and sent meanwhile.
    """
    now = now or clock.now()
    window = timedelta(minutes=current_app.config["REMINDER_CATCH_UP_MINUTES"])
    report = SweepReport()
    store: Store = extensions.store()
    reminder_store: ReminderStore = extensions.reminder_store()
    _resume(reminder_store, now, window, report, timedelta(0) if alone else LEASE)
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]

    def decide(reminder: Reminder, user: User) -> Decision:
        with app.app_context():
            return _decide(store, reminder, user, now, window)

    deciding = decisions()
    try:
        for _ in range(1000):  # each round moves what it sees past `now`; the bound is a safeguard
            due = reminder_store.due(now, BATCH, skip=deciding.busy())
            report.due += len(due)
            deciding.start(due, decide)
            ended = deciding.ended()  # with any decided since the last sweep
            if not due and not ended:
                break
            _settle(ended, reminder_store, now, window, report)
    finally:
        deciding.close()
    report.deciding = len(deciding.busy())
    if report.deciding:
        log.warning(
            "%s reminders are still being decided after %s s", report.deciding, deciding.budget
        )
    if now.minute == 0:
        reminder_store.prune(now - KEEP_DELIVERIES)
    return report


def _settle(
    ended: Sequence[Decided[Decision]],
    reminder_store: ReminderStore,
    now: datetime,
    window: timedelta,
    report: SweepReport,
) -> None:
    """Claim the reminders whose decisions ended, and send them together."""
    claims = [_claim(decided, now, window, report) for decided in ended]
    won = reminder_store.claim(claims, now)
    report.claimed += len(won)
    whose = {d.reminder.id or 0: (d.user, d.reminder.kind) for d in ended}
    _deliver(reminder_store, won, whose, report)


def _claim(
    decided: Decided[Decision], now: datetime, window: timedelta, report: SweepReport
) -> Claim:
    """The claim of one ended decision; a failed one moves its reminder on, sending nothing."""
    if decided.error is not None or decided.result is None:
        reminder, user = decided.reminder, decided.user
        log.error(
            "deciding reminder %s of user %s failed; it moves on to its next fire",
            reminder.id,
            user.id,
            exc_info=decided.error,
        )
        report.errors += 1
        assert reminder.id is not None and reminder.next_fire_utc is not None
        return Claim(
            reminder.id, reminder.next_fire_utc, _next_after_failure(reminder, user, now), None
        )
    claim, quiet = decided.result.claim, decided.result.quiet
    if claim.payload is not None and too_late(claim.moment or claim.due, now, window):
        quiet, claim = TOO_LATE, replace(claim, payload=None)  # decided long before this sweep
    if quiet == TOO_LATE:
        report.too_late += 1
    elif quiet is not None:
        report.quiet[quiet] = report.quiet.get(quiet, 0) + 1
    return claim


def _next_after_failure(reminder: Reminder, user: User, now: datetime) -> datetime | None:
    """The reminder's next fire, or in an hour when even that can't be worked out."""
    try:
        return reminders.schedule(reminder, user, now)
    except Exception:
        log.exception("reminder %s has no next fire; it is tried again in an hour", reminder.id)
        return now + RETRY_AFTER_FAILURE


def _decide(
    store: Store,
    reminder: Reminder,
    user: User,
    now: datetime,
    window: timedelta,
) -> Decision:
    """Send or stay quiet, and when the reminder fires next.

    After downtime the stored fire may be older than the catch-up window while a later slot
    (this morning's, after a weekend off) is still inside it: that slot is sent, late, once.
    """
    hook = current_app.config.get("TEST_BEFORE_DECIDING")
    if hook is not None and current_app.config.get("TESTING"):  # inert outside tests
        hook(user)
    stored = reminder.next_fire_utc
    assert stored is not None and reminder.id is not None
    next_fire = reminders.schedule(reminder, user, now)
    due = stored
    if too_late(stored, now, window):
        latest = reminders.schedule(reminder, user, now - window - timedelta(microseconds=1))
        if latest is None or latest > now:
            return Decision(Claim(reminder.id, stored, next_fire, None), TOO_LATE)
        due = latest
    local_due = due.astimezone(zone(user.time_zone))
    catalog = extensions.catalog()
    today = reminders.day_of(store, catalog, user, reminder, local_due.date())
    quiet = reminders.why_quiet(reminder, today)
    if quiet is not None:
        return Decision(Claim(reminder.id, stored, next_fire, None), quiet.value)
    message = reminders.message(catalog, user, reminder, today, local_due)
    return Decision(Claim(reminder.id, stored, next_fire, reminders.encode(message), moment=due))


def _deliver(
    reminder_store: ReminderStore,
    deliveries: Sequence[ReminderDelivery],
    whose: dict[int, tuple[User, str]],
    report: SweepReport,
    already: dict[int, dict[int, str]] | None = None,
) -> None:
    """Send the claimed deliveries to every current device of their users, and record it.

    `whose` gives each reminder id its user and kind; `already`, for sends taken over from a
    stopped scheduler, the devices each delivery has a result for (they are not sent again).

    Each device's result is written down as soon as its push service answers (the answers
    that arrive while one write is under way go into the next), so a scheduler killed in the
    middle leaves exactly the devices still to do. The window that remains: a push its service
    accepted whose result is not written yet — its 201 still on the way (at most one per
    sending thread) or waiting for the write in progress — is sent again by the next
    scheduler. It carries the same payload, Topic and notification tag, so a phone that had
    not fetched the first yet gets one message, and one that had sees its notification
    replaced (it may buzz again) rather than a second one. Nothing is lost.

    If writing a result fails (the database away), pushes not yet started are left for the
    next sweep and the error is raised; those answered since the last write may be sent again.
    """
    if not deliveries:
        return
    already = already or {}
    owners = {d.id: whose[d.reminder_id][0].id or 0 for d in deliveries}
    devices = reminder_store.subscriptions_of(sorted(set(owners.values())))
    key = extensions.vapid_public()
    pushes: list[tuple[int, int, Push]] = []  # (delivery id, subscription id, push)
    outcomes: dict[int, list[str]] = {}
    for delivery in deliveries:
        assert delivery.id is not None
        done = already.get(delivery.id, {})
        outcomes[delivery.id] = list(done.values())
        # One made under an older key can't receive (the page replaces it).
        current = [d for d in devices.get(owners[delivery.id], []) if d.vapid_key == key]
        for device in most_recently_used(current):
            if device.id is not None and device.id not in done:
                kind = whose[delivery.reminder_id][1]
                pushes.append((delivery.id, device.id, _push(device, delivery, kind)))

    def record(finished: list[tuple[int, Result]]) -> None:
        rows = [(*pushes[i][:2], result.outcome.value) for i, result in finished]
        reminder_store.record_pushes(rows, datetime.now(UTC))

    results = extensions.sender().send_each([push for _, _, push in pushes], record)
    gone, sent = [], []
    for (delivery_id, _, _), result in zip(pushes, results, strict=True):
        outcomes[delivery_id].append(result.outcome.value)
        if result.outcome is Outcome.GONE:
            gone.append(result.push.endpoint)
        elif result.outcome is Outcome.SENT:
            sent.append(result.push.endpoint)
    finished = []
    for delivery_id, results_of in outcomes.items():
        if Outcome.SENT in results_of:
            report.sent += 1
            finished.append((delivery_id, "sent", f"{results_of.count(Outcome.SENT)} devices"))
        elif not results_of or all(o == Outcome.GONE for o in results_of):
            report.no_device += 1
            finished.append((delivery_id, "failed", "no device to send to"))
        else:
            report.failed += 1
            finished.append((delivery_id, "failed", "every push service refused it"))
    reminder_store.finish(finished)
    report.gone += reminder_store.forget_endpoints(gone)
    reminder_store.mark_sent(sent, datetime.now(UTC))


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
    reminder_store: ReminderStore,
    now: datetime,
    window: timedelta,
    report: SweepReport,
    lease: timedelta,
) -> None:
    """Finish the sends a stopped scheduler claimed but never made (within the window).

    Only the devices without a result get the reminder; claims younger than `lease` are left
    to the scheduler that may still be sending them.
    """
    reminder_store.abandon(now - lease, now - window)
    stale = reminder_store.unfinished(now - lease, now - window)
    won = [d for d in stale if reminder_store.reclaim(d, now)]
    if not won:
        return
    whose: dict[int, tuple[User, str]] = {}
    store: Store = extensions.store()
    for delivery in won:
        reminder = reminder_store.reminder_by_id(delivery.reminder_id)
        user = store.user(reminder.user_id) if reminder is not None else None
        if reminder is not None and user is not None:
            whose[delivery.reminder_id] = (user, reminder.kind)
    report.resumed += len(won)
    taken = [d for d in won if d.reminder_id in whose]
    already = reminder_store.pushed([d.id for d in taken if d.id is not None])
    _deliver(reminder_store, taken, whose, report, already)


class Reached(NamedTuple):
    """How the test notification went: delivered to how many of how many devices."""

    delivered: int
    devices: int
    unanswered: int  # devices whose push service didn't answer within the deadline


def send_test(user: User) -> Reached:
    """Send the test notification to each of the user's devices, all within PUSH_TEST_SECONDS."""
    reminder_store: ReminderStore = extensions.reminder_store()
    key = extensions.vapid_public()
    devices = [d for d in reminder_store.subscriptions(user.id or 0) if d.vapid_key == key]
    devices = most_recently_used(devices)
    body = reminders.encode(reminders.test_message()).encode()
    pushes = [
        Push(d.endpoint, d.p256dh, d.auth, body, topic="hipday-test", ttl=600) for d in devices
    ]
    results = extensions.sender().send_all(pushes, within=current_app.config["PUSH_TEST_SECONDS"])
    reminder_store.forget_endpoints([r.push.endpoint for r in results if r.outcome is Outcome.GONE])
    sent = [r.push.endpoint for r in results if r.outcome is Outcome.SENT]
    reminder_store.mark_sent(sent, clock.now())
    unanswered = sum(r.status is None and not r.detail.startswith("refused") for r in results)
    return Reached(len(sent), len(devices), unanswered)


def prune_guests() -> guests.Pruned:
    """Delete the guest accounts that never came back (the scheduler does it once a day)."""
    return guests.prune(
        extensions.guests(),
        extensions.store(),
        clock.now().date(),
    )


def run(app: Flask, *, once: bool = False) -> None:
    """The scheduler process: a sweep now (catching up after downtime), then every minute.

    It first takes the scheduler lock, waiting while another scheduler holds it.
    """
    lock = scheduler_lock(extensions.store().engine)
    lock.acquire()
    try:
        _run(app, lock, once)
    finally:
        lock.release()


def _run(app: Flask, lock: SchedulerLock, once: bool) -> None:
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger

    def job() -> None:
        if not lock.held():
            lock.acquire()  # another scheduler may have started meanwhile: wait for it
        with app.app_context():
            try:
                report = sweep(alone=lock.exclusive)
            except Exception:  # a bad minute must not stop the next one
                log.exception("the reminder sweep failed")
            else:
                if report.due or report.resumed:
                    log.info("reminder sweep: %s", report)

    def daily() -> None:
        with app.app_context():
            try:
                pruned = prune_guests()
            except Exception:  # tomorrow's run tries again; reminders go on meanwhile
                log.exception("pruning guest accounts failed")
            else:
                log.info("pruned guest accounts: %s", pruned)

    if once:
        job()
        return
    scheduler = BlockingScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 50},
    )
    scheduler.add_job(job, CronTrigger(second=0, timezone=UTC), next_run_time=datetime.now(UTC))
    scheduler.add_job(daily, CronTrigger(hour=PRUNE_AT.hour, minute=PRUNE_AT.minute, timezone=UTC))

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
            extensions.sender().close()
