"""Error pages in plain words: never a bare stack trace, never a 500 for bad input."""

from __future__ import annotations

import logging
import secrets

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("That request didn't make sense", "Something in it was missing or garbled."),
    404: ("Not found", "There is nothing here. It may have moved, or the link has a typo."),
    405: ("Not allowed", "This page can't be used that way."),
    413: ("Too much at once", "That was more data than Hipday accepts in one go."),
    500: ("Something went wrong on our side", "Your saved sessions are safe. Try again soon."),
}
#: The database is locked by a long write, restarting, or out of reach for a moment.
BUSY_TITLE = "Hipday is busy for a moment"
BUSY_DETAIL = (
    "We couldn't reach your data just now, so nothing was changed. "
    "Please try again in a few seconds."
)
#: Seconds a client is asked to wait before it tries again.
RETRY_AFTER_SECONDS = 5


def wants_json() -> bool:
    """Whether the caller reads JSON (the phone's outbox, push actions), not a page."""
    return bool(request.is_json or request.accept_mimetypes.best == "application/json")


def error_page(status: int, title: str, detail: str) -> Response:
    """The error in words: a page, or `{"error": …}` for a caller that reads JSON."""
    if wants_json():
        response = jsonify(error=f"{title}. {detail}")
        response.status_code = status
        return response
    html = render_template("pages/error.html", status=status, title=title, detail=detail)
    return make_response(html, status)


def on_csrf_error(error: CSRFError) -> Response:
    return error_page(
        400,
        "This form has expired",
        "For your safety, forms only work from the page that showed them. "
        "Go back, reload the page and send it again.",
    )


def on_http_error(error: HTTPException) -> Response:
    status = error.code or 500
    title, detail = MESSAGES.get(status, (error.name, error.description or ""))
    return error_page(status, title, detail)


def on_unexpected_error(error: Exception) -> Response:
    """The 500 page with a short reference, and the traceback in the log under that reference.

    Someone who writes in quoting the reference points us at the one log entry that matters.
    """
    reference = secrets.token_hex(4).upper()
    log.error(
        "Unexpected error %s on %s %s",
        reference,
        request.method,
        request.path,
        exc_info=(type(error), error, error.__traceback__),
    )
    title, detail = MESSAGES[500]
    quote = f"If you write to us, quote {reference}."
    if wants_json():
        response = jsonify(error=f"{title}. {quote}", reference=reference)
        response.status_code = 500
        return response
    return error_page(500, title, f"{detail} {quote}")


def on_database_unavailable(error: Exception) -> Response:
    """503 "try again" when the database is locked, down or out of connections.

    The request's transaction was rolled back, so nothing of it is half-saved. A fetch (the
    outbox, the player's finish) gets a 5xx and keeps the completion on the phone; JSON callers
    get `{"error": …}`.
    """
    reason = getattr(error, "orig", None) or error  # the driver's words, without the SQL
    log.warning("database unavailable for %s %s: %s", request.method, request.path, reason)
    if wants_json():
        response = jsonify(error=BUSY_DETAIL)
        response.status_code = 503
    else:
        response = error_page(503, BUSY_TITLE, BUSY_DETAIL)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, on_csrf_error)
    app.register_error_handler(HTTPException, on_http_error)
    # Also while testing: the fault tests check what users see when the database is away.
    for unavailable in (OperationalError, InterfaceError, PoolTimeout):
        app.register_error_handler(unavailable, on_database_unavailable)
    # Flask's own rule: tests and debugging see the exception itself, unless a test asks for
    # what users get (PROPAGATE_EXCEPTIONS=False).
    propagate = app.config.get("PROPAGATE_EXCEPTIONS")
    if propagate is None:
        propagate = app.testing or app.debug
    if not propagate:
        app.register_error_handler(Exception, on_unexpected_error)
