"""The figures' contact sheet: every exercise's keyframes side by side, to check them by eye.

`flask --app webapp figures` (or `make figures`) writes `build/figures/contact-sheet.html` and,
through headless Chromium, `contact-sheet.png`. Each row shows an exercise's name, its first
setup line, its view and placement, its keyframes (the key pose marked), and the key pose
mirrored for the left side. Look at each row against its setup text: it must read as the move.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from markupsafe import Markup, escape

from routines.catalog.model import Exercise
from routines.figures import Figure
from webapp.presenters.figures import figure_svg, keyframe_svg
from webapp.pwa.icons import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[3]
SHEET_WIDTH = 1400
PX_PER_UNIT = 1.4

SHEET_STYLE = """
body { margin: 16px; background: #fff; color: #1b1f1d; font: 14px/1.35 system-ui, sans-serif; }
h1 { font-size: 20px; margin: 0 0 12px; }
.row { display: grid; grid-template-columns: 300px 1fr; gap: 12px; padding: 8px 0;
       border-top: 1px solid #c9cfcb; break-inside: avoid; }
.row h2 { font-size: 15px; margin: 0 0 4px; }
.row p { margin: 0 0 4px; }
.meta { color: #4f5a55; font-size: 12px; }
.frames { display: flex; gap: 10px; align-items: flex-end; }
.frame { margin: 0; text-align: center; font-size: 11px; color: #4f5a55; }
.frame .fig { background: #f7f6f2; }
.frame.key .fig { outline: 2px solid #0f5c4d; }
"""


def contact_sheet_html(entries: Iterable[tuple[Exercise, Figure]]) -> str:
    """The sheet as one HTML page with the app's own figure styles inlined."""
    css = (ROOT / "static" / "css" / "app.css").read_text(encoding="utf-8")
    rows = "".join(_row(exercise, figure) for exercise, figure in entries)
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Hipday figures</title>"
        f"<style>{css}{SHEET_STYLE}</style></head><body>"
        f"<h1>Hipday figures: every exercise's keyframes</h1>{rows}</body></html>"
    )


def _row(exercise: Exercise, figure: Figure) -> str:
    frames = "".join(
        f'<figure class="frame{" key" if index == figure.key else ""}">'
        f"{_sized(keyframe_svg(figure, index))}"
        f"<figcaption>{index + 1}{' · key' if index == figure.key else ''}</figcaption></figure>"
        for index in range(len(figure.keyframes))
    )
    mirrored = (
        _sized(figure_svg(figure, animated=False, css_class="left")) if figure.per_side else ""
    )
    left = (
        f'<figure class="frame">{mirrored}<figcaption>left side</figcaption></figure>'
        if mirrored
        else ""
    )
    camera = figure.camera
    angle = "".join(
        f", {word} {value:g}°"
        for word, value in (("turn", camera.turn), ("tilt", camera.tilt))
        if value
    )
    works = ", ".join(figure.works) or "—"
    return Markup(
        f'<section class="row"><div><h2>{escape(exercise.name)}</h2>'
        f"<p>{escape(exercise.setup[0])}</p>"
        f'<p class="meta">{camera.view.value} view{angle} · {figure.placement.value} · '
        f"{figure.motion.value} · works: {escape(works)}</p>"
        f'<p class="meta">{escape(figure.label)}</p></div>'
        f'<div class="frames">{frames}{left}</div></section>'
    )


def _sized(svg: Markup) -> Markup:
    """The SVG at a fixed scale, so every figure on the sheet is drawn to the same size."""
    box = svg.split('viewBox="', 1)[1].split('"', 1)[0].split()
    width, height = (round(float(v) * PX_PER_UNIT) for v in box[2:])
    return Markup(str(svg).replace("<svg ", f'<svg width="{width}" height="{height}" ', 1))


def write_contact_sheet(folder: Path, html: str) -> tuple[Path, Path]:
    """Write the sheet's HTML and its PNG (drawn by headless Chromium) into `folder`."""
    from playwright.sync_api import sync_playwright

    folder.mkdir(parents=True, exist_ok=True)
    page_path, png_path = folder / "contact-sheet.html", folder / "contact-sheet.png"
    page_path.write_text(html, encoding="utf-8")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            page = browser.new_page(viewport={"width": SHEET_WIDTH, "height": 900})
            page.goto(page_path.resolve().as_uri())
            page.screenshot(path=png_path, full_page=True, type="png")
        finally:
            browser.close()
    return page_path, png_path
