"""After a lopsided hip check, the player of a planned day with rotation work gives the lagging
side one more set, says so on the screen, and its voice line says it comes from the check."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from routines.figures.body import Side
from routines.hip_check import ROTATION_WORK
from routines.plan.history import Checked, History
from tests.e2e.conftest import LiveServer
from tests.e2e.plan_guest import all_days, make_plan

#: The left arc 55°, the right 80°: the left hip lags.
LOPSIDED = {"right_outward": "45", "right_inward": "35", "left_outward": "30", "left_inward": "25"}
SEND = """async (fields) => {
  const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  const body = new URLSearchParams({ ...fields, csrf_token: token });
  const answer = await fetch("/hip-check", { method: "POST", body });
  return answer.status;
}"""


def test_the_player_gives_the_lagging_side_one_more_set_after_a_lopsided_check(
    page: Page, live_server: LiveServer
) -> None:
    guest = make_plan(page, live_server)
    fields = {"client_id": "phone-check-e2e", "taken_on": guest.today.isoformat(), **LOPSIDED}
    assert page.evaluate(SEND, fields) == 201
    plan = guest.plan(History(hip_checks=(Checked(guest.today, Side.LEFT),)))
    day = next(
        d for d in all_days(plan)
        if d.routine and d.day >= guest.today
        and any(p.exercise.slug in ROTATION_WORK for p in d.routine.prescriptions)
    )  # fmt: skip
    assert day.routine is not None

    page.goto(live_server(f"/play/{day.routine.slug}?day={day.day.isoformat()}"))

    extra = page.locator("#steps-list-items li", has_text="from your hip check")
    expect(extra.first).to_contain_text("left side · from your hip check")
    data = json.loads(page.locator("#session-data").text_content() or "{}")
    said = [step["say"] for step in data["steps"] if step.get("extra")]
    assert said and set(said) == {"One more set on your left side, from your hip check"}
