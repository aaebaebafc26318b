"""Streaks where the user lives: local dates, DST changes, flights and unknown zones."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from routines.streaks import (
    Logged,
    Mark,
    every_day,
    local_day,
    record,
)
from tests.unit.streak_helpers import (
    at,
    marks,
)

HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("zone", "moment", "day"),
    [
        # Europe/Berlin springs forward on 2026-03-29 at 01:00 UTC (+1 -> +2).
        ("Europe/Berlin", at(2026, 3, 28, 22, 30), date(2026, 3, 28)),  # 23:30 CET
        ("Europe/Berlin", at(2026, 3, 28, 23, 30), date(2026, 3, 29)),  # 00:30 CET
        ("Europe/Berlin", at(2026, 3, 29, 21, 30), date(2026, 3, 29)),  # 23:30 CEST
        ("Europe/Berlin", at(2026, 3, 29, 22, 30), date(2026, 3, 30)),  # 00:30 CEST
        # Europe/Berlin falls back on 2026-10-25 at 01:00 UTC (+2 -> +1).
        ("Europe/Berlin", at(2026, 10, 24, 21, 30), date(2026, 10, 24)),  # 23:30 CEST
        ("Europe/Berlin", at(2026, 10, 24, 22, 30), date(2026, 10, 25)),  # 00:30 CEST
        ("Europe/Berlin", at(2026, 10, 25, 0, 30), date(2026, 10, 25)),  # 02:30 CEST
        ("Europe/Berlin", at(2026, 10, 25, 1, 30), date(2026, 10, 25)),  # 02:30 CET, again
        ("Europe/Berlin", at(2026, 10, 25, 22, 30), date(2026, 10, 25)),  # 23:30 CET
        ("Europe/Berlin", at(2026, 10, 25, 23, 30), date(2026, 10, 26)),  # 00:30 CET
        # America/New_York springs forward on 2026-03-08 at 07:00 UTC (-5 -> -4).
        ("America/New_York", at(2026, 3, 8, 4, 30), date(2026, 3, 7)),  # 23:30 EST
        ("America/New_York", at(2026, 3, 8, 5, 30), date(2026, 3, 8)),  # 00:30 EST
        ("America/New_York", at(2026, 3, 9, 3, 30), date(2026, 3, 8)),  # 23:30 EDT
        ("America/New_York", at(2026, 3, 9, 4, 30), date(2026, 3, 9)),  # 00:30 EDT
        # America/New_York falls back on 2026-11-01 at 06:00 UTC (-4 -> -5).
        ("America/New_York", at(2026, 11, 1, 3, 30), date(2026, 10, 31)),  # 23:30 EDT
        ("America/New_York", at(2026, 11, 1, 4, 30), date(2026, 11, 1)),  # 00:30 EDT
        ("America/New_York", at(2026, 11, 1, 5, 30), date(2026, 11, 1)),  # 01:30 EDT
        ("America/New_York", at(2026, 11, 1, 6, 30), date(2026, 11, 1)),  # 01:30 EST, again
        ("America/New_York", at(2026, 11, 2, 4, 30), date(2026, 11, 1)),  # 23:30 EST
        ("America/New_York", at(2026, 11, 2, 5, 30), date(2026, 11, 2)),  # 00:30 EST
        # Elsewhere, and a moment given in another offset.
        ("Asia/Tokyo", at(2026, 6, 1, 15, 30), date(2026, 6, 2)),
        ("America/Los_Angeles", at(2026, 6, 2, 3, 0), date(2026, 6, 1)),
        ("UTC", at(2026, 6, 1, 23, 59), date(2026, 6, 1)),
        ("Asia/Kolkata", datetime(2026, 6, 1, 20, 0, tzinfo=ZoneInfo("America/New_York")), date(2026, 6, 2)),
    ],
)  # fmt: skip
def test_a_session_counts_on_the_local_date_it_ended(
    zone: str, moment: datetime, day: date
) -> None:
    assert local_day(moment, zone) == day


CHANGES = [
    pytest.param("Europe/Berlin", date(2026, 3, 29), 23, id="Berlin spring"),
    pytest.param("Europe/Berlin", date(2026, 10, 25), 25, id="Berlin autumn"),
    pytest.param("America/New_York", date(2026, 3, 8), 23, id="New York spring"),
    pytest.param("America/New_York", date(2026, 11, 1), 25, id="New York autumn"),
]


def daily(first: date, days: int, clock: time, zone_on: Callable[[date], str]) -> list[datetime]:
    """A session ending at `clock` local time each day, as the UTC moment the server sees."""
    dates = [first + timedelta(days=n) for n in range(days)]
    return [datetime.combine(d, clock, tzinfo=ZoneInfo(zone_on(d))).astimezone(UTC) for d in dates]


@pytest.mark.parametrize("clock", [time(7), time(23, 30), time(0, 30)], ids=str)
@pytest.mark.parametrize(("zone", "change", "hours"), CHANGES)
def test_a_daily_session_across_a_dst_change_gives_one_day_each_no_gap_no_duplicate(
    zone: str, change: date, hours: int, clock: time
) -> None:
    first = change - timedelta(days=7)
    moments = daily(first, 15, clock, lambda _: zone)
    gaps = {(b - a) / HOUR for a, b in zip(moments, moments[1:], strict=False)}
    assert gaps == {24, hours}  # the change really lies between two sessions
    days = [local_day(m, zone) for m in moments]
    assert days == [first + timedelta(days=n) for n in range(15)]
    found = record([Logged(d, 15) for d in days], every_day, days[-1])
    assert (marks(found), found.current, found.total_sessions) == ("x" * 15, 15, 15)


def test_the_repeated_hour_of_an_autumn_change_is_one_day() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    twice = [datetime(2026, 10, 25, 2, 30, fold=fold, tzinfo=berlin) for fold in (0, 1)]
    moments = [m.astimezone(UTC) for m in twice]
    assert moments[1] - moments[0] == HOUR
    days = [local_day(m, "Europe/Berlin") for m in moments]
    assert days == [date(2026, 10, 25)] * 2
    found = record([Logged(d) for d in days], every_day, date(2026, 10, 25))
    assert [(d.mark, d.sessions) for d in found.days] == [(Mark.DONE, 2)]


def moving(*legs: tuple[date, str]) -> Callable[[date], str]:
    """The zone the phone is in on each date: each leg's zone from its first date on."""

    def zone_on(day: date) -> str:
        return [zone for first, zone in legs if first <= day][-1]

    return zone_on


@pytest.mark.parametrize("clock", [time(7), time(23, 30), time(0, 30)], ids=str)
def test_moving_west_then_east_gives_one_done_day_per_local_date(clock: time) -> None:
    first = date(2026, 6, 1)
    zone_on = moving(
        (first, "Europe/Berlin"),
        (date(2026, 6, 11), "America/New_York"),
        (date(2026, 6, 21), "Asia/Tokyo"),
    )
    moments = daily(first, 30, clock, zone_on)
    dates = [first + timedelta(days=n) for n in range(30)]
    logged = [Logged(local_day(m, zone_on(d)), 12) for m, d in zip(moments, dates, strict=True)]
    assert [s.day for s in logged] == dates
    found = record(logged, every_day, dates[-1])
    assert (marks(found), found.current, found.longest) == ("x" * 30, 30, 30)


def test_two_sessions_on_the_day_of_a_flight_count_the_day_once() -> None:
    # 07:00 in Berlin, then 19:00 the same local date in New York, then home again.
    logged = [
        Logged(local_day(at(2026, 6, 10, 5, 0), "Europe/Berlin")),
        Logged(local_day(at(2026, 6, 10, 23, 0), "America/New_York")),
        Logged(local_day(at(2026, 6, 11, 11, 0), "America/New_York")),
    ]
    found = record(logged, every_day, date(2026, 6, 11))
    assert [(d.day, d.sessions) for d in found.days] == [
        (date(2026, 6, 10), 2),
        (date(2026, 6, 11), 1),
    ]
    assert (found.current, found.total_sessions) == (2, 3)


@pytest.mark.parametrize(
    "zone",
    [
        "Mars/Olympus",
        "",
        "not a zone",
        "utc",
        "Europe/",
        "../etc/passwd",
        "/etc/localtime",
        "Europe/Berlin\x00",
        "America",
        "Europe",
    ],
)  # fmt: skip
def test_an_unknown_zone_falls_back_to_utc(zone: str) -> None:
    assert local_day(at(2026, 6, 1, 23, 30), zone) == date(2026, 6, 1)
    assert local_day(at(2026, 6, 2, 0, 30), zone) == date(2026, 6, 2)
