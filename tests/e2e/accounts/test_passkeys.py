"""Passkeys on phones: one added on one phone logs in on another; a cancelled prompt says so.

Passkeys come from virtual authenticators of the Chrome DevTools Protocol.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import CDPSession, Page, expect

from tests.e2e.accounts.phones import (
    credentials,
    expect_account,
    expect_no_streak,
    log_in,
    log_out,
    passkey_login,
    secured_phone,
    settle,
    virtual_authenticator,
    wait_for_forgotten_pages,
)
from tests.e2e.conftest import ConsoleWatch, LiveServer

PASSKEY_FAILED = "That passkey didn't sign you in. Try again or use your password."
PASSKEY_CANCELLED = "Not logged in. Try again, or use your password."


def add_a_listed_passkey(
    page: Page, server: LiveServer, cdp: CDPSession, authenticator: str
) -> list[dict[str, Any]]:
    """Add a passkey on this phone: it is listed; the one credential the authenticator made."""
    page.goto(server("/account"))
    settle(page)
    expect(page.get_by_text("No passkeys yet.")).to_be_visible()
    page.get_by_role("button", name="Add a passkey").tap()
    expect(page).to_have_url(server("/account?done=passkey"))
    expect(page.locator("p.notice")).to_have_text(
        "Passkey added. Next time, log in with it instead of your password."
    )
    listed = page.locator("#passkeys ul.devices li")
    expect(listed).to_have_count(1)
    expect(listed.get_by_role("button", name=re.compile(r"^Remove the passkey "))).to_be_visible()
    made = credentials(cdp, authenticator)
    assert len(made) == 1, made
    assert made[0]["isResidentCredential"], made[0]
    assert made[0]["rpId"] == "localhost", made[0]
    return made


def remove_the_passkey(page: Page, server: LiveServer) -> None:
    page.goto(server("/account"))
    page.get_by_role("button", name=re.compile(r"^Remove the passkey ")).tap()
    expect(page).to_have_url(server("/account?done=passkey-removed"))
    expect(page.get_by_text("No passkeys yet.")).to_be_visible()


def test_a_passkey_added_on_one_phone_logs_in_on_another_until_it_is_removed(
    phone: Callable[..., Page], server: LiveServer, console: ConsoleWatch
) -> None:
    console.allow(r"status of 401")  # the server's answer to a removed passkey
    a = secured_phone(phone, server)
    a_cdp, a_key = virtual_authenticator(a.page)

    made = add_a_listed_passkey(a.page, server, a_cdp, a_key)

    # The same passkey on B's authenticator (as a synced passkey would be) logs B in to A.
    b = phone()
    b.goto(server("/login"))
    settle(b)
    b_cdp, b_key = virtual_authenticator(b)
    b_cdp.send("WebAuthn.addCredential", {"authenticatorId": b_key, "credential": made[0]})
    passkey_login(b, server)
    expect(b).to_have_url(server("/"))
    expect(b.locator("#streak-line")).to_have_text(a.streak)
    expect_account(b, server, a.email)

    # Removed on A: B (logged out again) can no longer log in with it, and is told so.
    remove_the_passkey(a.page, server)
    log_out(b, server)
    wait_for_forgotten_pages(b, server)
    passkey_login(b, server)
    expect(b.locator("#passkey-status")).to_have_text(PASSKEY_FAILED)
    expect(b).to_have_url(server("/login?out=1"))
    expect_no_streak(b, server)
    expect_account(a.page, server, a.email)


def test_a_cancelled_passkey_prompt_says_so_and_the_password_still_works(
    phone: Callable[..., Page], server: LiveServer
) -> None:
    a = secured_phone(phone, server)

    # No passkey on this phone at all: the prompt ends without one.
    b = phone()
    b.goto(server("/login"))
    settle(b)
    virtual_authenticator(b)
    passkey_login(b, server)
    expect(b.locator("#passkey-status")).to_have_text(PASSKEY_CANCELLED)

    # A phone that can't verify its user: no passkey is made, and the account page says so.
    a_cdp, a_key = virtual_authenticator(a.page, verified=False)
    a.page.goto(server("/account"))
    a.page.get_by_role("button", name="Add a passkey").tap()
    expect(a.page.locator("#passkey-status")).to_have_text("No passkey was added.")
    expect(a.page.get_by_text("No passkeys yet.")).to_be_visible()
    assert credentials(a_cdp, a_key) == []

    # Nothing broke: the password form still logs B in.
    log_in(b, server, a.email)
    expect(b.locator("#streak-line")).to_have_text(a.streak)
