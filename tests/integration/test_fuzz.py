"""Garbage in, a clear answer out: every POST route, fed random and malformed forms and JSON.

The routes come from `app.url_map`, so a new POST route is fuzzed as soon as it exists. Each
example posts one request as an established guest, a signed-in account or a brand-new visitor,
with a valid CSRF token, a wrong one or none. Whatever comes in, the app must never answer with
a 5xx; every 4xx must say what went wrong in words (an error page, a form with its error, or
JSON with a message); and a refused request must leave every table exactly as it was.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage
from werkzeug.routing import Rule
from werkzeug.test import encode_multipart

from tests.conftest import make_app
from tests.integration.fuzz_forms import EXTREME_VALUES, SCALARS, read_forms
from tests.integration.fuzz_requests import (
    Fuzzed,
    Request,
    check,
    draw_request,
    extreme_rows,
    id_values,
    path_of,
)
from tests.integration.fuzz_verdicts import (
    ALL_RULES,
    EXAMPLES,
    PHASES,
    POST_RULES,
    RAISED_LIMITS,
    assert_readable,
    changes,
    dump,
    message_of,
)
from tests.integration.ownership_accounts import Account, new_account
from tests.push.service import MockPushService
from webapp import extensions


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    app = make_app(tmp_path_factory.mktemp("fuzz"))
    with MockPushService(vapid_public_key=app.extensions["hipday"].vapid_public) as push:
        other = new_account(app, endpoint=push.subscribe()["endpoint"])
        guest = new_account(app, endpoint=push.subscribe()["endpoint"], secured=False)
        known = read_forms(app, [other, guest])
        yield Fuzzed(app, push, known, other)
        with app.app_context():
            extensions.sender().close()
    app.extensions["hipday"].store.engine.dispose()


@pytest.mark.parametrize("rule", POST_RULES, ids=[r.endpoint for r in POST_RULES])
def test_random_posts_never_fail_and_refusals_say_why_and_change_nothing(
    fuzzed: Fuzzed, rule: Rule
) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, phases=PHASES)
    @given(data=st.data())
    def post_anything(data: st.DataObject) -> None:
        check(fuzzed, rule, draw_request(data, fuzzed, rule))

    post_anything()


#: The routes that take a form a page of the app shows.
FORM_RULES = [r for r in POST_RULES if r.endpoint not in ("reminders.act",)]


def extreme_request(data: st.DataObject, fuzzed: Fuzzed, rule: Rule) -> Request:
    """The route's own form as its page shows it, from its owner with a good CSRF token, with
    some fields (or the imported file's rows) at or past a limit."""
    visitor = data.draw(st.sampled_from(("guest", "secured")), label="visitor")
    account = fuzzed.account(visitor)
    own = fuzzed.known.fields.get(rule.endpoint, {})
    real = id_values(fuzzed, account)
    pairs = [
        (name, data.draw(st.one_of(st.sampled_from(sorted(own[name]) + real), EXTREME_VALUES),
                         label=name))
        for name in sorted(own)
        if name not in ("csrf_token", "file")
    ]  # fmt: skip
    payload: list[tuple[str, Any]] = [*pairs, ("csrf_token", account.token)]
    if rule.endpoint == "data.import_file":
        payload.append(("file", data.draw(extreme_rows(json.loads(account.export)), label="file")))
    headers = {"HX-Request": "true"} if data.draw(st.booleans(), label="htmx") else {}
    return Request(
        visitor, "form", own_path(rule, account), "multipart", payload, "multipart/form-data",
        headers,
    )  # fmt: skip


def own_path(rule: Rule, account: Account) -> str:
    """The route's path, naming the account's own session, planned day or vacation."""
    values = {name: account.session_id for name in rule.arguments}
    if rule.arguments == {"day"}:
        values = {"day": account.planned_day}
    elif rule.arguments == {"event_id"}:
        values = {"event_id": str(account.vacation_id)}
    return path_of(rule, values)


@pytest.mark.parametrize("rule", FORM_RULES, ids=[r.endpoint for r in FORM_RULES])
def test_extreme_numbers_and_dates_in_a_form_never_fail_and_refusals_change_nothing(
    fuzzed: Fuzzed, rule: Rule
) -> None:
    """Unicode digits, 5,000-digit numbers, year 1 and 9999, offsets no clock shows: in every
    field of every form, posted the way its page would."""
    if rule.endpoint not in fuzzed.known.fields:
        pytest.skip("no page shows a form for this route: JSON only, fuzzed above")

    @settings(max_examples=EXAMPLES, deadline=None, phases=PHASES)
    @given(data=st.data())
    def post_extremes(data: st.DataObject) -> None:
        check(fuzzed, rule, extreme_request(data, fuzzed, rule))

    post_extremes()


def oversized(limit: int, token: str) -> list[tuple[str, Any, str | None, dict[str, str]]]:
    """Bodies one byte over `limit`: a form, a file upload, JSON and a plain body."""
    header = {"X-CSRFToken": token}
    filler = "x" * (limit + 1)
    # Encoded here, in memory: the test client would spool a big upload to a file left open.
    upload = FileStorage(io.BytesIO(filler.encode()), filename="big.json")
    boundary, multipart = encode_multipart({"csrf_token": token, "file": upload})
    return [
        ("form", {"csrf_token": token, "note": filler}, None, {}),
        ("file", multipart, f"multipart/form-data; boundary={boundary}", {}),
        ("json", json.dumps({"token": filler}), "application/json", header),
        ("plain", filler, "text/plain", header),
    ]


@pytest.mark.parametrize("rule", POST_RULES, ids=[r.endpoint for r in POST_RULES])
def test_a_body_over_the_limit_is_refused_with_a_413_and_nothing_stored(
    fuzzed: Fuzzed, rule: Rule
) -> None:
    account = fuzzed.account("secured")
    limit = RAISED_LIMITS.get(rule.endpoint, fuzzed.app.config["MAX_CONTENT_LENGTH"])
    path = own_path(rule, account)
    for kind, data, content_type, headers in oversized(limit, account.token):
        before = dump(fuzzed.engine)
        response = account.visitor.client.post(
            path, data=data, content_type=content_type, headers=headers
        )
        assert response.status_code == 413, f"{kind}: {response.status_code}"
        assert_readable(response)
        assert dump(fuzzed.engine) == before, kind


#: Pages that read a number or a date from their address: the query parameter, or the path.
ADDRESS_INPUTS = (
    ("/progress/history", "page"), ("/progress", "month"), ("/play/desk-reset", "day"),
    ("/routines", "max_minutes"), ("/plan/{}", ""), ("/sessions/{}", ""),
)  # fmt: skip


@pytest.mark.parametrize(("path", "name"), ADDRESS_INPUTS, ids=[p for p, _ in ADDRESS_INPUTS])
def test_extreme_numbers_and_dates_in_an_address_never_fail_and_refusals_say_why(
    fuzzed: Fuzzed, path: str, name: str
) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, phases=PHASES)
    @given(value=SCALARS)
    def get(value: str) -> None:
        client = fuzzed.account("guest").visitor.client
        if name:
            response = client.get(path, query_string={name: value})
        else:
            response = client.get(path.format(quote(value, safe="")))
        assert response.status_code < 500, f"{response.status_code} for {path} {value!r}"
        if response.status_code >= 400:
            assert_readable(response)

    get()


def test_the_fuzz_knows_the_fields_of_the_apps_forms(fuzzed: Fuzzed) -> None:
    """The forms were found, so the fields posted are the real ones (plus junk)."""
    fields = fuzzed.known.fields
    assert {"effort", "pain", "note"} <= set(fields["player.change_feedback"])
    assert {"first", "last"} <= set(fields["plan.add_vacation"])
    assert {"email", "password"} <= set(fields["account.login"])
    assert "yes" in fields["data.delete_account"]["confirm"]


def test_a_refused_request_is_told_apart_from_an_accepted_one(fuzzed: Fuzzed) -> None:
    """The checks above can fail: a request that changes data is seen in the dump."""
    account = fuzzed.account("guest")
    before = dump(fuzzed.engine)
    form = {"csrf_token": account.token, "first": "2027-01-01", "last": "2027-01-02"}
    assert account.visitor.client.post("/plan/vacations", data=form).status_code == 303
    assert changes(before, dump(fuzzed.engine))["planevent"]["new"]
    refused = account.visitor.client.post("/plan/vacations", data={"first": "x"})
    assert refused.status_code == 400 and "This form has expired" in message_of(refused)
    assert message_of(fuzzed.app.test_client().get("/no-such-page")).startswith("Not found")


#: How each level of a deep JSON body opens, and how it closes.
NESTING = {"[": "]", '{"a":': "}", '{"a":[': "]}", '[{"b":': "}]"}


def method_of(rule: Rule) -> str:
    return "POST" if "POST" in (rule.methods or ()) else "GET"


@pytest.mark.parametrize("rule", ALL_RULES, ids=[f"{method_of(r)} {r.endpoint}" for r in ALL_RULES])
def test_json_nested_too_deep_is_refused_in_words_on_every_route_and_changes_nothing(
    fuzzed: Fuzzed, rule: Rule
) -> None:
    """Nested past 32 levels (a real answer nests 5), up to thousands: without a bound, checking
    such a body overflowed Python's stack, on every route, /healthz included."""

    @settings(max_examples=5, deadline=None, phases=PHASES)
    @given(
        depth=st.integers(33, 3000),
        opening=st.sampled_from(sorted(NESTING)),
        visitor=st.sampled_from(("guest", "secured", "fresh")),
    )
    def send_deep(depth: int, opening: str, visitor: str) -> None:
        account = fuzzed.account("guest" if visitor == "fresh" else visitor)
        client = fuzzed.app.test_client() if visitor == "fresh" else account.visitor.client
        before = dump(fuzzed.engine)
        response = client.open(
            own_path(rule, account),
            method=method_of(rule),
            data=opening * depth + "1" + NESTING[opening] * depth,
            content_type="application/json",
            headers={"X-CSRFToken": account.token},
        )
        assert response.status_code == 400, f"{response.status_code} at depth {depth}"
        assert_readable(response)
        assert dump(fuzzed.engine) == before

    send_deep()


@pytest.mark.parametrize("event_id", [str(2**31), str(2**63), "9" * 30])
def test_a_vacation_id_beyond_any_row_is_not_found(fuzzed: Fuzzed, event_id: str) -> None:
    """Was a server error: SQLite can't take an integer over 64 bits, PostgreSQL over 32."""
    account = fuzzed.account("guest")
    before = dump(fuzzed.engine)
    form = {"csrf_token": account.token}
    response = account.visitor.client.post(f"/plan/vacations/{event_id}/delete", data=form)
    assert response.status_code == 404
    assert_readable(response)
    assert dump(fuzzed.engine) == before


def test_an_import_with_a_nul_in_a_note_says_what_is_wrong(fuzzed: Fuzzed) -> None:
    account = fuzzed.account("guest")
    document = json.loads(account.export)
    document["sessions"][0] |= {"op_id": "nul-in-the-note", "note": "before\x00after"}
    upload = (io.BytesIO(json.dumps(document).encode()), "hipday.json")
    before = dump(fuzzed.engine)
    response = account.visitor.client.post(
        "/settings/data/import",
        data={"csrf_token": account.token, "file": upload},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert_readable(response)
    assert "note must not contain a NUL character" in response.get_data(as_text=True)
    assert dump(fuzzed.engine) == before
