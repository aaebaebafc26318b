"""CSRF protection, the security headers every response carries, and trusting a reverse proxy."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import accumulate
from typing import Any, TypeVar

from flask import Flask, Response, current_app, request, session
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

csrf = CSRFProtect()

View = TypeVar("View", bound=Callable[..., Any])

#: Views that take bodies over MAX_CONTENT_LENGTH, with their own limit (by module and name).
_own_body_limits: dict[str, int] = {}
#: Views that check their CSRF token themselves, once they have raised the body limit.
_own_csrf_checks: set[str] = set()

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
#: Headers that govern a document or a worker. A script or stylesheet a page loads runs under
#: its page's policy, so these would only add some 400 bytes to each of its many responses; the
#: service worker, a script that is its own context, keeps them.
DOCUMENT_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
SUBRESOURCES = {"text/javascript", "application/javascript", "text/css"}

#: The deepest JSON any page of Hipday sends is 5 levels (a passkey's answer); this leaves room
#: and keeps parsing and checking a body far from Python's recursion limit.
MAX_JSON_DEPTH = 32
#: A JSON string, escapes included: brackets inside one don't nest anything. One left open runs
#: to the end, so every quote starts a match and the scan stays linear on garbled bodies.
_JSON_STRING = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+(?:"|\\?\Z)', re.DOTALL)
_BRACKETS = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}

#: The Clear-Site-Data a device gets after a logout or an account deletion: the pages it kept
#: were the account's (static/js/sw-register.js also has the service worker drop its copies).
FORGET_PAGES = '"cache"'

#: Sent only over HTTPS: browsers then refuse plain HTTP to this host for two years.
STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains"


def _name(view: Callable[..., Any]) -> str:
    return f"{view.__module__}.{view.__name__}"


def own_body_limit(view: View, limit: int) -> View:
    """Let `view` take bodies up to `limit` bytes; it answers a bigger one in its own words."""
    _own_body_limits[_name(view)] = limit
    return view


def checks_own_csrf(view: View) -> View:
    """Leave `view` out of the global CSRF check: it calls `csrf.protect()` itself.

    A visitor without a CSRF token in their session can't pass that check, so they are refused
    before anything runs (no guest account is made for a request that is refused anyway).
    """
    _own_csrf_checks.add(_name(view))
    csrf.exempt(view)
    return view


def check_request() -> None:
    """Refuse what no browser running Hipday sends, before anything else runs (the CSRF check
    and the making of a guest account included).

    - A body over the route's limit is a 413, even where the route never reads its body
      (Werkzeug refuses a body only when something reads it).
    - A form part without a name is a 400: the CSRF check would trip over it.
    - A NUL character in the address, the query, a form or JSON is a 400: nobody types one, and
      PostgreSQL can't store or even compare one.
    - JSON nested deeper than `MAX_JSON_DEPTH` is a 400, found without parsing it (parsing it
      would overflow the stack).
    - A route that checks its CSRF token itself refuses a visitor whose session has no token.
    """
    view = current_app.view_functions.get(request.endpoint or "")
    name = _name(view) if view else ""
    if name in _own_csrf_checks and request.method == "POST":
        if current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") not in session:
            raise CSRFError("The CSRF session token is missing.")
    own = _own_body_limits.get(name)
    if own is not None:
        request.max_content_length = own
    limit, size = request.max_content_length, request.content_length
    if own is None and limit is not None and size is not None and size > limit:
        raise RequestEntityTooLarge()
    try:
        texts = list(_texts())
    except RequestEntityTooLarge:
        if own is not None:
            return  # the view says it in its own words
        raise
    if not all(isinstance(text, str) and "\x00" not in text for text in texts):
        raise BadRequest("Part of the request is garbled.")


def _texts() -> Iterator[object]:
    """Every name and value the request carries in its address, query, form and JSON."""
    yield request.path
    for key, value in request.args.items(multi=True):
        yield from (key, value)
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        for key, value in request.form.items(multi=True):
            yield from (key, value)
        yield from request.files.keys()
    if request.is_json:
        if nests_too_deep(request.get_data(cache=True)):
            raise BadRequest("The JSON is nested too deeply.")
        yield from _json_texts(request.get_json(silent=True))


def nests_too_deep(body: bytes) -> bool:
    """Whether the arrays and objects of a JSON body nest deeper than `MAX_JSON_DEPTH`.

    Counted in one pass without recursion; garbled JSON is left to the parser to refuse.
    """
    if body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH:
        return False  # the common case: too few brackets to nest that deep
    outside_strings = _JSON_STRING.sub(b"", body)
    steps = (_BRACKETS[byte] for byte in outside_strings if byte in _BRACKETS)
    return max(accumulate(steps, initial=0)) > MAX_JSON_DEPTH


def _json_texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _json_texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_texts(item)


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype not in SUBRESOURCES or "Service-Worker-Allowed" in response.headers:
        for name, value in DOCUMENT_HEADERS.items():
            response.headers.setdefault(name, value)
    elif response.headers.get("Content-Disposition", "").startswith("inline"):
        # A static file's name and its Expires (Cache-Control already says how long) tell a
        # browser nothing it uses; a first visit loads over a dozen of them.
        del response.headers["Content-Disposition"]
        response.headers.pop("Expires", None)
    if response.mimetype == "text/html":
        # Pages are the user's own and change with every session: always ask the server first
        # (the service worker keeps the offline copy).
        response.headers.setdefault("Cache-Control", "private, no-cache")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    return response


def trust_proxies(app: Flask, hops: int) -> None:
    """Believe the X-Forwarded-For, -Proto, -Host and -Port headers of `hops` reverse proxies.

    Behind a proxy that ends HTTPS, the app then sees https (so HSTS and Secure cookies apply)
    and the client's own address (which the login rate limit counts by). With no proxy, the
    headers are anyone's to forge, so they are ignored unless `PROXY_HOPS` says otherwise.
    """
    if hops > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
        )


def init_app(app: Flask) -> None:
    app.before_request(check_request)  # first: before the CSRF check reads the form
    csrf.init_app(app)
    trust_proxies(app, int(app.config.get("PROXY_HOPS", 0)))
    app.after_request(add_security_headers)
