"""Settings → Reminders called directly: the form as saved, its checks in words, and saving it.

The user lives in UTC; the form is sent on Wednesday 4 March 2026 at 09:00.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from tests.services.conftest import NOW
from tests.services.fake_reminders import FakeReminderStore
from tests.services.fakes import FakeTrainingStore
from webapp.services import plans
from webapp.services.reminder_settings import (
    ReminderForm,
    parse_reminders,
    reminder_form,
    save_reminders,
    saved,
)
from webapp.store.models import User

TODAY = NOW.date()  # a Wednesday
FRIDAY = TODAY + timedelta(days=2)

#: Session reminders at 06:45 on Monday, Wednesday and Friday; desk breaks every hour from
#: 09:30 to 17:30 on weekdays; reminders paused until Sunday.
TYPED = {
    "session_on": "on",
    "session_at": " 06:45 ",
    "session_follow": "days",
    "desk_on": "on",
    "desk_every": "60",
    "desk_from": "09:30",
    "desk_until": "17:30",
    "paused_until": "2026-03-08",
}
DAYS = {"session_days": ["mon", "wed", "fri"], "desk_days": ["mon", "tue", "wed", "thu", "fri"]}


def answered(
    form: dict[str, str] | None = None, lists: dict[str, list[str]] | None = None
) -> ReminderForm:
    """The form as sent, with `form` and `lists` changing some answers."""
    return parse_reminders({**TYPED, **(form or {})}, {**DAYS, **(lists or {})}, TODAY)


def test_before_saving_the_form_shows_the_defaults_with_reminders_off(user: User) -> None:
    form = reminder_form({}, user, TODAY)
    assert form == ReminderForm()
    assert not form.session_on and not form.desk_on and form.session_follow_plan


def test_saved_reminders_come_back_in_the_form_as_they_were_typed(
    reminder_store: FakeReminderStore, store: FakeTrainingStore, user: User
) -> None:
    answers = answered()
    assert answers.errors == {}
    save_reminders(reminder_store, user, answers, NOW)
    form = reminder_form(saved(store, reminder_store, user).reminders, user, TODAY)
    assert (form.session_on, form.session_at, form.session_follow_plan) == (True, "06:45", False)
    assert form.session_days == ["mon", "wed", "fri"]
    assert (form.desk_on, form.desk_every, form.desk_from, form.desk_until) == (
        True, "60", "09:30", "17:30",
    )  # fmt: skip
    assert form.desk_days == ["mon", "tue", "wed", "thu", "fri"]
    assert form.paused_until == "2026-03-08"


def test_a_pause_that_has_ended_is_left_out_of_the_form(
    reminder_store: FakeReminderStore, store: FakeTrainingStore, user: User
) -> None:
    save_reminders(reminder_store, user, answered(), NOW)
    reminders = saved(store, reminder_store, user).reminders
    assert reminder_form(reminders, user, date(2026, 3, 8)).paused_until == "2026-03-08"
    assert reminder_form(reminders, user, date(2026, 3, 9)).paused_until == ""


CLOCK = "Give the time as hours and minutes, like 07:00."
HOURS = "Give your working hours as hours and minutes, like 09:00 and 17:00."
EVERY = "A desk break comes every 30 to 180 minutes."
PASSED = "That date has passed; pick today or a later day."


@pytest.mark.parametrize(
    ("form", "lists", "errors"),
    [
        ({"session_at": "7 o'clock"}, {}, {"session_at": CLOCK}),
        ({}, {"session_days": ["mon", "someday"]},
         {"days": "Days must be weekdays, Monday to Sunday."}),
        ({}, {"session_days": []},
         {"session_days": "Choose at least one day, or follow your plan's session days."}),
        ({"desk_every": "29"}, {}, {"desk_every": EVERY}),
        ({"desk_every": "181"}, {}, {"desk_every": EVERY}),
        ({"desk_every": "lots"}, {}, {"desk_every": EVERY}),
        ({"desk_until": "5pm"}, {}, {"desk_hours": HOURS}),
        ({"desk_until": "09:00"}, {}, {"desk_hours": "Your working day must end after it starts."}),
        ({"desk_until": "10:15"}, {},
         {"desk_hours": "Your working hours are shorter than one interval between breaks."}),
        ({}, {"desk_days": []}, {"desk_days": "Choose at least one day for desk breaks."}),
        ({"paused_until": "8 March"}, {},
         {"paused_until": "Give the date as year, month and day, like 2026-12-24."}),
        ({"paused_until": "2026-03-03"}, {}, {"paused_until": PASSED}),
        ({"paused_until": "1999-12-31"}, {}, {"paused_until": PASSED}),
        ({"paused_until": "2027-03-06"}, {}, {"paused_until": "Pause for a year at most."}),
    ],
)  # fmt: skip
def test_each_wrong_answer_is_refused_in_words_and_the_answers_are_kept(
    form: dict[str, str], lists: dict[str, list[str]], errors: dict[str, str]
) -> None:
    answers = answered(form, lists)
    assert answers.errors == errors
    kept = {**TYPED, **form}
    assert (answers.session_at, answers.desk_every) == (
        kept["session_at"].strip(), kept["desk_every"],
    )  # fmt: skip
    assert (answers.desk_from, answers.desk_until, answers.paused_until) == (
        kept["desk_from"], kept["desk_until"], kept["paused_until"],
    )  # fmt: skip
    assert answers.session_days == {**DAYS, **lists}["session_days"]


def test_days_left_empty_are_fine_while_that_reminder_is_off() -> None:
    answers = answered({"session_on": "", "desk_on": ""}, {"session_days": [], "desk_days": []})
    assert answers.errors == {}


def test_saving_schedules_each_reminder_on_and_none_switched_off(
    reminder_store: FakeReminderStore, user: User
) -> None:
    save_reminders(reminder_store, user, answered({"desk_on": ""}), NOW)
    rows = reminder_store.reminders(user.id or 0)
    session, desk = rows["session"], rows["desk"]
    assert session.next_fire_utc == datetime(2026, 3, 6, 6, 45, tzinfo=UTC), "Friday's"
    assert (session.at, session.weekdays) == (time(6, 45), "0,2,4")
    assert not desk.enabled and desk.next_fire_utc is None
    assert (desk.at, desk.until, desk.every) == (time(9, 30), time(17, 30), 60), "kept for later"


def test_saving_twice_keeps_one_reminder_of_each_kind_with_the_newest_answers(
    reminder_store: FakeReminderStore, user: User
) -> None:
    save_reminders(reminder_store, user, answered(), NOW)
    save_reminders(reminder_store, user, answered({"session_at": "18:00"}), NOW)
    rows = reminder_store.reminders(user.id or 0)
    assert sorted(rows) == ["desk", "session"]
    assert rows["session"].at == time(18, 0)
    assert rows["session"].next_fire_utc == datetime(2026, 3, 4, 18, 0, tzinfo=UTC), "tonight"


def test_saving_a_pause_pauses_until_that_day_and_saving_none_ends_it(
    reminder_store: FakeReminderStore, store: FakeTrainingStore, user: User
) -> None:
    save_reminders(reminder_store, user, answered(), NOW)
    stored = store.user(user.id or 0)
    assert stored is not None and stored.reminders_paused_until == date(2026, 3, 8)
    save_reminders(reminder_store, user, answered({"paused_until": ""}), NOW)
    assert stored.reminders_paused_until is None and user.reminders_paused_until is None


def test_saved_says_whether_there_is_a_plan_to_follow_and_lists_only_ones_own_reminders(
    reminder_store: FakeReminderStore, store: FakeTrainingStore, user: User
) -> None:
    other = store.add_user(time_zone="UTC")
    save_reminders(reminder_store, other, answered(), NOW)
    before = saved(store, reminder_store, user)
    assert before.reminders == {} and not before.has_program
    plans.save_program(store, user, plans.ProgramForm(), TODAY)
    save_reminders(reminder_store, user, answered(), NOW)
    after = saved(store, reminder_store, user)
    assert after.has_program
    assert {r.user_id for r in after.reminders.values()} == {user.id}
