"""Dates at and past the limits in vacations, moves, imports, old accounts and the plan command."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from tests.integration.conftest import Visitor, count_completions
from tests.integration.fuzz_verdicts import changes, dump
from tests.integration.input_limit_helpers import HUGE, dump_after_a_visit, post, text, user_id_of
from webapp.store.models import Completion, PlanEvent
from webapp.store.training import TrainingStore


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
