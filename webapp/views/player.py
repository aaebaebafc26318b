"""The guided player, the finish form and the finish screen."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from flask import Blueprint, Response, abort, redirect, url_for
from htmx_flask import request

from routines.catalog import Routine
from webapp import programs, services
from webapp.guests import current_user
from webapp.models import new_public_id
from webapp.views import catalog, render, store

bp = Blueprint("player", __name__)


def _player_page(
    routine: Routine, form: services.CompletionForm, status: int = 200, plan_day: str = ""
) -> Response:
    session = services.session_for(routine)
    session_data = {
        "routine": routine.slug,
        "name": routine.name,
        "totalSeconds": session.total_seconds,
        "steps": [step.as_dict() for step in session.steps],
        "todayUrl": url_for("today.today"),
    }
    return render(
        "pages/player.html",
        "finish_card",
        status,
        routine=routine,
        session=session,
        session_data=session_data,
        form=form,
        op_id=form.values.get("op_id") or new_public_id(),
        plan_day=plan_day,
    )


@bp.get("/play/<slug>")
def play(slug: str) -> Response:
    """The player for one routine (with `?day=`, that day's planned dosage): timer, counts, cues."""
    routine = catalog().routine(slug) or abort(404)
    day = request.args.get("day", "")
    if day:
        routine = _planned_routine(slug, day) or abort(404)
    return _player_page(routine, services.CompletionForm({}), plan_day=day)


def _planned_routine(slug: str, day: str) -> Routine | None:
    try:
        when = date.fromisoformat(day)
    except ValueError:
        return None
    user = current_user()
    plan = programs.plan_for(
        store(), catalog(), user, services.local_today(user, datetime.now(UTC))
    )
    planned = plan.day(when) if plan else None
    if planned is None or planned.routine is None or planned.routine.slug != slug:
        return None
    return planned.routine


@bp.post("/sessions")
def finish() -> Response:
    """Record a finished session once per Idempotency-Key, then show its summary."""
    user = current_user()
    op_id = request.headers.get("Idempotency-Key") or request.form.get("op_id")
    now = datetime.now(UTC)
    entry = services.parse_completion(request.form, op_id, catalog(), user, now)
    plan_day = request.form.get("plan_day", "")
    if isinstance(entry, services.CompletionForm):
        routine = catalog().routine(entry.values["routine"]) or abort(404)
        entry.values["op_id"] = op_id or ""
        planned = _planned_routine(routine.slug, plan_day) if plan_day else None
        return _player_page(planned or routine, entry, 422, plan_day if planned else "")
    if plan_day:
        # A planned session is logged at that day's dosage, as the player ran it.
        planned = _planned_routine(entry.routine.slug, plan_day)
        entry = replace(entry, routine=planned or entry.routine)
    completion, created = services.log_session(store(), user, entry)
    if not request.htmx:
        return redirect(url_for("player.summary", public_id=completion.public_id), 303)  # type: ignore[return-value]
    return render(
        "pages/session.html",
        "finish_card",
        201 if created else 200,
        completion=completion,
        routine=entry.routine,
    )


@bp.get("/sessions/<public_id>")
def summary(public_id: str) -> Response:
    """The finish screen of one of your sessions."""
    completion = store().completion(current_user().id or 0, public_id) or abort(404)
    routine = catalog().routine(completion.routine_slug) or abort(404)
    return render("pages/session.html", "finish_card", completion=completion, routine=routine)
