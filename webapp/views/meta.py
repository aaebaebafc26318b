"""Routes for machines and for no signal: the health check, the service worker, the offline page."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, url_for

from webapp.extensions import catalog
from webapp.pwa import service_worker
from webapp.views import figures, render

bp = Blueprint("meta", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """Answers 'ok' while the app is up; load balancers and benchmarks use it."""
    return Response("ok", mimetype="text/plain")


def _worker_urls() -> service_worker.WorkerUrls:
    return service_worker.WorkerUrls(
        static_root=url_for("static", filename=""),
        manifest=url_for("pwa.manifest"),
        figures=url_for("figures.stylesheet"),
        offline=url_for("meta.offline"),
        home=url_for("today.today"),
        reminder_settings=url_for("reminders.page"),
        reminder_act=url_for("reminders.act"),
    )


def _shell_pages() -> list[str]:
    """Pages every install keeps for offline use: Today, Progress, offline, the hip check and the
    quick starts."""
    quick_starts = [r.slug for r in catalog().routines.values() if r.quick_start]
    shell = [url_for("today.today"), url_for("progress.overview"), url_for("meta.offline")]
    shell.append(url_for("hip_check.page"))  # the check measures with the phone alone, offline
    return [*shell, *(url_for("player.play", slug=slug) for slug in quick_starts)]


@bp.get("/service-worker.js")
def worker() -> Response:
    """The service worker, never cached by HTTP so browsers notice a new version at once."""
    salt = str(current_app.config.get("SERVICE_WORKER_SALT", ""))
    made = [figures.stylesheet_url()]  # figures move in sessions played with no signal too
    source = service_worker.script(_worker_urls(), _shell_pages(), salt, made)
    response = Response(source, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/offline")
def offline() -> Response:
    """What a page not saved on this phone shows with no signal."""
    return render("pages/offline.html", catalog_routines=list(catalog().routines.values()))
