"""Exercise charts and a session's own page: its feedback can be changed, never by another visitor."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.integration.conftest import Visitor
from tests.integration.progress_helpers import (
    HTMX,
    at,
    berlin_now,
    berlin_today,
    completion_of,
    current_streak,
    finish_at,
    history_items,
    text,
)
from webapp.store.training import TrainingStore

EFFORT_MESSAGE = "Effort is a number from 1 (very easy) to 10 (all-out)."


def test_after_a_full_session_each_exercise_has_a_chart_with_a_table(visitor: Visitor) -> None:
    finish_at(visitor, berlin_now() - timedelta(minutes=5))
    page = text(visitor.get("/progress"))

    select = re.search(r'<select id="exercise" name="exercise">(.*?)</select>', page, re.S)
    assert select, "no exercise picker"
    options = re.findall(r'<option value="([\w-]+)"', select.group(1))
    assert sorted(options) == sorted(
        [
            "leg-swings-front-back", "leg-swings-side-to-side", "hip-circles",
            "standing-hip-flexor-stretch", "walking-knee-hug", "standing-glute-squeeze",
            "single-leg-pivot", "rotary-lunge", "ankle-rocks", "lateral-lunge",
        ]
    )  # fmt: skip
    assert '<svg viewBox="0 0' in page
    assert re.search(r'<title id="chart-title">[^<]+: the most (reps|seconds)', page)
    assert "<summary>Show as a table</summary>" in page
    assert '<table class="data-table">' in page

    response = visitor.get("/progress/exercise?exercise=standing-glute-squeeze", headers=HTMX)
    fragment = text(response)
    assert response.status_code == 200
    assert fragment.strip().startswith('<figure id="exercise-chart"')
    assert fragment.strip().endswith("</figure>")
    assert "<html" not in fragment and "<select" not in fragment
    assert "Standing glute squeeze: the most seconds per set" in fragment
    assert re.search(r"<tr><td>[^<]+</td><td>10</td></tr>", fragment)
    assert "HX-Request" in {v.strip() for v in response.headers.get("Vary", "").split(",")}


def test_an_unknown_exercise_shows_no_chart_rather_than_an_error(visitor: Visitor) -> None:
    finish_at(visitor, berlin_now() - timedelta(minutes=5))
    response = visitor.get("/progress?exercise=no-such-exercise")
    assert response.status_code == 200
    assert "No full sessions with this exercise in the last 26 weeks." in text(response)
    fragment = visitor.get("/progress/exercise?exercise=no-such-exercise", headers=HTMX)
    assert fragment.status_code == 200
    assert "No full sessions with this exercise" in text(fragment)
    assert "<svg" not in text(fragment)


def test_a_session_ended_early_gives_no_chart(visitor: Visitor) -> None:
    finish_at(visitor, berlin_now() - timedelta(minutes=5), steps_done="12")
    page = text(visitor.get("/progress"))
    assert '<select id="exercise"' not in page
    assert "once you finish a session in full" in page
    assert "ended early" in page


def test_a_sessions_page_shows_its_day_exercises_and_dosage(visitor: Visitor) -> None:
    day = berlin_today() - timedelta(days=2)
    public_id = finish_at(visitor, at(day, 9), effort="5", pain="0")
    response = visitor.get(f"/sessions/{public_id}")
    page = text(response)
    assert response.status_code == 200
    assert "<h1>Pre-run warm-up</h1>" in page
    assert f"<dd>{day:%A} {day.day} {day:%B %Y}</dd>" in page
    assert "<dd>7 min</dd>" in page
    exercises = re.findall(
        r'<li><a href="/exercises/[\w-]+">([^<]+)</a>\s*<span class="muted">([^<]+)</span>', page
    )
    assert exercises[0] == ("Leg swings, front to back", "1 × 12 reps each side")
    assert ("Standing hip-flexor stretch", "1 × 20 s hold each side") in exercises
    assert ("Standing glute squeeze", "3 × 10 s hold") in exercises
    assert ("Walking knee hug", "1 × 10 reps") in exercises
    assert ("Ankle rocks", "1 × 10 reps each side") in exercises
    assert len(exercises) == 10
    assert 'name="effort" value="5" checked' in page and 'name="pain" value="0" checked' in page


def test_feedback_can_be_changed_and_a_wrong_number_is_refused_with_the_form_kept(
    visitor: Visitor, store: TrainingStore
) -> None:
    public_id = finish_at(visitor, berlin_now() - timedelta(hours=1), effort="5", pain="0")
    url = f"/sessions/{public_id}/feedback"
    token = visitor.csrf_token()

    response = visitor.client.post(
        url, data={"csrf_token": token, "effort": "7", "pain": "2", "note": "Hips felt loose"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/sessions/{public_id}?saved=1#feedback"
    page = text(visitor.get(response.headers["Location"]))
    assert "Feedback saved." in page
    assert "<dd>7/10</dd>" in page and "<dd>2/10</dd>" in page
    assert "<dd>Hips felt loose</dd>" in page
    reloaded = text(visitor.get(f"/sessions/{public_id}"))
    assert 'name="effort" value="7" checked' in reloaded
    assert 'name="pain" value="2" checked' in reloaded
    assert "Hips felt loose</textarea>" in reloaded
    assert "Feedback saved." not in reloaded
    history = text(visitor.get("/progress"))
    assert "7 min · effort 7/10 · pain 2/10" in history

    refused = visitor.client.post(
        url, data={"csrf_token": token, "effort": "11", "pain": "3", "note": "Typed again"}
    )
    page = text(refused)
    assert refused.status_code == 422
    assert EFFORT_MESSAGE in page
    assert 'name="pain" value="3" checked' in page and "Typed again</textarea>" in page
    assert re.search(r'name="effort" value="\d*" checked', page) is None
    assert 'aria-invalid="true"' in page
    row = completion_of(visitor, store, public_id)
    assert (row.effort, row.pain, row.note) == (7, 2, "Hips felt loose")

    no_token = visitor.client.post(url, data={"effort": "3", "pain": "9", "note": "forged"})
    assert no_token.status_code == 400
    row = completion_of(visitor, store, public_id)
    assert (row.effort, row.pain, row.note) == (7, 2, "Hips felt loose")


def test_an_htmx_feedback_refusal_swaps_only_the_form(
    visitor: Visitor, store: TrainingStore
) -> None:
    public_id = finish_at(visitor, berlin_now() - timedelta(hours=1))
    refused = visitor.client.post(
        f"/sessions/{public_id}/feedback",
        data={"csrf_token": visitor.csrf_token(), "effort": "4", "pain": "-1", "note": ""},
        headers=HTMX,
    )
    fragment = text(refused)
    assert refused.status_code == 422
    assert fragment.lstrip().startswith('<form id="feedback-form"')
    assert "Pain is a number from 0 (none) to 10 (the worst)." in fragment
    assert completion_of(visitor, store, public_id).pain == 0


def test_another_visitor_can_neither_see_nor_change_your_sessions(
    visitor: Visitor, other_visitor: Visitor, store: TrainingStore
) -> None:
    public_id = finish_at(visitor, berlin_now() - timedelta(hours=1), note="mine")
    before = completion_of(visitor, store, public_id)

    assert other_visitor.get(f"/sessions/{public_id}").status_code == 404
    stranger = other_visitor.client.post(
        f"/sessions/{public_id}/feedback",
        data={"csrf_token": other_visitor.csrf_token(), "effort": "1", "pain": "9", "note": "x"},
    )
    assert stranger.status_code == 404
    after = completion_of(visitor, store, public_id)
    assert (after.effort, after.pain, after.note) == (before.effort, before.pain, "mine")

    theirs = text(other_visitor.get("/progress"))
    assert history_items(theirs) == []
    assert public_id not in theirs
    assert current_streak(theirs) == "0 days"
    assert public_id not in text(other_visitor.get("/progress/history?page=1"))
    assert public_id in text(visitor.get("/progress"))
