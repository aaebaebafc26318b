"""The hip check use cases: a phone's check read strictly and kept once, found by its owner."""

from __future__ import annotations

from datetime import date

import pytest

from routines.bounds import MOST_HIP_CHECKS
from routines.figures.body import Side
from routines.hip_check import HipCheck
from tests.services.fakes import FakeTrainingStore
from webapp.services import hip_checks
from webapp.store.models import User

TODAY = date(2026, 3, 4)


def form(**fields: str) -> dict[str, str]:
    return {"client_id": "phone-check-1", "taken_on": "2026-03-04", "left_inward": "30", **fields}


def test_a_check_is_kept_once_per_the_phones_id(store: FakeTrainingStore, user: User) -> None:
    first = hip_checks.record_check(store, user, form(), TODAY)
    again = hip_checks.record_check(store, user, form(left_inward="5"), TODAY)
    assert (first.created, again.created, again.check_id) == (True, False, first.check_id)
    assert hip_checks.find_check(store, user, first.check_id) == HipCheck(
        TODAY, hip_checks.parse_check(form(), TODAY)[1].rotations
    )


def test_only_its_owner_finds_a_check(store: FakeTrainingStore, user: User) -> None:
    saved = hip_checks.record_check(store, user, form(), TODAY)
    other = store.add_user()
    assert hip_checks.find_check(store, other, saved.check_id) is None
    assert hip_checks.find_check(store, User(), saved.check_id) is None


def test_seconds_are_kept_per_side(store: FakeTrainingStore, user: User) -> None:
    _, check = hip_checks.parse_check(form(balance_left="12", plank_right="60"), TODAY)
    assert dict(check.balance_seconds) == {Side.LEFT: 12}
    assert dict(check.plank_seconds) == {Side.RIGHT: 60}


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"left_inward": "x"}, "Left inward rotation must be a whole number from 0 to 90."),
        ({"left_inward": ""}, "The check has no results"),
        ({"taken_on": "2026-03-08"}, "on or before 2026-03-07."),
        ({"client_id": ""}, "The check's id must be 8 to 64"),
    ],
)
def test_a_bad_check_is_refused_in_words(fields: dict[str, str], words: str) -> None:
    with pytest.raises(hip_checks.Refused, match=words):
        hip_checks.parse_check(form(**fields), TODAY)


def test_an_account_keeps_at_most_its_share_of_checks(store: FakeTrainingStore, user: User) -> None:
    for n in range(MOST_HIP_CHECKS):
        hip_checks.record_check(store, user, form(client_id=f"kept-check-{n}"), TODAY)
    with pytest.raises(hip_checks.Refused, match=f"{MOST_HIP_CHECKS} hip checks"):
        hip_checks.record_check(store, user, form(client_id="one-too-many"), TODAY)
    assert not hip_checks.record_check(store, user, form(client_id="kept-check-3"), TODAY).created
