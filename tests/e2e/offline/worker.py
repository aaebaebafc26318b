"""The offline tests' live server and steps on a phone's service worker, caches and outbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask
from playwright.sync_api import Page
from sqlalchemy import func
from sqlmodel import Session, select

from routines.catalog.load import load_catalog
from tests.e2e.conftest import timeline
from webapp.pwa import service_worker
from webapp.store.models import Completion

WARM_UP = timeline("pre-run-warm-up")

#: What Chromium and htmx log when a request finds no network; tests that go offline expect them.
OFFLINE_NOISE = (
    r"net::ERR_INTERNET_DISCONNECTED",
    r"net::ERR_FAILED",
    r"htmx:sendError",
    r"htmx:afterRequest",
)
OUTBOX = "HipdayOutbox.all()"


@dataclass
class Hipday:
    """The app served on 127.0.0.1 from a thread."""

    url: str
    app: Flask

    def __call__(self, path: str = "/") -> str:
        return self.url + path

    def deploy(self, salt: str) -> str:
        """Serve a new service worker version from now on; returns that version."""
        self.app.config["SERVICE_WORKER_SALT"] = salt
        return f"{service_worker.files_hash()}-{salt}"

    def stored(self, op_id: str) -> int:
        """How many completions the server keeps under `op_id` (whoever sent them)."""
        engine = self.app.extensions["hipday"].store.engine
        with Session(engine) as session:
            query = select(func.count()).select_from(Completion).where(Completion.op_id == op_id)
            return int(session.exec(query).one())


def open_with_worker(page: Page, url: str) -> None:
    """A first visit installs the worker; after one reload it controls the page."""
    page.goto(url)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null"), (
        "the service worker does not control the page after a reload"
    )


def saved_pages(page: Page) -> list[str]:
    urls: list[str] = page.evaluate(
        "caches.keys().then((names) => caches.open(names.find((n) => n.startsWith('hipday-pages-'))))"
        ".then((cache) => cache.keys()).then((requests) => requests.map((r) => r.url))"
    )
    return urls


def outbox(page: Page) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = page.evaluate(OUTBOX)
    return entries


def never_visited_page() -> str:
    """An exercise page no test here opens online, so no phone has it saved."""
    return "/exercises/" + sorted(load_catalog().exercises)[-1]
