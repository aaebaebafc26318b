"""Blueprints, one per feature, and the page-or-fragment renderer they share."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date
from typing import Any

from flask import Flask, Response, current_app, make_response, render_template
from flask_wtf.csrf import generate_csrf
from htmx_flask import request
from jinja2_fragments.flask import render_block

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
from webapp.web.guests import current_user, known_version
from webapp.web.gzip_pieces import Pieces


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


#: Pages by the user's data version (`derived.kept`), deflated in pieces as the database keeps
#: them (a fifth of their size, `web/gzip_pieces.py`), weighed in KB: the pages of the users
#: this process served last. Every process finds the others' in the database (`shelf`).
KEPT_PAGES: Recent[Found, Pieces] = Recent(2 * 1024)


class Instead(Exception):
    """A page's context can't be built, and `response` is the answer instead (a redirect):
    raised by the context `render_kept` is given, nothing is kept."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


#: What a kept page holds where its forms' CSRF token goes: each of the user's devices (each
#: session) has its own token, put in as the page is served.
TOKEN_SLOT = "csrf-token-of-this-session"
#: What a kept page holds where the moment it is served goes (the phone's offline copy says how
#: old it is).
MOMENT_SLOT = "moment-this-page-is-served"


def render_kept(
    template: str, asked: Hashable, context: Callable[[], dict[str, Any]], today: date
) -> Response:
    """The whole page, rendered again only after the user's data changed (or the day, or what
    `asked` holds: whatever else the page reads).

    Only for a page that reads nothing of the request or the session beyond its endpoint, the
    user's row (their time zone settings), what `asked` and the user's data hold, and the
    CSRF token and the moment, which are put in afresh. A browser that takes gzip gets the
    page gzipped from its kept pieces (`web/gzip_pieces.py`), not compressed again.
    """
    if not current_app.config.get("KEEP_PAGES", True):
        return render(template, **context())

    def build() -> Pieces:
        slots = {"csrf_token": lambda: TOKEN_SLOT, "rendered_at": lambda: MOMENT_SLOT}
        with store.reading():  # a page's reads: one snapshot, one connection
            html = render_template(template, **(context() | slots))
        return Pieces.of(html, (TOKEN_SLOT, MOMENT_SLOT))

    def weight(page: Pieces) -> int:
        return page.size // 1024 + 1

    store, catalog, user = extensions.store(), extensions.catalog(), current_user()
    found = (template, request.endpoint, user.time_zone_auto, asked)
    shelf = PageShelf(store, template)
    version = known_version(user)
    page = derived.kept(
        KEPT_PAGES, store, catalog, user, today, found, build, weight, shelf, version
    )
    values = {TOKEN_SLOT: generate_csrf(), MOMENT_SLOT: _moment()}
    if request.accept_encodings["gzip"]:
        response = make_response(page.gzipped(values))
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = make_response(page.text(values))
    response.vary.update(("HX-Request", "Accept-Encoding"))
    return response


def _moment() -> str:
    return clock.now().isoformat(timespec="seconds")


def routine_name(slug: str) -> str:
    """The routine's name, or its slug when the library no longer has it."""
    routine = extensions.catalog().routine(slug)
    return routine.name if routine else slug.replace("-", " ").capitalize()


def init_app(app: Flask) -> None:
    """Words and figures every template may use."""
    app.jinja_env.globals.update(
        streak_line=safe_today,
        rendered_at=_moment,
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
