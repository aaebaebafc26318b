"""Bytes of the figures: the whole library's markup and stylesheet compressed together, and the
player page as served with and without its figures (`make bench` prints them)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
from flask.testing import FlaskClient

from routines.catalog.load import load_catalog
from tests.conftest import make_app
from webapp.presenters.figures import figure_svg, library_stylesheet

TARGET_BYTES = 6 * 1024
BR_QUALITY = 4  # Flask-Compress's default, as the app serves it
GZIP_LEVEL = 6

#: The player page's parts that exist only for its figures: the stylesheet link, the figure
#: box, the cue line with its How to button, and the How to popovers.
FIGURE_PARTS = [
    re.compile(r'\n<link rel="stylesheet" href="/figures\.css\?v=\w+">'),
    re.compile(r'<div id="player-figure" class="player-figure">.*?\n      </div>\n', re.S),
    re.compile(r'<div class="step-cue-row">.*?</div>\n', re.S),
    re.compile(r'<div id="howto-[^"]+" class="howto" popover.*?\n  </div>\n', re.S),
]


def compressed(data: bytes) -> tuple[int, int]:
    """(brotli, gzip) sizes, at the levels the app compresses responses with."""
    return len(brotli.compress(data, quality=BR_QUALITY)), len(gzip.compress(data, GZIP_LEVEL))


def kb(size: int) -> str:
    return f"{size / 1024:5.1f} KB"


def test_every_figures_markup_and_stylesheet_together(capsys: object) -> None:
    catalog = load_catalog()
    css = library_stylesheet(catalog).encode()
    markup = "".join(figure_svg(f) for f in catalog.figures.values()).encode()
    labels = "".join(f.label for f in catalog.figures.values()).encode()
    br, gz = compressed(css + markup)
    print(f"\nFigures: {len(catalog.figures)} exercises, markup and stylesheet together")
    print(f"  raw {kb(len(css + markup))}  (markup {kb(len(markup))}, stylesheet {kb(len(css))})")
    print(f"  brotli {kb(br)}, gzip {kb(gz)}  (target {kb(TARGET_BYTES)}:"
          f" {'within' if min(br, gz) <= TARGET_BYTES else 'over'})")  # fmt: skip
    print(f"  of which the spoken labels, compressed alone: {kb(compressed(labels)[1])}")
    print(f"  the stylesheet alone: brotli {kb(compressed(css)[0])}, gzip {kb(compressed(css)[1])}")


def served(client: FlaskClient, url: str) -> bytes:
    return client.get(url).get_data()


def test_the_player_page_with_and_without_its_figures(tmp_path: Path) -> None:
    client = make_app(tmp_path).test_client()
    for slug in ("pre-run-warm-up", "hip-er-strength"):
        page = served(client, f"/play/{slug}")
        without = page.decode()
        for part in FIGURE_PARTS:
            without, found = part.subn("", without)
            assert found, f"{part.pattern} no longer matches the player page: update the bench"
        css = served(client, re.search(rb"/figures\.css\?v=\w+", page).group().decode())  # type: ignore[union-attr]
        before, after = compressed(without.encode()), compressed(page)
        print(f"\nPlayer page /play/{slug}, compressed (brotli / gzip):")
        print(f"  without figures {kb(before[0])} / {kb(before[1])}")
        print(f"  with figures    {kb(after[0])} / {kb(after[1])}")
        css_br, css_gz = compressed(css)
        print(
            f"  + /figures.css  {kb(css_br)} / {kb(css_gz)} (cached a year, shared by every page)"
        )
