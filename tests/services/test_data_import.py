"""Importing an export: the file checked record by record, then written in one transaction.

The checks run alone; the writing runs against the real training store on a temporary SQLite
database, since what is tested is that store's single transaction and bulk insert.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from tests.services.conftest import NOW
from webapp.services import data_import
from webapp.services.import_records import ExerciseRecord
from webapp.store.db import make_engine, migrate
from webapp.store.models import Completion, CompletionExercise, User
from webapp.store.training import TrainingStore

#: Dosages sessions take in turn (exercise, kind, sets, amount, per side).
DOSAGES = [
    ("hip-circles", "reps", 1, 8, True), ("side-plank", "hold", 2, 20, False),
    ("banded-clamshell", "reps", 2, 15, True), ("leg-swings-front-back", "reps", 1, 12, True),
    ("standing-hip-flexor-stretch", "hold", 1, 30, True), ("desk-chair-rise", "timed", 3, 45, False),
]  # fmt: skip


@pytest.fixture
def real_store(tmp_path: Path) -> Iterator[TrainingStore]:
    engine = make_engine(f"sqlite:///{tmp_path / 'hipday.db'}")
    migrate(engine)
    yield TrainingStore(engine)
    engine.dispose()


def new_user(store: TrainingStore) -> User:
    return store.create_guest()


def exercise(n: int) -> dict[str, Any]:
    slug, kind, sets, amount, per_side = DOSAGES[n % len(DOSAGES)]
    return {"exercise": slug, "kind": kind, "sets": sets, "amount": amount, "per_side": per_side}


def session(n: int) -> dict[str, Any]:
    """The n-th session back from now, one a day, with 1 to 12 exercises in varied orders."""
    ended = NOW - timedelta(days=n, minutes=n % 50)
    return {
        "op_id": f"imported-{n:05d}", "routine": "hip-mobility-flow",
        "started_at": f"{ended - timedelta(minutes=12):%Y-%m-%dT%H:%M:%SZ}",
        "ended_at": f"{ended:%Y-%m-%dT%H:%M:%SZ}", "local_date": ended.date().isoformat(),
        "time_zone": "Europe/Berlin" if n % 3 else "UTC", "steps_done": 8, "steps_total": 8,
        "effort": None if n % 4 else n % 10 + 1, "pain": n % 11, "note": f"day {n} «ok»" * (n % 2),
        "exercises": [exercise(n * 7 + k) for k in range(1 + n % 12)],
    }  # fmt: skip


def export_file(sessions: list[dict[str, Any]]) -> bytes:
    document = {
        "format": "hipday-export", "version": 1, "exported_at": "2026-03-04T09:00:00Z",
        "settings": {"time_zone": "Europe/Berlin", "time_zone_auto": False, "calendar_feed": False},
        "program_versions": [], "plan_events": [], "sessions": sessions,
        "reminders": {"paused_until": None, "kinds": [], "devices": []},
    }  # fmt: skip
    return json.dumps(document).encode()


def checked(raw: bytes) -> data_import.ImportPlan:
    plan = data_import.check_file(raw, NOW)
    assert isinstance(plan, data_import.ImportPlan), plan
    return plan


def import_row_by_row(store: TrainingStore, user: User, plan: data_import.ImportPlan) -> None:
    """What the import adds, one model object at a time, as the finish form adds a session."""
    for s in plan.sessions:
        completion = Completion(
            user_id=user.id or 0, op_id=s.op_id, routine_slug=s.routine, started_at=s.started_at,
            ended_at=s.ended_at, local_date=s.local_date, time_zone=s.time_zone,
            steps_done=s.steps_done, steps_total=s.steps_total, effort=s.effort, pain=s.pain,
            note=s.note, created_at=NOW,
        )  # fmt: skip
        exercises = [
            CompletionExercise(position=n, exercise_slug=e.exercise, kind=e.kind, sets=e.sets,
                               amount=e.amount, per_side=e.per_side)
            for n, e in enumerate(s.exercises)
        ]  # fmt: skip
        store.add_completion(completion, exercises)
    store.set_time_zone(user, plan.time_zone, plan.time_zone_auto)


def kept(
    store: TrainingStore, user: User
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], str]:
    """Every session and exercise column of the user but ids, and the user's time zone."""
    sessions = store.completions(user.id or 0)
    op_ids = {c.id: c.op_id for c in sessions}
    rows = sorted(
        tuple(v for k, v in c.model_dump().items() if k not in ("id", "public_id", "user_id"))
        for c in sessions
    )
    exercises = sorted(
        (op_ids[e.completion_id], e.position, e.exercise_slug, e.kind, e.sets, e.amount,
         e.per_side)
        for e in store.exercises_of_user(user.id or 0)
    )  # fmt: skip
    refreshed = store.user(user.id or 0)
    assert refreshed is not None
    return rows, exercises, refreshed.time_zone


def test_a_bulk_import_of_thousands_of_sessions_keeps_exactly_what_a_row_by_row_one_does(
    real_store: TrainingStore,
) -> None:
    plan = checked(export_file([session(n) for n in range(3_000)]))
    bulk, by_row = new_user(real_store), new_user(real_store)
    summary = data_import.import_everything(real_store, bulk, plan, NOW)
    import_row_by_row(real_store, by_row, plan)
    assert summary.sentence() == "Imported 3000 sessions; 0 were already here."
    assert kept(real_store, bulk) == kept(real_store, by_row)
    rows, exercises, _ = kept(real_store, bulk)
    assert len(rows) == 3_000 and len(exercises) == sum(1 + n % 12 for n in range(3_000))


def test_importing_the_same_plan_again_adds_nothing(real_store: TrainingStore) -> None:
    plan = checked(export_file([session(n) for n in range(20)]))
    user = new_user(real_store)
    data_import.import_everything(real_store, user, plan, NOW)
    before = kept(real_store, user)
    again = data_import.import_everything(real_store, user, plan, NOW)
    assert (again.added, again.already_there) == (0, 20)
    assert kept(real_store, user) == before


def test_a_write_that_fails_partway_leaves_nothing_saved(real_store: TrainingStore) -> None:
    plan = checked(export_file([session(n) for n in range(50)]))
    broken = plan.sessions[-1].exercises[0]
    # A value the database refuses, in the last session's first exercise: the sessions are
    # inserted before the exercises, so only one transaction keeps them from staying.
    unsaved = ExerciseRecord(broken.exercise, broken.kind, None, broken.amount, broken.per_side)  # type: ignore[arg-type]
    last = plan.sessions[-1]
    sessions = (*plan.sessions[:-1], type(last)(**{**vars(last), "exercises": (unsaved,)}))
    user = new_user(real_store)
    with pytest.raises(IntegrityError):
        data_import.import_everything(
            real_store, user, type(plan)(**{**vars(plan), "sessions": sessions}), NOW
        )
    assert kept(real_store, user) == ([], [], "UTC")


def test_an_exercise_refused_after_the_same_one_passed_is_named_with_its_session() -> None:
    sessions = [session(0), session(1)]
    sessions[1]["exercises"][0] = {**sessions[0]["exercises"][0], "sets": True}
    assert data_import.check_file(export_file(sessions), NOW) == [
        "Session 2, exercise 1: sets must be a number from 1 to 100."
    ]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"sets": 1.0}, "sets must be a number from 1 to 100."),
        ({"per_side": 1}, "per_side must be true or false."),
        ({"amount": [8]}, "amount must be a number from 0 to 10000."),
        ({"kind": "sprint"}, "kind must be one of: hold, reps, timed."),
    ],
)
def test_a_value_equal_to_a_checked_one_but_of_another_type_is_refused(
    change: dict[str, Any], problem: str
) -> None:
    sessions = [session(6), session(6)]
    sessions[1] = {**sessions[1], "op_id": "imported-twin"}
    sessions[1]["exercises"] = [{**sessions[0]["exercises"][0], **change}]
    assert data_import.check_file(export_file(sessions), NOW) == [
        f"Session 2, exercise 1: {problem}"
    ]


def test_every_refused_record_is_named_and_nothing_is_checked_past_the_shown_ones() -> None:
    sessions = [{**session(n), "steps_done": 99} for n in range(10)]
    problems = data_import.check_file(export_file(sessions), NOW)
    assert isinstance(problems, list) and len(problems) == data_import.MESSAGES_SHOWN + 1
    assert problems[0] == "Session 1: steps_done must be a number from 0 to 8."
    assert problems[-1] == "…and more problems after these."
