"""Feedback that arrives after the session was saved: the finish screen's JSON answers, and the
plan's pain rule, which reads the session's row whatever moment its pain was given.
"""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask

from routines.plan.model import DayKind, PlannedDay
from tests.conftest import TEST_NOW, TEST_TODAY
from tests.integration.conftest import Visitor
from webapp.services import plans
from webapp.store.training import TrainingStore

JSON = {"Accept": "application/json"}


def onboard(visitor: Visitor) -> None:
    form = {"csrf_token": visitor.csrf_token(), "days": ["mon", "tue", "wed", "thu", "fri", "sat"]}
    assert visitor.client.post("/start", data=form).status_code == 303


def finish_now(visitor: Visitor, routine: str) -> str:
    """Save a session of `routine` that ended a minute ago with no feedback, as the player does."""
    ended = TEST_NOW - timedelta(minutes=1)
    response = visitor.finish(
        routine,
        started_at=(ended - timedelta(minutes=15)).isoformat(),
        ended_at=ended.isoformat(),
        time_zone="UTC",
        effort="",
        pain="",
    )
    assert response.status_code == 303, response.status_code
    found = re.match(r"/sessions/([0-9a-f]{32})\?fresh=1$", response.headers["Location"])
    assert found
    return found.group(1)


def next_strength_day(app: Flask, store: TrainingStore, visitor: Visitor) -> PlannedDay:
    user = store.user(visitor.account_id())
    assert user is not None
    plan = plans.plan_for(store, app.extensions["hipday"].catalog, user, TEST_TODAY)
    assert plan is not None
    return next(
        day
        for week in plan.weeks
        for day in week.days
        if day.kind is DayKind.STRENGTH and day.day > TEST_TODAY
    )


def test_pain_given_after_the_save_eases_the_next_strength_session(
    visitor: Visitor, app: Flask, store: TrainingStore
) -> None:
    onboard(visitor)
    public_id = finish_now(visitor, "hip-er-strength")
    calm = next_strength_day(app, store, visitor)
    assert calm.note is None or "pain" not in calm.note

    token = visitor.csrf_token()
    answer = visitor.client.post(
        f"/sessions/{public_id}/feedback",
        data={"csrf_token": token, "effort": "6", "pain": "7", "note": ""},
        headers=JSON,
    )
    assert answer.status_code == 200
    assert answer.get_json() == {"public_id": public_id, "effort": 6, "pain": 7}

    eased = next_strength_day(app, store, visitor)
    assert eased.day == calm.day
    assert eased.note is not None
    assert f"you reported pain 7/10 on {TEST_TODAY:%A %-d %B}" in eased.note
    plan_page = visitor.get("/plan").get_data(as_text=True)
    assert "you reported pain 7/10" in plan_page


def test_the_finish_screen_gets_a_refusal_in_words_and_nothing_changes(
    visitor: Visitor, store: TrainingStore
) -> None:
    public_id = finish_now(visitor, "desk-reset")
    refused = visitor.client.post(
        f"/sessions/{public_id}/feedback",
        data={"csrf_token": visitor.csrf_token(), "effort": "11", "pain": "2", "note": "x"},
        headers=JSON,
    )
    assert refused.status_code == 422
    assert refused.get_json()["error"] == "Effort is a number from 1 (very easy) to 10 (all-out)."
    row = store.completion(visitor.account_id(), public_id)
    assert row is not None and (row.effort, row.pain, row.note) == (None, None, "")


def test_a_session_sent_again_under_its_key_answers_its_address_and_counts_once(
    visitor: Visitor, store: TrainingStore
) -> None:
    # The finish screen learns where a session the outbox sent lives by sending it once more.
    key = "finish-screen-key-1"
    ended = (TEST_NOW - timedelta(minutes=1)).isoformat()
    fields = {"started_at": (TEST_NOW - timedelta(minutes=6)).isoformat(), "ended_at": ended}
    first = visitor.client.post(
        "/sessions",
        data=_form(visitor, key, **fields),
        headers={**JSON, "Idempotency-Key": key},
    )
    again = visitor.client.post(
        "/sessions",
        data=_form(visitor, key, **fields),
        headers={**JSON, "Idempotency-Key": key},
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["public_id"] == again.get_json()["public_id"]
    assert len(store.session_facts(visitor.account_id())) == 1


def _form(visitor: Visitor, key: str, **fields: str) -> dict[str, str]:
    return {
        "csrf_token": visitor.csrf_token(),
        "routine": "desk-reset",
        "op_id": key,
        "steps_done": "5",
        "steps_total": "22",
        "time_zone": "UTC",
        "effort": "",
        "pain": "",
        "note": "",
        **fields,
    }


def test_the_finish_screen_names_what_comes_next_on_the_plan(
    visitor: Visitor, app: Flask, store: TrainingStore
) -> None:
    onboard(visitor)
    user = store.user(visitor.account_id())
    assert user is not None
    plan = plans.plan_for(store, app.extensions["hipday"].catalog, user, TEST_TODAY)
    assert plan is not None
    days = [d for w in plan.weeks for d in w.days if d.day >= TEST_TODAY and d.routine]
    today, later = days[0], days[1]
    assert today.day == TEST_TODAY and today.routine is not None  # Wednesday: a session day

    # Another routine today leaves today's planned session next; doing that one, the next day's.
    other = "desk-reset" if today.routine.slug != "desk-reset" else "pre-run-warm-up"
    page = visitor.get(f"/play/{other}").get_data(as_text=True)
    assert re.search(rf"Next on your plan: later today,\s*<a [^>]+>{today.routine.name}</a>", page)
    done = visitor.get(f"/play/{today.routine.slug}?day={TEST_TODAY}").get_data(as_text=True)
    assert later.routine is not None
    when = "tomorrow" if (later.day - TEST_TODAY).days == 1 else f"{later.day:%A %-d %B}"
    assert re.search(
        rf"Next on your plan: {when},\s*<a href=\"/plan/{later.day}\">{later.routine.name}</a>"
        rf" \({later.minutes} min\)\.",
        done,
    )
