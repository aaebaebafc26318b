"""A session finished with no signal: the minutes and the day the phone shows are the server's.

The phone works them out itself (static/js/player/finish.js keeps them with the session in the
outbox) because it has no server to ask; once the session syncs, the server works them out from
the same times and zone. The phone is in Anchorage (UTC−9 on 4 March 2026), so the server's
pinned `TEST_NOW`, 09:00 UTC, is its midnight: the session starts on the 3rd and ends on the 4th.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from routines.session import session_minutes
from tests.conftest import TEST_NOW, wait_until
from tests.e2e.conftest import ConsoleWatch, LiveServer, NewContext, timeline
from webapp.store.models import Completion

WARM_UP = timeline("pre-run-warm-up")
ZONE = "America/Anchorage"
OFFLINE_NOISE = (r"net::ERR_INTERNET_DISCONNECTED", r"net::ERR_FAILED", r"Failed to fetch")
#: Tapped Start two minutes before the phone's midnight...
STARTED = TEST_NOW - timedelta(minutes=2)
#: ...and End early two and a half minutes later: half a minute into the 4th, a length whose
#: whole minutes depend on how halves are rounded.
LENGTH = timedelta(minutes=2, seconds=30)


def kept_on_server(live_server: LiveServer, op_id: str) -> list[Completion]:
    assert live_server.app is not None
    with Session(live_server.app.extensions["hipday"].store.engine) as session:
        return list(session.exec(select(Completion).where(Completion.op_id == op_id)))


def finish_offline(page: Page, live_server: LiveServer) -> dict[str, object]:
    """Play the warm-up from STARTED, lose the signal, end it LENGTH later; its outbox entry."""
    page.clock.install(time=STARTED - timedelta(seconds=5))
    page.clock.pause_at(STARTED)
    page.goto(live_server(f"/play/{WARM_UP.slug}"))
    # The worker keeps Today on the phone, to show the session waiting there with no signal.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.get_by_role("button", name="Start", exact=True).tap()
    page.context.set_offline(True)
    page.clock.run_for(int(LENGTH.total_seconds() * 1000))
    page.get_by_role("button", name="End early").tap()
    expect(page.locator("#done-status")).to_contain_text("Saved on this phone.")
    [entry] = page.evaluate("HipdayOutbox.all()")
    return dict(entry)


def test_a_session_kept_offline_shows_the_minutes_and_day_the_server_then_stores(
    new_context: NewContext, live_server: LiveServer, console: ConsoleWatch
) -> None:
    for noise in OFFLINE_NOISE:
        console.allow(noise)
    page = new_context(timezone_id=ZONE).new_page()
    entry = finish_offline(page, live_server)
    phone_minutes, phone_day = entry["minutes"], entry["local_date"]
    expect(page.locator("#done-status")).to_contain_text("it counts on Wednesday 4 March")

    page.goto(live_server("/"))
    pending = page.locator("#pending-sync li")
    expect(pending).to_have_text(
        re.compile(rf"^{re.escape(WARM_UP.name)} · {phone_minutes} min · ")
    )

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    op_id = str(entry["op_id"])
    wait_until(lambda: kept_on_server(live_server, op_id), "the server to store the session")
    [kept] = kept_on_server(live_server, op_id)
    assert kept.time_zone == ZONE
    server_minutes = session_minutes((kept.ended_at - kept.started_at).total_seconds(), 1)
    assert (phone_minutes, phone_day) == (server_minutes, kept.local_date.isoformat())
    assert kept.local_date == date(2026, 3, 4)
    # The phone stops showing it as waiting (and its worker is idle before the context closes).
    expect(pending).to_have_count(0)
    assert page.evaluate("HipdayOutbox.all()") == []
