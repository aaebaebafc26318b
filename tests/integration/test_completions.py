"""Finishing a session: stored once per key, validated in plain words, yours alone."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

from tests.conftest import TEST_NOW
from tests.integration.conftest import Visitor, count_completions
from webapp.store.training import TrainingStore


def test_finishing_stores_the_session_and_shows_the_finish_screen(visitor: Visitor) -> None:
    response = visitor.finish(effort="6", pain="1", note="windy")
    assert response.status_code == 303
    summary = visitor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved: Pre-run warm-up" in summary
    assert "6/10" in summary and "windy" in summary and "7 min" in summary


def test_today_shows_the_routine_as_done_after_finishing(visitor: Visitor) -> None:
    visitor.finish(ended_at=_now_iso(), started_at=_now_iso(minutes_ago=7))
    page = visitor.get("/").get_data(as_text=True)
    assert "Done today" in _quick_start(page, "pre-run-warm-up")
    assert "Done today" not in _quick_start(page, "desk-reset")


def test_a_completion_posted_twice_with_the_same_key_is_stored_once(
    visitor: Visitor, store: TrainingStore
) -> None:
    first = visitor.finish(key="same-key-123")
    second = visitor.finish(key="same-key-123", effort="9")
    assert count_completions(store) == 1
    assert first.headers["Location"] == second.headers["Location"]
    assert "5/10" in visitor.get(second.headers["Location"]).get_data(as_text=True)


def test_the_idempotency_key_header_wins_over_the_form_field(
    visitor: Visitor, store: TrainingStore
) -> None:
    token = visitor.csrf_token()
    form = {"csrf_token": token, "routine": "desk-reset", "steps_done": "5", "steps_total": "9"}
    for op_id in ("form-key-aaa", "form-key-bbb"):
        visitor.client.post(
            "/sessions", data={**form, "op_id": op_id}, headers={"Idempotency-Key": "header-key-1"}
        )
    assert count_completions(store) == 1


def test_an_htmx_finish_answers_with_the_summary_block_and_a_replay_with_the_same(
    visitor: Visitor,
) -> None:
    token = visitor.csrf_token()
    form = {"csrf_token": token, "routine": "desk-reset", "steps_done": "9", "steps_total": "9"}
    headers = {"HX-Request": "true", "Idempotency-Key": "htmx-key-1"}
    first = visitor.client.post("/sessions", data=form, headers=headers)
    replay = visitor.client.post("/sessions", data=form, headers=headers)
    assert (first.status_code, replay.status_code) == (201, 200)
    assert first.get_data(as_text=True).lstrip().startswith('<div id="finish-card"')
    assert first.get_data() == replay.get_data()


def test_effort_11_is_refused_with_the_form_kept_and_nothing_saved(
    visitor: Visitor, store: TrainingStore
) -> None:
    response = visitor.finish(effort="11", note="felt strong")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Effort is a number from 1 (very easy) to 10 (all-out)." in page
    # Effort is a row of 1–10 to tap: no option holds 11, so none is chosen, and the row says why.
    form = page[page.index('<form id="finish-form"') :]
    form = form[: form.index("</form>")]
    assert "felt strong</textarea>" in form
    assert re.search(r'name="effort" value="\d*" checked', form) is None
    assert 'aria-describedby="effort-error"' in form
    assert count_completions(store) == 0


def test_an_htmx_refusal_swaps_only_the_form(visitor: Visitor) -> None:
    token = visitor.csrf_token()
    response = visitor.client.post(
        "/sessions",
        data={"csrf_token": token, "routine": "desk-reset", "steps_done": "1",
              "steps_total": "9", "pain": "12"},
        headers={"HX-Request": "true", "Idempotency-Key": "refused-key-1"},
    )  # fmt: skip
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert page.lstrip().startswith('<div id="finish-card"') and "<html" not in page
    assert "Pain is a number from 0 (none) to 10 (the worst)." in page


BAD_FIELDS = [
    ({"pain": "-1"}, "Pain is a number from 0"),
    ({"effort": "five"}, "Effort is a number from 1"),
    ({"note": "x" * 501}, "Keep the note under 500 characters."),
    ({"ended_at": "yesterday"}, "That time isn't readable."),
    ({"ended_at": "2026-02-20T06:00:00Z"}, "The session can't end before it started."),
    ({"steps_done": "41"}, "Steps done can't exceed the steps."),
    ({"op_id": "!"}, "This form lost its session key."),
]


def test_each_bad_field_gets_its_own_message(visitor: Visitor, store: TrainingStore) -> None:
    for fields, message in BAD_FIELDS:
        response = visitor.finish(**fields)
        assert response.status_code == 422, fields
        assert message in html.unescape(response.get_data(as_text=True)), fields
    assert count_completions(store) == 0


def test_finishing_an_unknown_routine_is_a_404(visitor: Visitor, store: TrainingStore) -> None:
    assert visitor.finish(routine="no-such-routine").status_code == 404
    assert count_completions(store) == 0


def test_a_post_without_the_csrf_token_is_refused(visitor: Visitor, store: TrainingStore) -> None:
    visitor.get("/")
    response = visitor.client.post(
        "/sessions", data={"routine": "desk-reset", "op_id": "no-token-123", "steps_total": "9"}
    )
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert count_completions(store) == 0


def test_a_session_counts_on_the_local_date_it_ended(
    visitor: Visitor, store: TrainingStore
) -> None:
    visitor.finish(
        key="tokyo-evening-1",
        started_at="2026-02-20T14:50:00Z",
        ended_at="2026-02-20T15:05:00Z",
        time_zone="Asia/Tokyo",
    )
    stored = store.completion_by_op(1, "tokyo-evening-1")
    assert stored is not None and stored.local_date == date(2026, 2, 21)


def test_another_visitor_cannot_see_my_session(visitor: Visitor, other_visitor: Visitor) -> None:
    mine = visitor.finish().headers["Location"]
    assert visitor.get(mine).status_code == 200
    assert other_visitor.get(mine).status_code == 404


def _quick_start(page: str, slug: str) -> str:
    """The routine's Quick start card on Today: from its link to the end of its list item."""
    start = page.index(f"/play/{slug}")
    return page[start : page.index("</li>", start)]


def _now_iso(minutes_ago: int = 0) -> str:
    return (TEST_NOW - timedelta(minutes=minutes_ago)).isoformat()
