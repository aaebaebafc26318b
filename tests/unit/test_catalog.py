"""The library loads clean, holds what users need, and refuses broken content with a clear message."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from routines.catalog.load import load_catalog
from routines.catalog.model import Equipment, LibraryError, Position
from routines.session import compile_session

CATALOG = load_catalog()

REQUIRED_EXERCISES = [
    "banded-clamshell", "side-lying-hip-external-rotation", "strap-guided-hip-external-rotation",
    "standing-banded-internal-rotation", "banded-hip-rotation", "lateral-band-walk",
    "monster-walk", "copenhagen-plank", "side-plank", "figure-four-stretch-lying",
    "seated-figure-four-stretch", "half-kneeling-hip-flexor-stretch", "ninety-ninety-hip-switch",
    "hip-circles", "leg-swings-front-back", "leg-swings-side-to-side", "glute-bridge",
    "split-stance-romanian-deadlift", "single-leg-pivot", "rotary-lunge", "plank-with-hip-taps",
    "dead-bug", "seated-hip-rotations", "standing-glute-squeeze",
]  # fmt: skip


def test_library_has_at_least_24_exercises_including_the_core_set() -> None:
    assert len(CATALOG.exercises) >= 24
    missing = [slug for slug in REQUIRED_EXERCISES if slug not in CATALOG.exercises]
    assert missing == []


@pytest.mark.parametrize("exercise", CATALOG.exercises.values(), ids=lambda e: e.slug)
def test_every_exercise_is_fully_described(exercise) -> None:  # type: ignore[no-untyped-def]
    assert 2 <= len(exercise.setup) <= 4
    assert 2 <= len(exercise.cues) <= 4
    assert exercise.mistakes and exercise.muscles and exercise.seeds
    assert all(seed.endswith(".txt") or seed == "common practice" for seed in exercise.seeds)


def test_variants_point_to_real_exercises() -> None:
    for exercise in CATALOG.exercises.values():
        easier, harder = CATALOG.variants(exercise)
        assert exercise not in easier + harder


def test_a_move_with_no_seed_says_it_comes_from_common_practice(tmp_path: Path) -> None:
    text = GOOD_EXERCISE.replace('seeds = ["002.txt"]', 'seeds = ["common practice"]')
    (tmp_path / "good.toml").write_text(text + GOOD_FIGURE)
    assert load_catalog(tmp_path).exercises["hip-circles"].seeds == ("common practice",)


def test_a_seed_dose_reads_as_low_and_high_ranges(tmp_path: Path) -> None:
    text = GOOD_EXERCISE + "seed_dose = { sets = [2, 4], hold_seconds = [30, 60] }\n"
    (tmp_path / "good.toml").write_text(text + GOOD_FIGURE)
    seed_dose = load_catalog(tmp_path).exercises["hip-circles"].seed_dose
    assert seed_dose is not None
    assert (seed_dose.sets, seed_dose.hold_seconds) == ((2, 4), (30, 60))
    assert str(seed_dose) == "2–4 × 30–60 s"


ROUTINE_RULES = [
    # slug, shortest, longest minutes, positions allowed, kit allowed
    ("pre-run-warm-up", 8, 10, {Position.STANDING}, set()),
    ("post-run-cool-down", 5, 8, {Position.STANDING}, set()),
    ("desk-reset", 3, 5, {Position.STANDING, Position.SEATED}, set()),
    ("desk-reset-chair", 3, 5, {Position.STANDING, Position.SEATED}, {Equipment.CHAIR}),
    ("micro-break", 2, 2.5, {Position.STANDING, Position.SEATED}, {Equipment.CHAIR}),
    ("seated-break", 3, 5, {Position.SEATED}, {Equipment.CHAIR}),
    ("standing-desk-break", 3, 5, {Position.STANDING}, set()),
    ("hip-er-strength", 10, 30, set(Position), set(Equipment)),
    ("hip-mobility-flow", 8, 20, set(Position), set(Equipment)),
    ("runner-strength", 10, 20, {Position.STANDING, Position.LYING}, {Equipment.CHAIR}),
    ("lifting-primer", 5, 17, set(Position), set(Equipment)),
    ("release-and-stretch", 5, 12, set(Position), set(Equipment)),
]


@pytest.mark.parametrize(("slug", "shortest", "longest", "positions", "kit"), ROUTINE_RULES)
def test_routine_fits_its_promise(
    slug: str, shortest: int, longest: float, positions: set[Position], kit: set[Equipment]
) -> None:
    routine = CATALOG.routines[slug]
    seconds = compile_session(routine).total_seconds
    assert shortest * 60 <= seconds <= longest * 60
    assert routine.positions <= positions
    assert routine.equipment <= kit


def test_lifting_primer_has_clamshells_side_steps_and_copenhagen_plank() -> None:
    slugs = {p.exercise.slug for p in CATALOG.routines["lifting-primer"].prescriptions}
    assert {"banded-clamshell", "lateral-band-walk", "copenhagen-plank-short-lever"} <= slugs


def test_release_and_stretch_has_figure_four_and_hip_flexor_stretches() -> None:
    names = " ".join(p.exercise.slug for p in CATALOG.routines["release-and-stretch"].prescriptions)
    assert "figure-four" in names and "hip-flexor" in names


def test_only_the_pre_run_warm_up_desk_reset_and_micro_break_are_quick_starts() -> None:
    quick = {slug for slug, routine in CATALOG.routines.items() if routine.quick_start}
    assert quick == {"pre-run-warm-up", "desk-reset", "micro-break"}


GOOD_EXERCISE = """
[[exercise]]
slug = "hip-circles"
name = "Hip circles"
summary = "Slow circles."
category = "dynamic warm-up"
position = "standing"
equipment = "none"
per_side = true
tags = ["deep-hip-bend", "gentle"]
dosage = { kind = "hold", sets = 2, hold_seconds = 20 }
setup = ["Stand tall.", "Hold a wall."]
cues = ["Go slow.", "Keep level."]
mistakes = ["Rushing."]
muscles = ["hip flexors"]
seeds = ["002.txt"]
"""

GOOD_ROUTINE = """
[[routine]]
slug = "loosen"
name = "Loosen"
summary = "Loosen up."
kind = "warm-up"
goals = ["running"]
safety = "Keep a wall within reach."
[[routine.block]]
name = "Only block"
[[routine.block.item]]
exercise = "hip-circles"
"""


GOOD_FIGURE = """
[figure.hip-circles]
label = "Standing on the left leg, the right knee lifts."
view = "side"
placement = "standing"
works = ["right leg"]
[[figure.hip-circles.pose]]
anchor = "left foot"
[[figure.hip-circles.pose]]
right_hip = { flex = 60 }
"""


def load_text(tmp_path: Path, text: str) -> None:
    (tmp_path / "broken.toml").write_text(textwrap.dedent(text))
    load_catalog(tmp_path)


def test_a_good_file_loads(tmp_path: Path) -> None:
    (tmp_path / "good.toml").write_text(GOOD_EXERCISE + GOOD_ROUTINE + GOOD_FIGURE)
    catalog = load_catalog(tmp_path)
    assert catalog.routines["loosen"].prescriptions[0].dosage.hold_seconds == 20


BROKEN = [
    (
        "an unknown exercise slug in a routine",
        GOOD_EXERCISE + GOOD_ROUTINE.replace('exercise = "hip-circles"', 'exercise = "hip-cirles"'),
        "routine 'loosen', field 'exercise': unknown exercise slug 'hip-cirles'",
    ),
    (
        "a negative hold",
        GOOD_EXERCISE.replace("hold_seconds = 20", "hold_seconds = -5"),
        "exercise 'hip-circles', field 'dosage.hold_seconds': must be a positive number",
    ),
    (
        "a negative hold in a routine",
        GOOD_EXERCISE + GOOD_ROUTINE + "hold_seconds = -30\n",
        "routine 'loosen', field 'hip-circles.hold_seconds': must be a positive number",
    ),
    (
        "a missing cue",
        GOOD_EXERCISE.replace('cues = ["Go slow.", "Keep level."]', 'cues = ["Go slow."]'),
        "exercise 'hip-circles', field 'cues': needs at least 2, has 1",
    ),
    (
        "unknown equipment",
        GOOD_EXERCISE.replace('equipment = "none"', 'equipment = "kettlebell"'),
        "exercise 'hip-circles', field 'equipment': unknown value 'kettlebell'",
    ),
    (
        "reps given to a hold exercise",
        GOOD_EXERCISE + GOOD_ROUTINE + "reps = 10\n",
        "routine 'loosen', field 'hip-circles.reps': does not apply to a hold dosage",
    ),
    (
        "a misspelt field",
        GOOD_EXERCISE.replace("muscles =", "musles ="),
        "exercise 'hip-circles', field 'musles': unknown field",
    ),
    (
        "an easier variant that does not exist",
        GOOD_EXERCISE + 'easier = ["wall-sit"]\n',
        "exercise 'hip-circles', field 'easier': no exercise 'wall-sit'",
    ),
    (
        "a routine without its safety note",
        GOOD_EXERCISE + GOOD_ROUTINE.replace('safety = "Keep a wall within reach."\n', ""),
        "routine 'loosen', field 'safety': missing or empty text",
    ),
    (
        "a seed that is neither a seed file nor common practice",
        GOOD_EXERCISE.replace('seeds = ["002.txt"]', 'seeds = ["a blog I read"]'),
        "exercise 'hip-circles', field 'seeds': 'a blog I read' is neither a seed file",
    ),
    (
        "a seed dose range written high to low",
        GOOD_EXERCISE + "seed_dose = { sets = [3, 2], hold_seconds = [30, 60] }\n",
        "exercise 'hip-circles', field 'seed_dose.sets': must be [low, high]",
    ),
    (
        "a seed dose for a timed exercise",
        GOOD_EXERCISE.replace(
            'dosage = { kind = "hold", sets = 2, hold_seconds = 20 }',
            'dosage = { kind = "timed", sets = 1, work_seconds = 40 }',
        )
        + "seed_dose = { sets = [1, 2], work_seconds = [30, 60] }\n",
        "exercise 'hip-circles', field 'seed_dose': only a reps or hold exercise takes a seed dose",
    ),
    (
        "a seed dose in reps for a held exercise",
        GOOD_EXERCISE + "seed_dose = { sets = [3, 3], reps = [15, 30] }\n",
        "exercise 'hip-circles', field 'reps': unknown field",
    ),
    (
        "a harder variant that does not list the exercise as easier",
        GOOD_EXERCISE.replace('slug = "hip-circles"', 'slug = "leg-swings"')
        + 'harder = ["hip-circles"]\n'
        + GOOD_EXERCISE,
        "exercise 'leg-swings', field 'harder': lists 'hip-circles', so 'hip-circles' must list"
        " 'leg-swings' as easier",
    ),
    ("broken TOML syntax", "[[exercise]\nslug = 1", "broken.toml: file, field 'syntax'"),
]


@pytest.mark.parametrize(("case", "text", "message"), BROKEN, ids=[case for case, *_ in BROKEN])
def test_a_broken_library_file_fails_naming_file_entry_and_field(
    tmp_path: Path, case: str, text: str, message: str
) -> None:
    with pytest.raises(LibraryError) as raised:
        load_text(tmp_path, text)
    assert str(raised.value).startswith("broken.toml: ")
    assert message in str(raised.value)
