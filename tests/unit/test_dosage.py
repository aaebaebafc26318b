"""Dosage grows by one written rule in loading weeks, shrinks to at most 60% in a deload week."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routines.dosage import (
    DELOAD_SHARE,
    HOLD_STEP_SECONDS,
    MAX_SETS,
    REPS_STEP,
    Dosage,
    DosageKind,
    deloaded,
    progressed,
    volume,
)


def hold(sets: int, seconds: int) -> Dosage:
    return Dosage(DosageKind.HOLD, sets=sets, hold_seconds=seconds)


def reps(sets: int, count: int, tempo: int | None = None) -> Dosage:
    return Dosage(DosageKind.REPS, sets=sets, reps=count, tempo_seconds=tempo)


def timed(sets: int, seconds: int) -> Dosage:
    return Dosage(DosageKind.TIMED, sets=sets, work_seconds=seconds)


def amount(dosage: Dosage) -> int:
    return dosage.hold_seconds or dosage.reps or dosage.work_seconds or 0


PROGRESSIONS = [
    # case, start, weeks, hold cap, reps cap, expected
    ("no weeks, no change", hold(2, 20), 0, 45, 20, hold(2, 20)),
    ("a negative count is no weeks", reps(2, 10), -3, 45, 20, reps(2, 10)),
    ("a hold grows 5 s in a week", hold(2, 20), 1, 45, 20, hold(2, 25)),
    ("a hold grows 5 s a week", hold(2, 20), 3, 45, 20, hold(2, 35)),
    ("a hold stops at its cap", hold(2, 20), 5, 45, 20, hold(2, 45)),
    ("a hold stays at its cap", hold(2, 20), 12, 45, 20, hold(2, 45)),
    ("a hold never goes past the cap on the last step", hold(2, 42), 1, 45, 20, hold(2, 45)),
    ("a hold already past its cap keeps its length", hold(2, 60), 4, 45, 20, hold(2, 60)),
    ("holds never gain a set", hold(3, 45), 6, 45, 20, hold(3, 45)),
    ("reps grow 2 in a week", reps(2, 10), 1, 45, 20, reps(2, 12)),
    ("reps grow 2 a week up to their cap", reps(2, 10), 5, 45, 20, reps(2, 20)),
    ("reps at their cap add one set", reps(2, 10), 6, 45, 20, reps(3, 20)),
    ("only one set is ever added", reps(2, 10), 20, 45, 20, reps(3, 20)),
    ("the last reps step stops at the cap", reps(2, 19), 1, 45, 20, reps(2, 20)),
    ("a set follows the capped step", reps(2, 19), 2, 45, 20, reps(3, 20)),
    ("never a sixth set", reps(5, 20), 3, 45, 20, reps(5, 20)),
    ("reps past their cap add the set at once", reps(1, 25), 1, 45, 20, reps(2, 25)),
    ("tempo is kept", reps(2, 6, tempo=4), 2, 45, 20, reps(2, 10, tempo=4)),
    ("timed work grows 5 s a week up to the hold cap", timed(1, 40), 3, 50, 20, timed(1, 50)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "start", "weeks", "hold_cap", "reps_cap", "expected"),
    PROGRESSIONS,
    ids=[case for case, *_ in PROGRESSIONS],
)
def test_progression_follows_the_one_written_rule(
    case: str, start: Dosage, weeks: int, hold_cap: int, reps_cap: int, expected: Dosage
) -> None:
    assert progressed(start, weeks, hold_cap=hold_cap, reps_cap=reps_cap) == expected


def test_progression_keeps_rest_between_sets() -> None:
    start = Dosage(DosageKind.REPS, sets=2, reps=10, rest_seconds=30)
    assert progressed(start, 8, hold_cap=45, reps_cap=20).rest_seconds == 30


realistic = st.one_of(
    st.builds(hold, st.integers(1, 5), st.integers(5, 120)),
    st.builds(reps, st.integers(1, 5), st.integers(2, 40), st.none() | st.integers(1, 5)),
    st.builds(timed, st.integers(1, 5), st.integers(5, 120)),
)
caps = st.integers(5, 120)


@settings(max_examples=100)
@given(realistic, st.integers(0, 30), caps, caps)
def test_one_more_week_never_decreases_the_dosage(
    start: Dosage, weeks: int, hold_cap: int, reps_cap: int
) -> None:
    before = progressed(start, weeks, hold_cap=hold_cap, reps_cap=reps_cap)
    after = progressed(start, weeks + 1, hold_cap=hold_cap, reps_cap=reps_cap)
    assert after.kind is before.kind
    assert after.sets >= before.sets
    assert amount(after) >= amount(before)
    assert volume(after) >= volume(before)


@settings(max_examples=100)
@given(realistic, st.integers(0, 30), caps, caps)
def test_progression_grows_by_the_step_and_stops_at_the_cap(
    start: Dosage, weeks: int, hold_cap: int, reps_cap: int
) -> None:
    grown = progressed(start, weeks, hold_cap=hold_cap, reps_cap=reps_cap)
    if start.kind is DosageKind.REPS:
        assert start.reps is not None and grown.reps is not None
        assert grown.reps == max(start.reps, min(reps_cap, start.reps + REPS_STEP * weeks))
        assert start.sets <= grown.sets <= max(start.sets, min(MAX_SETS, start.sets + 1))
    else:
        cap = max(hold_cap, amount(start))
        assert amount(grown) == min(cap, amount(start) + HOLD_STEP_SECONDS * weeks)
        assert grown.sets == start.sets


@settings(max_examples=100)
@given(realistic)
def test_a_set_is_added_only_once_reps_are_at_their_cap(start: Dosage) -> None:
    cap = 20
    for weeks in range(12):
        grown = progressed(start, weeks, hold_cap=45, reps_cap=cap)
        if grown.sets > start.sets:
            assert grown.reps is not None and grown.reps >= cap


DELOADS = [
    # case, loading dosage, deload dosage
    ("two sets become one", hold(2, 30), hold(1, 30)),
    ("three sets become one", reps(3, 15), reps(1, 15)),
    ("four sets become two", reps(4, 12), reps(2, 12)),
    ("five sets become three", hold(5, 20), hold(3, 20)),
    ("a single hold gets shorter", hold(1, 30), hold(1, 18)),
    ("a single set gets fewer reps", reps(1, 10), reps(1, 6)),
    ("a single timed bout gets shorter", timed(1, 40), timed(1, 24)),
    ("tempo stays the same", reps(1, 10, tempo=3), reps(1, 6, tempo=3)),
]  # fmt: skip


@pytest.mark.parametrize(("case", "loading", "expected"), DELOADS, ids=[c for c, *_ in DELOADS])
def test_a_deload_drops_sets_first_then_shortens(
    case: str, loading: Dosage, expected: Dosage
) -> None:
    assert deloaded(loading) == expected


@settings(max_examples=150)
@given(realistic)
def test_a_deload_is_at_most_60_percent_of_the_volume_and_never_heavier(loading: Dosage) -> None:
    light = deloaded(loading)
    assert volume(light) <= DELOAD_SHARE * volume(loading)
    assert 1 <= light.sets <= loading.sets
    assert 1 <= amount(light) <= amount(loading)
    assert (light.kind, light.rest_seconds, light.tempo_seconds) == (
        loading.kind,
        loading.rest_seconds,
        loading.tempo_seconds,
    )


@pytest.mark.parametrize(
    ("dosage", "expected"),
    [
        (hold(2, 30), 60),
        (reps(3, 12), 36),
        (reps(1, 8, tempo=4), 8),
        (timed(1, 40), 40),
        (timed(3, 20), 60),
    ],
)
def test_volume_is_sets_times_reps_or_seconds(dosage: Dosage, expected: int) -> None:
    assert volume(dosage) == expected
