"""Changing the plan on a phone: skipping and moving a day, and vacations.

Each test is a fresh guest whose program starts on the pinned `TEST_TODAY`; what the pages should
show is worked out with `routines.plan.build.build_plan` for the same answers.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from routines.plan.history import History, Move
from routines.plan.model import DayKind, DayStatus, PlannedDay
from tests.e2e.conftest import ConsoleWatch, LiveServer
from tests.e2e.plan_guest import (
    Guest,
    all_days,
    assert_plan_shows,
    long_date,
    make_plan,
    open_day,
    routine_text,
    shown_days,
)


def a_strength_day_made_up_later(guest: Guest) -> tuple[date, PlannedDay]:
    """A strength day after today whose skip the plan makes up for later that week (with
    `SESSION_OFFSETS` the strength day three days on moves to the day after it); that day and
    where it lands."""
    today, plan = guest.today, guest.plan()
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
    return skipped, landed


def skip_the_day(page: Page, live_server: LiveServer, skipped: date) -> None:
    open_day(page, live_server, skipped)
    expect(page.locator("p.lead")).to_have_text("Strength")
    page.get_by_role("button", name="Skip this day").tap()

    expect(page).to_have_url(live_server(f"/plan/{skipped.isoformat()}"))
    expect(page.get_by_role("button", name="Undo skip")).to_be_visible()
    expect(page.get_by_role("button", name="Skip this day")).to_have_count(0)
    expect(page.locator("p.lead")).to_have_text("Strength · skipped")


def test_skipping_a_strength_day_moves_it_to_a_free_day_and_undo_skip_puts_it_back(
    page: Page, live_server: LiveServer
) -> None:
    guest = make_plan(page, live_server)
    plan = guest.plan()
    skipped, landed = a_strength_day_made_up_later(guest)
    after_skip = guest.plan(History(skips=frozenset({skipped})))
    skip_the_day(page, live_server, skipped)

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


def a_mobility_session_and_a_free_day_after_it(guest: Guest) -> tuple[PlannedDay, date]:
    """A mobility session (rule 1 only limits strength days) and a free day after it that week,
    past the week's other mobility session if it can: each session keeps its routine."""
    today, plan = guest.today, guest.plan()

    def free_later(source: PlannedDay) -> list[date]:
        week = plan.week_of(source.day)
        assert week is not None
        return [
            d.day
            for d in week.days
            if d.day > source.day and not d.has_session and d.status is DayStatus.PLANNED
        ]

    moves = [
        (d, target)
        for d in all_days(plan)[:14]
        if d.kind is DayKind.MOBILITY and d.day >= today and d.routine
        for target in free_later(d)
    ]
    assert moves, "no mobility session with a free day after it in the next two weeks"

    def overtakes(source: PlannedDay, target: date) -> bool:
        return any(d.kind is source.kind and source.day < d.day < target for d in all_days(plan))

    return next(((d, t) for d, t in moves if overtakes(d, t)), moves[0])


def move_with_the_select(page: Page, live_server: LiveServer, source: date, target: date) -> None:
    open_day(page, live_server, source)
    page.get_by_label("Move this session to").select_option(target.isoformat())
    page.get_by_role("button", name="Move", exact=True).tap()


def test_moving_a_session_with_the_select_puts_it_on_the_chosen_day(
    page: Page, live_server: LiveServer
) -> None:
    guest = make_plan(page, live_server)
    source, target = a_mobility_session_and_a_free_day_after_it(guest)
    assert source.routine is not None
    moved = guest.plan(History(moves=(Move(source.day, target),)))
    move_with_the_select(page, live_server, source.day, target)

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


def add_a_vacation(page: Page, first: date, last: date) -> None:
    page.get_by_label("First day").fill(first.isoformat())
    page.get_by_label("Last day").fill(last.isoformat())
    page.get_by_role("button", name="Add vacation").tap()


def expect_the_vacation_on_the_plan(page: Page, guest: Guest, first: date, last: date) -> None:
    """The vacation is listed and only its three days show as vacation."""
    vacations = page.locator("#vacation-heading ~ ul .card")
    expect(vacations).to_have_count(1)
    expect(vacations).to_contain_text(f"{first:%-d %b %Y} – {last:%-d %b %Y}")
    shown = shown_days(page)
    for offset in range(3):
        assert shown[first + timedelta(days=offset)] == ("Rest · vacation", "")
    assert shown[guest.today][0] != "Rest · vacation"
    assert shown[last + timedelta(days=1)][0] != "Rest · vacation"
    assert_plan_shows(page, guest.plan(History(vacations=((first, last),))))


def test_a_vacation_marks_its_days_and_a_backwards_range_is_refused_with_the_dates_kept(
    page: Page, live_server: LiveServer, console: ConsoleWatch
) -> None:
    console.allow(r"status of 422")
    guest = make_plan(page, live_server)
    first, last = guest.today + timedelta(days=1), guest.today + timedelta(days=3)
    add_a_vacation(page, first, last)
    expect(page).to_have_url(live_server("/plan"))
    expect_the_vacation_on_the_plan(page, guest, first, last)

    open_day(page, live_server, first)
    expect(page.get_by_text("You're on vacation. Enjoy it.")).to_be_visible()
    expect(page.get_by_role("button", name="Skip this day")).to_have_count(0)

    page.get_by_role("link", name="← Your plan").tap()
    page.get_by_role("button", name="Remove this vacation").tap()
    expect(page).to_have_url(live_server("/plan"))
    expect(page.locator("#vacation-heading ~ ul .card")).to_have_count(0)
    assert_plan_shows(page, guest.plan())

    with page.expect_response(
        lambda r: r.url == live_server("/plan/vacations") and r.request.method == "POST"
    ) as answer:
        add_a_vacation(page, last, first)
    assert answer.value.status == 422
    expect(page.get_by_role("alert")).to_have_text("The last day can't come before the first.")
    expect(page.get_by_label("First day")).to_have_value(last.isoformat())
    expect(page.get_by_label("Last day")).to_have_value(first.isoformat())
    expect(page.locator("#vacation-heading ~ ul .card")).to_have_count(0)
