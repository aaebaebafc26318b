"""Today: the quickest way into a session."""

from __future__ import annotations

from flask import Blueprint, Response

from routines.plan.calendar import today_in_plan
from routines.streaks import plan_schedule
from webapp import clock
from webapp.extensions import catalog, store
from webapp.presenters import phone_view
from webapp.services import plans, progress
from webapp.services import sessions as services
from webapp.views import MARK_LABELS, render
from webapp.web.guests import current_user

bp = Blueprint("today", __name__)


@bp.get("/")
def today() -> Response:
    """Today: the planned session first, then the pre-run warm-up and desk reset, then the rest."""
    user, now = current_user(), clock.now()
    view = services.today_view(store(), catalog(), user, now)
    today = services.local_today(user, now)
    sessions = store().session_facts(user.id or 0)  # read once for the plan and the streak
    plan = plans.plan_for(store(), catalog(), user, today, sessions=sessions)
    record, current_if_done_today = progress.streak_records(
        store(), user.id or 0, plan, today, sessions
    )
    planned = today_in_plan(plan, today)
    week = plan.week_of(today) if plan else None
    phone = phone_view.snapshot(record, plan_schedule(plan), today, week, MARK_LABELS)
    return render(
        "pages/today.html",
        view=view,
        planned=planned,
        today=today,
        record=record,
        current_if_done_today=current_if_done_today,
        phone=phone,
    )
