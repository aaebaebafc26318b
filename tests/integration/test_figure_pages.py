"""Figures on the pages: a large moving one on each exercise page, a small still one for each
step of a routine and for each routine card, all named for screen readers; the stylesheet that
moves them comes from its own cacheable address and the service worker keeps it for offline."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from routines.catalog.load import load_catalog
from tests.integration.conftest import Visitor
from webapp.presenters.figures import short_name

CATALOG = load_catalog()
STYLESHEET = re.compile(r'<link rel="stylesheet" href="(/figures\.css\?v=[0-9a-f]{12})">')


class Figures(HTMLParser):
    """The `<svg class="fig ...">` elements of a page, with their attributes."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.found: list[dict[str, str]] = []
        self.styled = 0
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "svg" and "fig" in values.get("class", "").split():
            self.found.append(values)
        if "style" in values:
            self.styled += 1


def figures(visitor: Visitor, url: str) -> Figures:
    response = visitor.get(url)
    assert response.status_code == 200
    return Figures(response.get_data(as_text=True))


@pytest.mark.parametrize("slug", sorted(CATALOG.exercises))
def test_every_exercise_page_shows_its_figure_moving_and_says_the_move_in_words(
    visitor: Visitor, slug: str
) -> None:
    page = visitor.get(f"/exercises/{slug}").get_data(as_text=True)
    [figure] = Figures(page).found
    assert figure["role"] == "img"
    assert figure["aria-label"] == CATALOG.figures[slug].label
    assert "m" in figure["class"].split()  # the moving kind
    assert STYLESHEET.search(page)
    assert "Pause the moving figure" in page


def test_the_figure_markup_needs_no_inline_style_the_content_security_policy_would_block(
    visitor: Visitor,
) -> None:
    for url in ("/exercises/clamshell", "/routines/hip-er-strength", "/", "/routines"):
        assert figures(visitor, url).styled == 0


def test_a_routine_page_shows_a_small_still_figure_for_each_step(visitor: Visitor) -> None:
    routine = CATALOG.routines["hip-er-strength"]
    found = figures(visitor, "/routines/hip-er-strength").found
    names = [p.exercise.name for p in routine.prescriptions]
    assert [f["aria-label"] for f in found] == [f"Move pictured: {name}" for name in names]
    assert all("m" not in f["class"].split() for f in found)


def test_today_and_the_library_picture_each_routine_by_its_signature_move(
    visitor: Visitor,
) -> None:
    today = figures(visitor, "/").found
    warm_up = CATALOG.routines["pre-run-warm-up"].signature_exercise.name
    assert f"Move pictured: {warm_up}" in [f["aria-label"] for f in today]
    library = figures(visitor, "/routines").found
    assert len(library) == len(CATALOG.routines)


def test_the_stylesheet_is_kept_a_year_at_its_versioned_address_and_checked_elsewhere(
    visitor: Visitor,
) -> None:
    page = visitor.get("/exercises/clamshell").get_data(as_text=True)
    address = STYLESHEET.search(page).group(1)  # type: ignore[union-attr]
    versioned = visitor.get(address)
    assert versioned.status_code == 200
    assert versioned.mimetype == "text/css"
    assert "immutable" in versioned.headers["Cache-Control"]
    name = short_name("clamshell")
    assert f"@keyframes {name}{{" in versioned.get_data(as_text=True)
    plain = visitor.get("/figures.css")
    assert plain.headers["Cache-Control"] == "no-cache"
    again = visitor.get("/figures.css", headers={"If-None-Match": plain.headers["ETag"]})
    assert again.status_code == 304


def test_the_service_worker_keeps_the_stylesheet_for_sessions_with_no_signal(
    visitor: Visitor,
) -> None:
    page = visitor.get("/exercises/clamshell").get_data(as_text=True)
    address = STYLESHEET.search(page).group(1)  # type: ignore[union-attr]
    assert f'"{address}"' in visitor.get("/service-worker.js").get_data(as_text=True)
