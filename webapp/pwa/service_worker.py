"""The service worker script as served: `service-worker.js` with its version and precache lists.

The version is a hash of every file the cached app is made of (the worker itself, static files,
templates), so any change to them makes browsers install a new worker and fetch fresh copies.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "service-worker.js"
STATIC = ROOT / "static"
TEMPLATES = ROOT / "templates"
#: Pages every install keeps for offline use (the quick-start players are added to these).
SHELL_PAGES = ("/", "/progress", "/offline")
STATIC_SUFFIXES = {".css", ".js", ".svg", ".png", ".webmanifest"}


def static_files() -> list[str]:
    """URLs of the static files the app shell needs offline (the manifest at its own address)."""
    return sorted(
        [
            "/manifest.webmanifest",
            *(
                "/static/" + path.relative_to(STATIC).as_posix()
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


def script(quick_starts: Iterable[str], salt: str = "", generated: Iterable[str] = ()) -> str:
    """The worker's source with VERSION and the lists filled in; `salt` forces a new version.

    `generated` are static files the app makes (the figures' stylesheet): their addresses carry
    their content's hash, so a changed one is a new address in a changed worker.
    """
    made = sorted(generated)
    version = files_hash() if not salt else f"{files_hash()}-{salt}"
    pages = [*SHELL_PAGES, *(f"/play/{slug}" for slug in quick_starts)]
    return (
        SCRIPT.read_text(encoding="utf-8")
        .replace("__HIPDAY_VERSION__", version)
        .replace("__HIPDAY_STATIC__", json.dumps(static_files() + made))
        .replace("__HIPDAY_PAGES__", json.dumps(pages))
    )
