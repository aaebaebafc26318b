"""Recording a finished session, its feedback, and what Today lists: the use cases alone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from routines import bounds
from routines.catalog.model import Catalog
from routines.session import StepKind
from tests.services.conftest import NOW
from tests.services.fake_reminders import FakeReminderStore
from tests.services.fakes import FakeTrainingStore
from webapp.services import plans, reminder_settings, sessions
from webapp.store.models import User

ROUTINE = "pre-run-warm-up"


def finish_form(**changes: str) -> dict[str, str]:
    """The player's finish form for a five-minute session that just ended."""
    form = {
        "routine": ROUTINE,
        "started_at": (NOW - timedelta(minutes=5)).isoformat(),
        "ended_at": NOW.isoformat(),
        "steps_done": "10",
        "steps_total": "10",
        "time_zone": "UTC",
    }
    return {**form, **changes}


def record(
    store: FakeTrainingStore, catalog: Catalog, user: User, op_id: str = "key-0001", **form: str
) -> sessions.Recorded | sessions.CompletionForm:
    reminders = FakeReminderStore(store)
    return sessions.record_session(store, reminders, catalog, user, finish_form(**form), op_id, NOW)


def test_a_finished_session_is_recorded_once_per_key(
    store: FakeTrainingStore, catalog: Catalog, user: User
) -> None:
    first = record(store, catalog, user)
    again = record(store, catalog, user)
    assert isinstance(first, sessions.Recorded) and isinstance(again, sessions.Recorded)
    assert first.created and not again.created
    assert again.completion.public_id == first.completion.public_id
    assert len(store.completions_kept) == 1
    assert store.exercises_of(first.completion.id or 0), "the exercises done are logged with it"


def test_a_session_counts_on_its_local_date_and_the_phones_zone_becomes_the_users(
    store: FakeTrainingStore, catalog: Catalog, user: User
) -> None:
    late_evening = NOW.replace(hour=23, minute=30) - timedelta(days=1)  # 00:30 in Berlin
    recorded = record(
        store, catalog, user,
        started_at=(late_evening - timedelta(minutes=5)).isoformat(),
        ended_at=late_evening.isoformat(),
        time_zone="Europe/Berlin",
    )  # fmt: skip
    assert isinstance(recorded, sessions.Recorded)
    assert recorded.completion.local_date == NOW.date()
    assert user.time_zone == "Europe/Berlin"


def test_a_session_from_a_phone_in_another_zone_moves_the_reminders_to_its_wall_clock(
    store: FakeTrainingStore, catalog: Catalog, reminder_store: FakeReminderStore
) -> None:
    berliner = store.add_user(time_zone="Europe/Berlin")
    form = reminder_settings.ReminderForm(session_on=True, session_at="07:00")
    reminder_settings.save_reminders(reminder_store, berliner, form, NOW)
    session_reminder = reminder_store.reminders(berliner.id or 0)["session"]
    tokyo = finish_form(time_zone="Asia/Tokyo")
    recorded = sessions.record_session(
        store, reminder_store, catalog, berliner, tokyo, "key-0001", NOW
    )
    assert isinstance(recorded, sessions.Recorded)
    assert berliner.time_zone == "Asia/Tokyo"
    assert session_reminder.next_fire_utc == datetime(2026, 3, 4, 22, 0, tzinfo=UTC)  # 07:00


def test_a_zone_chosen_in_settings_stays_when_the_phone_is_elsewhere(
    store: FakeTrainingStore, catalog: Catalog, user: User
) -> None:
    user.time_zone_auto = False
    assert isinstance(record(store, catalog, user, time_zone="Asia/Tokyo"), sessions.Recorded)
    assert user.time_zone == "UTC"


def test_a_session_ending_in_the_future_is_refused_as_a_clock_set_wrong(
    store: FakeTrainingStore, catalog: Catalog, user: User
) -> None:
    later = NOW + timedelta(hours=2)
    refused = record(
        store, catalog, user,
        started_at=(later - timedelta(minutes=5)).isoformat(), ended_at=later.isoformat(),
    )  # fmt: skip
    assert isinstance(refused, sessions.CompletionForm)
    assert refused.errors["ended_at"] == sessions.MESSAGES["future"]
    assert refused.only_clock_wrong
    assert store.completions_kept == []


def test_an_unknown_routine_and_a_bad_effort_are_each_explained(
    store: FakeTrainingStore, catalog: Catalog, user: User
) -> None:
    refused = record(store, catalog, user, routine="no-such-routine", effort="11")
    assert isinstance(refused, sessions.CompletionForm)
    assert set(refused.errors) == {"routine", "effort"}
    assert refused.values["effort"] == "11", "the form keeps what was typed"


def test_a_full_day_takes_no_more_sessions_but_a_replay_still_counts_once(
    store: FakeTrainingStore, catalog: Catalog, user: User
) -> None:
    for n in range(bounds.MOST_SESSIONS_A_DAY):
        assert isinstance(record(store, catalog, user, op_id=f"key-{n:04}"), sessions.Recorded)
    refused = record(store, catalog, user, op_id="key-9999")
    assert isinstance(refused, sessions.CompletionForm)
    assert "the most Hipday keeps for one day" in refused.errors["sessions"]
    replay = record(store, catalog, user, op_id="key-0000")
    assert isinstance(replay, sessions.Recorded) and not replay.created


def test_feedback_changes_effort_pain_and_note(
    store: FakeTrainingStore, catalog: Catalog, user: User
) -> None:
    recorded = record(store, catalog, user)
    assert isinstance(recorded, sessions.Recorded)
    feedback = sessions.parse_feedback({"effort": "7", "pain": "2", "note": "tight left hip"})
    assert isinstance(feedback, sessions.Feedback)
    sessions.save_feedback(store, user, recorded.completion.public_id, feedback)
    found = sessions.find_session(store, user, recorded.completion.public_id)
    assert found is not None
    assert (found.effort, found.pain, found.note) == (7, 2, "tight left hip")


def test_feedback_out_of_range_is_refused_in_words() -> None:
    refused = sessions.parse_feedback({"effort": "0", "pain": "12", "note": ""})
    assert isinstance(refused, sessions.CompletionForm)
    assert refused.errors == {
        "effort": sessions.MESSAGES["effort"], "pain": sessions.MESSAGES["pain"],
    }  # fmt: skip


def test_another_users_session_is_not_found(
    store: FakeTrainingStore, catalog: Catalog, user: User
) -> None:
    recorded = record(store, catalog, user)
    assert isinstance(recorded, sessions.Recorded)
    stranger = store.add_user(time_zone="UTC")
    assert sessions.find_session(store, stranger, recorded.completion.public_id) is None


def test_today_lists_quick_starts_first_and_marks_what_is_done(
    store: FakeTrainingStore, catalog: Catalog, user: User
) -> None:
    assert isinstance(record(store, catalog, user), sessions.Recorded)
    view = sessions.today_view(store, catalog, user, NOW)
    assert view.quick_starts and all(r.quick_start for r in view.quick_starts)
    assert not any(r.quick_start for r in view.others)
    assert view.done_today == {ROUTINE}


def test_the_player_runs_a_planned_day_at_that_days_dosage_and_nothing_else(
    store: FakeTrainingStore, catalog: Catalog, user: User
) -> None:
    answers = plans.parse_program({"goal": "lifting"}, {"days": ["mon", "wed", "fri"]})
    plans.save_program(store, user, answers, NOW.date())
    plan = plans.plan_for(store, catalog, user, NOW.date())
    assert plan is not None
    today = plan.day(NOW.date())
    assert today is not None and today.routine is not None
    slug, day = today.routine.slug, NOW.date().isoformat()
    assert sessions.planned_routine(plan, slug, day, NOW.date()) == today.routine
    assert sessions.planned_routine(plan, "desk-reset", day, NOW.date()) is None
    assert sessions.planned_routine(plan, slug, "2026-13-45", NOW.date()) is None
    assert sessions.planned_routine(None, slug, day, NOW.date()) is None

    recorded = record(store, catalog, user, routine=slug, plan_day=day)
    assert isinstance(recorded, sessions.Recorded)
    assert recorded.routine == today.routine, "logged at the plan's dosage"
    logged = sessions.session_exercises(store, catalog, recorded.completion)
    assert [exercise.slug for exercise, _ in logged if exercise] == [
        p.exercise.slug for p in today.routine.prescriptions
    ]


def test_the_player_runs_each_exercise_of_the_routine_in_order_at_its_library_sets(
    catalog: Catalog,
) -> None:
    routine = catalog.routines[ROUTINE]
    played = sessions.session_for(routine)
    assert (played.routine, played.name) == (ROUTINE, routine.name)
    work = [s for s in played.steps if s.kind is StepKind.WORK]
    in_order = list(dict.fromkeys(s.exercise for s in work))
    assert in_order == [p.exercise.slug for p in routine.prescriptions]
    for prescription in routine.prescriptions:
        sets = {s.set_number for s in work if s.exercise == prescription.exercise.slug}
        assert sets == set(range(1, prescription.dosage.sets + 1)), prescription.exercise.slug
    assert played.minutes >= 1


def test_today_is_the_day_it_is_where_the_user_lives(store: FakeTrainingStore) -> None:
    late_evening = datetime(2026, 3, 4, 23, 30, tzinfo=UTC)
    days = {
        zone: sessions.local_today(store.add_user(time_zone=zone), late_evening)
        for zone in ("UTC", "Europe/Berlin", "America/Los_Angeles", "Pacific/Kiritimati")
    }
    assert days == {
        "UTC": date(2026, 3, 4),
        "Europe/Berlin": date(2026, 3, 5),
        "America/Los_Angeles": date(2026, 3, 4),
        "Pacific/Kiritimati": date(2026, 3, 5),
    }
