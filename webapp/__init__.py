"""Hipday's web application: `create_app()` builds it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from htmx_flask import Htmx

from routines.catalog import load_catalog
from webapp import cli, clock, errors, guests, limits, security, views
from webapp.account_store import Accounts
from webapp.compression import ClosingCompress
from webapp.config import default_config, secret_key
from webapp.db import make_engine
from webapp.push import application_server_key, insecure_endpoints, load_vapid
from webapp.reminder_store import ReminderStore
from webapp.store import Store
from webapp.views import account, data, meta, plan, player, progress, pwa, routines, settings, today
from webapp.views import figures as figure_pages
from webapp.views import reminders as reminder_pages

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
    app.extensions["hipday.catalog"] = load_catalog()
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["hipday.store"] = Store(engine)
    app.extensions["hipday.reminders"] = ReminderStore(engine)
    app.extensions["hipday.accounts"] = Accounts(engine)
    vapid = load_vapid(Path(app.instance_path), app.config["VAPID_PRIVATE_KEY"])
    app.extensions["hipday.vapid"] = vapid
    app.extensions["hipday.vapid_public"] = application_server_key(vapid)
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
        today.bp, routines.bp, player.bp, plan.bp, progress.bp, settings.bp, reminder_pages.bp,
        meta.bp, pwa.bp, account.bp,
    ):  # fmt: skip
        app.register_blueprint(blueprint)
    app.register_blueprint(data.bp)
    app.register_blueprint(figure_pages.bp)
    return app
