"""Passkeys' use cases alone: the options a browser gets, and what a bad answer does."""

from __future__ import annotations

import json

from tests.services.fakes import FakeAccountStore, FakeTrainingStore
from webapp.services import passkeys
from webapp.services.accounts import Visit
from webapp.store.models import Passkey, User


def visit() -> Visit:
    return Visit({}, "Mozilla/5.0 (iPhone) Safari", "https://hipday.test", "hipday.test")


def secured(store: FakeTrainingStore, account_store: FakeAccountStore) -> User:
    user = store.add_user()
    assert account_store.secure(user.id or 0, "ana@example.org", None)
    return user


def test_the_options_name_the_site_and_leave_out_passkeys_already_saved(
    store: FakeTrainingStore, account_store: FakeAccountStore
) -> None:
    user = secured(store, account_store)
    account_store.add_passkey(
        Passkey(user_id=user.id or 0, credential_id="AAAA", public_key=b"key", sign_count=0)
    )
    here = visit()
    options = json.loads(passkeys.registration_options(account_store, user, here))
    assert options["rp"] == {"id": "hipday.test", "name": "Hipday"}
    assert [c["id"] for c in options["excludeCredentials"]] == ["AAAA"]
    assert options["challenge"] == here.cookie[passkeys.CHALLENGE]


def test_an_answer_that_does_not_verify_adds_no_passkey_and_uses_up_the_challenge(
    store: FakeTrainingStore, account_store: FakeAccountStore
) -> None:
    user = secured(store, account_store)
    here = visit()
    passkeys.registration_options(account_store, user, here)
    garbled = {"id": "x", "rawId": "x", "response": {}, "type": "public-key"}
    assert passkeys.add_passkey(account_store, user, garbled, here) == "unverified"
    assert passkeys.CHALLENGE not in here.cookie
    assert account_store.passkeys(user.id or 0) == []


def test_a_passkey_no_account_has_signs_no_one_in(
    store: FakeTrainingStore, account_store: FakeAccountStore
) -> None:
    here = visit()
    passkeys.authentication_options(here)
    answer = {"id": "unknown", "rawId": "unknown", "response": {}, "type": "public-key"}
    assert passkeys.verify_authentication(account_store, answer, here) is None
    assert passkeys.verify_authentication(account_store, answer, visit()) is None, "no challenge"


def test_only_ones_own_passkey_can_be_removed(
    store: FakeTrainingStore, account_store: FakeAccountStore
) -> None:
    user = secured(store, account_store)
    key = Passkey(user_id=user.id or 0, credential_id="BBBB", public_key=b"key", sign_count=0)
    account_store.add_passkey(key)
    stranger = store.add_user()
    assert not passkeys.remove_passkey(account_store, stranger, key.public_id)
    assert passkeys.remove_passkey(account_store, user, key.public_id)
    assert account_store.passkeys(user.id or 0) == []
