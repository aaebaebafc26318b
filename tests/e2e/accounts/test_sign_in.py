"""Accounts on phones: a second device, logging out, a password change and login rate limits."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.e2e.accounts.phones import (
    DESK,
    PASSWORD,
    expect_account,
    expect_no_streak,
    history,
    log_in,
    log_out,
    new_email,
    secure,
    secured_phone,
    streak_line,
    submit_login,
)
from tests.e2e.conftest import ConsoleWatch, LiveServer, NewContext, Timeline, start_clock, timeline
from webapp.services.accounts import LOGIN_FAILED
from webapp.web.limits import TOO_MANY

WARM_UP = timeline("pre-run-warm-up")
NEW_PASSWORD = "another long phrase, changed"


def finish_in_player(page: Page, server: LiveServer, routine: Timeline) -> None:
    """Play `routine` to its end on the fake clock and save it; then let time flow again."""
    start_clock(page)
    page.goto(server(f"/play/{routine.slug}"))
    page.get_by_role("button", name="Start", exact=True).tap()
    expect(page.locator("#player-stage")).to_be_visible()
    page.clock.run_for(routine.seconds_before(len(routine.steps)) * 1000 + 1000)
    expect(page.locator("#done-status")).to_contain_text(f"Saved: {routine.name}")
    page.clock.resume()


def make_plan(page: Page, server: LiveServer) -> None:
    """Today's "Plan my weeks", then the onboarding's default answers."""
    page.goto(server("/"))
    page.get_by_role("link", name="Plan my weeks").tap()
    expect(page).to_have_url(server("/start"))
    page.get_by_role("button", name="Make my plan").tap()
    page.get_by_role("link", name="Skip this step").tap()  # the precautions step
    expect(page).to_have_url(server("/plan"))


def plan_days(page: Page, server: LiveServer) -> list[str]:
    page.goto(server("/plan"))
    expect(page.get_by_role("heading", name="Your plan", level=1)).to_be_visible()
    days = page.locator(".week-days").all_inner_texts()
    assert days, "the plan page shows no weeks"
    return days


def expect_guest(page: Page, server: LiveServer) -> None:
    page.goto(server("/account"))
    expect(page.get_by_role("heading", name="Secure your account")).to_be_visible()
    expect(page.get_by_role("heading", name="Logged in")).to_have_count(0)


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
