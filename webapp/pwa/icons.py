"""The app's PNG icons, rendered from their SVG sources with headless Chromium.

The SVGs in `static/icons/` are the sources; the PNGs next to them are committed because the
manifest needs them at run time, and `flask --app webapp pwa icons` redraws them after an edit.
Playwright is a test dependency, so it is imported only when the command runs.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


@dataclass(frozen=True)
class Icon:
    """One PNG drawn from one SVG at `size` × `size` pixels."""

    source: str
    target: str
    size: int
    #: "any" icons keep their rounded corners see-through; maskable ones are full-bleed.
    transparent: bool = True


ICONS = (
    Icon("icon.svg", "icon-192.png", 192),
    Icon("icon.svg", "icon-512.png", 512),
    Icon("maskable.svg", "maskable-512.png", 512, transparent=False),
    Icon("shortcut-warm-up.svg", "shortcut-warm-up-96.png", 96),
    Icon("shortcut-desk.svg", "shortcut-desk-96.png", 96),
)


def icon_page(svg: bytes, size: int) -> str:
    """A page showing nothing but the SVG, filling a `size` px square viewport."""
    source = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    return (
        "<!doctype html><html><head><style>html, body { margin: 0; background: transparent; }"
        " img { display: block; }</style></head>"
        f'<body><img src="{source}" width="{size}" height="{size}" alt=""></body></html>'
    )


def render_icons(folder: Path, icons: tuple[Icon, ...] = ICONS) -> list[Path]:
    """Draw every icon's PNG into `folder` from the SVG there; returns the files written."""
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            for icon in icons:
                page = browser.new_page(
                    viewport={"width": icon.size, "height": icon.size}, device_scale_factor=1
                )
                page.set_content(icon_page((folder / icon.source).read_bytes(), icon.size))
                target = folder / icon.target
                page.screenshot(path=target, type="png", omit_background=icon.transparent)
                page.close()
                written.append(target)
        finally:
            browser.close()
    return written
