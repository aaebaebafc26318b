"""What the server tells the phone's outbox, and the streak it gives the phone to count with.

The outbox asks for JSON (`Accept: application/json`): a saved session is answered with its id,
a refused one with the server's words and whether moving it to the server's time would do.
Today and Progress embed the streak as the phone's `HipdayPhoneStreak` reads it.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from werkzeug.test import TestResponse

from tests.conftest import TEST_NOW, TEST_TODAY
from tests.integration.conftest import Visitor, count_completions
from webapp.store.training import TrainingStore

OUTBOX = {"Accept": "application/json"}
FUTURE = "The session's end is in the future. Check your phone's clock."


def send(visitor: Visitor, ended: datetime, minutes: int = 4, **fields: str) -> TestResponse:
    """A finished Desk reset as the outbox sends it."""
    form = {
        "csrf_token": visitor.csrf_token(),
        "routine": "desk-reset",
        "started_at": (ended - timedelta(minutes=minutes)).isoformat(),
        "ended_at": ended.isoformat(),
        "steps_done": "5",
        "steps_total": "5",
        "time_zone": "UTC",
        **fields,
    }
    key = {"Idempotency-Key": fields.get("op_id") or uuid.uuid4().hex}
    return visitor.client.post("/sessions", data=form, headers={**OUTBOX, **key})


def test_a_session_ending_15_minutes_ahead_is_refused_in_words_the_servers_time_would_fix(
    visitor: Visitor, store: TrainingStore
) -> None:
    answer = send(visitor, TEST_NOW + timedelta(minutes=15))
    assert answer.status_code == 422
    assert answer.json == {
        "error": FUTURE,
        "errors": {"ended_at": FUTURE},
        "fix": "server-time",
        "server_now": TEST_NOW.isoformat(),
    }
    assert count_completions(store) == 0


@pytest.mark.parametrize(
    ("ended", "words"),
    [
        (TEST_NOW + timedelta(days=2), "The session's times must be at most 1 day after now."),
        (datetime.fromisoformat("1999-12-31T23:00:00+00:00"), "must be on or after 2000-01-01."),
    ],
    ids=["two days ahead", "before 2000"],
)
def test_a_session_on_a_clock_days_off_is_refused_in_words_the_servers_time_would_fix(
    visitor: Visitor, ended: datetime, words: str
) -> None:
    answer = send(visitor, ended)
    assert answer.status_code == 422
    body: dict[str, Any] = answer.json or {}
    assert words in body["error"]
    assert body["fix"] == "server-time"


@pytest.mark.parametrize(
    ("fields", "minutes", "words"),
    [
        ({"steps_done": "6"}, 4, "Steps done can't exceed the steps."),
        ({}, 7 * 60, "A session can last at most 6 hours."),
        ({"routine": "no-such-routine"}, 4, "We don't know that routine."),
        ({"ended_at": "yesterday"}, 4, "That time isn't readable."),
    ],
    ids=["too many steps", "too long", "unknown routine", "unreadable time"],
)
def test_a_refusal_the_servers_time_would_not_fix_offers_no_such_fix(
    visitor: Visitor, store: TrainingStore, fields: dict[str, str], minutes: int, words: str
) -> None:
    answer = send(visitor, TEST_NOW - timedelta(minutes=1), minutes=minutes, **fields)
    assert answer.status_code == 422
    body: dict[str, Any] = answer.json or {}
    assert words in body["error"]
    assert body["fix"] is None
    assert count_completions(store) == 0


def test_a_saved_session_is_answered_with_its_id_once_and_again_when_sent_twice(
    visitor: Visitor, store: TrainingStore
) -> None:
    key = uuid.uuid4().hex
    first = send(visitor, TEST_NOW - timedelta(minutes=1), op_id=key)
    again = send(visitor, TEST_NOW - timedelta(minutes=1), op_id=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json is not None and again.json is not None
    assert first.json["created"] is True and again.json["created"] is False
    assert first.json["public_id"] == again.json["public_id"]
    assert count_completions(store) == 1


def test_a_form_token_the_session_no_longer_has_is_refused_to_the_outbox_in_json(
    visitor: Visitor,
) -> None:
    visitor.csrf_token()
    answer = visitor.client.post(
        "/sessions", data={"csrf_token": "stale", "routine": "desk-reset"}, headers=OUTBOX
    )
    assert answer.status_code == 400
    assert answer.json == {
        "error": "This form has expired. For your safety, forms only work from the page that "
        "showed them. Go back, reload the page and send it again."
    }


def snapshot(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="streak-snapshot">(.*?)</script>', page)
    assert found, "the page embeds the streak for the phone"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_today_and_progress_give_the_phone_the_streak_to_count_waiting_sessions_with(
    visitor: Visitor,
) -> None:
    for days_ago in (1, 2):
        assert send(visitor, TEST_NOW - timedelta(days=days_ago), minutes=6).status_code == 201
    today, progress = (
        snapshot(visitor.get(url).get_data(as_text=True)) for url in ("/", "/progress")
    )
    assert today == progress
    first = TEST_TODAY - timedelta(days=7)
    assert today["today"] == TEST_TODAY.isoformat()
    assert today["first"] == first.isoformat()
    assert today["began"] == (TEST_TODAY - timedelta(days=2)).isoformat()
    assert (today["sessions"], today["minutes"]) == (2, 12)
    # Without a plan every day asks for a session; the server has the last two days.
    assert today["expect"] == "s" * 15
    assert today["sessions_on"] == [0] * 5 + [1, 1] + [0] * 8
    assert today["before"] == {"run": 0, "kept": 0, "bank": 0, "spent": 0, "longest": 0}
    assert today["sentences"]["pending-kept"] == "A session today keeps your streak going."
    assert today["sentences"]["done"] == "Done today. Your streak is safe."
