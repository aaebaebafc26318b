"""Securing an account, logging in and out, passwords and devices: the use cases alone."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.services.conftest import NOW
from tests.services.fakes import FakeAccountStore, FakeTrainingStore
from webapp.services import accounts, plans
from webapp.services.accounts import Visit
from webapp.store.models import Completion, CompletionExercise, PlanEvent, User

PASSWORD = "correct horse battery"
TODAY = NOW.date()


def visit(cookie: dict[str, Any] | None = None) -> Visit:
    agent = "Mozilla/5.0 (Linux; Android 14) Chrome/120.0 Mobile"
    return Visit(cookie if cookie is not None else {}, agent, "https://hipday.test", "hipday.test")


@pytest.fixture
def secured(account_store: FakeAccountStore, user: User) -> tuple[User, Visit]:
    """A user who secured their account on this device."""
    here = visit()
    form = {"email": "Ana@Example.org ", "password": PASSWORD, "password_again": PASSWORD}
    assert not accounts.secure(account_store, user, form, here).errors
    return user, here


def test_securing_an_account_signs_this_device_in(
    account_store: FakeAccountStore, secured: tuple[User, Visit]
) -> None:
    user, here = secured
    assert user.email == "ana@example.org" and user.secured_at is not None
    assert here.cookie["user_id"] == user.id
    devices = accounts.devices(account_store, user)
    assert [s.label for s in devices.sign_ins] == ["Chrome on Android"]
    assert devices.sign_ins[0].token_hash == accounts.this_sign_in(here.cookie)


def test_an_email_already_secured_is_refused_without_saying_it_is_taken(
    store: FakeTrainingStore, account_store: FakeAccountStore, secured: tuple[User, Visit]
) -> None:
    other = store.add_user()
    form = {"email": "ana@example.org", "password": PASSWORD, "password_again": PASSWORD}
    refused = accounts.secure(account_store, other, form, visit())
    assert refused.errors == {"email": accounts.EMAIL_UNUSABLE}
    assert other.secured_at is None


def test_two_different_passwords_are_explained(account_store: FakeAccountStore, user: User) -> None:
    form = {"email": "ana@example.org", "password": PASSWORD, "password_again": "another one"}
    refused = accounts.secure(account_store, user, form, visit())
    assert "differ" in refused.errors["password_again"]
    assert user.secured_at is None


def test_a_login_gives_the_same_answer_for_a_wrong_email_or_password(
    account_store: FakeAccountStore, secured: tuple[User, Visit]
) -> None:
    _, found = accounts.check_login(
        account_store, {"email": "ANA@example.org", "password": PASSWORD}
    )
    assert found is secured[0]
    for email, password in (("ana@example.org", "wrong password"), ("bo@example.org", PASSWORD)):
        form, nobody = accounts.check_login(account_store, {"email": email, "password": password})
        assert nobody is None and form.errors == {"password": accounts.LOGIN_FAILED}


def test_logging_in_brings_the_guests_sessions_and_removes_the_guest(
    store: FakeTrainingStore, account_store: FakeAccountStore, secured: tuple[User, Visit]
) -> None:
    user, _ = secured
    guest = store.add_user()
    store.completions_kept.append(Completion(id=99, user_id=guest.id or 0, op_id="guest-run"))
    elsewhere = visit()
    left_behind = accounts.sign_in(store, account_store, guest, user.id or 0, "password", elsewhere)
    assert left_behind == 0
    assert store.user(guest.id or 0) is None
    assert [c.user_id for c in store.completions_kept] == [user.id]
    assert elsewhere.cookie["user_id"] == user.id


def test_signing_in_to_an_account_that_is_gone_signs_in_nowhere(
    store: FakeTrainingStore, account_store: FakeAccountStore, user: User
) -> None:
    here = visit({"guest": "abc"})
    assert accounts.sign_in(store, account_store, user, 12345, "password", here) is None
    assert here.cookie == {"guest": "abc"}


def test_logging_out_ends_this_devices_sign_in_and_forgets_the_cookie(
    account_store: FakeAccountStore, secured: tuple[User, Visit]
) -> None:
    user, here = secured
    accounts.sign_out(account_store, user, here)
    assert here.cookie == {}
    assert accounts.devices(account_store, user).sign_ins == []


def test_a_new_password_logs_every_other_device_out(
    store: FakeTrainingStore, account_store: FakeAccountStore, secured: tuple[User, Visit]
) -> None:
    user, here = secured
    accounts.sign_in(store, account_store, user, user.id or 0, "password", visit())
    assert len(accounts.devices(account_store, user).sign_ins) == 2
    form = {
        "password": PASSWORD,
        "new_password": "a new long one",
        "new_password_again": "a new long one",
    }
    assert not accounts.change_password(account_store, user, form, here).errors
    kept = accounts.devices(account_store, user).sign_ins
    assert [s.token_hash for s in kept] == [accounts.this_sign_in(here.cookie)]
    assert accounts.password_matches(user, "a new long one")


def test_a_wrong_current_password_changes_nothing(
    account_store: FakeAccountStore, secured: tuple[User, Visit]
) -> None:
    user, here = secured
    form = {
        "password": "not it at all",
        "new_password": "a new long one",
        "new_password_again": "a new long one",
    }
    refused = accounts.change_password(account_store, user, form, here)
    assert refused.errors == {"password": "That isn't your current password."}
    assert accounts.password_matches(user, PASSWORD)


def test_another_device_can_be_logged_out_but_only_ones_own(
    store: FakeTrainingStore, account_store: FakeAccountStore, secured: tuple[User, Visit]
) -> None:
    user, _ = secured
    accounts.sign_in(store, account_store, user, user.id or 0, "password", visit())
    other = accounts.devices(account_store, user).sign_ins[-1]
    stranger = store.add_user()
    assert not accounts.end_device(account_store, stranger, other.public_id)
    assert accounts.end_device(account_store, user, other.public_id)
    assert len(accounts.devices(account_store, user).sign_ins) == 1


def test_a_guest_has_no_devices_or_passkeys_to_list(
    account_store: FakeAccountStore, user: User
) -> None:
    devices = accounts.devices(account_store, user)
    assert (list(devices.sign_ins), list(devices.passkeys)) == ([], [])


def keep_something(store: FakeTrainingStore, user: User, day: date) -> None:
    """A session with one exercise, a program and a skipped day for `user`."""
    completion = Completion(
        user_id=user.id or 0, op_id=f"run-{user.id}", local_date=day, steps_done=1, steps_total=1
    )
    exercise = CompletionExercise(position=0, exercise_slug="hip-circles", kind="reps", amount=8)
    store.add_completion(completion, [exercise])
    plans.save_program(store, user, plans.ProgramForm(), day)
    store.add(PlanEvent(user_id=user.id or 0, kind="skip", day=day))


def test_deleting_the_account_removes_its_sessions_and_plan_and_nothing_of_another_users(
    store: FakeTrainingStore, user: User
) -> None:
    other = store.add_user(time_zone="UTC")
    for someone in (user, other):
        keep_something(store, someone, TODAY)
    assert accounts.delete_account(store, user)
    assert store.user(user.id or 0) is None
    assert store.op_ids(user.id or 0) == set()
    assert store.program_versions(user.id or 0) == []
    assert store.plan_events(user.id or 0) == []
    assert [c.user_id for c in store.completions_kept] == [other.id]
    assert [e.completion_id for e in store.exercises] == [store.completions_kept[0].id]
    assert len(store.program_versions(other.id or 0)) == 1
    assert len(store.plan_events(other.id or 0)) == 1


def test_deleting_an_account_already_gone_says_so(store: FakeTrainingStore, user: User) -> None:
    assert accounts.delete_account(store, user)
    assert not accounts.delete_account(store, user)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter your email address."),
        ("ana@example", "Enter an email address like name@example.com."),
        ("ana example.org", "Enter an email address like name@example.com."),
        ("a" * 250 + "@example.org", "Enter an email address like name@example.com."),
    ],
)
def test_a_missing_or_malformed_email_is_explained_and_kept_in_the_form(
    account_store: FakeAccountStore, user: User, typed: str, message: str
) -> None:
    form = {"email": typed, "password": PASSWORD, "password_again": PASSWORD}
    refused = accounts.secure(account_store, user, form, visit())
    assert refused.errors == {"email": message}
    assert refused.values == {"email": typed}
    assert user.secured_at is None and account_store.sign_ins_kept == []


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "Use at least 8 characters for your password."),
        ("x" * 201, "Use at most 200 characters for your password."),
    ],
)
def test_a_password_too_short_or_too_long_is_explained_and_the_email_kept(
    account_store: FakeAccountStore, user: User, password: str, message: str
) -> None:
    form = {"email": " Ana@Example.org", "password": password, "password_again": password}
    refused = accounts.secure(account_store, user, form, visit())
    assert refused.errors == {"password": message}
    assert refused.values == {"email": "ana@example.org"}
    assert user.secured_at is None and user.password_hash is None


def test_a_login_with_a_malformed_or_missing_email_gets_the_one_answer_and_keeps_the_email(
    account_store: FakeAccountStore, secured: tuple[User, Visit]
) -> None:
    for email in ("ana@example", "", " "):
        form, nobody = accounts.check_login(account_store, {"email": email, "password": PASSWORD})
        assert nobody is None and form.errors == {"password": accounts.LOGIN_FAILED}
        assert form.values == {"email": email.strip()}


@pytest.mark.parametrize(
    ("typed", "errors"),
    [
        (
            {"password": PASSWORD, "new_password": "a new long one", "new_password_again": "other"},
            {"new_password_again": "The two passwords differ. Type the same one twice."},
        ),
        (
            {"password": PASSWORD, "new_password": "short", "new_password_again": "short"},
            {"new_password": "Use at least 8 characters for your password."},
        ),
        (
            {"new_password": "a new long one", "new_password_again": "a new long one"},
            {"password": "Enter your current password."},
        ),
    ],
)
def test_a_new_password_typed_two_ways_too_short_or_without_the_current_one_changes_nothing(
    store: FakeTrainingStore,
    account_store: FakeAccountStore,
    secured: tuple[User, Visit],
    typed: dict[str, str],
    errors: dict[str, str],
) -> None:
    user, here = secured
    accounts.sign_in(store, account_store, user, user.id or 0, "password", visit())
    refused = accounts.change_password(account_store, user, typed, here)
    assert refused.errors == errors
    assert accounts.password_matches(user, PASSWORD)
    assert len(accounts.devices(account_store, user).sign_ins) == 2, "no device logged out"
