"""Today: the quickest way into a session."""

from __future__ import annotations

from flask import Blueprint, Response

from routines.plan.calendar import today_in_plan
from webapp import clock
from webapp.extensions import catalog, store
from webapp.presenters import phone_view
from webapp.presenters.today_card import today_card
from webapp.services import precautions, progress, sessions
from webapp.views import render
from webapp.web.guests import current_user

bp = Blueprint("today", __name__)


@bp.get("/")
def today() -> Response:
    """Today: the planned session first, then the pre-run warm-up and desk reset, then the rest."""
    user, now = current_user(), clock.now()
    today = sessions.local_today(user, now)
    standing = progress.standing(store(), catalog(), user, today)
    return render(
        "pages/today.html",
        advice=precautions.advice(catalog().routines.values(), catalog(), user),
        view=sessions.today_view(store(), catalog(), user, now),
        planned=today_card(today_in_plan(standing.plan, today)),
        today=today,
        record=standing.record,
        current_if_done_today=standing.current_if_done_today,
        phone=phone_view.of(standing),
    )
