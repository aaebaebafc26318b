"""Blueprints, one per feature, and the page-or-fragment renderer they share."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, make_response, render_template
from htmx_flask import request
from jinja2_fragments.flask import render_block

from routines.catalog import Goal
from routines.finder import Where
from routines.heatmap import Heatmap
from routines.plan.calendar import day_label
from routines.plan.model import DayKind
from routines.session import estimated_minutes, session_minutes
from routines.streaks import Mark, safe_today
from webapp import clock, extensions
from webapp.store.models import Completion


def render(template: str, block: str | None = None, status: int = 200, **context: Any) -> Response:
    """The whole page, or only `block` for an htmx request that is not a boost or history restore.

    One URL serves both, so every such response says `Vary: HX-Request` to keep caches honest.
    """
    htmx = request.htmx
    if block and htmx and not htmx.boosted and not htmx.history_restore_request:
        html = render_block(template, block, **context)
    else:
        html = render_template(template, **context)
    response = make_response(html, status)
    response.vary.add("HX-Request")
    return response


GOAL_LABELS = {
    Goal.RUNNING: "Warm-ups for running",
    Goal.DESK: "Desk breaks",
    Goal.LIFTING: "Hip strength for lifting",
    Goal.GENERAL: "General hip health",
}
STATUS_LABELS = {
    "planned": "planned",
    "done": "done",
    "missed": "missed",
    "skipped": "skipped",
    "moved": "moved",
    "vacation": "vacation",
}
PLACE_LABELS = {
    Where.STANDING: "Standing only",
    Where.SEATED: "Seated only",
    Where.NO_FLOOR: "Seated or standing (no floor)",
}


MARK_LABELS = {
    Mark.DONE: "done",
    Mark.REST: "rest",
    Mark.FROZEN: "freeze",
    Mark.VACATION: "vacation",
    Mark.MISSED: "missed",
    Mark.PENDING: "to do",
}


def heatmap_summary(heatmap: Heatmap) -> str:
    """The heatmap in words, for screen readers."""
    parts = [
        f"{heatmap.count(mark)} {label}"
        for mark, label in (
            (Mark.DONE, "days with a session"),
            (Mark.REST, "rest days"),
            (Mark.FROZEN, "days covered by a freeze"),
            (Mark.VACATION, "vacation days"),
            (Mark.MISSED, "missed days"),
        )
        if heatmap.count(mark)
    ]
    span = f"{heatmap.first:%-d %B %Y} to {heatmap.last:%-d %B %Y}"
    return f"From {span}: " + (", ".join(parts) if parts else "no sessions yet") + "."


def routine_name(slug: str) -> str:
    """The routine's name, or its slug when the library no longer has it."""
    routine = extensions.catalog().routine(slug)
    return routine.name if routine else slug.replace("-", " ").capitalize()


def completion_minutes(completion: Completion) -> int:
    """A stored session's length in whole minutes, as History and the session page show it."""
    seconds = (completion.ended_at - completion.started_at).total_seconds()
    return session_minutes(seconds, completion.steps_done)


def init_app(app: Flask) -> None:
    """Words and figures every template may use."""
    app.jinja_env.globals.update(
        streak_line=safe_today,
        rendered_at=lambda: clock.now().isoformat(timespec="seconds"),
        heatmap_summary=heatmap_summary,
        mark_labels={mark.value: label for mark, label in MARK_LABELS.items()},
        routine_name=routine_name,
        session_minutes=completion_minutes,
        routine_minutes=estimated_minutes,
        goal_labels={goal.value: label for goal, label in GOAL_LABELS.items()},
        place_labels={where.value: label for where, label in PLACE_LABELS.items()},
        day_labels={kind.value: day_label(kind) for kind in DayKind},
        status_labels=STATUS_LABELS,
        push_key=extensions.vapid_public,
    )
