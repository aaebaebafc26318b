"""Unexpected errors: logged with their traceback and a short reference the error page shows."""

from __future__ import annotations

import html
import logging
import re
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import make_app

REFERENCE = re.compile(r"If you write to us, quote ([0-9A-F]{8})\.")


class BrokenScale(RuntimeError):
    """What the test-only route raises: a fault nobody foresaw."""


@pytest.fixture
def broken_app(tmp_path: Path) -> Flask:
    """The app as it runs for real (errors answered, not raised), with a route that fails."""
    application = make_app(tmp_path, PROPAGATE_EXCEPTIONS=False)

    def weigh() -> str:
        raise BrokenScale("the scale fell over")

    application.add_url_rule("/test-only/weigh", "weigh", weigh)
    return application


def test_an_unexpected_error_is_logged_with_its_traceback_and_the_reference_the_page_shows(
    broken_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = broken_app.test_client().get("/test-only/weigh")

    assert response.status_code == 500
    page = html.unescape(response.get_data(as_text=True))
    assert "Something went wrong on our side" in page
    shown = REFERENCE.search(page)
    assert shown, page
    reference = shown.group(1)
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert len(logged) == 1, [r.getMessage() for r in caplog.records]
    assert "GET /test-only/weigh" in logged[0].getMessage()
    assert logged[0].exc_info is not None and logged[0].exc_info[0] is BrokenScale
    assert "Traceback" in caplog.text and "the scale fell over" in caplog.text


def test_two_failures_get_different_references(broken_app: Flask) -> None:
    client = broken_app.test_client()
    pages = [client.get("/test-only/weigh").get_data(as_text=True) for _ in range(2)]
    first, second = (REFERENCE.search(html.unescape(page)) for page in pages)
    assert first and second and first.group(1) != second.group(1)


def test_a_json_caller_gets_the_reference_in_json(broken_app: Flask) -> None:
    response = broken_app.test_client().get(
        "/test-only/weigh", headers={"Accept": "application/json"}
    )
    assert response.status_code == 500
    answer = response.get_json()
    assert re.fullmatch(r"[0-9A-F]{8}", answer["reference"])
    assert answer["reference"] in answer["error"]
