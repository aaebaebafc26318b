"""Precautions: what someone tells us about their body, and the movement features each answer
leaves out of their routines.

The rules follow two bodies of guidance, in our own words:

- the standard movement precautions clinicians give after a hip replacement, which depend on the
  surgical approach: after the back (posterior) approach, no bending the hip past 90°, no
  crossing the legs over the midline and no turning the thigh inward; after the front (anterior)
  approach, no taking the hip behind the body, least of all while turning it out;
- obstetric guidance on exercise in pregnancy: after the first trimester, avoid long spells lying
  flat on the back, planks that load the belly, balance work that risks a fall, and pushing
  stretches to the end of the range, since the joints are looser.

Hip pain right now, or surgery or injury in the last three months, keep only gentle mobility and
send the person to a clinician first. Hipday never diagnoses: each rule says what was left out
and why, and that a clinician says when it can come back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from routines.catalog.model import Block, Catalog, Equipment, Exercise, Feature, Routine
from routines.plan.variants import swap


class Precaution(StrEnum):
    """An answer on the precautions screen."""

    HIP_REPLACEMENT_BACK = "hip-replacement-back"
    HIP_REPLACEMENT_FRONT = "hip-replacement-front"
    HIP_REPLACEMENT_UNSURE = "hip-replacement-unsure"
    PREGNANCY = "pregnancy"
    RECENT_SURGERY = "recent-surgery"
    HIP_PAIN = "hip-pain"


POST_OP_HIP = "standard hip precautions after a hip replacement"
PREGNANCY_GUIDANCE = "obstetric guidance on exercise in pregnancy"
SEE_A_CLINICIAN = "common clinical advice: a clinician sees a painful or healing joint first"


@dataclass(frozen=True)
class Rule:
    """What one answer leaves out, in words a person reads in the app."""

    precaution: Precaution
    told_us: str  # completes "you told us …"
    forbids: frozenset[Feature]
    reason: str  # one line: why these features are left out
    source: str  # where the guidance comes from

    def catches(self, exercise: Exercise) -> frozenset[Feature]:
        """The features of `exercise` this rule leaves out."""
        return exercise.tags & self.forbids


_BACK = frozenset({Feature.DEEP_HIP_BEND, Feature.CROSSING, Feature.INWARD_TURN})
_FRONT = frozenset({Feature.HIP_BEHIND})
_GENTLE_ONLY = frozenset({Feature.LOADED, Feature.END_RANGE_STRETCH, Feature.DEEP_SQUAT})

RULES: dict[Precaution, Rule] = {
    rule.precaution: rule
    for rule in (
        Rule(
            Precaution.HIP_REPLACEMENT_BACK,
            "you have a hip replacement by the back approach",
            _BACK,
            "Bending the hip past 90°, crossing the midline or turning the thigh inward can "
            "dislocate a hip replaced from the back.",
            POST_OP_HIP,
        ),
        Rule(
            Precaution.HIP_REPLACEMENT_FRONT,
            "you have a hip replacement by the front approach",
            _FRONT,
            "Taking the hip behind the body, above all while turning it out, strains a hip "
            "replaced from the front.",
            POST_OP_HIP,
        ),
        Rule(
            Precaution.HIP_REPLACEMENT_UNSURE,
            "you have a hip replacement and are not sure of the approach",
            _BACK | _FRONT,
            "Without knowing the approach, we keep to both sets of hip replacement precautions.",
            POST_OP_HIP,
        ),
        Rule(
            Precaution.PREGNANCY,
            "you are pregnant",
            frozenset(
                {
                    Feature.LYING_ON_BACK,
                    Feature.BELLY_PLANK,
                    Feature.SINGLE_LEG_BALANCE,
                    Feature.END_RANGE_STRETCH,
                }
            ),
            "Lying flat on your back, belly-loading planks, free balance work and end-range "
            "stretches are the moves pregnancy guidance asks you to avoid.",
            PREGNANCY_GUIDANCE,
        ),
        Rule(
            Precaution.RECENT_SURGERY,
            "you had surgery or an injury in the last 3 months",
            _GENTLE_ONLY | {Feature.KNEELING, Feature.SINGLE_LEG_BALANCE},
            "A joint that is still healing gets gentle movement only, until a clinician clears "
            "more.",
            SEE_A_CLINICIAN,
        ),
        Rule(
            Precaution.HIP_PAIN,
            "you have hip pain right now",
            _GENTLE_ONLY,
            "With pain right now, gentle movement is the safe place to start; have a clinician "
            "look at it first.",
            SEE_A_CLINICIAN,
        ),
    )
}

#: The answers after which the app offers gentle mobility only, and a clinician first.
GENTLE_ONLY = frozenset({Precaution.RECENT_SURGERY, Precaution.HIP_PAIN})


def parse_precautions(text: str) -> frozenset[Precaution]:
    """Comma-separated answers ('hip-replacement-back,pregnancy'); ValueError names a bad one."""
    answers = set()
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            answers.add(Precaution(part))
        except ValueError:
            allowed = ", ".join(p.value for p in Precaution)
            raise ValueError(f"'{part}' is not a precaution; use {allowed}") from None
    return frozenset(answers)


def forbidden(precautions: Iterable[Precaution]) -> frozenset[Feature]:
    """Every feature the answers leave out."""
    return frozenset().union(*(RULES[p].forbids for p in precautions))


def gentle_only(precautions: Iterable[Precaution]) -> bool:
    """Whether the answers keep the app to gentle mobility, with a clinician seen first."""
    return any(p in GENTLE_ONLY for p in precautions)


def gentle_only_note(precautions: Iterable[Precaution]) -> str | None:
    """What a gentle-only plan says on each week and session day; None when the answers allow
    more than gentle mobility."""
    answers = GENTLE_ONLY.intersection(precautions)
    if not answers:
        return None  # most answers: a plan build asks on every day
    rules = [RULES[p] for p in Precaution if p in answers]
    if not rules:
        return None
    because = " and ".join(rule.told_us for rule in rules)
    return (
        f"Gentle mobility only, because {because}. See a clinician first, before any strength work."
    )


def allowed(exercise: Exercise, precautions: Iterable[Precaution]) -> bool:
    """Whether `exercise` has none of the features the answers leave out."""
    return not exercise.tags & forbidden(precautions)


@dataclass(frozen=True)
class Change:
    """One exercise a routine lost to the precautions: left out, or swapped for `instead`."""

    exercise: Exercise
    instead: Exercise | None
    rules: tuple[Rule, ...]  # the answers that caught it, in screen order

    @property
    def because(self) -> str:
        """'you have a hip replacement by the back approach and you are pregnant'."""
        return " and ".join(rule.told_us for rule in self.rules)

    @property
    def note(self) -> str:
        """What the routine page and the player say about this exercise."""
        if self.instead is None:
            done = f"{self.exercise.name}: left out"
        else:
            done = f"{self.exercise.name}: swapped for {self.instead.name}"
        return (
            f"{done} because you told us {self.because} — ask your clinician when it can come back."
        )

    @property
    def reasons(self) -> tuple[str, ...]:
        """The one-line reason of each rule that caught the exercise."""
        return tuple(rule.reason for rule in self.rules)


@dataclass(frozen=True)
class Screened:
    """A routine with the precautions applied: what is left of it, and what changed."""

    routine: Routine
    changes: tuple[Change, ...]
    kept: int  # the prescriptions left, swapped ones included

    @property
    def left_out(self) -> tuple[Change, ...]:
        """The changes that took an exercise away without a stand-in."""
        return tuple(change for change in self.changes if change.instead is None)

    @property
    def usable(self) -> bool:
        """Whether at least half the routine is left, so it is still worth offering."""
        return self.kept > 0 and self.kept >= len(self.left_out)


def screen(routine: Routine, catalog: Catalog, precautions: Iterable[Precaution]) -> Screened:
    """`routine` with every exercise the answers rule out swapped for a safe variant, or left out.

    A variant is safe when it has none of the left-out features and needs no kit the exercise did
    not; easier variants are tried before harder ones.
    """
    answers = tuple(p for p in Precaution if p in set(precautions))
    features = forbidden(answers)
    if not features:
        return Screened(routine, (), len(routine.prescriptions))
    blocks, changes = [], []
    for block in routine.blocks:
        items = []
        for item in block.prescriptions:
            if not item.exercise.tags & features:
                items.append(item)
                continue
            instead = safe_variant(item.exercise, catalog, features)
            rules = tuple(RULES[p] for p in answers if RULES[p].catches(item.exercise))
            changes.append(Change(item.exercise, instead, rules))
            if instead is not None:
                items.append(swap(item, instead))
        if items:
            blocks.append(Block(block.name, tuple(items)))
    kept = sum(len(block.prescriptions) for block in blocks)
    return Screened(replace(routine, blocks=tuple(blocks)), tuple(changes), kept)


def safe_variant(
    exercise: Exercise, catalog: Catalog, features: frozenset[Feature]
) -> Exercise | None:
    """The first easier, then harder, variant of `exercise` free of `features` and needing no
    other kit, or None."""
    kit = {exercise.equipment, Equipment.NONE}
    easier, harder = catalog.variants(exercise)
    for variant in (*easier, *harder):
        if not variant.tags & features and variant.equipment in kit:
            return variant
    return None
