"""After a logout or a deleted account, the service worker forgets the account's saved pages."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from tests.conftest import wait_until
from tests.e2e.accounts.phones import (
    DESK,
    log_out,
    log_session,
    saved_copy,
    secured_phone,
    settle,
    wait_for_forgotten_pages,
)
from tests.e2e.conftest import ConsoleWatch, LiveServer

#: What Chromium and htmx log when a page finds no network.
OFFLINE_NOISE = (
    r"net::ERR_INTERNET_DISCONNECTED",
    r"net::ERR_FAILED",
    r"htmx:sendError",
    r"htmx:afterRequest",
)


def test_logging_out_makes_the_worker_forget_the_accounts_saved_pages(
    phone: Callable[..., Page], server: LiveServer, console: ConsoleWatch
) -> None:
    for noise in OFFLINE_NOISE:
        console.allow(noise)
    a = secured_phone(phone, server)
    page = a.page
    context: BrowserContext = page.context

    # The worker controls the page and keeps A's Progress, with A's history in it.
    page.goto(server("/progress"))
    settle(page)
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null"), (
        "the service worker does not control the page after a reload"
    )
    expect(page.locator("ol.history .history-name")).to_have_text([DESK.name])
    wait_until(
        lambda: DESK.name in (saved_copy(page, server("/progress")) or ""),
        "the worker to save A's Progress",
    )

    log_out(page, server)
    wait_for_forgotten_pages(page, server)
    assert saved_copy(page, server("/")) is None, "A's Today is still saved after the logout"

    # With no signal, /progress is no copy of A's.
    context.set_offline(True)
    page.goto(server("/progress"))
    expect(page.get_by_role("heading", name="No signal", level=1)).to_be_visible()
    expect(page.locator("ol.history")).to_have_count(0)
    expect(page.get_by_text("This page isn't saved on your phone yet.")).to_be_visible()
    expect(page.locator("#streak-line")).to_have_count(0)


def test_deleting_the_account_makes_the_worker_forget_its_saved_pages(
    phone: Callable[..., Page], server: LiveServer, console: ConsoleWatch
) -> None:
    for noise in OFFLINE_NOISE:
        console.allow(noise)
    page = phone()
    log_session(page, server)
    page.goto(server("/progress/history"))
    settle(page)
    page.reload()
    session_link = page.locator("ol.history a[href^='/sessions/']").first.get_attribute("href")
    assert session_link, "the history links to the session"
    account_pages = [server("/progress"), server("/progress/history"), server(session_link)]
    for url in account_pages:
        page.goto(url)
        expect(page.locator("main")).to_contain_text(DESK.name)
    wait_until(
        lambda: all(DESK.name in (saved_copy(page, url) or "") for url in account_pages),
        "the worker to save the account's pages",
    )

    page.goto(server("/settings/delete"))
    page.get_by_label("I understand this deletes everything").check()
    page.get_by_role("button", name="Delete my account and data").tap()
    expect(page).to_have_url(server("/goodbye"))
    wait_until(
        lambda: (
            all(saved_copy(page, url) is None for url in account_pages)
            and saved_copy(page, server("/offline")) is not None
        ),
        "the worker to forget the deleted account's pages",
    )

    page.context.set_offline(True)
    for url in account_pages:
        page.goto(url)
        expect(page.get_by_role("heading", name="No signal", level=1)).to_be_visible()
        expect(page.get_by_text("This page isn't saved on your phone yet.")).to_be_visible()
        expect(page.locator("ol.history")).to_have_count(0)
