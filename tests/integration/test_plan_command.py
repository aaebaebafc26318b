"""`flask --app webapp plan … --json`: a stable contract for scripts and tests."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from flask import Flask


def run_plan(app: Flask, *args: str) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["plan", *args])
    return result.exit_code, result.output


def test_the_json_plan_covers_every_date_exactly_once(app: Flask) -> None:
    code, output = run_plan(
        app, "--goal", "lifting", "--days", "mon,wed,fri", "--start", "2026-11-23",
        "--weeks", "6", "--json",
    )  # fmt: skip
    assert code == 0
    plan = json.loads(output)
    dates = [day["date"] for week in plan["weeks"] for day in week["days"]]
    expected = [(date(2026, 11, 23) + timedelta(days=n)).isoformat() for n in range(42)]
    assert dates == expected
    assert [w["index"] for w in plan["weeks"]] == [1, 2, 3, 4, 5, 6]
    assert {w["phase"] for w in plan["weeks"]} <= {"foundation", "strengthening"}
    assert [w["deload"] for w in plan["weeks"]][3] is True


def test_json_days_follow_the_contract(app: Flask) -> None:
    code, output = run_plan(
        app, "--goal", "general", "--days", "tue,thu,sat", "--start", "2026-11-24",
        "--weeks", "2", "--json", "--experience", "some", "--equipment", "mini band,strap",
    )  # fmt: skip
    assert code == 0
    for week in json.loads(output)["weeks"]:
        for day in week["days"]:
            assert day["kind"] in ("strength", "mobility", "rest")
            if day["kind"] == "rest":
                assert day["items"] == [] and day["routine"] is None
                continue
            assert day["routine"] and day["minutes"] > 0 and day["items"]
            for item in day["items"]:
                assert set(item) >= {"exercise", "sets", "reps", "hold_seconds", "per_side"}
                assert (item["reps"] is None) or (item["hold_seconds"] is None)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--goal", "swimming", "--days", "mon,wed", "--start", "2026-11-23"], "--goal 'swimming'"),
        (
            ["--goal", "desk", "--days", "mon,funday", "--start", "2026-11-23"],
            "not a list of weekdays",
        ),
        (
            ["--goal", "desk", "--days", "mon,wed", "--start", "2026-11-23", "--weeks", "0"],
            "--weeks must be a whole number from 1 to 104.",
        ),
        (["--goal", "desk", "--days", "mon,wed", "--start", "23/11/2026"], "must be a date like"),
        (["--goal", "desk", "--days", "mon", "--start", "2026-11-23"], "between 2 and 6"),
    ],
)
def test_bad_arguments_exit_non_zero_with_one_line(
    app: Flask, args: list[str], message: str
) -> None:
    code, output = run_plan(app, *args)
    assert code != 0
    assert message in output and len(output.strip().splitlines()) == 1
