"""Pruning guests who never came back, and which account a device's cookie opens."""

from __future__ import annotations

from datetime import timedelta

from tests.services.conftest import NOW
from tests.services.fakes import FakeAccountStore, FakeGuestStore, FakeTrainingStore
from webapp.services import accounts, guests
from webapp.store.models import PlanEvent

TODAY = NOW.date()


def test_a_guest_with_nothing_kept_goes_after_thirty_days_unseen(
    store: FakeTrainingStore,
) -> None:
    guest_store = FakeGuestStore(store)
    gone = store.add_user(last_seen_on=TODAY - timedelta(days=guests.IDLE_GUEST_DAYS + 1))
    recent = store.add_user(last_seen_on=TODAY - timedelta(days=guests.IDLE_GUEST_DAYS - 1))
    keeper = store.add_user(last_seen_on=TODAY - timedelta(days=100))
    store.add(PlanEvent(user_id=keeper.id or 0, kind="skip", day=TODAY))
    assert guests.prune(guest_store, store, TODAY) == guests.Pruned(idle_and_empty=1, lost=0)
    assert store.user(gone.id or 0) is None
    assert store.user(recent.id or 0) is not None and store.user(keeper.id or 0) is not None


def test_any_guest_unseen_longer_than_the_cookie_lasts_goes_with_all_it_kept(
    store: FakeTrainingStore,
) -> None:
    guest_store = FakeGuestStore(store)
    lost = store.add_user(last_seen_on=TODAY - timedelta(days=guests.LOST_GUEST_DAYS + 1))
    store.add(PlanEvent(user_id=lost.id or 0, kind="skip", day=TODAY))
    assert guests.prune(guest_store, store, TODAY) == guests.Pruned(idle_and_empty=0, lost=1)
    assert store.user(lost.id or 0) is None and store.events == []


def test_a_secured_account_is_never_pruned(
    store: FakeTrainingStore, account_store: FakeAccountStore
) -> None:
    user = store.add_user(last_seen_on=TODAY - timedelta(days=1000))
    assert account_store.secure(user.id or 0, "ana@example.org", None)
    assert guests.prune(FakeGuestStore(store), store, TODAY) == guests.Pruned(0, 0)


def test_a_guests_cookie_opens_its_account_and_a_secured_one_needs_its_sign_in(
    store: FakeTrainingStore, account_store: FakeAccountStore
) -> None:
    guest = store.add_user()
    assert accounts.device_user(store, account_store, {"user_id": guest.id}, NOW) == (guest, None)
    secured = store.add_user()
    cookie: dict[str, object] = {}
    account_store.secure(secured.id or 0, "ana@example.org", None)
    accounts.start_sign_in(account_store, secured, "password", accounts.Visit(cookie))
    assert accounts.device_user(store, account_store, cookie, NOW) == (secured, None)
    account_store.end_other_sign_ins(secured.id or 0, keep_token_hash="")
    assert accounts.device_user(store, account_store, cookie, NOW) is None, "signed out elsewhere"
    assert accounts.device_user(store, account_store, {"user_id": 999}, NOW) is None
