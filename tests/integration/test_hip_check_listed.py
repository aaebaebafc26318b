"""The plan's hip checks wherever the plan is listed: the plan page, the plan command and the
calendar feed."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from flask import Flask
from icalendar import Calendar

from routines.catalog.load import load_catalog
from routines.plan.build import build_plan
from routines.plan.history import History
from routines.plan.model import Program
from tests.integration.conftest import Visitor
from webapp.presenters.calendar_feed import calendar_feed
from webapp.store.models import User

START = date(2026, 11, 23)  # a Monday


def test_the_plan_command_marks_a_hip_check_in_the_last_week_of_each_phase(app: Flask) -> None:
    args = ["plan", "--goal", "general", "--days", "mon,wed,fri", "--start", START.isoformat(),
            "--weeks", "12", "--json"]  # fmt: skip
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    weeks = json.loads(result.output)["weeks"]
    checks = {week["index"]: [d["kind"] for d in week["days"] if d["hip_check"]] for week in weeks}
    assert {index: kinds for index, kinds in checks.items() if kinds} == {
        6: ["mobility"],
        12: ["mobility"],
    }


def test_the_calendar_feed_names_the_hip_check_on_its_day() -> None:
    plan = build_plan(Program(START), History(), load_catalog(), START, 6)
    feed = calendar_feed(
        plan,
        User(public_id="u1"),
        lambda day: f"/plan/{day}",
        datetime(2026, 11, 23, 9, tzinfo=UTC),
        START,
    )
    events = {
        e.decoded("dtstart"): str(e["summary"]) for e in Calendar.from_ical(feed).walk("VEVENT")
    }
    (check_day,) = [d.day for d in plan.weeks[5].days if d.hip_check]
    assert events[check_day].endswith(" · hip check")
    assert sum(summary.endswith("hip check") for summary in events.values()) == 1


def test_the_plan_page_marks_the_hip_check_day(visitor: Visitor) -> None:
    days = ["mon", "wed", "fri"]
    form = {"csrf_token": visitor.csrf_token(), "days": days, "experience": "trained"}
    assert visitor.client.post("/start", data=form).status_code == 303
    page = visitor.get("/plan").get_data(as_text=True)
    week_four = page[page.index('id="week-4"') : page.index('id="week-5"')]
    assert 'class="plan-check badge">Hip check<' in week_four  # a trained lifter's 4th week
    assert page.count('class="plan-check badge">Hip check<') == 1
