"""Keeping hip checks and showing one: POST /hip-check (the phone's script, JSON answers) and
GET /hip-checks/<id>.

The check page, GET /hip-check, is the `hip_check` blueprint's: the same URL, another method,
so each blueprint keeps its own.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, url_for
from htmx_flask import request

from webapp.extensions import store
from webapp.presenters.hip_checks import check_facts, difference_words, lagging_note
from webapp.services import hip_checks
from webapp.views import local_today, render
from webapp.web.guests import current_user

bp = Blueprint("hip_checks", __name__)


@bp.post("/hip-check")
def record() -> Response:
    """Keep the check the phone sent, once per its id: 201 when new, 200 when sent before."""
    try:
        saved = hip_checks.record_check(store(), current_user(), request.form, local_today())
    except hip_checks.Refused as refused:
        answer = jsonify(error=str(refused))
        answer.status_code = 422
        return answer
    answer = jsonify(
        id=saved.check_id,
        url=url_for("progress.overview", _anchor="hips"),
        check_url=url_for("hip_checks.show", check_id=saved.check_id),
    )
    answer.status_code = 201 if saved.created else 200
    return answer


@bp.get("/hip-checks/<int:check_id>")
def show(check_id: int) -> Response:
    """One of your hip checks, in words; another user's is not found."""
    check = hip_checks.find_check(store(), current_user(), check_id) or abort(404)
    return render(
        "pages/hip_check_result.html",
        check=check,
        facts=check_facts(check),
        difference=difference_words(check),
        note=lagging_note(check),
    )
