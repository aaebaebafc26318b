"""Your data: download it all, bring an export back, or delete the account and everything in it."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Blueprint, Response, flash, redirect, session, url_for
from flask import request as flask_request
from htmx_flask import request
from werkzeug.exceptions import RequestEntityTooLarge

from webapp import clock
from webapp.extensions import reminder_store, store
from webapp.services import data_export, data_import, sessions
from webapp.services.accounts import delete_account as delete_everything
from webapp.views import render
from webapp.web.guests import current_user
from webapp.web.limits import (
    EXPORTS_PER_ACCOUNT,
    IMPORTS_PER_ACCOUNT,
    IMPORTS_PER_ADDRESS,
    account_or_address_key,
    limiter,
    signed_in_key,
)
from webapp.web.security import FORGET_PAGES, checks_own_csrf, csrf, own_body_limit

bp = Blueprint("data", __name__)

TOO_BIG = f"That file is over {data_import.IMPORT_LIMIT // 2**20} MB, more than Hipday imports."
NO_FILE = "Choose the .json file Hipday exported, then press Import."
CONFIRM = "Tick “I understand this deletes everything” to delete your account."


def _page(problems: list[str] | None = None, status: int = 200) -> Response:
    counts = data_export.holdings(store(), current_user())
    return render(
        "pages/your_data.html",
        "import_form",
        status,
        counts=counts,
        problems=problems or [],
        limit_mb=data_import.IMPORT_LIMIT // 2**20,
    )


def _download(body: Iterator[bytes], mimetype: str, name: str, extension: str) -> Response:
    """An attachment named for the user's date, kept out of every cache, streamed as the
    service writes it: the heaviest account's export starts at once and is never held whole.

    The writing needs nothing of the request (the service was handed its store and user), so
    the stream keeps no request context alive.
    """
    today = sessions.local_today(current_user(), clock.now()).isoformat()
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}-{today}.{extension}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/settings/data")
def page() -> Response:
    """Download your data, import an export, or go on to delete your account."""
    return _page()


@bp.get("/settings/data/hipday.json")
@limiter.shared_limit(EXPORTS_PER_ACCOUNT, scope="exports", key_func=signed_in_key)
def export_json() -> Response:
    """Everything as one JSON file, the one Import reads back."""
    body = data_export.export_json(store(), reminder_store(), current_user(), clock.now())
    return _download(body, "application/json", "hipday", "json")


@bp.get("/settings/data/hipday-csv.zip")
@limiter.shared_limit(EXPORTS_PER_ACCOUNT, scope="exports", key_func=signed_in_key)
def export_csv_zip() -> Response:
    """Everything as CSV files (sessions, exercises, program, plan changes, settings), zipped."""
    body = data_export.csv_zip(store(), reminder_store(), current_user(), clock.now())
    return _download(body, "application/zip", "hipday-csv", "zip")


@bp.get("/settings/data/sessions.csv")
@limiter.shared_limit(EXPORTS_PER_ACCOUNT, scope="exports", key_func=signed_in_key)
def export_sessions_csv() -> Response:
    """The sessions alone, one row each with effort, pain and note, for a spreadsheet."""
    body = data_export.sessions_csv(store(), current_user())
    return _download(body, "text/csv", "hipday-sessions", "csv")


@bp.post("/settings/data/import")
@limiter.limit(IMPORTS_PER_ACCOUNT, key_func=account_or_address_key)
@limiter.limit(IMPORTS_PER_ADDRESS)
def import_file() -> Response:
    """Import an export: the whole file is checked first, then added in one transaction."""
    flask_request.max_content_length = data_import.IMPORT_LIMIT
    try:
        csrf.protect()
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        return _page([TOO_BIG], 413)
    if upload is None or not upload.filename:
        return _page([NO_FILE], 400)
    plan = data_import.check_file(upload.read(), clock.now())
    if isinstance(plan, list):
        return _page(plan, 422)
    problems = data_import.over_limits(store(), current_user(), plan)
    if problems:
        return _page(problems, 422)
    summary = data_import.import_everything(store(), current_user(), plan, clock.now())
    flash(summary.sentence())
    return redirect(url_for("data.page"), 303)  # type: ignore[return-value]


# The import checks its CSRF token itself, after raising the body limit the global check would
# otherwise have met first.
checks_own_csrf(import_file)
own_body_limit(import_file, data_import.IMPORT_LIMIT)


def _delete_page(problem: str | None = None, status: int = 200) -> Response:
    user = current_user()
    return render(
        "pages/delete_account.html",
        "delete_form",
        status,
        counts=data_export.holdings(store(), user),
        has_feed=user.calendar_token is not None,
        problem=problem,
    )


@bp.get("/settings/delete")
def delete_page() -> Response:
    """What deleting the account removes, and the form that confirms it."""
    return _delete_page()


@bp.post("/settings/delete")
def delete_account() -> Response:
    """Delete the account and all its data once confirmed; this browser forgets it too."""
    if request.form.get("confirm") != "yes":
        return _delete_page(CONFIRM, 422)
    delete_everything(store(), current_user())
    session.clear()
    response = redirect(url_for("data.goodbye"), 303)
    # As after a logout: the pages this phone kept for offline use were the deleted account's.
    response.headers["Clear-Site-Data"] = FORGET_PAGES
    return response  # type: ignore[return-value]


@bp.get("/goodbye")
def goodbye() -> Response:
    """Says the account is gone; viewing it makes no new account."""
    return render("pages/goodbye.html")
