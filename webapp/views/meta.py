"""Small routes for machines: the health check."""

from __future__ import annotations

from flask import Blueprint, Response

bp = Blueprint("meta", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """Answers 'ok' while the app is up; load balancers and benchmarks use it."""
    return Response("ok", mimetype="text/plain")
