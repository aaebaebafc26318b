"""The guided hip check: rotation measured with the phone, balance, side plank, pelvis.

The page itself only reads; its script posts the results to `POST /hip-check` when the check
ends (or later, from the phone's queue, when it was done with no signal).
"""

from __future__ import annotations

from flask import Blueprint, Response, url_for

from routines.hip_check import left_out
from webapp.services import precautions
from webapp.views import render
from webapp.web.guests import current_user

bp = Blueprint("hip_check", __name__)


@bp.get("/hip-check")
def page() -> Response:
    """The check, step by step; the parts the user's precautions leave out say why."""
    skipped = dict(left_out(precautions.answers_of(current_user())))
    return render(
        "pages/hip_check.html",
        skipped={str(part): why for part, why in skipped.items()},
        post_url=url_for("hip_check.page"),
        progress_url=url_for("progress.overview", _anchor="hips"),
    )
