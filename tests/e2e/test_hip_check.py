"""The hip check at phone size, with a simulated phone: synthetic `devicemotion` events turn it
from 0° to 35° and hold it still, as a phone strapped to a turning shin would.

Time is the fake clock's (`start_clock`), so holds of 1 s and 2 s pass when the test says.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.conftest import wait_until
from tests.e2e.conftest import ConsoleWatch, LiveServer, NewContext, page_problems, start_clock
from tests.e2e.test_player_voice import SPEECH_STUB

#: A phone on the shin, read 20 times a second: `__phone.deg` is its tilt in the screen's plane,
#: `__phone.jitter` swings it by that much either way at every reading (a phone still moving).
PHONE = """() => {
  window.__phone = { deg: 0, jitter: 0, n: 0 };
  setInterval(() => {
    const phone = window.__phone;
    phone.n += 1;
    const deg = phone.deg + (phone.n % 2 ? phone.jitter : -phone.jitter);
    const r = (deg * Math.PI) / 180;
    const gravity = { x: 9.81 * Math.sin(r), y: 9.81 * Math.cos(r), z: 0 };
    window.dispatchEvent(
      new DeviceMotionEvent("devicemotion", { accelerationIncludingGravity: gravity, interval: 50 }),
    );
  }, 50);
}"""
REFUSED = "if (self.DeviceMotionEvent) DeviceMotionEvent.requestPermission = async () => 'denied';"
SHOTS = os.environ.get("HIPDAY_SCREENSHOTS")


def shoot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def open_check(page: Page, live_server: LiveServer) -> None:
    start_clock(page)
    page.goto(live_server("/hip-check"))
    shoot(page, "hip-check-start")
    page.evaluate(PHONE)
    page.get_by_role("button", name="Start the check").tap()
    page.clock.run_for(200)  # the first readings: the phone has sensors


def turn_phone(page: Page, degrees: float, *, jitter: float = 0) -> None:
    page.evaluate(
        "([deg, jitter]) => { __phone.deg = deg; __phone.jitter = jitter; }", [degrees, jitter]
    )


def measure(page: Page, degrees: int) -> None:
    """Zero with the shin hanging still, turn slowly to `degrees`, and hold still there."""
    turn_phone(page, 0)
    page.clock.run_for(1500)
    for step in range(1, 11):
        turn_phone(page, degrees * step / 10)
        page.clock.run_for(150)
    page.clock.run_for(2500)


def test_a_phone_turned_to_35_degrees_and_held_still_records_35_degrees(
    page: Page, live_server: LiveServer
) -> None:
    open_check(page, live_server)
    expect(page.get_by_role("heading", name="Right hip · turning out")).to_be_visible()
    expect(page.locator("#rotation-try")).to_have_text("Try 1 of 2")
    turn_phone(page, 0)
    page.clock.run_for(1500)
    turn_phone(page, 20)
    page.clock.run_for(300)
    expect(page.locator("#live-angle")).to_have_text("20°")  # the angle follows the turn
    shoot(page, "hip-check-rotation")
    measure(page, 35)
    expect(page.locator("#rotation-try")).to_have_text("Try 2 of 2")
    measure(page, 30)  # the better of the two tries is kept
    expect(page.locator("#pain-what")).to_have_text(
        "Right hip, turning out: 35°. Was it pain-free?"
    )


def test_a_phone_still_moving_is_not_captured_by_a_tap_or_by_waiting(
    page: Page, live_server: LiveServer
) -> None:
    open_check(page, live_server)
    turn_phone(page, 0)
    page.clock.run_for(1500)
    turn_phone(page, 35, jitter=5)
    page.clock.run_for(6000)
    page.get_by_role("button", name="Capture").tap()
    expect(page.locator("#sensor-message")).to_have_text("Hold the phone still, then tap Capture.")
    expect(page.locator("#rotation-try")).to_have_text("Try 1 of 2")
    turn_phone(page, 35)
    page.clock.run_for(2500)
    expect(page.locator("#rotation-try")).to_have_text("Try 2 of 2")


def test_a_turn_the_other_way_is_not_counted_and_the_page_says_which_way_to_turn(
    page: Page, live_server: LiveServer
) -> None:
    open_check(page, live_server)
    turn_phone(page, 0)
    page.clock.run_for(1500)
    turn_phone(page, -20)  # the right foot swinging out: turning in, not out
    page.clock.run_for(3000)
    expect(page.locator("#live-angle")).to_have_text("0°")
    expect(page.locator("#sensor-message")).to_have_text(
        "That is the other way: turn your foot in slowly, across the other shin."
    )
    expect(page.locator("#rotation-try")).to_have_text("Try 1 of 2")


def test_readings_too_unsteady_to_set_zero_lead_to_the_figure_picker(
    page: Page, live_server: LiveServer
) -> None:
    open_check(page, live_server)
    turn_phone(page, 0, jitter=4)
    page.clock.run_for(14_000)
    expect(page.locator("#figure-picker")).to_be_hidden()
    page.clock.run_for(2000)
    expect(page.locator("#sensor-message")).to_contain_text("too unsteady to trust")
    expect(page.locator("#figure-picker")).to_be_visible()


def test_a_phone_lying_flat_is_refused_with_a_sentence_that_says_what_to_change(
    page: Page, live_server: LiveServer
) -> None:
    open_check(page, live_server)
    page.evaluate("() => { __phone.deg = 0; }")
    page.evaluate(
        """() => window.dispatchEvent(new DeviceMotionEvent("devicemotion",
             { accelerationIncludingGravity: { x: 0, y: 0.5, z: 9.8 }, interval: 50 }))"""
    )
    expect(page.locator("#sensor-message")).to_contain_text(
        "hold it flat against the front of your shin"
    )


def test_refused_motion_permission_leads_to_the_figure_picker_and_an_estimate(
    new_context: NewContext, live_server: LiveServer
) -> None:
    context = new_context(bypass_csp=True)  # axe runs as an injected script
    context.add_init_script(REFUSED)
    page = context.new_page()
    start_clock(page)
    page.goto(live_server("/hip-check"))
    page.get_by_role("button", name="Start the check").tap()
    expect(page.locator("#sensor-message")).to_contain_text("Motion sensors are off for Hipday")
    expect(page.get_by_role("button", name="Capture")).to_be_hidden()
    shoot(page, "hip-check-figure-picker")
    page.clock.resume()  # axe waits on timers
    assert page_problems(page, "the figure picker") == []
    page.get_by_role("button", name="40 degrees").tap()
    expect(page.locator("#pain-what")).to_have_text(
        "Right hip, turning out: 40°. Was it pain-free?"
    )


def both_tries(page: Page, degrees: int, pain_free: str = "Yes") -> None:
    measure(page, degrees)
    measure(page, degrees)
    page.get_by_role("button", name=pain_free, exact=True).tap()


def timed_hold(page: Page, seconds: float, *, tap_stop: bool = True) -> None:
    page.get_by_role("button", name="Start", exact=True).tap()
    page.clock.run_for(int(seconds * 1000))
    if tap_stop:
        page.get_by_role("button", name="Stop", exact=True).tap()


def test_the_whole_check_runs_to_a_result_on_progress(
    new_context: NewContext, live_server: LiveServer
) -> None:
    page = new_context(bypass_csp=True).new_page()  # axe runs as an injected script
    open_check(page, live_server)
    # Positive tilts swing the foot to the person's left: in on the right leg, out on the left.
    both_tries(page, 35)  # right, turning out
    both_tries(page, -30, pain_free="No")  # right, turning in
    both_tries(page, -40)  # left, turning out
    both_tries(page, 25)  # left, turning in
    expect(page.get_by_role("heading", name="Balance on your right leg")).to_be_visible()
    shoot(page, "hip-check-balance")
    timed_hold(page, 31, tap_stop=False)  # the timer stops itself at 30 s
    timed_hold(page, 12.5)
    page.get_by_role("button", name="On my knees").tap()
    timed_hold(page, 45.2)
    timed_hold(page, 40.4)
    shoot(page, "hip-check-pelvis")
    page.get_by_role("button", name="Yes, it stayed level").tap()

    expect_saved_result(page)
    page.clock.resume()  # axe waits on timers
    assert page_problems(page, "the hip check's result") == []
    shoot(page, "hip-check-result")

    page.get_by_role("link", name="See your hips on Progress").tap()
    hips = page.locator("#hips")
    expect(hips).to_be_visible()
    expect(hips).to_contain_text("65°")  # the right hip's arc: 35° out + 30° in
    shoot(page, "progress-your-hips")


def expect_saved_result(page: Page) -> None:
    """The check's result, saved, says each part in words."""
    result = page.locator("#check-result")
    expect(page.locator("#save-status")).to_contain_text(
        "Saved. Progress shows it under Your hips."
    )
    expect(page.get_by_role("link", name="See this check in full")).to_have_attribute(
        "href", re.compile(r"^/hip-checks/\d+$")
    )
    for term, value in [
        ("Right hip, turning out", "35° (pain-free)"),
        ("Right hip, turning in", "30° (not pain-free)"),
        ("Left hip, turning out", "40° (pain-free)"),
        ("Left hip, turning in", "25° (pain-free)"),
        ("Balance on the right leg", "30 s"),
        ("Balance on the left leg", "12 s"),
        ("Side plank, right side", "45 s on the knees"),
        ("Side plank, left side", "40 s on the knees"),
    ]:
        expect(result.locator("dt", has_text=term).locator("+ dd")).to_have_text(value)


def test_after_a_back_approach_hip_replacement_the_check_leaves_out_turning_in_and_says_why(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server("/settings/precautions"))
    page.get_by_role("radio", name="Yes, by the back (posterior) approach").check()
    page.get_by_role("button", name="Save my answers").tap()
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    open_check(page, live_server)
    expect(page.locator("#check-left-out")).to_have_text(
        "Turning in: Left out because you told us you have a hip replacement by the back approach."
    )
    both_tries(page, 35)
    expect(page.get_by_role("heading", name="Left hip · turning out")).to_be_visible()


def test_the_voice_says_how_to_turn_and_the_angle_it_got(
    page: Page, live_server: LiveServer
) -> None:
    page.add_init_script(SPEECH_STUB)
    open_check(page, live_server)
    measure(page, 35)
    said = [words["text"] for words in page.evaluate("window.hipdaySpeech.spoken") if words["text"]]
    hold_still = "Let the shin hang straight down, and hold still."
    turn_in = "Turn your foot in slowly, across the other shin."
    assert said == [hold_still, turn_in, "Got it: 35 degrees", hold_still]  # then the second try


WAITING = "JSON.parse(localStorage.getItem('hipday-hip-checks') || '[]').length"
SEND_WITH_STALE_TOKEN = """async (entry) => {
  document.body.setAttribute("hx-headers", JSON.stringify({ "X-CSRFToken": "stale" }));
  const queue = await import("/static/js/hip-check/queue.js");
  queue.keep(entry);
  return (await queue.send(entry)).outcome;
}"""


def test_a_check_sent_with_a_stale_token_waits_on_the_phone_for_a_fresh_one(
    page: Page, live_server: LiveServer, console: ConsoleWatch
) -> None:
    console.allow("400")  # the refused token
    page.goto(live_server("/hip-check"))
    fields = {"client_id": "3f1c6a4e-stale-token-check", "taken_on": "2026-03-04"}
    fields |= {"right_outward": "30", "left_outward": "40"}
    entry = {"client_id": fields["client_id"], "url": "/hip-check", "fields": fields}
    assert page.evaluate(SEND_WITH_STALE_TOKEN, entry) == "later"
    assert page.evaluate(WAITING) == 1
    page.reload()  # a page with a fresh token sends what waits
    wait_until(lambda: page.evaluate(WAITING) == 0, "the waiting check to be sent")


def test_a_check_waiting_on_the_phone_is_sent_when_any_page_opens(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server("/"))
    fields = {"client_id": "8d2e41b0-waiting-check", "taken_on": "2026-03-04"}
    fields |= {"right_outward": "50", "right_inward": "30", "left_outward": "35"}
    entry = {"client_id": fields["client_id"], "url": "/hip-check", "fields": fields}
    page.evaluate("(e) => localStorage.setItem('hipday-hip-checks', JSON.stringify([e]))", entry)
    page.goto(live_server("/progress"))  # no hip check script on this page until one waits
    wait_until(lambda: page.evaluate(WAITING) == 0, "the waiting check to be sent")
    page.reload()
    expect(page.locator("#hips")).to_contain_text("80°")  # the right arc: 50° out + 30° in
