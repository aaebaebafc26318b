"""Screening a routine: a move an answer rules out is swapped for a safe variant, or left out,
and says why."""

from __future__ import annotations

from dataclasses import replace
from itertools import chain, combinations

import pytest

from routines.catalog.model import (
    Block,
    Catalog,
    Equipment,
    Exercise,
    Feature,
    Prescription,
    Routine,
)
from routines.dosage import Dosage, DosageKind
from routines.precautions import Precaution, Screened, forbidden, screen
from tests.unit.plan_helpers import CATALOG

P = Precaution
HOLD = Dosage(DosageKind.HOLD, sets=3, hold_seconds=25)
BASE = CATALOG.exercises["standing-glute-squeeze"]


def move(
    slug: str, *tags: Feature, easier: tuple[str, ...] = (), harder: tuple[str, ...] = (),
    kit: Equipment = Equipment.NONE,
) -> Exercise:  # fmt: skip
    """A made-up exercise: the screen's rules are under test here, not the library's content."""
    name = slug.replace("-", " ").capitalize()
    return replace(
        BASE, slug=slug, name=name, tags=frozenset(tags), easier=easier, harder=harder,
        equipment=kit, default_dosage=Dosage(DosageKind.HOLD, sets=2, hold_seconds=20),
    )  # fmt: skip


G, L = Feature.GENTLE, Feature.LOADED
MOVES = {
    e.slug: e
    for e in (
        move(
            "deep-bend", Feature.DEEP_HIP_BEND, G, easier=("shallow-bend",), harder=("knee-lift",)
        ),
        move("shallow-bend", G, harder=("deep-bend",)),
        move("knee-lift", L, easier=("deep-bend",)),
        move("lying-twist", Feature.LYING_ON_BACK, Feature.INWARD_TURN, G),
        move("strap-bend", Feature.DEEP_HIP_BEND, G, easier=("band-bend",), kit=Equipment.STRAP),
        move("band-bend", G, harder=("strap-bend",), kit=Equipment.MINI_BAND),
        move("stand-tall", G),
    )
}
MADE_UP = Catalog(MOVES, {})


def routine(*slugs: str) -> Routine:
    """A routine of made-up moves: the first in a warm-up block, the rest in the main block."""
    items = [Prescription(MOVES[slug], HOLD) for slug in slugs]
    blocks = (Block("Warm-up", tuple(items[:1])), Block("Main", tuple(items[1:])))
    return replace(next(iter(CATALOG.routines.values())), slug="made-up", blocks=blocks)


def slugs(screened: Screened) -> list[str]:
    return [p.exercise.slug for p in screened.routine.prescriptions]


def test_a_move_with_a_safe_easier_variant_is_swapped_keeping_its_dosage() -> None:
    screened = screen(routine("stand-tall", "deep-bend"), MADE_UP, {P.HIP_REPLACEMENT_BACK})
    assert slugs(screened) == ["stand-tall", "shallow-bend"]
    assert screened.routine.prescriptions[1].dosage == HOLD
    [change] = screened.changes
    assert change.instead == MOVES["shallow-bend"] and screened.left_out == ()
    assert change.note == (
        "Deep bend: swapped for Shallow bend because you told us you have a hip replacement by "
        "the back approach — ask your clinician when it can come back."
    )


def test_a_move_with_no_safe_variant_is_left_out_and_says_so() -> None:
    screened = screen(routine("stand-tall", "lying-twist"), MADE_UP, {P.PREGNANCY})
    assert slugs(screened) == ["stand-tall"]
    [change] = screened.left_out
    assert change.instead is None
    assert change.note.startswith("Lying twist: left out because you told us you are pregnant")


def test_the_note_names_every_answer_that_caught_the_move_in_screen_order() -> None:
    answers = {P.PREGNANCY, P.HIP_REPLACEMENT_BACK}
    [change] = screen(routine("stand-tall", "lying-twist"), MADE_UP, answers).changes
    assert change.because == (
        "you have a hip replacement by the back approach and you are pregnant"
    )
    assert [rule.precaution for rule in change.rules] == [P.HIP_REPLACEMENT_BACK, P.PREGNANCY]
    assert len(change.reasons) == 2


def test_an_answer_that_catches_nothing_leaves_the_routine_as_it_was() -> None:
    plain = routine("stand-tall", "deep-bend")
    assert screen(plain, MADE_UP, {P.HIP_REPLACEMENT_FRONT}) == Screened(plain, (), 2)
    assert screen(plain, MADE_UP, set()) == Screened(plain, (), 2)


def test_a_safe_variant_needing_other_kit_is_not_offered() -> None:
    screened = screen(routine("stand-tall", "strap-bend"), MADE_UP, {P.HIP_REPLACEMENT_BACK})
    assert slugs(screened) == ["stand-tall"]
    assert screened.changes[0].instead is None


def test_a_harder_variant_that_a_gentle_only_answer_rules_out_is_not_offered() -> None:
    screened = screen(routine("stand-tall", "deep-bend"), MADE_UP, {P.HIP_PAIN})
    assert slugs(screened) == ["stand-tall", "deep-bend"]
    both = screen(routine("stand-tall", "knee-lift"), MADE_UP, {P.HIP_PAIN, P.HIP_REPLACEMENT_BACK})
    assert slugs(both) == ["stand-tall"]


def test_a_block_left_empty_is_dropped() -> None:
    screened = screen(routine("lying-twist", "stand-tall"), MADE_UP, {P.PREGNANCY})
    assert [block.name for block in screened.routine.blocks] == ["Main"]


@pytest.mark.parametrize(
    ("moves", "usable"),
    [
        (("stand-tall", "lying-twist"), True),  # one kept, one left out: half is left
        (("lying-twist", "stand-tall", "lying-twist"), False),  # less than half
        (("lying-twist", "deep-bend", "lying-twist"), False),  # a swap counts as kept
        (("lying-twist", "deep-bend", "lying-twist", "stand-tall"), True),
        (("lying-twist", "lying-twist"), False),  # nothing left
    ],
)
def test_a_routine_is_still_worth_offering_while_half_of_it_is_left(
    moves: tuple[str, ...], usable: bool
) -> None:
    answers = {P.PREGNANCY, P.HIP_REPLACEMENT_BACK}
    screened = screen(routine(*moves), MADE_UP, answers)
    assert screened.usable is usable


ANSWER_SETS = [
    frozenset(answers)
    for answers in chain.from_iterable(combinations(Precaution, n) for n in range(7))
]


@pytest.mark.parametrize("answers", ANSWER_SETS, ids=lambda a: "+".join(sorted(a)) or "none")
def test_every_library_routine_screened_for_any_answers_keeps_none_of_their_features(
    answers: frozenset[Precaution],
) -> None:
    avoid = forbidden(answers)
    for library_routine in CATALOG.routines.values():
        screened = screen(library_routine, CATALOG, answers)
        kept = screened.routine.prescriptions
        assert not [p.exercise.slug for p in kept if p.exercise.tags & avoid]
        assert screened.kept == len(kept)
        for change in screened.changes:
            assert change.exercise.tags & avoid and change.rules
            assert all(rule.precaution in answers for rule in change.rules)
            if change.instead is not None:
                assert not change.instead.tags & avoid
                assert change.instead.equipment in {change.exercise.equipment, Equipment.NONE}
