"""Use cases called directly: fake stores, the real catalog, a pinned moment; no Flask app."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from routines.catalog.load import load_catalog
from routines.catalog.model import Catalog
from tests.services.fake_reminders import FakeReminderStore
from tests.services.fakes import FakeAccountStore, FakeTrainingStore
from webapp.store.models import User

#: A Wednesday morning in March, as the other suites pin it.
NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture
def store() -> FakeTrainingStore:
    return FakeTrainingStore()


@pytest.fixture
def account_store(store: FakeTrainingStore) -> FakeAccountStore:
    return FakeAccountStore(store)


@pytest.fixture
def reminder_store(store: FakeTrainingStore) -> FakeReminderStore:
    return FakeReminderStore(store)


@pytest.fixture
def user(store: FakeTrainingStore) -> User:
    return store.add_user(time_zone="UTC")
