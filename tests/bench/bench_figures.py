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


#: Parts of the markup, each measured by leaving it out of the whole library.
MARKUP_PARTS = {
    "path data": re.compile(r' d="[^"]*"'),
    "transforms": re.compile(r' transform="[^"]*"'),
    "props": re.compile(r'<path class="p-[^"]*" d="[^"]*"/>'),
    "view boxes": re.compile(r' viewBox="[^"]*"'),
    "spoken labels": re.compile(r' aria-label="[^"]*"'),
}
NUMBER = re.compile(r"-?[\d.]+")
#: A number in the stylesheet's keyframes: a stop, a value or a timing, not a name's digit.
CSS_NUMBER = re.compile(r"(?<=[:{,])-?[\d.]+")


def bare_numbers(text: str, number: re.Pattern[str] = NUMBER) -> bytes:
    """Every number in `text`, one space apart, with nothing around them."""
    return " ".join(number.findall(text)).encode()


def test_where_the_figures_bytes_go() -> None:
    catalog = load_catalog()
    css = library_stylesheet(catalog)
    markup = "".join(figure_svg(f) for f in catalog.figures.values())
    whole = compressed((css + markup).encode())
    print("\nFigures: what each part costs, compressed with the rest (brotli / gzip)")
    for name, part in MARKUP_PARTS.items():
        less = compressed((css + part.sub("", markup)).encode())
        print(f"  {name:<14}{kb(whole[0] - less[0])} / {kb(whole[1] - less[1])}")
    lines = css.splitlines(keepends=True)
    frames = "".join(line for line in lines if line.startswith(".x-"))
    shared = "".join(line for line in lines if not line.startswith(".x-"))
    less = compressed((shared + markup).encode())
    print(f"  {'keyframes':<14}{kb(whole[0] - less[0])} / {kb(whole[1] - less[1])}")
    # The least any drawing of these poses at whole units can weigh here: the labels, and the
    # bare numbers of every still key pose and keyframe, with no markup around them.
    labels = "".join(f.label for f in catalog.figures.values()).encode()
    stills = "".join(figure_svg(f, animated=False, label=" ") for f in catalog.figures.values())
    floor = compressed(labels + bare_numbers(stills) + b" " + bare_numbers(frames, CSS_NUMBER))
    print(f"  labels and bare numbers of the key poses and keyframes alone:"
          f" {kb(floor[0])} / {kb(floor[1])}")  # fmt: skip


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
