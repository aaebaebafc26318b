"""Layout at 390×844: tap targets, gaps between cards, labels that fit, the top bar's highlight.

A guest with a few days of history and a plan goes through every kind of page Hipday has, and
each page is measured as a phone shows it.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from routines.catalog.load import load_catalog
from tests.conftest import TEST_NOW, make_app
from tests.e2e.conftest import LiveServer, NewContext, buffered
from webapp.clock import fixed_clock

#: Every kind of page, as a guest with history and a plan sees it ({day}: a session day of the
#: plan, {session}: one of their sessions).
PAGES = (
    "/",
    "/plan",
    "/plan/{day}",
    "/progress",
    "/progress/history",
    "/sessions/{session}",
    "/routines",
    "/routines/pre-run-warm-up",
    "/exercises/leg-swings-front-back",
    "/play/desk-reset",
    "/start",
    "/settings",
    "/settings/reminders",
    "/settings/data",
    "/settings/delete",
    "/account",
    "/login",
    "/offline",
)
#: The smallest tap target, in CSS pixels, each way (WCAG 2.5.5).
TAP = 44

#: Controls smaller than TAP in either direction, unless their label (or, for a link in the
#: middle of a sentence, the sentence) is the target: WCAG's exception for inline links.
SMALL_TARGETS = """(tap) => {
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== "hidden" && !el.closest(".visually-hidden, [hidden], [inert]");
  };
  const big = (el) => {
    const box = el.getBoundingClientRect();
    return box.width >= tap - 0.5 && box.height >= tap - 0.5;
  };
  const inSentence = (link) => {
    const block = link.closest("p, li, dd, td, figcaption, label, legend, h1, h2, h3");
    if (!block || block === link) return false;
    const words = [...block.childNodes]
      .filter((node) => node !== link && !(node.nodeType === 1 && node.matches("a, button")))
      .map((node) => node.textContent)
      .join(" ");
    return /[a-z]{2}/i.test(words);
  };
  const controls = document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1'])"
  );
  const small = [];
  for (const el of controls) {
    if (!shown(el) || big(el)) continue;
    const label = el.closest("label") || (el.id && document.querySelector(`label[for="${el.id}"]`));
    if (label && shown(label) && big(label)) continue;
    if (el.matches("a") && inSentence(el)) continue;
    const box = el.getBoundingClientRect();
    const name = (el.innerText || el.getAttribute("aria-label") || el.name || el.id || "").trim();
    small.push(`${el.tagName.toLowerCase()} "${name.slice(0, 40)}" ${Math.round(box.width)}×${Math.round(box.height)}`);
  }
  return small;
}"""


def csrf_token(page: Page) -> str:
    token: str = json.loads(page.locator("body").get_attribute("hx-headers") or "{}")["X-CSRFToken"]
    return token


def log_session(page: Page, live_server: LiveServer, ended: datetime) -> str:
    """A whole Desk reset that ended at `ended`; returns its page's path."""
    response = page.request.post(
        live_server("/sessions"),
        form={
            "csrf_token": csrf_token(page),
            "routine": "desk-reset",
            "started_at": (ended - timedelta(minutes=4)).isoformat(),
            "ended_at": ended.isoformat(),
            "steps_done": "5",
            "steps_total": "5",
            "time_zone": "UTC",
        },
        headers={"Idempotency-Key": uuid.uuid4().hex},
        max_redirects=0,
    )
    assert response.status == 303, response.text()
    return response.headers["location"]


def a_guest_with_history_and_a_plan(page: Page, live_server: LiveServer) -> dict[str, str]:
    """Make the guest a plan and three days of sessions; the paths that need them."""
    page.goto(live_server("/start"))
    page.get_by_role("button", name="Make my plan").tap()
    page.get_by_role("link", name="Skip this step").tap()  # the precautions step
    expect(page).to_have_url(live_server("/plan"))
    day = (page.locator(".plan-day:not(.kind-rest) a").first.get_attribute("href") or "").rsplit(
        "/", 1
    )[-1]
    sessions = [log_session(page, live_server, TEST_NOW - timedelta(days=n)) for n in (1, 2, 3)]
    return {"day": day, "session": sessions[0].rsplit("/", 1)[-1].split("?")[0]}


def test_every_tap_target_on_every_page_is_at_least_44_px(
    new_context: NewContext, live_server: LiveServer
) -> None:
    page = new_context().new_page()
    found = a_guest_with_history_and_a_plan(page, live_server)
    small = {}
    for path in PAGES:
        page.goto(live_server(path.format(**found)))
        expect(page.locator("h1")).to_be_visible()
        if targets := page.evaluate(SMALL_TARGETS, TAP):
            small[path] = targets
    assert not small, f"tap targets under {TAP} px: {json.dumps(small, indent=1)}"


def test_cards_never_touch_the_content_above_them(
    new_context: NewContext, live_server: LiveServer
) -> None:
    page = new_context().new_page()
    page.goto(live_server("/"))
    gap = page.evaluate(
        """() => document.getElementById("plan-invitation").getBoundingClientRect().top
          - document.querySelector(".quick-grid").getBoundingClientRect().bottom"""
    )
    assert gap >= 12, f"the plan invitation is {gap} px below the Desk reset card"
    page.goto(live_server("/settings/reminders"))
    page.evaluate("document.getElementById('push-on').hidden = false")  # as a phone shows it
    gap = page.evaluate(
        """() => document.querySelector("#reminders-form .question").getBoundingClientRect().top
          - document.getElementById("push-on").getBoundingClientRect().bottom"""
    )
    assert gap >= 12, f"the Session reminder card is {gap} px below the button"


def test_settings_stays_highlighted_in_the_top_bar_on_its_pages(
    new_context: NewContext, live_server: LiveServer
) -> None:
    page = new_context().new_page()
    nav = page.get_by_role("navigation", name="Main")
    for path in ("/settings", "/settings/reminders", "/settings/data", "/account"):
        page.goto(live_server(path))
        expect(nav.get_by_role("link", name="Settings")).to_have_attribute("aria-current", "page")
        expect(nav.locator("[aria-current]")).to_have_count(1)


def test_every_exercise_name_fits_the_exercise_picker(
    new_context: NewContext, live_server: LiveServer
) -> None:
    page = new_context().new_page()
    page.goto(live_server("/"))
    log_session(page, live_server, TEST_NOW - timedelta(hours=1))
    page.goto(live_server("/progress"))
    names = sorted(e.name for e in load_catalog().exercises.values())
    # The select's text area: its box less padding and the arrow Chromium draws in it.
    too_wide = page.evaluate(
        """(names) => {
          const select = document.getElementById("exercise");
          const style = getComputedStyle(select);
          const room = select.clientWidth - parseFloat(style.paddingLeft)
            - parseFloat(style.paddingRight) - 20;
          const pen = document.createElement("canvas").getContext("2d");
          pen.font = style.font;
          return names.filter((name) => pen.measureText(name).width > room);
        }""",
        names,
    )
    assert not too_wide, f"clipped in the exercise picker at 390 px: {too_wide}"
    picked = page.locator("#exercise option:checked")
    expect(picked).to_have_text(re.compile(r"^[^·]+$"))  # just the name: its sessions go below
    expect(page.locator("#exercise-chart figcaption")).to_contain_text(
        "1 session in the last 26 weeks"
    )


def test_the_no_signal_note_reads_as_one_sentence(
    new_context: NewContext, live_server: LiveServer
) -> None:
    page = new_context().new_page()
    page.goto(live_server("/"))
    # As the service worker marks a page from the phone's copy, with a time as wide as they come.
    page.evaluate(
        """() => {
          document.body.dataset.savedCopy = "1";
          const note = document.getElementById("saved-copy-note");
          document.getElementById("saved-copy-time").textContent = ", as of Wed 22:40";
          note.hidden = false;
        }"""
    )
    # The line each piece is on: "…your phone" ends on the line the time starts on, and the
    # full stop follows the time's end, as text flows; nothing wraps onto a line of its own.
    lines = page.evaluate(
        """() => {
          const note = document.getElementById("saved-copy-note");
          const time = document.getElementById("saved-copy-time");
          const top = (node, from, to) => {
            const range = document.createRange();
            range.setStart(node, from);
            range.setEnd(node, to);
            return Math.round(range.getBoundingClientRect().top);
          };
          const words = note.firstChild;
          const rects = [...time.getClientRects()];
          return {
            phone: top(words, words.length - 1, words.length),
            time_starts: Math.round(rects[0].top),
            time_ends: Math.round(rects[rects.length - 1].top),
            stop: top(note.lastChild, 0, 1),
          };
        }"""
    )
    assert lines["phone"] == lines["time_starts"], (
        f"the time wrapped onto a line of its own: {lines}"
    )
    assert lines["time_ends"] == lines["stop"], f"the full stop wrapped away from the time: {lines}"


#: A morning in the first week of December: the heatmap's last column begins a month.
DECEMBER = datetime(2025, 12, 3, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
def december_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on its own database, its clock on DECEMBER."""
    app = make_app(tmp_path_factory.mktemp("december-db"), CLOCK=fixed_clock(DECEMBER))
    server = make_server("127.0.0.1", 0, buffered(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="hipday-december", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        app.extensions["hipday"].store.engine.dispose()


#: Each month label of the heatmap: its text and how far it stays inside the grid (px).
MONTH_LABELS = """() => {
  const grid = document.querySelector(".hm-grid").getBoundingClientRect();
  return [...document.querySelectorAll(".hm-months span")]
    .filter((label) => label.textContent.trim())
    .map((label) => {
      const text = document.createRange();
      text.selectNodeContents(label);
      const box = text.getBoundingClientRect();
      return {text: label.textContent.trim(), left: box.left - grid.left,
              right: grid.right - box.right};
    });
}"""

#: Each heatmap day: [its date, whether it is marked as before the first session].
BEFORE_CELLS = """() => [...document.querySelectorAll(".hm-cell[data-day]")].map(
  (cell) => [cell.dataset.day, cell.classList.contains("is-before")])"""

#: How the key's rest day and before-the-start cells look: fill colour and opacity.
LEGEND_LOOKS = """() => Object.fromEntries(["mark-rest", "is-before"].map((kind) => {
  const style = getComputedStyle(document.querySelector(`.legend .hm-cell.${kind}`));
  return [kind, {fill: style.backgroundColor, opacity: style.opacity}];
}))"""


def test_the_heatmaps_month_labels_stay_inside_it_and_days_before_the_start_look_empty(
    new_context: NewContext, december_server: LiveServer
) -> None:
    context = new_context()
    context.clock.set_system_time(DECEMBER)
    page = context.new_page()
    page.goto(december_server("/"))
    for days_ago in (2, 3, 5):
        log_session(page, december_server, DECEMBER - timedelta(days=days_ago))
    page.goto(december_server("/progress"))

    labels = page.evaluate(MONTH_LABELS)
    assert labels[-1]["text"] == "Dec", labels
    outside = [label for label in labels if label["left"] < -0.5 or label["right"] < -0.5]
    assert not outside, f"month labels past the heatmap's edge: {outside}"

    # Days before the first session are marked as such, and only those.
    first = (DECEMBER - timedelta(days=5)).date()
    cells = page.evaluate(BEFORE_CELLS)
    before = {day for day, is_before in cells if is_before}
    assert before == {day for day, _ in cells if day < first.isoformat()}

    # They look nothing like a rest day, and the key says what they are.
    legend = page.locator(".legend")
    expect(legend.get_by_text("Before you started")).to_be_visible()
    looks = page.evaluate(LEGEND_LOOKS)
    assert looks["is-before"]["fill"] == "rgba(0, 0, 0, 0)", looks
    assert looks["mark-rest"]["fill"] != "rgba(0, 0, 0, 0)" and looks["mark-rest"]["opacity"] == "1"
