"""Fixtures shared by every test folder: an app on a fresh temporary database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from webapp import create_app
from webapp.db import migrate


def make_app(database_dir: Path, **overrides: object) -> Flask:
    """A fully migrated app whose SQLite file lives in `database_dir`."""
    database_url = f"sqlite:///{database_dir / 'hipday.sqlite3'}"
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE_URL": database_url, **overrides}
    )
    migrate(app.extensions["hipday.store"].engine)
    return app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    application = make_app(tmp_path)
    yield application
    application.extensions["hipday.store"].engine.dispose()
