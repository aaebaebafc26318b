"""The precautions honoured: the routine page, the player, Today, the library and the log leave
out what the answers rule out, and say why."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from flask import Flask

from routines.catalog.model import Catalog
from routines.precautions import Precaution, forbidden
from tests.conftest import TEST_TODAY
from tests.integration.conftest import Visitor
from tests.integration.test_precautions_screen import answer
from tests.integration.your_data_helpers import text, user_id_of
from webapp.services import plans
from webapp.store.training import TrainingStore

FIGURE_FOUR = "figure-four-stretch-lying"
WHY = (
    "Lying figure-four stretch: left out because you told us you have a hip replacement by the "
    "back approach — ask your clinician when it can come back."
)
GENTLE = "Hipday offers gentle mobility only. See a clinician first."
TIMELINE = re.compile(r'<script type="application/json" id="session-data">(.*?)</script>', re.S)


def timeline_exercises(page: str) -> set[str]:
    found = TIMELINE.search(page)
    assert found, "the player embeds its timeline"
    steps: Sequence[dict[str, object]] = json.loads(found.group(1))["steps"]
    return {str(step["exercise"]) for step in steps if step.get("exercise")}


def test_the_routine_page_leaves_out_the_figure_four_and_says_why(visitor: Visitor) -> None:
    before = text(visitor.get("/routines/release-and-stretch"))
    assert f'href="/exercises/{FIGURE_FOUR}"' in before and WHY not in before
    answer(visitor, "hip-replacement-back")
    after = text(visitor.get("/routines/release-and-stretch"))
    assert f'href="/exercises/{FIGURE_FOUR}"' not in after
    assert WHY in after


def test_the_player_plays_without_the_left_out_move_and_its_start_screen_says_why(
    visitor: Visitor,
) -> None:
    assert FIGURE_FOUR in timeline_exercises(text(visitor.get("/play/release-and-stretch")))
    answer(visitor, "hip-replacement-back")
    page = text(visitor.get("/play/release-and-stretch"))
    assert FIGURE_FOUR not in timeline_exercises(page)
    start = page[page.index('id="player-start"') : page.index('id="player-stage"')]
    assert WHY in start


def test_a_session_finished_after_the_answers_logs_only_the_moves_played(
    visitor: Visitor, store: TrainingStore
) -> None:
    answer(visitor, "hip-replacement-back")
    assert visitor.finish("release-and-stretch").status_code == 303
    (completion,) = store.completions(user_id_of(visitor))
    logged = {exercise.exercise_slug for exercise in store.exercises_of(completion.id or 0)}
    assert logged and FIGURE_FOUR not in logged


def test_today_and_the_library_say_plainly_that_pain_means_gentle_mobility_only(
    visitor: Visitor,
) -> None:
    assert GENTLE not in text(visitor.get("/"))
    answer(visitor, "no", ["hip-pain"])
    notice = "You told us about hip pain right now: " + GENTLE
    assert notice in text(visitor.get("/"))
    assert notice in text(visitor.get("/routines"))


def test_the_library_marks_a_routine_the_answers_leave_less_than_half_of(
    visitor: Visitor,
) -> None:
    answer(visitor, "hip-replacement-back")
    page = text(visitor.get("/routines"))
    card = page[page.index('href="/routines/hip-mobility-flow"') :]
    card = card[: card.index("</li>")]
    assert "Not for you right now: most of its moves are left out because you told us " in card
    release = page[page.index('href="/routines/release-and-stretch"') :]
    assert "Not for you right now" not in release[: release.index("</li>")]


def test_the_plan_leaves_out_every_move_the_answers_forbid(
    visitor: Visitor, store: TrainingStore, app: Flask
) -> None:
    assert (
        visitor.client.post("/start", data={"csrf_token": visitor.csrf_token()}).status_code == 303
    )
    answer(visitor, "hip-replacement-back", ["pregnancy"])
    catalog: Catalog = app.extensions["hipday"].catalog
    user = store.user(user_id_of(visitor))
    assert user is not None
    plan = plans.plan_for(store, catalog, user, TEST_TODAY)
    assert plan is not None
    ruled_out = forbidden({Precaution.HIP_REPLACEMENT_BACK, Precaution.PREGNANCY})
    planned = [day.routine for week in plan.weeks for day in week.days if day.routine]
    assert planned
    assert not any(item.exercise.tags & ruled_out for r in planned for item in r.prescriptions)


def test_every_routine_shows_its_own_safety_note_on_its_page_and_the_players_start(
    visitor: Visitor, app: Flask
) -> None:
    catalog: Catalog = app.extensions["hipday"].catalog
    for slug, routine in catalog.routines.items():
        assert routine.safety in text(visitor.get(f"/routines/{slug}")), slug
        player = text(visitor.get(f"/play/{slug}"))
        start = player[player.index('id="player-start"') : player.index('id="player-stage"')]
        assert routine.safety in start, slug


def test_the_player_of_a_planned_day_plays_it_without_the_moves_the_answers_forbid(
    visitor: Visitor, store: TrainingStore, app: Flask
) -> None:
    assert (
        visitor.client.post("/start", data={"csrf_token": visitor.csrf_token()}).status_code == 303
    )
    answer(visitor, "hip-replacement-back")
    catalog: Catalog = app.extensions["hipday"].catalog
    user = store.user(user_id_of(visitor))
    assert user is not None
    plan = plans.plan_for(store, catalog, user, TEST_TODAY)
    planned = plan.day(TEST_TODAY) if plan else None
    assert planned is not None and planned.routine is not None, "Wednesday is a session day"
    page = text(visitor.get(f"/play/{planned.routine.slug}?day={TEST_TODAY.isoformat()}"))
    ruled_out = forbidden({Precaution.HIP_REPLACEMENT_BACK})
    played = timeline_exercises(page)
    assert played and not any(catalog.exercises[slug].tags & ruled_out for slug in played)
