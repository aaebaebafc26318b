"""The precautions screen: asked in onboarding and Settings, kept, refused in words, exported
and imported."""

from __future__ import annotations

import json
from collections.abc import Sequence

from werkzeug.test import TestResponse

from tests.integration.conftest import Visitor
from tests.integration.your_data_helpers import export_of, import_file, text, user_id_of
from webapp.store.training import TrainingStore

BACK = "hip-replacement-back"


def answer(
    visitor: Visitor,
    hip_replacement: str = BACK,
    others: Sequence[str] = (),
    url: str = "/settings/precautions",
    token: str | None = None,
) -> TestResponse:
    """Post the precautions screen as its form does."""
    form = {"csrf_token": visitor.csrf_token() if token is None else token}
    data: dict[str, object] = {**form, "hip_replacement": hip_replacement, "others": list(others)}
    return visitor.client.post(url, data=data)


def stored(store: TrainingStore, visitor: Visitor) -> str:
    user = store.user(user_id_of(visitor))
    assert user is not None
    return user.precautions


def test_the_screen_asks_each_question_says_why_and_can_be_skipped(visitor: Visitor) -> None:
    page = text(visitor.get("/settings/precautions"))
    assert "<legend>Do you have a hip replacement?</legend>" in page
    assert "Yes, by the back (posterior) approach" in page
    assert "I am pregnant" in page
    assert "Surgery or an injury to my hip, knee or back in the last 3 months" in page
    assert "Hip pain right now" in page
    assert "Hipday never diagnoses" in page
    assert 'href="/settings">Skip</a>' in page
    assert 'name="csrf_token"' in page


def test_settings_links_to_the_precautions_screen(visitor: Visitor) -> None:
    assert 'href="/settings/precautions"' in text(visitor.get("/settings"))


def test_saved_answers_are_kept_and_shown_again(visitor: Visitor, store: TrainingStore) -> None:
    response = answer(visitor, BACK, ["pregnancy"])
    assert response.status_code == 303
    assert response.headers["Location"] == "/settings/precautions?saved=1"
    assert stored(store, visitor) == "hip-replacement-back,pregnancy"
    page = text(visitor.get("/settings/precautions?saved=1"))
    assert f'value="{BACK}" checked' in page and 'value="pregnancy" checked' in page
    assert "data-refresh-pages" in page  # the phone refreshes the pages it kept offline


def test_answering_no_to_everything_clears_the_answers(
    visitor: Visitor, store: TrainingStore
) -> None:
    answer(visitor, BACK, ["hip-pain"])
    answer(visitor, "no", [])
    assert stored(store, visitor) == ""


def test_an_unknown_answer_is_refused_in_words_with_the_form_kept(
    visitor: Visitor, store: TrainingStore
) -> None:
    answer(visitor, "hip-replacement-front")
    response = answer(visitor, "titanium", ["pregnancy"])
    assert response.status_code == 422
    page = text(response)
    assert "Pick one answer about a hip replacement: no, back, front or not sure." in page
    assert 'value="pregnancy" checked' in page
    wrong_tick = answer(visitor, "no", ["broken-leg"])
    assert wrong_tick.status_code == 422
    assert "Tick only the answers listed" in text(wrong_tick)
    assert stored(store, visitor) == "hip-replacement-front"  # nothing saved is lost


def test_answers_without_the_csrf_token_are_refused(visitor: Visitor) -> None:
    response = answer(visitor, BACK, token="")
    assert response.status_code == 400
    assert f'value="{BACK}" checked' not in text(visitor.get("/settings/precautions"))


def test_onboarding_asks_the_precautions_as_its_last_skippable_step(visitor: Visitor) -> None:
    made = visitor.client.post("/start", data={"csrf_token": visitor.csrf_token()})
    assert made.headers["Location"] == "/start/precautions"
    page = text(visitor.get("/start/precautions"))
    assert "One last, optional step." in page
    assert 'href="/plan">Skip this step</a>' in page
    saved = answer(visitor, BACK, url="/start/precautions")
    assert saved.headers["Location"] == "/start/precautions?saved=1"
    offer = text(visitor.get("/start/precautions?saved=1"))
    assert 'href="/hip-check">Do a 6-minute hip check now</a>' in offer
    assert 'href="/plan">Later</a>' in offer


def test_the_answers_go_into_the_export_and_come_back_on_import(
    visitor: Visitor, other_visitor: Visitor, store: TrainingStore
) -> None:
    answer(visitor, "hip-replacement-unsure", ["pregnancy"])
    exported = export_of(visitor)
    assert exported["settings"]["precautions"] == ["hip-replacement-unsure", "pregnancy"]
    assert import_file(other_visitor, json.dumps(exported).encode()).status_code == 303
    assert stored(store, other_visitor) == "hip-replacement-unsure,pregnancy"


def test_an_unknown_precaution_in_an_import_is_refused_in_words(
    visitor: Visitor, store: TrainingStore
) -> None:
    answer(visitor, BACK)
    exported = export_of(visitor)
    exported["settings"]["precautions"] = ["pregnancy", "broken-leg"]
    response = import_file(visitor, json.dumps(exported).encode())
    assert response.status_code == 422
    assert "Settings: precautions: 'broken-leg' is not a precaution" in text(response)
    assert stored(store, visitor) == BACK


def test_an_export_made_before_precautions_still_imports_and_keeps_the_answers(
    visitor: Visitor, store: TrainingStore
) -> None:
    answer(visitor, BACK)
    exported = export_of(visitor)
    del exported["settings"]["precautions"]
    assert import_file(visitor, json.dumps(exported).encode()).status_code == 303
    assert stored(store, visitor) == BACK
