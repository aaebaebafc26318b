"""Routes for machines and for no signal: the health check, the service worker, the offline page."""

from __future__ import annotations

from flask import Blueprint, Response, current_app

from webapp.extensions import catalog
from webapp.pwa import service_worker
from webapp.views import figures, render

bp = Blueprint("meta", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """Answers 'ok' while the app is up; load balancers and benchmarks use it."""
    return Response("ok", mimetype="text/plain")


@bp.get("/service-worker.js")
def worker() -> Response:
    """The service worker, never cached by HTTP so browsers notice a new version at once."""
    quick_starts = [r.slug for r in catalog().routines.values() if r.quick_start]
    salt = str(current_app.config.get("SERVICE_WORKER_SALT", ""))
    made = [figures.stylesheet_url()]  # figures move in sessions played with no signal too
    response = Response(service_worker.script(quick_starts, salt, made), mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/offline")
def offline() -> Response:
    """What a page not saved on this phone shows with no signal."""
    return render("pages/offline.html", catalog_routines=list(catalog().routines.values()))
