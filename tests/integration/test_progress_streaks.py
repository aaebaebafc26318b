"""The progress page's streak, month calendar and history, counted on the user's own dates."""

from __future__ import annotations

import re
from datetime import UTC, date, timedelta

from tests.conftest import TEST_TODAY
from tests.integration.conftest import Visitor
from tests.integration.progress_helpers import (
    HTMX,
    at,
    berlin_now,
    berlin_today,
    current_streak,
    finish_at,
    history_date,
    history_items,
    month_cells,
    month_param,
    text,
)


def marks_on(visitor: Visitor, day: date) -> set[str]:
    """The classes of `day`'s cell in the month table of its month."""
    page = text(visitor.get(f"/progress?month={month_param(day)}"))
    assert f"{day:%B %Y}</h2>" in page
    return month_cells(page)[day.day]


def streak_line(page: str) -> str:
    found = re.search(r'<p id="streak-line"[^>]*>(.*?)</p>', page, re.S)
    assert found, "Today has no streak line"
    return re.sub(r"<[^>]+>", "", found.group(1))


def test_a_new_visitor_sees_no_streak_no_history_and_an_invitation(visitor: Visitor) -> None:
    response = visitor.get("/progress")
    page = text(response)
    assert response.status_code == 200
    assert current_streak(page) == "0 days"
    assert history_items(page) == []
    assert "No sessions yet. " in page and "Start one from Today" in page
    assert "once you finish a session in full" in page
    assert 'id="exercise-chart"' not in page


def test_three_days_in_a_row_make_a_three_day_streak_shown_everywhere(visitor: Visitor) -> None:
    today = berlin_today()
    days = [today - timedelta(days=n) for n in (3, 2, 1)]
    for number, day in enumerate(days):
        finish_at(visitor, at(day, 12), effort=str(4 + number), pain=str(number))

    page = text(visitor.get("/progress"))
    assert current_streak(page) == "3 days"
    assert "A session today keeps your streak going." in page
    items = history_items(page)
    assert [(d, name, meta) for _id, d, name, meta in items] == [
        (history_date(days[2]), "Pre-run warm-up", "7 min · effort 6/10 · pain 2/10"),
        (history_date(days[1]), "Pre-run warm-up", "7 min · effort 5/10 · pain 1/10"),
        (history_date(days[0]), "Pre-run warm-up", "7 min · effort 4/10 · pain 0/10"),
    ]
    for day in days:
        assert "mark-done" in marks_on(visitor, day), f"{day} is not marked done"
    assert {"mark-pending", "is-today"} <= marks_on(visitor, today)
    assert "mark-done" not in marks_on(visitor, today - timedelta(days=4))

    line = streak_line(text(visitor.get("/")))
    assert "3-day streak." in line
    assert "A session today keeps your streak going." in line


def test_a_session_counts_on_the_berlin_date_it_ended_on(visitor: Visitor) -> None:
    today = berlin_today()
    late_day, early_day = today - timedelta(days=3), today - timedelta(days=1)
    # 23:30 in Berlin is 21:30 or 22:30 UTC, the same date; 00:15 is still the day before in UTC.
    late = finish_at(visitor, at(late_day, 23, 30))
    early = finish_at(visitor, at(early_day, 0, 15))
    assert at(early_day, 0, 15).astimezone(UTC).date() == early_day - timedelta(days=1)

    page = text(visitor.get("/progress"))
    assert [(i, d) for i, d, _name, _meta in history_items(page)] == [
        (early, history_date(early_day)),
        (late, history_date(late_day)),
    ]
    assert "mark-done" in marks_on(visitor, late_day)
    assert "mark-done" not in marks_on(visitor, late_day + timedelta(days=1))
    assert "mark-done" in marks_on(visitor, early_day)
    assert "mark-done" not in marks_on(visitor, early_day - timedelta(days=1))
    session_page = text(visitor.get(f"/sessions/{early}"))
    assert f"<dd>{early_day:%A} {early_day.day} {early_day:%B %Y}</dd>" in session_page


def test_a_late_synced_session_lands_on_its_own_date_and_mends_the_streak(
    visitor: Visitor,
) -> None:
    today = berlin_today()
    for days_ago in (6, 4, 3, 2, 1):
        finish_at(visitor, at(today - timedelta(days=days_ago), 8))
    missed = today - timedelta(days=5)
    assert current_streak(text(visitor.get("/progress"))) == "4 days"
    assert "mark-missed" in marks_on(visitor, missed)

    # The phone was offline five days ago; the session reaches the server only now.
    late = finish_at(visitor, at(missed, 19))

    page = text(visitor.get("/progress"))
    assert current_streak(page) == "6 days"
    assert "mark-done" in marks_on(visitor, missed)
    ids = [i for i, _d, _n, _m in history_items(page)]
    assert ids.index(late) == 4, "the late session is listed by when it happened, not when sent"
    assert "6-day streak." in streak_line(text(visitor.get("/")))


def test_the_history_shows_twenty_sessions_and_htmx_fetches_the_older_ones(
    visitor: Visitor,
) -> None:
    now = berlin_now()
    ids = [finish_at(visitor, now - timedelta(hours=2 * n + 1)) for n in range(25)]

    page = text(visitor.get("/progress"))
    assert [i for i, _d, _n, _m in history_items(page)] == ids[:20]
    assert 'href="/progress/history?page=2"' in page
    assert "Show older sessions" in page

    response = visitor.get("/progress/history?page=2", headers=HTMX)
    fragment = text(response)
    assert response.status_code == 200
    assert "<html" not in fragment and "<h1" not in fragment
    assert [i for i, _d, _n, _m in history_items(fragment)] == ids[20:]
    assert "Show older sessions" not in fragment
    assert "HX-Request" in response.headers.get("Vary", "")

    whole = text(visitor.get("/progress/history?page=2"))
    assert "<html" in whole and "<h1>History</h1>" in whole
    assert [i for i, _d, _n, _m in history_items(whole)] == ids[20:]

    for page_number in ("0", "-1", "two", "", "1e3"):
        answer = visitor.get(f"/progress/history?page={page_number}")
        assert answer.status_code == 404, f"page={page_number!r} answered {answer.status_code}"


def test_a_garbled_month_is_not_found_and_another_month_can_be_shown(visitor: Visitor) -> None:
    for month in ("2026-13", "2026-00", "garbage", "2026-1", "26-11", "2026-11-01"):
        response = visitor.get(f"/progress?month={month}")
        assert response.status_code == 404, f"month={month!r} answered {response.status_code}"

    this_month = TEST_TODAY.replace(day=1)
    previous = (this_month - timedelta(days=1)).replace(day=1)
    page = text(visitor.get(f"/progress?month={month_param(previous)}"))
    assert f'<h2 id="month-heading" tabindex="-1" data-autofocus>{previous:%B %Y}</h2>' in page
    assert f"Each day of {previous:%B %Y}" in page
    assert f'href="/progress?month={month_param(this_month)}"' in page  # a way forward again
    assert f'hx-get="/progress/month?month={month_param(this_month)}"' in page
    assert f'hx-push-url="/progress?month={month_param(this_month)}"' in page

    response = visitor.get(f"/progress/month?month={month_param(previous)}", headers=HTMX)
    fragment = text(response)
    assert response.status_code == 200
    assert "<html" not in fragment and "<h1" not in fragment
    assert "Exercise by exercise" not in fragment and "History" not in fragment
    assert fragment.lstrip().startswith('<div class="month-nav">')
    assert f"{previous:%B %Y}</h2>" in fragment
    assert '<table class="month">' in fragment
    assert "HX-Request" in {v.strip() for v in response.headers.get("Vary", "").split(",")}
    whole = visitor.get(f"/progress/month?month={month_param(previous)}")
    assert "<h1>Progress</h1>" in text(whole), "without htmx, the month's URL is the whole page"
    assert "HX-Request" in {v.strip() for v in whole.headers["Vary"].split(",")}
