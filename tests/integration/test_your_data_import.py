"""Your data, imported: an export comes back whole and once, and a bad file is refused in words."""

from __future__ import annotations

import io
import json
import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import insert

from routines.bounds import MOST_EXERCISES_A_SESSION
from tests.conftest import TEST_TODAY
from tests.integration.conftest import Visitor
from tests.integration.your_data_helpers import (
    all_rows,
    build_history,
    export_of,
    import_file,
    rows_of,
    text,
    user_id_of,
)
from webapp.services import data_import
from webapp.services.sessions import NOTE_LIMIT
from webapp.store.models import Completion, CompletionExercise
from webapp.store.training import TrainingStore


def without_time(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "exported_at"}


def test_an_export_imported_into_a_fresh_account_brings_everything_back(
    visitor: Visitor, other_visitor: Visitor, store: TrainingStore
) -> None:
    user_a = build_history(visitor, store)
    exported = export_of(visitor)
    response = import_file(other_visitor, json.dumps(exported).encode())
    assert response.status_code == 303 and response.headers["Location"] == "/settings/data"
    page = text(other_visitor.get("/settings/data"))
    assert "Imported 2 sessions; 0 were already here." in page
    assert without_time(export_of(other_visitor)) == without_time(exported)
    user_b = user_id_of(other_visitor)
    assert rows_of(store, user_b) == rows_of(store, user_a)
    ids_a = {c.public_id for c in store.completions(user_a)}
    assert ids_a.isdisjoint(c.public_id for c in store.completions(user_b))


def test_importing_the_same_file_twice_changes_nothing(
    visitor: Visitor, store: TrainingStore
) -> None:
    build_history(visitor, store)
    before, body = all_rows(store), visitor.get("/settings/data/hipday.json").get_data()
    exported = json.loads(body)
    for _ in range(2):
        assert import_file(visitor, body).status_code == 303
    assert all_rows(store) == before
    assert without_time(export_of(visitor)) == without_time(exported)
    assert "Imported 0 sessions; 2 were already here." in text(visitor.get("/settings/data"))


def test_an_import_adds_only_the_sessions_an_account_lacks(
    visitor: Visitor, other_visitor: Visitor, store: TrainingStore
) -> None:
    visitor.finish(key="shared-session-1", note="from the file")
    visitor.finish(note="only in the file")
    other_visitor.finish(key="shared-session-1", note="my own words")
    import_file(other_visitor, visitor.get("/settings/data/hipday.json").get_data())
    notes = [s["note"] for s in export_of(other_visitor)["sessions"]]
    assert sorted(notes) == ["my own words", "only in the file"]
    assert "Imported 1 session; 1 was already here." in text(other_visitor.get("/settings/data"))


def exported_with(visitor: Visitor, change: Any) -> bytes:
    document = export_of(visitor)
    change(document)
    return json.dumps(document).encode()


BAD_FILES = [
    (lambda v: b"{not json", "This file isn't readable JSON."),
    (lambda v: b"[1, 2, 3]", "This isn't a Hipday export."),
    (lambda v: b'{"format": "other-app", "sessions": []}', "This isn't a Hipday export."),
    (lambda v: exported_with(v, lambda d: d.update(version=2)), "it reads version 1"),
    (lambda v: exported_with(v, lambda d: d["sessions"][0].update(effort=11)),
     "Session 1: effort must be a number from 1 to 10."),
    (lambda v: exported_with(v, lambda d: d["sessions"][1].update(pain="2")),
     "Session 2: pain must be a number from 0 to 10."),
    (lambda v: exported_with(v, lambda d: d["sessions"][1].update(note="n" * 501)),
     "Session 2: note must be text of at most 500 characters."),
    (lambda v: exported_with(v, lambda d: d["sessions"][0].update(ended_at="2026-02-20T14:00:00Z")),
     "Session 1: a session can last at most 6 hours."),
    (lambda v: exported_with(v, lambda d: d["sessions"][0].update(time_zone="Mars/Olympus")),
     "Session 1: time_zone must be a time zone like Europe/Berlin."),
    (lambda v: exported_with(v, lambda d: d["sessions"][1].update(op_id=d["sessions"][0]["op_id"])),
     "Session 2: op_id is the same as session 1's."),
    (lambda v: exported_with(v, lambda d: d["sessions"][0]["exercises"][0].update(kind="jump")),
     "Session 1, exercise 1: kind must be one of: hold, reps, timed."),
    (lambda v: exported_with(v, lambda d: d["program_versions"][0].update(session_days=[0])),
     "Program version 1: session_days must hold 2 to 6 different weekdays"),
    (lambda v: exported_with(v, lambda d: d["plan_events"][1].update(until=None)),
     "Plan change 2: until is missing: a move needs the day it ends on."),
    (lambda v: exported_with(v, lambda d: d["settings"].pop("time_zone")),
     "Settings: time_zone is missing."),
]  # fmt: skip


@pytest.mark.parametrize(("make_file", "message"), BAD_FILES)
def test_a_bad_file_is_refused_in_plain_words_and_changes_nothing(
    visitor: Visitor, other_visitor: Visitor, store: TrainingStore, make_file: Any, message: str
) -> None:
    build_history(visitor, store)
    body, token = make_file(visitor), other_visitor.csrf_token()
    before = all_rows(store)
    response = import_file(other_visitor, body, token)
    assert response.status_code == 422
    page = text(response)
    assert message in page and "Nothing was imported." in page
    assert 'id="import-form"' in page
    assert all_rows(store) == before


def test_an_import_without_a_file_asks_for_one(visitor: Visitor, store: TrainingStore) -> None:
    token = visitor.csrf_token()
    before = all_rows(store)
    response = visitor.client.post("/settings/data/import", data={"csrf_token": token})
    assert response.status_code == 400
    assert "Choose the .json file Hipday exported" in text(response)
    assert all_rows(store) == before


def test_an_import_accepts_files_far_over_the_usual_body_limit(
    visitor: Visitor, other_visitor: Visitor, store: TrainingStore
) -> None:
    build_history(visitor, store)
    body = visitor.get("/settings/data/hipday.json").get_data()
    padded = body + b" " * (8 * 1024 * 1024 - len(body) - 4096)
    assert import_file(other_visitor, padded).status_code == 303
    assert len(export_of(other_visitor)["sessions"]) == 2


def test_a_file_over_the_import_limit_is_refused_with_a_413(
    visitor: Visitor, store: TrainingStore
) -> None:
    visitor.finish()
    before = all_rows(store)
    # The size a browser declares is refused before the body is read, as it would be here.
    response = visitor.client.post(
        "/settings/data/import",
        data=b" " * 1024,
        content_type="multipart/form-data; boundary=x",
        environ_overrides={"CONTENT_LENGTH": str(data_import.IMPORT_LIMIT + 1)},
    )
    assert response.status_code == 413
    assert f"That file is over {data_import.IMPORT_LIMIT // 2**20} MB" in text(response)
    assert all_rows(store) == before


def test_other_forms_keep_the_small_body_limit(visitor: Visitor) -> None:
    response = visitor.client.post("/settings/delete", data={"note": "x" * 100_000})
    assert response.status_code == 413


def test_import_and_delete_without_a_csrf_token_are_refused(
    visitor: Visitor, other_visitor: Visitor, store: TrainingStore
) -> None:
    build_history(visitor, store)
    body = visitor.get("/settings/data/hipday.json").get_data()
    other_visitor.get("/settings/data")
    before = all_rows(store)
    form = {"file": (io.BytesIO(body), "hipday.json")}
    assert other_visitor.client.post("/settings/data/import", data=form).status_code == 400
    deletion = visitor.client.post("/settings/delete", data={"confirm": "yes"})
    assert deletion.status_code == 400
    assert all_rows(store) == before


def fill_with_long_sessions(store: TrainingStore, user_id: int, count: int) -> None:
    """`count` sessions at the limits' longest: the most a day, the most exercises each, long
    names and a full note in four-byte characters, inserted in bulk."""
    sessions, exercises = [], []
    for n in range(count):
        ended = datetime.combine(TEST_TODAY - timedelta(days=1 + n // 24), time(n % 24), UTC)
        sessions.append({
            "id": 900_000 + n, "public_id": uuid.uuid4().hex, "user_id": user_id,
            "op_id": f"long-{n:06d}" + "x" * 53, "routine_slug": "r" * 80,
            "started_at": ended - timedelta(minutes=30), "ended_at": ended,
            "local_date": ended.date(), "time_zone": "America/Argentina/ComodRivadavia",
            "steps_done": 9_999, "steps_total": 10_000, "effort": 10, "pain": 10,
            "note": "🦵" * NOTE_LIMIT, "created_at": ended,
        })  # fmt: skip
        exercises.extend(
            {"completion_id": 900_000 + n, "position": p, "exercise_slug": f"{p:02d}" + "e" * 78,
             "kind": "timed", "sets": 100, "amount": 10_000, "per_side": True}
            for p in range(MOST_EXERCISES_A_SESSION)
        )  # fmt: skip
    with store.engine.begin() as connection:
        connection.execute(insert(Completion.__table__), sessions)  # type: ignore[arg-type]
        connection.execute(insert(CompletionExercise.__table__), exercises)  # type: ignore[arg-type]


def test_an_export_far_over_8_mb_of_an_accepted_account_imports_back_whole(
    visitor: Visitor, other_visitor: Visitor, store: TrainingStore
) -> None:
    # A tenth of the most sessions an account keeps, each at its longest: cap-shaped, and big
    # enough to pass the old 8 MB limit, while the whole heaviest account is left to the bench.
    fill_with_long_sessions(store, visitor.account_id(), 2_400)
    exported = visitor.get("/settings/data/hipday.json").get_data()
    assert len(exported) > 8 * 2**20

    response = import_file(other_visitor, exported)

    assert response.status_code == 303, text(response)[-3000:]
    assert "Imported 2400 sessions; 0 were already here." in text(
        other_visitor.get("/settings/data")
    )
    assert without_time(export_of(other_visitor)) == without_time(json.loads(exported))


def test_an_account_imports_five_times_an_hour_then_is_told_to_wait_and_nothing_is_lost(
    visitor: Visitor, other_visitor: Visitor, store: TrainingStore
) -> None:
    visitor.finish()
    body = visitor.get("/settings/data/hipday.json").get_data()
    before = all_rows(store)
    assert [import_file(visitor, body).status_code for _ in range(5)] == [303] * 5

    refused = import_file(visitor, body)

    assert refused.status_code == 429
    assert "imported a file 5 times in the last hour" in text(refused)
    assert 3590 <= int(refused.headers["Retry-After"]) <= 3600  # an hour, less the test's own time
    assert all_rows(store) == before
    other_visitor.finish()
    assert import_file(other_visitor, body).status_code == 303
