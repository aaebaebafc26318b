"""Securing an account, logging in and out, passwords and devices: the use cases alone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.services.fakes import FakeAccountStore, FakeTrainingStore
from webapp.services import accounts
from webapp.services.accounts import Visit
from webapp.store.models import Completion, User

PASSWORD = "correct horse battery"


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
