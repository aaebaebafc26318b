"""Every exercise in the library has a figure that passes the geometry checks, moves the way its
dosage says, shows its kit, and whose left side is its right side's mirror image; the loader
refuses a library whose figures are missing or wrong, naming the file, exercise and field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from routines.catalog.load import LIBRARY_DIR, load_catalog
from routines.catalog.model import Exercise, LibraryError, Routine
from routines.dosage import DosageKind
from routines.figures import Motion, View, figure_problems
from routines.figures.camera import screen
from routines.figures.figure import placed_keyframes
from routines.figures.mirror import mirrored
from tests.unit.test_figure_model import other_side

CATALOG = load_catalog()
EXERCISES = list(CATALOG.exercises.values())

#: A side view cannot show a hip turning about its own axis.
ROTATION_MOVES = [
    "clamshell", "banded-clamshell", "side-lying-hip-external-rotation", "ninety-ninety-hip-switch",
    "seated-hip-rotations", "standing-banded-internal-rotation", "banded-hip-rotation",
    "single-leg-pivot",
]  # fmt: skip


def test_every_exercise_has_a_figure_and_every_figure_an_exercise() -> None:
    assert set(CATALOG.figures) == set(CATALOG.exercises)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.slug)
def test_every_figure_passes_the_geometry_checks(exercise: Exercise) -> None:
    figure = CATALOG.figures[exercise.slug]
    assert figure_problems(figure) == ()
    assert 2 <= len(figure.keyframes) <= 4
    assert figure.label.endswith(".")


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.slug)
def test_reps_cycle_and_holds_ease_in_then_stay(exercise: Exercise) -> None:
    figure = CATALOG.figures[exercise.slug]
    if exercise.default_dosage.kind is DosageKind.HOLD:
        assert figure.motion is Motion.EASE_IN
        assert figure.key == len(figure.keyframes) - 1  # still in the held position
    else:
        assert figure.motion is Motion.CYCLE


@pytest.mark.parametrize("exercise", [e for e in EXERCISES if e.per_side], ids=lambda e: e.slug)
def test_a_per_side_figure_colours_its_right_side_working(exercise: Exercise) -> None:
    assert any(limb.startswith("right") for limb in CATALOG.figures[exercise.slug].works)


@pytest.mark.parametrize("slug", ROTATION_MOVES)
def test_rotation_moves_are_seen_from_the_front_or_above(slug: str) -> None:
    assert CATALOG.figures[slug].camera.view in (View.FRONT, View.TOP)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.slug)
def test_the_left_side_drawing_is_the_right_side_drawing_flipped(exercise: Exercise) -> None:
    right = CATALOG.figures[exercise.slug]
    left = mirrored(right)
    view, other = screen(right.camera, right.placement), screen(left.camera, left.placement)
    for a, b in zip(placed_keyframes(right), placed_keyframes(left), strict=True):
        for name, point in a.items():
            x, y = view.project(point)
            assert other.project(b[other_side(name)]) == pytest.approx((-x, y), abs=1e-6)


# --- the loader refuses broken figures ---------------------------------------------------------


def library_with(tmp_path: Path, exercises: str, figures: str) -> Path:
    (tmp_path / "exercises.toml").write_text(exercises)
    (tmp_path / "figures.toml").write_text(textwrap.dedent(figures))
    return tmp_path


ONE_EXERCISE = """
[[exercise]]
slug = "clamshell"
name = "Clamshell"
summary = "Open the top knee."
category = "activation"
position = "lying"
equipment = "mini band"
per_side = true
tags = ["loaded"]
dosage = { kind = "reps", sets = 2, reps = 15 }
setup = ["Lie on your side.", "Bend your knees."]
cues = ["Lift the knee.", "Lower slowly."]
mistakes = ["Rolling back."]
muscles = ["gluteus medius"]
seeds = ["001.txt"]
"""

CLAMSHELL = """
[figure.clamshell]
label = "Lying on the left side, the top knee opens."
view = "front"
placement = "lying on the left side"
works = ["right leg"]
props = { band = ["right thigh", "left thigh"] }
[[figure.clamshell.pose]]
hips = { flex = 45 }
knees = 90
[[figure.clamshell.pose]]
right_hip = { flex = 25, abd = 40, rot = 51 }
"""

BROKEN = [
    ("an exercise without a figure", "", "exercises.toml: exercise 'clamshell', field 'figure': missing"),
    ("a figure for no exercise", CLAMSHELL + CLAMSHELL.replace("clamshell", "clamshel"),
     "figures.toml: figure 'clamshel', field 'slug': no exercise 'clamshel'"),
    ("a band exercise drawn without its band", CLAMSHELL.replace("props = { band = [\"right thigh\", \"left thigh\"] }\n", ""),
     "figures.toml: exercise 'clamshell', field 'figure.props.band': the exercise uses a mini band"),
    ("a knee bent past its range", CLAMSHELL.replace("knees = 90", "knees = 200"),
     "figures.toml: exercise 'clamshell', field 'figure.pose[1].knees.flex': 200° is outside the human range"),
    ("a leg through the floor", CLAMSHELL.replace("rot = 51", "rot = 51 }\nleft_hip = { abd = 30"),
     "figures.toml: exercise 'clamshell', field 'figure.pose[2]': the left"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "figures", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_figure_stops_the_load_naming_file_exercise_and_field(
    tmp_path: Path, case: str, figures: str, message: str
) -> None:
    with pytest.raises(LibraryError) as raised:
        load_catalog(library_with(tmp_path, ONE_EXERCISE, figures))
    assert message in str(raised.value)


@pytest.mark.parametrize("routine", CATALOG.routines.values(), ids=lambda r: r.slug)
def test_every_routine_is_pictured_by_one_of_its_own_exercises(routine: Routine) -> None:
    assert routine.signature, "choose the move that pictures the routine on cards"
    assert routine.signature_exercise.slug == routine.signature
    assert routine.signature in {p.exercise.slug for p in routine.prescriptions}


def test_a_routine_pictured_by_a_move_it_does_not_hold_is_refused(tmp_path: Path) -> None:
    routine = """
[[routine]]
slug = "open"
name = "Open"
summary = "Open the hips."
kind = "mobility"
goals = ["general"]
signature = "glute-bridge"
[[routine.block]]
name = "Only"
[[routine.block.item]]
exercise = "clamshell"
"""
    (tmp_path / "routines.toml").write_text(routine)
    with pytest.raises(LibraryError) as raised:
        load_catalog(library_with(tmp_path, ONE_EXERCISE, CLAMSHELL))
    assert "routine 'open', field 'signature': 'glute-bridge' is not one of" in str(raised.value)


def test_the_real_library_keeps_its_figures_beside_the_exercises() -> None:
    assert (LIBRARY_DIR / "figures.toml").is_file()
