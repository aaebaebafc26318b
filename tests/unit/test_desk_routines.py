"""The office worker's routines: short breaks at the desk, off the floor, that move the hips and
the upper back and neck; and the inward-rotation moves the library gained with them."""

from __future__ import annotations

import pytest

from routines.catalog.load import load_catalog
from routines.catalog.model import Equipment, Feature, Position, Routine, RoutineKind
from routines.session import compile_session

CATALOG = load_catalog()
DESK_ROUTINES = [r for r in CATALOG.routines.values() if r.kind is RoutineKind.DESK]
OFF_THE_FLOOR = {Position.STANDING, Position.SEATED}
FLOOR_FEATURES = {Feature.LYING_ON_BACK, Feature.BELLY_PLANK, Feature.KNEELING}
POSTURE_MOVES = {"chin-tuck", "wall-angel", "seated-thoracic-extension"}


def slugs(routine: Routine) -> set[str]:
    """The exercises a routine holds."""
    return {p.exercise.slug for p in routine.prescriptions}


@pytest.mark.parametrize("routine", DESK_ROUTINES, ids=lambda r: r.slug)
def test_a_desk_routine_lasts_at_most_five_minutes(routine: Routine) -> None:
    assert compile_session(routine).total_seconds <= 5 * 60


@pytest.mark.parametrize("routine", DESK_ROUTINES, ids=lambda r: r.slug)
def test_a_desk_routine_has_nothing_on_the_floor(routine: Routine) -> None:
    assert routine.positions <= OFF_THE_FLOOR
    assert not any(p.exercise.tags & FLOOR_FEATURES for p in routine.prescriptions)


@pytest.mark.parametrize("routine", DESK_ROUTINES, ids=lambda r: r.slug)
def test_a_desk_routine_needs_no_kit_but_a_chair(routine: Routine) -> None:
    assert routine.equipment <= {Equipment.CHAIR}


@pytest.mark.parametrize(
    ("slug", "minutes", "holds"),
    [
        ("micro-break", 2, set()),
        ("seated-break", 4, {"seated-hip-flexor-stretch"}),
        ("standing-desk-break", 4, {"standing-weight-shift", "standing-hip-hinge", "calf-raise"}),
    ],
)
def test_each_office_break_lasts_its_minutes_and_holds_what_it_promises(
    slug: str, minutes: int, holds: set[str]
) -> None:
    routine = CATALOG.routines[slug]
    assert routine.kind is RoutineKind.DESK
    assert compile_session(routine).minutes == minutes
    assert holds <= slugs(routine)


@pytest.mark.parametrize("slug", ["micro-break", "seated-break", "standing-desk-break"])
def test_each_office_break_moves_the_upper_back_or_neck_as_well_as_the_hips(slug: str) -> None:
    assert slugs(CATALOG.routines[slug]) & POSTURE_MOVES


def test_the_seated_break_never_asks_you_to_stand() -> None:
    assert CATALOG.routines["seated-break"].positions == {Position.SEATED}


def test_the_standing_desk_break_never_asks_you_to_sit() -> None:
    assert CATALOG.routines["standing-desk-break"].positions == {Position.STANDING}


def test_inward_rotation_climbs_from_the_floor_to_a_chair_to_standing() -> None:
    ladder = [
        "reverse-clamshell", "seated-banded-internal-rotation", "standing-banded-internal-rotation",
    ]  # fmt: skip
    exercises = [CATALOG.exercises[slug] for slug in ladder]
    assert [e.position for e in exercises] == [Position.LYING, Position.SEATED, Position.STANDING]
    for easier, harder in zip(exercises, exercises[1:], strict=False):
        assert harder.slug in easier.harder and easier.slug in harder.easier
    assert all(Feature.INWARD_TURN in e.tags for e in exercises)


@pytest.mark.parametrize("routine", DESK_ROUTINES, ids=lambda r: r.slug)
def test_a_desk_routine_name_leaves_the_minutes_to_the_desk_break_title(routine: Routine) -> None:
    # A desk break reads "Desk break · 2 min micro-break": a name with its own minutes repeats them.
    assert "minute" not in routine.name.lower()
