"""The guided player, the finish form and the finish screen."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, jsonify, redirect, url_for
from htmx_flask import request

from routines.catalog.model import Routine
from routines.precautions import Change, Screened
from webapp import clock
from webapp.extensions import catalog, reminder_store, store
from webapp.presenters.finish import finish_preview, timeline
from webapp.services import precautions, progress, sessions
from webapp.services.progress import Standing
from webapp.store.models import Completion, new_public_id
from webapp.views import render
from webapp.web.guests import current_user

bp = Blueprint("player", __name__)


def _player_page(
    routine: Routine,
    form: sessions.CompletionForm,
    standing: Standing,
    status: int = 200,
    plan_day: str = "",
) -> Response:
    screened = precautions.screened(routine, catalog(), current_user())
    routine = screened.routine
    session = sessions.session_for(routine)
    return render(
        "pages/player.html",
        "finish_card",
        status,
        routine=routine,
        session=session,
        session_data=timeline(routine, session),
        form=form,
        op_id=form.values.get("op_id") or new_public_id(),
        plan_day=plan_day,
        finish=finish_preview(standing, routine.slug),
        changes=_changes(screened, routine.slug),
    )


def _changes(screened: Screened, slug: str) -> tuple[Change, ...]:
    """What the precautions changed in the library's routine: a plan day's routine comes
    already screened by the plan, so its changes are those of the routine it came from."""
    if screened.changes:
        return screened.changes
    original = catalog().routine(slug)
    if original is None:
        return ()
    return precautions.screened(original, catalog(), current_user()).changes


def _standing() -> Standing:
    """The user's plan and streak today, for the player's plan day and finish screen."""
    user = current_user()
    return progress.standing(store(), catalog(), user, sessions.local_today(user, clock.now()))


@bp.get("/play/<slug>")
def play(slug: str) -> Response:
    """The player for one routine (with `?day=`, that day's planned dosage): timer, counts, cues."""
    routine = catalog().routine(slug) or abort(404)
    standing, day = _standing(), request.args.get("day", "")
    if day:
        planned = sessions.planned_routine(standing.plan, slug, day, standing.today)
        routine = planned or abort(404)
    return _player_page(routine, sessions.CompletionForm({}), standing, plan_day=day)


@bp.post("/sessions")
def finish() -> Response:
    """Record a finished session once per Idempotency-Key, then show its summary."""
    user, now = current_user(), clock.now()
    op_id = request.headers.get("Idempotency-Key") or request.form.get("op_id")
    form = request.form
    recorded = sessions.record_session(store(), reminder_store(), catalog(), user, form, op_id, now)
    if isinstance(recorded, sessions.CompletionForm):
        return _refused(recorded, now) if _for_outbox() else _finish_again(recorded, op_id)
    completion, status = recorded.completion, 201 if recorded.created else 200
    if _for_outbox():
        answer = jsonify(public_id=completion.public_id, created=recorded.created)
        answer.status_code = status
        return answer
    if not request.htmx:
        url = url_for("player.summary", public_id=completion.public_id, fresh="1")
        return redirect(url, 303)  # type: ignore[return-value]
    context = {"completion": completion, "routine": recorded.routine, "fresh": True}
    return render("pages/session.html", "finish_card", status, **context)


def _finish_again(form: sessions.CompletionForm, op_id: str | None) -> Response:
    """The player with the finish form as sent and its messages (422)."""
    routine = catalog().routine(form.values["routine"]) or abort(404)
    form.values["op_id"] = op_id or ""
    standing, plan_day = _standing(), form.values.get("plan_day", "")
    planned = sessions.planned_routine(standing.plan, routine.slug, plan_day, standing.today)
    return _player_page(planned or routine, form, standing, 422, plan_day if planned else "")


def _for_outbox() -> bool:
    """Whether the phone's script sent it (the outbox, the finish screen): it asks for JSON."""
    return bool(request.accept_mimetypes.best == "application/json")


def _refused(form: sessions.CompletionForm, now: datetime) -> Response:
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
    completion = sessions.find_session(store(), current_user(), public_id) or abort(404)
    return _session_page(completion)


def _session_page(
    completion: Completion, form: sessions.CompletionForm | None = None, status: int = 200
) -> Response:
    values = {
        "effort": "" if completion.effort is None else str(completion.effort),
        "pain": "" if completion.pain is None else str(completion.pain),
        "note": completion.note,
    }
    return render(
        "pages/session.html",
        "feedback_form" if form else None,
        status,
        completion=completion,
        routine=catalog().routine(completion.routine_slug),
        exercises=sessions.session_exercises(store(), catalog(), completion),
        feedback=form or sessions.CompletionForm(values),
        saved=request.args.get("saved") == "1",
        fresh=request.args.get("fresh") == "1",
    )


@bp.post("/sessions/<public_id>/feedback")
def change_feedback(public_id: str) -> Response:
    """Change a session's effort, pain or note (a changed pain level re-plans what comes next)."""
    user = current_user()
    completion = sessions.find_session(store(), user, public_id) or abort(404)
    feedback = sessions.parse_feedback(request.form)
    if isinstance(feedback, sessions.CompletionForm) and _for_outbox():
        return _refused(feedback, clock.now())
    if isinstance(feedback, sessions.CompletionForm):
        return _session_page(completion, feedback, 422)
    sessions.save_feedback(store(), user, public_id, feedback)
    if _for_outbox():  # the player's finish screen, which stays where it is
        return jsonify(public_id=public_id, effort=feedback.effort, pain=feedback.pain)
    url = url_for("player.summary", public_id=public_id, saved="1", _anchor="feedback")
    return redirect(url, 303)  # type: ignore[return-value]
