"""When reminders fire: the slots of a day, wall-clock times, clock changes and the next fire.

Late, snoozed and quiet reminders are in test_reminder_late_and_quiet.py, the properties over
many zones in test_reminder_rules_properties.py.

Moments are written in UTC with `utc(...)`; wall-clock times as `time(...)`. The clock changes
used throughout:

    Europe/Berlin     springs forward 2026-03-29 02:00 -> 03:00, falls back 2026-10-25 03:00 -> 02:00
    America/New_York  springs forward 2026-03-08 02:00 -> 03:00, falls back 2026-11-01 02:00 -> 01:00
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from itertools import takewhile
from zoneinfo import ZoneInfo

import pytest

from routines.reminder_rules import (
    DESK_EVERY_MINUTES,
    EVERY_DAY,
    DeskRule,
    Rule,
    SessionRule,
    instant,
    local_day,
    local_slots,
    next_fire,
    snoozed,
    too_late,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
SECOND, MINUTE, HOUR = timedelta(seconds=1), timedelta(minutes=1), timedelta(hours=1)
DAY = timedelta(days=1)
MONDAY = date(2026, 6, 1)
SATURDAY = date(2026, 6, 6)
WORKING_DAYS = frozenset(range(5))


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """A moment in UTC."""
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def hhmm(*times: str) -> tuple[time, ...]:
    """Wall-clock times written "HH:MM"."""
    return tuple(time.fromisoformat(t) for t in times)


def following(rule: Rule, zone: ZoneInfo, after: datetime) -> Iterator[datetime]:
    """The fires of `rule` after `after`, each found from the one before."""
    moment = next_fire(rule, zone, after)
    while moment is not None:
        assert moment > after, "next_fire stood still"
        yield moment
        after, moment = moment, next_fire(rule, zone, moment)


def fires(rule: Rule, zone: ZoneInfo, after: datetime, until: datetime) -> list[datetime]:
    """The fires of `rule` after `after`, through `until`."""
    return list(takewhile(lambda moment: moment <= until, following(rule, zone, after)))


def walls(moments: list[datetime], zone: ZoneInfo) -> list[tuple[date, time]]:
    """The local date and wall-clock time of each moment in `zone`."""
    return [(m.astimezone(zone).date(), m.astimezone(zone).time()) for m in moments]


# --- The slots of a day -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "day", "slots"),
    [
        pytest.param(SessionRule(time(7)), MONDAY, hhmm("07:00"), id="every day, on a Monday"),
        pytest.param(SessionRule(time(7)), SATURDAY, hhmm("07:00"), id="every day, on a Saturday"),
        pytest.param(SessionRule(time(18, 45), frozenset({0, 2, 4})), MONDAY, hhmm("18:45"), id="a chosen weekday"),
        pytest.param(SessionRule(time(18, 45), frozenset({0, 2, 4})), MONDAY + DAY, (), id="a weekday not chosen"),
        pytest.param(SessionRule(time(7), frozenset()), MONDAY, (), id="no weekdays at all"),
        pytest.param(SessionRule(time(0)), MONDAY, hhmm("00:00"), id="midnight"),
        pytest.param(SessionRule(time(23, 59, 59)), MONDAY, (time(23, 59, 59),), id="the last second of the day"),
    ],
)  # fmt: skip
def test_the_session_reminder_comes_once_on_a_chosen_weekday(
    rule: SessionRule, day: date, slots: tuple[time, ...]
) -> None:
    assert local_slots(rule, day) == slots


@pytest.mark.parametrize(
    ("every", "start", "end", "day", "slots"),
    [
        pytest.param(60, "09:00", "17:00", MONDAY, hhmm("10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00"), id="hourly, none at the end"),
        pytest.param(90, "09:00", "17:00", MONDAY, hhmm("10:30", "12:00", "13:30", "15:00", "16:30"), id="every 90 minutes"),
        pytest.param(180, "09:00", "17:00", MONDAY, hhmm("12:00", "15:00"), id="every 180 minutes"),
        pytest.param(180, "09:00", "12:00", MONDAY, (), id="one interval exactly fills the day"),
        pytest.param(180, "09:00", "12:01", MONDAY, hhmm("12:00"), id="one interval and a minute"),
        pytest.param(30, "09:00", "10:00", MONDAY, hhmm("09:30"), id="every 30 minutes for an hour"),
        pytest.param(45, "08:15", "10:00", MONDAY, hhmm("09:00", "09:45"), id="a start off the hour"),
        pytest.param(30, "22:30", "23:59", MONDAY, hhmm("23:00", "23:30"), id="late in the day"),
        pytest.param(60, "17:00", "09:00", MONDAY, (), id="end before start"),
        pytest.param(60, "09:00", "09:00", MONDAY, (), id="end equal to start"),
        pytest.param(60, "09:00", "17:00", SATURDAY, (), id="a weekend day is not chosen"),
        pytest.param(60, "09:00", "17:00", SATURDAY + DAY, (), id="nor Sunday"),
        pytest.param(60, "09:00", "17:00", SATURDAY - DAY, hhmm("10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00"), id="Friday is"),
        pytest.param(0, "09:00", "17:00", MONDAY, (), id="an interval of zero gives no breaks"),
        pytest.param(-30, "09:00", "17:00", MONDAY, (), id="nor does a negative one"),
    ],
)  # fmt: skip
def test_desk_breaks_come_one_interval_into_the_day_and_stop_before_its_end(
    every: int, start: str, end: str, day: date, slots: tuple[time, ...]
) -> None:
    rule = DeskRule(every, time.fromisoformat(start), time.fromisoformat(end))
    assert local_slots(rule, day) == slots


def test_desk_breaks_on_chosen_weekdays_only() -> None:
    rule = DeskRule(120, time(9), time(13), frozenset({5, 6}))
    week = [local_slots(rule, MONDAY + n * DAY) for n in range(7)]
    assert week == [(), (), (), (), (), hhmm("11:00"), hhmm("11:00")]


def test_the_rules_default_to_every_day_and_to_working_days() -> None:
    assert SessionRule(time(7)).weekdays == EVERY_DAY == frozenset(range(7))
    assert DeskRule(60, time(9), time(17)).weekdays == WORKING_DAYS
    assert (min(DESK_EVERY_MINUTES), max(DESK_EVERY_MINUTES)) == (30, 180)


# --- From a wall-clock time to a moment ---------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "at", "moment"),
    [
        pytest.param(BERLIN, date(2026, 1, 15), time(7), utc(2026, 1, 15, 6), id="Berlin in winter"),
        pytest.param(BERLIN, date(2026, 7, 15), time(7), utc(2026, 7, 15, 5), id="Berlin in summer"),
        pytest.param(BERLIN, date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 1, 30), id="Berlin, a skipped time lands after the jump"),
        pytest.param(BERLIN, date(2026, 10, 25), time(2, 30), utc(2026, 10, 25, 0, 30), id="Berlin, a repeated time is the first"),
        pytest.param(NEW_YORK, date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7, 30), id="New York, a skipped time lands after the jump"),
        pytest.param(NEW_YORK, date(2026, 3, 8), time(3, 30), utc(2026, 3, 8, 7, 30), id="New York, just after the jump, the same moment"),
        pytest.param(NEW_YORK, date(2026, 3, 8), time(1, 59), utc(2026, 3, 8, 6, 59), id="New York, just before the jump"),
        pytest.param(NEW_YORK, date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30), id="New York, a repeated time is the first"),
        pytest.param(NEW_YORK, date(2026, 11, 1), time(1, 30, fold=1), utc(2026, 11, 1, 5, 30), id="New York, even when asked for the second"),
        pytest.param(NEW_YORK, date(2026, 11, 1), time(2), utc(2026, 11, 1, 7), id="New York, after the repeated hour"),
        pytest.param(ZoneInfo("Asia/Kolkata"), date(2026, 6, 1), time(7), utc(2026, 6, 1, 1, 30), id="Kolkata, half an hour off"),
        pytest.param(ZoneInfo("Australia/Lord_Howe"), date(2026, 10, 4), time(2, 15), utc(2026, 10, 3, 15, 45), id="Lord Howe, a half-hour jump: 02:45"),
        pytest.param(ZoneInfo("UTC"), date(2026, 6, 1), time(7), utc(2026, 6, 1, 7), id="UTC"),
    ],
)  # fmt: skip
def test_a_wall_clock_time_is_one_moment(
    zone: ZoneInfo, day: date, at: time, moment: datetime
) -> None:
    found = instant(day, at, zone)
    assert found == moment
    assert found.tzinfo is UTC


@pytest.mark.parametrize(
    ("moment", "zone", "day"),
    [
        (utc(2026, 3, 28, 22, 59), BERLIN, date(2026, 3, 28)),
        (utc(2026, 3, 28, 23, 0), BERLIN, date(2026, 3, 29)),
        (utc(2026, 6, 1, 15), TOKYO, date(2026, 6, 2)),
        (utc(2026, 11, 2, 4, 59), NEW_YORK, date(2026, 11, 1)),
        (datetime(2026, 6, 1, 20, tzinfo=NEW_YORK), ZoneInfo("Asia/Kolkata"), date(2026, 6, 2)),
    ],
)
def test_the_local_day_of_a_moment(moment: datetime, zone: ZoneInfo, day: date) -> None:
    assert local_day(moment, zone) == day


# --- Across the clock changes -------------------------------------------------------------------

CHANGES = [
    # zone, the day the clocks change, the UTC hour of 07:00 local before and from that day
    pytest.param(BERLIN, date(2026, 3, 29), 6, 5, id="Berlin spring"),
    pytest.param(BERLIN, date(2026, 10, 25), 5, 6, id="Berlin autumn"),
    pytest.param(NEW_YORK, date(2026, 3, 8), 12, 11, id="New York spring"),
    pytest.param(NEW_YORK, date(2026, 11, 1), 11, 12, id="New York autumn"),
]


@pytest.mark.parametrize(("zone", "change", "hour_before", "hour_from"), CHANGES)
def test_a_daily_seven_oclock_fires_once_a_day_at_seven_across_a_clock_change(
    zone: ZoneInfo, change: date, hour_before: int, hour_from: int
) -> None:
    first, last = change - 4 * DAY, change + 4 * DAY
    after = datetime.combine(first, time(0), tzinfo=zone)
    until = datetime.combine(last, time(23, 59), tzinfo=zone)
    found = fires(SessionRule(time(7)), zone, after, until)
    days = [first + n * DAY for n in range(9)]
    assert found == [
        datetime.combine(d, time(hour_before if d < change else hour_from), tzinfo=UTC)
        for d in days
    ]
    assert walls(found, zone) == [(d, time(7)) for d in days]
    gaps = [b - a for a, b in zip(found, found[1:], strict=False)]
    assert sorted(set(gaps)) == sorted({24 * HOUR, 24 * HOUR + (hour_from - hour_before) * HOUR})


def test_a_skipped_time_fires_once_just_after_the_jump() -> None:
    rule = SessionRule(time(2, 30))
    found = fires(rule, NEW_YORK, utc(2026, 3, 6), utc(2026, 3, 11))
    assert found == [
        utc(2026, 3, 6, 7, 30),  # 02:30 EST
        utc(2026, 3, 7, 7, 30),  # 02:30 EST
        utc(2026, 3, 8, 7, 30),  # 03:30 EDT: there is no 02:30 that night
        utc(2026, 3, 9, 6, 30),  # 02:30 EDT
        utc(2026, 3, 10, 6, 30),  # 02:30 EDT
    ]
    assert walls(found, NEW_YORK)[2] == (date(2026, 3, 8), time(3, 30))


def test_a_repeated_time_fires_once_the_first_time_round() -> None:
    rule = SessionRule(time(1, 30))
    found = fires(rule, NEW_YORK, utc(2026, 10, 30), utc(2026, 11, 4))
    assert found == [
        utc(2026, 10, 30, 5, 30),  # 01:30 EDT
        utc(2026, 10, 31, 5, 30),  # 01:30 EDT
        utc(2026, 11, 1, 5, 30),  # 01:30 EDT; not again at 01:30 EST an hour later
        utc(2026, 11, 2, 6, 30),  # 01:30 EST
        utc(2026, 11, 3, 6, 30),  # 01:30 EST
    ]
    # Between the two 01:30s, the next one is the next night's.
    assert next_fire(rule, NEW_YORK, utc(2026, 11, 1, 5, 30)) == utc(2026, 11, 2, 6, 30)
    assert next_fire(rule, NEW_YORK, utc(2026, 11, 1, 6)) == utc(2026, 11, 2, 6, 30)


@pytest.mark.parametrize(("zone", "change", "hour_before", "hour_from"), CHANGES)
def test_desk_breaks_keep_their_wall_clock_times_on_a_clock_change_day(
    zone: ZoneInfo, change: date, hour_before: int, hour_from: int
) -> None:
    rule = DeskRule(60, time(9), time(17), EVERY_DAY)  # the changes fall on a Sunday
    after = datetime.combine(change, time(0), tzinfo=zone)
    found = fires(rule, zone, after, after + 20 * HOUR)
    hours = range(10, 17)
    assert walls(found, zone) == [(change, time(h)) for h in hours]
    assert found == [datetime.combine(change, time(h + hour_from - 7), tzinfo=UTC) for h in hours]


def test_night_desk_breaks_in_the_skipped_hour_fall_on_the_same_moments_and_fire_once() -> None:
    rule = DeskRule(30, time(1), time(4), EVERY_DAY)
    slots = local_slots(rule, date(2026, 3, 8))
    assert slots == hhmm("01:30", "02:00", "02:30", "03:00", "03:30")
    found = fires(rule, NEW_YORK, utc(2026, 3, 8, 5), utc(2026, 3, 8, 12))
    # 02:00 and 03:00 EDT are the same moment, and so are 02:30 and 03:30 EDT.
    assert found == [utc(2026, 3, 8, 6, 30), utc(2026, 3, 8, 7), utc(2026, 3, 8, 7, 30)]
    assert [w for _, w in walls(found, NEW_YORK)] == list(hhmm("01:30", "03:00", "03:30"))


def test_night_desk_breaks_in_the_repeated_hour_come_the_first_time_round_only() -> None:
    rule = DeskRule(30, time(0), time(3), EVERY_DAY)
    found = fires(rule, NEW_YORK, utc(2026, 11, 1, 4), utc(2026, 11, 1, 12))
    assert [w for _, w in walls(found, NEW_YORK)] == list(
        hhmm("00:30", "01:00", "01:30", "02:00", "02:30")
    )
    # 01:30 EDT to 02:00 EST is ninety minutes: the repeated hour has no breaks.
    assert found[3] - found[2] == 90 * MINUTE


def test_a_day_the_calendar_skips_fires_its_reminder_the_next_morning() -> None:
    # Samoa moved across the date line: Friday 2011-12-30 never happened there.
    apia = ZoneInfo("Pacific/Apia")
    friday, saturday = date(2011, 12, 30), date(2011, 12, 31)
    fridays = SessionRule(time(7), frozenset({friday.weekday()}))
    found = fires(fridays, apia, utc(2011, 12, 29), utc(2012, 1, 14))
    assert walls(found, apia) == [
        (saturday, time(7)),
        (date(2012, 1, 6), time(7)),
        (date(2012, 1, 13), time(7)),
    ]
    # Looking from Saturday itself, Friday's reminder is still ahead: the day before is scanned.
    after = datetime.combine(saturday, time(0), tzinfo=apia)
    assert local_day(after, apia) == saturday
    assert (
        next_fire(fridays, apia, after) == instant(friday, time(7), apia) == utc(2011, 12, 30, 17)
    )
    # Friday's and Saturday's 07:00 are the same moment: it fires once.
    weekend = SessionRule(time(7), frozenset({4, 5}))
    found = fires(weekend, apia, utc(2011, 12, 29), utc(2012, 1, 8))
    assert walls(found, apia) == [
        (saturday, time(7)),
        (date(2012, 1, 6), time(7)),
        (date(2012, 1, 7), time(7)),
    ]


def test_moving_to_another_zone_moves_the_next_fire_to_its_clocks() -> None:
    rule = SessionRule(time(7))
    after = utc(2026, 6, 1)  # 02:00 in Berlin, 09:00 in Tokyo
    assert next_fire(rule, BERLIN, after) == utc(2026, 6, 1, 5)  # 07:00 CEST today
    assert next_fire(rule, TOKYO, after) == utc(2026, 6, 1, 22)  # 07:00 JST tomorrow
    assert next_fire(rule, TOKYO, after) == instant(date(2026, 6, 2), time(7), TOKYO)


@pytest.mark.parametrize(
    "after",
    [
        utc(2026, 6, 1),
        datetime(2026, 6, 1, 9, tzinfo=TOKYO),
        datetime(2026, 5, 31, 20, tzinfo=NEW_YORK),
        datetime(2026, 6, 1, 5, 30, tzinfo=ZoneInfo("Asia/Kolkata")),
    ],
    ids=["UTC", "Tokyo", "New York", "Kolkata"],
)
def test_after_may_be_given_in_any_zone(after: datetime) -> None:
    found = next_fire(SessionRule(time(7)), BERLIN, after)
    assert found == utc(2026, 6, 1, 5)
    assert found is not None and found.tzinfo is UTC


# --- The next fire ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "after", "expected"),
    [
        pytest.param(SessionRule(time(7)), utc(2026, 6, 1, 4, 59), utc(2026, 6, 1, 5), id="later today"),
        pytest.param(SessionRule(time(7)), utc(2026, 6, 1, 5), utc(2026, 6, 2, 5), id="strictly after: not at the same moment"),
        pytest.param(SessionRule(time(7)), utc(2026, 6, 1, 5, 0, 1), utc(2026, 6, 2, 5), id="just missed: tomorrow"),
        pytest.param(SessionRule(time(7), frozenset({0})), utc(2026, 6, 1, 5), utc(2026, 6, 8, 5), id="once a week: next week"),
        pytest.param(SessionRule(time(7), frozenset({6})), utc(2026, 6, 1, 5), utc(2026, 6, 7, 5), id="Sundays only"),
        pytest.param(SessionRule(time(0), frozenset({1})), utc(2026, 6, 1, 21, 59), utc(2026, 6, 1, 22), id="midnight is the start of the day"),
        pytest.param(DeskRule(60, time(9), time(17)), utc(2026, 6, 1, 8), utc(2026, 6, 1, 9), id="the next break"),
        pytest.param(DeskRule(60, time(9), time(17)), utc(2026, 6, 1, 14), utc(2026, 6, 2, 8), id="after the last break: tomorrow's first"),
        pytest.param(DeskRule(60, time(9), time(17)), utc(2026, 6, 5, 14), utc(2026, 6, 8, 8), id="after Friday's last: Monday's first"),
    ],
)  # fmt: skip
def test_next_fire_is_the_earliest_slot_strictly_after(
    rule: Rule, after: datetime, expected: datetime
) -> None:
    assert next_fire(rule, BERLIN, after) == expected


@pytest.mark.parametrize(
    "rule",
    [
        SessionRule(time(7), frozenset()),
        DeskRule(60, time(9), time(17), frozenset()),
        DeskRule(60, time(17), time(9)),
        DeskRule(180, time(9), time(12)),
    ],
    ids=["session, no weekdays", "desk, no weekdays", "desk, end before start", "desk, no room"],
)
def test_a_rule_with_no_slots_never_fires(rule: Rule) -> None:
    assert next_fire(rule, BERLIN, utc(2026, 6, 1)) is None


def test_moments_without_a_zone_are_refused() -> None:
    naive = datetime(2026, 6, 1, 7)
    with pytest.raises(ValueError, match="aware"):
        next_fire(SessionRule(time(7)), BERLIN, naive)
    with pytest.raises(ValueError, match="aware"):
        local_day(naive, BERLIN)
    with pytest.raises(ValueError, match="aware"):
        too_late(naive, utc(2026, 6, 1))
    with pytest.raises(ValueError, match="aware"):
        snoozed(naive)
