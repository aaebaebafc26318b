"""The plan's use cases alone: onboarding, the plan for a day, skips, moves and vacations."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from routines.catalog.model import Catalog
from routines.plan.calendar import move_targets
from routines.plan.model import DayKind, DayStatus, Plan
from tests.services.conftest import NOW
from tests.services.fakes import FakeTrainingStore
from webapp.services import plans
from webapp.store.models import User

TODAY = NOW.date()  # a Wednesday


def onboard(store: FakeTrainingStore, user: User, days: list[str]) -> None:
    answers = plans.parse_program({"goal": "lifting"}, {"days": days})
    assert not answers.errors
    plans.save_program(store, user, answers, TODAY)


def plan_of(store: FakeTrainingStore, catalog: Catalog, user: User) -> Plan:
    plan = plans.plan_for(store, catalog, user, TODAY)
    assert plan is not None
    return plan


@pytest.fixture
def planned(store: FakeTrainingStore, catalog: Catalog, user: User) -> Plan:
    """A user training Monday, Wednesday and Friday, from today."""
    onboard(store, user, ["mon", "wed", "fri"])
    return plan_of(store, catalog, user)


def next_session_day(plan: Plan) -> date:
    return next(d.day for w in plan.weeks for d in w.days if d.has_session and d.day > TODAY)


def test_before_onboarding_there_is_no_plan_and_the_form_has_defaults(
    store: FakeTrainingStore, catalog: Catalog, user: User
) -> None:
    assert plans.plan_for(store, catalog, user, TODAY) is None
    assert plans.current_form(store, user) == plans.ProgramForm()


def test_the_answers_saved_come_back_in_the_form_and_plan_each_day(
    store: FakeTrainingStore, planned: Plan, user: User
) -> None:
    form = plans.current_form(store, user)
    assert (form.goal, form.days) == ("lifting", ["mon", "wed", "fri"])
    today = planned.day(TODAY)
    assert today is not None and today.has_session and today.status is DayStatus.PLANNED
    thursday = planned.day(TODAY + timedelta(days=1))
    assert thursday is not None and thursday.kind is DayKind.REST


def test_one_day_of_the_week_is_too_few_and_said_so() -> None:
    answers = plans.parse_program({}, {"days": ["mon"]})
    assert answers.errors == {"days": "Choose between 2 and 6 days for longer sessions."}


def test_a_skipped_day_is_skipped_until_taken_back(
    store: FakeTrainingStore, catalog: Catalog, user: User, planned: Plan
) -> None:
    assert plans.skip_day(store, user, planned, TODAY, TODAY) is None
    skipped = plan_of(store, catalog, user).day(TODAY)
    assert skipped is not None and skipped.status is DayStatus.SKIPPED
    assert plans.skipped_days(store, user.id or 0) == {TODAY}
    assert plans.unskip_day(store, user, TODAY)
    again = plan_of(store, catalog, user).day(TODAY)
    assert again is not None and again.status is DayStatus.PLANNED


def test_a_past_day_or_a_rest_day_cannot_be_skipped(
    store: FakeTrainingStore, user: User, planned: Plan
) -> None:
    monday = TODAY - timedelta(days=2)
    assert plans.skip_day(store, user, planned, monday, TODAY) is not None
    thursday = TODAY + timedelta(days=1)
    assert plans.skip_day(store, user, planned, thursday, TODAY) == (
        "There is no session to skip on that day."
    )
    assert store.events == []


def test_a_session_moves_to_a_free_day_later_in_its_week(
    store: FakeTrainingStore, catalog: Catalog, user: User, planned: Plan
) -> None:
    targets = move_targets(planned, TODAY, TODAY)
    assert targets, "Thursday, Saturday and Sunday are free"
    target = targets[-1]
    today = planned.day(TODAY)
    assert today is not None
    assert plans.move_day(store, catalog, user, planned, TODAY, target, TODAY) is None
    moved = plan_of(store, catalog, user).day(target)
    assert moved is not None and moved.kind is today.kind


def test_a_session_cannot_move_to_another_week(
    store: FakeTrainingStore, catalog: Catalog, user: User, planned: Plan
) -> None:
    next_week = TODAY + timedelta(days=7)
    error = plans.move_day(store, catalog, user, planned, TODAY, next_week, TODAY)
    assert error == "Pick a free day later in the same week."
    assert store.events == []


def test_a_vacation_plans_nothing_and_can_end_early(
    store: FakeTrainingStore, catalog: Catalog, user: User, planned: Plan
) -> None:
    first, last = TODAY, TODAY + timedelta(days=6)
    assert plans.add_vacation(store, user, first, last) is None
    during = plan_of(store, catalog, user).day(next_session_day(planned))
    assert during is not None and during.status is DayStatus.VACATION
    [vacation] = plans.vacations(store, user)
    stranger = store.add_user()
    assert not plans.end_vacation(store, stranger, vacation.id or 0), "only one's own"
    assert plans.end_vacation(store, user, vacation.id or 0)
    after = plan_of(store, catalog, user).day(next_session_day(planned))
    assert after is not None and after.status is DayStatus.PLANNED


def test_a_vacation_ending_before_it_starts_is_refused(
    store: FakeTrainingStore, user: User, planned: Plan
) -> None:
    error = plans.add_vacation(store, user, TODAY, TODAY - timedelta(days=1))
    assert error == "The last day can't come before the first."
    assert plans.vacations(store, user) == []


def test_a_calendar_feed_address_opens_the_plan_until_stopped_or_replaced(
    store: FakeTrainingStore, user: User
) -> None:
    first = plans.new_calendar_token(store, user)
    assert plans.calendar_owner(store, first) is user
    second = plans.new_calendar_token(store, user)
    assert plans.calendar_owner(store, first) is None, "the old address stops working"
    plans.stop_calendar_feed(store, user)
    assert plans.calendar_owner(store, second) is None


def test_before_onboarding_there_is_no_saved_program_and_its_form_has_the_defaults(
    store: FakeTrainingStore, user: User
) -> None:
    assert plans.saved_program(store, user) is None
    form = plans.program_form(None)
    assert form == plans.ProgramForm()
    assert (form.days, form.equipment, form.deload_every) == (["mon", "wed", "fri"], [], "4")


def test_the_form_shows_the_newest_program_saved_and_not_another_users(
    store: FakeTrainingStore, user: User
) -> None:
    first = plans.parse_program({"goal": "lifting"}, {"days": ["mon", "wed", "fri"]})
    plans.save_program(store, user, first, TODAY - timedelta(days=7))
    typed = {"goal": "running", "experience": "trained", "deload_every": "3"}
    kit = {"days": ["sat", "tue", "thu"], "equipment": ["strap", "mini band", "none"]}
    changed = plans.parse_program(typed, kit)
    assert not changed.errors
    plans.save_program(store, user, changed, TODAY)
    plans.save_program(store, store.add_user(), first, TODAY + timedelta(days=1))

    newest = plans.saved_program(store, user)
    assert newest is not None and newest.effective_from == TODAY
    assert newest.start == TODAY - timedelta(days=7), "the program still starts when it began"
    form = plans.program_form(newest)
    assert (form.goal, form.experience, form.deload_every) == ("running", "trained", "3")
    assert form.days == ["tue", "thu", "sat"], "in week order"
    assert form.equipment == ["mini band", "strap"], '"none" is no kit'
