"""Every page renders for a first-time visitor, fragments come back alone for htmx."""

from __future__ import annotations

import pytest

from tests.integration.conftest import Visitor

PAGES = [
    ("/", "Pre-run warm-up"),
    ("/routines", "Routine library"),
    ("/routines/hip-er-strength", "Move safely"),
    ("/exercises/banded-clamshell", "Common mistakes"),
    ("/play/pre-run-warm-up", "All steps"),
    ("/play/desk-reset", "Switch to the left side"),
]


@pytest.mark.parametrize(("url", "text"), PAGES)
def test_every_page_renders_for_a_first_visit(visitor: Visitor, url: str, text: str) -> None:
    response = visitor.get(url)
    assert response.status_code == 200
    assert text in response.get_data(as_text=True)
    assert "HX-Request" in response.headers["Vary"]


def test_today_offers_the_quick_starts_before_anything_else(visitor: Visitor) -> None:
    page = visitor.get("/").get_data(as_text=True)
    more = page.index("More routines")
    for slug in ("pre-run-warm-up", "desk-reset", "micro-break"):
        assert page.index(f'href="/play/{slug}"') < more


@pytest.mark.parametrize("url", ["/play/no-such-routine", "/routines/nope", "/exercises/nope"])
def test_an_unknown_routine_or_exercise_gets_a_404_page(visitor: Visitor, url: str) -> None:
    response = visitor.get(url)
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)


def test_an_htmx_filter_request_gets_only_the_list(visitor: Visitor) -> None:
    response = visitor.get("/routines?goal=desk", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="routine-list"')
    assert "<html" not in html and "Desk reset" in html and "Lifting primer" not in html
    assert "HX-Request" in response.headers["Vary"]


def test_a_boosted_or_history_restore_request_gets_the_full_page(visitor: Visitor) -> None:
    for header in ("HX-Boosted", "HX-History-Restore-Request"):
        response = visitor.get(
            "/routines?goal=desk", headers={"HX-Request": "true", header: "true"}
        )
        assert "<html" in response.get_data(as_text=True)


def test_the_full_library_page_shows_the_filtered_list_too(visitor: Visitor) -> None:
    html = visitor.get("/routines?goal=lifting&kit=any").get_data(as_text=True)
    assert "<html" in html and "Lifting primer" in html and "Desk reset</a>" not in html


def test_a_bad_filter_value_is_explained_with_a_422(visitor: Visitor) -> None:
    response = visitor.get("/routines?goal=swimming")
    assert response.status_code == 422
    assert "“swimming” is not one of the choices for goal." in response.get_data(as_text=True)


def test_the_player_embeds_its_steps_as_json_not_as_script(visitor: Visitor) -> None:
    html = visitor.get("/play/pre-run-warm-up").get_data(as_text=True)
    assert '<script type="application/json" id="session-data">' in html
    assert "<script>" not in html and "onclick" not in html


def test_the_health_check_answers_without_making_an_account(visitor: Visitor) -> None:
    response = visitor.get("/healthz")
    assert response.get_data(as_text=True) == "ok"
    assert "Set-Cookie" not in response.headers
