"""Progress on a phone: the streak after a session, the month calendar with htmx, the exercise
chart by keyboard, accessibility, and the time zone a first visit adopts from the phone.

Each test is a fresh guest on a 390 px phone in UTC (see `PHONE`) unless it says otherwise.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, Request, expect

from tests.conftest import TEST_NOW
from tests.e2e.conftest import (
    ConsoleWatch,
    LiveServer,
    NewContext,
    page_problems,
    page_width,
    start_clock,
    timeline,
)

ROUTINE = timeline("desk-reset")


def open_progress_from_the_nav(page: Page, live_server: LiveServer) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Progress").tap()
    expect(page).to_have_url(live_server("/progress"))
    expect(page.get_by_role("heading", name="Progress", level=1)).to_be_visible()


def log_full_session(page: Page, live_server: LiveServer, ago: timedelta = timedelta(0)) -> str:
    """Send a whole Desk reset that ended `ago`, as the player's finish form would.

    The page must show one of Hipday's pages (for the CSRF token). Returns the session's path.
    """
    headers = page.locator("body").get_attribute("hx-headers") or "{}"
    token = json.loads(headers)["X-CSRFToken"]
    ended = TEST_NOW - timedelta(seconds=30) - ago
    steps = str(len(ROUTINE.steps))
    response = page.request.post(
        live_server("/sessions"),
        form={
            "csrf_token": token,
            "routine": ROUTINE.slug,
            "op_id": uuid.uuid4().hex,
            "started_at": (ended - timedelta(minutes=5)).isoformat(),
            "ended_at": ended.isoformat(),
            "steps_done": steps,
            "steps_total": steps,
            "time_zone": "UTC",
            "effort": "5",
            "pain": "1",
            "note": "",
        },
        max_redirects=0,
    )
    assert response.status == 303, response.text()
    location = response.headers["location"]
    assert re.fullmatch(r"/sessions/[0-9a-f]{32}\?fresh=1", location), location
    return location.split("?")[0]


def month_after(first: date) -> date:
    return (first + timedelta(days=31)).replace(day=1)


def month_before(first: date) -> date:
    return (first - timedelta(days=1)).replace(day=1)


def shown_month(page: Page) -> date:
    """The first of the month the month table shows, read from its heading."""
    heading = page.locator("#month-heading").inner_text()
    return datetime.strptime(heading, "%B %Y").date()


def play_the_routine_and_rate_it_6(page: Page, live_server: LiveServer) -> None:
    """The routine starts from Today, runs to its end and gets effort 6."""
    start_clock(page)
    page.goto(live_server("/"))
    page.locator(".quick-start", has_text=ROUTINE.name).tap()
    expect(page).to_have_url(live_server(f"/play/{ROUTINE.slug}"))
    page.get_by_role("button", name="Start", exact=True).tap()
    expect(page.locator("#step-title")).to_have_text(ROUTINE.steps[0].title)
    # Let the clock carry the session to its end: a full session gives the exercise charts.
    page.clock.run_for(ROUTINE.seconds_before(len(ROUTINE.steps)) * 1000)
    expect(page.locator("#done-status")).to_contain_text(f"Saved: {ROUTINE.name}")
    effort = page.get_by_role("group", name=re.compile("^Effort"))
    effort.get_by_role("radio", name="6", exact=True).check()
    page.get_by_role("button", name="Save feedback").tap()
    expect(page.locator("#done-feedback-status")).to_have_text("Feedback saved.")


def expect_today_marked_done_on_both_calendars(page: Page) -> None:
    today_cell = page.locator(".hm-grid .hm-cell.is-today")
    expect(today_cell).to_have_count(1)
    expect(today_cell).to_have_class(re.compile(r"\bmark-done\b"))
    expect(page.locator(".hm-grid .mark-done")).to_have_count(1)

    month_today = page.locator('table.month td[aria-current="date"]')
    expect(month_today).to_have_class(re.compile(r"\bmark-done\b"))
    expect(month_today).to_have_class(re.compile(r"\bis-today\b"))
    expect(month_today.locator(".day-mark")).to_have_text(re.compile(r"^done, \d+ min$"))
    expect(page.locator("table.month td.mark-done")).to_have_count(1)


def test_a_session_from_the_player_shows_on_progress_as_todays_one_day_streak(
    page: Page, live_server: LiveServer
) -> None:
    play_the_routine_and_rate_it_6(page, live_server)
    open_progress_from_the_nav(page, live_server)
    expect(page.locator(".stat.big dd")).to_have_text("1 day")
    expect(page.locator("#streak-today")).to_have_text("Done today. Your streak is safe.")
    expect_today_marked_done_on_both_calendars(page)

    items = page.locator("ol.history .history-item")
    expect(items).to_have_count(1)
    expect(items.locator(".history-name")).to_have_text(ROUTINE.name)
    expect(items.locator(".history-meta")).to_have_text(re.compile(r"^\d+ min · effort 6/10$"))

    picker = page.get_by_label("Exercise", exact=True)
    expect(picker).to_be_visible()
    expect(picker.locator("option")).to_have_count(
        len({s.exercise for s in ROUTINE.steps if s.kind.value == "work"})
    )
    expect(page.locator("#exercise-chart svg[role='img']")).to_be_visible()

    width = page_width(page)
    assert width <= 390, f"Progress is {width} px wide: it scrolls sideways at 390 px"

    # The history item opens the session's page.
    items.get_by_role("link").tap()
    expect(page).to_have_url(re.compile(re.escape(live_server("/sessions/")) + r"[0-9a-f]{32}$"))
    expect(page.get_by_role("heading", name="Summary", level=2)).to_be_visible()
    assert page_width(page) <= 390


def note_full_page_loads(page: Page) -> list[str]:
    """The URLs of the documents the page loads from now on, as they come."""
    documents: list[str] = []

    def on_request(request: Request) -> None:
        if request.resource_type == "document":
            documents.append(request.url)

    page.on("request", on_request)
    return documents


def test_the_month_arrows_swap_the_month_in_place_and_back_returns_to_this_month(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server("/progress"))
    this_month = shown_month(page)
    previous = month_before(this_month)
    page.evaluate("window.hipdayMarker = 'still here'")
    documents = note_full_page_loads(page)

    section = page.locator("#month-section")
    expect(section.get_by_role("link", name=re.compile(r"next month$"))).to_have_count(0)
    section.get_by_role("link", name=f"{previous:%b} {previous:%Y}, previous month").tap()

    expect(page.locator("#month-heading")).to_have_text(f"{previous:%B %Y}")
    expect(page).to_have_url(live_server(f"/progress?month={previous:%Y-%m}"))
    expect(page.get_by_role("heading", name="Progress", level=1)).to_be_visible()
    assert page.evaluate("window.hipdayMarker") == "still here", "the page was reloaded"
    assert documents == [], f"a full page load happened: {documents}"
    expect(section.locator("table.month caption")).to_have_text(f"Each day of {previous:%B %Y}")
    expect(section.locator('td[aria-current="date"]')).to_have_count(0)
    forward = section.get_by_role("link", name=f"{this_month:%b} {this_month:%Y}, next month")
    expect(forward).to_be_visible()

    page.go_back()
    expect(page).to_have_url(live_server("/progress"))
    expect(page.locator("#month-heading")).to_have_text(f"{this_month:%B %Y}")
    expect(section.locator('td[aria-current="date"]')).to_have_count(1)

    # And forward again by the arrows: two months back, then one on.
    section.get_by_role("link", name=re.compile(r"previous month$")).tap()
    expect(page.locator("#month-heading")).to_have_text(f"{previous:%B %Y}")
    earlier = month_before(previous)
    section.get_by_role("link", name=re.compile(r"previous month$")).tap()
    expect(page.locator("#month-heading")).to_have_text(f"{earlier:%B %Y}")
    expect(page).to_have_url(live_server(f"/progress?month={earlier:%Y-%m}"))
    section.get_by_role("link", name=re.compile(r"next month$")).tap()
    expect(page.locator("#month-heading")).to_have_text(f"{month_after(earlier):%B %Y}")
    assert page.evaluate("window.hipdayMarker") == "still here"
    assert documents == [], f"a full page load happened: {documents}"


def test_the_month_arrows_keep_keyboard_focus_with_the_month(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server("/progress"))
    previous = month_before(shown_month(page))
    section = page.locator("#month-section")
    section.get_by_role("link", name=re.compile(r"previous month$")).focus()
    page.keyboard.press("Enter")
    expect(page.locator("#month-heading")).to_have_text(f"{previous:%B %Y}")
    # On the new month's heading (it has tabindex=-1 for that) or on an arrow.
    expect(section.locator(":focus")).to_have_count(1, timeout=2000)


def test_show_older_sessions_by_keyboard_leads_tab_into_the_sessions_it_loaded(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server("/progress"))
    for number in range(22):
        log_full_session(page, live_server, ago=timedelta(hours=3 * number))
    page.goto(live_server("/progress"))
    items = page.locator("ol.history > li.history-item")
    expect(items).to_have_count(20)
    page.get_by_role("link", name="Show older sessions").focus()
    page.keyboard.press("Enter")
    expect(items).to_have_count(22)
    expect(page.get_by_role("link", name="Show older sessions")).to_have_count(0)
    page.keyboard.press("Tab")
    expect(page.locator("ol.history > li.history-item:nth-child(n+21) :focus")).to_have_count(
        1, timeout=2000
    )


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_progress_a_session_and_settings_have_no_serious_accessibility_problems(
    new_context: NewContext, live_server: LiveServer, color_scheme: str
) -> None:
    page = new_context(bypass_csp=True, color_scheme=color_scheme).new_page()
    problems: list[str] = []

    page.goto(live_server("/progress"))
    expect(page.get_by_text("No sessions yet.")).to_be_visible()
    problems += page_problems(page, f"progress, empty ({color_scheme})")

    session = log_full_session(page, live_server)
    page.goto(live_server("/progress"))
    expect(page.locator("ol.history .history-item")).to_have_count(1)
    expect(page.locator("#exercise-chart svg")).to_be_visible()
    problems += page_problems(page, f"progress with a session ({color_scheme})")
    page.get_by_text("Show as a table").tap()
    expect(page.locator("#exercise-chart table")).to_be_visible()
    problems += page_problems(page, f"progress with the chart's table open ({color_scheme})")

    page.goto(live_server(session))
    expect(page.get_by_role("heading", name="Exercises", level=2)).to_be_visible()
    problems += page_problems(page, f"session page ({color_scheme})")

    page.goto(live_server("/settings"))
    expect(page.get_by_role("heading", name="Time zone", level=2)).to_be_visible()
    problems += page_problems(page, f"settings ({color_scheme})")

    assert not problems, "\n".join(problems)


def test_the_exercise_picker_is_reached_by_tab_and_changes_the_chart_keeping_focus(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server("/"))
    log_full_session(page, live_server)
    page.goto(live_server("/progress"))
    picker = page.get_by_label("Exercise", exact=True)
    title = page.locator("#chart-title")
    first = picker.locator("option").nth(0).inner_text().rsplit(" · ", 1)[0]
    second = picker.locator("option").nth(1).inner_text().rsplit(" · ", 1)[0]
    expect(title).to_have_text(re.compile("^" + re.escape(first) + ": "))

    for _ in range(40):
        if page.evaluate("document.activeElement?.id") == "exercise":
            break
        page.keyboard.press("Tab")
    expect(picker).to_be_focused()

    with page.expect_response(lambda r: "/progress/exercise?exercise=" in r.url) as answer:
        page.keyboard.press("ArrowDown")
    assert answer.value.status == 200
    assert answer.value.request.headers.get("hx-target") == "exercise-chart"
    expect(title).to_have_text(re.compile("^" + re.escape(second) + ": "))
    expect(page.locator("#exercise-chart")).to_have_count(1)
    expect(picker).to_be_focused()
    expect(picker).to_have_value(picker.locator("option").nth(1).get_attribute("value") or "")

    page.keyboard.press("ArrowUp")
    expect(title).to_have_text(re.compile("^" + re.escape(first) + ": "))
    expect(picker).to_be_focused()


def choose_lisbon_over_the_phones_zone(page: Page, live_server: LiveServer) -> None:
    """Settings offers the phone's zone, followed; Lisbon chosen instead stops following it."""
    body = page.locator("body")
    zone = page.get_by_role("combobox", name="Time zone")
    follow = page.get_by_role("checkbox", name="Follow my phone's time zone")
    expect(zone).to_have_value("Asia/Tokyo")
    expect(follow).to_be_checked()

    follow.uncheck()
    zone.select_option("Europe/Lisbon")
    page.get_by_role("button", name="Save time zone").tap()
    expect(page).to_have_url(live_server("/settings#time-zone"))
    expect(zone).to_have_value("Europe/Lisbon")
    expect(follow).not_to_be_checked()
    expect(body).to_have_attribute("data-time-zone", "Europe/Lisbon")
    expect(body).to_have_attribute("data-time-zone-auto", "0")


def test_a_first_visit_from_tokyo_adopts_the_phones_zone_until_one_is_chosen(
    new_context: NewContext, live_server: LiveServer
) -> None:
    context = new_context(timezone_id="Asia/Tokyo")
    page = context.new_page()

    def is_detected(request: Request) -> bool:
        return request.url == live_server("/settings/time-zone/detected")

    with page.expect_response(lambda r: is_detected(r.request)) as answer:
        page.goto(live_server("/"))
    assert answer.value.status == 204
    body = page.locator("body")
    # At the pinned moment Tokyo's date is UTC's, so Today has nothing to correct and doesn't
    # reload; the zone is the account's from the next page on. (A phone on another date than
    # the page was made for: tests/e2e/test_today_time_zone.py.)
    assert TEST_NOW.astimezone(ZoneInfo("Asia/Tokyo")).date() == TEST_NOW.date()
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").tap()
    expect(page).to_have_url(live_server("/settings"))
    expect(body).to_have_attribute("data-time-zone", "Asia/Tokyo")
    expect(body).to_have_attribute("data-time-zone-auto", "1")

    choose_lisbon_over_the_phones_zone(page, live_server)

    # A later visit from the same phone, still in Tokyo, keeps the zone chosen.
    later = context.new_page()
    detections: list[str] = []
    later.on("request", lambda r: detections.append(r.url) if is_detected(r) else None)
    later.goto(live_server("/"))
    expect(later.get_by_role("heading", name="Today", level=1)).to_be_visible()
    expect(later.locator("body")).to_have_attribute("data-time-zone", "Europe/Lisbon")
    later.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").tap()
    expect(later.get_by_role("combobox", name="Time zone")).to_have_value("Europe/Lisbon")
    expect(later.get_by_role("checkbox", name="Follow my phone's time zone")).not_to_be_checked()
    assert detections == [], "a page told the server the phone's zone though one was chosen"


def test_a_month_that_cant_load_says_so_and_the_next_try_works(
    page: Page, live_server: LiveServer, console: ConsoleWatch
) -> None:
    console.allow(r"status of 503|ERR_INTERNET_DISCONNECTED|ERR_FAILED|htmx")
    page.goto(live_server("/progress"))
    this_month = shown_month(page)
    previous = month_before(this_month)
    arrow = page.locator("#month-section").get_by_role(
        "link", name=f"{previous:%b} {previous:%Y}, previous month"
    )
    note = page.locator("#request-failed-note")
    expect(note).to_be_hidden()

    # The server busy for a moment (what a database briefly away answers).
    page.route(
        "**/progress/month?month=*",
        lambda route: route.fulfill(
            status=503, body="Hipday is busy", headers={"Retry-After": "5"}
        ),
    )
    arrow.tap()
    expect(note).to_be_visible()
    expect(note).to_have_text(re.compile(r"server is busy .* Try again in a few seconds"))
    expect(page.locator("#month-heading")).to_have_text(f"{this_month:%B %Y}")

    # No signal at all.
    page.unroute("**/progress/month?month=*")
    page.route("**/progress/month?month=*", lambda route: route.abort("internetdisconnected"))
    arrow.tap()
    expect(note).to_have_text(re.compile(r"No signal, so that didn't go through"))

    page.unroute("**/progress/month?month=*")
    arrow.tap()
    expect(page.locator("#month-heading")).to_have_text(f"{previous:%B %Y}")
    expect(note).to_be_hidden()
