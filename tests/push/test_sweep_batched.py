"""A sweep decides its due users from their rows read at once, and decides as one by one would.

Each guest below has their 07:00 reminder due on a day that makes it say or hold back something
different; every one lives in Berlin with the plan from Tuesday 2 June 2026 (Monday, Wednesday
and Friday sessions), unless they have no program at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from sqlalchemy import event

from routines.plan.calendar import move_targets
from tests.push.conftest import Guest, Hipday
from tests.push.test_sweep import MOBILITY_DAY, PLAN_START, REST_DAY, STRENGTH_DAY, at
from webapp import extensions
from webapp.services import plans, reminders
from webapp.services.reminders import Decision
from webapp.store.due_rows import DueRows

#: Each guest's story: the day their reminder is due, and what happens before it.
STORIES = (
    "strength day", "mobility day", "rest day", "vacation", "paused", "done today",
    "skipped on the plan", "skipped from the notification", "moved away", "no program",
    "desk break on vacation",
)  # fmt: skip
DUE_ON = {"rest day": REST_DAY, "mobility day": MOBILITY_DAY, "moved away": STRENGTH_DAY}


def due_day(story: str) -> date:
    """The day the guest's reminder is due."""
    return DUE_ON.get(story, STRENGTH_DAY)


def guest_with(hipday: Hipday, story: str) -> Guest:
    """A guest whose reminder is due at 07:00 Berlin time on their story's day."""
    guest, day = hipday.guest(), due_day(story)
    user, evening = guest.user, at(day, "06:00")
    if story != "no program":
        hipday.plan(user, PLAN_START)
    paused = day.isoformat() if story == "paused" else ""
    hipday.remind(user, evening, desk=story.startswith("desk"), paused_until=paused)
    plan = plans.plan_for(hipday.store, hipday.catalog, user, day)
    if story in ("vacation", "desk break on vacation"):
        assert plans.add_vacation(hipday.store, user, day, day) is None
    elif story == "done today":
        hipday.finish_session(user, "hip-strength-foundations", at(day, "06:30"))
    elif story == "skipped from the notification":
        hipday.reminders.set_quiet(hipday.reminder(user).id or 0, day)
    elif story == "skipped on the plan" and plan is not None:
        assert plans.skip_day(hipday.store, user, plan, day, day) is None
    elif story == "moved away" and plan is not None:
        refused = [
            plans.move_day(hipday.store, hipday.catalog, user, plan, day, target, day)
            for target in move_targets(plan, day, day)
        ]
        assert None in refused, refused  # moved to the first free day the plan accepts
    return guest


def decided(hipday: Hipday, store: Any, guest: Guest, story: str) -> dict[str, Any]:
    """What deciding the guest's due reminder from `store` comes to, its signed token left out
    (a token carries the second it was signed)."""
    user = hipday.fresh(guest.user)
    reminder = hipday.reminder(user, "desk" if story.startswith("desk") else "session")
    now = at(due_day(story), "09:00" if story.startswith("desk") else "07:00")
    made: Decision = reminders.decide(
        store, hipday.catalog, _links(hipday), reminder, user, now, _window(hipday)
    )
    payload = json.loads(made.claim.payload) if made.claim.payload else None
    if payload is not None:
        payload.pop("token")
    return {"claim": made.claim.__dict__ | {"payload": payload}, "quiet": made.quiet}


def _links(hipday: Hipday) -> reminders.Links:
    with hipday.app.app_context():
        return extensions.links()


def _window(hipday: Hipday) -> timedelta:
    return timedelta(minutes=hipday.app.config["REMINDER_CATCH_UP_MINUTES"])


def test_a_batch_decides_every_kind_of_day_as_deciding_each_user_alone_would(
    hipday: Hipday,
) -> None:
    guests = {story: guest_with(hipday, story) for story in STORIES}
    ids = [guest.user.id or 0 for guest in guests.values()]
    around = {due_day(story) for story in STORIES}
    alone, together = {}, {}
    for story, guest in guests.items():
        batch = DueRows.read(hipday.store.engine, ids, due_day(story))
        alone[story] = decided(hipday, hipday.store, guest, story)
        together[story] = decided(hipday, batch, guest, story)

    assert together == alone
    quiet = {story: found["quiet"] for story, found in alone.items()}
    assert quiet == {
        "strength day": None, "mobility day": None, "rest day": "rest day",
        "vacation": "on vacation", "paused": "reminders are paused",
        "done today": "already done today", "skipped on the plan": "rest day",
        "skipped from the notification": "skipped today", "moved away": "rest day",
        "no program": None, "desk break on vacation": "on vacation",
    }  # fmt: skip
    assert len(around) == 3


@contextmanager
def reads_of(hipday: Hipday, tables: tuple[str, ...]) -> Iterator[dict[str, int]]:
    """How many SELECTs read each of `tables` while the block runs."""
    counts = dict.fromkeys(tables, 0)

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            for table in tables:
                if f"FROM {table}\n" in statement or f"FROM {table} " in statement:
                    counts[table] += 1

    engine = hipday.store.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield counts
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_sweep_reads_the_plans_of_its_due_users_in_a_few_queries_not_a_few_per_user(
    hipday: Hipday,
) -> None:
    """Twelve users due together: their programs, events and sessions are read once each."""
    guests = [guest_with(hipday, "strength day") for _ in range(12)]
    tables = ("dataversion", "programversion", "planevent", "completion", "hip_check")

    with reads_of(hipday, tables) as counts:
        report = hipday.sweep(at(STRENGTH_DAY, "07:00"))

    assert report.sent == len(guests)
    assert counts == {
        "dataversion": 1, "programversion": 1, "planevent": 1, "completion": 2, "hip_check": 1
    }  # fmt: skip


def test_a_user_outside_the_batch_is_read_from_the_database(hipday: Hipday) -> None:
    inside, outside = guest_with(hipday, "strength day"), guest_with(hipday, "done today")
    batch = DueRows.read(hipday.store.engine, [inside.user.id or 0], STRENGTH_DAY)

    assert decided(hipday, batch, outside, "done today")["quiet"] == "already done today"
    assert batch.session_facts(outside.user.id or 0)
