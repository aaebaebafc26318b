"""Progress in the app: the streak, the month calendar, the history list, an exercise's chart,
a session's page and its feedback, whose sessions are whose, and the time zone days follow.

Sessions are sent from a phone in Europe/Berlin (the Visitor's default), and the first one makes
the guest's days Berlin days. The server's "today" is the pinned day (`TEST_NOW`) there, and every
date here is worked out from `berlin_today()`.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from werkzeug.test import TestResponse

from tests.conftest import TEST_NOW, TEST_TODAY
from tests.integration.conftest import Visitor, count_completions
from webapp.store.models import Completion, User
from webapp.store.training import TrainingStore

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
EFFORT_MESSAGE = "Effort is a number from 1 (very easy) to 10 (all-out)."
ZONE_MESSAGE = "Pick a time zone from the list, such as Europe/Berlin."
HTMX = {"HX-Request": "true"}
MONTH_CELL = re.compile(
    r'<td data-day="[\d-]+" class="([^"]*)"[^>]*>\s*<span class="day-number">(\d+)</span>'
)
HISTORY_ITEM = re.compile(
    r'<li class="history-item">\s*<a href="/sessions/(\w+)"(?: data-autofocus)?>\s*'
    r'<span class="history-date">([^<]*)</span>\s*'
    r'<span class="history-name">([^<]*)</span>\s*'
    r'<span class="history-meta">([^<]*)</span>'
)


# --- helpers -----------------------------------------------------------------------------------


def berlin_now() -> datetime:
    return TEST_NOW.astimezone(BERLIN)


def berlin_today() -> date:
    return berlin_now().date()


def at(day: date, hour: int, minute: int = 0, zone: ZoneInfo = BERLIN) -> datetime:
    """`hour:minute` on `day` in `zone`."""
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def utc_iso(moment: datetime) -> str:
    """How the player sends a moment: ISO 8601 in UTC."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def finish_at(visitor: Visitor, ended: datetime, minutes: int = 7, **fields: str) -> str:
    """Finish a session that ended at `ended` and lasted `minutes`; its public id."""
    response = visitor.finish(
        started_at=utc_iso(ended - timedelta(minutes=minutes)), ended_at=utc_iso(ended), **fields
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    found = re.fullmatch(r"/sessions/(\w+)\?fresh=1", response.headers["Location"])
    assert found, response.headers["Location"]
    return found.group(1)


def text(response: TestResponse) -> str:
    return html.unescape(response.get_data(as_text=True))


def month_param(day: date) -> str:
    return f"{day:%Y-%m}"


def month_cells(page: str) -> dict[int, set[str]]:
    """The classes of each day's cell in the month table of `page` (padding left out)."""
    return {int(number): set(classes.split()) for classes, number in MONTH_CELL.findall(page)}


def marks_on(visitor: Visitor, day: date) -> set[str]:
    """The classes of `day`'s cell in the month table of its month."""
    page = text(visitor.get(f"/progress?month={month_param(day)}"))
    assert f"{day:%B %Y}</h2>" in page
    return month_cells(page)[day.day]


def history_items(page: str) -> list[tuple[str, str, str, str]]:
    """(public id, date, routine, minutes/effort/pain) of each history item, top to bottom."""
    return HISTORY_ITEM.findall(page)


def history_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def user_of(visitor: Visitor, store: TrainingStore) -> User:
    with visitor.client.session_transaction() as session:
        user_id = session["user_id"]
    user = store.user(user_id)
    assert user is not None
    return user


def completion_of(visitor: Visitor, store: TrainingStore, public_id: str) -> Completion:
    found = store.completion(user_of(visitor, store).id or 0, public_id)
    assert found is not None
    return found


def current_streak(page: str) -> str:
    found = re.search(
        r'Current streak</dt><dd><span id="streak-number"[^>]*>(\d+)</span> <span class="unit">(\w+)</span>',
        page,
    )
    assert found, "the page shows no current streak"
    return f"{found.group(1)} {found.group(2)}"


def streak_line(page: str) -> str:
    found = re.search(r'<p id="streak-line"[^>]*>(.*?)</p>', page, re.S)
    assert found, "Today has no streak line"
    return re.sub(r"<[^>]+>", "", found.group(1))


# --- the streak, the month and the history -----------------------------------------------------


def test_a_new_visitor_sees_no_streak_no_history_and_an_invitation(visitor: Visitor) -> None:
    response = visitor.get("/progress")
    page = text(response)
    assert response.status_code == 200
    assert current_streak(page) == "0 days"
    assert history_items(page) == []
    assert "No sessions yet. " in page and "Start one from Today" in page
    assert "once you finish a session in full" in page
    assert 'id="exercise-chart"' not in page


def test_three_days_in_a_row_make_a_three_day_streak_shown_everywhere(visitor: Visitor) -> None:
    today = berlin_today()
    days = [today - timedelta(days=n) for n in (3, 2, 1)]
    for number, day in enumerate(days):
        finish_at(visitor, at(day, 12), effort=str(4 + number), pain=str(number))

    page = text(visitor.get("/progress"))
    assert current_streak(page) == "3 days"
    assert "A session today keeps your streak going." in page
    items = history_items(page)
    assert [(d, name, meta) for _id, d, name, meta in items] == [
        (history_date(days[2]), "Pre-run warm-up", "7 min · effort 6/10 · pain 2/10"),
        (history_date(days[1]), "Pre-run warm-up", "7 min · effort 5/10 · pain 1/10"),
        (history_date(days[0]), "Pre-run warm-up", "7 min · effort 4/10 · pain 0/10"),
    ]
    for day in days:
        assert "mark-done" in marks_on(visitor, day), f"{day} is not marked done"
    assert {"mark-pending", "is-today"} <= marks_on(visitor, today)
    assert "mark-done" not in marks_on(visitor, today - timedelta(days=4))

    line = streak_line(text(visitor.get("/")))
    assert "3-day streak." in line
    assert "A session today keeps your streak going." in line


def test_a_session_counts_on_the_berlin_date_it_ended_on(visitor: Visitor) -> None:
    today = berlin_today()
    late_day, early_day = today - timedelta(days=3), today - timedelta(days=1)
    # 23:30 in Berlin is 21:30 or 22:30 UTC, the same date; 00:15 is still the day before in UTC.
    late = finish_at(visitor, at(late_day, 23, 30))
    early = finish_at(visitor, at(early_day, 0, 15))
    assert at(early_day, 0, 15).astimezone(UTC).date() == early_day - timedelta(days=1)

    page = text(visitor.get("/progress"))
    assert [(i, d) for i, d, _name, _meta in history_items(page)] == [
        (early, history_date(early_day)),
        (late, history_date(late_day)),
    ]
    assert "mark-done" in marks_on(visitor, late_day)
    assert "mark-done" not in marks_on(visitor, late_day + timedelta(days=1))
    assert "mark-done" in marks_on(visitor, early_day)
    assert "mark-done" not in marks_on(visitor, early_day - timedelta(days=1))
    session_page = text(visitor.get(f"/sessions/{early}"))
    assert f"<dd>{early_day:%A} {early_day.day} {early_day:%B %Y}</dd>" in session_page


def test_a_late_synced_session_lands_on_its_own_date_and_mends_the_streak(
    visitor: Visitor,
) -> None:
    today = berlin_today()
    for days_ago in (6, 4, 3, 2, 1):
        finish_at(visitor, at(today - timedelta(days=days_ago), 8))
    missed = today - timedelta(days=5)
    assert current_streak(text(visitor.get("/progress"))) == "4 days"
    assert "mark-missed" in marks_on(visitor, missed)

    # The phone was offline five days ago; the session reaches the server only now.
    late = finish_at(visitor, at(missed, 19))

    page = text(visitor.get("/progress"))
    assert current_streak(page) == "6 days"
    assert "mark-done" in marks_on(visitor, missed)
    ids = [i for i, _d, _n, _m in history_items(page)]
    assert ids.index(late) == 4, "the late session is listed by when it happened, not when sent"
    assert "6-day streak." in streak_line(text(visitor.get("/")))


def test_the_history_shows_twenty_sessions_and_htmx_fetches_the_older_ones(
    visitor: Visitor,
) -> None:
    now = berlin_now()
    ids = [finish_at(visitor, now - timedelta(hours=2 * n + 1)) for n in range(25)]

    page = text(visitor.get("/progress"))
    assert [i for i, _d, _n, _m in history_items(page)] == ids[:20]
    assert 'href="/progress/history?page=2"' in page
    assert "Show older sessions" in page

    response = visitor.get("/progress/history?page=2", headers=HTMX)
    fragment = text(response)
    assert response.status_code == 200
    assert "<html" not in fragment and "<h1" not in fragment
    assert [i for i, _d, _n, _m in history_items(fragment)] == ids[20:]
    assert "Show older sessions" not in fragment
    assert "HX-Request" in response.headers.get("Vary", "")

    whole = text(visitor.get("/progress/history?page=2"))
    assert "<html" in whole and "<h1>History</h1>" in whole
    assert [i for i, _d, _n, _m in history_items(whole)] == ids[20:]

    for page_number in ("0", "-1", "two", "", "1e3"):
        answer = visitor.get(f"/progress/history?page={page_number}")
        assert answer.status_code == 404, f"page={page_number!r} answered {answer.status_code}"


def test_a_garbled_month_is_not_found_and_another_month_can_be_shown(visitor: Visitor) -> None:
    for month in ("2026-13", "2026-00", "garbage", "2026-1", "26-11", "2026-11-01"):
        response = visitor.get(f"/progress?month={month}")
        assert response.status_code == 404, f"month={month!r} answered {response.status_code}"

    this_month = TEST_TODAY.replace(day=1)
    previous = (this_month - timedelta(days=1)).replace(day=1)
    page = text(visitor.get(f"/progress?month={month_param(previous)}"))
    assert f'<h2 id="month-heading" tabindex="-1" data-autofocus>{previous:%B %Y}</h2>' in page
    assert f"Each day of {previous:%B %Y}" in page
    assert f'href="/progress?month={month_param(this_month)}"' in page  # a way forward again
    assert f'hx-get="/progress/month?month={month_param(this_month)}"' in page
    assert f'hx-push-url="/progress?month={month_param(this_month)}"' in page

    response = visitor.get(f"/progress/month?month={month_param(previous)}", headers=HTMX)
    fragment = text(response)
    assert response.status_code == 200
    assert "<html" not in fragment and "<h1" not in fragment
    assert "Exercise by exercise" not in fragment and "History" not in fragment
    assert fragment.lstrip().startswith('<div class="month-nav">')
    assert f"{previous:%B %Y}</h2>" in fragment
    assert '<table class="month">' in fragment
    assert "HX-Request" in {v.strip() for v in response.headers.get("Vary", "").split(",")}
    whole = visitor.get(f"/progress/month?month={month_param(previous)}")
    assert "<h1>Progress</h1>" in text(whole), "without htmx, the month's URL is the whole page"
    assert "HX-Request" in {v.strip() for v in whole.headers["Vary"].split(",")}


# --- an exercise's weeks -----------------------------------------------------------------------


def test_after_a_full_session_each_exercise_has_a_chart_with_a_table(visitor: Visitor) -> None:
    finish_at(visitor, berlin_now() - timedelta(minutes=5))
    page = text(visitor.get("/progress"))

    select = re.search(r'<select id="exercise" name="exercise">(.*?)</select>', page, re.S)
    assert select, "no exercise picker"
    options = re.findall(r'<option value="([\w-]+)"', select.group(1))
    assert sorted(options) == sorted(
        [
            "leg-swings-front-back", "leg-swings-side-to-side", "hip-circles",
            "standing-hip-flexor-stretch", "walking-knee-hug", "standing-glute-squeeze",
            "single-leg-pivot", "rotary-lunge",
        ]
    )  # fmt: skip
    assert '<svg viewBox="0 0' in page
    assert re.search(r'<title id="chart-title">[^<]+: the most (reps|seconds)', page)
    assert "<summary>Show as a table</summary>" in page
    assert '<table class="data-table">' in page

    response = visitor.get("/progress/exercise?exercise=standing-glute-squeeze", headers=HTMX)
    fragment = text(response)
    assert response.status_code == 200
    assert fragment.strip().startswith('<figure id="exercise-chart"')
    assert fragment.strip().endswith("</figure>")
    assert "<html" not in fragment and "<select" not in fragment
    assert "Standing glute squeeze (posture reset): the most seconds per set" in fragment
    assert re.search(r"<tr><td>[^<]+</td><td>10</td></tr>", fragment)
    assert "HX-Request" in {v.strip() for v in response.headers.get("Vary", "").split(",")}


def test_an_unknown_exercise_shows_no_chart_rather_than_an_error(visitor: Visitor) -> None:
    finish_at(visitor, berlin_now() - timedelta(minutes=5))
    response = visitor.get("/progress?exercise=no-such-exercise")
    assert response.status_code == 200
    assert "No full sessions with this exercise in the last 26 weeks." in text(response)
    fragment = visitor.get("/progress/exercise?exercise=no-such-exercise", headers=HTMX)
    assert fragment.status_code == 200
    assert "No full sessions with this exercise" in text(fragment)
    assert "<svg" not in text(fragment)


def test_a_session_ended_early_gives_no_chart(visitor: Visitor) -> None:
    finish_at(visitor, berlin_now() - timedelta(minutes=5), steps_done="12")
    page = text(visitor.get("/progress"))
    assert '<select id="exercise"' not in page
    assert "once you finish a session in full" in page
    assert "ended early" in page


# --- a session's page and its feedback ---------------------------------------------------------


def test_a_sessions_page_shows_its_day_exercises_and_dosage(visitor: Visitor) -> None:
    day = berlin_today() - timedelta(days=2)
    public_id = finish_at(visitor, at(day, 9), effort="5", pain="0")
    response = visitor.get(f"/sessions/{public_id}")
    page = text(response)
    assert response.status_code == 200
    assert "<h1>Pre-run warm-up</h1>" in page
    assert f"<dd>{day:%A} {day.day} {day:%B %Y}</dd>" in page
    assert "<dd>7 min</dd>" in page
    exercises = re.findall(
        r'<li><a href="/exercises/[\w-]+">([^<]+)</a>\s*<span class="muted">([^<]+)</span>', page
    )
    assert exercises[0] == ("Leg swings, front to back", "1 × 12 reps each side")
    assert ("Standing hip-flexor stretch", "1 × 20 s hold each side") in exercises
    assert ("Standing glute squeeze (posture reset)", "3 × 10 s hold") in exercises
    assert ("Walking knee hug", "1 × 10 reps") in exercises
    assert len(exercises) == 8
    assert 'name="effort" value="5" checked' in page and 'name="pain" value="0" checked' in page


def test_feedback_can_be_changed_and_a_wrong_number_is_refused_with_the_form_kept(
    visitor: Visitor, store: TrainingStore
) -> None:
    public_id = finish_at(visitor, berlin_now() - timedelta(hours=1), effort="5", pain="0")
    url = f"/sessions/{public_id}/feedback"
    token = visitor.csrf_token()

    response = visitor.client.post(
        url, data={"csrf_token": token, "effort": "7", "pain": "2", "note": "Hips felt loose"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/sessions/{public_id}?saved=1#feedback"
    page = text(visitor.get(response.headers["Location"]))
    assert "Feedback saved." in page
    assert "<dd>7/10</dd>" in page and "<dd>2/10</dd>" in page
    assert "<dd>Hips felt loose</dd>" in page
    reloaded = text(visitor.get(f"/sessions/{public_id}"))
    assert 'name="effort" value="7" checked' in reloaded
    assert 'name="pain" value="2" checked' in reloaded
    assert "Hips felt loose</textarea>" in reloaded
    assert "Feedback saved." not in reloaded
    history = text(visitor.get("/progress"))
    assert "7 min · effort 7/10 · pain 2/10" in history

    refused = visitor.client.post(
        url, data={"csrf_token": token, "effort": "11", "pain": "3", "note": "Typed again"}
    )
    page = text(refused)
    assert refused.status_code == 422
    assert EFFORT_MESSAGE in page
    assert 'name="pain" value="3" checked' in page and "Typed again</textarea>" in page
    assert re.search(r'name="effort" value="\d*" checked', page) is None
    assert 'aria-invalid="true"' in page
    row = completion_of(visitor, store, public_id)
    assert (row.effort, row.pain, row.note) == (7, 2, "Hips felt loose")

    no_token = visitor.client.post(url, data={"effort": "3", "pain": "9", "note": "forged"})
    assert no_token.status_code == 400
    row = completion_of(visitor, store, public_id)
    assert (row.effort, row.pain, row.note) == (7, 2, "Hips felt loose")


def test_an_htmx_feedback_refusal_swaps_only_the_form(
    visitor: Visitor, store: TrainingStore
) -> None:
    public_id = finish_at(visitor, berlin_now() - timedelta(hours=1))
    refused = visitor.client.post(
        f"/sessions/{public_id}/feedback",
        data={"csrf_token": visitor.csrf_token(), "effort": "4", "pain": "-1", "note": ""},
        headers=HTMX,
    )
    fragment = text(refused)
    assert refused.status_code == 422
    assert fragment.lstrip().startswith('<form id="feedback-form"')
    assert "Pain is a number from 0 (none) to 10 (the worst)." in fragment
    assert completion_of(visitor, store, public_id).pain == 0


# --- yours alone -------------------------------------------------------------------------------


def test_another_visitor_can_neither_see_nor_change_your_sessions(
    visitor: Visitor, other_visitor: Visitor, store: TrainingStore
) -> None:
    public_id = finish_at(visitor, berlin_now() - timedelta(hours=1), note="mine")
    before = completion_of(visitor, store, public_id)

    assert other_visitor.get(f"/sessions/{public_id}").status_code == 404
    stranger = other_visitor.client.post(
        f"/sessions/{public_id}/feedback",
        data={"csrf_token": other_visitor.csrf_token(), "effort": "1", "pain": "9", "note": "x"},
    )
    assert stranger.status_code == 404
    after = completion_of(visitor, store, public_id)
    assert (after.effort, after.pain, after.note) == (before.effort, before.pain, "mine")

    theirs = text(other_visitor.get("/progress"))
    assert history_items(theirs) == []
    assert public_id not in theirs
    assert current_streak(theirs) == "0 days"
    assert public_id not in text(other_visitor.get("/progress/history?page=1"))
    assert public_id in text(visitor.get("/progress"))


# --- the time zone days follow -----------------------------------------------------------------


def post_zone(visitor: Visitor, time_zone: str, follow_phone: bool) -> TestResponse:
    form = {"csrf_token": visitor.csrf_token(), "time_zone": time_zone}
    if follow_phone:
        form["follow_phone"] = "1"
    return visitor.client.post("/settings/time-zone", data=form)


def test_an_unknown_time_zone_is_refused_and_nothing_changes(
    visitor: Visitor, store: TrainingStore
) -> None:
    visitor.account_id()
    response = post_zone(visitor, "Mars/Olympus_Mons", follow_phone=False)
    page = text(response)
    assert response.status_code == 422
    assert ZONE_MESSAGE in page
    assert '<option value="Mars/Olympus_Mons" selected>' in page
    user = user_of(visitor, store)
    assert (user.time_zone, user.time_zone_auto) == ("UTC", True)


def test_a_chosen_time_zone_stays_when_the_phone_is_elsewhere(
    visitor: Visitor, store: TrainingStore
) -> None:
    response = post_zone(visitor, "America/New_York", follow_phone=False)
    assert response.status_code == 303
    assert response.headers["Location"] == "/settings#time-zone"
    user = user_of(visitor, store)
    assert (user.time_zone, user.time_zone_auto) == ("America/New_York", False)
    settings = text(visitor.get("/settings"))
    assert "<option selected>America/New_York</option>" in settings
    assert 'name="follow_phone" value="1" aria-describedby' in settings  # not checked

    # 00:30 in Berlin is still the evening before in New York: it counts on the Berlin date.
    day = berlin_today() - timedelta(days=1)
    ended = at(day, 0, 30)
    assert ended.astimezone(NEW_YORK).date() == day - timedelta(days=1)
    public_id = finish_at(visitor, ended)

    user = user_of(visitor, store)
    assert (user.time_zone, user.time_zone_auto) == ("America/New_York", False)
    completion = completion_of(visitor, store, public_id)
    assert (completion.local_date, completion.time_zone) == (day, "Europe/Berlin")
    page = text(visitor.get(f"/progress?month={month_param(day)}"))
    assert history_date(day) in page
    assert "mark-done" in month_cells(page)[day.day]


def test_following_the_phone_adopts_the_zone_a_session_was_finished_in(
    visitor: Visitor, store: TrainingStore
) -> None:
    post_zone(visitor, "America/New_York", follow_phone=True)
    user = user_of(visitor, store)
    assert (user.time_zone, user.time_zone_auto) == ("America/New_York", True)
    assert 'value="1" checked' in text(visitor.get("/settings"))

    finish_at(visitor, TEST_NOW - timedelta(minutes=3), time_zone="Asia/Tokyo")
    user = user_of(visitor, store)
    assert (user.time_zone, user.time_zone_auto) == ("Asia/Tokyo", True)


def test_the_phones_detected_zone_is_adopted_only_when_following_it(
    visitor: Visitor, store: TrainingStore
) -> None:
    def detect(time_zone: str, csrf: bool = True) -> TestResponse:
        headers = {"X-CSRFToken": visitor.csrf_token()} if csrf else {}
        return visitor.client.post(
            "/settings/time-zone/detected", data={"time_zone": time_zone}, headers=headers
        )

    post_zone(visitor, "Europe/Lisbon", follow_phone=False)
    response = detect("Asia/Tokyo")
    assert response.status_code == 204
    assert user_of(visitor, store).time_zone == "Europe/Lisbon"

    post_zone(visitor, "Europe/Lisbon", follow_phone=True)
    response = detect("Asia/Tokyo")
    assert response.status_code == 204
    user = user_of(visitor, store)
    assert (user.time_zone, user.time_zone_auto) == ("Asia/Tokyo", True)

    for garbage in ("Not/AZone", "", "tokyo", "../etc/passwd"):
        refused = detect(garbage)
        assert refused.status_code == 422, garbage
    assert user_of(visitor, store).time_zone == "Asia/Tokyo"

    forged = detect("Europe/Berlin", csrf=False)
    assert forged.status_code == 400
    assert user_of(visitor, store).time_zone == "Asia/Tokyo"


def test_the_time_zone_form_needs_its_csrf_token(visitor: Visitor, store: TrainingStore) -> None:
    visitor.account_id()
    response = visitor.client.post(
        "/settings/time-zone", data={"time_zone": "Asia/Tokyo", "follow_phone": "1"}
    )
    assert response.status_code == 400
    assert user_of(visitor, store).time_zone == "UTC"
    assert count_completions(store) == 0
