"""The scheduler's sweep with a frozen clock, delivering to the mock push service.

Each test is a user's day: they set a reminder, the scheduler sweeps at chosen minutes, and the
test reads what their phone received. Unless a test says otherwise the user lives in Berlin,
and `local("2026-06-03 07:00")` is that wall-clock moment in UTC.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from routines.catalog.model import RoutineKind
from routines.plan.model import DayKind, DayStatus
from tests.conftest import TEST_NOW
from tests.push.conftest import BERLIN, Guest, Hipday, local
from webapp.services import plans, reminders, time_zones

MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
TOKYO, NEW_YORK = "Asia/Tokyo", "America/New_York"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
START, SNOOZE, SKIP = "start", "snooze", "skip"
ACTIONS = [
    {"action": START, "title": "Start"},
    {"action": SNOOZE, "title": "Snooze 15 min"},
    {"action": SKIP, "title": "Skip today"},
]
#: Session days Monday, Wednesday and Friday, from Tuesday 2 June 2026: in the plan's first
#: days the Tuesday is a rest day, Wednesday a strength day and Friday a mobility day.
PLAN_START = date(2026, 6, 2)
REST_DAY, STRENGTH_DAY, MOBILITY_DAY = date(2026, 6, 2), date(2026, 6, 3), date(2026, 6, 5)


def at(day: date, clock: str, time_zone: str = BERLIN) -> datetime:
    """`clock` ("07:00") on `day` in `time_zone`, in UTC."""
    return local(f"{day.isoformat()} {clock}", time_zone)


def minutes(first: datetime, last: datetime) -> list[datetime]:
    """Every whole minute from `first` through `last`."""
    count = int((last - first) / MINUTE)
    return [first + n * MINUTE for n in range(count + 1)]


def sweep_minutes(hipday: Hipday, first: datetime, last: datetime) -> list[datetime]:
    """Sweep every minute from `first` through `last`; the minutes a reminder was sent."""
    return [now for now in minutes(first, last) if hipday.sweep(now).sent]


def sweep_night(
    hipday: Hipday, evening: datetime, noon: datetime, morning: datetime
) -> list[datetime]:
    """Sweep from `evening` to `noon`: every minute for 90 minutes either side of `morning`,
    every 10 minutes otherwise (a reminder due in between goes out at the next sweep, so a
    wrong fire still shows); the minutes a reminder was sent."""
    close = timedelta(minutes=90)
    moments = [
        now for now in minutes(evening, noon) if abs(now - morning) <= close or now.minute % 10 == 0
    ]
    return [now for now in moments if hipday.sweep(now).sent]


def planned_guest(hipday: Hipday, day: date, desk: bool = True) -> Guest:
    """A Berlin guest with the plan from PLAN_START, reminders set at 06:00 on `day`."""
    guest = hipday.guest()
    hipday.plan(guest.user, PLAN_START)
    hipday.remind(guest.user, at(day, "06:00"), desk=desk)
    return guest


# On time, once, also on the days the clocks change


@pytest.mark.parametrize(
    ("time_zone", "day", "utc_clock"),
    [
        pytest.param(BERLIN, date(2026, 3, 29), "05:00", id="Berlin spring"),
        pytest.param(BERLIN, date(2026, 10, 25), "06:00", id="Berlin autumn"),
        pytest.param(NEW_YORK, date(2026, 3, 8), "11:00", id="New York spring"),
        pytest.param(NEW_YORK, date(2026, 11, 1), "12:00", id="New York autumn"),
    ],
)
def test_the_0700_reminder_comes_once_at_0700_local_on_a_clock_change_day(
    hipday: Hipday, time_zone: str, day: date, utc_clock: str
) -> None:
    """The clocks jump overnight; the phone still buzzes once, at 07:00 on the wall clock."""
    expected = at(day, utc_clock, "UTC")
    guest = hipday.guest(time_zone)
    evening = at(day - DAY, "18:00", time_zone)
    hipday.remind(guest.user, evening)

    sent_at = sweep_night(hipday, evening, at(day, "12:00", time_zone), expected)

    assert sent_at == [expected]
    assert expected.astimezone(ZoneInfo(time_zone)).time() == time(7, 0)
    [message] = hipday.messages(guest.endpoint)
    assert message["title"] == "Time for your hips"
    assert hipday.next_fire(guest.user) == expected + DAY


# The time zone


def test_changing_the_time_zone_moves_the_next_reminder(hipday: Hipday) -> None:
    """Flying to Tokyo, the 07:00 reminder comes at 07:00 Tokyo time, not Berlin's."""
    guest = hipday.guest()
    now = at(date(2026, 6, 1), "05:00")
    hipday.remind(guest.user, now)
    assert hipday.next_fire(guest.user) == at(date(2026, 6, 1), "07:00")

    time_zones.set_time_zone(hipday.store, hipday.reminders, guest.user, TOKYO, now)

    tokyo_seven = at(date(2026, 6, 2), "07:00", TOKYO)
    assert hipday.next_fire(guest.user) == tokyo_seven
    assert hipday.sweep(at(date(2026, 6, 1), "07:00")).due == 0
    assert hipday.sweep(tokyo_seven - MINUTE).due == 0
    assert hipday.sweep(tokyo_seven).sent == 1
    assert len(hipday.messages(guest.endpoint)) == 1


def test_choosing_a_time_zone_in_settings_moves_the_next_reminder(
    app: Flask, hipday: Hipday
) -> None:
    """Settings → Time zone takes effect on reminders at once (the page uses the app's clock)."""
    client = app.test_client()
    token = CSRF.search(client.get("/settings").get_data(as_text=True))
    assert token is not None
    # A visitor's account is made by their first save: the time zone as it is, here.
    as_it_is = {"csrf_token": token.group(1), "time_zone": "UTC", "follow_phone": "1"}
    assert client.post("/settings/time-zone", data=as_it_is).status_code == 303
    with client.session_transaction() as session:
        user = hipday.store.user(session["user_id"])
    assert user is not None
    endpoint = hipday.add_device(user)
    before = TEST_NOW
    hipday.remind(user, before)

    response = client.post(
        "/settings/time-zone", data={"csrf_token": token.group(1), "time_zone": TOKYO}
    )

    assert response.status_code == 303
    moved = hipday.next_fire(user)
    assert moved is not None and before < moved <= TEST_NOW + DAY
    assert moved.astimezone(ZoneInfo(TOKYO)).time() == time(7, 0)
    assert hipday.sweep(moved).sent == 1
    assert len(hipday.messages(endpoint)) == 1


# Quiet days


def _vacation(hipday: Hipday, guest: Guest, day: date) -> None:
    assert plans.add_vacation(hipday.store, guest.user, day - DAY, day + DAY) is None


def _pause(hipday: Hipday, guest: Guest, day: date) -> None:
    hipday.remind(guest.user, at(day, "06:00"), desk=True, paused_until=day.isoformat())


def _done(hipday: Hipday, guest: Guest, day: date) -> None:
    routine = hipday.planned_day(guest.user, day).day.routine
    assert routine is not None
    hipday.finish_session(guest.user, routine.slug, at(day, "06:40"))


def _nothing(hipday: Hipday, guest: Guest, day: date) -> None:
    return None


@pytest.mark.parametrize(
    ("arrange", "day", "session_quiet", "desk_quiet"),
    [
        pytest.param(_nothing, REST_DAY, "rest day", None, id="rest day"),
        pytest.param(_vacation, STRENGTH_DAY, "on vacation", "on vacation", id="vacation"),
        pytest.param(
            _pause, STRENGTH_DAY, "reminders are paused", "reminders are paused", id="paused"
        ),
        pytest.param(_done, STRENGTH_DAY, "already done today", None, id="done today"),
        pytest.param(_nothing, STRENGTH_DAY, None, None, id="an ordinary session day"),
    ],
)
def test_quiet_days_send_nothing_and_move_the_reminder_on(
    hipday: Hipday,
    arrange: Callable[[Hipday, Guest, date], None],
    day: date,
    session_quiet: str | None,
    desk_quiet: str | None,
) -> None:
    """No nagging on a rest day, on vacation, while paused or once done; desk breaks still
    come on a rest day and after a session, since an office worker needs them all the same."""
    guest = planned_guest(hipday, day)
    arrange(hipday, guest, day)

    session = hipday.sweep(at(day, "07:00"))
    desk = hipday.sweep(at(day, "10:00"))

    for report, quiet in ((session, session_quiet), (desk, desk_quiet)):
        assert report.due == 1
        assert report.quiet == ({quiet: 1} if quiet else {})
        assert report.sent == (0 if quiet else 1)
    kinds = [m["kind"] for m in hipday.messages(guest.endpoint)]
    assert kinds == [k for k, q in (("session", session_quiet), ("desk", desk_quiet)) if not q]
    assert hipday.next_fire(guest.user, "session") == at(day + DAY, "07:00")
    assert hipday.next_fire(guest.user, "desk") == at(day, "11:00")


def test_the_plan_days_these_tests_rely_on(hipday: Hipday) -> None:
    """Tuesday 2 June rests, Wednesday is for strength, Friday for mobility (seen on the day)."""
    guest = hipday.guest()
    hipday.plan(guest.user, PLAN_START)
    kinds = [
        hipday.planned_day(guest.user, d).day.kind for d in (REST_DAY, STRENGTH_DAY, MOBILITY_DAY)
    ]
    assert kinds == [DayKind.REST, DayKind.STRENGTH, DayKind.MOBILITY]


def test_a_pause_ends_after_its_last_day(hipday: Hipday) -> None:
    """Paused through Wednesday, the reminder is back on Thursday morning."""
    guest = planned_guest(hipday, STRENGTH_DAY, desk=False)
    _pause(hipday, guest, STRENGTH_DAY)

    assert hipday.sweep(at(STRENGTH_DAY, "07:00")).quiet == {"reminders are paused": 1}
    assert hipday.sweep(at(STRENGTH_DAY + DAY, "07:00")).sent == 1
    assert len(hipday.messages(guest.endpoint)) == 1


# What the notification says


@pytest.mark.parametrize(
    ("day", "heading"),
    [(STRENGTH_DAY, "Strength day"), (MOBILITY_DAY, "Mobility day")],
)
def test_the_session_reminder_names_the_days_session_and_opens_it(
    hipday: Hipday, day: date, heading: str
) -> None:
    """ "Strength day · Hip rotation strength · 10 min"; Start opens the player on that day."""
    guest = hipday.guest()
    hipday.plan(guest.user, PLAN_START)
    hipday.remind(guest.user, at(day, "06:00"))
    planned = hipday.planned_day(guest.user, day).day
    assert planned.routine is not None

    assert hipday.sweep(at(day, "07:00")).sent == 1

    [message] = hipday.messages(guest.endpoint)
    assert message["title"] == f"{heading} · {planned.routine.name} · {planned.minutes} min"
    assert re.fullmatch(r"(Strength|Mobility) day · .+ · \d+ min", message["title"])
    assert message["url"] == f"/play/{planned.routine.slug}?day={day.isoformat()}"
    assert (message["kind"], message["tag"]) == ("session", "hipday-session")
    assert message["actions"] == ACTIONS
    assert "phase · week" in message["body"]
    with hipday.app.app_context():
        read = reminders.read_token(hipday.app.config["SECRET_KEY"], message["token"])
    assert read == (guest.user.public_id, hipday.reminder(guest.user).id, day)
    [push] = hipday.service.received
    assert (push.urgency, push.topic, push.ttl) == ("high", "hipday-session", 4 * 3600)


def test_a_desk_break_names_a_short_desk_routine_and_opens_it(hipday: Hipday) -> None:
    """ "Desk break · 4 min reset": a 2 to 5 minute desk routine, gone stale after 30 minutes."""
    guest = planned_guest(hipday, REST_DAY)

    sent_at = sweep_minutes(hipday, at(REST_DAY, "09:00"), at(REST_DAY, "12:00"))

    assert sent_at == [at(REST_DAY, clock) for clock in ("10:00", "11:00", "12:00")]
    messages = hipday.messages(guest.endpoint)
    for message in messages:
        assert re.fullmatch(r"Desk break · [2-5] min \S.*", message["title"])
        slug = message["url"].removeprefix("/play/")
        routine = hipday.catalog.routines[slug]
        assert routine.kind is RoutineKind.DESK
        assert (message["kind"], message["tag"], message["actions"]) == (
            "desk",
            "hipday-desk",
            ACTIONS,
        )
    assert len({m["url"] for m in messages}) > 1, "the breaks take turns between routines"
    assert {(p.urgency, p.topic, p.ttl) for p in hipday.service.received} == {
        ("normal", "hipday-desk", 30 * 60)
    }


# The notification's buttons


def test_snooze_brings_the_reminder_back_in_15_minutes_and_tomorrow_at_0700(
    hipday: Hipday,
) -> None:
    """Snooze 15 min means one more buzz at 07:17, and tomorrow starts at 07:00 again."""
    guest = hipday.guest()
    day = date(2026, 6, 3)
    hipday.remind(guest.user, at(day, "06:00"))
    assert hipday.sweep(at(day, "07:00")).sent == 1
    [message] = hipday.messages(guest.endpoint)

    said = hipday.act(guest.user, message["token"], SNOOZE, at(day, "07:02"))

    assert said == "Snoozed for 15 minutes."
    assert hipday.next_fire(guest.user) == at(day, "07:17")
    assert sweep_minutes(hipday, at(day, "07:01"), at(day, "07:45")) == [at(day, "07:17")]
    assert [m["title"] for m in hipday.messages(guest.endpoint)] == ["Time for your hips"] * 2
    assert hipday.next_fire(guest.user) == at(day + DAY, "07:00")
    assert hipday.sweep(at(day + DAY, "07:00")).sent == 1


def test_skip_today_silences_a_snoozed_session_reminder_and_skips_the_planned_day(
    hipday: Hipday,
) -> None:
    """Skip today after a snooze: no more buzzing, and the plan shows the day skipped."""
    day = STRENGTH_DAY
    guest = planned_guest(hipday, day, desk=False)
    assert hipday.sweep(at(day, "07:00")).sent == 1
    [message] = hipday.messages(guest.endpoint)
    hipday.act(guest.user, message["token"], SNOOZE, at(day, "07:01"))

    said = hipday.act(guest.user, message["token"], SKIP, at(day, "07:05"))

    assert said == "No more reminders today."
    report = hipday.sweep(at(day, "07:16"))
    assert (report.sent, report.quiet) == (0, {"skipped today": 1})
    assert len(hipday.messages(guest.endpoint)) == 1
    assert hipday.planned_day(guest.user, day).day.status is DayStatus.SKIPPED
    assert hipday.next_fire(guest.user) == at(day + DAY, "07:00")


def test_skip_today_on_a_desk_break_silences_the_rest_of_todays_breaks(hipday: Hipday) -> None:
    """Skip today on a desk break ends today's breaks (only the owner can); tomorrow's come."""
    day = REST_DAY
    guest = planned_guest(hipday, day)
    assert hipday.sweep(at(day, "10:00")).sent == 1
    [message] = hipday.messages(guest.endpoint)
    stranger = hipday.guest()
    assert hipday.act(stranger.user, message["token"], SKIP, at(day, "10:05")) is None

    hipday.act(guest.user, message["token"], SKIP, at(day, "10:05"))

    later = [hipday.sweep(at(day, f"{hour}:00")) for hour in range(11, 17)]
    assert [r.quiet for r in later] == [{"skipped today": 1}] * 6
    assert len(hipday.messages(guest.endpoint)) == 1
    assert hipday.sweep(at(day + DAY, "10:00")).sent == 1
