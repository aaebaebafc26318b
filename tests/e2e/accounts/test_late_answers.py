"""A login survives an answer that lands late.

A phone's first page installs the service worker, which fetches pages and files in the
background. The server sends the session cookie only when the session changed, so an answer
landing late can't put back the cookie from before: these tests hold one back on purpose.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import APIResponse, Page, Route, expect

from tests.e2e.accounts.phones import (
    PASSWORD,
    Secured,
    credentials,
    expect_account,
    passkey_login,
    secured_phone,
    settle,
    streak_line,
    submit_login,
    virtual_authenticator,
)
from tests.e2e.conftest import ConsoleWatch, LiveServer

#: The user takes a moment to touch the sensor: the passkey prompt waits for `touchSensor()`.
SLOW_FINGER = """(() => {
  const get = navigator.credentials.get.bind(navigator.credentials);
  let touch;
  const touched = new Promise((resolve) => { touch = resolve; });
  window.touchSensor = () => touch();
  navigator.credentials.get = async (options) => { await touched; return get(options); };
})()"""


@dataclass
class UnderWay:
    """A request of the page that reached the server and whose answer the test holds back."""

    page: Page
    held: list[tuple[Route, APIResponse]]

    def answer(self) -> None:
        route, response = self.held[0]
        route.fulfill(response=response)
        assert self.page.evaluate("window.underWay") == 200


def quiet(*pages: Page) -> None:
    """Wait until these pages have no request under way (their answers could reset the cookie)."""
    for page in pages:
        page.wait_for_load_state("networkidle")


def request_under_way(page: Page, server: LiveServer, path: str = "/offline") -> UnderWay:
    """Start a request for `path` now (with the cookie as it is now); hold back its answer."""
    held: list[tuple[Route, APIResponse]] = []
    page.route(server(path), lambda route: held.append((route, route.fetch())))
    page.evaluate(
        "(url) => { window.underWay = fetch(url, { credentials: 'same-origin' })"
        ".then((r) => r.text().then(() => r.status)); }",
        path,
    )
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, f"the request for {path} never left the page"
    return UnderWay(page, held)


def add_passkey(a: Secured, server: LiveServer) -> dict[str, Any]:
    """Add a passkey on A's phone; returns the credential (with its private key)."""
    cdp, key = virtual_authenticator(a.page)
    a.page.goto(server("/account"))
    settle(a.page)
    a.page.get_by_role("button", name="Add a passkey").tap()
    expect(a.page).to_have_url(server("/account?done=passkey"))
    made = credentials(cdp, key)
    assert len(made) == 1, made
    return made[0]


def test_a_passkey_login_survives_an_answer_landing_while_the_user_touches_the_sensor(
    phone: Callable[..., Page], server: LiveServer, console: ConsoleWatch
) -> None:
    console.allow(r"status of 401")
    a = secured_phone(phone, server)
    credential = add_passkey(a, server)

    # Without a worker, so the held request is the page's own and nothing else is under way.
    b = phone(service_workers="block")
    b.context.add_init_script(SLOW_FINGER)
    b.goto(server("/login"))
    b_cdp, b_key = virtual_authenticator(b)
    b_cdp.send("WebAuthn.addCredential", {"authenticatorId": b_key, "credential": credential})
    quiet(b)

    under_way = request_under_way(b, server)
    with b.expect_response(server("/login/passkey/options")):
        passkey_login(b, server)
    under_way.answer()  # lands while the user is still touching the sensor
    with b.expect_response(server("/login/passkey")) as answer:
        b.evaluate("window.touchSensor()")
    assert answer.value.status == 200, f"{answer.value.status}: {answer.value.json()}"
    expect(b).to_have_url(server("/"))
    expect(b.locator("#streak-line")).to_have_text(a.streak)


def test_a_password_login_survives_an_answer_landing_just_after_it(
    phone: Callable[..., Page], server: LiveServer
) -> None:
    a = secured_phone(phone, server)
    b = phone(service_workers="block")
    b.goto(server("/login"))
    # From a second tab of the phone, as the worker's fetches would be: it outlives B's page.
    other_tab = b.context.new_page()
    other_tab.goto(server("/routines"))
    quiet(b, other_tab)

    under_way = request_under_way(other_tab, server)
    assert submit_login(b, server, a.email, PASSWORD) == 303
    expect(b.locator("#streak-line")).to_have_text(a.streak)
    quiet(b)
    under_way.answer()
    b.goto(server("/account"))
    assert b.get_by_role("heading", name="Logged in").count() == 1, (
        "B is no longer logged in: " + b.locator("h2").first.inner_text()
    )
    expect_account(b, server, a.email)
    assert streak_line(b, server) == a.streak
