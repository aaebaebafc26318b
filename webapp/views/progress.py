"""Progress: the streak, the heatmap and month calendar, the history list, an exercise's weeks."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort
from htmx_flask import request

from routines import heatmap as layout
from routines.bounds import EARLIEST_DATE
from routines.streaks import Mark, plan_schedule, week_adherence
from webapp import inputs
from webapp.extensions import catalog, store
from webapp.presenters import phone_view
from webapp.presenters.charts import line_chart
from webapp.services import plans, progress
from webapp.views import MARK_LABELS, render
from webapp.views.plan import local_today
from webapp.web.guests import current_user

bp = Blueprint("progress", __name__)

#: The part of the page an htmx request asks for, by the id of the element it replaces.
FRAGMENTS = {"month-section": "month_view", "exercise-chart": "exercise_chart"}
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
    user, today = current_user(), local_today()
    sessions = store().session_facts(user.id or 0)  # read once for the plan and the streak
    plan = plans.plan_for(store(), catalog(), user, today, sessions=sessions)
    record, current_if_done_today = progress.streak_records(
        store(), user.id or 0, plan, today, sessions
    )
    shown = _month(request.args.get("month"), today)
    choices = progress.exercise_choices(store(), catalog(), user.id or 0, today)
    chosen = request.args.get("exercise") or (choices[0].slug if choices else "")
    chart = progress.exercise_chart(store(), catalog(), user.id or 0, chosen, today)
    block = FRAGMENTS.get(request.headers.get("HX-Target", ""))
    week = plan.week_of(today) if plan else None
    response = render(
        "pages/progress.html",
        block,
        record=record,
        current_if_done_today=current_if_done_today,
        today=today,
        today_mark=record.on(today),
        adherence=week_adherence(week),
        phone=phone_view.snapshot(record, plan_schedule(plan), today, week, MARK_LABELS),
        heatmap=layout.heatmap(record, today),
        month=layout.month(record, shown.year, shown.month, today),
        earliest=EARLIEST_DATE,  # no month before it to go back to
        history=progress.history_page(store(), user.id or 0, 1),
        choices=choices,
        chosen=chosen,
        chart=chart,
        geometry=line_chart(chart.points) if chart else None,
        marks=Mark,
    )
    response.vary.add("HX-Target")
    return response


@bp.get("/progress/history")
def history() -> Response:
    """More of the history list (htmx appends it); the whole page without htmx."""
    try:
        page = inputs.whole(request.args.get("page", "1"), 1, MOST_HISTORY_PAGES)
    except inputs.Refused:
        abort(404)
    found = progress.history_page(store(), current_user().id or 0, page)
    return render("pages/history.html", "history_items", history=found)
