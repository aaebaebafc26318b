"""Today's planned card: one partial per state of today's planned day, as the user sees it."""

from __future__ import annotations

import html

from tests.conftest import TEST_TODAY
from tests.integration.conftest import Visitor

EVERY_DAY_BUT_SUNDAY = ["mon", "tue", "wed", "thu", "fri", "sat"]


def onboard(visitor: Visitor, days: list[str]) -> None:
    form = {"csrf_token": visitor.csrf_token(), "days": days}
    assert visitor.client.post("/start", data=form).status_code == 303


def card(visitor: Visitor) -> str:
    page = html.unescape(visitor.get("/").get_data(as_text=True))
    start = page.index('id="planned-card"')
    return page[start : page.index("</section>", start)]


def post(visitor: Visitor, url: str, **form: str) -> None:
    response = visitor.client.post(url, data={"csrf_token": visitor.csrf_token(), **form})
    assert response.status_code == 303, response.status_code


def test_a_planned_session_today_can_be_started_skipped_or_moved(visitor: Visitor) -> None:
    onboard(visitor, EVERY_DAY_BUT_SUNDAY)
    shown = card(visitor)
    assert "this week's dosage" in shown
    assert 'href="/play/' in shown and f"day={TEST_TODAY.isoformat()}" in shown
    assert "Skip or move today" in shown


def test_a_skipped_session_today_says_so_and_offers_no_second_skip(visitor: Visitor) -> None:
    onboard(visitor, EVERY_DAY_BUT_SUNDAY)
    post(visitor, f"/plan/{TEST_TODAY.isoformat()}/skip")
    shown = card(visitor)
    assert "Skipped today." in shown
    assert "Skip or move today" not in shown and "this week's dosage" not in shown


def test_a_vacation_today_plans_nothing(visitor: Visitor) -> None:
    onboard(visitor, EVERY_DAY_BUT_SUNDAY)
    today = TEST_TODAY.isoformat()
    post(visitor, "/plan/vacations", first=today, last=today)
    shown = card(visitor)
    assert "On vacation: nothing planned." in shown
    assert "Skip or move today" not in shown


def test_a_day_without_a_session_is_a_rest_day(visitor: Visitor) -> None:
    onboard(visitor, ["mon", "fri"])  # the pinned day is a Wednesday
    shown = card(visitor)
    assert "Rest day. Recovery is part of the plan" in shown
    assert "Skip or move today" not in shown
