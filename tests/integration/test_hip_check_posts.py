"""Sending a hip check: kept once per the phone's id, refused in words, yours alone."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.test import TestResponse

from routines.bounds import MOST_HIP_CHECKS
from routines.figures.body import Side
from routines.hip_check import Rotation
from tests.integration.conftest import Visitor
from tests.integration.fuzz_forms import SCALARS
from tests.integration.test_hip_check_store import full_check
from webapp.store.training import TrainingStore

JSON = {"Accept": "application/json"}


def check_form(**fields: str) -> dict[str, str]:
    return {
        "client_id": uuid.uuid4().hex,
        "taken_on": "2026-03-04",
        "right_outward": "50",
        "right_inward": "35",
        "left_outward": "40",
        "left_inward": "30",
        "right_inward_estimated": "1",
        "right_outward_pain_free": "yes",
        "left_outward_pain_free": "no",
        "balance_right": "30",
        "balance_left": "12",
        "plank_right": "",
        "plank_left": "45",
        "plank_on_knees": "1",
        "pelvis_level": "no",
        **fields,
    }


def send(visitor: Visitor, token: str | None = None, **fields: str) -> TestResponse:
    form = {"csrf_token": visitor.csrf_token() if token is None else token, **check_form(**fields)}
    return visitor.client.post("/hip-check", data=form, headers=JSON)


def answer(response: TestResponse) -> dict[str, Any]:
    found = response.get_json()
    assert isinstance(found, dict)
    return found


def test_a_sent_check_is_kept_and_answers_where_to_see_it(
    visitor: Visitor, store: TrainingStore
) -> None:
    response = send(visitor)
    assert response.status_code == 201
    assert answer(response)["url"] == "/progress#hips"
    (check,) = store.hip_checks(visitor.account_id())
    assert check.degrees(Side.RIGHT, Rotation.INWARD) == 35
    assert check.plank_seconds == {Side.LEFT: 45} and check.plank_on_knees
    assert check.pelvis_level is False
    assert [r.estimated for r in check.rotations] == [False, True, False, False]
    assert [r.pain_free for r in check.rotations] == [True, None, False, None]


def test_a_check_sent_again_under_its_id_is_kept_once_with_the_same_id(
    visitor: Visitor, store: TrainingStore
) -> None:
    first = send(visitor, client_id="phone-check-1")
    again = send(visitor, client_id="phone-check-1", right_outward="10")
    assert (first.status_code, again.status_code) == (201, 200)
    assert answer(first)["id"] == answer(again)["id"]
    (check,) = store.hip_checks(visitor.account_id())
    assert check.degrees(Side.RIGHT, Rotation.OUTWARD) == 50


def test_a_check_with_only_some_parts_is_kept(visitor: Visitor, store: TrainingStore) -> None:
    skipped = dict.fromkeys(["right_inward", "left_inward", "balance_right", "balance_left"], "")
    assert send(visitor, **skipped).status_code == 201
    (check,) = store.hip_checks(visitor.account_id())
    assert len(check.rotations) == 2 and not check.balance_seconds


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("right_outward", "91", "Right outward rotation must be a whole number from 0 to 90."),
        ("left_inward", "3.5", "Left inward rotation must be a whole number from 0 to 90."),
        ("left_inward", "-4", "Left inward rotation must be a whole number from 0 to 90."),
        ("right_outward", "４５", "Right outward rotation must be a whole number from 0 to 90."),
        ("balance_left", "31", "Left balance must be a whole number from 0 to 30."),
        ("plank_right", "181", "Right side plank must be a whole number from 0 to 180."),
        ("right_outward_estimated", "yes", "estimated must be 1 or left out."),
        ("left_outward_pain_free", "maybe", "pain-free must be yes, no or left empty."),
        ("pelvis_level", "1", "level must be yes, no or left empty."),
        ("taken_on", "1999-12-31", "The check's date must be on or after 2000-01-01."),
        ("taken_on", "2026-03-09", "The check's date must be on or before 2026-03-07."),
        ("taken_on", "4 March", "The check's date must be a date like 2026-11-20."),
        ("client_id", "short", "The check's id must be 8 to 64 letters"),
        ("client_id", "x" * 65, "The check's id must be 8 to 64 letters"),
    ],
)
def test_a_bad_value_is_refused_in_words_and_nothing_is_kept(
    visitor: Visitor, store: TrainingStore, field: str, value: str, words: str
) -> None:
    response = send(visitor, **{field: value})
    assert response.status_code == 422
    assert words in answer(response)["error"]
    assert store.hip_check_count(visitor.account_id()) == 0


def test_a_check_with_no_results_at_all_is_refused(visitor: Visitor) -> None:
    empty = dict.fromkeys(
        ["right_outward", "right_inward", "left_outward", "left_inward", "balance_right",
         "balance_left", "plank_right", "plank_left"], "",
    )  # fmt: skip
    response = send(visitor, **empty)
    assert response.status_code == 422
    assert "no results" in answer(response)["error"]


def test_a_check_without_its_csrf_token_is_refused_and_not_kept(
    visitor: Visitor, store: TrainingStore
) -> None:
    visitor.csrf_token()
    response = send(visitor, token="forged")
    assert response.status_code == 400
    assert "error" in answer(response)
    assert store.hip_check_count(visitor.account_id()) == 0


def test_the_outbox_header_carries_the_csrf_token_too(
    visitor: Visitor, store: TrainingStore
) -> None:
    headers = {**JSON, "X-CSRFToken": visitor.csrf_token()}
    response = visitor.client.post("/hip-check", data=check_form(), headers=headers)
    assert response.status_code == 201
    assert store.hip_check_count(visitor.account_id()) == 1


def test_an_account_with_the_most_checks_is_refused_another(
    visitor: Visitor, store: TrainingStore
) -> None:
    user_id = visitor.account_id()
    for n in range(MOST_HIP_CHECKS):
        store.add_hip_check(user_id, f"kept-{n:04d}", full_check())
    response = send(visitor)
    assert response.status_code == 422
    assert f"{MOST_HIP_CHECKS} hip checks" in answer(response)["error"]
    assert send(visitor, client_id="kept-0001").status_code == 200


def test_a_check_shows_in_words_to_its_owner_and_is_not_found_for_anyone_else(
    visitor: Visitor, other_visitor: Visitor
) -> None:
    url = answer(send(visitor, left_inward="10"))["check_url"]
    page = visitor.get(url)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "35°, estimated" in text and "40°, not pain-free" in text
    assert "35° (41%)" in text
    assert "Your left hip turns 35° less than your right." in text
    assert other_visitor.get(url).status_code == 404
    assert visitor.get("/hip-checks/999").status_code == 404


def test_any_value_in_any_field_is_kept_or_refused_in_words_never_a_server_error(
    visitor: Visitor,
) -> None:
    token, fields = visitor.csrf_token(), sorted(check_form())

    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
    @given(field=st.sampled_from(fields), value=SCALARS)
    @example(field="balance_left", value="\x00")  # garbled: the request checks refuse it first
    def post_one(field: str, value: str) -> None:
        form = {"csrf_token": token, **check_form(**{field: value})}
        response = visitor.client.post("/hip-check", data=form, headers=JSON)
        expected = (400,) if "\x00" in value else (201, 422)
        assert response.status_code in expected, (field, value, response.status_code)
        assert "error" in answer(response) or "id" in answer(response)

    post_one()
