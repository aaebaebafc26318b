"""The plan on a phone: onboarding, the weeks, the next session, settings and the calendar feed.

Each test is a fresh guest whose program starts on the day it onboards: the pinned `TEST_TODAY`
(the server's and the phone's clocks both read `TEST_NOW`). What the pages should show is worked
out with `routines.plan.build.build_plan` for the same answers, so no date is hard-coded.
"""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import Page, expect

from routines.catalog.model import Goal
from routines.plan.history import History
from routines.plan.model import DayKind, Plan
from routines.session import compile_session
from tests.e2e.conftest import LiveServer, start_clock
from tests.e2e.plan_guest import (
    ANSWERS,
    KIND_LABELS,
    WEEKDAY_NAMES,
    Guest,
    all_days,
    answer_the_questions,
    assert_plan_shows,
    make_plan,
    open_day,
    shown_today,
)


def follow_the_invitation_to_the_questions(page: Page, live_server: LiveServer) -> None:
    """Today invites a new visitor to plan; the questions come with an answer ticked each."""
    page.goto(live_server("/"))
    card = page.locator("#plan-invitation")
    expect(card.get_by_role("heading", name="Get a plan for your weeks")).to_be_visible()
    card.get_by_role("link", name="Plan my weeks").tap()
    expect(page).to_have_url(live_server("/start"))
    expect(page.get_by_role("heading", name="Plan your weeks", level=1)).to_be_visible()
    expect(page.get_by_role("radio", name="General hip health")).to_be_checked()
    for name in ("Monday", "Wednesday", "Friday"):
        expect(page.get_by_role("checkbox", name=name, exact=True)).to_be_checked()
    expect(page.get_by_role("radio", name="New to it")).to_be_checked()


def expect_five_weeks_with_a_deload(page: Page, plan: Plan) -> None:
    """The plan shows this week and the next four, seven days each, deload weeks marked."""
    weeks = page.locator("section.week")
    expect(weeks).to_have_count(5)  # this week and the next four
    for number in range(5):
        week = weeks.nth(number)
        first = plan.weeks[number].first_day
        expect(week.get_by_role("heading", level=2)).to_contain_text(
            f"Week {number + 1} · {first.day} {first:%b}"
        )
        expect(week.locator(".plan-day")).to_have_count(7)
        expect(week.locator(".plan-kind")).to_have_text(
            [re.compile(r"^(Strength|Mobility|Rest)\b") for _ in range(7)]
        )
        deload_badge = week.locator(".week-title .badge", has_text="Deload week")
        expect(deload_badge).to_have_count(1 if plan.weeks[number].deload else 0)
    assert any(w.deload for w in plan.weeks[:5]), "no deload week in the first five weeks"
    expect(weeks.first.get_by_text("This week")).to_be_visible()


def expect_today_to_show_the_planned_day(page: Page, plan: Plan, today: date) -> None:
    planned = plan.day(today)
    assert planned is not None
    card = page.locator("#planned-card")
    expect(card.get_by_role("heading", level=2)).to_have_text(f"{KIND_LABELS[planned.kind]} day")
    expect(card).to_contain_text("Foundation phase · week 1")
    if planned.routine:
        start = card.locator("a.quick-start")
        expect(start).to_contain_text(planned.routine.name)
        expect(start).to_contain_text(f"{planned.minutes} min · this week's dosage")
        expect(start).to_have_attribute(
            "href", f"/play/{planned.routine.slug}?day={today.isoformat()}"
        )
    else:
        expect(card).to_contain_text("Rest day.")
        expect(card.locator("a.quick-start")).to_have_count(0)
    expect(card.get_by_role("link", name="Your plan")).to_be_visible()


def test_a_new_visitor_plans_their_weeks_from_today_and_today_then_shows_the_planned_day(
    page: Page, live_server: LiveServer
) -> None:
    follow_the_invitation_to_the_questions(page, live_server)
    days = answer_the_questions(page)
    page.get_by_role("button", name="Make my plan").tap()
    page.get_by_role("link", name="Skip this step").tap()  # the precautions step

    expect(page).to_have_url(live_server("/plan"))
    expect(page.locator("p.lead")).to_have_text("Foundation phase · week 1")
    today = shown_today(page)
    plan = Guest(today, days).plan()
    expect_five_weeks_with_a_deload(page, plan)
    assert_plan_shows(page, plan)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Today").tap()
    expect(page).to_have_url(live_server("/"))
    expect_today_to_show_the_planned_day(page, plan, today)


def test_the_next_planned_session_starts_from_its_day_page_with_this_weeks_dosage(
    page: Page, live_server: LiveServer
) -> None:
    start_clock(page)
    guest = make_plan(page, live_server)
    today = guest.today
    planned = next(d for d in all_days(guest.plan()) if d.day >= today and d.routine is not None)
    assert planned.routine is not None
    steps = compile_session(planned.routine).steps

    open_day(page, live_server, planned.day)
    items = page.locator("ol.prescriptions > li > a")
    expect(items).to_have_text([p.exercise.name for p in planned.routine.prescriptions])
    page.get_by_role("link", name=f"Start {planned.routine.name}").tap()

    expect(page).to_have_url(
        live_server(f"/play/{planned.routine.slug}?day={planned.day.isoformat()}")
    )
    expect(page.get_by_role("heading", name=planned.routine.name, level=1)).to_be_visible()
    # The steps are the planned ones (this week's variants and dosage), not the library's.
    expect(page.locator("#steps-list-items > li")).to_have_text(
        [f"{s.title} — {s.label} ({s.seconds} s)" for s in steps]
    )
    page.get_by_role("button", name="Start", exact=True).tap()
    expect(page.locator("#player-stage")).to_be_visible()
    expect(page.locator("#step-title")).to_have_text(steps[0].title)
    expect(page.locator("#step-label")).to_have_text(steps[0].label)


def make_a_calendar_address(page: Page, live_server: LiveServer) -> str:
    """Settings makes a read-only calendar address; that address."""
    page.get_by_role("button", name="Make a calendar address").tap()
    expect(page).to_have_url(live_server("/settings#calendar"))
    address = page.get_by_label("Your calendar address")
    expect(address).to_have_attribute("readonly", "")
    url = address.input_value()
    assert re.fullmatch(re.escape(live_server("/calendar/")) + r"[\w-]+\.ics", url), url
    return url


def expect_a_calendar_from_the_first_session(page: Page, url: str, plan: Plan) -> None:
    feed = page.request.get(url)
    assert feed.status == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    body = feed.text()
    assert "BEGIN:VCALENDAR" in body
    assert "BEGIN:VEVENT" in body
    assert "UID:" in body
    first_session = next(d for d in all_days(plan) if d.routine)
    assert f"DTSTART;VALUE=DATE:{first_session.day:%Y%m%d}" in body


def test_settings_re_plans_with_a_new_goal_and_the_calendar_feed_can_be_made_and_turned_off(
    page: Page, live_server: LiveServer
) -> None:
    guest = make_plan(page, live_server)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").tap()
    expect(page).to_have_url(live_server("/settings"))
    expect(page.get_by_role("radio", name=ANSWERS["goal"])).to_be_checked()
    for number, name in enumerate(WEEKDAY_NAMES):
        ticked = page.get_by_role("checkbox", name=name, exact=True)
        expect(ticked).to_be_checked(checked=number in guest.days)
    page.get_by_role("radio", name="Desk breaks").check()
    page.get_by_role("button", name="Save and re-plan").tap()

    expect(page).to_have_url(live_server("/plan"))
    expect(page.locator("p.lead")).to_have_text("Foundation phase · week 1")
    assert_plan_shows(page, guest.plan(goal=Goal.DESK))
    page.goto(live_server("/settings"))
    expect(page.get_by_role("radio", name="Desk breaks")).to_be_checked()

    url = make_a_calendar_address(page, live_server)
    expect_a_calendar_from_the_first_session(page, url, guest.plan(goal=Goal.DESK))

    page.get_by_role("button", name="Turn the feed off").tap()
    expect(page).to_have_url(live_server("/settings#calendar"))
    expect(page.get_by_role("button", name="Make a calendar address")).to_be_visible()
    expect(page.get_by_label("Your calendar address")).to_have_count(0)
    assert page.request.get(url).status == 404


def test_a_skipped_day_leaves_the_calendar_feed_and_its_made_up_session_joins_it(
    page: Page, live_server: LiveServer
) -> None:
    guest = make_plan(page, live_server)
    strength = [
        d.day
        for d in all_days(guest.plan())[:7]
        if d.kind is DayKind.STRENGTH and d.day > guest.today
    ]
    assert strength, "no strength day after today this week"
    skipped = strength[0]
    after = guest.plan(History(skips=frozenset({skipped})))
    landed = next(d for d in all_days(after) if d.moved_from == skipped)

    open_day(page, live_server, skipped)
    page.get_by_role("button", name="Skip this day").tap()
    expect(page.get_by_role("button", name="Undo skip")).to_be_visible()
    page.goto(live_server("/settings"))
    page.get_by_role("button", name="Make a calendar address").tap()
    body = page.request.get(page.get_by_label("Your calendar address").input_value()).text()

    assert f"DTSTART;VALUE=DATE:{landed.day:%Y%m%d}" in body
    assert f"DTSTART;VALUE=DATE:{skipped:%Y%m%d}" not in body, (
        f"the feed still has a session on {skipped:%A %-d %B}, the day that was skipped"
    )
