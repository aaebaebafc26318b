"""Deleting an account: only after confirming, every row of that user only, and the old cookie opens nothing."""

from __future__ import annotations

from tests.integration.conftest import Visitor
from tests.integration.your_data_helpers import (
    all_rows,
    build_history,
    export_of,
    rows_of,
    text,
)
from webapp.store.training import TrainingStore


def test_deleting_without_confirming_is_refused_and_deletes_nothing(
    visitor: Visitor, store: TrainingStore
) -> None:
    user_id = build_history(visitor, store)
    before = rows_of(store, user_id)
    page = text(visitor.get("/settings/delete"))
    assert "2 sessions" in page and "I understand this deletes everything" in page
    response = visitor.client.post("/settings/delete", data={"csrf_token": visitor.csrf_token()})
    assert response.status_code == 422
    assert "Tick “I understand this deletes everything”" in text(response)
    assert rows_of(store, user_id) == before


def test_deleting_with_confirmation_removes_every_row_of_that_user_only(
    visitor: Visitor, other_visitor: Visitor, store: TrainingStore
) -> None:
    user_id = build_history(visitor, store)
    other_id = build_history(other_visitor, store)
    others = rows_of(store, other_id)
    form = {"csrf_token": visitor.csrf_token(), "confirm": "yes"}
    response = visitor.client.post("/settings/delete", data=form)
    assert response.status_code == 303 and response.headers["Location"] == "/goodbye"
    assert set(rows_of(store, user_id).values()) == {0}
    assert rows_of(store, other_id) == others
    with visitor.client.session_transaction() as session:
        assert "user_id" not in session


def test_the_goodbye_page_makes_no_new_account(visitor: Visitor, store: TrainingStore) -> None:
    before = all_rows(store)["User"]
    page = visitor.get("/goodbye")
    assert page.status_code == 200 and "Your account is deleted" in text(page)
    assert 'href="/"' in text(page)
    assert all_rows(store)["User"] == before


def test_after_deletion_the_old_cookie_gets_a_fresh_empty_account(
    visitor: Visitor, other_visitor: Visitor, store: TrainingStore
) -> None:
    build_history(visitor, store)
    user_id = build_history(other_visitor, store)
    with other_visitor.client.session_transaction() as session:
        old_cookie = dict(session)
    form = {"csrf_token": other_visitor.csrf_token(), "confirm": "yes"}
    other_visitor.client.post("/settings/delete", data=form)
    with other_visitor.client.session_transaction() as session:
        session.update(old_cookie)
    document = export_of(other_visitor)
    assert document["sessions"] == document["program_versions"] == document["plan_events"] == []
    assert set(rows_of(store, user_id).values()) == {0}
    assert len(export_of(visitor)["sessions"]) == 2


def test_a_deleted_accounts_old_cookie_never_opens_a_newer_account(
    visitor: Visitor, other_visitor: Visitor
) -> None:
    visitor.finish(note="Private")
    with visitor.client.session_transaction() as session:
        old_cookie = dict(session)
    visitor.client.post(
        "/settings/delete", data={"csrf_token": visitor.csrf_token(), "confirm": "yes"}
    )
    other_visitor.finish(note="Someone else's private note")
    with visitor.client.session_transaction() as session:
        session.update(old_cookie)
    assert b"Someone else" not in visitor.get("/settings/data/sessions.csv").get_data()
