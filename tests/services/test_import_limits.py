"""Whether an import fits the account: the limits on sessions and plan changes, said in words.

The file's records are built already checked (webapp/services/import_records.py reads them);
the account is the in-memory fake. A session already in the account counts once.
"""

from __future__ import annotations

from datetime import date, timedelta

from routines import bounds
from tests.services.conftest import NOW
from tests.services.fakes import FakeTrainingStore
from webapp.services.data_import import ImportPlan, over_limits
from webapp.services.import_records import EventRecord, SessionRecord
from webapp.store.models import Completion, PlanEvent, User

TODAY = NOW.date()
FULL_DAY = bounds.MOST_SESSIONS_A_DAY


def record(op_id: str, day: date = TODAY) -> SessionRecord:
    """A ten-minute session on `day` as the file lists it."""
    ended = NOW - timedelta(days=(TODAY - day).days)
    return SessionRecord(
        op_id, "pre-run-warm-up", ended - timedelta(minutes=10), ended, day, "UTC", 10, 10,
        None, None, "", (),
    )  # fmt: skip


def file_of(sessions: list[SessionRecord], events: list[EventRecord] | None = None) -> ImportPlan:
    return ImportPlan("UTC", False, (), tuple(events or ()), tuple(sessions))


def logged(store: FakeTrainingStore, user: User, op_id: str, day: date = TODAY) -> None:
    """A session the account has already (kept directly: a full account has 20,000)."""
    store.completions_kept.append(Completion(user_id=user.id or 0, op_id=op_id, local_date=day))


def test_a_file_that_fits_the_account_has_nothing_over_the_limits(
    store: FakeTrainingStore, user: User
) -> None:
    sessions = [record(f"s{n}", TODAY - timedelta(days=n % 3)) for n in range(FULL_DAY)]
    assert over_limits(store, user, file_of(sessions)) == []


def test_a_day_the_file_would_overfill_is_named_with_the_session_that_overfills_it(
    store: FakeTrainingStore, user: User
) -> None:
    for n in range(FULL_DAY - 1):
        logged(store, user, f"here-{n}")
    sessions = [record("other-day", TODAY - timedelta(days=1)), record("a"), record("b")]
    assert over_limits(store, user, file_of(sessions)) == [
        f"Session 3: 4 March 2026 already has {FULL_DAY} sessions, the most Hipday keeps "
        "for one day."
    ]


def test_sessions_the_account_has_already_count_once(store: FakeTrainingStore, user: User) -> None:
    for n in range(FULL_DAY):
        logged(store, user, f"here-{n}")
    again = [record(f"here-{n}") for n in range(FULL_DAY)]
    assert over_limits(store, user, file_of(again)) == [], "its own export fits back"


def test_another_users_sessions_leave_room_on_the_same_day(
    store: FakeTrainingStore, user: User
) -> None:
    other = store.add_user(time_zone="UTC")
    for n in range(FULL_DAY):
        logged(store, other, f"theirs-{n}")
    assert over_limits(store, user, file_of([record("mine")])) == []


def test_plan_changes_past_the_most_a_plan_keeps_are_refused_and_the_same_ones_again_fit(
    store: FakeTrainingStore, user: User
) -> None:
    first = TODAY - timedelta(days=bounds.MOST_PLAN_EVENTS)
    days = [first + timedelta(days=n) for n in range(bounds.MOST_PLAN_EVENTS)]
    for day in days:
        store.add(PlanEvent(user_id=user.id or 0, kind="skip", day=day))
    same = [EventRecord("skip", day, None) for day in days]
    assert over_limits(store, user, file_of([], same)) == []
    one_more = [*same, EventRecord("skip", TODAY, None)]
    assert over_limits(store, user, file_of([], one_more)) == [
        f"With this file your plan would hold {bounds.MOST_PLAN_EVENTS + 1:,} skips, moves and "
        f"vacations; Hipday keeps at most {bounds.MOST_PLAN_EVENTS:,}."
    ]


def test_a_full_account_refuses_a_file_with_one_session_more(
    store: FakeTrainingStore, user: User
) -> None:
    for n in range(bounds.MOST_SESSIONS):
        logged(store, user, f"here-{n}", TODAY - timedelta(days=n // 10))
    assert over_limits(store, user, file_of([record("here-0")])) == []
    assert over_limits(store, user, file_of([record("here-0"), record("one-more")])) == [
        f"Session 2: Your account holds {bounds.MOST_SESSIONS:,} sessions, the most Hipday "
        "keeps. Download your data from Settings and start a new account to log more."
    ]
