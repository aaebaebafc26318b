"""What one account keeps is bounded (README, "Input limits"), so no account makes a page slow:
sessions a day and in all, skips, moves and vacations, program versions, exercises per session.
Every way in (the finish form, the phone's outbox, the import, the plan's forms, Settings)
refuses the rest in words and saves nothing; a session sent again is never refused.
"""

from __future__ import annotations

import html
import io
import json
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert
from werkzeug.test import TestResponse

from routines.bounds import (
    MOST_EXERCISES_A_SESSION,
    MOST_PLAN_EVENTS,
    MOST_PROGRAM_VERSIONS,
    MOST_SESSIONS,
    MOST_SESSIONS_A_DAY,
)
from tests.conftest import TEST_TODAY
from tests.integration.conftest import Visitor, count_completions
from tests.integration.fuzz_verdicts import changes, dump
from webapp.store.models import Completion, PlanEvent, ProgramVersion
from webapp.store.training import TrainingStore

DAY = timedelta(days=1)
#: The day the tests log sessions on (the app's clock reads TEST_NOW, the Wednesday after).
SESSION_DAY = date(2026, 2, 20)


def text(response: TestResponse) -> str:
    return html.unescape(response.get_data(as_text=True))


def post(visitor: Visitor, url: str, **form: Any) -> TestResponse:
    return visitor.client.post(url, data={"csrf_token": visitor.csrf_token(), **form})


def finish_on(
    visitor: Visitor, day: date, n: int, op_id: str | None = None, **headers: str
) -> TestResponse:
    """The n-th session of `day` (UTC), as the finish form or the outbox sends it."""
    ended = datetime.combine(day, time(6), UTC) + timedelta(minutes=30 * n)
    form = {
        "csrf_token": visitor.csrf_token(), "routine": "desk-reset",
        "op_id": op_id or f"day-{day}-{n:03d}",
        "started_at": f"{ended - timedelta(minutes=4):%Y-%m-%dT%H:%M:%SZ}",
        "ended_at": f"{ended:%Y-%m-%dT%H:%M:%SZ}", "steps_done": "10", "steps_total": "10",
        "time_zone": "UTC", "effort": "", "pain": "", "note": "",
    }  # fmt: skip
    return visitor.client.post("/sessions", data=form, headers=headers)


def insert_sessions(store: TrainingStore, user_id: int, count: int, first: date) -> None:
    """`count` sessions straight into the database, a few a day from `first` on."""
    rows = []
    for n in range(count):
        ended = datetime.combine(first + (n // 3) * DAY, time(7 + n % 3), UTC)
        rows.append({
            "public_id": uuid.uuid4().hex, "user_id": user_id, "op_id": f"many-{n:06d}",
            "routine_slug": "desk-reset", "started_at": ended - timedelta(minutes=4),
            "ended_at": ended, "local_date": ended.date(), "time_zone": "UTC",
            "steps_done": 10, "steps_total": 10, "note": "", "created_at": ended,
        })  # fmt: skip
    with store.engine.begin() as connection:
        connection.execute(insert(Completion.__table__), rows)  # type: ignore[attr-defined]


# Sessions on one day


def test_a_day_keeps_the_most_sessions_and_the_next_is_refused_in_words(
    visitor: Visitor, store: TrainingStore
) -> None:
    for n in range(MOST_SESSIONS_A_DAY):
        assert finish_on(visitor, SESSION_DAY, n).status_code == 303
    before = dump(store.engine)
    response = finish_on(visitor, SESSION_DAY, MOST_SESSIONS_A_DAY)
    assert response.status_code == 422
    assert (
        f"20 February 2026 already has {MOST_SESSIONS_A_DAY} sessions, the most Hipday keeps "
        "for one day." in text(response)
    )
    assert 'name="effort"' in text(response), "the form is kept"
    assert changes(before, dump(store.engine)) == {}
    assert finish_on(visitor, SESSION_DAY + DAY, 0).status_code == 303


def test_the_outbox_resending_a_stored_session_of_a_full_day_is_still_answered(
    visitor: Visitor, store: TrainingStore
) -> None:
    for n in range(MOST_SESSIONS_A_DAY):
        finish_on(visitor, SESSION_DAY, n)
    outbox = {"HX-Request": "true", "Accept": "application/json"}
    key = f"day-{SESSION_DAY}-000"
    resent = finish_on(visitor, SESSION_DAY, 0, key, **outbox, **{"Idempotency-Key": key})
    assert resent.status_code == 200
    new = "a-new-session-key"
    refused = finish_on(visitor, SESSION_DAY, 5, new, **outbox, **{"Idempotency-Key": new})
    assert refused.status_code == 422
    assert "the most Hipday keeps for one day" in text(refused)
    assert count_completions(store) == MOST_SESSIONS_A_DAY


# Sessions in all


def test_an_account_keeps_the_most_sessions_and_refuses_the_next_in_words(
    visitor: Visitor, store: TrainingStore
) -> None:
    insert_sessions(store, visitor.account_id(), MOST_SESSIONS - 1, date(2001, 1, 1))
    assert finish_on(visitor, SESSION_DAY, 0).status_code == 303
    response = finish_on(visitor, SESSION_DAY, 1)
    assert response.status_code == 422
    assert f"Your account holds {MOST_SESSIONS:,} sessions, the most Hipday keeps." in text(
        response
    )
    assert count_completions(store) == MOST_SESSIONS
    assert visitor.get("/").status_code == visitor.get("/progress").status_code == 200


# The import


def export_of(visitor: Visitor) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(visitor.get("/settings/data/hipday.json").get_data())
    return document


def import_document(visitor: Visitor, document: dict[str, Any]) -> TestResponse:
    upload = (io.BytesIO(json.dumps(document).encode()), "hipday.json")
    return post(visitor, "/settings/data/import", file=upload)


def session_record(day: date, n: int, exercises: int = 1) -> dict[str, Any]:
    ended = datetime.combine(day, time(6), UTC) + timedelta(minutes=30 * n)
    return {
        "op_id": f"file-{day}-{n:03d}", "routine": "desk-reset",
        "started_at": f"{ended - timedelta(minutes=4):%Y-%m-%dT%H:%M:%SZ}",
        "ended_at": f"{ended:%Y-%m-%dT%H:%M:%SZ}", "local_date": day.isoformat(),
        "time_zone": "UTC", "steps_done": 10, "steps_total": 10, "effort": None, "pain": None,
        "note": "",
        "exercises": [{"exercise": "seated-march", "kind": "reps", "sets": 1, "amount": 10,
                       "per_side": False}] * exercises,
    }  # fmt: skip


def test_an_import_that_would_fill_a_day_past_the_most_names_the_session(
    visitor: Visitor, store: TrainingStore
) -> None:
    for n in range(3):
        finish_on(visitor, SESSION_DAY, n)
    document = export_of(visitor)
    document["sessions"] += [session_record(SESSION_DAY, n) for n in range(3, 30)]
    before = dump(store.engine)
    response = import_document(visitor, document)
    assert response.status_code == 422
    number = MOST_SESSIONS_A_DAY + 1  # the file lists the day's 3 sessions first, then 27 more
    assert f"Session {number}: 20 February 2026 already has {MOST_SESSIONS_A_DAY} sessions" in text(
        response
    )
    assert changes(before, dump(store.engine)) == {}


def test_an_import_that_would_bring_the_account_past_the_most_sessions_is_refused(
    visitor: Visitor, store: TrainingStore
) -> None:
    insert_sessions(store, visitor.account_id(), MOST_SESSIONS - 2, date(2001, 1, 1))
    document = export_of(visitor)
    document["sessions"] = [session_record(SESSION_DAY, n) for n in range(3)]
    before = dump(store.engine)
    response = import_document(visitor, document)
    assert response.status_code == 422
    assert (
        f"Session 3: Your account holds {MOST_SESSIONS:,} sessions, the most Hipday keeps."
        in text(response)
    )
    assert changes(before, dump(store.engine)) == {}


def test_an_import_with_a_session_listing_too_many_exercises_names_it(
    visitor: Visitor, store: TrainingStore
) -> None:
    document = export_of(visitor)
    document["sessions"] = [session_record(SESSION_DAY, 0, MOST_EXERCISES_A_SESSION + 1)]
    response = import_document(visitor, document)
    assert response.status_code == 422
    assert f"Session 1: exercises has more than {MOST_EXERCISES_A_SESSION} entries" in text(
        response
    )
    assert count_completions(store) == 0


# Skips, moves and vacations


def with_plan(visitor: Visitor) -> None:
    form = {"days": ["mon", "wed", "fri"]}
    assert post(visitor, "/start", **form).status_code == 303


def insert_skips(store: TrainingStore, user_id: int, count: int) -> None:
    rows = [
        {"user_id": user_id, "kind": "skip", "day": date(2001, 1, 1) + n * DAY,
         "until": None, "created_at": datetime(2026, 1, 1, tzinfo=UTC)}
        for n in range(count)
    ]  # fmt: skip
    with store.engine.begin() as connection:
        connection.execute(insert(PlanEvent.__table__), rows)  # type: ignore[attr-defined]


def test_a_full_plan_refuses_another_vacation_skip_or_move_in_words(
    visitor: Visitor, store: TrainingStore
) -> None:
    with_plan(visitor)
    insert_skips(store, visitor.account_id(), MOST_PLAN_EVENTS)
    before = dump(store.engine)
    message = (
        f"Your plan holds {MOST_PLAN_EVENTS:,} skips, moves and vacations, the most Hipday keeps."
    )
    vacation = post(visitor, "/plan/vacations", first="2026-03-16", last="2026-03-22")
    friday = TEST_TODAY + 2 * DAY
    skip = post(visitor, f"/plan/{friday}/skip")
    move = post(visitor, f"/plan/{friday}/move", target=str(friday + DAY))
    for response in (vacation, skip, move):
        assert response.status_code == 422
        assert message in text(response)
    assert changes(before, dump(store.engine)) == {}


def test_skipping_a_skipped_day_again_keeps_one_skip(
    visitor: Visitor, store: TrainingStore
) -> None:
    with_plan(visitor)
    friday = TEST_TODAY + 2 * DAY
    for _ in range(3):
        assert post(visitor, f"/plan/{friday}/skip").status_code == 303
    assert [(e.kind, e.day) for e in store.plan_events(visitor.account_id())] == [("skip", friday)]


def test_an_import_that_would_hold_too_many_plan_changes_is_refused(
    visitor: Visitor, store: TrainingStore
) -> None:
    with_plan(visitor)
    insert_skips(store, visitor.account_id(), MOST_PLAN_EVENTS - 1)
    document = export_of(visitor)
    document["plan_events"] = [
        {"kind": "skip", "day": (date(2026, 4, 1) + n * DAY).isoformat(), "until": None}
        for n in range(2)
    ]
    before = dump(store.engine)
    response = import_document(visitor, document)
    assert response.status_code == 422
    assert f"Hipday keeps at most {MOST_PLAN_EVENTS:,}." in text(response)
    assert changes(before, dump(store.engine)) == {}


# Program versions


def version_record(day: date, goal: str) -> dict[str, Any]:
    return {
        "effective_from": day.isoformat(), "start": "2025-01-06", "goal": goal,
        "session_days": [0, 2, 4], "experience": "new", "equipment": [], "deload_every": 4,
    }  # fmt: skip


def test_an_import_keeps_one_version_a_day_and_the_newest_most(
    visitor: Visitor, store: TrainingStore
) -> None:
    goals = ("running", "lifting", "desk", "general")
    document = export_of(visitor)
    days = [date(2025, 1, 6) + 7 * n * DAY for n in range(MOST_PROGRAM_VERSIONS + 10)]
    document["program_versions"] = [
        *(version_record(day, goals[n % 4]) for n, day in enumerate(days)),
        version_record(days[-1], "desk"),  # the same day again: it replaces that day's
    ]
    assert import_document(visitor, document).status_code == 303
    kept = store.program_versions(visitor.account_id())
    assert [v.effective_from for v in kept] == days[-MOST_PROGRAM_VERSIONS:]
    assert kept[-1].goal == "desk"
    assert visitor.get("/plan").status_code == 200


def test_settings_saved_on_more_days_than_kept_keep_the_newest(
    visitor: Visitor, store: TrainingStore
) -> None:
    with_plan(visitor)
    user_id = visitor.account_id()
    rows = [
        ProgramVersion(
            user_id=user_id, effective_from=TEST_TODAY - (40 - n) * DAY, start=date(2026, 1, 1),
            goal=("running", "lifting")[n % 2], session_days="0,2,4", experience="new",
        )
        for n in range(MOST_PROGRAM_VERSIONS + 5)
    ]  # fmt: skip
    for row in rows:
        store.add(row)
    assert post(visitor, "/settings", goal="desk", days=["tue", "thu"]).status_code == 303
    kept = store.program_versions(user_id)
    assert len(kept) == MOST_PROGRAM_VERSIONS
    assert kept[-1].goal == "desk" and kept[-1].effective_from == TEST_TODAY
    assert kept[0].effective_from == rows[-(MOST_PROGRAM_VERSIONS - 1)].effective_from
