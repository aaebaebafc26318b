"""A guest's plan for the plan tests: what the pages should show, worked out with `build_plan`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from playwright.sync_api import Page, expect

from routines.catalog.load import load_catalog
from routines.catalog.model import Equipment, Goal
from routines.plan.build import build_plan
from routines.plan.history import History
from routines.plan.model import DayKind, DayStatus, Experience, Plan, PlannedDay, Program
from tests.conftest import TEST_TODAY
from tests.e2e.conftest import LiveServer

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
    page.get_by_role("link", name="Skip this step").tap()  # the precautions step
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
