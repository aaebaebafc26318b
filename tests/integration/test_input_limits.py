"""Every date and number that enters Hipday lies within the stated limits (README, "Input
limits"): forms, the phone's outbox, the import and the command line refuse the rest in words
that name the record and the field, and save nothing. An account that already holds a row from
before the limits still shows every page."""

from __future__ import annotations

import html
import io
import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from tests.conftest import TEST_NOW
from tests.integration.conftest import Visitor, count_completions
from tests.integration.fuzz_verdicts import changes, dump
from webapp.store.models import Completion, PlanEvent
from webapp.store.training import TrainingStore

#: Every test app's clock reads TEST_NOW (Wednesday 2026-03-04 09:00 UTC): the limits count from it.
NOW = TEST_NOW
UNICODE_DIGITS = ["²", "٣", "５", "𝟗"]
HUGE = "9" * 5000


def text(response: TestResponse) -> str:
    return html.unescape(response.get_data(as_text=True))


def user_id_of(visitor: Visitor) -> int:
    visitor.get("/")
    with visitor.client.session_transaction() as session:
        user_id: int = session["user_id"]
    return user_id


def dump_after_a_visit(visitor: Visitor, store: TrainingStore) -> dict[str, Any]:
    """Every row, once the visitor's first visit has made their guest account."""
    visitor.get("/")
    return dump(store.engine)


def post(visitor: Visitor, url: str, **form: Any) -> TestResponse:
    return visitor.client.post(url, data={"csrf_token": visitor.csrf_token(), **form})


# The finish form and the phone's outbox (both post to /sessions)


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


# Changing a session's feedback


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


# Settings → Reminders


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


# Progress


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


# The plan's days, moves and vacations


def with_plan(visitor: Visitor) -> None:
    assert post(visitor, "/start", days=["mon", "wed", "fri"]).status_code == 303


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("9999-12-01", "9999-12-31", "The first day must be at most 2 years ahead (2028-03-03)."),
        ("2028-02-25", "2028-03-10", "The last day must be at most 2 years ahead (2028-03-03)."),
        ("1999-12-20", "2000-01-02", "The first day must be on or after 2000-01-01."),
        ("0001-01-01", "0001-01-02", "The first day must be on or after 2000-01-01."),
        ("２０２６-12-01", "2026-12-02", "Give the first and the last day of the vacation."),
    ],
)
def test_a_vacation_outside_the_limits_is_refused_naming_the_day_and_saves_nothing(
    visitor: Visitor, store: TrainingStore, first: str, last: str, message: str
) -> None:
    with_plan(visitor)
    before = dump_after_a_visit(visitor, store)
    response = post(visitor, "/plan/vacations", first=first, last=last)
    assert response.status_code == 422
    assert message in text(response)
    assert changes(before, dump(store.engine)) == {}


def test_a_vacation_two_years_ahead_is_taken(visitor: Visitor, store: TrainingStore) -> None:
    with_plan(visitor)
    response = post(visitor, "/plan/vacations", first="2028-02-26", last="2028-03-03")
    assert response.status_code == 303


@pytest.mark.parametrize("target", ["²", "2026-11-2٥", HUGE, "9999-12-31", "0001-01-01"])
def test_a_move_to_a_garbled_or_far_day_is_refused_and_saves_nothing(
    visitor: Visitor, store: TrainingStore, target: str
) -> None:
    with_plan(visitor)
    before = dump_after_a_visit(visitor, store)
    response = post(visitor, "/plan/2026-03-09/move", target=target)
    assert response.status_code == 422
    assert "Pick" in text(response)
    assert changes(before, dump(store.engine)) == {}


@pytest.mark.parametrize("day", ["２０２６-03-09", "0001-01-01", "9999-12-31", "2026-3-9"])
def test_a_plan_day_in_other_digits_or_out_of_range_is_not_found(
    visitor: Visitor, day: str
) -> None:
    with_plan(visitor)
    assert visitor.get(f"/plan/{day}").status_code == 404
    assert visitor.get("/play/desk-reset", query_string={"day": day}).status_code == 404


# The import


def export_of(visitor: Visitor) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(visitor.get("/settings/data/hipday.json").get_data())
    return document


def import_document(visitor: Visitor, document: dict[str, Any]) -> TestResponse:
    upload = (io.BytesIO(json.dumps(document).encode()), "hipday.json")
    return post(visitor, "/settings/data/import", file=upload)


def exported_with_history(visitor: Visitor) -> dict[str, Any]:
    with_plan(visitor)
    assert (
        post(visitor, "/plan/vacations", first="2026-03-16", last="2026-03-22").status_code == 303
    )
    assert visitor.finish(key="first-session").status_code == 303
    return export_of(visitor)


SESSION_CASES = [
    ({"local_date": "9999-12-31"},
     "Session 2: local_date must be the date the session ended on in some UTC offset from "
     "-12:00 to +14:00: 2026-02-19 or 2026-02-20."),
    ({"local_date": "0001-01-01"}, "Session 2: local_date must be on or after 2000-01-01."),
    ({"local_date": "2026-02-22"},
     "Session 2: local_date must be the date the session ended on in some UTC offset"),
    ({"started_at": "0001-01-01T00:00:00Z", "ended_at": "0001-01-01T00:07:00Z",
      "local_date": "0001-01-01"}, "Session 2: started_at must be on or after 2000-01-01."),
    ({"ended_at": "0001-01-01T00:07:00+14:00"}, "Session 2: ended_at must be on or after 2000-01-01."),
    ({"ended_at": "9999-12-31T23:59:59-12:00"}, "Session 2: ended_at must be at most 1 day after now."),
    ({"ended_at": "2026-02-20T07:07:00+15:00"},
     "Session 2: ended_at must have a UTC offset from -12:00 to +14:00."),
    ({"local_date": "２０２６-11-20"}, "Session 2: local_date must be a date like 2026-11-20."),
    ({"op_id": "k" * 65}, "Session 2: op_id must be 8 to 64 letters, digits, - or _."),
    ({"op_id": "second-session\n"}, "Session 2: op_id must be 8 to 64 letters, digits, - or _."),
    ({"routine": "desk-reset\n"}, "Session 2: routine must be the routine's short name"),
]  # fmt: skip


@pytest.mark.parametrize(("fields", "message"), SESSION_CASES)
def test_an_import_with_a_session_out_of_range_names_it_and_saves_nothing(
    visitor: Visitor, store: TrainingStore, fields: dict[str, str], message: str
) -> None:
    document = exported_with_history(visitor)
    second = {**document["sessions"][0], "op_id": "second-session", **fields}
    document["sessions"].append(second)
    before = dump_after_a_visit(visitor, store)
    response = import_document(visitor, document)
    assert response.status_code == 422
    assert message in text(response)
    assert changes(before, dump(store.engine)) == {}
    assert visitor.get("/").status_code == 200
    assert visitor.get("/progress").status_code == 200


def test_an_import_may_date_a_session_by_any_real_offset(
    visitor: Visitor, store: TrainingStore
) -> None:
    document = exported_with_history(visitor)
    late = {
        **document["sessions"][0],
        "op_id": "line-islands",
        "started_at": "2026-02-20T10:55:00Z",
        "ended_at": "2026-02-20T11:00:00Z",
        "local_date": "2026-02-21",
    }
    document["sessions"].append(late)  # 01:00 on the 21st at +14:00
    assert import_document(visitor, document).status_code == 303
    assert count_completions(store) == 2


@pytest.mark.parametrize(
    ("key", "fields", "message"),
    [
        ("program_versions", {"start": "0001-01-01"},
         "Program version 1: start must be on or after 2000-01-01."),
        ("program_versions", {"effective_from": "9999-12-31"},
         "Program version 1: effective_from must be at most 2 years ahead (2028-03-03)."),
        ("plan_events", {"day": "9999-12-01", "until": "9999-12-31"},
         "Plan change 1: day must be at most 2 years ahead (2028-03-03)."),
        ("plan_events", {"day": "1999-12-30"}, "Plan change 1: day must be on or after 2000-01-01."),
        ("plan_events", {"day": "2028-02-28", "until": "2028-03-10"},
         "Plan change 1: until must be at most 2 years ahead (2028-03-03)."),
    ],
)  # fmt: skip
def test_an_import_with_a_plan_date_out_of_range_names_it_and_saves_nothing(
    visitor: Visitor, store: TrainingStore, key: str, fields: dict[str, str], message: str
) -> None:
    document = exported_with_history(visitor)
    document[key][0] |= fields
    before = dump_after_a_visit(visitor, store)
    response = import_document(visitor, document)
    assert response.status_code == 422
    assert message in text(response)
    assert changes(before, dump(store.engine)) == {}


# Rows saved before the limits existed


def test_an_account_holding_sessions_dated_year_1_and_9999_still_shows_every_page(
    visitor: Visitor, store: TrainingStore
) -> None:
    """Was a 500 on Today and Progress for good: the streak walk overflowed `date`."""
    with_plan(visitor)
    today = {"started_at": "2026-03-04T08:00:00Z", "ended_at": "2026-03-04T08:07:00Z"}
    assert visitor.finish(key="real-session", **today).status_code == 303
    user_id = user_id_of(visitor)
    for key, day in (("far-future-1", date.max), ("long-ago-1", date.min)):
        moment = datetime(2026, 3, 4, 7, tzinfo=UTC)
        store.add(Completion(
            user_id=user_id, op_id=key, routine_slug="desk-reset", started_at=moment,
            ended_at=moment, local_date=day, time_zone="UTC", steps_done=3, steps_total=3,
        ))  # fmt: skip
    store.add(PlanEvent(user_id=user_id, kind="vacation", day=date(9999, 12, 1), until=date.max))
    assert post(visitor, "/settings/calendar").status_code == 303
    token = store.user(user_id).calendar_token  # type: ignore[union-attr]
    pages = ["/", "/progress", "/progress/history", "/plan", "/settings/data/hipday.json"]
    for path in [*pages, "/settings/data/hipday-csv.zip", f"/calendar/{token}.ics"]:
        assert visitor.get(path).status_code == 200, path
    assert '<span id="streak-number" data-if-done-today="1">1</span>-day streak.' in text(
        visitor.get("/")
    )


# The command line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "0001-01-01"], "--start must be on or after 2000-01-01."),
        (["--start", "9999-12-31"], "--start must be at most 2 years ahead (2028-03-03)."),
        (["--start", "２０２６-11-23"], "--start must be a date like 2026-11-20."),
        (["--weeks", "²"], "--weeks must be a whole number from 1 to 104."),
        (["--weeks", HUGE], "--weeks must be a whole number from 1 to 104."),
        (["--weeks", "105"], "--weeks must be a whole number from 1 to 104."),
        (["--deload-every", "٣"], "--deload-every must be a whole number from 3 to 4."),
    ],
)
def test_the_plan_command_refuses_dates_and_numbers_out_of_range_in_words(
    app: Flask, args: list[str], message: str
) -> None:
    result = app.test_cli_runner().invoke(
        args=["plan", "--goal", "general", "--days", "mon,wed,fri", "--start", "2026-11-23", *args]
    )
    assert result.exit_code != 0
    assert message in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_the_plan_command_takes_a_start_two_years_ahead(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["plan", "--goal", "general", "--days", "mon,wed,fri", "--start", "2028-02-28",
              "--weeks", "1", "--json"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["weeks"][0]["days"][0]["date"] == "2028-02-28"
