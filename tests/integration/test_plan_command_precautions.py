"""`flask --app webapp plan … --precautions …`: the plan honours the answers and says what it
left out or swapped, and why."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from flask import Flask

from routines.catalog.load import load_catalog
from routines.catalog.model import Feature
from routines.precautions import Precaution, forbidden

CATALOG = load_catalog()
ALL_KIT = "mini band,long band,strap,chair,table"
PROGRAM = ["--goal", "general", "--days", "mon,wed,fri", "--start", "2026-11-23"]


def run_plan(app: Flask, *args: str) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["plan", *PROGRAM, *args])
    return result.exit_code, result.output


def json_plan(app: Flask, *args: str) -> dict[str, Any]:
    code, output = run_plan(app, "--weeks", "8", "--json", *args)
    assert code == 0, output
    plan: dict[str, Any] = json.loads(output)
    return plan


def sessions(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for week in plan["weeks"]:
        yield from (day for day in week["days"] if day["routine"])


def changes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for day in sessions(plan) for c in (*day["left_out"], *day["swapped"])]


def test_no_planned_exercise_has_a_feature_the_answers_leave_out(app: Flask) -> None:
    answers = "hip-replacement-back,pregnancy"
    plan = json_plan(app, "--precautions", answers, "--equipment", ALL_KIT)
    avoid = forbidden({Precaution.HIP_REPLACEMENT_BACK, Precaution.PREGNANCY})
    planned = [item["exercise"] for day in sessions(plan) for item in day["items"]]
    assert planned
    assert not [slug for slug in planned if CATALOG.exercises[slug].tags & avoid]
    assert plan["precautions"] == ["hip-replacement-back", "pregnancy"]


def test_each_left_out_or_swapped_move_says_who_it_is_for_why_and_where_that_comes_from(
    app: Flask,
) -> None:
    plan = json_plan(app, "--precautions", "hip-replacement-back", "--equipment", ALL_KIT)
    avoid = forbidden({Precaution.HIP_REPLACEMENT_BACK})
    listed = changes(plan)
    assert listed
    for change in listed:
        assert CATALOG.exercises[change["exercise"]].tags & avoid
        assert change["because"] == "you have a hip replacement by the back approach"
        assert "dislocate" in change["reason"]
        assert change["source"] == "standard hip precautions after a hip replacement"
        if change["instead"] is not None:
            assert not CATALOG.exercises[change["instead"]].tags & avoid


def test_with_hip_pain_the_plan_is_gentle_mobility_with_a_clinician_first(app: Flask) -> None:
    plan = json_plan(app, "--precautions", "hip-pain", "--equipment", ALL_KIT)
    assert plan["gentle_only"] is True
    days = list(sessions(plan))
    assert days and {day["kind"] for day in days} == {"mobility"}
    assert all("See a clinician first" in day["note"] for day in days)
    assert all("See a clinician first" in week["note"] for week in plan["weeks"])
    loaded = [
        item["exercise"]
        for day in days
        for item in day["items"]
        if Feature.LOADED in CATALOG.exercises[item["exercise"]].tags
    ]
    assert loaded == []


def test_without_precautions_nothing_is_left_out(app: Flask) -> None:
    plan = json_plan(app)
    assert plan["precautions"] == [] and plan["gentle_only"] is False
    assert changes(plan) == []
    assert any(day["kind"] == "strength" for day in sessions(plan))


def test_the_printed_plan_lists_what_was_left_out_and_why(app: Flask) -> None:
    code, output = run_plan(app, "--precautions", "pregnancy", "--equipment", ALL_KIT)
    assert code == 0
    assert "for your precautions:" in output
    assert "because you told us you are pregnant" in output
    assert "Why: " in output and "(obstetric guidance on exercise in pregnancy)" in output


def test_a_precaution_the_app_does_not_know_is_refused_naming_the_ones_it_does(
    app: Flask,
) -> None:
    code, output = run_plan(app, "--precautions", "pregnancy,bad-knee")
    assert code != 0
    assert len(output.strip().splitlines()) == 1
    assert "'bad-knee' is not a precaution" in output
    assert all(answer.value in output for answer in Precaution)
