"""Shared steps for the your-data tests: a history to export, the rows an account holds, files to import."""

from __future__ import annotations

import html
import io
import json
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from tests.conftest import TEST_TODAY
from tests.integration.conftest import Visitor
from webapp.store.models import Completion, CompletionExercise, PlanEvent, ProgramVersion, User
from webapp.store.training import TrainingStore

TABLES = (User, Completion, CompletionExercise, ProgramVersion, PlanEvent)


def user_id_of(visitor: Visitor) -> int:
    visitor.get("/settings/data")
    with visitor.client.session_transaction() as session:
        user_id: int = session["user_id"]
    return user_id


def rows_of(store: TrainingStore, user_id: int) -> dict[str, int]:
    """How many rows of each table belong to the user."""
    with Session(store.engine) as session:
        theirs = select(col(Completion.id)).where(Completion.user_id == user_id)

        def count(table: Any, *where: Any) -> int:
            return session.exec(select(func.count()).select_from(table).where(*where)).one()

        return {
            "user": count(User, User.id == user_id),
            "completion": count(Completion, Completion.user_id == user_id),
            "completion_exercise": count(
                CompletionExercise, col(CompletionExercise.completion_id).in_(theirs)
            ),
            "program_version": count(ProgramVersion, ProgramVersion.user_id == user_id),
            "plan_event": count(PlanEvent, PlanEvent.user_id == user_id),
        }


def all_rows(store: TrainingStore) -> dict[str, int]:
    with Session(store.engine) as session:
        return {
            table.__name__: session.exec(select(func.count()).select_from(table)).one()
            for table in TABLES
        }


def text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def next_monday() -> date:
    today = TEST_TODAY
    return today + timedelta(days=7 - today.weekday())


def build_history(visitor: Visitor, store: TrainingStore) -> int:
    """A program changed once, a skip, a move and a vacation, and two sessions with feedback."""
    token = visitor.csrf_token()
    assert visitor.client.post("/start", data={"csrf_token": token}).status_code == 303
    onboarded_a_week_ago(store, user_id_of(visitor))  # a change on the same day would replace it
    answers = {"csrf_token": token, "goal": "lifting", "days": ["mon", "wed", "fri"],
               "equipment": ["mini band", "strap"], "deload_every": "3"}  # fmt: skip
    assert visitor.client.post("/settings", data=answers).status_code == 303
    monday, user_id = next_monday(), user_id_of(visitor)
    store.add(PlanEvent(user_id=user_id, kind="skip", day=monday))
    store.add(PlanEvent(user_id=user_id, kind="move", day=monday + timedelta(days=2),
                        until=monday + timedelta(days=3)))  # fmt: skip
    vacation = {"csrf_token": token, "first": monday + timedelta(days=14),
                "last": monday + timedelta(days=20)}  # fmt: skip
    assert visitor.client.post("/plan/vacations", data=vacation).status_code == 303
    visitor.finish(effort="7", pain="2", note="Tight left hip, «better» after")
    visitor.finish(
        routine="desk-reset", started_at="2026-02-20T12:00:00Z", ended_at="2026-02-20T12:04:00Z",
        steps_done="3", effort="", pain="", note="",
    )  # fmt: skip
    return user_id


def onboarded_a_week_ago(store: TrainingStore, user_id: int) -> None:
    with Session(store.engine) as session:
        for version in session.exec(
            select(ProgramVersion).where(ProgramVersion.user_id == user_id)
        ):
            version.effective_from = version.start = TEST_TODAY - timedelta(days=7)
            session.add(version)
        session.commit()


def export_of(visitor: Visitor) -> dict[str, Any]:
    response = visitor.get("/settings/data/hipday.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document: dict[str, Any] = json.loads(response.get_data())
    return document


def import_file(visitor: Visitor, body: bytes, token: str | None = None) -> Any:
    form = {"csrf_token": token or visitor.csrf_token(), "file": (io.BytesIO(body), "hipday.json")}
    response = visitor.client.post("/settings/data/import", data=form)
    response.request.environ["wsgi.input"].close()  # a large upload's spooled temporary file
    return response
