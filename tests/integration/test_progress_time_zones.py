"""The user's time zone: chosen, refused when unknown, or following the phone's."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from werkzeug.test import TestResponse

from tests.conftest import TEST_NOW
from tests.integration.conftest import Visitor, count_completions
from tests.integration.progress_helpers import (
    at,
    berlin_today,
    completion_of,
    finish_at,
    history_date,
    month_cells,
    month_param,
    text,
    user_of,
)
from webapp.store.training import TrainingStore

NEW_YORK = ZoneInfo("America/New_York")
ZONE_MESSAGE = "Pick a time zone from the list, such as Europe/Berlin."


def post_zone(visitor: Visitor, time_zone: str, follow_phone: bool) -> TestResponse:
    form = {"csrf_token": visitor.csrf_token(), "time_zone": time_zone}
    if follow_phone:
        form["follow_phone"] = "1"
    return visitor.client.post("/settings/time-zone", data=form)


def test_an_unknown_time_zone_is_refused_and_nothing_changes(
    visitor: Visitor, store: TrainingStore
) -> None:
    visitor.account_id()
    response = post_zone(visitor, "Mars/Olympus_Mons", follow_phone=False)
    page = text(response)
    assert response.status_code == 422
    assert ZONE_MESSAGE in page
    assert '<option value="Mars/Olympus_Mons" selected>' in page
    user = user_of(visitor, store)
    assert (user.time_zone, user.time_zone_auto) == ("UTC", True)


def test_a_chosen_time_zone_stays_when_the_phone_is_elsewhere(
    visitor: Visitor, store: TrainingStore
) -> None:
    response = post_zone(visitor, "America/New_York", follow_phone=False)
    assert response.status_code == 303
    assert response.headers["Location"] == "/settings#time-zone"
    user = user_of(visitor, store)
    assert (user.time_zone, user.time_zone_auto) == ("America/New_York", False)
    settings = text(visitor.get("/settings"))
    assert "<option selected>America/New_York</option>" in settings
    assert 'name="follow_phone" value="1" aria-describedby' in settings  # not checked

    # 00:30 in Berlin is still the evening before in New York: it counts on the Berlin date.
    day = berlin_today() - timedelta(days=1)
    ended = at(day, 0, 30)
    assert ended.astimezone(NEW_YORK).date() == day - timedelta(days=1)
    public_id = finish_at(visitor, ended)

    user = user_of(visitor, store)
    assert (user.time_zone, user.time_zone_auto) == ("America/New_York", False)
    completion = completion_of(visitor, store, public_id)
    assert (completion.local_date, completion.time_zone) == (day, "Europe/Berlin")
    page = text(visitor.get(f"/progress?month={month_param(day)}"))
    assert history_date(day) in page
    assert "mark-done" in month_cells(page)[day.day]


def test_following_the_phone_adopts_the_zone_a_session_was_finished_in(
    visitor: Visitor, store: TrainingStore
) -> None:
    post_zone(visitor, "America/New_York", follow_phone=True)
    user = user_of(visitor, store)
    assert (user.time_zone, user.time_zone_auto) == ("America/New_York", True)
    assert 'value="1" checked' in text(visitor.get("/settings"))

    finish_at(visitor, TEST_NOW - timedelta(minutes=3), time_zone="Asia/Tokyo")
    user = user_of(visitor, store)
    assert (user.time_zone, user.time_zone_auto) == ("Asia/Tokyo", True)


def test_the_phones_detected_zone_is_adopted_only_when_following_it(
    visitor: Visitor, store: TrainingStore
) -> None:
    def detect(time_zone: str, csrf: bool = True) -> TestResponse:
        headers = {"X-CSRFToken": visitor.csrf_token()} if csrf else {}
        return visitor.client.post(
            "/settings/time-zone/detected", data={"time_zone": time_zone}, headers=headers
        )

    post_zone(visitor, "Europe/Lisbon", follow_phone=False)
    response = detect("Asia/Tokyo")
    assert response.status_code == 204
    assert user_of(visitor, store).time_zone == "Europe/Lisbon"

    post_zone(visitor, "Europe/Lisbon", follow_phone=True)
    response = detect("Asia/Tokyo")
    assert response.status_code == 204
    user = user_of(visitor, store)
    assert (user.time_zone, user.time_zone_auto) == ("Asia/Tokyo", True)

    for garbage in ("Not/AZone", "", "tokyo", "../etc/passwd"):
        refused = detect(garbage)
        assert refused.status_code == 422, garbage
    assert user_of(visitor, store).time_zone == "Asia/Tokyo"

    forged = detect("Europe/Berlin", csrf=False)
    assert forged.status_code == 400
    assert user_of(visitor, store).time_zone == "Asia/Tokyo"


def test_the_time_zone_form_needs_its_csrf_token(visitor: Visitor, store: TrainingStore) -> None:
    visitor.account_id()
    response = visitor.client.post(
        "/settings/time-zone", data={"time_zone": "Asia/Tokyo", "follow_phone": "1"}
    )
    assert response.status_code == 400
    assert user_of(visitor, store).time_zone == "UTC"
    assert count_completions(store) == 0
