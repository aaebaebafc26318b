"""What makes Hipday installable: the web app manifest, and the command that draws its icons."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Blueprint, Response, current_app, request

from webapp.pwa.icons import render_icons

bp = Blueprint("pwa", __name__)


def _static_folder() -> Path:
    return Path(current_app.static_folder or "static")


@bp.get("/manifest.webmanifest")
def manifest() -> Response:
    """The web app manifest; `no-cache` so a changed name or icon reaches phones on next launch."""
    # Sent from memory rather than as a streamed file: Flask-Compress would stream the file and
    # ClosingCompress close it unread. The ETag still lets browsers revalidate with a 304.
    document = (_static_folder() / "manifest.webmanifest").read_bytes()
    response = Response(document, mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    response.make_conditional(request)
    return response


@bp.cli.command("icons")
def icons_command() -> None:
    """Redraw the PNG icons in static/icons/ from their SVGs (needs Playwright and Chromium)."""
    folder = _static_folder() / "icons"
    for target in render_icons(folder):
        click.echo(f"{target.relative_to(folder.parent.parent)}: {target.stat().st_size} bytes")
