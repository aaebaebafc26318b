"""Your data: export as JSON and CSV, import an export back, and delete the account."""

from __future__ import annotations

import csv
import html
import io
import json
import uuid
import zipfile
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import insert
from sqlmodel import Session, col, func, select

from routines.bounds import MOST_EXERCISES_A_SESSION
from tests.conftest import TEST_TODAY
from tests.integration.conftest import Visitor
from webapp.services import data_import
from webapp.services.sessions import NOTE_LIMIT
from webapp.store.models import Completion, CompletionExercise, PlanEvent, ProgramVersion, User
from webapp.store.training import TrainingStore

TABLES = (User, Completion, CompletionExercise, ProgramVersion, PlanEvent)


def user_id_of(visitor: Visitor) -> int:
    visitor.get("/settings/data")
    with visitor.client.session_transaction() as session:
        user_id: int = session["user_id"]
    return user_id


def rows_of(store: TrainingStore, user_id: int) -> dict[str, int]:
    """How many rows of each table belong to the user."""
    with Session(store.engine) as session:
        theirs = select(col(Completion.id)).where(Completion.user_id == user_id)

        def count(table: Any, *where: Any) -> int:
            return session.exec(select(func.count()).select_from(table).where(*where)).one()

        return {
            "user": count(User, User.id == user_id),
            "completion": count(Completion, Completion.user_id == user_id),
            "completion_exercise": count(
                CompletionExercise, col(CompletionExercise.completion_id).in_(theirs)
            ),
            "program_version": count(ProgramVersion, ProgramVersion.user_id == user_id),
            "plan_event": count(PlanEvent, PlanEvent.user_id == user_id),
        }


def all_rows(store: TrainingStore) -> dict[str, int]:
    with Session(store.engine) as session:
        return {
            table.__name__: session.exec(select(func.count()).select_from(table)).one()
            for table in TABLES
        }


def text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def next_monday() -> date:
    today = TEST_TODAY
    return today + timedelta(days=7 - today.weekday())


def build_history(visitor: Visitor, store: TrainingStore) -> int:
    """A program changed once, a skip, a move and a vacation, and two sessions with feedback."""
    token = visitor.csrf_token()
    assert visitor.client.post("/start", data={"csrf_token": token}).status_code == 303
    onboarded_a_week_ago(store, user_id_of(visitor))  # a change on the same day would replace it
    answers = {"csrf_token": token, "goal": "lifting", "days": ["mon", "wed", "fri"],
               "equipment": ["mini band", "strap"], "deload_every": "3"}  # fmt: skip
    assert visitor.client.post("/settings", data=answers).status_code == 303
    monday, user_id = next_monday(), user_id_of(visitor)
    store.add(PlanEvent(user_id=user_id, kind="skip", day=monday))
    store.add(PlanEvent(user_id=user_id, kind="move", day=monday + timedelta(days=2),
                        until=monday + timedelta(days=3)))  # fmt: skip
    vacation = {"csrf_token": token, "first": monday + timedelta(days=14),
                "last": monday + timedelta(days=20)}  # fmt: skip
    assert visitor.client.post("/plan/vacations", data=vacation).status_code == 303
    visitor.finish(effort="7", pain="2", note="Tight left hip, «better» after")
    visitor.finish(
        routine="desk-reset", started_at="2026-02-20T12:00:00Z", ended_at="2026-02-20T12:04:00Z",
        steps_done="3", effort="", pain="", note="",
    )  # fmt: skip
    return user_id


def onboarded_a_week_ago(store: TrainingStore, user_id: int) -> None:
    with Session(store.engine) as session:
        for version in session.exec(
            select(ProgramVersion).where(ProgramVersion.user_id == user_id)
        ):
            version.effective_from = version.start = TEST_TODAY - timedelta(days=7)
            session.add(version)
        session.commit()


def export_of(visitor: Visitor) -> dict[str, Any]:
    response = visitor.get("/settings/data/hipday.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document: dict[str, Any] = json.loads(response.get_data())
    return document


def without_time(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "exported_at"}


def import_file(visitor: Visitor, body: bytes, token: str | None = None) -> Any:
    form = {"csrf_token": token or visitor.csrf_token(), "file": (io.BytesIO(body), "hipday.json")}
    response = visitor.client.post("/settings/data/import", data=form)
    response.request.environ["wsgi.input"].close()  # a large upload's spooled temporary file
    return response


def test_the_json_export_holds_everything_of_the_user_and_nothing_else(
    visitor: Visitor, other_visitor: Visitor, store: TrainingStore
) -> None:
    user_id = build_history(visitor, store)
    visitor.client.post("/settings/calendar", data={"csrf_token": visitor.csrf_token()})
    other_visitor.finish(note="A stranger's note")
    response = visitor.get("/settings/data/hipday.json")
    today = TEST_TODAY.isoformat()
    assert response.headers["Content-Disposition"] == f'attachment; filename="hipday-{today}.json"'
    assert response.headers["Cache-Control"] == "no-store"
    document = json.loads(response.get_data())
    assert (document["format"], document["version"]) == ("hipday-export", 1)
    assert document["exported_at"].endswith("Z")
    assert document["settings"] == {
        "time_zone": "Europe/Berlin", "time_zone_auto": True, "calendar_feed": True,
    }  # fmt: skip
    assert [v["goal"] for v in document["program_versions"]] == ["general", "lifting"]
    assert document["program_versions"][1]["session_days"] == [0, 2, 4]
    assert document["program_versions"][1]["equipment"] == ["mini band", "strap"]
    assert [e["kind"] for e in document["plan_events"]] == ["skip", "move", "vacation"]
    first, second = document["sessions"]
    assert (first["effort"], first["pain"], first["note"]) == (
        7,
        2,
        "Tight left hip, «better» after",
    )
    assert (second["routine"], second["effort"], second["steps_done"]) == ("desk-reset", None, 3)
    assert first["exercises"][0].keys() == {"exercise", "kind", "sets", "amount", "per_side"}
    assert len(first["exercises"]) == rows_of(store, user_id)["completion_exercise"] - len(
        second["exercises"]
    )
    body = response.get_data(as_text=True)
    user = store.user(user_id)
    assert user is not None and user.calendar_token and user.calendar_token not in body
    assert "A stranger's note" not in body
    assert all(c.public_id not in body for c in store.completions(user_id))
    assert not {"id", "public_id", "user_id", "completion_id"} & set(keys_in(document))


def keys_in(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [*value, *(k for v in value.values() for k in keys_in(v))]
    if isinstance(value, list):
        return [k for v in value for k in keys_in(v)]
    return []


def test_another_visitors_export_never_holds_the_first_visitors_data(
    visitor: Visitor, other_visitor: Visitor, store: TrainingStore
) -> None:
    build_history(visitor, store)
    document = export_of(other_visitor)
    assert document["sessions"] == document["program_versions"] == document["plan_events"] == []
    for url in ("/settings/data/sessions.csv", "/settings/data/hipday-csv.zip"):
        assert b"Tight left hip" not in other_visitor.get(url).get_data()


def read_csv(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_csv_zip_has_five_files_with_the_right_rows(
    visitor: Visitor, store: TrainingStore
) -> None:
    user_id = build_history(visitor, store)
    response = visitor.get("/settings/data/hipday-csv.zip")
    assert response.mimetype == "application/zip"
    assert "hipday-csv-" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert sorted(archive.namelist()) == [
        "exercises.csv", "plan_events.csv", "program.csv", "sessions.csv", "settings.csv",
    ]  # fmt: skip
    files = {name: read_csv(archive.read(name)) for name in archive.namelist()}
    counts = rows_of(store, user_id)
    assert len(files["sessions.csv"]) == counts["completion"] == 2
    assert files["sessions.csv"][0]["note"] == "Tight left hip, «better» after"
    assert files["sessions.csv"][1]["effort"] == ""
    assert len(files["exercises.csv"]) == counts["completion_exercise"]
    assert {row["op_id"] for row in files["exercises.csv"]} == {
        row["op_id"] for row in files["sessions.csv"]
    }
    assert files["program.csv"][1]["session_days"] == "mon wed fri"
    assert files["program.csv"][1]["equipment"] == "mini band; strap"
    assert [row["kind"] for row in files["plan_events.csv"]] == ["skip", "move", "vacation"]
    assert files["plan_events.csv"][0]["until"] == ""
    assert files["settings.csv"] == [
        {"time_zone": "Europe/Berlin", "time_zone_auto": "true", "calendar_feed": "false"}
    ]


@pytest.mark.parametrize(
    "url",
    ["/settings/data/hipday.json", "/settings/data/hipday-csv.zip", "/settings/data/sessions.csv"],
)
def test_each_download_is_sent_in_parts_as_it_is_written(
    visitor: Visitor, store: TrainingStore, url: str
) -> None:
    build_history(visitor, store)
    response = visitor.get(url)
    assert response.status_code == 200 and response.get_data()
    # A length known up front would mean the whole file was built before its first byte left.
    assert "Content-Length" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("note", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)"])
def test_sessions_csv_defuses_a_note_that_a_spreadsheet_would_run(
    visitor: Visitor, note: str
) -> None:
    visitor.finish(note=note)
    response = visitor.get("/settings/data/sessions.csv")
    assert response.mimetype == "text/csv"
    assert response.get_data().startswith("\ufeffop_id,routine,".encode())
    (row,) = read_csv(response.get_data())
    assert row["note"] == "'" + note


def test_sessions_csv_defuses_imported_notes_that_start_with_a_tab_or_return(
    visitor: Visitor, other_visitor: Visitor
) -> None:
    visitor.finish()
    document = export_of(visitor)
    document["sessions"][0]["note"] = "\t=cmd"
    document["sessions"].append({**document["sessions"][0], "op_id": "second-one", "note": "\r@x"})
    assert import_file(other_visitor, json.dumps(document).encode()).status_code == 303
    rows = read_csv(other_visitor.get("/settings/data/sessions.csv").get_data())
    assert [row["note"] for row in rows] == ["'\t=cmd", "'\r@x"]


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


def test_deleting_without_confirming_is_refused_and_deletes_nothing(
    visitor: Visitor, store: TrainingStore
) -> None:
    user_id = build_history(visitor, store)
    before = rows_of(store, user_id)
    page = text(visitor.get("/settings/delete"))
    assert "2 sessions" in page and "I understand this deletes everything" in page
    response = visitor.client.post("/settings/delete", data={"csrf_token": visitor.csrf_token()})
    assert response.status_code == 422
    assert "Tick “I understand this deletes everything”" in text(response)
    assert rows_of(store, user_id) == before


def test_deleting_with_confirmation_removes_every_row_of_that_user_only(
    visitor: Visitor, other_visitor: Visitor, store: TrainingStore
) -> None:
    user_id = build_history(visitor, store)
    other_id = build_history(other_visitor, store)
    others = rows_of(store, other_id)
    form = {"csrf_token": visitor.csrf_token(), "confirm": "yes"}
    response = visitor.client.post("/settings/delete", data=form)
    assert response.status_code == 303 and response.headers["Location"] == "/goodbye"
    assert set(rows_of(store, user_id).values()) == {0}
    assert rows_of(store, other_id) == others
    with visitor.client.session_transaction() as session:
        assert "user_id" not in session


def test_the_goodbye_page_makes_no_new_account(visitor: Visitor, store: TrainingStore) -> None:
    before = all_rows(store)["User"]
    page = visitor.get("/goodbye")
    assert page.status_code == 200 and "Your account is deleted" in text(page)
    assert 'href="/"' in text(page)
    assert all_rows(store)["User"] == before


def test_after_deletion_the_old_cookie_gets_a_fresh_empty_account(
    visitor: Visitor, other_visitor: Visitor, store: TrainingStore
) -> None:
    build_history(visitor, store)
    user_id = build_history(other_visitor, store)
    with other_visitor.client.session_transaction() as session:
        old_cookie = dict(session)
    form = {"csrf_token": other_visitor.csrf_token(), "confirm": "yes"}
    other_visitor.client.post("/settings/delete", data=form)
    with other_visitor.client.session_transaction() as session:
        session.update(old_cookie)
    document = export_of(other_visitor)
    assert document["sessions"] == document["program_versions"] == document["plan_events"] == []
    assert set(rows_of(store, user_id).values()) == {0}
    assert len(export_of(visitor)["sessions"]) == 2


def test_a_deleted_accounts_old_cookie_never_opens_a_newer_account(
    visitor: Visitor, other_visitor: Visitor
) -> None:
    visitor.finish(note="Private")
    with visitor.client.session_transaction() as session:
        old_cookie = dict(session)
    visitor.client.post(
        "/settings/delete", data={"csrf_token": visitor.csrf_token(), "confirm": "yes"}
    )
    other_visitor.finish(note="Someone else's private note")
    with visitor.client.session_transaction() as session:
        session.update(old_cookie)
    assert b"Someone else" not in visitor.get("/settings/data/sessions.csv").get_data()


def test_the_json_export_lists_reminders_and_devices_by_name_but_never_a_push_address(
    visitor: Visitor, app: Any
) -> None:
    token = visitor.csrf_token()
    saved = visitor.client.post(
        "/settings/reminders",
        data={
            "csrf_token": token,
            "session_on": "on",
            "session_at": "06:45",
            "session_follow": "plan",
            "desk_every": "90",
            "desk_from": "08:30",
            "desk_until": "16:30",
            "desk_days": ["mon", "tue"],
            "paused_until": "",
        },
    )
    assert saved.status_code == 303
    endpoint = "https://push.example.org/send/secret-address-of-this-phone"
    subscribed = visitor.client.post(
        "/settings/reminders/devices",
        json={
            "endpoint": endpoint,
            "keys": {
                "p256dh": "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
                "auth": "tBHItJI5svbpez7KI4CCXg",
            },
        },
        headers={
            "X-CSRFToken": token,
            "User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/130.0",
        },
    )
    assert subscribed.status_code == 201

    body = visitor.get("/settings/data/hipday.json").get_data(as_text=True)
    document = json.loads(body)
    reminders = document["reminders"]
    assert {r["kind"]: r["at"] for r in reminders["kinds"]} == {"session": "06:45", "desk": "08:30"}
    desk = next(r for r in reminders["kinds"] if r["kind"] == "desk")
    assert (desk["on"], desk["weekdays"], desk["until"], desk["every_minutes"]) == (
        False, [0, 1], "16:30", 90,
    )  # fmt: skip
    assert [d["name"] for d in reminders["devices"]] == ["Chrome on Android"]
    assert "secret-address-of-this-phone" not in body
    reimported = visitor.client.post(
        "/settings/data/import",
        data={"csrf_token": token, "file": (io.BytesIO(body.encode()), "hipday.json")},
        content_type="multipart/form-data",
    )
    assert reimported.status_code in (200, 303)


def test_an_account_downloads_its_data_ten_times_an_hour_then_is_told_to_wait(
    visitor: Visitor, other_visitor: Visitor
) -> None:
    visitor.finish()
    downloads = ["/settings/data/hipday.json", "/settings/data/hipday-csv.zip"] * 4 + [
        "/settings/data/sessions.csv"
    ] * 2
    assert [visitor.get(url).status_code for url in downloads] == [200] * 10

    refused = visitor.get("/settings/data/sessions.csv")

    assert refused.status_code == 429
    assert "downloaded your data 10 times in the last hour" in text(refused)
    assert 3590 <= int(refused.headers["Retry-After"]) <= 3600  # an hour, less the test's own time
    other_visitor.finish()
    assert other_visitor.get("/settings/data/hipday.json").status_code == 200


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
