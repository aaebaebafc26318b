"""Downloading everything: the JSON export and the CSV zip, written from fake stores."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.services.conftest import NOW
from tests.services.fakes import FakeTrainingStore
from webapp.services import data_export
from webapp.store.models import (
    Completion,
    CompletionExercise,
    PushSubscription,
    Reminder,
    User,
)

#: (exercise, kind, sets, amount, per side) of the sessions' exercises, in their order.
FLOW = [("hip-circles", "reps", 1, 8, True), ("side-plank", "hold", 2, 20, False)]


class ExportingStore(FakeTrainingStore):
    """The fake training store, with the rows an export reads, shaped as the real store's."""

    reads: list[str]

    def session_rows(self, user_id: int) -> list[tuple[Any, ...]]:
        self.reads.append("session_rows")
        return [row[:12] for row in self._rows(user_id)]

    def export_rows(self, user_id: int) -> list[tuple[Any, ...]]:
        self.reads.append("export_rows")
        return self._rows(user_id)

    def data_counts(self, user_id: int) -> dict[str, int]:
        return {
            "sessions": len(self._theirs(user_id)),
            "program_versions": len(self.program_versions(user_id)),
            "plan_events": len(self.plan_events(user_id)),
        }

    def _rows(self, user_id: int) -> list[tuple[Any, ...]]:
        sessions = sorted(self._theirs(user_id), key=lambda c: (c.local_date, c.ended_at))
        return [(*_columns(c), self._listed(c.id or 0)) for c in sessions]

    def _listed(self, completion_id: int) -> str | None:
        """Its exercises as the real store joins them: "position|exercise|...|1" by ";"."""
        mine = [e for e in self.exercises if e.completion_id == completion_id]
        return ";".join(
            f"{e.position}|{e.exercise_slug}|{e.kind}|{e.sets}|{e.amount}|{int(e.per_side)}"
            for e in reversed(mine)  # the database's order is its own; the export sorts
        ) or None  # fmt: skip


class NoReminders:
    def reminders(self, user_id: int) -> dict[str, Reminder]:
        return {}

    def subscriptions(self, user_id: int) -> list[PushSubscription]:
        return []


def _columns(c: Completion) -> tuple[Any, ...]:
    return (c.id, c.op_id, c.routine_slug, c.started_at, c.ended_at, c.local_date, c.time_zone,
            c.steps_done, c.steps_total, c.effort, c.pain, c.note)  # fmt: skip


@pytest.fixture
def store() -> ExportingStore:
    exporting = ExportingStore()
    exporting.reads = []
    return exporting


def finish(store: ExportingStore, user: User, op_id: str, ended: datetime, **feedback: Any) -> None:
    """A session of the FLOW exercises that ended at `ended` (UTC)."""
    completion = Completion(
        user_id=user.id or 0, op_id=op_id, routine_slug="hip-mobility-flow",
        started_at=ended - timedelta(minutes=10), ended_at=ended, local_date=ended.date(),
        time_zone="UTC", steps_done=8, steps_total=8, **feedback,
    )  # fmt: skip
    exercises = [
        CompletionExercise(position=n, exercise_slug=slug, kind=kind, sets=sets, amount=amount,
                           per_side=per_side)
        for n, (slug, kind, sets, amount, per_side) in enumerate(FLOW)
    ]  # fmt: skip
    store.add_completion(completion, exercises)


def naive(moment: datetime) -> datetime:
    """A moment as SQLite gives it back: UTC without its zone."""
    return moment.replace(tzinfo=None)


def test_the_json_export_starts_before_any_session_is_read(
    store: ExportingStore, user: User
) -> None:
    finish(store, user, "first-session", naive(NOW))
    chunks = data_export.export_json(store, NoReminders(), user, NOW)
    first = next(chunks)
    assert first.startswith(b'{"format":"hipday-export","version":1,')
    assert store.reads == []
    rest = b"".join(chunks)
    assert store.reads == ["export_rows"]
    assert json.loads(first + rest)["sessions"][0]["op_id"] == "first-session"


def test_each_session_lists_its_exercises_in_order_with_their_dosages(
    store: ExportingStore, user: User
) -> None:
    for n in range(3):
        finish(store, user, f"session-{n}", naive(NOW - timedelta(days=n)), effort=n + 1)
    document = json.loads(b"".join(data_export.export_json(store, None, user, NOW)))
    assert [s["op_id"] for s in document["sessions"]] == ["session-2", "session-1", "session-0"]
    expected = [dict(zip(("exercise", "kind", "sets", "amount", "per_side"), e, strict=True))
                for e in FLOW]  # fmt: skip
    assert all(s["exercises"] == expected for s in document["sessions"])
    assert document["sessions"][0]["started_at"] == "2026-03-02T08:50:00Z"
    assert [s["effort"] for s in document["sessions"]] == [3, 2, 1]
    assert document["sessions"][0]["pain"] is None


def test_a_session_without_exercises_lists_none(store: ExportingStore, user: User) -> None:
    store.add_completion(
        Completion(
            user_id=user.id or 0,
            op_id="no-exercises",
            routine_slug="desk-reset",
            started_at=naive(NOW),
            ended_at=naive(NOW),
            local_date=NOW.date(),
            time_zone="UTC",
            steps_done=1,
            steps_total=1,
        )  # fmt: skip
    )
    document = json.loads(b"".join(data_export.export_json(store, None, user, NOW)))
    assert document["sessions"][0]["exercises"] == []


def rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))


def test_the_csv_zip_lists_each_exercise_under_its_session_numbered_from_one(
    store: ExportingStore, user: User
) -> None:
    finish(store, user, "-starts-with-a-dash", naive(NOW), note="=SUM(A1)")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(data_export.csv_zip(store, None, user, NOW))))
    assert archive.testzip() is None
    assert rows(archive, "exercises.csv") == [
        {"op_id": "-starts-with-a-dash", "position": "1", "exercise": "hip-circles",
         "kind": "reps", "sets": "1", "amount": "8", "per_side": "true"},
        {"op_id": "-starts-with-a-dash", "position": "2", "exercise": "side-plank",
         "kind": "hold", "sets": "2", "amount": "20", "per_side": "false"},
    ]  # fmt: skip
    (session,) = rows(archive, "sessions.csv")
    assert session["op_id"] == "'-starts-with-a-dash" and session["note"] == "'=SUM(A1)"
    assert session["effort"] == "" and session["local_date"] == "2026-03-04"


def test_the_sessions_csv_comes_in_chunks_of_sessions(store: ExportingStore, user: User) -> None:
    for n in range(data_export.CHUNK + 1):
        finish(store, user, f"session-{n:04d}", naive(NOW - timedelta(hours=n)))
    chunks: Iterator[bytes] = data_export.sessions_csv(store, user)
    parts = list(chunks)
    assert len(parts) == 3  # the header, then a chunk and one session more
    assert parts[0] == "\ufeffop_id,routine,started_at,ended_at,local_date,time_zone,".encode() + (
        b"steps_done,steps_total,effort,pain,note\r\n"
    )
    assert parts[2].count(b"\r\n") == 1


def test_the_page_counts_what_the_account_holds(store: ExportingStore, user: User) -> None:
    finish(store, user, "only-session", naive(NOW))
    counts = data_export.holdings(store, user)
    assert counts == {"sessions": 1, "program_versions": 0, "plan_events": 0}
