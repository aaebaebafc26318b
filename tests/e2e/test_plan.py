"""The plan on a phone: onboarding, the weeks, skipping and moving a day, vacations, settings.

Each test is a fresh guest whose program starts on the day it onboards: the pinned `TEST_TODAY`
(the server's and the phone's clocks both read `TEST_NOW`). What the pages should show is worked
out with `routines.plan.build.build_plan` for the same answers, so no date is hard-coded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from routines.catalog.load import load_catalog
from routines.catalog.model import Equipment, Goal
from routines.plan.build import build_plan
from routines.plan.history import History, Move
from routines.plan.model import DayKind, DayStatus, Experience, Plan, PlannedDay, Program
from routines.session import compile_session
from tests.conftest import TEST_TODAY
from tests.e2e.conftest import ConsoleWatch, LiveServer, start_clock

CATALOG = load_catalog()
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ANSWERS = {
    "goal": "Hip strength for lifting",
    "experience": "Some experience",
    "equipment": "Mini band",
}
#: The four session days, counted from the day the guest onboards (weeks start that day), so
#: every week looks alike whatever the weekday: strength today, then mobility, rest, strength,
#: rest, mobility, rest.
SESSION_OFFSETS = (0, 1, 3, 5)
PLAN_WEEKS = 9  # the app plans the current week and 8 more
KIND_LABELS = {DayKind.STRENGTH: "Strength", DayKind.MOBILITY: "Mobility", DayKind.REST: "Rest"}


# --- what the app should show ------------------------------------------------------------------


def session_days(today: date) -> tuple[int, ...]:
    return tuple(sorted((today.weekday() + offset) % 7 for offset in SESSION_OFFSETS))


@dataclass(frozen=True)
class Guest:
    """A guest who onboarded on `today` choosing the weekdays `days` and `ANSWERS`."""

    today: date
    days: tuple[int, ...]

    def plan(self, history: History | None = None, goal: Goal = Goal.LIFTING) -> Plan:
        """The plan the app should show this guest."""
        program = Program(
            start=self.today,
            goal=goal,
            session_days=self.days,
            experience=Experience.SOME,
            equipment=frozenset({Equipment.MINI_BAND}),
        )
        return build_plan(program, history or History(), CATALOG, self.today, PLAN_WEEKS)


def kind_text(day: PlannedDay) -> str:
    """How the plan shows a day's kind: "Strength", or "Strength · skipped" off the plan."""
    label = KIND_LABELS[day.kind]
    return label if day.status is DayStatus.PLANNED else f"{label} · {day.status.value}"


def routine_text(day: PlannedDay) -> str:
    return f"{day.routine.name} · {day.minutes} min" if day.routine else ""


def all_days(plan: Plan) -> list[PlannedDay]:
    return [day for week in plan.weeks for day in week.days]


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B}"


# --- what the page shows -----------------------------------------------------------------------


def answer_the_questions(page: Page) -> tuple[int, ...]:
    """Tick `ANSWERS` and four days from the pinned today; the days ticked."""
    days = session_days(TEST_TODAY)
    page.get_by_role("radio", name=ANSWERS["goal"]).check()
    for number, name in enumerate(WEEKDAY_NAMES):
        page.get_by_role("checkbox", name=name, exact=True).set_checked(number in days)
    page.get_by_role("radio", name=ANSWERS["experience"]).check()
    page.get_by_role("checkbox", name=ANSWERS["equipment"]).check()
    return days


def make_plan(page: Page, live_server: LiveServer) -> Guest:
    """Onboard with `ANSWERS`."""
    page.goto(live_server("/start"))
    days = answer_the_questions(page)
    page.get_by_role("button", name="Make my plan").tap()
    expect(page).to_have_url(live_server("/plan"))
    return Guest(shown_today(page), days)


def shown_today(page: Page) -> date:
    """The day the plan page marks as today."""
    href = page.locator('.plan-day a[aria-current="date"]').get_attribute("href")
    assert href, "the plan marks no day as today"
    return date.fromisoformat(href.rsplit("/", 1)[1])


def shown_days(page: Page) -> dict[date, tuple[str, str]]:
    """Every day on the plan page: its kind (with status) and its routine line."""
    expect(page.get_by_role("heading", name="Your plan", level=1)).to_be_visible()
    rows = page.locator(".plan-day a").evaluate_all(
        """(links) => links.map((a) => [
            a.getAttribute('href'),
            a.querySelector('.plan-kind')?.textContent.trim() ?? '',
            a.querySelector('.plan-routine')?.textContent.trim() ?? '',
        ])"""
    )
    return {date.fromisoformat(href.rsplit("/", 1)[1]): (kind, line) for href, kind, line in rows}


def assert_plan_shows(page: Page, plan: Plan) -> None:
    """Every day the page shows is the day `plan` holds."""
    shown = shown_days(page)
    expected = {d.day: (kind_text(d), routine_text(d)) for d in all_days(plan) if d.day in shown}
    assert len(expected) == len(shown), "the page shows days the plan does not hold"
    wrong = {day: (shown[day], want) for day, want in expected.items() if shown[day] != want}
    assert not wrong, "days shown differently from the plan (shown, expected):\n" + "\n".join(
        f"{day}: {got} != {want}" for day, (got, want) in wrong.items()
    )


def open_day(page: Page, live_server: LiveServer, day: date) -> None:
    """Tap the day on the plan page."""
    if page.url != live_server("/plan"):
        page.goto(live_server("/plan"))
    page.locator(f'.plan-day a[href="/plan/{day.isoformat()}"]').tap()
    expect(page).to_have_url(live_server(f"/plan/{day.isoformat()}"))
    expect(page.get_by_role("heading", name=long_date(day), level=1)).to_be_visible()


# --- the tests ---------------------------------------------------------------------------------


def test_a_new_visitor_plans_their_weeks_from_today_and_today_then_shows_the_planned_day(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server("/"))
    card = page.locator("#plan-invitation")
    expect(card.get_by_role("heading", name="Get a plan for your weeks")).to_be_visible()
    card.get_by_role("link", name="Plan my weeks").tap()
    expect(page).to_have_url(live_server("/start"))
    expect(page.get_by_role("heading", name="Plan your weeks", level=1)).to_be_visible()
    # Every question has an answer ticked already.
    expect(page.get_by_role("radio", name="General hip health")).to_be_checked()
    for name in ("Monday", "Wednesday", "Friday"):
        expect(page.get_by_role("checkbox", name=name, exact=True)).to_be_checked()
    expect(page.get_by_role("radio", name="New to it")).to_be_checked()

    days = answer_the_questions(page)
    page.get_by_role("button", name="Make my plan").tap()

    expect(page).to_have_url(live_server("/plan"))
    expect(page.locator("p.lead")).to_have_text("Foundation phase · week 1")
    today = shown_today(page)
    plan = Guest(today, days).plan()
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
    assert_plan_shows(page, plan)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Today").tap()
    expect(page).to_have_url(live_server("/"))
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


def test_skipping_a_strength_day_moves_it_to_a_free_day_and_undo_skip_puts_it_back(
    page: Page, live_server: LiveServer
) -> None:
    guest = make_plan(page, live_server)
    today, plan = guest.today, guest.plan()
    # A strength day after today whose skip the plan makes up for later that week (with
    # `SESSION_OFFSETS` the strength day three days on moves to the day after it).
    strength_days = [
        d.day
        for d in all_days(plan)[:14]
        if d.kind is DayKind.STRENGTH and d.day > today and d.routine
    ]
    assert strength_days, "no strength day in the next two weeks"

    def made_up(skipped: date) -> PlannedDay | None:
        after = guest.plan(History(skips=frozenset({skipped})))
        return next((d for d in all_days(after) if d.moved_from == skipped), None)

    skipped = next(d for d in strength_days if made_up(d))
    landed = made_up(skipped)
    assert landed is not None
    after_skip = guest.plan(History(skips=frozenset({skipped})))

    open_day(page, live_server, skipped)
    expect(page.locator("p.lead")).to_have_text("Strength")
    page.get_by_role("button", name="Skip this day").tap()

    expect(page).to_have_url(live_server(f"/plan/{skipped.isoformat()}"))
    expect(page.get_by_role("button", name="Undo skip")).to_be_visible()
    expect(page.get_by_role("button", name="Skip this day")).to_have_count(0)
    expect(page.locator("p.lead")).to_have_text("Strength · skipped")

    page.get_by_role("link", name="← Your plan").tap()
    expect(page).to_have_url(live_server("/plan"))
    assert shown_days(page)[skipped][0] == "Strength · skipped"
    assert_plan_shows(page, after_skip)
    assert shown_days(page)[landed.day] == ("Strength", routine_text(landed))
    open_day(page, live_server, landed.day)
    expect(page.locator("p.lead")).to_have_text("Strength")
    expect(page.get_by_role("note")).to_have_text(
        f"Moved from {skipped:%A} so the week's strength work still happens."
    )
    expect(page.get_by_text(f"Moved here from {skipped:%A}.")).to_be_visible()

    open_day(page, live_server, skipped)
    page.get_by_role("button", name="Undo skip").tap()
    expect(page.get_by_role("button", name="Skip this day")).to_be_visible()
    expect(page.locator("p.lead")).to_have_text("Strength")
    page.get_by_role("link", name="← Your plan").tap()
    assert_plan_shows(page, plan)


def test_moving_a_session_with_the_select_puts_it_on_the_chosen_day(
    page: Page, live_server: LiveServer
) -> None:
    guest = make_plan(page, live_server)
    today, plan = guest.today, guest.plan()

    def free_later(source: PlannedDay) -> list[date]:
        week = plan.week_of(source.day)
        assert week is not None
        return [
            d.day
            for d in week.days
            if d.day > source.day and not d.has_session and d.status is DayStatus.PLANNED
        ]

    # A mobility session (rule 1 only limits strength days) and a free day after it that week,
    # past the week's other mobility session if it can: each session keeps its routine.
    moves = [
        (d, target)
        for d in all_days(plan)[:14]
        if d.kind is DayKind.MOBILITY and d.day >= today and d.routine
        for target in free_later(d)
    ]
    assert moves, "no mobility session with a free day after it in the next two weeks"

    def overtakes(source: PlannedDay, target: date) -> bool:
        return any(d.kind is source.kind and source.day < d.day < target for d in all_days(plan))

    source, target = next(((d, t) for d, t in moves if overtakes(d, t)), moves[0])
    assert source.routine is not None
    moved = guest.plan(History(moves=(Move(source.day, target),)))

    open_day(page, live_server, source.day)
    page.get_by_label("Move this session to").select_option(target.isoformat())
    page.get_by_role("button", name="Move", exact=True).tap()

    expect(page).to_have_url(live_server(f"/plan/{target.isoformat()}"))
    expect(page.get_by_role("heading", name=long_date(target), level=1)).to_be_visible()
    expect(page.locator("p.lead")).to_have_text("Mobility")
    expect(page.get_by_text(f"Moved here from {source.day:%A}.")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^Start "))).to_be_visible()

    page.get_by_role("link", name="← Your plan").tap()
    shown = shown_days(page)
    assert shown[source.day] == ("Rest · moved", "")
    assert shown[target][0] == "Mobility"
    assert_plan_shows(page, moved)
    # The session moved is the one that was on the source day, not another of the week's.
    assert shown[target][1].startswith(f"{source.routine.name} · "), (
        f"{source.routine.name} was moved from {source.day:%A} to {target:%A}, "
        f"but {target:%A} shows {shown[target][1]!r}"
    )
    open_day(page, live_server, target)
    expect(page.get_by_role("link", name=f"Start {source.routine.name}")).to_be_visible()


def test_the_move_select_offers_only_free_days_later_in_the_same_week(
    page: Page, live_server: LiveServer
) -> None:
    """The day page, the move's error and the view all say "a free day later in the same week"."""
    plan = make_plan(page, live_server).plan()
    week = plan.weeks[1]  # all of next week is still ahead
    free = [d.day for d in week.days if not d.has_session and d.status is DayStatus.PLANNED]
    # A session with a free day before it in its week, so an earlier day could wrongly show up.
    source = next(d for d in week.days if d.has_session and d.routine and free[0] < d.day)

    open_day(page, live_server, source.day)
    options = page.get_by_label("Move this session to").locator("option")
    offered = [date.fromisoformat(v) for v in options.evaluate_all("(os) => os.map(o => o.value)")]
    later = [day for day in free if day > source.day]
    assert offered == later, (
        f"moving {source.day:%A %d %b} offers {[f'{d:%a %d}' for d in offered]}, "
        f"expected only the free days after it: {[f'{d:%a %d}' for d in later]}"
    )


def test_a_vacation_marks_its_days_and_a_backwards_range_is_refused_with_the_dates_kept(
    page: Page, live_server: LiveServer, console: ConsoleWatch
) -> None:
    console.allow(r"status of 422")
    guest = make_plan(page, live_server)
    today = guest.today
    first, last = today + timedelta(days=1), today + timedelta(days=3)

    page.get_by_label("First day").fill(first.isoformat())
    page.get_by_label("Last day").fill(last.isoformat())
    page.get_by_role("button", name="Add vacation").tap()

    expect(page).to_have_url(live_server("/plan"))
    vacations = page.locator("#vacation-heading ~ ul .card")
    expect(vacations).to_have_count(1)
    expect(vacations).to_contain_text(f"{first:%-d %b %Y} – {last:%-d %b %Y}")
    shown = shown_days(page)
    for offset in range(3):
        assert shown[first + timedelta(days=offset)] == ("Rest · vacation", "")
    assert shown[today][0] != "Rest · vacation"
    assert shown[last + timedelta(days=1)][0] != "Rest · vacation"
    assert_plan_shows(page, guest.plan(History(vacations=((first, last),))))

    open_day(page, live_server, first)
    expect(page.get_by_text("You're on vacation. Enjoy it.")).to_be_visible()
    expect(page.get_by_role("button", name="Skip this day")).to_have_count(0)

    page.get_by_role("link", name="← Your plan").tap()
    page.get_by_role("button", name="Remove this vacation").tap()
    expect(page).to_have_url(live_server("/plan"))
    expect(page.locator("#vacation-heading ~ ul .card")).to_have_count(0)
    assert_plan_shows(page, guest.plan())

    page.get_by_label("First day").fill(last.isoformat())
    page.get_by_label("Last day").fill(first.isoformat())
    with page.expect_response(
        lambda r: r.url == live_server("/plan/vacations") and r.request.method == "POST"
    ) as answer:
        page.get_by_role("button", name="Add vacation").tap()
    assert answer.value.status == 422
    expect(page.get_by_role("alert")).to_have_text("The last day can't come before the first.")
    expect(page.get_by_label("First day")).to_have_value(last.isoformat())
    expect(page.get_by_label("Last day")).to_have_value(first.isoformat())
    expect(page.locator("#vacation-heading ~ ul .card")).to_have_count(0)


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

    page.get_by_role("button", name="Make a calendar address").tap()
    expect(page).to_have_url(live_server("/settings#calendar"))
    address = page.get_by_label("Your calendar address")
    expect(address).to_have_attribute("readonly", "")
    url = address.input_value()
    assert re.fullmatch(re.escape(live_server("/calendar/")) + r"[\w-]+\.ics", url), url

    feed = page.request.get(url)
    assert feed.status == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    body = feed.text()
    assert "BEGIN:VCALENDAR" in body
    assert "BEGIN:VEVENT" in body
    assert "UID:" in body
    first_session = next(d for d in all_days(guest.plan(goal=Goal.DESK)) if d.routine)
    assert f"DTSTART;VALUE=DATE:{first_session.day:%Y%m%d}" in body

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
