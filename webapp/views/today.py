"""Today: the quickest way into a session."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response

from webapp import services
from webapp.guests import current_user
from webapp.views import catalog, render, store

bp = Blueprint("today", __name__)


@bp.get("/")
def today() -> Response:
    """Today: the pre-run warm-up and desk reset one tap away, the other routines below."""
    view = services.today_view(store(), catalog(), current_user(), datetime.now(UTC))
    return render("pages/today.html", view=view)
