"""The figures' stylesheet and the contact sheet command.

The CSS that moves the figures is generated from the library, so it is served from a route
rather than a static file: under the Content-Security-Policy's `style-src 'self'` it loads like
any stylesheet, with no inline `<style>` and no nonce. Its address carries a hash of its content
(`?v=...`), so browsers and the service worker may keep it for a year and still never run a
stale one after the library changes.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import click
from flask import Blueprint, Response, current_app, request, url_for
from markupsafe import Markup

from routines.catalog.model import Exercise, Routine
from webapp.extensions import catalog
from webapp.presenters.figures import figure_svg, library_stylesheet
from webapp.presenters.figures.contact_sheet import contact_sheet_html, write_contact_sheet

bp = Blueprint("figures", __name__, cli_group=None)

YEAR = 365 * 24 * 60 * 60


@cache
def _version(css: str) -> str:
    return hashlib.sha256(css.encode()).hexdigest()[:12]


@bp.app_template_global("figures_css_url")
def stylesheet_url() -> str:
    """The stylesheet's address, with its content's hash so a change is a new address."""
    return url_for("figures.stylesheet", v=_version(library_stylesheet(catalog())))


@bp.app_template_global("figure")
def figure_markup(
    slug: str,
    *,
    animated: bool = False,
    label: str | None = None,
    css_class: str = "",
    data: dict[str, str] | None = None,
    frame: int | None = None,
) -> Markup:
    """An exercise's figure for a template: still (key pose, or keyframe `frame`) unless
    `animated`. A moving figure says the move in words; a small still one, beside its text,
    names the move pictured."""
    found = catalog().figures[slug]
    if label is None and not animated:
        label = f"Move pictured: {catalog().exercises[slug].name}"
    return figure_svg(
        found, animated=animated, label=label, css_class=css_class, data=data, frame=frame
    )


@bp.app_template_global("player_moves")
def player_moves(routine: Routine) -> list[tuple[Exercise, dict[str, str]]]:
    """Each exercise of `routine` once, in order, with what the player needs of its figure:
    the first cue, shown under it in one line, and how many reps one cycle of it shows."""
    moves: dict[str, tuple[Exercise, dict[str, str]]] = {}
    for prescription in routine.prescriptions:
        exercise = prescription.exercise
        figure = catalog().figures[exercise.slug]
        facts = {"exercise": exercise.slug, "cue": exercise.cues[0]}
        facts["cycle-reps"] = str(figure.reps_per_cycle)
        moves.setdefault(exercise.slug, (exercise, facts))
    return list(moves.values())


@bp.get("/figures.css")
def stylesheet() -> Response:
    """The animations of every exercise's figure, generated from their keyframes."""
    css = library_stylesheet(catalog())
    response = Response(css, mimetype="text/css")
    if request.args.get("v") == _version(css):
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    else:
        response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    response.make_conditional(request)
    return response


@bp.cli.command("figures")
@click.option("--out", default="build/figures", show_default=True, help="folder to write into")
def figures_command(out: str) -> None:
    """Draw every exercise's keyframes on one contact sheet (HTML, and a PNG via Chromium)."""
    library = catalog()
    entries = [(library.exercises[slug], figure) for slug, figure in library.figures.items()]
    folder = Path(current_app.root_path).parent / out
    for path in write_contact_sheet(folder, contact_sheet_html(entries)):
        click.echo(f"{path}: {path.stat().st_size} bytes")
