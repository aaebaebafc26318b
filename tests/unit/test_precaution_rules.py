"""The precautions rule table: what each answer leaves out, and how a routine is screened."""

from __future__ import annotations

from itertools import product

import pytest

from routines.catalog.model import Feature
from routines.precautions import (
    POST_OP_HIP,
    PREGNANCY_GUIDANCE,
    RULES,
    Precaution,
    allowed,
    forbidden,
    gentle_only,
    gentle_only_note,
    parse_precautions,
)
from tests.unit.plan_helpers import CATALOG

P = Precaution

# Which features each answer leaves out, as the guidance reads: x leaves it out, . keeps it.
GUIDANCE = """
                    back  front  unsure  pregnancy  surgery  pain
deep-hip-bend        x     .      x       .          .        .
crossing             x     .      x       .          .        .
inward-turn          x     .      x       .          .        .
hip-behind           .     x      x       .          .        .
lying-on-back        .     .      .       x          .        .
belly-plank          .     .      .       x          .        .
single-leg-balance   .     .      .       x          x        .
deep-squat           .     .      .       .          x        x
kneeling             .     .      .       .          x        .
end-range-stretch    .     .      .       x          x        x
gentle               .     .      .       .          .        .
loaded               .     .      .       .          x        x
"""
COLUMNS = {
    "back": P.HIP_REPLACEMENT_BACK, "front": P.HIP_REPLACEMENT_FRONT,
    "unsure": P.HIP_REPLACEMENT_UNSURE, "pregnancy": P.PREGNANCY,
    "surgery": P.RECENT_SURGERY, "pain": P.HIP_PAIN,
}  # fmt: skip


def guidance_table() -> list[tuple[Precaution, Feature, bool]]:
    header, *rows = GUIDANCE.strip().splitlines()
    answers = [COLUMNS[name] for name in header.split()]
    table = []
    for row in rows:
        feature, *marks = row.split()
        table += [(a, Feature(feature), m == "x") for a, m in zip(answers, marks, strict=True)]
    return table


def test_the_table_covers_every_answer_and_every_feature() -> None:
    assert {(a, f) for a, f, _ in guidance_table()} == set(product(Precaution, Feature))


@pytest.mark.parametrize(
    ("answer", "feature", "left_out"),
    guidance_table(),
    ids=[f"{a.value}-{'leaves-out' if x else 'keeps'}-{f.value}" for a, f, x in guidance_table()],
)
def test_each_answer_leaves_out_the_features_its_guidance_names(
    answer: Precaution, feature: Feature, left_out: bool
) -> None:
    assert (feature in RULES[answer].forbids) is left_out
    assert (feature in forbidden({answer})) is left_out


def test_not_sure_of_the_approach_takes_both_hip_replacement_rules() -> None:
    both = RULES[P.HIP_REPLACEMENT_BACK].forbids | RULES[P.HIP_REPLACEMENT_FRONT].forbids
    assert RULES[P.HIP_REPLACEMENT_UNSURE].forbids == both


def test_several_answers_leave_out_everything_each_of_them_does() -> None:
    answers = {P.HIP_REPLACEMENT_FRONT, P.PREGNANCY}
    assert forbidden(answers) == RULES[P.HIP_REPLACEMENT_FRONT].forbids | RULES[P.PREGNANCY].forbids
    assert forbidden(()) == frozenset()


@pytest.mark.parametrize("answer", list(Precaution))
def test_only_recent_surgery_and_pain_keep_to_gentle_mobility(answer: Precaution) -> None:
    keeps_gentle = answer in (P.RECENT_SURGERY, P.HIP_PAIN)
    assert gentle_only({answer}) is keeps_gentle
    assert (gentle_only_note({answer}) is not None) is keeps_gentle


def test_no_answers_allow_everything() -> None:
    assert gentle_only(()) is False and gentle_only_note(()) is None
    assert all(allowed(exercise, ()) for exercise in CATALOG.exercises.values())


def test_the_gentle_only_note_names_each_answer_and_sends_to_a_clinician() -> None:
    note = gentle_only_note({P.HIP_PAIN, P.RECENT_SURGERY, P.PREGNANCY})
    assert note is not None
    assert RULES[P.RECENT_SURGERY].told_us in note and RULES[P.HIP_PAIN].told_us in note
    assert RULES[P.PREGNANCY].told_us not in note
    assert "See a clinician first" in note


@pytest.mark.parametrize(
    ("answer", "source"),
    [
        (P.HIP_REPLACEMENT_BACK, POST_OP_HIP),
        (P.HIP_REPLACEMENT_FRONT, POST_OP_HIP),
        (P.HIP_REPLACEMENT_UNSURE, POST_OP_HIP),
        (P.PREGNANCY, PREGNANCY_GUIDANCE),
    ],
)
def test_each_rule_says_why_in_one_line_and_where_the_guidance_comes_from(
    answer: Precaution, source: str
) -> None:
    rule = RULES[answer]
    assert rule.source == source
    assert rule.reason and "\n" not in rule.reason and rule.reason.endswith(".")
    assert rule.told_us.startswith("you ")


@pytest.mark.parametrize(
    ("text", "answers"),
    [
        ("", set()),
        ("pregnancy", {P.PREGNANCY}),
        ("hip-replacement-back,pregnancy", {P.HIP_REPLACEMENT_BACK, P.PREGNANCY}),
        (" hip-pain , recent-surgery ,", {P.HIP_PAIN, P.RECENT_SURGERY}),
        ("hip-pain,hip-pain", {P.HIP_PAIN}),
    ],
)
def test_answers_are_read_from_a_comma_separated_list(text: str, answers: set[Precaution]) -> None:
    assert parse_precautions(text) == answers


@pytest.mark.parametrize(
    ("text", "named"),
    [("pregnant", "pregnant"), ("hip-pain,knee", "knee"), ("HIP-PAIN", "HIP-PAIN")],
)
def test_an_unknown_answer_is_refused_naming_it_and_the_known_ones(text: str, named: str) -> None:
    with pytest.raises(ValueError, match=f"'{named}' is not a precaution") as refused:
        parse_precautions(text)
    assert all(answer.value in str(refused.value) for answer in Precaution)
