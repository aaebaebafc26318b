"""The guided player, the finish form and the finish screen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from flask import Blueprint, Response, abort, jsonify, redirect, url_for
from htmx_flask import request

from routines.catalog import Routine
from webapp import clock, inputs
from webapp.extensions import catalog, reminder_store, store
from webapp.presenters.finish import finish_preview
from webapp.services import plans as programs
from webapp.services import reminders
from webapp.services import sessions as services
from webapp.store.models import Completion, new_public_id
from webapp.store.training import SessionFacts
from webapp.views import render
from webapp.web.guests import current_user

bp = Blueprint("player", __name__)


def _player_page(
    routine: Routine,
    form: services.CompletionForm,
    status: int = 200,
    plan_day: str = "",
    sessions: Sequence[SessionFacts] | None = None,
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
        finish=finish_preview(
            store(), catalog(), current_user(), routine.slug, clock.now(), sessions
        ),
    )


@bp.get("/play/<slug>")
def play(slug: str) -> Response:
    """The player for one routine (with `?day=`, that day's planned dosage): timer, counts, cues."""
    routine = catalog().routine(slug) or abort(404)
    sessions = store().session_facts(current_user().id or 0)  # once: the plan and the streak
    day = request.args.get("day", "")
    if day:
        routine = _planned_routine(slug, day, sessions) or abort(404)
    return _player_page(routine, services.CompletionForm({}), plan_day=day, sessions=sessions)


def _planned_routine(
    slug: str, day: str, sessions: Sequence[SessionFacts] | None = None
) -> Routine | None:
    user = current_user()
    today = services.local_today(user, clock.now())
    try:
        when = inputs.plan_day(day, today)
    except inputs.Refused:
        return None
    plan = programs.plan_for(store(), catalog(), user, today, sessions=sessions)
    planned = plan.day(when) if plan else None
    if planned is None or planned.routine is None or planned.routine.slug != slug:
        return None
    return planned.routine


@bp.post("/sessions")
def finish() -> Response:
    """Record a finished session once per Idempotency-Key, then show its summary."""
    user = current_user()
    op_id = request.headers.get("Idempotency-Key") or request.form.get("op_id")
    now = clock.now()
    entry = services.parse_completion(request.form, op_id, catalog(), user, now)
    if not isinstance(entry, services.CompletionForm):
        entry = services.within_limits(store(), user, entry, request.form)
    plan_day = request.form.get("plan_day", "")
    if isinstance(entry, services.CompletionForm) and _for_outbox():
        return _refused(entry, now)
    if isinstance(entry, services.CompletionForm):
        routine = catalog().routine(entry.values["routine"]) or abort(404)
        entry.values["op_id"] = op_id or ""
        planned = _planned_routine(routine.slug, plan_day) if plan_day else None
        return _player_page(planned or routine, entry, 422, plan_day if planned else "")
    if plan_day:
        # A planned session is logged at that day's dosage, as the player ran it.
        planned = _planned_routine(entry.routine.slug, plan_day)
        entry = replace(entry, routine=planned or entry.routine)
    zone_before = user.time_zone
    completion, created = services.log_session(store(), user, entry)
    if user.time_zone != zone_before:  # the phone's zone became the user's: move reminders too
        reminders.reschedule(reminder_store(), user, now)
    if _for_outbox():
        answer = jsonify(public_id=completion.public_id, created=created)
        answer.status_code = 201 if created else 200
        return answer
    if not request.htmx:
        url = url_for("player.summary", public_id=completion.public_id, fresh="1")
        return redirect(url, 303)  # type: ignore[return-value]
    return render(
        "pages/session.html",
        "finish_card",
        201 if created else 200,
        completion=completion,
        routine=entry.routine,
        fresh=True,
    )


def _for_outbox() -> bool:
    """Whether the phone's script sent it (the outbox, the finish screen): it asks for JSON."""
    return bool(request.accept_mimetypes.best == "application/json")


def _refused(form: services.CompletionForm, now: datetime) -> Response:
    """422 in the server's words; `fix` says when moving it to the server's time would do."""
    answer = jsonify(
        error=" ".join(dict.fromkeys(form.errors.values())),
        errors=form.errors,
        fix="server-time" if form.only_clock_wrong else None,
        server_now=now.isoformat(),
    )
    answer.status_code = 422
    return answer


@bp.get("/sessions/<public_id>")
def summary(public_id: str) -> Response:
    """One of your sessions: what it held, how it felt, and its feedback to change."""
    completion = store().completion(current_user().id or 0, public_id) or abort(404)
    return _session_page(completion)


def _session_page(
    completion: Completion, form: services.CompletionForm | None = None, status: int = 200
) -> Response:
    values = {
        "effort": "" if completion.effort is None else str(completion.effort),
        "pain": "" if completion.pain is None else str(completion.pain),
        "note": completion.note,
    }
    exercises = [
        (catalog().exercises.get(row.exercise_slug), row)
        for row in store().exercises_of(completion.id or 0)
    ]
    return render(
        "pages/session.html",
        "feedback_form" if form else None,
        status,
        completion=completion,
        routine=catalog().routine(completion.routine_slug),
        exercises=exercises,
        feedback=form or services.CompletionForm(values),
        saved=request.args.get("saved") == "1",
        fresh=request.args.get("fresh") == "1",
    )


@bp.post("/sessions/<public_id>/feedback")
def change_feedback(public_id: str) -> Response:
    """Change a session's effort, pain or note (a changed pain level re-plans what comes next)."""
    user = current_user()
    completion = store().completion(user.id or 0, public_id) or abort(404)
    feedback = services.parse_feedback(request.form)
    if isinstance(feedback, services.CompletionForm) and _for_outbox():
        return _refused(feedback, clock.now())
    if isinstance(feedback, services.CompletionForm):
        return _session_page(completion, feedback, 422)
    store().set_feedback(user.id or 0, public_id, feedback.effort, feedback.pain, feedback.note)
    if _for_outbox():  # the player's finish screen, which stays where it is
        return jsonify(public_id=public_id, effort=feedback.effort, pain=feedback.pain)
    url = url_for("player.summary", public_id=public_id, saved="1", _anchor="feedback")
    return redirect(url, 303)  # type: ignore[return-value]
