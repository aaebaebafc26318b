"""Nobody reaches another person's data: every route that names a session, a vacation, a device,
a reminder or a calendar feed by id or token answers another user with a 404 and changes nothing.

`ATTEMPTS` is the table: one row per route and way of naming someone else's row. A guard test
reads `app.url_map` and fails when a route with a variable in its path, or a POST route, is
neither in the table nor listed in `NOT_OWNED` with the reason it names nothing of anyone's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import make_app
from tests.integration.ownership_accounts import new_account, post, rows_of
from tests.integration.ownership_attempts import (
    ATTEMPTS,
    NOT_OWNED,
    Attempt,
    World,
    _htmx_remove,
    _json_remove,
    _unknown_id,
    _without_form_tokens,
)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    app = make_app(tmp_path)
    owner = new_account(app)
    intruder = new_account(app, with_plan=False)  # so the owner's days are nothing of theirs
    yield World(app, owner, intruder)
    app.extensions["hipday"].store.engine.dispose()


@pytest.mark.parametrize("attempt", ATTEMPTS, ids=[f"{a.endpoint}: {a.what}" for a in ATTEMPTS])
def test_another_user_cannot_reach_or_change_the_owners_data(
    world: World, attempt: Attempt
) -> None:
    engine = world.app.extensions["hipday"].store.engine
    before = rows_of(engine, world.owner.user_id)
    response = attempt.run(world)
    assert response.status_code == attempt.status, response.get_data(as_text=True)[:500]
    assert rows_of(engine, world.owner.user_id) == before
    body = response.get_data()
    for secret in attempt.hides(world):
        assert secret.encode() not in body
    assert world.owner.visitor.get(f"/sessions/{world.owner.session_id}").status_code == 200


def test_the_table_names_the_right_routes(world: World) -> None:
    """The endpoints the table names all exist, and the owner's own tries work (the controls)."""
    endpoints = {rule.endpoint for rule in world.app.url_map.iter_rules()}
    assert {a.endpoint for a in ATTEMPTS} <= endpoints
    assert set(NOT_OWNED) <= endpoints
    owner = world.owner
    assert owner.visitor.get(f"/plan/{owner.skipped_day}").status_code == 200
    feed = world.app.test_client().get(f"/calendar/{owner.calendar_token}.ics")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"


def test_the_owners_own_tries_change_their_data(world: World) -> None:
    """The same requests made by the owner do act, so a 404 above is about who asks."""
    owner, engine = world.owner, world.app.extensions["hipday"].store.engine
    before = rows_of(engine, owner.user_id)
    feedback = post(owner, f"/sessions/{owner.session_id}/feedback", effort="4", pain="1")
    assert feedback.status_code == 303
    assert post(owner, f"/plan/vacations/{owner.vacation_id}/delete").status_code == 303
    removed = post(owner, "/settings/reminders/devices/remove", device=owner.device_id)
    assert removed.status_code == 303
    act = owner.visitor.client.post(
        "/reminders/act", json={"token": owner.reminder_token, "action": "snooze"}
    )
    assert act.status_code == 200
    assert post(owner, f"/account/passkeys/{owner.passkey_id}/remove").status_code == 303
    after = rows_of(engine, owner.user_id)
    for table in ("completion", "planevent", "push_subscription", "reminder", "passkey"):
        assert after[table] != before[table], table


def test_an_export_holds_only_its_own_accounts_data(world: World) -> None:
    mine = json.loads(world.intruder.visitor.get("/settings/data/hipday.json").get_data())
    op_ids = {s["op_id"] for s in mine["sessions"]}
    assert world.intruder.op_id in op_ids and world.owner.op_id not in op_ids


def test_every_route_with_an_id_or_token_is_in_the_table(world: World) -> None:
    """A new route with a variable in its path, or a new POST route, must join the table above
    (or NOT_OWNED, saying why it names nothing of anyone's)."""
    covered = {a.endpoint for a in ATTEMPTS} | set(NOT_OWNED)
    missing = sorted(
        f"{sorted(rule.methods or ())} {rule.rule} ({rule.endpoint})"
        for rule in world.app.url_map.iter_rules()
        if (rule.arguments or "POST" in (rule.methods or ())) and rule.endpoint not in covered
    )
    assert not missing, "routes missing from the ownership table: " + ", ".join(missing)


def test_removals_that_answer_alike_for_any_id_tell_nothing_about_the_owners(world: World) -> None:
    """Removing a device with htmx, or by endpoint, answers the same for someone else's device
    as for one that never existed, so the answer gives nothing away."""
    theirs = _htmx_remove(world, world.owner.device_id)
    unknown = _htmx_remove(world, _unknown_id())
    assert theirs.status_code == unknown.status_code
    assert _without_form_tokens(theirs) == _without_form_tokens(unknown)
    theirs = _json_remove(world, world.owner.device_endpoint)
    unknown = _json_remove(world, f"http://127.0.0.1:9/push/{_unknown_id()}")
    assert (theirs.status_code, theirs.get_data()) == (unknown.status_code, unknown.get_data())
