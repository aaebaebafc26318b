"""The hip check page: what it leaves out for the user's precautions and why, where onboarding
offers it, and that the phone keeps it for use with no signal."""

from __future__ import annotations

import html
import json
import re

from tests.integration.conftest import Visitor
from tests.integration.test_precautions_screen import answer
from tests.integration.your_data_helpers import text

SKIPPED = re.compile(r"data-skipped='([^']*)'")


def skipped_parts(visitor: Visitor) -> dict[str, str]:
    found = SKIPPED.search(text(visitor.get("/hip-check")))
    assert found, "the check page tells its script which parts to skip"
    parts: dict[str, str] = json.loads(html.unescape(found.group(1)))
    return parts


def test_the_check_page_leaves_nothing_out_without_precautions(visitor: Visitor) -> None:
    page = text(visitor.get("/hip-check"))
    assert "Sit on a steady chair without wheels" in page
    assert 'id="check-left-out"' not in page
    assert skipped_parts(visitor) == {}


def test_a_back_approach_hip_replacement_leaves_out_turning_in_and_says_why(
    visitor: Visitor,
) -> None:
    answer(visitor, "hip-replacement-back")
    why = "Left out because you told us you have a hip replacement by the back approach."
    assert f"<strong>Turning in:</strong> {why}" in text(visitor.get("/hip-check"))
    assert skipped_parts(visitor) == {"inward": why}


def test_recent_surgery_leaves_out_the_balance_and_the_side_plank(visitor: Visitor) -> None:
    answer(visitor, "no", ["recent-surgery"])
    assert set(skipped_parts(visitor)) == {"balance", "plank"}


def test_skipping_the_precautions_step_still_offers_the_hip_check(visitor: Visitor) -> None:
    visitor.client.post("/start", data={"csrf_token": visitor.csrf_token()})
    page = text(visitor.get("/start/precautions"))
    assert 'href="/plan">Skip this step</a>' in page
    assert '<a href="/hip-check">do a 6-minute hip check now</a>, or later from Progress' in page


def test_the_phone_keeps_the_check_page_for_use_with_no_signal(visitor: Visitor) -> None:
    worker = text(visitor.get("/service-worker.js"))
    pages = json.loads(re.search(r"const PAGES = (\[.*?\]);", worker).group(1))  # type: ignore[union-attr]
    assert "/hip-check" in pages
    assert "/static/js/hip-check/main.js" in worker  # with its scripts


def test_the_side_plank_is_timed_as_the_plan_does_it(visitor: Visitor) -> None:
    assert 'data-plank=""' in text(visitor.get("/hip-check"))  # no plan yet: the check asks
    visitor.client.post("/start", data={"csrf_token": visitor.csrf_token(), "experience": "new"})
    assert 'data-plank="knees"' in text(visitor.get("/hip-check"))
