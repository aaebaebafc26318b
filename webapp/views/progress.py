"""Progress: the streak, the heatmap and month calendar, the history list, an exercise's weeks.

The page's month calendar and exercise chart each have their own URL, which an htmx request
gets as the page's named block and any other request as the whole page.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort
from htmx_flask import request

from webapp import inputs
from webapp.extensions import catalog, store
from webapp.presenters.hip_checks import hips_view
from webapp.presenters.progress_page import progress_context
from webapp.services import hip_checks, progress
from webapp.views import local_today, render, render_kept
from webapp.web.guests import current_user, known_version

bp = Blueprint("progress", __name__)

#: More pages of 20 sessions than the most sessions an import brings.
MOST_HISTORY_PAGES = 100_000


def _month(text: str | None, today: date) -> date:
    """The first of the month asked for (`2026-11`), this month when none.

    404 when garbled, before 2000 or after this month: there is no history there.
    """
    if not text:
        return today.replace(day=1)
    try:
        first = inputs.month(text)
    except inputs.Refused:
        abort(404)
    return first if first <= today else abort(404)


@bp.get("/progress")
def overview() -> Response:
    """The streak and freezes, six months at a glance, a month's days, the history and charts."""
    return _progress_page()


@bp.get("/progress/month")
def month() -> Response:
    """One month's days (`?month=2026-11`), which the month arrows bring in with htmx."""
    return _progress_page("month_view")


@bp.get("/progress/exercise")
def exercise_chart() -> Response:
    """One exercise's weeks (`?exercise=`), which the exercise picker brings in with htmx."""
    return _progress_page("exercise_chart")


def _progress_page(block: str | None = None) -> Response:
    """The Progress page for the month and exercise asked for, or its `block` for htmx."""
    user, today = current_user(), local_today()
    shown = _month(request.args.get("month"), today)
    asked = request.args.get("exercise", "")

    def context() -> dict[str, Any]:
        standing = progress.standing(store(), catalog(), user, today, version=known_version(user))
        pick = progress.pick_exercise(store(), catalog(), user.id or 0, asked, today)
        history = progress.history_page(store(), user.id or 0, 1)
        values = progress_context(standing, shown, pick, history)
        values["hips"] = hips_view(hip_checks.recent_checks(store(), user))
        values["hip_checks_charted"] = hip_checks.CHECKS_CHARTED
        return values

    htmx = request.htmx
    if (block and htmx and not htmx.boosted) or (asked and asked not in catalog().exercises):
        return render("pages/progress.html", block, **context())
    return render_kept("pages/progress.html", (shown, asked), context, today)


@bp.get("/progress/history")
def history() -> Response:
    """More of the history list (htmx appends it); the whole page without htmx."""
    try:
        page = inputs.whole(request.args.get("page", "1"), 1, MOST_HISTORY_PAGES)
    except inputs.Refused:
        abort(404)
    found = progress.history_page(store(), current_user().id or 0, page)
    return render("pages/history.html", "history_items", history=found)
