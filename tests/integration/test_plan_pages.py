"""The plan in the app: onboarding, the plan page, a day's changes, vacations, settings, the feed."""

from __future__ import annotations

import html
import json
import re
from datetime import date, timedelta

from flask import Flask

from routines.plan.calendar import move_targets
from routines.plan.model import DayKind
from tests.conftest import TEST_TODAY
from tests.integration.conftest import Visitor
from webapp.services import plans
from webapp.store.models import ProgramVersion
from webapp.store.training import TrainingStore


def today() -> date:
    """The guest's local date on the pinned day: guests start in UTC."""
    return TEST_TODAY


def onboard(visitor: Visitor, **answers: object) -> None:
    form = {"csrf_token": visitor.csrf_token(), **answers}
    response = visitor.client.post("/start", data=form)
    assert response.status_code == 303 and response.headers["Location"] == "/start/precautions"


def plan_of(app: Flask, store: TrainingStore, user_id: int = 1) -> plans.Plan:
    user = store.user(user_id)
    assert user is not None
    plan = plans.plan_for(store, app.extensions["hipday"].catalog, user, today())
    assert plan is not None
    return plan


def first_future_day(plan: plans.Plan, kind: DayKind) -> date:
    return next(d.day for w in plan.weeks for d in w.days if d.kind is kind and d.day > today())


def text(response: object) -> str:
    return html.unescape(response.get_data(as_text=True))  # type: ignore[attr-defined]


def test_the_plan_page_sends_a_first_visitor_to_onboarding(visitor: Visitor) -> None:
    response = visitor.get("/plan")
    assert response.status_code == 303 and response.headers["Location"] == "/start"
    assert "Plan my weeks" in visitor.get("/").get_data(as_text=True)


def test_skipping_every_question_gives_the_default_program(
    visitor: Visitor, app: Flask, store: TrainingStore
) -> None:
    onboard(visitor)
    version = store.program_versions(1)[0]
    assert (version.goal, version.session_days, version.experience) == ("general", "0,2,4", "new")
    page = text(visitor.get("/plan"))
    assert "Foundation phase · week 1" in page and "Deload week" in page


def test_a_wrong_answer_is_explained_and_the_form_kept(
    visitor: Visitor, store: TrainingStore
) -> None:
    response = visitor.client.post(
        "/start", data={"csrf_token": visitor.csrf_token(), "days": ["mon"], "goal": "lifting"}
    )
    page = text(response)
    assert response.status_code == 422
    assert "Choose between 2 and 6 days for longer sessions." in page
    assert 'value="lifting" checked' in page
    assert store.program_versions(1) == []


def test_today_shows_the_planned_session_first(
    visitor: Visitor, app: Flask, store: TrainingStore
) -> None:
    onboard(visitor, days=["mon", "tue", "wed", "thu", "fri", "sat", "sun"][:6])
    page = text(visitor.get("/"))
    planned = plan_of(app, store).day(today())
    assert planned is not None
    assert page.index('id="planned-card"') < page.index("Quick start")
    if planned.routine:
        assert f"/play/{planned.routine.slug}?day={today().isoformat()}" in page
    else:
        assert "Rest day" in page


def test_skipping_a_day_marks_it_and_can_be_undone(
    visitor: Visitor, app: Flask, store: TrainingStore
) -> None:
    onboard(visitor, days=["mon", "wed", "fri"])
    day = first_future_day(plan_of(app, store), DayKind.MOBILITY)
    token = visitor.csrf_token()
    response = visitor.client.post(f"/plan/{day}/skip", data={"csrf_token": token})
    assert response.status_code == 303
    assert "Undo skip" in text(visitor.get(f"/plan/{day}"))
    assert plan_of(app, store).day(day).status.value == "skipped"  # type: ignore[union-attr]
    visitor.client.post(f"/plan/{day}/unskip", data={"csrf_token": token})
    assert plan_of(app, store).day(day).status.value == "planned"  # type: ignore[union-attr]


def test_a_rest_day_cannot_be_skipped(visitor: Visitor, app: Flask, store: TrainingStore) -> None:
    onboard(visitor, days=["mon", "wed", "fri"])
    rest = first_future_day(plan_of(app, store), DayKind.REST)
    response = visitor.client.post(f"/plan/{rest}/skip", data={"csrf_token": visitor.csrf_token()})
    assert response.status_code == 422
    assert "There is no session to skip on that day." in text(response)


def test_a_session_moves_to_a_free_day_of_the_same_week(
    visitor: Visitor, app: Flask, store: TrainingStore
) -> None:
    onboard(visitor, days=["mon", "wed", "fri"])
    plan = plan_of(app, store)
    source, targets = next(
        (d.day, move_targets(plan, d.day, today()))
        for w in plan.weeks for d in w.days
        if d.kind is DayKind.MOBILITY and d.day > today()
        and move_targets(plan, d.day, today())
    )  # fmt: skip
    token = visitor.csrf_token()
    far = source + timedelta(days=14)
    response = visitor.client.post(
        f"/plan/{source}/move", data={"csrf_token": token, "target": far.isoformat()}
    )
    assert response.status_code == 422
    assert "Pick a free day later in the same week." in text(response)
    response = visitor.client.post(
        f"/plan/{source}/move", data={"csrf_token": token, "target": targets[0].isoformat()}
    )
    assert response.status_code == 303
    moved = plan_of(app, store)
    assert moved.day(targets[0]).kind is DayKind.MOBILITY  # type: ignore[union-attr]
    assert moved.day(source).kind is DayKind.REST  # type: ignore[union-attr]


def test_a_vacation_silences_its_days_and_a_backwards_one_is_refused(
    visitor: Visitor, app: Flask, store: TrainingStore, other_visitor: Visitor
) -> None:
    onboard(visitor, days=["mon", "wed", "fri"])
    token = visitor.csrf_token()
    first, last = today() + timedelta(days=1), today() + timedelta(days=3)
    bad = visitor.client.post(
        "/plan/vacations", data={"csrf_token": token, "first": last, "last": first}
    )
    assert bad.status_code == 422
    assert "The last day can't come before the first." in text(bad)
    assert f'value="{last.isoformat()}"' in text(bad)
    visitor.client.post("/plan/vacations", data={"csrf_token": token, "first": first, "last": last})
    plan = plan_of(app, store)
    assert all(plan.day(first + timedelta(days=n)).status.value == "vacation" for n in range(3))  # type: ignore[union-attr]
    event_id = plans.vacations(store, store.user(1))[0].id  # type: ignore[arg-type]
    stranger = other_visitor.client.post(
        f"/plan/vacations/{event_id}/delete", data={"csrf_token": other_visitor.csrf_token()}
    )
    assert stranger.status_code == 404
    assert len(plans.vacations(store, store.user(1))) == 1  # type: ignore[arg-type]


def test_changing_settings_replans_from_today_and_keeps_the_past(
    visitor: Visitor, app: Flask, store: TrainingStore
) -> None:
    user_id = visitor.account_id()
    start = today() - timedelta(days=10)
    old = ProgramVersion(
        user_id=user_id, effective_from=start, start=start, goal="general",
        session_days="0,2,4", experience="new", equipment="",
    )  # fmt: skip
    store.add(old)
    before = plan_of(app, store)
    response = visitor.client.post(
        "/settings",
        data={"csrf_token": visitor.csrf_token(), "goal": "lifting", "experience": "trained",
              "days": ["mon", "tue", "wed", "thu", "fri", "sat"]},
    )  # fmt: skip
    assert response.status_code == 303
    after = plan_of(app, store)
    past = [start + timedelta(days=n) for n in range(10)]
    assert [after.day(d).kind for d in past] == [before.day(d).kind for d in past]  # type: ignore[union-attr]
    coming = [today() + timedelta(days=n) for n in range(14)]
    assert [after.day(d).kind for d in coming] != [before.day(d).kind for d in coming]  # type: ignore[union-attr]
    assert all(after.day(d).has_session for d in coming if d.weekday() < 6)  # type: ignore[union-attr]


def test_the_player_opens_a_planned_day_with_that_weeks_dosage(
    visitor: Visitor, app: Flask, store: TrainingStore
) -> None:
    onboard(visitor, days=["mon", "wed", "fri"])
    plan = plan_of(app, store)
    day = first_future_day(plan, DayKind.STRENGTH)
    planned = plan.day(day)
    assert planned is not None and planned.routine is not None
    page = visitor.get(f"/play/{planned.routine.slug}?day={day}").get_data(as_text=True)
    data = json.loads(re.search(r'id="session-data">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    first_work = next(s for s in data["steps"] if s["kind"] == "work")
    first_item = planned.routine.prescriptions[0]
    assert first_work["exercise"] == first_item.exercise.slug
    assert visitor.get(f"/play/desk-reset?day={day}").status_code == 404
    assert visitor.get(f"/play/{planned.routine.slug}?day=not-a-day").status_code == 404


def test_the_calendar_feed_has_stable_events_and_can_be_turned_off(
    visitor: Visitor, other_visitor: Visitor
) -> None:
    onboard(visitor, days=["mon", "wed", "fri"])
    token = visitor.csrf_token()
    visitor.client.post("/settings/calendar", data={"csrf_token": token})
    page = visitor.get("/settings").get_data(as_text=True)
    url = re.search(r'id="feed-url" type="text" readonly value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    path = url.removeprefix("http://localhost")
    first, second = other_visitor.get(path), other_visitor.get(path)
    assert first.status_code == 200 and first.mimetype == "text/calendar"
    uids = re.findall(r"UID:(\S+)", first.get_data(as_text=True))
    assert uids and uids == re.findall(r"UID:(\S+)", second.get_data(as_text=True))
    assert len(uids) == len(set(uids))
    assert "Set-Cookie" not in first.headers
    visitor.client.post("/settings/calendar/revoke", data={"csrf_token": token})
    assert other_visitor.get(path).status_code == 404
    assert other_visitor.get("/calendar/made-up-token.ics").status_code == 404


def test_plan_changes_without_a_csrf_token_are_refused(
    visitor: Visitor, store: TrainingStore
) -> None:
    onboard(visitor)
    day = (today() + timedelta(days=1)).isoformat()
    for url, form in [
        (f"/plan/{day}/skip", {}),
        ("/plan/vacations", {"first": day, "last": day}),
        ("/settings", {"goal": "desk"}),
        ("/settings/calendar", {}),
    ]:
        assert visitor.client.post(url, data=form).status_code == 400
    assert store.plan_events(1) == [] and len(store.program_versions(1)) == 1


def test_an_unknown_day_is_a_404(visitor: Visitor) -> None:
    onboard(visitor)
    assert visitor.get("/plan/2001-01-01").status_code == 404
    assert visitor.get("/plan/yesterday").status_code == 404
