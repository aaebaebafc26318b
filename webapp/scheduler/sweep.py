"""One sweep: decide the due reminders, claim them, send them, and write down how it went.

A sweep, for each due reminder: decides to send or stay quiet (webapp/services/reminders.py
`decide`: rest day, vacation, pause, done, skipped, too late), claims it while moving it to its
next fire, then sends to every device of the user concurrently, writing down each device's
result as soon as its push service answers. Decisions run on a few threads under a time budget,
so a user whose decision is slow or fails holds back nobody (webapp/scheduler/decisions.py).

Nothing here reads the app: the scheduler process (webapp/scheduler/process.py) hands a sweep
its collaborators as `SweepParts`. Without the scheduler lock two sweeps are still safe: a
reminder is claimed by moving its `next_fire_utc` on with an update that only one can win, and
the send is written down in that same transaction. A scheduler killed mid-send leaves its claims
unfinished; the next sends them to the devices that have no result yet (`_resume`). See
`_deliver` for the one push that can arrive twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from routines.catalog.model import Catalog
from routines.reminder_rules import too_late
from webapp.push.recording import RecordingSender
from webapp.push.sender import Outcome, Push, Result
from webapp.scheduler.decisions import Decided, Decisions
from webapp.scheduler.sending import Sending
from webapp.services import reminders
from webapp.services.reminders import TOO_LATE, Decision, Links
from webapp.store.due_rows import DueRows
from webapp.store.models import PushSubscription, Reminder, ReminderDelivery, User
from webapp.store.reminders import Claim, ReminderStore, most_recently_used
from webapp.store.training import TrainingStore

log = logging.getLogger(__name__)

#: How many due reminders one round of a sweep decides, claims and sends together.
BATCH = 500
#: A send claimed longer ago than this by a scheduler that never finished it is taken over by a
#: sweep that can't be sure it is alone; the scheduler holding the lock takes over at once.
LEASE = timedelta(minutes=5)
KEEP_DELIVERIES = timedelta(days=30)
#: A reminder whose next fire can't be worked out (its decision failed) is tried again after this.
RETRY_AFTER_FAILURE = timedelta(hours=1)

#: (delivery id, subscription id, push) for each push one send makes.
Pushes = list[tuple[int, int, Push]]


@dataclass(frozen=True)
class SweepParts:
    """What a sweep works with, handed over by the scheduler process."""

    store: TrainingStore
    reminders: ReminderStore
    catalog: Catalog
    sender: RecordingSender
    vapid_public: str  # only devices subscribed under this key can receive
    links: Links
    decisions: Decisions[Decision]  # kept from sweep to sweep: a slow one outlives its sweep
    window: timedelta  # how late a reminder missed by downtime may still be sent
    before_deciding: Callable[[User], None] | None = None  # tests only: make an account odd


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


def sweep(parts: SweepParts, now: datetime, *, alone: bool = False) -> SweepReport:
    """Send every reminder due at `now`.

    `alone`: this process holds the scheduler lock, so any send still unfinished was left by a
    scheduler that stopped, and is finished now rather than after its lease.

    A decision that fails is logged and its reminder moved on, one still running after its
    budget is sent by the first sweep after it ends; the others are claimed and sent meanwhile.
    """
    report = SweepReport()
    _resume(parts, now, report, timedelta(0) if alone else LEASE)
    deciding, sending = parts.decisions, Sending()
    try:
        for _ in range(1000):  # each round moves what it sees past `now`; the bound is a safeguard
            if not _round(parts, now, report, sending):
                break
    finally:
        deciding.close()
        sending.finish()
    report.deciding = len(deciding.busy())
    if report.deciding:
        log.warning(
            "%s reminders are still being decided after %s s", report.deciding, deciding.budget
        )
    if now.minute == 0:
        parts.reminders.prune(now - KEEP_DELIVERIES)
    return report


def _decider(
    parts: SweepParts, due: Sequence[tuple[Reminder, User]], now: datetime
) -> Callable[[Reminder, User], Decision]:
    """Decide each of `due` from its users' rows, read for all of them at once."""
    store = parts.store
    if due:
        store = DueRows.read(store.engine, {user.id or 0 for _, user in due}, now.date())

    def decide(reminder: Reminder, user: User) -> Decision:
        if parts.before_deciding is not None:
            parts.before_deciding(user)
        return reminders.decide(
            store, parts.catalog, parts.links, reminder, user, now, parts.window
        )

    return decide


def _round(parts: SweepParts, now: datetime, report: SweepReport, sending: Sending) -> bool:
    """Decide and claim one batch, and hand it to `sending`; False when nothing was due or
    decided.

    The batch's own claims are made while it is held (on PostgreSQL, locked from other
    schedulers); those of decisions begun in earlier rounds or sweeps, after it is let go, so
    this scheduler never waits on a row while holding others.
    """
    deciding = parts.decisions
    with parts.reminders.due_batch(now, BATCH, skip=deciding.busy()) as batch:
        report.due += len(batch.due)
        deciding.start(batch.due, _decider(parts, batch.due, now))
        ended = deciding.ended()  # with any decided since the last round
        if not batch.due and not ended:
            return False
        claims = [_claim(decided, now, parts.window, report) for decided in ended]
        held = {reminder.id for reminder, _ in batch.due}
        won = batch.claim([c for c in claims if c.reminder_id in held], now)
    won += parts.reminders.claim([c for c in claims if c.reminder_id not in held], now)
    report.claimed += len(won)
    whose = {d.reminder.id or 0: (d.user, d.reminder.kind) for d in ended}
    sending.start(lambda: _deliver(parts, won, whose, report))
    return True


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


def _deliver(
    parts: SweepParts,
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
    pushes, outcomes = _pushes(parts, deliveries, whose, already or {})

    def record(finished: list[tuple[int, Result]]) -> None:
        rows = [(*pushes[i][:2], result.outcome.value) for i, result in finished]
        parts.reminders.record_pushes(rows, datetime.now(UTC))

    results = parts.sender.send_each([push for _, _, push in pushes], record)
    gone, sent = _note(pushes, results, outcomes)
    parts.reminders.finish(_finished(outcomes, report))
    report.gone += parts.reminders.forget_endpoints(gone)
    parts.reminders.mark_sent(sent, datetime.now(UTC))


def _pushes(
    parts: SweepParts,
    deliveries: Sequence[ReminderDelivery],
    whose: dict[int, tuple[User, str]],
    already: dict[int, dict[int, str]],
) -> tuple[Pushes, dict[int, list[str]]]:
    """The pushes the deliveries still need, and the outcomes each delivery already has."""
    owners = {d.id: whose[d.reminder_id][0].id or 0 for d in deliveries}
    devices = parts.reminders.subscriptions_of(sorted(set(owners.values())))
    pushes: Pushes = []
    outcomes: dict[int, list[str]] = {}
    for delivery in deliveries:
        assert delivery.id is not None
        done = already.get(delivery.id, {})
        outcomes[delivery.id] = list(done.values())
        # One made under an older key can't receive (the page replaces it).
        mine = devices.get(owners[delivery.id], [])
        current = [d for d in mine if d.vapid_key == parts.vapid_public]
        kind = whose[delivery.reminder_id][1]
        for device in most_recently_used(current):
            if device.id is not None and device.id not in done:
                pushes.append((delivery.id, device.id, _push(device, delivery, kind)))
    return pushes, outcomes


def _note(
    pushes: Pushes, results: Sequence[Result], outcomes: dict[int, list[str]]
) -> tuple[list[str], list[str]]:
    """Add each push's outcome to its delivery's; returns the endpoints gone and those sent to."""
    gone, sent = [], []
    for (delivery_id, _, _), result in zip(pushes, results, strict=True):
        outcomes[delivery_id].append(result.outcome.value)
        if result.outcome is Outcome.GONE:
            gone.append(result.push.endpoint)
        elif result.outcome is Outcome.SENT:
            sent.append(result.push.endpoint)
    return gone, sent


def _finished(outcomes: dict[int, list[str]], report: SweepReport) -> list[tuple[int, str, str]]:
    """How each delivery went, from its devices' outcomes, counted in `report`."""
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
    return finished


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


def _resume(parts: SweepParts, now: datetime, report: SweepReport, lease: timedelta) -> None:
    """Finish the sends a stopped scheduler claimed but never made (within the window).

    Only the devices without a result get the reminder; claims younger than `lease` are left
    to the scheduler that may still be sending them.
    """
    rows = parts.reminders
    rows.abandon(now - lease, now - parts.window)
    stale = rows.unfinished(now - lease, now - parts.window)
    won = [d for d in stale if rows.reclaim(d, now)]
    if not won:
        return
    whose: dict[int, tuple[User, str]] = {}
    for delivery in won:
        reminder = rows.reminder_by_id(delivery.reminder_id)
        user = parts.store.user(reminder.user_id) if reminder is not None else None
        if reminder is not None and user is not None:
            whose[delivery.reminder_id] = (user, reminder.kind)
    report.resumed += len(won)
    taken = [d for d in won if d.reminder_id in whose]
    already = rows.pushed([d.id for d in taken if d.id is not None])
    _deliver(parts, taken, whose, report, already)
