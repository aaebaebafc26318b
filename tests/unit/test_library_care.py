"""The library takes care of the people using it: safety notes, honest words, seed-true doses and
variants that lead both ways."""

from __future__ import annotations

import re

import pytest

from routines.catalog.load import load_catalog
from routines.catalog.model import Equipment, Exercise, Feature, Position

CATALOG = load_catalog()
EXERCISES = list(CATALOG.exercises.values())
ROUTINES = list(CATALOG.routines.values())


def words(exercise: Exercise) -> str:
    """Everything the exercise tells a user, in one lower-case text."""
    parts = (exercise.summary, *exercise.setup, *exercise.cues, exercise.safety or "")
    return " ".join(parts).lower()


@pytest.mark.parametrize("routine", ROUTINES, ids=lambda r: r.slug)
def test_every_routine_has_a_safety_note_of_its_own(routine) -> None:  # type: ignore[no-untyped-def]
    others = {r.safety for r in ROUTINES if r.slug != routine.slug}
    assert len(routine.safety) >= 60
    assert routine.safety not in others


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.slug)
def test_every_exercise_has_tags_with_exactly_one_of_gentle_and_loaded_and_a_figure(
    exercise,  # type: ignore[no-untyped-def]
) -> None:
    assert len(exercise.tags & {Feature.GENTLE, Feature.LOADED}) == 1
    assert exercise.slug in CATALOG.figures


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.slug)
def test_easier_and_harder_variants_list_each_other(exercise) -> None:  # type: ignore[no-untyped-def]
    easier, harder = CATALOG.variants(exercise)
    assert all(exercise.slug in variant.harder for variant in easier)
    assert all(exercise.slug in variant.easier for variant in harder)


def uses_a_chair(exercise: Exercise) -> bool:
    """Whether the move sits on, leans on or rests a leg on a chair."""
    seated_on_one = exercise.position is Position.SEATED and "chair" in words(exercise)
    return exercise.equipment is Equipment.CHAIR or seated_on_one


SEATED = [e for e in EXERCISES if uses_a_chair(e)]


@pytest.mark.parametrize("exercise", SEATED, ids=lambda e: e.slug)
def test_every_move_on_a_chair_asks_for_a_steady_chair_without_wheels(exercise) -> None:  # type: ignore[no-untyped-def]
    text = words(exercise)
    assert "steady chair" in text
    assert "wheels" in text or "against a wall" in text


def test_the_desk_chair_routine_does_not_send_you_to_a_swivel_chair() -> None:
    routine = CATALOG.routines["desk-reset-chair"]
    assert "desk chair" not in routine.summary.lower()
    assert "without wheels" in routine.safety


DEEP_BENDS = [e.slug for e in EXERCISES if Feature.DEEP_HIP_BEND in e.tags]


def test_the_strap_rotation_figure_four_knee_hug_and_90_90_count_as_deep_bends() -> None:
    named = {
        "strap-guided-hip-external-rotation", "figure-four-stretch-lying",
        "seated-figure-four-stretch", "walking-knee-hug", "ninety-ninety-hip-switch",
    }  # fmt: skip
    assert named <= set(DEEP_BENDS)


@pytest.mark.parametrize("slug", DEEP_BENDS)
def test_deep_bend_moves_say_to_stop_at_a_pinch_in_the_front_of_the_hip(slug: str) -> None:
    text = words(CATALOG.exercises[slug])
    assert re.search(r"pinch\w* (at|in) the front of (your|the) hip", text)


OVERCLAIMS = [
    "resets your pelvis", "long sitting shortens", "back to neutral", "undo a long sit",
    "posture reset", "fixes", "corrects",
]  # fmt: skip


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.slug)
def test_exercises_say_what_a_move_does_not_what_it_fixes(exercise) -> None:  # type: ignore[no-untyped-def]
    text = f"{exercise.name} {words(exercise)}".lower()
    assert [claim for claim in OVERCLAIMS if claim in text] == []


@pytest.mark.parametrize("routine", ROUTINES, ids=lambda r: r.slug)
def test_routines_say_what_they_do_not_what_they_fix(routine) -> None:  # type: ignore[no-untyped-def]
    text = f"{routine.summary} {routine.safety}".lower()
    assert [claim for claim in OVERCLAIMS if claim in text] == []


NOTES = [
    ("half-kneeling-hip-flexor-stretch", r"knee", r"cushion|pad"),
    ("plank-with-hip-taps", r"wrist", r"shoulder"),
    ("split-stance-romanian-deadlift", r"light", r"build|add"),
    ("single-leg-pivot", r"wall", r"hand|reach"),
    ("rotary-lunge", r"wall", r"hand|reach"),
    ("hip-circles", r"wall", r"hand|reach"),
    ("walking-knee-hug", r"wall", r"hand|reach"),
    ("standing-banded-internal-rotation", r"wall", r"hand|reach"),
]


@pytest.mark.parametrize(("slug", "first", "second"), NOTES, ids=[n[0] for n in NOTES])
def test_moves_with_a_known_risk_carry_a_safety_note_about_it(
    slug: str, first: str, second: str
) -> None:
    safety = (CATALOG.exercises[slug].safety or "").lower()
    assert re.search(first, safety) and re.search(second, safety)


def test_every_single_leg_balance_move_keeps_a_hand_near_a_wall() -> None:
    balance = [e for e in EXERCISES if Feature.SINGLE_LEG_BALANCE in e.tags]
    assert [e.slug for e in balance if "wall" not in words(e)] == []


def prescribed_doses() -> list[object]:
    """Each exercise's default dose and each routine's dose of it, where a seed gives a range."""
    doses = [pytest.param(e.default_dosage, e.seed_dose, id=e.slug) for e in EXERCISES]
    for routine in ROUTINES:
        for item in routine.prescriptions:
            where = f"{routine.slug}: {item.exercise.slug}"
            doses.append(pytest.param(item.dosage, item.exercise.seed_dose, id=where))
    return [dose for dose in doses if dose.values[1] is not None]


@pytest.mark.parametrize(("dosage", "seed_dose"), prescribed_doses())
def test_every_dose_lies_within_its_seeds_range(dosage, seed_dose) -> None:  # type: ignore[no-untyped-def]
    assert seed_dose.allows(dosage), f"{dosage} is outside the seed's {seed_dose}"


SEEDED = {
    "clamshell": "3 × 15–30 reps",
    "banded-clamshell": "3 × 15–30 reps",
    "figure-four-stretch-lying": "2–4 × 30–60 s",
    "half-kneeling-hip-flexor-stretch": "2–3 × 30 s",
    "standing-banded-internal-rotation": "2–3 × 10–20 reps",
}


@pytest.mark.parametrize(("slug", "seed_dose"), SEEDED.items())
def test_moves_the_seeds_dose_carry_the_seeds_range(slug: str, seed_dose: str) -> None:
    assert str(CATALOG.exercises[slug].seed_dose) == seed_dose


LADDER = [
    "adductor-squeeze", "copenhagen-plank-short-lever", "copenhagen-plank",
    "copenhagen-plank-leg-lift",
]  # fmt: skip


def test_the_copenhagen_ladder_climbs_one_rung_at_a_time_both_ways() -> None:
    for easier, harder in zip(LADDER, LADDER[1:], strict=False):
        assert harder in CATALOG.exercises[easier].harder
        assert easier in CATALOG.exercises[harder].easier


def test_the_lifting_primer_starts_the_copenhagen_plank_on_the_short_lever() -> None:
    slugs = {p.exercise.slug for p in CATALOG.routines["lifting-primer"].prescriptions}
    assert "copenhagen-plank-short-lever" in slugs
    assert "copenhagen-plank" not in slugs


NO_VARIANT_YET = [
    "hip-circles", "leg-swings-front-back", "leg-swings-side-to-side", "walking-knee-hug",
    "standing-banded-internal-rotation", "dead-bug", "split-stance-romanian-deadlift",
    "figure-four-stretch-lying", "chair-sit-to-stand",
]  # fmt: skip


@pytest.mark.parametrize("slug", NO_VARIANT_YET)
def test_moves_that_had_no_variant_now_have_one(slug: str) -> None:
    exercise = CATALOG.exercises[slug]
    assert exercise.easier or exercise.harder
