"""Hipday's web application: `create_app()` builds it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from htmx_flask import Htmx

from webapp import cli, clock, extensions, views
from webapp.config import default_config, secret_key
from webapp.push.sender import insecure_endpoints
from webapp.views import (
    account,
    data,
    figures,
    hip_check,
    hip_checks,
    meta,
    plan,
    player,
    precautions,
    progress,
    pwa,
    reminders,
    routines,
    settings,
    today,
)
from webapp.web import errors, guests, limits, security
from webapp.web.compression import ClosingCompress

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app; `config` overrides the defaults (tests pass a temporary database)."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        static_folder=str(ROOT / "static"),
        template_folder=str(ROOT / "templates"),
    )
    app.config.update(default_config(Path(app.instance_path)))
    app.config.update(config or {})
    insecure_endpoints(app.config)  # refuses to start with the tests' push setting outside tests
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(Path(app.instance_path))
    extensions.init_app(app)
    clock.init_app(app)
    Htmx(app)
    ClosingCompress(app)
    security.init_app(app)
    guests.init_app(app)
    limits.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    views.init_app(app)
    for blueprint in (
        today.bp, routines.bp, player.bp, plan.bp, progress.bp, settings.bp, reminders.bp,
        meta.bp, pwa.bp, account.bp,
    ):  # fmt: skip
        app.register_blueprint(blueprint)
    app.register_blueprint(data.bp)
    app.register_blueprint(figures.bp)
    app.register_blueprint(precautions.bp)
    app.register_blueprint(hip_check.bp)
    app.register_blueprint(hip_checks.bp)
    return app
