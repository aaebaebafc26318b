"""Today and Progress keep their rendered main block while the user's data stand: after every
kind of write, the page served is the page rendered from nothing."""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from datetime import timedelta

import brotli
import pytest
from flask import Flask
from sqlalchemy import text

from tests.conftest import TEST_NOW, TEST_TODAY
from tests.integration.conftest import Visitor
from tests.integration.ownership_accounts import _secure as secure
from tests.integration.ownership_accounts import new_account
from webapp.clock import fixed_clock
from webapp.services import plans
from webapp.store.models import PlanEvent
from webapp.store.training import TrainingStore
from webapp.views import MOMENT_SLOT, TOKEN_SLOT

PAGES = ("/", "/plan", "/progress", f"/progress?month={TEST_TODAY - timedelta(days=40):%Y-%m}")


#: The CSRF token is signed afresh for each page (in the htmx headers and in each form); the rest
#: must match.
TOKEN = re.compile(r"hx-headers='[^']*'|name=\"csrf_token\" value=\"[^\"]*\"")
FORM_TOKEN = re.compile(r'id="vacation-form".*?name="csrf_token" value="([^"]+)"', re.S)


def served(visitor: Visitor) -> list[str]:
    return [TOKEN.sub("", visitor.get(url).get_data(as_text=True)) for url in PAGES]


def fresh(visitor: Visitor) -> list[str]:
    """The pages as rendered whole from the template, nothing kept (`KEEP_PAGES` off)."""
    app = visitor.client.application
    app.config["KEEP_PAGES"] = False
    try:
        return served(visitor)
    finally:
        app.config["KEEP_PAGES"] = True


def moment(days_ago: int) -> dict[str, str]:
    ended = TEST_NOW - timedelta(days=days_ago, minutes=5)
    return {
        "started_at": f"{ended - timedelta(minutes=7):%Y-%m-%dT%H:%M:%SZ}",
        "ended_at": f"{ended:%Y-%m-%dT%H:%M:%SZ}",
        "time_zone": "UTC",
    }


def sql(store: TrainingStore, statement: str, user_id: int) -> None:
    with store.engine.begin() as connection:
        connection.execute(text(statement), {"u": user_id})


Write = Callable[[Visitor, TrainingStore, int], object]

WRITES: dict[str, Write] = {
    "a session today": lambda v, s, u: v.finish(**moment(0)),
    "a session sent late for last week": lambda v, s, u: v.finish(**moment(8)),
    "a day skipped": lambda v, s, u: s.add(
        PlanEvent(user_id=u, kind="skip", day=TEST_TODAY + timedelta(days=2))
    ),
    "new settings": lambda v, s, u: plans.save_program(
        s,
        s.user(u),
        plans.ProgramForm(goal="desk", days=["tue", "thu"]),
        TEST_TODAY,  # type: ignore[arg-type]
    ),
    "precautions": lambda v, s, u: s.set_precautions(s.user(u), "pregnancy"),  # type: ignore[arg-type]
    "a session deleted": lambda v, s, u: sql(s, "DELETE FROM completion WHERE user_id = :u", u),
}


@pytest.mark.parametrize("kind", WRITES)
def test_after_a_write_the_pages_served_are_the_pages_rendered_from_nothing(
    app: Flask, visitor: Visitor, store: TrainingStore, kind: str
) -> None:
    user_id = visitor.account_id()
    plans.save_program(store, store.user(user_id), plans.ProgramForm(), TEST_TODAY - timedelta(30))  # type: ignore[arg-type]
    visitor.finish(**moment(3))
    before = served(visitor)
    assert before == fresh(visitor), "a kept page is the page rendered whole"
    assert served(visitor) == before, "unchanged data, the same pages"
    WRITES[kind](visitor, store, user_id)
    after = served(visitor)
    assert after == fresh(visitor)
    assert after != before, f"{kind} shows on Today or Progress"


def test_a_guest_who_secures_the_account_is_no_longer_offered_a_login(app: Flask) -> None:
    account = new_account(app, secured=False, with_plan=False)
    offer = "Already have a plan on another device?"
    assert offer in account.visitor.get("/").get_data(as_text=True)
    secure(app, account)  # the account's own form: no write the data version counts
    assert offer not in account.visitor.get("/").get_data(as_text=True)


def test_a_kept_plan_page_gives_each_visit_a_working_token_of_its_own(
    visitor: Visitor, store: TrainingStore
) -> None:
    user_id = visitor.account_id()
    plans.save_program(store, store.user(user_id), plans.ProgramForm(), TEST_TODAY)  # type: ignore[arg-type]
    visitor.get("/plan")
    kept = visitor.get("/plan").get_data(as_text=True)  # the main block kept from the first
    token = FORM_TOKEN.search(kept)
    assert token and token.group(1) != TOKEN_SLOT
    first = TEST_TODAY + timedelta(days=10)
    form = {"csrf_token": token.group(1), "first": f"{first}", "last": f"{first + timedelta(3)}"}
    assert visitor.client.post("/plan/vacations", data=form).status_code == 303
    assert f"{first:%-d %b %Y} –" in visitor.get("/plan").get_data(as_text=True)


def test_a_kept_page_says_the_moment_each_visit_is_served(
    app: Flask, visitor: Visitor, store: TrainingStore
) -> None:
    plans.save_program(store, store.user(visitor.account_id()), plans.ProgramForm(), TEST_TODAY)  # type: ignore[arg-type]
    visitor.get("/")
    later = TEST_NOW + timedelta(minutes=10)
    app.extensions["hipday.clock"] = fixed_clock(later)  # the same day, ten minutes on
    page = visitor.get("/").get_data(as_text=True)
    assert f'data-rendered-at="{later.isoformat(timespec="seconds")}"' in page
    assert MOMENT_SLOT not in page and TOKEN_SLOT not in page


def test_a_phone_that_stops_setting_the_time_zone_is_told_so_on_a_kept_page(
    visitor: Visitor, store: TrainingStore
) -> None:
    user_id = visitor.account_id()
    plans.save_program(store, store.user(user_id), plans.ProgramForm(), TEST_TODAY)  # type: ignore[arg-type]
    user = store.user(user_id)
    assert user is not None
    store.set_time_zone(user, user.time_zone, auto=True)
    assert 'data-time-zone-auto="1"' in visitor.get("/").get_data(as_text=True)
    store.set_time_zone(user, user.time_zone, auto=False)  # no write the data version counts
    assert 'data-time-zone-auto="0"' in visitor.get("/").get_data(as_text=True)


@pytest.mark.parametrize("url", PAGES)
def test_a_browser_that_takes_gzip_gets_the_kept_page_gzipped_and_whole(
    visitor: Visitor, store: TrainingStore, url: str
) -> None:
    plans.save_program(store, store.user(visitor.account_id()), plans.ProgramForm(), TEST_TODAY)  # type: ignore[arg-type]
    plain = visitor.get(url)
    assert "Content-Encoding" not in plain.headers
    zipped = visitor.client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in {v.strip() for v in zipped.headers["Vary"].split(",")}
    page = gzip.decompress(zipped.get_data()).decode()
    assert TOKEN.sub("", page) == TOKEN.sub("", plain.get_data(as_text=True))
    assert MOMENT_SLOT not in page and TOKEN_SLOT not in page


def test_a_browser_that_takes_only_brotli_gets_the_kept_page_in_brotli(
    visitor: Visitor, store: TrainingStore
) -> None:
    plans.save_program(store, store.user(visitor.account_id()), plans.ProgramForm(), TEST_TODAY)  # type: ignore[arg-type]
    plain = visitor.get("/").get_data()
    answer = visitor.client.get("/", headers={"Accept-Encoding": "br"})
    assert answer.headers["Content-Encoding"] == "br"
    assert TOKEN.sub("", brotli.decompress(answer.get_data()).decode()) == TOKEN.sub(
        "", plain.decode()
    )
