"""The service worker script as served: `service-worker.js` with its version, addresses and lists.

The version is a hash of every file the cached app is made of (the worker itself, static files,
templates), so any change to them makes browsers install a new worker and fetch fresh copies.
The addresses come from the app (`url_for`, in the view that serves the worker), so no path is
written twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "service-worker.js"
STATIC = ROOT / "static"
TEMPLATES = ROOT / "templates"
STATIC_SUFFIXES = {".css", ".js", ".svg", ".png", ".webmanifest"}
#: The classic scripts the worker loads with importScripts, under static/.
WORKER_SCRIPTS = (
    "js/session-facts.js",
    "js/outbox.js",
    "js/reminder-actions.js",
    "js/with-timeout.js",
)


@dataclass(frozen=True)
class WorkerUrls:
    """The app's addresses the worker needs, as the app's routes make them."""

    static_root: str  # the static folder's address, ending in "/"
    manifest: str
    figures: str  # the figures' stylesheet, without its ?v=
    offline: str
    home: str
    reminder_settings: str
    reminder_act: str

    def for_script(self) -> dict[str, object]:
        """The addresses as the worker reads them, with its icon and the scripts it imports."""
        return {
            "staticRoot": self.static_root,
            "manifest": self.manifest,
            "figures": self.figures,
            "offline": self.offline,
            "home": self.home,
            "reminderSettings": self.reminder_settings,
            "reminderAct": self.reminder_act,
            "icon": self.static_root + "icons/icon-192.png",
            "scripts": [self.static_root + path for path in WORKER_SCRIPTS],
        }


def static_files(urls: WorkerUrls) -> list[str]:
    """URLs of the static files the app shell needs offline (the manifest at its own address)."""
    return sorted(
        [
            urls.manifest,
            *(
                urls.static_root + path.relative_to(STATIC).as_posix()
                for path in STATIC.rglob("*")
                if path.is_file()
                and path.suffix in STATIC_SUFFIXES
                and path.name != "manifest.webmanifest"
            ),
        ]
    )


@cache
def files_hash() -> str:
    digest = hashlib.sha256()
    files = [SCRIPT, *sorted(p for p in (*STATIC.rglob("*"), *TEMPLATES.rglob("*")) if p.is_file())]
    for path in files:
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def script(
    urls: WorkerUrls, pages: Iterable[str], salt: str = "", generated: Iterable[str] = ()
) -> str:
    """The worker's source with VERSION, URLS and the lists filled in; `salt` forces a new version.

    `pages` are the pages every install keeps for offline use. `generated` are static files the
    app makes (the figures' stylesheet): their addresses carry their content's hash, so a changed
    one is a new address in a changed worker.
    """
    made = sorted(generated)
    version = files_hash() if not salt else f"{files_hash()}-{salt}"
    return (
        SCRIPT.read_text(encoding="utf-8")
        .replace("__HIPDAY_VERSION__", version)
        .replace("__HIPDAY_STATIC__", json.dumps(static_files(urls) + made))
        .replace("__HIPDAY_PAGES__", json.dumps(list(pages)))
        .replace("__HIPDAY_URLS__", json.dumps(urls.for_script()))
    )
