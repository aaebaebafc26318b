"""Accounts on phones: a second device, logging out, a password change, passkeys, login rate
limits, the worker forgetting pages after a logout, and the account pages' accessibility.

Every phone is a browser context of its own (its own cookies: another device). Pages open
through http://localhost:<port>: a secure context whose host is a domain name, which passkeys
need. Passkeys come from virtual authenticators of the Chrome DevTools Protocol.

The live server serves one address, and its login limits count per address: each test starts
with fresh counters.

A phone's first page installs the service worker, which fetches pages and files in the
background. The server sends the session cookie only when the session changed, so an answer
landing late can't put back the cookie from before: the tests at the end hold one back on purpose.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import APIResponse, BrowserContext, CDPSession, Page, Route, expect

from tests.conftest import wait_until
from tests.e2e.conftest import (
    ConsoleWatch,
    LiveServer,
    NewContext,
    Timeline,
    page_problems,
    start_clock,
    timeline,
)
from webapp.services.accounts import LOGIN_FAILED
from webapp.web.limits import TOO_MANY, limiter

DESK = timeline("desk-reset")
WARM_UP = timeline("pre-run-warm-up")
PASSWORD = "a long phrase for my hips"
NEW_PASSWORD = "another long phrase, changed"
PASSKEY_FAILED = "That passkey didn't sign you in. Try again or use your password."
PASSKEY_CANCELLED = "Not logged in. Try again, or use your password."

#: What Chromium and htmx log when a page finds no network.
OFFLINE_NOISE = (
    r"net::ERR_INTERNET_DISCONNECTED",
    r"net::ERR_FAILED",
    r"htmx:sendError",
    r"htmx:afterRequest",
)


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(live_server: LiveServer) -> LiveServer:
    """The live server by the name localhost (a secure context with a domain for passkeys)."""
    assert live_server.url.startswith("http://127.0.0.1:"), live_server.url
    return LiveServer(live_server.url.replace("http://127.0.0.1:", "http://localhost:", 1))


@pytest.fixture(autouse=True)
def _fresh_login_limits(live_server: LiveServer) -> None:
    """Every test here logs in from the same address: start each with no attempts counted."""
    limiter.reset()


@pytest.fixture
def phone(new_context: NewContext) -> Callable[..., Page]:
    """A new phone (a fresh context: another device, a fresh guest) and its page."""

    def make(**options: Any) -> Page:
        return new_context(**options).new_page()

    return make


# --- helpers -------------------------------------------------------------------------------------


def new_email() -> str:
    return f"hips-{uuid.uuid4().hex[:10]}@example.com"


def csrf_token(page: Page) -> str:
    token: str = json.loads(page.locator("body").get_attribute("hx-headers") or "{}")["X-CSRFToken"]
    return token


def finish_in_player(page: Page, server: LiveServer, routine: Timeline) -> None:
    """Play `routine` to its end on the fake clock and save it; then let time flow again."""
    start_clock(page)
    page.goto(server(f"/play/{routine.slug}"))
    page.get_by_role("button", name="Start", exact=True).tap()
    expect(page.locator("#player-stage")).to_be_visible()
    page.clock.run_for(routine.seconds_before(len(routine.steps)) * 1000 + 1000)
    expect(page.locator("#done-status")).to_contain_text(f"Saved: {routine.name}")
    page.clock.resume()


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


def make_plan(page: Page, server: LiveServer) -> None:
    """Today's "Plan my weeks", then the onboarding's default answers."""
    page.goto(server("/"))
    page.get_by_role("link", name="Plan my weeks").tap()
    expect(page).to_have_url(server("/start"))
    page.get_by_role("button", name="Make my plan").tap()
    expect(page).to_have_url(server("/plan"))


def plan_days(page: Page, server: LiveServer) -> list[str]:
    page.goto(server("/plan"))
    expect(page.get_by_role("heading", name="Your plan", level=1)).to_be_visible()
    days = page.locator(".week-days").all_inner_texts()
    assert days, "the plan page shows no weeks"
    return days


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


def expect_guest(page: Page, server: LiveServer) -> None:
    page.goto(server("/account"))
    expect(page.get_by_role("heading", name="Secure your account")).to_be_visible()
    expect(page.get_by_role("heading", name="Logged in")).to_have_count(0)


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


# --- 1. a second device ----------------------------------------------------------------------------


def test_a_secured_account_opens_on_a_second_device_with_that_devices_guest_sessions(
    phone: Callable[..., Page], server: LiveServer
) -> None:
    # Phone A: a session in the player, a plan, then the account secured.
    a = phone()
    finish_in_player(a, server, DESK)
    make_plan(a, server)
    a_streak = streak_line(a, server)
    assert a_streak.startswith("1-day streak."), a_streak
    assert history(a, server) == [DESK.name]
    email = new_email()
    secure(a, server, email)

    # Phone B: a session as a guest first, then it logs in to A's account.
    b = phone()
    finish_in_player(b, server, WARM_UP)
    assert history(b, server) == [WARM_UP.name]
    log_in(b, server, email)
    expect(b.locator("#streak-line")).to_have_text(a_streak)
    expect_account(b, server, email)

    # The same history on both, with B's guest session in it; the same streak; the same plan.
    both = sorted([DESK.name, WARM_UP.name])
    assert sorted(history(b, server)) == both
    assert sorted(history(a, server)) == both
    assert streak_line(a, server) == streak_line(b, server) == a_streak
    assert plan_days(b, server) == plan_days(a, server)


# --- 2. logging out --------------------------------------------------------------------------------


def test_logging_out_leaves_a_fresh_guest_and_the_old_cookie_opens_nothing(
    phone: Callable[..., Page], new_context: NewContext, server: LiveServer
) -> None:
    a = secured_phone(phone, server)
    b = phone()
    log_in(b, server, a.email)
    expect(b.locator("#streak-line")).to_have_text(a.streak)
    old_cookies = b.context.cookies()
    assert old_cookies, "phone B has no cookie to replay"

    log_out(b, server)
    expect(b.get_by_role("heading", name="Log in", level=1)).to_be_visible()
    expect_no_streak(b, server)
    expect_guest(b, server)

    # A was not logged out.
    assert streak_line(a.page, server) == a.streak
    expect_account(a.page, server, a.email)

    # The cookie B had before logging out, on yet another phone: a fresh guest, nothing of A's.
    replay = new_context()
    replay.add_cookies(old_cookies)  # type: ignore[arg-type]
    c = replay.new_page()
    expect_no_streak(c, server)
    expect_guest(c, server)


# --- 3. changing the password ----------------------------------------------------------------------


def test_a_password_change_logs_the_other_devices_out_and_only_the_new_password_works(
    phone: Callable[..., Page], server: LiveServer, console: ConsoleWatch
) -> None:
    console.allow(r"status of 401")  # the login form's answer to the old password
    a = secured_phone(phone, server)
    b = phone()
    log_in(b, server, a.email)

    a.page.goto(server("/account"))
    a.page.get_by_label("Current password").fill(PASSWORD)
    a.page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    a.page.get_by_label("New password again").fill(NEW_PASSWORD)
    a.page.get_by_role("button", name="Change password").tap()
    expect(a.page).to_have_url(server("/account?done=password"))
    expect(a.page.locator("p.notice")).to_have_text(
        "Password changed. Every other device has been logged out."
    )

    # B's next page is no longer A's account; A stays logged in.
    expect_no_streak(b, server)
    expect_guest(b, server)
    expect_account(a.page, server, a.email)
    assert streak_line(a.page, server) == a.streak

    # The old password fails with the one readable message, the email kept; the new one works.
    assert submit_login(b, server, a.email, PASSWORD) == 401
    expect(b.get_by_role("alert")).to_contain_text(LOGIN_FAILED)
    expect(b.locator("#password-error")).to_have_text(LOGIN_FAILED)
    expect(b.get_by_label("Email", exact=True)).to_have_value(a.email)
    log_in(b, server, a.email, NEW_PASSWORD)
    expect(b.locator("#streak-line")).to_have_text(a.streak)


# --- 4. passkeys -----------------------------------------------------------------------------------


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


def test_a_passkey_added_on_one_phone_logs_in_on_another_until_it_is_removed(
    phone: Callable[..., Page], server: LiveServer, console: ConsoleWatch
) -> None:
    console.allow(r"status of 401")  # the server's answer to a removed passkey
    a = secured_phone(phone, server)
    a_cdp, a_key = virtual_authenticator(a.page)

    # Add a passkey on A: it is listed.
    a.page.goto(server("/account"))
    settle(a.page)
    expect(a.page.get_by_text("No passkeys yet.")).to_be_visible()
    a.page.get_by_role("button", name="Add a passkey").tap()
    expect(a.page).to_have_url(server("/account?done=passkey"))
    expect(a.page.locator("p.notice")).to_have_text(
        "Passkey added. Next time, log in with it instead of your password."
    )
    listed = a.page.locator("#passkeys ul.devices li")
    expect(listed).to_have_count(1)
    expect(listed.get_by_role("button", name=re.compile(r"^Remove the passkey "))).to_be_visible()
    made = credentials(a_cdp, a_key)
    assert len(made) == 1, made
    assert made[0]["isResidentCredential"], made[0]
    assert made[0]["rpId"] == "localhost", made[0]

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
    a.page.goto(server("/account"))
    a.page.get_by_role("button", name=re.compile(r"^Remove the passkey ")).tap()
    expect(a.page).to_have_url(server("/account?done=passkey-removed"))
    expect(a.page.get_by_text("No passkeys yet.")).to_be_visible()
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


# --- 5. too many wrong passwords -------------------------------------------------------------------


def test_too_many_wrong_passwords_get_a_readable_wait_message_with_the_email_kept(
    phone: Callable[..., Page], server: LiveServer, console: ConsoleWatch
) -> None:
    console.allow(r"status of 401")
    console.allow(r"status of 429")
    a = secured_phone(phone, server)
    b = phone()

    statuses = [submit_login(b, server, a.email, f"wrong guess {n}") for n in range(5)]
    assert statuses == [401] * 5
    expect(b.locator("#password-error")).to_have_text(LOGIN_FAILED)

    assert submit_login(b, server, a.email, "wrong guess 6") == 429
    expect(b.get_by_role("heading", name="Log in", level=1)).to_be_visible()
    expect(b.get_by_role("alert")).to_contain_text(TOO_MANY)
    assert TOO_MANY.startswith("Too many attempts")
    expect(b.get_by_label("Email", exact=True)).to_have_value(a.email)
    expect(b.get_by_label("Password", exact=True)).to_have_value("")

    # Even the right password waits now; A is untouched.
    assert submit_login(b, server, a.email, PASSWORD) == 429
    expect(b.get_by_role("alert")).to_contain_text(TOO_MANY)
    expect_account(a.page, server, a.email)


# --- 6. the worker forgets the account's pages -----------------------------------------------------


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


# --- 7. accessibility and the keyboard -------------------------------------------------------------


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


# --- 8. an answer that lands late ------------------------------------------------------------------

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
