"""Kept pages shared by every web process: a rendered page, in the database.

`render_kept` keeps a page in its own process (`KEPT_PAGES`) under the user's data
version. A process that has not rendered them yet (another gunicorn worker, another machine, a
worker just started) reads it from the `keptpage` row (`KeptPage`) instead of rendering it
from the history; the process that renders it first writes it there. So a page is built
once per change of the user's data and day, for every process together, and no process needs
to hold many users' pages to be fast.

A row's key is a digest of everything the page was rendered from: the code, templates,
static files and exercise library of this release (one digest per process), the app's push key
and service worker salt, the user, their data version, the day, their precautions and time
zone, and what the page asked for. A request whose digest differs (a new release, a write, a new
day) doesn't use the row, and replaces it once it has rendered the page. The database is the
only source: losing the rows loses nothing.
"""

from __future__ import annotations

import hashlib
import logging
from functools import cache
from pathlib import Path

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from webapp import extensions
from webapp.services.derived import Found
from webapp.store.training import TrainingStore
from webapp.web.gzip_pieces import Pieces

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
#: What a release renders pages from: its code, templates, static files and exercise library.
RELEASE_FOLDERS = ("webapp", "routines", "templates", "static")
SKIPPED = ("__pycache__",)


@cache
def release_digest() -> str:
    """A digest of every file this release renders pages from (read once per process)."""
    digest = hashlib.blake2b(digest_size=16)
    for folder in RELEASE_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and not any(part in SKIPPED for part in path.parts):
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _app_digest() -> str:
    """What of the app's setup a page may show: its push key and its service worker's salt."""
    setup = (extensions.parts().vapid_public, current_app.config.get("SERVICE_WORKER_SALT"))
    return repr(setup)


class PageShelf:
    """The `keptpage` rows of one page (a template), read and written by a key's digest."""

    def __init__(self, store: TrainingStore, page: str) -> None:
        self.store = store
        self.page = page

    def digest(self, key: Found) -> str:
        """The row key of `key`, the catalog's id (this process's alone) left out: the
        catalog is the library's files, in the release digest."""
        _, *shared = key
        text = repr((release_digest(), _app_digest(), self.page, *shared))
        return hashlib.blake2b(text.encode(), digest_size=24).hexdigest()

    def read(self, key: Found) -> Pieces | None:
        """The page kept under `key`, or None (also when the database can't be read, or its
        row holds no page)."""
        try:
            data = self.store.kept_page(key[1], self.page, self.digest(key))
            return None if data is None else Pieces.from_bytes(data)
        except SQLAlchemyError:
            log.warning("could not read the kept %s page", self.page, exc_info=True)
        except ValueError:
            log.warning("the kept %s page's row holds no page", self.page, exc_info=True)
        return None

    def write(self, key: Found, page: Pieces) -> None:
        """Keep `page` under `key` for every process; a database too busy to take it only
        means another process renders the page once more."""
        try:
            self.store.keep_page(key[1], self.page, self.digest(key), key[3], page.to_bytes())
        except SQLAlchemyError:
            log.warning("could not keep the %s page", self.page, exc_info=True)
