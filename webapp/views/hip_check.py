"""The guided hip check: rotation measured with the phone, balance, side plank, pelvis.

The page itself only reads; its script posts the results to `POST /hip-check` when the check
ends (or later, from the phone's queue, when it was done with no signal).
"""

from __future__ import annotations

from flask import Blueprint, Response, url_for

from routines.hip_check import left_out
from webapp.extensions import catalog, store
from webapp.services import plans, precautions
from webapp.views import local_today, render
from webapp.web.guests import current_user

bp = Blueprint("hip_check", __name__)

#: The side planks a plan can hold, and how the check times each.
PLANKS = {"side-plank-knees": "knees", "side-plank": "full"}


def _plank_in_plan() -> str:
    """'knees' or 'full' as the user's plan holds its side plank nearest today; '' if it has none
    (the check then asks)."""
    today = local_today()
    plan = plans.plan_for(store(), catalog(), current_user(), today)
    if plan is None:
        return ""
    routines = [(day.day, day.routine) for week in plan.weeks for day in week.days if day.routine]
    for _, routine in sorted(routines, key=lambda dated: abs((dated[0] - today).days)):
        found = [
            PLANKS[p.exercise.slug] for p in routine.prescriptions if p.exercise.slug in PLANKS
        ]
        if found:
            return found[0]
    return ""


@bp.get("/hip-check")
def page() -> Response:
    """The check, step by step; the parts the user's precautions leave out say why."""
    skipped = dict(left_out(precautions.answers_of(current_user())))
    return render(
        "pages/hip_check.html",
        skipped={str(part): why for part, why in skipped.items()},
        plank=_plank_in_plan(),
        post_url=url_for("hip_check.page"),
        progress_url=url_for("progress.overview", _anchor="hips"),
    )
