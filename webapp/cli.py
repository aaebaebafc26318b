"""Flask commands: `flask --app webapp init` prepares the instance folder and the database."""

from __future__ import annotations

import click
from flask import Flask, current_app

from webapp.db import migrate
from webapp.store import Store


@click.command("init")
def init_command() -> None:
    """Apply the database migrations (the secret key is made when the app starts)."""
    store: Store = current_app.extensions["hipday.store"]
    migrate(store.engine)
    click.echo(f"Database ready: {store.engine.url.render_as_string(hide_password=True)}")


def init_app(app: Flask) -> None:
    app.cli.add_command(init_command)
