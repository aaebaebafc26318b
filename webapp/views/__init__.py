"""Blueprints, one per feature, and the page-or-fragment renderer they share."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date
from typing import Any

from flask import Flask, Response, current_app, make_response, render_template
from flask_wtf.csrf import generate_csrf
from htmx_flask import request
from jinja2_fragments.flask import render_block
from markupsafe import Markup

from routines.plan.calendar import day_label
from routines.plan.model import DayKind
from routines.session import estimated_minutes
from routines.streaks import safe_today
from webapp import clock, extensions
from webapp.presenters.labels import (
    GOAL_LABELS,
    MARK_LABELS,
    PLACE_LABELS,
    STATUS_NOTES,
    completion_minutes,
    heatmap_summary,
)
from webapp.services import derived, sessions
from webapp.services.derived import Found, Recent
from webapp.views.shelf import PageShelf
from webapp.web.guests import current_user


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


#: The blocks of a page `render_kept` keeps (those it defines), with base.html around them.
KEPT_BLOCKS = ("title", "head", "main", "scripts")
#: Pages' blocks by the user's data version (`derived.kept`), weighed in KB: the pages of the
#: users this process served last. Every process finds the others' in the database (`shelf`).
KEPT_PAGES: Recent[Found, dict[str, Markup]] = Recent(4 * 1024)
#: What a kept block holds where its forms' CSRF token goes: each of the user's devices (each
#: session) has its own token, put in as the block is served.
TOKEN_SLOT = "csrf-token-of-this-session"


def render_kept(
    template: str, asked: Hashable, context: Callable[[], dict[str, Any]], today: date
) -> Response:
    """The whole page, its blocks rendered again only after the user's data changed (or the
    day, or what `asked` holds: whatever else the blocks read).

    Only for a page whose blocks read nothing of the request or the session beyond what
    `asked` and the user's data hold, and the CSRF token, which is put in afresh.
    """

    def build() -> dict[str, Markup]:
        values = context() | {"csrf_token": lambda: TOKEN_SLOT}
        defined = current_app.jinja_env.get_template(template).blocks
        return {
            name: Markup(render_block(template, name, **values))
            for name in KEPT_BLOCKS
            if name in defined
        }

    if not current_app.config.get("KEEP_PAGES", True):
        return render(template, **context())

    def weight(blocks: dict[str, Markup]) -> int:
        return sum(map(len, blocks.values())) // 1024 + 1

    store, catalog, user = extensions.store(), extensions.catalog(), current_user()
    found = (template, asked)
    shelf = PageShelf(store, template)
    kept = derived.kept(KEPT_PAGES, store, catalog, user, today, found, build, weight, shelf)
    token = generate_csrf()
    blocks = {name: html.replace(TOKEN_SLOT, token) for name, html in kept.items()}
    response = make_response(render_template("kept_page.html", blocks=blocks, today=today))
    response.vary.add("HX-Request")
    return response


def routine_name(slug: str) -> str:
    """The routine's name, or its slug when the library no longer has it."""
    routine = extensions.catalog().routine(slug)
    return routine.name if routine else slug.replace("-", " ").capitalize()


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
        status_notes=STATUS_NOTES,
        push_key=extensions.vapid_public,
    )


def local_today() -> date:
    """The user's date today, in their time zone."""
    return sessions.local_today(current_user(), clock.now())
