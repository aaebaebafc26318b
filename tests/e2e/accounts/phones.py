"""Steps the account tests share: logging in and out, logging sessions, what a phone shows."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from playwright.sync_api import CDPSession, Page, expect

from tests.conftest import wait_until
from tests.e2e.conftest import LiveServer, Timeline, timeline

DESK = timeline("desk-reset")
PASSWORD = "a long phrase for my hips"


def new_email() -> str:
    return f"hips-{uuid.uuid4().hex[:10]}@example.com"


def csrf_token(page: Page) -> str:
    token: str = json.loads(page.locator("body").get_attribute("hx-headers") or "{}")["X-CSRFToken"]
    return token


def log_session(page: Page, server: LiveServer, routine: Timeline = DESK) -> None:
    """Send a whole session that ended a minute ago, as the player's finish form would."""
    if not page.url.startswith(server.url):
        page.goto(server("/"))
    # A minute before the server's own "now" (its clock may be pinned), so the session is today's.
    rendered_at = page.locator("body").get_attribute("data-rendered-at") or ""
    ended = datetime.fromisoformat(rendered_at) - timedelta(minutes=1)
    steps = str(len(routine.steps))
    response = page.request.post(
        server("/sessions"),
        form={
            "csrf_token": csrf_token(page),
            "routine": routine.slug,
            "op_id": uuid.uuid4().hex,
            "started_at": (ended - timedelta(minutes=5)).isoformat(),
            "ended_at": ended.isoformat(),
            "steps_done": steps,
            "steps_total": steps,
            "time_zone": "UTC",
            "effort": "5",
            "pain": "1",
            "note": "",
        },
        max_redirects=0,
    )
    assert response.status == 303, response.text()


def secure(page: Page, server: LiveServer, email: str, password: str = PASSWORD) -> None:
    """Secure this guest account on /account with an email and a password typed twice."""
    page.goto(server("/account"))
    settle(page)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password again").fill(password)
    page.get_by_role("button", name="Secure my account").tap()
    expect(page).to_have_url(server("/account?done=secured"))
    expect(page.locator("p.notice")).to_contain_text("Your account is secured.")
    expect(page.get_by_role("heading", name="Logged in")).to_be_visible()


def saved_copy(page: Page, url: str) -> str | None:
    """The text of the service worker's saved copy of `url`, if it has one."""
    copy: str | None = page.evaluate(
        "(url) => caches.match(url).then((r) => (r ? r.text() : null))", url
    )
    return copy


SETTLED = """() => Promise.race([
  navigator.serviceWorker.ready.then(() => true),
  new Promise((resolve) => setTimeout(() => resolve(false), 8000)),
])"""


def settle(page: Page) -> None:
    """Wait until the service worker is installed: its background fetches are over."""
    assert page.evaluate(SETTLED), "the service worker did not install within 8 s"


def wait_for_forgotten_pages(page: Page, server: LiveServer) -> None:
    """After a logout: the worker dropped the account's pages and saved the offline page again."""
    wait_until(
        lambda: (
            saved_copy(page, server("/progress")) is None
            and saved_copy(page, server("/offline")) is not None
        ),
        "the worker to forget the account's pages",
    )


def submit_login(page: Page, server: LiveServer, email: str, password: str) -> int:
    """Fill and send the login form on /login; returns the status of the form's answer."""
    if not page.url.startswith(server("/login")):
        page.goto(server("/login"))
        settle(page)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url == server("/login")
    ) as answer:
        page.get_by_role("button", name="Log in", exact=True).tap()
    page.wait_for_load_state()
    return answer.value.status


def log_in(page: Page, server: LiveServer, email: str, password: str = PASSWORD) -> None:
    assert submit_login(page, server, email, password) == 303
    expect(page).to_have_url(server("/"))
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()


def log_out(page: Page, server: LiveServer) -> None:
    page.goto(server("/account"))
    page.get_by_role("button", name="Log out of this device").tap()
    expect(page).to_have_url(server("/login?out=1"))
    expect(page.locator("[data-signed-out]")).to_have_text(
        "You're logged out. This device forgot the account's pages."
    )


def streak_line(page: Page, server: LiveServer) -> str:
    page.goto(server("/"))
    return page.locator("#streak-line").inner_text().strip()


def expect_no_streak(page: Page, server: LiveServer) -> None:
    """Today of a fresh guest: no streak shown, nothing in the history."""
    page.goto(server("/"))
    expect(page.locator("#streak-line [data-streak]")).to_be_hidden()
    expect(page.locator("#streak-number")).to_have_text("0")
    assert history(page, server) == []


def history(page: Page, server: LiveServer) -> list[str]:
    """The routines in Progress's history, newest first."""
    page.goto(server("/progress"))
    expect(page.get_by_role("heading", name="Progress", level=1)).to_be_visible()
    return page.locator("ol.history .history-name").all_inner_texts()


def expect_account(page: Page, server: LiveServer, email: str) -> None:
    """The account page shows this device logged in as `email`."""
    page.goto(server("/account"))
    expect(page.get_by_role("heading", name="Logged in")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"As {email}.")


@dataclass
class Secured:
    """A phone logged in to a secured account that has one session today."""

    page: Page
    email: str
    streak: str


def secured_phone(phone: Callable[..., Page], server: LiveServer, **options: Any) -> Secured:
    page = phone(**options)
    log_session(page, server)
    email = new_email()
    secure(page, server, email)
    line = streak_line(page, server)
    assert line.startswith("1-day streak."), line
    return Secured(page, email, line)


def virtual_authenticator(page: Page, *, verified: bool = True) -> tuple[CDPSession, str]:
    """A platform authenticator on `page` (it survives the page's navigations)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": verified,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, str(added["authenticatorId"])


def credentials(cdp: CDPSession, authenticator: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = cdp.send(
        "WebAuthn.getCredentials", {"authenticatorId": authenticator}
    )["credentials"]
    return found


def passkey_login(page: Page, server: LiveServer) -> None:
    """Press "Log in with a passkey" on /login (the page must be there)."""
    expect(page).to_have_url(re.compile(re.escape(server("/login"))))
    page.get_by_role("button", name="Log in with a passkey").tap()
