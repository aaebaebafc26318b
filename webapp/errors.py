"""Error pages in plain words: never a bare stack trace, never a 500 for bad input."""

from __future__ import annotations

from flask import Flask, Response, make_response, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: ("That request didn't make sense", "Something in it was missing or garbled."),
    404: ("Not found", "There is nothing here. It may have moved, or the link has a typo."),
    405: ("Not allowed", "This page can't be used that way."),
    413: ("Too much at once", "That was more data than Hipday accepts in one go."),
    500: ("Something went wrong on our side", "Your saved sessions are safe. Try again soon."),
}


def error_page(status: int, title: str, detail: str) -> Response:
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
    title, detail = MESSAGES[500]
    return error_page(500, title, detail)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, on_csrf_error)
    app.register_error_handler(HTTPException, on_http_error)
    if not app.testing:
        app.register_error_handler(Exception, on_unexpected_error)
