"""Fixtures shared by every test folder: an app on a fresh temporary database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from webapp import create_app
from webapp.db import migrate
from webapp.push import new_private_key

#: One Web Push key for the whole run, so no test writes a key file into instance/.
TEST_VAPID_KEY = new_private_key()
#: Tests push to a local mock push service over plain http, and don't wait long to retry.
PUSH_TEST_CONFIG = {
    "VAPID_PRIVATE_KEY": TEST_VAPID_KEY,
    "VAPID_SUBJECT": "mailto:tests@hipday.app",
    "PUSH_INSECURE_ENDPOINTS": True,
    "PUSH_TIMEOUT": 2.0,
    "PUSH_BACKOFF": 0.05,
}


def make_app(database_dir: Path, **overrides: object) -> Flask:
    """A fully migrated app whose SQLite file lives in `database_dir`."""
    database_url = f"sqlite:///{database_dir / 'hipday.sqlite3'}"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url,
            **PUSH_TEST_CONFIG,
            **overrides,
        }
    )
    migrate(app.extensions["hipday.store"].engine)
    return app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    application = make_app(tmp_path)
    yield application
    application.extensions["hipday.store"].engine.dispose()
