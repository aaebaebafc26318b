"""Hip checks in your data: exported as JSON and CSV, imported back once, refused in words."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

from tests.integration.conftest import Visitor
from tests.integration.test_hip_check_posts import send
from tests.integration.your_data_helpers import export_of, import_file, text
from webapp.store.training import TrainingStore


def two_checks(visitor: Visitor) -> None:
    assert send(visitor, client_id="first-check", taken_on="2026-02-01").status_code == 201
    second = send(visitor, client_id="second-check", right_inward="", balance_left="")
    assert second.status_code == 201


def test_the_json_export_lists_each_check_with_the_phones_fields(visitor: Visitor) -> None:
    two_checks(visitor)
    first, second = export_of(visitor)["hip_checks"]
    assert first["client_id"] == "first-check" and first["taken_on"] == "2026-02-01"
    assert first["right_inward"] == 35 and first["right_inward_estimated"] is True
    assert first["left_outward_pain_free"] is False and first["pelvis_level"] is False
    assert second["right_inward"] is None and second["balance_left"] is None


def test_the_csv_zip_has_a_row_per_check(visitor: Visitor) -> None:
    two_checks(visitor)
    archive = zipfile.ZipFile(io.BytesIO(visitor.get("/settings/data/hipday-csv.zip").get_data()))
    rows = list(csv.DictReader(io.StringIO(archive.read("hip_checks.csv").decode("utf-8-sig"))))
    assert [row["client_id"] for row in rows] == ["first-check", "second-check"]
    assert rows[0]["right_outward"] == "50" and rows[0]["plank_on_knees"] == "true"
    assert rows[1]["right_inward"] == "" and rows[1]["pelvis_level"] == "false"


def test_checks_come_back_whole_in_another_account_and_only_once(
    visitor: Visitor, other_visitor: Visitor, store: TrainingStore
) -> None:
    two_checks(visitor)
    body = json.dumps(export_of(visitor)).encode()
    for _ in range(2):
        assert import_file(other_visitor, body).status_code == 303
    assert export_of(other_visitor)["hip_checks"] == export_of(visitor)["hip_checks"]
    assert store.hip_checks(other_visitor.account_id()) == store.hip_checks(visitor.account_id())


def test_the_first_import_says_how_many_checks_it_added(
    visitor: Visitor, other_visitor: Visitor
) -> None:
    two_checks(visitor)
    import_file(other_visitor, json.dumps(export_of(visitor)).encode())
    assert "Added 2 hip checks." in text(other_visitor.get("/settings/data"))


def test_an_export_from_before_the_hip_check_still_imports(
    visitor: Visitor, other_visitor: Visitor, store: TrainingStore
) -> None:
    old = export_of(visitor)
    del old["hip_checks"]
    assert import_file(other_visitor, json.dumps(old).encode()).status_code == 303
    assert store.hip_check_count(other_visitor.account_id()) == 0


def bad_import(visitor: Visitor, other_visitor: Visitor, **wrong: Any) -> str:
    document = export_of(visitor)
    document["hip_checks"][1].update(wrong)
    response = import_file(other_visitor, json.dumps(document).encode())
    assert response.status_code == 422
    return text(response)


def test_a_check_out_of_bounds_in_the_file_is_refused_in_words_and_nothing_is_added(
    visitor: Visitor, other_visitor: Visitor, store: TrainingStore
) -> None:
    two_checks(visitor)
    page = bad_import(visitor, other_visitor, left_outward=120)
    assert "Hip check 2: Left outward rotation must be a whole number from 0 to 90." in page
    assert store.hip_check_count(other_visitor.account_id()) == 0


def test_a_value_of_the_wrong_kind_in_the_file_is_refused_in_words(
    visitor: Visitor, other_visitor: Visitor
) -> None:
    two_checks(visitor)
    page = bad_import(visitor, other_visitor, pelvis_level="yes")
    assert "Hip check 2: pelvis_level must be true, false or null." in page
    page = bad_import(visitor, other_visitor, balance_right=True)
    assert "Hip check 2: balance_right must be a whole number or null." in page
