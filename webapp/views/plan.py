"""The plan: onboarding, the weeks calendar, a day's session, skips, moves and vacations."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, redirect, url_for
from htmx_flask import request

from routines.plan.calendar import move_targets
from webapp import inputs
from webapp.extensions import catalog, store
from webapp.presenters.labels import program_choices
from webapp.presenters.plan_day import day_page
from webapp.services import plans
from webapp.views import Instead, local_today, render, render_kept
from webapp.web.guests import current_user

bp = Blueprint("plan", __name__)

#: The largest id a row can have (ids are 32-bit integers on PostgreSQL); a bigger one is a 404.
LARGEST_ID = 2**31 - 1
VACATION_DAYS = "Give the first and the last day of the vacation."


def _see_other(endpoint: str, day: str | None = None) -> Response:
    """303 to `endpoint` (with its `day`), the answer to a plain form POST."""
    url = url_for(endpoint, day=day) if day else url_for(endpoint)
    response: Response = redirect(url, 303)  # type: ignore[assignment]
    return response


def _day_or_404(text: str) -> date:
    """The day a plan's URL names; 404 when garbled or outside the limits."""
    try:
        return inputs.plan_day(text, local_today())
    except inputs.Refused:
        abort(404)


@bp.get("/start")
def onboarding() -> Response:
    """Four skippable questions that set up the plan."""
    form = plans.current_form(store(), current_user())
    return render("pages/onboarding.html", "program_form", form=form, choices=program_choices())


@bp.post("/start")
def save_onboarding() -> Response:
    """Save the answers (defaults for any skipped), then ask the skippable precautions step."""
    answers = plans.parse_program(request.form, _lists())
    if answers.errors:
        return render(
            "pages/onboarding.html", "program_form", 422, form=answers, choices=program_choices()
        )
    plans.save_program(store(), current_user(), answers, local_today())
    return _see_other("precautions.onboarding")


def _lists() -> dict[str, list[str]]:
    return {name: request.form.getlist(name) for name in ("days", "equipment")}


@bp.get("/plan")
def overview() -> Response:
    """The current phase and week, and the weeks around it as a calendar."""
    return _plan_page()


def _plan_page(error: str | None = None, status: int = 200) -> Response:
    today = local_today()

    def context() -> dict[str, Any]:
        plan = plans.plan_for(store(), catalog(), current_user(), today)
        if plan is None:
            raise Instead(_see_other("plan.onboarding"))
        current = plan.week_of(today)
        index = current.index - 1 if current else 0
        return {
            "plan": plan,
            "weeks": plan.weeks[max(0, index - 1) : index + 5],
            "current": current,
            "today": today,
            "vacations": plans.vacations(store(), current_user()),
            "error": error,
            "form": request.form,
        }

    htmx = request.htmx
    try:
        if error is None and request.method == "GET" and not (htmx and not htmx.boosted):
            return render_kept("pages/plan.html", None, context, today)
        values = context()
    except Instead as instead:
        return instead.response
    return render("pages/plan.html", "vacation_form", status, **values)


@bp.get("/plan/<day>")
def day(day: str) -> Response:
    """One planned day: its session and dosage, and what you can change about it."""
    return _day_page(_day_or_404(day))


def _day_page(when: date, error: str | None = None, status: int = 200) -> Response:
    today = local_today()
    plan = plans.plan_for(store(), catalog(), current_user(), today)
    planned = plan.day(when) if plan else None
    if plan is None or planned is None:
        abort(404)
    week = plan.week_of(when)
    return render(
        "pages/plan_day.html",
        "day_actions",
        status,
        planned=planned,
        page=day_page(planned, today),
        week=week,
        today=today,
        targets=move_targets(plan, when, today),
        skipped=when in plans.skipped_days(store(), current_user().id or 0),
        error=error,
    )


@bp.post("/plan/<day>/skip")
def skip(day: str) -> Response:
    """Skip this day's session; a missed strength day moves to a free day if it can."""
    when = _day_or_404(day)
    today = local_today()
    plan = plans.plan_for(store(), catalog(), current_user(), today) or abort(404)
    error = plans.skip_day(store(), current_user(), plan, when, today)
    if error:
        return _day_page(when, error, 422)
    return _see_other("plan.day", day=when.isoformat())


@bp.post("/plan/<day>/unskip")
def unskip(day: str) -> Response:
    """Take back a skip."""
    when = _day_or_404(day)
    plans.unskip_day(store(), current_user(), when)
    return _see_other("plan.day", day=when.isoformat())


@bp.post("/plan/<day>/move")
def move(day: str) -> Response:
    """Move this day's session to a free day later in the same week."""
    when = _day_or_404(day)
    today = local_today()
    plan = plans.plan_for(store(), catalog(), current_user(), today) or abort(404)
    try:
        target = inputs.plan_day(request.form.get("target", ""), today)
    except inputs.Refused:
        return _day_page(when, "Pick the day to move the session to.", 422)
    error = plans.move_day(store(), catalog(), current_user(), plan, when, target, today)
    if error:
        return _day_page(when, error, 422)
    return _see_other("plan.day", day=target.isoformat())


@bp.post("/plan/vacations")
def add_vacation() -> Response:
    """Set a vacation: no sessions and no reminders from the first to the last day."""
    today, days = local_today(), []
    for name, label in (("first", "The first day"), ("last", "The last day")):
        try:
            days.append(inputs.plan_day(request.form.get(name, ""), today))
        except inputs.Refused as refused:
            unreadable = refused.reason == inputs.READABLE_DAY
            return _plan_error(VACATION_DAYS if unreadable else refused.about(label))
    error = plans.add_vacation(store(), current_user(), *days)
    return _plan_error(error) if error else _see_other("plan.overview")


@bp.post(f"/plan/vacations/<int(max={LARGEST_ID}):event_id>/delete")
def delete_vacation(event_id: int) -> Response:
    """End a vacation early (or remove it)."""
    removed = plans.end_vacation(store(), current_user(), event_id)
    return _see_other("plan.overview") if removed else abort(404)


def _plan_error(message: str) -> Response:
    return _plan_page(message, 422)
