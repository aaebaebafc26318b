"""Hip checks in the database: kept whole, once per phone's check id, read back newest last."""

from __future__ import annotations

from datetime import date, timedelta
from types import MappingProxyType

from routines.figures.body import Side
from routines.hip_check import HipCheck, Rotation, RotationResult
from tests.integration.conftest import Visitor
from webapp.store.training import TrainingStore


def full_check(taken_on: date = date(2026, 3, 1), right_inward: int = 35) -> HipCheck:
    return HipCheck(
        taken_on=taken_on,
        rotations=(
            RotationResult(Side.RIGHT, Rotation.OUTWARD, 50, False, True),
            RotationResult(Side.RIGHT, Rotation.INWARD, right_inward, True, None),
            RotationResult(Side.LEFT, Rotation.OUTWARD, 40, False, False),
        ),
        balance_seconds=MappingProxyType({Side.RIGHT: 30, Side.LEFT: 12}),
        plank_seconds=MappingProxyType({Side.LEFT: 45}),
        plank_on_knees=True,
        pelvis_level=False,
    )


def test_a_stored_check_reads_back_with_every_part_and_every_gap(
    visitor: Visitor, store: TrainingStore
) -> None:
    user_id = visitor.account_id()
    check_id, new = store.add_hip_check(user_id, "phone-1", full_check())
    assert new
    assert store.hip_checks(user_id) == [full_check()]
    assert store.hip_check(user_id, check_id) == full_check()


def test_a_check_sent_again_under_its_id_is_kept_once(
    visitor: Visitor, store: TrainingStore
) -> None:
    user_id = visitor.account_id()
    first, _ = store.add_hip_check(user_id, "phone-1", full_check())
    again, new = store.add_hip_check(user_id, "phone-1", full_check(right_inward=10))
    assert (again, new) == (first, False)
    assert store.hip_checks(user_id) == [full_check()]


def test_checks_read_newest_last_and_only_the_newest_two_hundred(
    visitor: Visitor, store: TrainingStore
) -> None:
    user_id = visitor.account_id()
    first = date(2025, 1, 1)
    for n in reversed(range(205)):
        store.add_hip_check(user_id, f"c{n}", full_check(first + timedelta(days=n)))
    days = [check.taken_on for check in store.hip_checks(user_id)]
    assert days == [first + timedelta(days=n) for n in range(5, 205)]


def test_another_users_check_is_not_found_by_its_id(
    visitor: Visitor, other_visitor: Visitor, store: TrainingStore
) -> None:
    check_id, _ = store.add_hip_check(visitor.account_id(), "phone-1", full_check())
    assert store.hip_check(other_visitor.account_id(), check_id) is None


def test_deleting_an_account_deletes_its_hip_checks(visitor: Visitor, store: TrainingStore) -> None:
    user_id = visitor.account_id()
    store.add_hip_check(user_id, "phone-1", full_check())
    assert store.delete_user(user_id)
    assert store.hip_check_count(user_id) == 0
