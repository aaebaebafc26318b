"""The runner's and the lifter's routines hold what they promise: standing warm-ups and
cool-downs with no kit, one-leg strength for running, and a primer that moves the hip through
its turns before a lift."""

from __future__ import annotations

import pytest

from routines.catalog.load import load_catalog
from routines.catalog.model import Equipment, Feature, Goal, Position, Routine, RoutineKind
from routines.session import compile_session

CATALOG = load_catalog()
RUNNING_WARM_UPS = [
    r
    for r in CATALOG.routines.values()
    if r.kind is RoutineKind.WARM_UP and Goal.RUNNING in r.goals
]


def slugs(routine: Routine) -> set[str]:
    """The exercises a routine holds."""
    return {p.exercise.slug for p in routine.prescriptions}


def minutes(routine: Routine) -> float:
    """How long the player takes to run the routine."""
    return compile_session(routine).total_seconds / 60


@pytest.mark.parametrize("routine", RUNNING_WARM_UPS, ids=lambda r: r.slug)
def test_a_warm_up_for_a_run_is_done_standing_with_no_kit(routine: Routine) -> None:
    assert routine.positions == {Position.STANDING}
    assert routine.equipment == frozenset()


def test_the_pre_run_warm_up_readies_ankles_and_calves_and_lunges_sideways() -> None:
    routine = CATALOG.routines["pre-run-warm-up"]
    assert {"ankle-rocks", "lateral-lunge"} <= slugs(routine)
    assert 8 <= minutes(routine) <= 10


def test_the_post_run_cool_down_is_five_to_eight_minutes_standing_with_no_kit() -> None:
    routine = CATALOG.routines["post-run-cool-down"]
    assert Goal.RUNNING in routine.goals
    assert 5 <= minutes(routine) <= 8
    assert routine.positions == {Position.STANDING}
    assert routine.equipment == frozenset()


def test_the_post_run_cool_down_stretches_calves_hip_flexors_hamstrings_and_glutes() -> None:
    stretched = {m for p in CATALOG.routines["post-run-cool-down"].prescriptions
                 for m in p.exercise.muscles}  # fmt: skip
    for region in ("calves", "iliopsoas", "hamstrings", "gluteus maximus"):  # iliopsoas: hip flexor
        assert any(region in muscle for muscle in stretched), region


def test_runner_strength_holds_the_five_moves_for_running() -> None:
    routine = CATALOG.routines["runner-strength"]
    assert routine.kind is RoutineKind.STRENGTH and Goal.RUNNING in routine.goals
    assert slugs(routine) == {
        "step-down", "single-leg-squat-to-chair", "side-lying-hip-abduction", "calf-raise",
        "single-leg-romanian-deadlift",
    }  # fmt: skip
    assert routine.equipment == {Equipment.CHAIR}
    assert 10 <= minutes(routine) <= 20


def test_the_lifting_primer_adds_hip_airplanes_lift_offs_rock_backs_and_hip_cars() -> None:
    added = {"hip-airplane", "ninety-ninety-lift-off", "adductor-rock-back", "hip-cars"}
    assert added <= slugs(CATALOG.routines["lifting-primer"])


@pytest.mark.parametrize(
    "slug",
    ["step-down", "single-leg-squat-to-chair", "single-leg-romanian-deadlift", "hip-airplane"],
)
def test_one_leg_strength_moves_are_tagged_as_loaded_balance(slug: str) -> None:
    tags = CATALOG.exercises[slug].tags
    assert {Feature.SINGLE_LEG_BALANCE, Feature.LOADED} <= tags


@pytest.mark.parametrize("slug", ["side-lying-hip-abduction", "single-leg-squat-to-chair"])
def test_seed_000s_strongest_glute_medius_moves_cite_it(slug: str) -> None:
    assert "000_fd7529d5c19d87ce.txt" in CATALOG.exercises[slug].seeds
