"""The login and account pages at 390 px: accessibility, labels and the keyboard."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.accounts.phones import (
    PASSWORD,
    log_out,
    new_email,
    secure,
    secured_phone,
    settle,
    submit_login,
)
from tests.e2e.conftest import ConsoleWatch, LiveServer, page_problems


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_login_and_account_pages_have_no_serious_accessibility_problems_at_390_px(
    phone: Callable[..., Page], server: LiveServer, console: ConsoleWatch, color_scheme: str
) -> None:
    console.allow(r"status of 401")  # the login form with its error
    page = phone(bypass_csp=True, color_scheme=color_scheme)
    problems: list[str] = []

    page.goto(server("/login"))
    expect(page.get_by_role("button", name="Log in with a passkey")).to_be_visible()
    problems += page_problems(page, f"login ({color_scheme})")
    problems += label_problems(page, f"login ({color_scheme})")

    assert submit_login(page, server, "nobody@example.com", "not a password") == 401
    expect(page.locator("#password-error")).to_be_visible()
    problems += page_problems(page, f"login with an error ({color_scheme})")
    problems += label_problems(page, f"login with an error ({color_scheme})")

    page.goto(server("/account"))
    expect(page.get_by_role("heading", name="Secure your account")).to_be_visible()
    problems += page_problems(page, f"account of a guest ({color_scheme})")
    problems += label_problems(page, f"account of a guest ({color_scheme})")

    secure(page, server, new_email())
    expect(page.get_by_role("button", name="Add a passkey")).to_be_visible()
    problems += page_problems(page, f"account secured ({color_scheme})")

    log_out(page, server)
    problems += page_problems(page, f"login after logging out ({color_scheme})")

    assert not problems, "\n".join(problems)


UNLABELLED_FIELDS = """() => [...document.querySelectorAll("main input, main select, main textarea")]
  .filter((field) => field.type !== "hidden" && !field.hidden && field.labels.length === 0)
  .map((field) => field.name)"""
DUPLICATE_IDS = """() => {
  const ids = [...document.querySelectorAll("[id]")].map((element) => element.id);
  return [...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))];
}"""


def label_problems(page: Page, state: str) -> list[str]:
    """Fields whose <label> doesn't reach them, and ids used twice (axe checks neither here)."""
    problems = []
    if unlabelled := page.evaluate(UNLABELLED_FIELDS):
        problems.append(f"{state}: no label reaches the fields {unlabelled}")
    if duplicated := page.evaluate(DUPLICATE_IDS):
        problems.append(f"{state}: ids used twice: {duplicated}")
    return problems


def test_every_field_of_the_secured_account_page_has_its_label(
    phone: Callable[..., Page], server: LiveServer
) -> None:
    a = secured_phone(phone, server)
    a.page.goto(server("/account"))
    expect(a.page.get_by_role("heading", name="Change password")).to_be_visible()
    problems = label_problems(a.page, "account secured")
    assert not problems, "\n".join(problems)
    assert a.page.get_by_label("Current password", exact=True).count() == 1


def test_the_login_form_can_be_filled_and_sent_with_the_keyboard(
    phone: Callable[..., Page], server: LiveServer
) -> None:
    a = secured_phone(phone, server)
    b = phone()
    b.goto(server("/login"))
    settle(b)
    email = b.get_by_label("Email", exact=True)
    for _ in range(40):
        if email.evaluate("(field) => field === document.activeElement"):
            break
        b.keyboard.press("Tab")
    expect(email).to_be_focused()
    b.keyboard.type(a.email)
    b.keyboard.press("Tab")
    expect(b.get_by_label("Password", exact=True)).to_be_focused()
    b.keyboard.type(PASSWORD)
    with b.expect_navigation():
        b.keyboard.press("Enter")
    expect(b).to_have_url(server("/"))
    expect(b.locator("#streak-line")).to_have_text(a.streak)
