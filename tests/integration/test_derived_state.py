"""What pages derive from history is kept under the user's data version, and is never stale.

The database's triggers bump a user's data version with every change a page derives from,
whichever code makes it. These tests check the triggers table by table, that a kept standing
reads no history at all, and (a property) that for random histories and random sequences of
writes, the kept standing always equals one rebuilt from nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, text

from routines.catalog.model import Catalog
from tests.conftest import TEST_TODAY, make_app
from webapp.services import derived, plans, progress
from webapp.store.models import Completion, PlanEvent, User
from webapp.store.training import TrainingStore

FIRST_DAY = TEST_TODAY - timedelta(days=120)


@dataclass
class Parts:
    store: TrainingStore
    catalog: Catalog


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Parts]:
    app = make_app(tmp_path_factory.mktemp("derived"))
    hipday = app.extensions["hipday"]
    yield Parts(hipday.store, hipday.catalog)
    hipday.store.engine.dispose()


def forget_everything_kept() -> None:
    derived.forget_all()


def rebuilt(parts: Parts, user: User, today: date) -> progress.Standing:
    """The standing built from nothing: every cache emptied first."""
    forget_everything_kept()
    return progress.standing(parts.store, parts.catalog, user, today)


def session_on(user: User, day: date, number: int, effort: int = 5, pain: int = 0) -> Completion:
    ended = datetime.combine(day, time(7, 30), tzinfo=UTC)
    return Completion(
        user_id=user.id or 0, op_id=f"op-{number:08d}", routine_slug="pre-run-warm-up",
        started_at=ended - timedelta(minutes=9), ended_at=ended, local_date=day,
        time_zone="UTC", steps_done=10, steps_total=10, effort=effort, pain=pain,
    )  # fmt: skip


def onboarded(parts: Parts, days: list[str] | None = None) -> User:
    user = parts.store.create_guest()
    answers = plans.ProgramForm(goal="running", days=days or ["mon", "wed", "fri"])
    plans.save_program(parts.store, user, answers, FIRST_DAY)
    return user


def version(parts: Parts, user: User) -> int:
    found = parts.store.data_version(user.id or 0)
    assert found is not None, "every user row gets a data version"
    return found


def sql(parts: Parts, statement: str, **values: object) -> None:
    with parts.store.engine.begin() as connection:
        connection.execute(text(statement), values)


CHANGES: dict[str, Callable[[Parts, User], None]] = {
    "a session logged": lambda p, u: p.store.add_completion(session_on(u, TEST_TODAY, 1)) and None,
    "a session's feedback edited": lambda p, u: sql(
        p, "UPDATE completion SET effort = 9 WHERE user_id = :u", u=u.id
    ),
    "a session deleted": lambda p, u: sql(p, "DELETE FROM completion WHERE user_id = :u", u=u.id),
    "a day skipped": lambda p, u: p.store.add(
        PlanEvent(user_id=u.id or 0, kind="skip", day=TEST_TODAY)
    ),
    "a skip taken back": lambda p, u: sql(p, "DELETE FROM planevent WHERE user_id = :u", u=u.id),
    "the settings saved": lambda p, u: plans.save_program(
        p.store, u, plans.ProgramForm(goal="desk", days=["tue", "thu"]), TEST_TODAY
    ),
    "a hip check kept": lambda p, u: sql(
        p,
        "INSERT INTO hip_check (user_id, client_id, taken_on, created_at, right_outward_estimated,"
        " right_inward_estimated, left_outward_estimated, left_inward_estimated, plank_on_knees)"
        " VALUES (:u, 'c1', :d, :d, false, false, false, false, false)",
        u=u.id,
        d=TEST_TODAY,
    ),  # fmt: skip
    "precautions answered": lambda p, u: p.store.set_precautions(u, "pregnancy"),
    "the time zone changed": lambda p, u: p.store.set_time_zone(u, "Europe/Paris"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_every_change_a_page_derives_from_moves_the_data_version_on(
    parts: Parts, change: str
) -> None:
    user, neighbour = onboarded(parts), onboarded(parts)
    parts.store.add_completion(session_on(user, TEST_TODAY - timedelta(days=1), 0))
    parts.store.add(PlanEvent(user_id=user.id or 0, kind="skip", day=TEST_TODAY + timedelta(1)))
    before, theirs = version(parts, user), version(parts, neighbour)
    CHANGES[change](parts, user)
    assert version(parts, user) > before, f"{change} must move the version on"
    assert version(parts, neighbour) == theirs, "another user's version stays"


def test_a_change_pages_do_not_derive_from_leaves_the_version(parts: Parts) -> None:
    user = onboarded(parts)
    before = version(parts, user)
    parts.store.set_calendar_token(user, "a-private-feed-address")
    parts.store.set_precautions(user, user.precautions)  # the same answers again
    assert version(parts, user) == before


def test_the_visitor_read_with_its_version_is_the_stored_row(parts: Parts) -> None:
    """Each request of a known visitor reads their row and data version in one query, without
    an ORM session: the row must be the one the ORM reads, and take changes like it."""
    user = onboarded(parts)
    parts.store.set_precautions(user, "pregnancy")
    found = parts.store.user_and_version(user.id or 0)
    assert found is not None
    row, data_version = found
    assert data_version == version(parts, user)
    stored = parts.store.user(user.id or 0)
    assert stored is not None and row.model_dump() == stored.model_dump()
    assert row.precautions == "pregnancy" and inspect(row).detached
    parts.store.set_time_zone(row, "America/Chicago", auto=False)
    again = parts.store.user(user.id or 0)
    assert again is not None and (again.time_zone, again.time_zone_auto) == (
        "America/Chicago",
        False,
    )
    assert parts.store.user_and_version((user.id or 0) + 10_000) is None


def test_a_kept_standing_reads_nothing_of_the_history(
    parts: Parts, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = onboarded(parts)
    parts.store.add_completion(session_on(user, TEST_TODAY - timedelta(days=2), 2))
    first = progress.standing(parts.store, parts.catalog, user, TEST_TODAY)

    def read(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the history was read although nothing changed")

    for reader in ("session_facts", "program_versions", "plan_changes", "hip_checks"):
        monkeypatch.setattr(parts.store, reader, read)
    assert progress.standing(parts.store, parts.catalog, user, TEST_TODAY) is first
    assert plans.plan_for(parts.store, parts.catalog, user, TEST_TODAY) is first.plan


def test_the_kept_plan_moves_on_with_the_day(parts: Parts) -> None:
    user = onboarded(parts)
    today = progress.standing(parts.store, parts.catalog, user, TEST_TODAY)
    tomorrow = progress.standing(parts.store, parts.catalog, user, TEST_TODAY + timedelta(days=1))
    assert tomorrow == rebuilt(parts, user, TEST_TODAY + timedelta(days=1))
    assert tomorrow.today != today.today


Write = tuple[str, int, int]

WRITES = st.tuples(
    st.sampled_from(
        [
            "session",
            "session",
            "session",
            "skip",
            "vacation",
            "settings",
            "precautions",
            "time zone",
            "delete",
            "day passes",
        ]
    ),  # fmt: skip
    st.integers(min_value=0, max_value=125),  # a day, counted from FIRST_DAY
    st.integers(min_value=0, max_value=10),  # effort, pain or days passing
)


def write(parts: Parts, user: User, step: Write, number: int, today: date) -> date:
    """Make one random write (or let days pass); the day the user is on after it."""
    kind, offset, amount = step
    day = min(FIRST_DAY + timedelta(days=offset), today)
    store = parts.store
    if kind == "session":
        store.add_completion(session_on(user, day, number, effort=amount, pain=amount % 7))
    elif kind == "skip" and day >= today:
        store.add(PlanEvent(user_id=user.id or 0, kind="skip", day=day))
    elif kind == "vacation":
        plans.add_vacation(store, user, day, day + timedelta(days=amount))
    elif kind == "settings":
        days = [["mon", "thu"], ["tue", "thu", "sat"], ["mon", "wed", "fri", "sun"]][amount % 3]
        plans.save_program(store, user, plans.ProgramForm(goal="lifting", days=days), today)
    elif kind == "precautions":
        store.set_precautions(user, ["", "pregnancy", "hip-replacement-back"][amount % 3])
    elif kind == "time zone":
        store.set_time_zone(user, ["UTC", "America/Los_Angeles", "Asia/Tokyo"][amount % 3])
    elif kind == "delete":
        sql(
            parts, "DELETE FROM completion WHERE user_id = :u AND local_date = :d", u=user.id, d=day
        )
    elif kind == "day passes":
        return today + timedelta(days=amount)
    return today


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    history=st.lists(st.integers(min_value=0, max_value=120), max_size=40),
    writes=st.lists(WRITES, min_size=1, max_size=12),
)
def test_the_kept_standing_always_equals_a_rebuild(
    parts: Parts, history: list[int], writes: list[Write]
) -> None:
    user = onboarded(parts, ["mon", "wed", "fri", "sat"])
    for number, offset in enumerate(history):
        parts.store.add_completion(session_on(user, FIRST_DAY + timedelta(days=offset), number))
    today = TEST_TODAY
    progress.standing(parts.store, parts.catalog, user, today)  # kept before the writes
    for number, step in enumerate(writes, start=len(history)):
        today = write(parts, user, step, number, today)
        kept = progress.standing(parts.store, parts.catalog, user, today)
        assert kept == rebuilt(parts, user, today), f"after {step}"
