"""The app under fuzz, its visitors, and one request drawn, sent and checked."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import event
from hypothesis import strategies as st
from sqlalchemy import Engine
from werkzeug.datastructures import MultiDict
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from tests.conftest import TEST_TODAY
from tests.integration.fuzz_forms import (
    BROKEN_JSON,
    CONTENT_TYPES,
    EXTREME_VALUES,
    EXTREMES,
    HEADER_TEXT,
    JSON_KEYS,
    JSON_VALUES,
    SCALARS,
    Known,
)
from tests.integration.fuzz_verdicts import (
    BODIES,
    CSRF_MODES,
    JSON_BODIES,
    VISITORS,
    assert_readable,
    changes,
    dump,
)
from tests.integration.ownership_accounts import Account, csrf_token_of, new_account
from tests.push.service import MockPushService


@dataclass
class Fuzzed:
    app: Flask
    push: MockPushService
    known: Known
    other: Account  # someone else, whose ids a request may name
    accounts: dict[str, Account] = field(default_factory=dict)
    #: Whether the last request was accepted, and so may have ended or changed an account.
    unsure: bool = False

    @property
    def engine(self) -> Engine:
        engine: Engine = self.app.extensions["hipday"].store.engine
        return engine

    def account(self, kind: str) -> Account:
        """The guest or signed-in account, made again when a request ended or changed it."""
        account = self.accounts.get(kind)
        if self.unsure:
            self.accounts = {k: a for k, a in self.accounts.items() if self._still_usable(a, k)}
            self.unsure = False
            account = self.accounts.get(kind)
        if account is None:
            account = new_account(
                self.app, endpoint=self.push.subscribe()["endpoint"], secured=kind == "secured"
            )
            self.accounts[kind] = account
        return account

    def _still_usable(self, account: Account, kind: str) -> bool:
        with account.visitor.client.session_transaction() as session:
            if session.get("user_id") != account.user_id:
                return False
        user = self.app.extensions["hipday"].store.user(account.user_id)
        if user is None or (user.secured_at is not None) != (kind == "secured"):
            return False
        if kind == "secured":
            sign_ins = self.app.extensions["hipday"].accounts.sign_ins(account.user_id)
            if not sign_ins:
                return False
        account.token = csrf_token_of(account.visitor)
        return True


def id_values(fuzzed: Fuzzed, account: Account) -> list[str]:
    """Real ids and tokens, the visitor's own and someone else's, for any id-shaped slot."""
    values = []
    for who in (account, fuzzed.other):
        values += [
            who.session_id, who.op_id, str(who.vacation_id), who.skipped_day, who.planned_day,
            who.device_id, who.device_endpoint, who.calendar_token, who.reminder_token,
            who.email, who.password, who.sign_in_id, who.passkey_id, who.passkey_credential,
        ]  # fmt: skip
    return [v for v in values if v]


def url_values(fuzzed: Fuzzed, account: Account, rule: Rule) -> st.SearchStrategy[dict[str, str]]:
    """A value for each variable of the route's path: real ids, near misses and garbage."""
    today = TEST_TODAY
    real = id_values(fuzzed, account) + [today.isoformat(), (today + timedelta(1)).isoformat()]
    garbage = st.one_of(
        st.sampled_from(["0", "1", str(2**63), "9" * 30, "-1", "%2F", "..", "a" * 300]),
        st.sampled_from(EXTREMES),
        st.text(min_size=1, max_size=30),
        st.integers(0, 2**70).map(str),
    )
    slot = st.one_of(st.sampled_from(real), garbage)
    return st.fixed_dictionaries({name: slot for name in sorted(rule.arguments)})


def path_of(rule: Rule, values: dict[str, str]) -> str:
    def fill(found: re.Match[str]) -> str:
        return quote(values[found.group(1)], safe="")

    return re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", fill, rule.rule)


def _named(name: str) -> Callable[[list[str]], list[tuple[str, str]]]:
    return lambda values: [(name, value) for value in values]


def field_values(
    fuzzed: Fuzzed, account: Account, endpoint: str
) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Form fields: the route's own (with the values its page offers, real ids or junk), some
    left out, some twice, and a few the route never asked for."""
    own = fuzzed.known.fields.get(endpoint) or dict.fromkeys(sorted(fuzzed.known.all_fields), set())
    real = id_values(fuzzed, account)
    pairs = [
        st.lists(st.one_of(st.sampled_from(sorted(own[name]) + real), SCALARS), max_size=3).map(
            _named(name)
        )
        for name in sorted(own)
        if name != "csrf_token"
    ]
    unknown = st.lists(st.tuples(st.text(max_size=12), SCALARS), max_size=2)
    return st.tuples(st.tuples(*pairs) if pairs else st.just(()), unknown).map(
        lambda found: [pair for group in found[0] for pair in group] + found[1]
    )


def changed(base: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """`base` with a few keys added or replaced by any JSON, and a few left out."""
    extra = st.dictionaries(st.sampled_from(JSON_KEYS), JSON_VALUES, max_size=2)
    dropped = st.sets(st.sampled_from(JSON_KEYS), max_size=2)
    return st.tuples(base, extra, dropped).map(
        lambda t: {k: v for k, v in {**t[0], **t[1]}.items() if k not in t[2]}
    )


def json_bodies(fuzzed: Fuzzed, account: Account) -> st.SearchStrategy[Any]:
    """JSON of every shape, and the app's own JSON bodies as they are or a little changed."""
    real = id_values(fuzzed, account) + ["snooze", "skip", "public-key"]
    credential = {"clientDataJSON": "e30", "authenticatorData": "AA", "signature": "AA"}
    own = st.sampled_from(
        [
            fuzzed.push.subscribe(),  # push.js: a browser's subscription
            {"endpoint": account.device_endpoint},  # push.js: this browser turns reminders off
            {"token": account.reminder_token, "action": "snooze"},  # the service worker
            {"token": account.reminder_token, "action": "skip"},
            {"token": fuzzed.other.reminder_token, "action": "skip"},
            {"id": account.passkey_credential, "rawId": account.passkey_credential,
             "type": "public-key", "response": credential},  # passkeys.js
        ]
    )  # fmt: skip
    value = st.one_of(st.sampled_from(real), JSON_VALUES)
    shaped = st.dictionaries(st.sampled_from(JSON_KEYS), value, max_size=6)
    return st.one_of(own, changed(own), shaped, JSON_VALUES)


def uploads(account: Account) -> st.SearchStrategy[bytes | None]:
    """A file for a multipart form: the account's own export, changed a little, or junk."""
    export = json.loads(account.export)
    keys = st.sampled_from(sorted(export) + ["sessions", "format", "version"])
    edited = st.tuples(keys, JSON_VALUES).map(
        lambda kv: json.dumps({**export, kv[0]: kv[1]}).encode()
    )
    return st.one_of(
        st.just(account.export), edited, extreme_rows(export), st.binary(max_size=300), st.none()
    )


#: The dated and counted fields of an export's rows.
ROW_FIELDS = {
    "sessions": ("started_at", "ended_at", "local_date", "steps_done", "steps_total", "effort",
                 "pain", "op_id"),
    "program_versions": ("effective_from", "start", "deload_every"),
    "plan_events": ("day", "until"),
}  # fmt: skip


def extreme_rows(export: dict[str, Any]) -> st.SearchStrategy[bytes]:
    """The export with one field of one of its rows at or past a limit, as text or a number."""
    rows = st.sampled_from([(k, n, f) for k in ROW_FIELDS for n in range(len(export[k]))
                            for f in ROW_FIELDS[k]])  # fmt: skip
    value = st.one_of(EXTREME_VALUES, st.integers(-(10**30), 10**30))

    def edit(found: tuple[tuple[str, int, str], Any]) -> bytes:
        (key, index, name), new = found
        document = json.loads(json.dumps(export))
        document[key][index][name] = new
        return json.dumps(document).encode()

    return st.tuples(rows, value).map(edit)


@dataclass(frozen=True)
class Request:
    """One drawn request, described well enough to repeat by hand."""

    visitor: str
    csrf: str
    path: str
    body: str  # form | multipart | json | raw
    data: Any
    content_type: str | None
    headers: dict[str, str]


def draw_request(data: st.DataObject, fuzzed: Fuzzed, rule: Rule) -> Request:
    visitor = data.draw(st.sampled_from(VISITORS), label="visitor")
    account = fuzzed.account("guest" if visitor == "fresh" else visitor)
    csrf = data.draw(st.sampled_from(CSRF_MODES), label="csrf")
    token = {
        "form": account.token,
        "header": account.token,
        "garbage": data.draw(HEADER_TEXT, label="garbage token"),
        "someone else's": fuzzed.other.token,
    }.get(csrf)
    path = path_of(rule, data.draw(url_values(fuzzed, account, rule), label="path"))
    headers: dict[str, str] = {}
    if data.draw(st.booleans(), label="htmx"):
        headers["HX-Request"] = "true"
    if data.draw(st.booleans(), label="idempotency key"):
        headers["Idempotency-Key"] = data.draw(HEADER_TEXT, label="key")
    if token is not None and csrf != "form":
        headers["X-CSRFToken"] = token
    takes_json = rule.endpoint not in fuzzed.known.fields  # no page has a form for it
    body = data.draw(st.sampled_from(JSON_BODIES if takes_json else BODIES), label="body")
    content_type: str | None = None
    payload: Any
    if body in ("form", "multipart"):
        pairs = data.draw(field_values(fuzzed, account, rule.endpoint), label="fields")
        if csrf == "form":
            pairs.append(("csrf_token", token or ""))
        payload = pairs
        if body == "multipart":
            content_type = "multipart/form-data"
            upload = data.draw(uploads(account), label="file")
            if upload is not None:
                payload = [*pairs, ("file", upload)]
    elif body == "json":
        payload = json.dumps(data.draw(json_bodies(fuzzed, account), label="json")).encode()
        content_type = "application/json"
    else:
        payload = data.draw(BROKEN_JSON, label="raw body")
        content_type = data.draw(st.sampled_from(CONTENT_TYPES), label="content type")
    return Request(visitor, csrf, path, body, payload, content_type, headers)


def send(fuzzed: Fuzzed, request: Request) -> TestResponse:
    if request.visitor == "fresh":
        client: FlaskClient = fuzzed.app.test_client()
    else:
        client = fuzzed.account(request.visitor).visitor.client
    data: Any = request.data
    if request.body in ("form", "multipart"):
        data = MultiDict(
            [
                (name, (io.BytesIO(value), "upload.json") if isinstance(value, bytes) else value)
                for name, value in request.data
            ]
        )
    return client.post(
        request.path, data=data, content_type=request.content_type, headers=request.headers
    )


def reported_not_refused(endpoint: str, status: int, changed: dict[str, Any]) -> bool:
    """The one 4xx that reports an outcome rather than refusing the request: the test
    notification reached no device (409). Devices the push service said are gone are forgotten
    on the way, and that is all that may change."""
    return (
        endpoint == "reminders.test"
        and status == 409
        and set(changed) == {"push_subscription"}
        and not changed["push_subscription"]["new"]
    )


def check(fuzzed: Fuzzed, rule: Rule, request: Request) -> TestResponse:
    """Post `request` and hold the app to its promises."""
    before = dump(fuzzed.engine)
    response = send(fuzzed, request)
    status = response.status_code
    assert status < 500, f"{status} for {request}"
    fuzzed.unsure = status < 400
    event(f"{request.visitor}: {status}")  # see them with --hypothesis-show-statistics
    if 400 <= status < 500:
        assert_readable(response)
        changed = changes(before, dump(fuzzed.engine))
        assert not changed or reported_not_refused(rule.endpoint, status, changed), (
            f"a refused request ({status}) changed {changed}: {request}"
        )
    return response
