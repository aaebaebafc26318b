"""The scheduler process: every minute, one sweep sends the reminders that are due.

Run it once per deployment (`flask --app webapp scheduler`), never inside web workers. Only one
runs at a time: it holds a lock for as long as it lives (webapp/scheduler/locks.py), and a
second one started by mistake says so in its log and waits until the first stops, then takes
over; on PostgreSQL, `SCHEDULERS_SHARE` lets several share each sweep instead. This module is
the one part of the scheduler that reads the app: it hands each sweep
(webapp/scheduler/sweep.py) its stores, catalog, sender, links and clock. Reminders missed by
downtime are sent late, once, within the catch-up window; older ones are skipped.
"""

from __future__ import annotations

import logging
import signal
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from typing import Any

from flask import Flask, current_app

from webapp import clock, extensions
from webapp.scheduler import sweep as sweeping
from webapp.scheduler.decisions import Decisions
from webapp.scheduler.locks import SchedulerLock, scheduler_lock
from webapp.scheduler.sweep import SweepParts, SweepReport
from webapp.services import guests
from webapp.services.reminders import Decision

log = logging.getLogger(__name__)
#: When the scheduler prunes guests each day (UTC): a quiet hour, clear of the 07:00 reminders.
PRUNE_AT = dt_time(4, 17)


def decisions() -> Decisions[Decision]:
    """The decisions under way in this process (one that ran past its budget outlives a sweep)."""
    made: Decisions[Decision] | None = current_app.extensions.get("hipday.decisions")
    if made is None:
        config = current_app.config
        made = Decisions(config["REMINDER_DECIDE_WORKERS"], config["REMINDER_DECIDE_SECONDS"])
        made = current_app.extensions.setdefault("hipday.decisions", made)
    return made


def sweep_parts() -> SweepParts:
    """What a sweep works with, from the current app."""
    config = current_app.config
    hook = config.get("TEST_BEFORE_DECIDING")
    return SweepParts(
        store=extensions.store(),
        reminders=extensions.reminder_store(),
        catalog=extensions.catalog(),
        sender=extensions.sender(),
        vapid_public=extensions.vapid_public(),
        links=extensions.links(),
        decisions=decisions(),
        window=timedelta(minutes=config["REMINDER_CATCH_UP_MINUTES"]),
        before_deciding=hook if config.get("TESTING") else None,  # inert outside tests
    )


def sweep(now: datetime | None = None, *, alone: bool = False) -> SweepReport:
    """Send every reminder due at `now` (default: this moment); call inside an app context."""
    return sweeping.sweep(sweep_parts(), now or clock.now(), alone=alone)


def prune_guests() -> guests.Pruned:
    """Delete the guest accounts that never came back (the scheduler does it once a day)."""
    return guests.prune(
        extensions.guest_store(),
        extensions.store(),
        clock.now().date(),
    )


def run(app: Flask, *, once: bool = False) -> None:
    """The scheduler process: a sweep now (catching up after downtime), then every minute.

    It first takes the scheduler lock, waiting while another scheduler holds it.
    """
    lock = scheduler_lock(extensions.store().engine, shared=app.config["SCHEDULERS_SHARE"])
    lock.acquire()
    try:
        if once:
            _sweep_job(app, lock)
        else:
            _run(app, lock)
    finally:
        lock.release()


def _sweep_job(app: Flask, lock: SchedulerLock) -> None:
    """The minute's sweep; a failure is logged, and the next minute tries again."""
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


def _prune_job(app: Flask) -> None:
    """The day's pruning of guests; a failure is logged, and tomorrow's run tries again."""
    with app.app_context():
        try:
            pruned = prune_guests()
        except Exception:  # reminders go on meanwhile
            log.exception("pruning guest accounts failed")
        else:
            log.info("pruned guest accounts: %s", pruned)


def _run(app: Flask, lock: SchedulerLock) -> None:
    """Sweep every minute (the first one now) and prune guests daily, until stopped."""
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger

    scheduler = BlockingScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 50},
    )
    every_minute = CronTrigger(second=0, timezone=UTC)
    scheduler.add_job(_sweep_job, every_minute, args=(app, lock), next_run_time=datetime.now(UTC))
    daily = CronTrigger(hour=PRUNE_AT.hour, minute=PRUNE_AT.minute, timezone=UTC)
    scheduler.add_job(_prune_job, daily, args=(app,))

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
