"""Today: the quickest way into a session."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from routines.plan.calendar import today_in_plan
from webapp import clock
from webapp.extensions import catalog, store
from webapp.presenters import phone_view
from webapp.presenters.today_card import today_card
from webapp.services import precautions, progress, sessions
from webapp.views import render_kept
from webapp.web.guests import current_user, known_version

bp = Blueprint("today", __name__)


@bp.get("/")
def today() -> Response:
    """Today: the planned session first, then the pre-run warm-up and desk reset, then the rest."""
    user, now = current_user(), clock.now()
    today = sessions.local_today(user, now)

    def context() -> dict[str, Any]:
        standing = progress.standing(store(), catalog(), user, today, version=known_version(user))
        return {
            "advice": precautions.advice(catalog().routines.values(), catalog(), user),
            "view": sessions.today_view(store(), catalog(), user, now),
            "planned": today_card(today_in_plan(standing.plan, today)),
            "today": today,
            "record": standing.record,
            "current_if_done_today": standing.current_if_done_today,
            "phone": phone_view.of(standing),
        }

    # The page offers a login to a guest: whether the user is one is all it reads of the row.
    return render_kept("pages/today.html", user.secured_at is not None, context, today)
