"""Numbers and dates at and past the limits in the session, feedback, reminder and history forms and pages."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask

from tests.integration.conftest import Visitor, count_completions
from tests.integration.fuzz_verdicts import changes, dump
from tests.integration.input_limit_helpers import HUGE, dump_after_a_visit, post, text, user_id_of
from webapp.store.training import TrainingStore

UNICODE_DIGITS = ["²", "٣", "５", "𝟗"]


@pytest.mark.parametrize("value", [*UNICODE_DIGITS, HUGE, "1" + "0" * 20])
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("effort", "Effort is a number from 1 (very easy) to 10 (all-out)."),
        ("pain", "Pain is a number from 0 (none) to 10 (the worst)."),
        ("steps_total", "The number of steps is missing."),
        ("steps_done", "Steps done can't exceed the steps."),
    ],
)
def test_a_finish_with_a_unicode_or_huge_number_keeps_the_form_and_saves_nothing(
    visitor: Visitor, store: TrainingStore, name: str, message: str, value: str
) -> None:
    response = visitor.finish(**{name: value}, note="kept as typed")
    assert response.status_code == 422
    assert message in text(response)
    assert "kept as typed</textarea>" in text(response)
    assert count_completions(store) == 0


EARLY = "The session's times must be on or after 2000-01-01."
AHEAD = "The session's times must be at most 1 day after now."


@pytest.mark.parametrize(
    ("times", "message"),
    [
        ({"ended_at": "0001-01-01T00:00:00"}, EARLY),
        ({"started_at": "0001-01-01T00:00:00+14:00", "ended_at": "0001-01-01T00:05:00+14:00"},
         EARLY),
        ({"started_at": "1999-12-31T23:50:00Z", "ended_at": "1999-12-31T23:59:00Z"}, EARLY),
        ({"started_at": "2000-01-01T00:00:00Z", "ended_at": "2000-01-01T00:10:00Z"},
         "The session's local date must be on or after 2000-01-01."),  # New York: still 1999
        ({"started_at": "9999-12-31T23:50:00-12:00", "ended_at": "9999-12-31T23:59:59-12:00"},
         AHEAD),
        ({"ended_at": "2026-11-20T09:00:00+23:00"},
         "The session's times must have a UTC offset from -12:00 to +14:00."),
        ({"ended_at": "２０２６-11-20T07:07:00Z"}, "That time isn't readable."),
    ],
)  # fmt: skip
def test_a_finish_at_an_extreme_moment_is_refused_in_words_and_saves_nothing(
    visitor: Visitor, store: TrainingStore, times: dict[str, str], message: str
) -> None:
    response = visitor.finish(**times, time_zone="America/New_York")
    assert response.status_code == 422
    assert message in text(response)
    assert count_completions(store) == 0


def test_a_finish_at_plus_14_hours_counts_on_that_local_date(
    visitor: Visitor, store: TrainingStore
) -> None:
    response = visitor.finish(
        key="kiritimati-1", started_at="2026-03-04T20:00:00+14:00",
        ended_at="2026-03-04T20:10:00+14:00", time_zone="Pacific/Kiritimati",
    )  # fmt: skip
    assert response.status_code == 303
    stored = store.completion_by_op(user_id_of(visitor), "kiritimati-1")
    assert stored is not None and stored.local_date == date(2026, 3, 4)


@pytest.mark.parametrize("op_id", ["k" * 65, "k" * 64 + "\n", "key-with-a-newline\n"])
def test_an_op_id_longer_than_its_column_or_with_a_trailing_newline_is_refused(
    visitor: Visitor, store: TrainingStore, op_id: str
) -> None:
    response = visitor.finish(key=op_id)
    assert response.status_code == 422
    assert "This form lost its session key." in text(response)
    assert count_completions(store) == 0


def test_an_op_id_as_long_as_its_column_is_taken(visitor: Visitor, store: TrainingStore) -> None:
    assert visitor.finish(key="k" * 64).status_code == 303
    assert count_completions(store) == 1


def test_a_finish_with_a_garbled_plan_day_is_logged_at_the_library_dosage(
    visitor: Visitor, store: TrainingStore
) -> None:
    for day in ["²", "2026-11-2٠", HUGE, "0001-01-01"]:
        assert (
            visitor.finish(key=f"plan-day-{len(day)}-{ord(day[-1])}", plan_day=day).status_code
            == 303
        )


@pytest.mark.parametrize("value", [*UNICODE_DIGITS, HUGE])
@pytest.mark.parametrize("name", ["effort", "pain"])
def test_feedback_with_a_unicode_or_huge_number_keeps_the_form_and_changes_nothing(
    visitor: Visitor, store: TrainingStore, app: Flask, name: str, value: str
) -> None:
    location = visitor.finish(effort="5", pain="1").headers["Location"]
    path = location.split("?")[0]
    before = dump_after_a_visit(visitor, store)
    form = {"effort": "6", "pain": "2", "note": "kept", name: value}
    response = post(visitor, f"{path}/feedback", **form)
    assert response.status_code == 422
    assert "is a number from" in text(response) and ">kept</textarea>" in text(response)
    assert changes(before, dump(store.engine)) == {}


@pytest.mark.parametrize("every", [*UNICODE_DIGITS, "٣٠", "３０", HUGE])
def test_a_desk_interval_in_unicode_digits_or_5000_digits_is_refused_with_the_form(
    visitor: Visitor, store: TrainingStore, every: str
) -> None:
    before = dump_after_a_visit(visitor, store)
    response = post(
        visitor, "/settings/reminders", desk_every=every, session_at="07:00",
        desk_from="09:00", desk_until="17:00", paused_until="",
    )  # fmt: skip
    assert response.status_code == 422
    assert "A desk break comes every 30 to 180 minutes." in text(response)
    assert changes(before, dump(store.engine)) == {}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"session_at": "０７:00"}, "Give the time as hours and minutes, like 07:00."),
        ({"desk_from": "0９:00"}, "Give your working hours as hours and minutes"),
        ({"paused_until": "２０２６-12-24"}, "Give the date as year, month and day"),
        ({"paused_until": "9999-12-31"}, "Pause for a year at most."),
    ],
)
def test_reminder_times_and_dates_in_other_digits_are_refused_with_the_form(
    visitor: Visitor, store: TrainingStore, fields: dict[str, str], message: str
) -> None:
    form = {"desk_every": "60", "session_at": "07:00", "desk_from": "09:00",
            "desk_until": "17:00", "paused_until": "", **fields}  # fmt: skip
    before = dump_after_a_visit(visitor, store)
    response = post(visitor, "/settings/reminders", **form)
    assert response.status_code == 422
    assert message in text(response)
    assert changes(before, dump(store.engine)) == {}


@pytest.mark.parametrize("page", [*UNICODE_DIGITS, HUGE, "0", "-1", "1\n", "100001"])
def test_a_history_page_that_is_not_a_plain_number_is_not_found(
    visitor: Visitor, page: str
) -> None:
    response = visitor.get("/progress/history", query_string={"page": page})
    assert response.status_code == 404
    assert "There is nothing here." in text(response)


@pytest.mark.parametrize(
    "month", ["1999-12", "2026-02\n", "٢٠٢٦-02", "2026-1", "2026-04", "9999-12"]
)
def test_a_month_outside_the_history_or_in_other_digits_is_not_found(
    visitor: Visitor, month: str
) -> None:
    response = visitor.get("/progress", query_string={"month": month})
    assert response.status_code == 404
    assert "There is nothing here." in text(response)


def test_the_first_month_of_2000_offers_no_month_before_it(visitor: Visitor) -> None:
    page = text(visitor.get("/progress", query_string={"month": "2000-01"}))
    assert "January 2000" in page
    assert "month=1999-12" not in page and "month=2000-02" in page
