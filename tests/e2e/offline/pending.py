"""Steps the pending-session tests share: keeping a session on the phone, reading its pages."""

from __future__ import annotations

import json
import os
import re
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from playwright.sync_api import Page

from tests.e2e.conftest import timeline

DESK = timeline("desk-reset")

#: How the browser reports a refused or failed fetch; these tests expect them.
REFUSED_NOISE = (r"status of 422", r"status of 503")


def look_at(page: Page, name: str) -> None:
    """Keep a 390×844 screenshot of the top of the page for a person to look at, when
    HIPDAY_SCREENSHOTS names a folder (screenshots are looked at, never compared)."""
    folder = os.environ.get("HIPDAY_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def csrf_token(page: Page) -> str:
    token: str = json.loads(page.locator("body").get_attribute("hx-headers") or "{}")["X-CSRFToken"]
    return token


def keep_on_phone(page: Page, ended: datetime, minutes: int) -> str:
    """A whole Desk reset finished on this phone with no signal, as the player keeps it."""
    op_id = uuid.uuid4().hex
    steps = str(len(DESK.steps))
    page.evaluate(
        "(entry) => HipdayOutbox.add(entry)",
        {
            "op_id": op_id,
            "url": "/sessions",
            "token": csrf_token(page),
            "name": DESK.name,
            "local_date": ended.date().isoformat(),
            "minutes": minutes,
            "fields": {
                "op_id": op_id,
                "routine": DESK.slug,
                "started_at": (ended - timedelta(minutes=minutes)).isoformat(),
                "ended_at": ended.isoformat(),
                "steps_done": steps,
                "steps_total": steps,
                "time_zone": "UTC",
            },
        },
    )
    return op_id


def progress_figures(page: Page) -> dict[str, str]:
    """Progress's streak card as a reader sees it: each figure with its unit, and the sentence."""
    figures: dict[str, str] = page.evaluate(
        """() => {
          const figures = {};
          document.querySelectorAll(".streak-card .stat").forEach((stat) => {
            figures[stat.querySelector("dt").innerText.trim()] =
              stat.querySelector("dd").innerText.replace(/\\s+/g, " ").trim();
          });
          figures.sentence = document.getElementById("streak-today").innerText.trim();
          return figures;
        }"""
    )
    return figures


def streak_line(page: Page) -> str:
    line: str = page.locator("#streak-line").inner_text()
    return re.sub(r"\s+", " ", line).strip()
