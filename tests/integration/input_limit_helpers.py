"""Shared steps for the input limit tests: posting a form, and the database as a visit left it.

Every date and number that enters Hipday lies within the stated limits (README, "Input
limits"): forms, the phone's outbox, the import and the command line refuse the rest in words
that name the record and the field, and save nothing.
"""

from __future__ import annotations

import html
from typing import Any

from werkzeug.test import TestResponse

from tests.integration.conftest import Visitor
from tests.integration.fuzz_verdicts import dump
from webapp.store.training import TrainingStore

HUGE = "9" * 5000


def text(response: TestResponse) -> str:
    return html.unescape(response.get_data(as_text=True))


def user_id_of(visitor: Visitor) -> int:
    visitor.get("/")
    with visitor.client.session_transaction() as session:
        user_id: int = session["user_id"]
    return user_id


def dump_after_a_visit(visitor: Visitor, store: TrainingStore) -> dict[str, Any]:
    """Every row, once the visitor's first visit has made their guest account."""
    visitor.get("/")
    return dump(store.engine)


def post(visitor: Visitor, url: str, **form: Any) -> TestResponse:
    return visitor.client.post(url, data={"csrf_token": visitor.csrf_token(), **form})
