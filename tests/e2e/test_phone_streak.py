"""The phone's view of the streak (HipdayPhoneStreak, static/js/pending.js) against the server's.

A session waiting on the phone must move every figure exactly as it will once the server has
it. For a few hundred made-up histories (plans with rest and vacation days, freezes earned and
spent, sessions dated tomorrow, a copy of the page opened days later), the phone's view of the
server's snapshot with the waiting sessions added equals `routines.streaks.record` with them
logged: current, longest, freezes, sessions, minutes, today's sentence and each day's mark.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from routines.session import session_minutes
from routines.streaks import Expect, Logged, Record, record, safe_today
from tests.conftest import TEST_TODAY
from webapp.presenters import phone_view
from webapp.presenters.labels import MARK_LABELS
from webapp.store.training import SessionFacts

ROOT = Path(__file__).resolve().parents[2]
PENDING = ROOT / "static" / "js" / "pending.js"
FACTS = ROOT / "static" / "js" / "session-facts.js"  # the minutes and days pending.js counts
DAY = timedelta(days=1)
HISTORIES = 300


@dataclass(frozen=True)
class History:
    """Sessions the server has, what each day asks, and sessions waiting on the phone."""

    expect: dict[date, Expect]
    logged: list[Logged]
    waiting: list[SessionFacts]
    page_today: date
    phone_today: date

    def schedule(self, day: date) -> Expect:
        return self.expect.get(day, Expect.SESSION)


def made_up(seed: int) -> History:
    rng = random.Random(seed)
    today = TEST_TODAY + timedelta(days=rng.randrange(0, 400))
    span = rng.choice((0, 3, 12, 40, 90))
    kinds = (Expect.SESSION, Expect.REST, Expect.VACATION)
    weights = rng.choice(((1, 0, 0), (6, 3, 1), (3, 4, 0), (2, 1, 2)))
    expect = {today + n * DAY: rng.choices(kinds, weights)[0] for n in range(-span - 10, 12)}
    done_rate = rng.choice((0.3, 0.7, 0.95))
    logged = [
        Logged(today - n * DAY, rng.choice((0, 4, 12, 25)))
        for n in range(span, -2, -1)
        if rng.random() < done_rate and not (n < 0 and rng.random() < 0.8)
    ]
    waiting = [
        # Lengths a server rounds to the even minute (150 s: 2) and some with no step done.
        SessionFacts(today + n * DAY, "desk-reset", None, None, seconds, steps)
        for n in rng.sample(range(-phone_view.DAYS_BEFORE, 2), rng.choice((0, 1, 1, 2)))
        for seconds, steps in [rng.choice(((30, 3), (150, 3), (210.4, 3), (1800, 9), (60, 0)))]
    ]
    phone_today = today + rng.choice((0, 0, 0, 1, 3)) * DAY
    return History(expect, logged, waiting, today, phone_today)


def entry(session: SessionFacts) -> dict[str, Any]:
    """A waiting session as the outbox keeps it, ending at noon UTC."""
    ended = datetime.combine(session.local_date, time(12), UTC)
    return {
        "local_date": session.local_date.isoformat(),
        "fields": {
            "steps_done": str(session.steps_done),
            "started_at": (ended - timedelta(seconds=session.seconds)).isoformat(),
            "ended_at": ended.isoformat(),
        },
    }


def expected(history: History) -> dict[str, Any]:
    """What the server will show once it has the waiting sessions (those with a step done)."""
    counted = [
        Logged(s.local_date, session_minutes(s.seconds, s.steps_done))
        for s in history.waiting
        if s.steps_done
    ]
    with_them = record([*history.logged, *counted], history.schedule, history.phone_today)
    first = history.page_today - phone_view.DAYS_BEFORE * DAY
    last = first + (phone_view.DAYS_BEFORE + phone_view.DAYS_AFTER) * DAY
    marks = {
        day.day.isoformat(): day.mark.value for day in with_them.days if first <= day.day <= last
    }
    return {
        "current": with_them.current,
        "longest": with_them.longest,
        "freezes": with_them.freezes,
        "sessions": with_them.total_sessions,
        "minutes": with_them.total_minutes,
        "sentence": safe_today(with_them.on(history.phone_today)),
        "marks": marks,
    }


def snapshot(history: History) -> dict[str, Any]:
    server: Record = record(history.logged, history.schedule, history.page_today)
    return phone_view.snapshot(server, history.schedule, history.page_today, None, MARK_LABELS)


PHONE_VIEWS = """(cases) => cases.map(({snapshot, entries, today}) => {
  const view = HipdayPhoneStreak.view(snapshot, entries, today);
  const marks = Object.fromEntries(Object.entries(view.days).map(([day, d]) => [day, d.mark]));
  const {current, longest, freezes, sessions, minutes, sentence} = view;
  return {current, longest, freezes, sessions, minutes, sentence, marks};
})"""


def test_a_waiting_session_moves_the_phones_figures_as_the_server_will_once_it_has_it(
    page: Page,
) -> None:
    page.set_content("<!doctype html><title>streak</title>")
    page.add_script_tag(path=str(FACTS))
    page.add_script_tag(path=str(PENDING))  # no outbox here: only the view, not the page part
    histories = [made_up(seed) for seed in range(HISTORIES)]
    cases = [
        {
            "snapshot": snapshot(h),
            "entries": [entry(s) for s in h.waiting],
            "today": h.phone_today.isoformat(),
        }
        for h in histories
    ]
    views = page.evaluate(PHONE_VIEWS, cases)
    for seed, (history, view) in enumerate(zip(histories, views, strict=True)):
        server = expected(history)
        wrong = {key: (view[key], server[key]) for key in server if view[key] != server[key]}
        assert not wrong, f"history {seed} (the phone's, the server's): {wrong}"
