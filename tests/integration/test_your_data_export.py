"""Your data, downloaded: the JSON export and the CSV zip hold the user's data, and only theirs."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

import pytest
from werkzeug.test import TestResponse

from tests.conftest import TEST_TODAY
from tests.integration.conftest import Visitor
from tests.integration.your_data_helpers import (
    build_history,
    export_of,
    import_file,
    rows_of,
    text,
)
from webapp.store.training import TrainingStore


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
        "precautions": [],
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


def test_the_csv_zip_has_six_files_with_the_right_rows(
    visitor: Visitor, store: TrainingStore
) -> None:
    user_id = build_history(visitor, store)
    response = visitor.get("/settings/data/hipday-csv.zip")
    assert response.mimetype == "application/zip"
    assert "hipday-csv-" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert sorted(archive.namelist()) == [
        "exercises.csv", "hip_checks.csv", "plan_events.csv", "program.csv", "sessions.csv",
        "settings.csv",
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


def save_reminders(visitor: Visitor, token: str) -> TestResponse:
    """Save a 06:45 session reminder, and a desk reminder (left off) for Monday and Tuesday."""
    return visitor.client.post(
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


def subscribe_phone(visitor: Visitor, token: str, endpoint: str) -> TestResponse:
    """Add this phone, a Chrome on Android, as a device that gets reminders at `endpoint`."""
    return visitor.client.post(
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


def test_the_json_export_lists_reminders_and_devices_by_name_but_never_a_push_address(
    visitor: Visitor, app: Any
) -> None:
    token = visitor.csrf_token()
    assert save_reminders(visitor, token).status_code == 303
    endpoint = "https://push.example.org/send/secret-address-of-this-phone"
    subscribed = subscribe_phone(visitor, token, endpoint)
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
