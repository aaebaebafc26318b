"""Where a user stands, the history list and an exercise's weeks: the use cases alone."""

from __future__ import annotations

from datetime import timedelta

from routines.catalog.model import Catalog
from tests.services.conftest import NOW
from tests.services.fake_reminders import FakeReminderStore
from tests.services.fakes import FakeTrainingStore
from webapp.services import plans, progress, sessions
from webapp.store.models import User

TODAY = NOW.date()


def finish(
    store: FakeTrainingStore, catalog: Catalog, user: User, days_ago: int, steps_done: int = 10
) -> sessions.Recorded:
    """A five-minute pre-run warm-up that ended at nine `days_ago` days before today."""
    ended = NOW - timedelta(days=days_ago)
    form = {
        "routine": "pre-run-warm-up",
        "started_at": (ended - timedelta(minutes=5)).isoformat(),
        "ended_at": ended.isoformat(),
        "steps_done": str(steps_done),
        "steps_total": "10",
        "time_zone": "UTC",
    }
    reminders = FakeReminderStore(store)
    recorded = sessions.record_session(
        store, reminders, catalog, user, form, f"key-{days_ago:04}", NOW
    )
    assert isinstance(recorded, sessions.Recorded)
    return recorded


def test_a_new_user_has_no_plan_and_no_streak_yet(
    store: FakeTrainingStore, catalog: Catalog, user: User
) -> None:
    standing = progress.standing(store, catalog, user, TODAY)
    assert standing.plan is None and standing.week is None
    assert (standing.record.current, standing.record.total_sessions) == (0, 0)
    assert standing.current_if_done_today == 1, "a session today would start a streak"


def test_three_days_in_a_row_make_a_three_day_streak(
    store: FakeTrainingStore, catalog: Catalog, user: User
) -> None:
    for days_ago in (2, 1, 0):
        finish(store, catalog, user, days_ago)
    standing = progress.standing(store, catalog, user, TODAY)
    assert standing.record.current == 3 and standing.record.longest == 3
    assert standing.record.total_sessions == 3 and standing.record.total_minutes == 15
    assert standing.current_if_done_today == 3, "today already counts"


def test_a_plan_stands_beside_the_streak_once_the_user_has_one(
    store: FakeTrainingStore, catalog: Catalog, user: User
) -> None:
    plans.save_program(store, user, plans.ProgramForm(), TODAY)
    standing = progress.standing(store, catalog, user, TODAY)
    assert standing.plan is not None
    assert standing.week is not None and standing.week.first_day <= TODAY


def test_the_history_comes_twenty_at_a_time_newest_first(
    store: FakeTrainingStore, catalog: Catalog, user: User
) -> None:
    for days_ago in range(25):
        finish(store, catalog, user, days_ago)
    first = progress.history_page(store, user.id or 0, 1)
    second = progress.history_page(store, user.id or 0, 2)
    assert len(first.sessions) == 20 and first.more
    assert first.sessions[0].local_date == TODAY
    assert len(second.sessions) == 5 and not second.more


def test_an_exercise_done_in_a_full_session_gets_a_weekly_chart(
    store: FakeTrainingStore, catalog: Catalog, user: User
) -> None:
    finish(store, catalog, user, 0)
    choices = progress.exercise_choices(store, catalog, user.id or 0, TODAY)
    assert choices and all(choice.times == 1 for choice in choices)
    chart = progress.exercise_chart(store, catalog, user.id or 0, choices[0].slug, TODAY)
    assert chart is not None and len(chart.points) == 1


def test_a_session_ended_early_and_an_unknown_exercise_give_no_chart(
    store: FakeTrainingStore, catalog: Catalog, user: User
) -> None:
    finish(store, catalog, user, 0, steps_done=3)
    assert progress.exercise_choices(store, catalog, user.id or 0, TODAY) == []
    assert progress.exercise_chart(store, catalog, user.id or 0, "hip-circles", TODAY) is None
    assert progress.exercise_chart(store, catalog, user.id or 0, "no-such", TODAY) is None


def test_progress_shows_the_exercise_asked_for_or_else_the_most_done(
    store: FakeTrainingStore, catalog: Catalog, user: User
) -> None:
    finish(store, catalog, user, 0)
    first = progress.pick_exercise(store, catalog, user.id or 0, "", TODAY)
    assert first.chosen == first.choices[0].slug and first.chart is not None
    asked = first.choices[-1].slug
    picked = progress.pick_exercise(store, catalog, user.id or 0, asked, TODAY)
    assert picked.chosen == asked and picked.chart is not None
    assert picked.chart.exercise.slug == asked
    unknown = progress.pick_exercise(store, catalog, user.id or 0, "no-such", TODAY)
    assert unknown.chosen == "no-such" and unknown.chart is None


def test_a_streak_reads_one_more_with_a_session_today_until_today_has_one(
    store: FakeTrainingStore, catalog: Catalog, user: User
) -> None:
    for days_ago in (2, 1):
        finish(store, catalog, user, days_ago)
    record, if_done_today = progress.streak_records(store, user.id or 0, None, TODAY)
    assert (record.current, if_done_today) == (2, 3)
    finish(store, catalog, user, 0)
    record, if_done_today = progress.streak_records(store, user.id or 0, None, TODAY)
    assert (record.current, if_done_today) == (3, 3)


def test_a_streak_counts_only_ones_own_sessions_with_a_step_done(
    store: FakeTrainingStore, catalog: Catalog, user: User
) -> None:
    other = store.add_user(time_zone="UTC")
    for days_ago in (3, 2, 1):
        finish(store, catalog, other, days_ago)
    finish(store, catalog, user, 1, steps_done=0)
    record, if_done_today = progress.streak_records(store, user.id or 0, None, TODAY)
    assert (record.current, record.total_sessions, if_done_today) == (0, 0, 1)


def test_the_exercise_chart_covers_the_twenty_six_weeks_up_to_today(
    store: FakeTrainingStore, catalog: Catalog, user: User
) -> None:
    since = progress.chart_since(TODAY)
    assert since == TODAY - timedelta(days=26 * 7 - 1)
    assert since.weekday() == TODAY.weekday() + 1, "a whole number of weeks ending today"
    finish(store, catalog, user, (TODAY - since).days + 1)
    assert progress.exercise_choices(store, catalog, user.id or 0, TODAY) == []
    finish(store, catalog, user, (TODAY - since).days)
    choices = progress.exercise_choices(store, catalog, user.id or 0, TODAY)
    assert choices and all(choice.times == 1 for choice in choices)
