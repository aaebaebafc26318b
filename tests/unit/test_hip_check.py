"""The hip check's rules: each side's arc, the imbalance, which side lags, the limits of a result,
the parts a precaution leaves out, the rotation work and the typical ranges shown as context."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routines.catalog.load import load_catalog
from routines.figures.body import Side
from routines.hip_check import (
    LAG_DEGREES,
    MOST_DEGREES,
    RANGES_SOURCE,
    ROTATION_WORK,
    TYPICAL_RANGES,
    HipCheck,
    Part,
    Rotation,
    RotationResult,
    arc,
    imbalance,
    lagging_side,
    left_out,
)
from routines.precautions import Precaution

TAKEN_ON = date(2026, 3, 4)
PROPERTY = settings(max_examples=200, deadline=None)
R, L = Side.RIGHT, Side.LEFT
OUT, IN = Rotation.OUTWARD, Rotation.INWARD
P = Precaution


def check_with(
    right: tuple[int | None, int | None], left: tuple[int | None, int | None]
) -> HipCheck:
    """A check with these (outward, inward) degrees per side; None leaves that one out."""
    rotations = tuple(
        RotationResult(side, rotation, degrees)
        for side, pair in ((R, right), (L, left))
        for rotation, degrees in zip((OUT, IN), pair, strict=True)
        if degrees is not None
    )
    return HipCheck(TAKEN_ON, rotations)


def mirrored(check: HipCheck) -> HipCheck:
    """The same check with the sides swapped."""
    swap = {R: L, L: R}
    rotations = tuple(
        RotationResult(swap[r.side], r.rotation, r.degrees, r.estimated, r.pain_free)
        for r in check.rotations
    )
    return HipCheck(check.taken_on, rotations)


degrees = st.integers(min_value=0, max_value=MOST_DEGREES)
sides = st.tuples(degrees, degrees)


@pytest.mark.parametrize(
    ("right", "left", "right_arc", "left_arc"),
    [
        ((45, 35), (40, 30), 80, 70),
        ((0, 0), (90, 90), 0, 180),
        ((45, None), (40, 30), None, 70),
        ((None, 35), (None, None), None, None),
    ],
)
def test_a_sides_arc_is_outward_plus_inward_and_unknown_when_either_is_missing(
    right: tuple[int | None, int | None],
    left: tuple[int | None, int | None],
    right_arc: int | None,
    left_arc: int | None,
) -> None:
    check = check_with(right, left)
    assert (arc(check, R), arc(check, L)) == (right_arc, left_arc)


@pytest.mark.parametrize(
    ("right", "left", "expected"),
    [
        ((45, 35), (45, 35), (0, 0.0)),
        ((45, 35), (40, 30), (10, 0.125)),
        ((20, 20), (30, 20), (10, 0.2)),
        ((0, 0), (0, 0), (0, 0.0)),
        ((45, 35), (45, None), None),
    ],
)
def test_the_imbalance_is_the_arcs_difference_in_degrees_and_as_a_share_of_the_larger(
    right: tuple[int, int | None],
    left: tuple[int, int | None],
    expected: tuple[int, float] | None,
) -> None:
    assert imbalance(check_with(right, left)) == expected


@pytest.mark.parametrize(
    ("right", "left", "lagging"),
    [
        ((45, 35), (45, 35), None),
        ((45, 35), (40, 30), None),  # exactly 10° (12.5%): not lagging
        ((45, 35), (40, 29), L),  # 11°: the left lags
        ((25, 15), (20, 12), None),  # exactly 8° and 20%: not lagging
        ((25, 15), (20, 11), L),  # 9° but 22.5%: the left lags by share
        ((50, 40), (60, 40), None),  # exactly 10° (10%): not lagging
        ((49, 40), (60, 40), R),  # 11°: the right lags
        ((60, 40), (49, 40), L),
        ((45, None), (10, 10), None),  # no arc on the right: nothing to compare
    ],
)
def test_a_side_lags_only_when_its_arc_trails_by_more_than_10_degrees_or_20_per_cent(
    right: tuple[int, int | None], left: tuple[int, int], lagging: Side | None
) -> None:
    assert lagging_side(check_with(right, left)) == lagging


@PROPERTY
@given(sides, sides)
def test_the_lagging_side_follows_the_rule_in_whole_degrees(
    right: tuple[int, int], left: tuple[int, int]
) -> None:
    right_arc, left_arc = sum(right), sum(left)
    gap, larger = abs(right_arc - left_arc), max(right_arc, left_arc)
    # More than 20% of the larger arc, in whole numbers: 5 × gap > larger.
    lags = gap > LAG_DEGREES or 5 * gap > larger
    found = lagging_side(check_with(right, left))
    assert (found is not None) == lags
    if found is not None:
        assert arc(check_with(right, left), found) == min(right_arc, left_arc)


@PROPERTY
@given(sides, sides)
def test_swapping_the_sides_swaps_the_lagging_side_and_keeps_the_imbalance(
    right: tuple[int, int], left: tuple[int, int]
) -> None:
    check = check_with(right, left)
    swapped = {R: L, L: R, None: None}
    assert lagging_side(mirrored(check)) == swapped[lagging_side(check)]
    assert imbalance(mirrored(check)) == imbalance(check)


@PROPERTY
@given(sides, sides)
def test_the_imbalance_share_is_between_nothing_and_everything(
    right: tuple[int, int], left: tuple[int, int]
) -> None:
    found = imbalance(check_with(right, left))
    assert found is not None
    gap, share = found
    assert 0 <= gap <= 2 * MOST_DEGREES
    assert 0.0 <= share <= 1.0


@pytest.mark.parametrize("bad", [-1, 91, 180])
def test_a_rotation_outside_0_to_90_degrees_is_refused(bad: int) -> None:
    with pytest.raises(ValueError, match="0 to 90°"):
        RotationResult(R, OUT, bad)


@pytest.mark.parametrize("edge", [0, 90])
def test_a_rotation_of_0_or_90_degrees_is_kept(edge: int) -> None:
    assert RotationResult(L, IN, edge).degrees == edge


@pytest.mark.parametrize(
    ("balance", "plank", "message"),
    [
        ({R: -1}, {}, "balance is 0 to 30 s"),
        ({L: 31}, {}, "balance is 0 to 30 s"),
        ({}, {R: -1}, "side plank is 0 to 180 s"),
        ({}, {L: 181}, "side plank is 0 to 180 s"),
    ],
)
def test_a_balance_or_side_plank_time_outside_its_limits_is_refused(
    balance: dict[Side, int], plank: dict[Side, int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        HipCheck(TAKEN_ON, balance_seconds=balance, plank_seconds=plank)


def test_balance_and_side_plank_times_at_their_limits_are_kept() -> None:
    check = HipCheck(TAKEN_ON, balance_seconds={R: 0, L: 30}, plank_seconds={R: 180, L: 0})
    assert (check.balance_seconds[L], check.plank_seconds[R]) == (30, 180)


def test_a_side_and_direction_recorded_twice_is_refused() -> None:
    twice = (RotationResult(R, OUT, 40), RotationResult(R, OUT, 45))
    with pytest.raises(ValueError, match="once"):
        HipCheck(TAKEN_ON, twice)


def test_each_side_and_direction_reads_back_its_own_degrees() -> None:
    check = check_with((41, 32), (43, 36))
    read = {(s, r): check.degrees(s, r) for s in (R, L) for r in (OUT, IN)}
    assert read == {(R, OUT): 41, (R, IN): 32, (L, OUT): 43, (L, IN): 36}
    assert check_with((41, None), (None, None)).degrees(R, IN) is None


def test_a_check_with_nothing_recorded_has_no_arc_imbalance_or_lagging_side() -> None:
    empty = HipCheck(TAKEN_ON)
    assert (arc(empty, R), imbalance(empty), lagging_side(empty)) == (None, None, None)


# Which parts of the check each answer leaves out, as the precaution rules read.
LEFT_OUT = [
    ([P.HIP_REPLACEMENT_BACK], {Part.INWARD}),
    ([P.HIP_REPLACEMENT_UNSURE], {Part.INWARD}),
    ([P.HIP_REPLACEMENT_FRONT], set()),
    ([P.PREGNANCY], {Part.BALANCE}),
    ([P.RECENT_SURGERY], {Part.BALANCE, Part.PLANK}),
    # Hip pain keeps gentle balance work in the library, so the check keeps the balance test too.
    ([P.HIP_PAIN], {Part.PLANK}),
    ([], set()),
    ([P.HIP_REPLACEMENT_BACK, P.PREGNANCY], {Part.INWARD, Part.BALANCE}),
]


@pytest.mark.parametrize(("answers", "parts"), LEFT_OUT)
def test_each_precaution_leaves_out_the_check_parts_its_rules_forbid(
    answers: list[Precaution], parts: set[Part]
) -> None:
    assert {part for part, _ in left_out(answers)} == parts


def test_a_left_out_part_says_which_answer_left_it_out() -> None:
    assert left_out([P.HIP_REPLACEMENT_BACK]) == (
        (
            Part.INWARD,
            "Left out because you told us you have a hip replacement by the back approach.",
        ),
    )


def test_a_part_two_answers_leave_out_names_both_once_in_the_screens_order() -> None:
    answers = [P.HIP_PAIN, P.RECENT_SURGERY, P.HIP_PAIN]
    reasons = dict(left_out(answers))
    assert reasons[Part.PLANK] == (
        "Left out because you told us you had surgery or an injury in the last 3 months"
        " and you have hip pain right now."
    )


def test_answers_read_once_from_a_generator_leave_out_the_same_parts() -> None:
    answers = [P.RECENT_SURGERY, P.HIP_REPLACEMENT_BACK]
    assert left_out(answer for answer in answers) == left_out(answers)


def test_every_rotation_exercise_that_gets_the_extra_set_is_in_the_library() -> None:
    exercises = load_catalog().exercises
    assert sorted(ROTATION_WORK - exercises.keys()) == []


def test_the_rotation_work_covers_the_families_the_issue_names() -> None:
    families = ("clamshell", "internal-rotation", "external-rotation", "ninety-ninety")
    for family in families:
        assert any(family in slug for slug in ROTATION_WORK), family


def test_typical_ranges_are_plausible_seated_ranges_with_a_named_source() -> None:
    for rotation in Rotation:
        low, high = TYPICAL_RANGES[rotation]
        assert 0 < low < high <= MOST_DEGREES
    assert TYPICAL_RANGES[OUT][1] > TYPICAL_RANGES[IN][1]  # the hip turns out further than in
    assert "American Family Physician" in RANGES_SOURCE
