"""Doses true to the seeds: where a seed gives an exercise a range, the plan grows the dose
within it, holds by sets rather than past the seed's hold."""

from __future__ import annotations

from datetime import date
from itertools import product

import pytest
from hypothesis import given

from routines.catalog.model import Category, Equipment, Goal, Prescription, SeedDose
from routines.dosage import Dosage, DosageKind
from routines.plan.choose import progression_caps, within_seed
from routines.plan.history import History
from routines.plan.model import DayKind, Experience, Plan, Program
from tests.unit.plan_helpers import CATALOG, FAST, START, build, plan_of, situations

HALF_KNEELING = CATALOG.exercises["half-kneeling-hip-flexor-stretch"]


#: The longest hold the library itself gives each exercise, in its default or any routine.
LIBRARY_HOLDS = {
    slug: max(
        [exercise.default_dosage.hold_seconds or 0]
        + [
            item.dosage.hold_seconds or 0
            for routine in CATALOG.routines.values()
            for item in routine.prescriptions
            if item.exercise.slug == slug
        ]
    )
    for slug, exercise in CATALOG.exercises.items()
}


def seeded_doses(plan: Plan) -> list[tuple[bool, Prescription]]:
    """Every planned dose of an exercise a seed gives a range, with whether it is deloaded."""
    return [
        (week.deload and day.kind is DayKind.STRENGTH, item)
        for week in plan.weeks
        for day in week.days
        if day.routine is not None
        for item in day.routine.prescriptions
        if item.exercise.seed_dose is not None
    ]


def outside_seed(plan: Plan) -> list[str]:
    """Doses outside their seed's range; a deload may go below it, never above."""
    found = []
    for deloaded, item in seeded_doses(plan):
        seed = item.exercise.seed_dose
        assert seed is not None
        fits = seed.allows(item.dosage) or deloaded and below_top(item.dosage, seed)
        if not fits:
            found.append(f"{item.exercise.slug} {item.dosage.describe()} (seed {seed})")
    return found


def below_top(dosage: Dosage, seed: SeedDose) -> bool:
    spans = (
        (seed.sets, dosage.sets),
        (seed.reps, dosage.reps),
        (seed.hold_seconds, dosage.hold_seconds),
    )
    return all(span is None or value is None or value <= span[1] for span, value in spans)


def test_the_library_gives_some_exercises_a_seed_range() -> None:
    assert any(e.seed_dose for e in CATALOG.exercises.values())


@pytest.mark.parametrize(
    ("goal", "experience"), list(product(Goal, Experience)), ids=lambda v: str(v)
)
def test_every_dose_in_every_plan_week_lies_within_its_seed_range(
    goal: Goal, experience: Experience
) -> None:
    for kit in (frozenset(), frozenset(Equipment)):
        program = Program(START, goal=goal, experience=experience, equipment=kit)
        plan = build(program, weeks=30)
        assert seeded_doses(plan)
        assert outside_seed(plan) == []


@FAST
@given(situations(weeks=10))
def test_easing_moves_and_missed_days_keep_every_dose_within_its_seed_range(
    situation: tuple[Program, History, date, int],
) -> None:
    assert outside_seed(plan_of(situation)) == []


def test_the_hip_flexor_stretch_grows_by_sets_and_never_past_its_30_second_hold() -> None:
    doses = set()
    for goal in (Goal.GENERAL, Goal.RUNNING, Goal.DESK):
        plan = build(Program(START, goal=goal, equipment=frozenset(Equipment)), weeks=26)
        doses |= {
            (item.dosage.sets, item.dosage.hold_seconds)
            for _, item in seeded_doses(plan)
            if item.exercise == HALF_KNEELING
        }
    assert doses == {(2, 30), (3, 30)}


@pytest.mark.parametrize("goal", list(Goal), ids=str)
def test_no_stretch_in_a_plan_grows_past_30_seconds_unless_its_seed_allows_longer(
    goal: Goal,
) -> None:
    # A stretch a library routine itself holds longer (the cool-down's 40 s) keeps that hold.
    plan = build(Program(START, goal=goal, experience=Experience.NEW), weeks=30)
    holds = {
        (
            item.exercise.slug,
            item.dosage.hold_seconds - max(30, LIBRARY_HOLDS[item.exercise.slug]),
        )
        for week in plan.weeks
        for day in week.days
        if day.routine is not None
        for item in day.routine.prescriptions
        if item.exercise.category is Category.MOBILITY_STRETCH
        and item.exercise.seed_dose is None
        and item.dosage.hold_seconds is not None
    }
    assert holds
    assert {slug: past for slug, past in holds if past > 0} == {}


def test_a_seed_caps_growth_at_its_top_instead_of_the_category_cap() -> None:
    hold_cap, _ = progression_caps(HALF_KNEELING, HALF_KNEELING.default_dosage)
    assert hold_cap == 30
    clamshell = CATALOG.exercises["clamshell"]
    _, reps_cap = progression_caps(clamshell, clamshell.default_dosage)
    assert reps_cap == 30


@pytest.mark.parametrize(
    ("dosage", "seed", "expected"),
    [
        (
            Dosage(DosageKind.REPS, sets=2, reps=12),
            SeedDose(sets=(3, 3), reps=(15, 30)),
            Dosage(DosageKind.REPS, sets=3, reps=15),
        ),
        (
            Dosage(DosageKind.HOLD, sets=4, hold_seconds=55),
            SeedDose(sets=(2, 3), hold_seconds=(30, 30)),
            Dosage(DosageKind.HOLD, sets=3, hold_seconds=30),
        ),
        (
            Dosage(DosageKind.REPS, sets=2, reps=20, rest_seconds=30),
            SeedDose(sets=(2, 3), reps=(10, 20)),
            Dosage(DosageKind.REPS, sets=2, reps=20, rest_seconds=30),
        ),
    ],
    ids=["raised to the lowest", "brought down to the top", "inside is kept"],
)
def test_a_dose_is_brought_into_its_seed_range(
    dosage: Dosage, seed: SeedDose, expected: Dosage
) -> None:
    assert within_seed(dosage, seed) == expected
