"""Today and the library at phone size: keyboard focus, the filters, a clean console."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from routines.catalog.load import load_catalog
from routines.catalog.model import Goal
from tests.e2e.conftest import LiveServer


def has_visible_focus_ring(locator: Locator) -> bool:
    """Whether the element draws a focus outline and sits inside the viewport."""
    return bool(
        locator.evaluate(
            """(el) => {
                const style = getComputedStyle(el);
                const box = el.getBoundingClientRect();
                const onScreen = box.width > 0 && box.height > 0 && box.bottom > 0
                    && box.right > 0 && box.top < innerHeight && box.left < innerWidth;
                return onScreen && style.outlineStyle !== 'none'
                    && parseFloat(style.outlineWidth) >= 2;
            }"""
        )
    )


def test_tab_reaches_the_skip_link_then_the_quick_start_links_with_a_visible_focus(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server("/"))

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    assert has_visible_focus_ring(skip_link), "the focused skip link shows no focus outline"

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))

    page.keyboard.press("Tab")
    expect(page.locator("#streak-line").get_by_role("link", name="Progress")).to_be_focused()

    page.keyboard.press("Tab")
    warm_up = page.locator(".quick-start", has_text="Pre-run warm-up")
    expect(warm_up).to_be_focused()
    assert has_visible_focus_ring(warm_up), "the focused Pre-run warm-up link shows no outline"

    page.keyboard.press("Tab")
    desk = page.locator(".quick-start", has_text="Desk reset")
    expect(desk).to_be_focused()
    assert has_visible_focus_ring(desk), "the focused Desk reset link shows no outline"

    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server("/play/desk-reset"))


def test_choosing_desk_breaks_filters_the_library_in_place_and_the_url_can_be_reloaded(
    page: Page, live_server: LiveServer
) -> None:
    catalog = load_catalog()
    desk_names = [r.name for r in catalog.routines.values() if Goal.DESK in r.goals]
    other_names = [r.name for r in catalog.routines.values() if Goal.DESK not in r.goals]
    assert desk_names and other_names
    cards = page.locator("#routine-list .card-title")

    page.goto(live_server("/routines"))
    expect(page.locator("#found-heading")).to_have_text(f"{len(catalog.routines)} routines")
    page.evaluate("window.sameDocument = true")  # gone if the page fully reloads

    page.get_by_label("Goal").select_option(label="Desk breaks")

    expect(page).to_have_url(re.compile(r"[?&]goal=desk(&|$)"))
    expect(cards).to_have_text(desk_names)
    expect(page.locator("#found-heading")).to_have_text(
        f"{len(desk_names)} routine{'' if len(desk_names) == 1 else 's'}"
    )
    assert page.evaluate("window.sameDocument === true"), "the whole page reloaded"
    for name in other_names:
        expect(page.locator("#routine-list").get_by_text(name, exact=True)).to_have_count(0)

    page.reload()
    expect(page.get_by_label("Goal")).to_have_value("desk")
    expect(cards).to_have_text(desk_names)

    page.go_back()
    expect(page).to_have_url(live_server("/routines"))
    expect(cards).to_have_count(len(catalog.routines))


def test_the_browser_finds_an_icon_for_the_app(page: Page, live_server: LiveServer) -> None:
    """Browsers ask for an icon on every first visit; a 404 there is a console error each time.

    Chromium asks once per browser run, so this reads the page's icon the way it would.
    """
    page.goto(live_server("/"))
    declared = page.evaluate("document.querySelector('link[rel~=icon]')?.href ?? null")
    if declared is None:
        response = page.request.get(live_server("/favicon.ico"))
        assert response.ok, (
            "Today declares no <link rel=icon> and /favicon.ico answers "
            f"{response.status}: every first visit logs a 404 in the console"
        )
    elif not declared.startswith("data:"):
        response = page.request.get(declared)
        assert response.ok, f"the declared icon {declared} answers {response.status}"
