"""Fixtures for the account tests: the server by the name localhost, fresh login limits, phones.

Every phone is a browser context of its own (its own cookies: another device). Pages open
through http://localhost:<port>: a secure context whose host is a domain name, which passkeys
need. The live server serves one address, and its login limits count per address: each test
starts with fresh counters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import LiveServer, NewContext
from webapp.web.limits import limiter


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
