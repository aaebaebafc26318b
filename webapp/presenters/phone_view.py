"""What a phone needs to count the sessions waiting in its outbox by itself.

Today and Progress embed this snapshot of the streak; `HipdayPhoneStreak` (static/js/pending.js)
adds the sessions the server doesn't have yet. The rules stay in `routines.streaks`: the snapshot
carries the walk's state on the day before a short window around today, what each day of the
window asks (session, rest, vacation) and what the server already has, and the phone replays the
same walk over the window with its own sessions added. So a session finished with no signal moves
the streak, the totals and the calendar exactly as it will once it syncs, and the sentences
come from `safe_today` itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from routines.heatmap import SHADE_MINUTES
from routines.plan.model import DayStatus, PlannedDay, Week
from routines.streaks import (
    DAYS_PER_FREEZE,
    MOST_FREEZES,
    Day,
    Mark,
    Record,
    Schedule,
    adherence,
    plan_schedule,
    safe_today,
)
from webapp.presenters.labels import MARK_LABELS
from webapp.services.derived import Recent
from webapp.services.progress import Standing

#: Days before today a waiting session can still move the streak on the phone. One waiting
#: longer counts in the totals only, until the server has it.
DAYS_BEFORE = 7
#: Days after the page's today it can reach: a copy of the page saved on the phone, opened
#: on later days with no signal.
DAYS_AFTER = 7
#: Each day of the window as one letter: what it asks of the user.
EXPECT_LETTERS = {"session": "s", "rest": "r", "vacation": "v"}


def snapshot(
    record: Record,
    schedule: Schedule,
    today: date,
    week: Week | None,
    labels: Mapping[Mark, str],
) -> dict[str, Any]:
    """The streak as the server has it, in the form `HipdayPhoneStreak.view` reads."""
    first = today - timedelta(days=DAYS_BEFORE)
    days = [first + timedelta(days=n) for n in range(DAYS_BEFORE + 1 + DAYS_AFTER)]
    return {
        "today": today.isoformat(),
        "first": first.isoformat(),
        "began": record.days[0].day.isoformat() if record.days else None,
        "expect": "".join(EXPECT_LETTERS[schedule(day).value] for day in days),
        "sessions_on": [_sessions_on(record, day) for day in days],
        "before": _state_before(record, first),
        "sessions": record.total_sessions,
        "minutes": record.total_minutes,
        "week": _week(week),
        "rules": {
            "days_per_freeze": DAYS_PER_FREEZE,
            "most_freezes": MOST_FREEZES,
            "shade_minutes": list(SHADE_MINUTES),
        },
        "sentences": sentences(today),
        "labels": {mark.value: label for mark, label in labels.items()},
    }


#: Snapshots by the standing they were taken of: a standing is kept while the user's data stand
#: (`derived.kept`), and so is its snapshot, which the pages only read. Few standings are kept
#: (`progress.STANDINGS`), and a snapshot whose standing is gone is never found again.
SNAPSHOTS: Recent[int, dict[str, Any]] = Recent(64)


def of(standing: Standing) -> dict[str, Any]:
    """The snapshot of where the user stands, for Today and Progress."""

    def take() -> dict[str, Any]:
        schedule = plan_schedule(standing.plan)
        return snapshot(standing.record, schedule, standing.today, standing.week, MARK_LABELS)

    return SNAPSHOTS.get(id(standing), standing, take)


def sentences(today: date) -> dict[str, str]:
    """`safe_today`'s sentence for each case the phone can meet, keyed as the phone asks."""

    def on(mark: Mark, streak: int) -> str:
        return safe_today(Day(today, mark, 0, 0, streak, 0))

    return {
        "pending-kept": on(Mark.PENDING, 1),
        "pending-new": on(Mark.PENDING, 0),
        "rest-new": on(Mark.REST, 0),
        **{mark.value: on(mark, 1) for mark in Mark if mark is not Mark.PENDING},
    }


def _sessions_on(record: Record, day: date) -> int:
    found = record.on(day)
    return found.sessions if found else 0


def _state_before(record: Record, first: date) -> dict[str, int]:
    """The walk's state at the end of the day before `first`: all zero before any history."""
    days = record.days
    if not days or days[0].day >= first:
        last = None
    elif days[-1].day < first:
        last = days[-1]
    else:
        last = record.on(first - timedelta(days=1))
    return {
        "run": last.streak if last else 0,
        "kept": last.kept if last else 0,
        "bank": last.freezes if last else 0,
        "spent": last.freezes_spent if last else 0,
        "longest": last.longest if last else 0,
    }


def _week(week: Week | None) -> dict[str, Any] | None:
    """This week's planned sessions done, and the days on which a session would add one."""
    if week is None:
        return None
    now = adherence(week.days)
    if not now.planned:
        return None
    open_days = [
        planned.day.isoformat()
        for index, planned in enumerate(week.days)
        if adherence(_done_on(week, index)).done > now.done
    ]
    return {"done": now.done, "planned": now.planned, "open": open_days}


def _done_on(week: Week, index: int) -> list[PlannedDay]:
    """The week's days with day `index` done: `adherence` itself says what a session adds."""
    days = list(week.days)
    days[index] = days[index].with_status(DayStatus.DONE)
    return days
