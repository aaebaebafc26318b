"""The precautions screen: a skippable step of onboarding, and a page of Settings."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, url_for
from htmx_flask import request

from webapp.extensions import store
from webapp.services import precautions
from webapp.views import render
from webapp.web.guests import current_user

bp = Blueprint("precautions", __name__)

#: Where each copy of the screen posts to, and where "Skip" or "Done" leads.
STEPS = {
    "onboarding": ("precautions.save_onboarding", "plan.overview"),
    "settings": ("precautions.save_settings", "settings.page"),
}


def _page(step: str, form: precautions.PrecautionsForm, status: int = 200) -> Response:
    action, onward = STEPS[step]
    return render(
        "pages/precautions.html",
        "precautions_form",
        status,
        step=step,
        form=form,
        action=url_for(action),
        onward=url_for(onward),
        saved=request.args.get("saved") == "1" and status == 200,
    )


def _save(step: str, endpoint: str) -> Response:
    form = precautions.parse_answers(
        request.form.get("hip_replacement", ""), request.form.getlist("others")
    )
    if form.errors:
        return _page(step, form, 422)
    precautions.save_answers(store(), current_user(), form)
    return redirect(url_for(endpoint, saved="1"), 303)  # type: ignore[return-value]


@bp.get("/start/precautions")
def onboarding() -> Response:
    """Onboarding's last, skippable step: anything the routines should keep clear of."""
    return _page("onboarding", precautions.form_of(current_user()))


@bp.post("/start/precautions")
def save_onboarding() -> Response:
    """Keep the answers, then say what they change."""
    return _save("onboarding", "precautions.onboarding")


@bp.get("/settings/precautions")
def settings() -> Response:
    """Your precautions, to change at any time."""
    return _page("settings", precautions.form_of(current_user()))


@bp.post("/settings/precautions")
def save_settings() -> Response:
    """Keep new answers: every routine, the plan and the player follow them from now on."""
    return _save("settings", "precautions.settings")
