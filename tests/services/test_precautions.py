"""The precautions use cases: the answers checked and kept, and what Today and the library
offer with them."""

from __future__ import annotations

import pytest

from routines.catalog.model import Catalog
from tests.services.fakes import FakeTrainingStore
from webapp.services import precautions
from webapp.store.models import User


def saved(store: FakeTrainingStore, user: User, replacement: str, *others: str) -> User:
    form = precautions.parse_answers(replacement, list(others))
    assert form.errors == {}
    precautions.save_answers(store, user, form)
    return user


def test_answers_are_kept_in_the_screens_order_and_read_back_as_answered(
    store: FakeTrainingStore, user: User
) -> None:
    saved(store, user, "hip-replacement-unsure", "hip-pain", "pregnancy")
    assert user.precautions == "hip-replacement-unsure,pregnancy,hip-pain"
    form = precautions.form_of(user)
    assert (form.hip_replacement, form.others) == (
        "hip-replacement-unsure",
        ["pregnancy", "hip-pain"],
    )


@pytest.mark.parametrize(
    ("replacement", "others", "wrong"),
    [
        ("titanium", [], "hip_replacement"),
        ("pregnancy", [], "hip_replacement"),
        ("no", ["hip-replacement-back"], "others"),
        ("no", ["pregnancy", "sore-toe"], "others"),
    ],
)
def test_an_answer_off_the_screen_is_refused_in_words(
    replacement: str, others: list[str], wrong: str
) -> None:
    form = precautions.parse_answers(replacement, others)
    assert list(form.errors) == [wrong]
    assert form.errors[wrong].startswith(("Pick one answer", "Tick only"))


def test_a_blank_hip_replacement_answer_means_no() -> None:
    form = precautions.parse_answers("", [])
    assert (form.errors, form.answers) == ({}, frozenset())


def test_an_answer_an_older_hipday_stored_but_this_one_no_longer_knows_is_dropped() -> None:
    assert precautions.answers_of(User(precautions="pregnancy,gone-answer")) == {"pregnancy"}


def test_a_routine_left_with_less_than_half_is_not_offered_as_a_quick_start(
    store: FakeTrainingStore, user: User, catalog: Catalog
) -> None:
    saved(store, user, "hip-replacement-back")
    routines = [catalog.routines["hip-mobility-flow"], catalog.routines["release-and-stretch"]]
    advice = precautions.advice(routines, catalog, user)
    assert [r.slug for r in advice.offered(routines)] == ["release-and-stretch"]
    assert advice.not_for_you["hip-mobility-flow"] == (
        "Not for you right now: most of its moves are left out because you told us you have a "
        "hip replacement by the back approach."
    )
    assert advice.gentle_notice is None


def test_surgery_and_pain_keep_hipday_to_gentle_mobility_with_a_clinician_first(
    store: FakeTrainingStore, user: User, catalog: Catalog
) -> None:
    saved(store, user, "no", "recent-surgery", "hip-pain")
    advice = precautions.advice(catalog.routines.values(), catalog, user)
    assert advice.gentle_notice == (
        "You told us about recent surgery or injury and hip pain right now: Hipday offers "
        "gentle mobility only. See a clinician first."
    )


def test_no_answers_change_nothing(user: User, catalog: Catalog) -> None:
    advice = precautions.advice(catalog.routines.values(), catalog, user)
    assert (advice.gentle_notice, advice.not_for_you) == (None, {})
