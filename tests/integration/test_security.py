"""Headers and cookies that keep a guest's account safe."""

from __future__ import annotations

from flask.testing import FlaskClient


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
    client.get("/")
    with client.session_transaction() as session:
        first = session["user_id"]
    client.get("/")
    with client.session_transaction() as session:
        assert session["user_id"] == first


def test_an_oversized_body_is_refused_with_a_413(client: FlaskClient) -> None:
    response = client.post("/sessions", data={"note": "x" * 100_000})
    assert response.status_code == 413
    assert "Too much at once" in response.get_data(as_text=True)
