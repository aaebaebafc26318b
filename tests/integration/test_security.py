"""Headers and cookies that keep a guest's account safe."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import make_app
from tests.integration.conftest import TOKEN, Visitor
from tests.integration.fuzz_verdicts import dump
from webapp.config import default_config


def test_pages_carry_a_strict_content_security_policy(client: FlaskClient) -> None:
    policy = client.get("/").headers["Content-Security-Policy"]
    script_src = next(part for part in policy.split("; ") if part.startswith("script-src"))
    assert script_src == "script-src 'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


def test_other_protective_headers_are_set(client: FlaskClient) -> None:
    headers = client.get("/").headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_the_guest_cookie_is_http_only_lax_and_long_lived(client: FlaskClient) -> None:
    cookie = client.get("/").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    assert "Secure" not in cookie


def test_the_guest_cookie_is_secure_over_https(client: FlaskClient) -> None:
    cookie = client.get("/", base_url="https://localhost").headers["Set-Cookie"]
    assert "Secure" in cookie


def test_a_returning_visitor_keeps_the_same_account(client: FlaskClient) -> None:
    first = Visitor(client).account_id()
    client.get("/")
    with client.session_transaction() as session:
        assert session["user_id"] == first


def test_an_oversized_body_is_refused_with_a_413(client: FlaskClient) -> None:
    response = client.post("/sessions", data={"note": "x" * 100_000})
    assert response.status_code == 413
    assert "Too much at once" in response.get_data(as_text=True)


# Every kind of response carries the headers


def fetch(client: FlaskClient, path: str, **kwargs: Any) -> TestResponse:
    """The response to GET `path`, read to the end and closed (static files are streamed)."""
    response = client.get(path, **kwargs)
    response.get_data()
    response.close()
    return response


HEADER_PATHS = (
    "/",  # a page
    "/no-such-page",  # an error page
    "/manifest.webmanifest",
    "/service-worker.js",
    "/healthz",
)


@pytest.mark.parametrize("path", HEADER_PATHS)
def test_every_kind_of_response_carries_the_protective_headers(
    client: FlaskClient, path: str
) -> None:
    headers = fetch(client, path).headers
    policy = dict(
        part.split(" ", 1) for part in headers["Content-Security-Policy"].split("; ") if " " in part
    )
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "unsafe-eval" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    permissions = headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in permissions


# HTTPS: HSTS and Secure cookies


def hsts_max_age(response: TestResponse) -> int | None:
    """The max-age of the Strict-Transport-Security header, None when there is none."""
    header = response.headers.get("Strict-Transport-Security")
    if header is None:
        return None
    assert "includeSubDomains" in header
    found = re.search(r"max-age=(\d+)", header)
    assert found, header
    return int(found.group(1))


@pytest.mark.parametrize("path", HEADER_PATHS)
def test_responses_over_https_ask_browsers_to_keep_to_https_for_a_year_or_more(
    client: FlaskClient, path: str
) -> None:
    max_age = hsts_max_age(fetch(client, path, base_url="https://localhost"))
    assert max_age is not None and max_age >= 365 * 24 * 3600


@pytest.mark.parametrize("path", HEADER_PATHS)
def test_responses_over_plain_http_carry_no_hsts(client: FlaskClient, path: str) -> None:
    assert hsts_max_age(fetch(client, path)) is None


def test_a_form_refused_over_https_still_carries_hsts(client: FlaskClient) -> None:
    response = client.post("/settings", data={}, base_url="https://localhost")
    assert response.status_code == 400
    assert hsts_max_age(response) is not None


# Behind a reverse proxy

FORWARDED_HTTPS = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-For": "203.0.113.7",
    "X-Forwarded-Host": "hipday.example",
}


def addresses_seen(app: Flask) -> list[tuple[str | None, str, str]]:
    """Records (client address, scheme, host) as the app sees each request."""
    seen: list[tuple[str | None, str, str]] = []

    @app.before_request
    def _record() -> None:
        seen.append((request.remote_addr, request.scheme, request.host))

    return seen


def test_without_a_proxy_forwarded_headers_are_ignored(app: Flask) -> None:
    seen = addresses_seen(app)
    response = app.test_client().get("/", headers=FORWARDED_HTTPS)
    assert seen == [("127.0.0.1", "http", "localhost")]
    assert hsts_max_age(response) is None
    assert "Secure" not in response.headers["Set-Cookie"]


def test_behind_one_proxy_the_app_sees_https_the_host_and_the_client_address(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path, PROXY_HOPS=1)
    seen = addresses_seen(app)
    response = app.test_client().get("/", headers=FORWARDED_HTTPS)
    assert seen == [("203.0.113.7", "https", "hipday.example")]
    assert hsts_max_age(response) is not None
    assert "Secure" in response.headers["Set-Cookie"]
    app.extensions["hipday"].store.engine.dispose()


def test_behind_one_proxy_an_address_the_client_made_up_is_not_believed(
    tmp_path: Path,
) -> None:
    """The proxy appends the address it saw; only that last one is the client's."""
    app = make_app(tmp_path, PROXY_HOPS=1)
    seen = addresses_seen(app)
    headers = {"X-Forwarded-For": "198.51.100.1, 203.0.113.7", "X-Forwarded-Proto": "http"}
    response = app.test_client().get("/", headers=headers)
    assert seen == [("203.0.113.7", "http", "localhost")]
    assert hsts_max_age(response) is None
    app.extensions["hipday"].store.engine.dispose()


def test_behind_a_proxy_the_calendar_address_names_the_public_host(tmp_path: Path) -> None:
    app = make_app(tmp_path, PROXY_HOPS=1)
    visitor = Visitor(app.test_client())
    token = visitor.csrf_token()
    visitor.client.post("/settings/calendar", data={"csrf_token": token}, headers=FORWARDED_HTTPS)
    page = visitor.get("/settings", headers=FORWARDED_HTTPS).get_data(as_text=True)
    assert re.search(r"https://hipday\.example/calendar/[^\"<]+\.ics", page)
    app.extensions["hipday"].store.engine.dispose()


def test_the_number_of_proxies_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert default_config(tmp_path)["PROXY_HOPS"] == 0
    monkeypatch.setenv("HIPDAY_PROXY_HOPS", "2")
    assert default_config(tmp_path)["PROXY_HOPS"] == 2


def failed_logins(client: FlaskClient, forwarded_for: list[str]) -> list[int]:
    """The statuses of wrong-password logins, one per address the proxy says it forwards for."""
    found = TOKEN.search(client.get("/login").get_data(as_text=True))
    assert found, "the login page carries a CSRF token"
    return [
        client.post(
            "/login",
            data={"csrf_token": found.group(1), "email": f"p{n}@example.com", "password": "guess"},
            headers={"X-Forwarded-For": address},
        ).status_code
        for n, address in enumerate(forwarded_for)
    ]


def test_behind_a_proxy_logins_are_limited_per_client_address(tmp_path: Path) -> None:
    app = make_app(tmp_path, PROXY_HOPS=1)
    client = app.test_client()  # every request comes from the proxy's own address
    assert failed_logins(client, ["203.0.113.7"] * 21) == [401] * 20 + [429]
    assert failed_logins(client, ["198.51.100.9"]) == [401]
    app.extensions["hipday"].store.engine.dispose()


def test_without_a_proxy_a_forged_forwarded_address_does_not_dodge_the_login_limit(
    app: Flask,
) -> None:
    forged = [f"198.51.100.{n}" for n in range(21)]
    assert failed_logins(app.test_client(), forged) == [401] * 20 + [429]


# Requests no browser sends are refused before anything runs


def text(response: TestResponse) -> str:
    return html.unescape(response.get_data(as_text=True))


def rows(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    return dump(app.extensions["hipday"].store.engine)


def test_a_nul_character_anywhere_is_refused_in_words_and_changes_nothing(app: Flask) -> None:
    """PostgreSQL can neither store nor compare a NUL: without this, each was a server error."""
    visitor = Visitor(app.test_client())
    visitor.finish()
    token = visitor.csrf_token()
    session_path = visitor.get("/progress/history").get_data(as_text=True)
    found = re.search(r'href="(/sessions/[0-9a-f]+)"', session_path)
    assert found, "the history links to the session"
    before = rows(app)
    answers = [
        visitor.get("/sessions/%00"),
        visitor.get("/progress?month=2026-1%00"),
        app.test_client().get("/calendar/a%00b.ics"),
        visitor.client.post(
            f"{found.group(1)}/feedback", data={"csrf_token": token, "note": "a\x00b", "pain": "1"}
        ),
        visitor.client.post("/login", data={"csrf_token": token, "email": "a\x00@b.co"}),
        visitor.client.post(
            "/settings/reminders/devices/remove",
            json={"endpoint": "https://push.example/\x00"},
            headers={"X-CSRFToken": token},
        ),
    ]
    for response in answers:
        assert response.status_code == 400
        assert "That request didn't make sense" in text(response)
    assert rows(app) == before


def test_a_form_part_without_a_name_is_refused_not_a_server_error(client: FlaskClient) -> None:
    visitor = Visitor(client)
    token = visitor.csrf_token()
    body = (
        b'--b\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        + token.encode()
        + b"\r\n--b\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--b--\r\n"
    )
    response = client.post(
        "/settings/delete", data=body, content_type="multipart/form-data; boundary=b"
    )
    assert response.status_code == 400
    assert "That request didn't make sense" in text(response)


def test_an_import_from_a_visitor_without_a_session_makes_no_account(app: Flask) -> None:
    before = rows(app)
    upload = {"file": (io.BytesIO(b"{}"), "hipday.json")}
    response = app.test_client().post(
        "/settings/data/import", data=upload, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert rows(app) == before


def test_a_body_too_big_is_refused_even_where_the_route_reads_only_json(
    client: FlaskClient,
) -> None:
    response = client.post("/reminders/act", data={"token": "x" * 100_000, "action": "skip"})
    assert response.status_code == 413
    assert "Too much at once" in response.get_data(as_text=True)


DEEP = 1000


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/healthz"),
        ("GET", "/"),
        ("POST", "/reminders/act"),
        ("POST", "/login/passkey"),
        ("POST", "/settings/reminders/devices"),
    ],
)
@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_json_nested_a_thousand_deep_is_refused_in_words_on_any_route(
    app: Flask, method: str, path: str, opening: str
) -> None:
    """Without a bound, checking such a body for NUL characters overflowed Python's stack."""
    visitor = Visitor(app.test_client())
    token = visitor.csrf_token()
    closing = "]" if opening == "[" else "}"
    before = rows(app)
    response = visitor.client.open(
        path,
        method=method,
        data=opening * DEEP + "1" + closing * DEEP,
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 400
    assert "That request didn't make sense" in text(response)
    assert rows(app) == before


def test_json_as_deep_as_a_real_answer_and_brackets_inside_text_go_through(
    client: FlaskClient,
) -> None:
    nested = "[" * 20 + '"fine"' + "]" * 20
    brackets_in_text = '{"note": "' + '[[{{\\"' * 300 + '"}'
    for body in (nested, brackets_in_text):
        response = client.get("/healthz", data=body, content_type="application/json")
        assert response.status_code == 200, body


@pytest.mark.parametrize("path", ["/static/css/app.css", "/static/js/outbox.js"])
def test_a_script_or_stylesheet_a_page_loads_is_not_sniffed_and_runs_under_its_pages_policy(
    client: FlaskClient, path: str
) -> None:
    headers = fetch(client, path).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    # The page's Content-Security-Policy governs what it loads; the header here would only
    # weigh on every response of a first visit.
    assert "Content-Security-Policy" not in headers
    assert "Permissions-Policy" not in headers
    assert "Content-Disposition" not in headers and "max-age" in headers["Cache-Control"]
    over_https = fetch(client, path, base_url="https://localhost")
    assert (hsts_max_age(over_https) or 0) >= 365 * 24 * 3600
