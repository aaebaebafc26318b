"""Streaks that know the plan: rest days keep them, vacations pause them, freezes forgive a miss.

Most tests write a history as day strings, one letter a day from D0, today being the last day:

    schedule  S session expected   . rest    v vacation
    done      x one session        2 two (any digit: that many)   . none
    marks     x done   . rest   f frozen   v vacation   m missed   p pending
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from routines.bounds import EARLIEST_DATE
from routines.catalog.load import load_catalog
from routines.plan.build import build_plan
from routines.plan.history import Done, History, Move
from routines.plan.model import DayKind, DayStatus, Plan, PlannedDay, Program
from routines.streaks import (
    DAYS_PER_FREEZE,
    MOST_FREEZES,
    Adherence,
    Day,
    Expect,
    Logged,
    Mark,
    Record,
    Schedule,
    adherence,
    every_day,
    expected,
    local_day,
    plan_schedule,
    record,
    safe_today,
    week_adherence,
)

D0 = date(2026, 6, 1)  # a Monday
EXPECT = {"S": Expect.SESSION, ".": Expect.REST, "v": Expect.VACATION}
LETTER = {
    Mark.DONE: "x", Mark.REST: ".", Mark.FROZEN: "f",
    Mark.VACATION: "v", Mark.MISSED: "m", Mark.PENDING: "p",
}  # fmt: skip
CATALOG = load_catalog()
HOUR = timedelta(hours=1)


def nth(n: int) -> date:
    return D0 + timedelta(days=n)


def schedule_of(days: str) -> Schedule:
    """The schedule written in `days` from D0; a session is expected outside it."""

    def schedule(day: date) -> Expect:
        n = (day - D0).days
        return EXPECT[days[n]] if 0 <= n < len(days) else Expect.SESSION

    return schedule


def logged_of(done: str, minutes: int = 10) -> list[Logged]:
    """The sessions written in `done` from D0, `minutes` long each."""
    return [
        Logged(nth(n), minutes)
        for n, letter in enumerate(done)
        for _ in range(1 if letter == "x" else int(letter) if letter.isdigit() else 0)
    ]


def walk(schedule: str, done: str, since: date | None = D0, today: int | None = None) -> Record:
    """The record of `done` against `schedule`; today is the last day of `schedule` unless told."""
    last = len(schedule) - 1 if today is None else today
    return record(logged_of(done), schedule_of(schedule), nth(last), since=since)


def marks(found: Record) -> str:
    return "".join(LETTER[d.mark] for d in found.days)


def count(found: Record, mark: Mark) -> int:
    return sum(d.mark is mark for d in found.days)


def figures(found: Record) -> tuple[str, int, int, int, int]:
    return marks(found), found.current, found.longest, found.freezes, found.freezes_spent


# --- The rules, day by day ---------------------------------------------------------------------

X7, S7 = "x" * 7, "S" * 7

RULES = [
    # id, schedule, done -> marks, current, longest, freezes banked, freezes spent
    pytest.param("S.S.S", "x.x.x", "x.x.x", 5, 5, 0, 0, id="rest days keep the streak"),
    pytest.param("..S.S", "..x.x", "..x.x", 3, 3, 0, 0, id="rest before the first session does not count"),
    pytest.param("SS.S", "x..x", "xm.x", 1, 1, 0, 0, id="rest after a miss does not count until a session"),
    pytest.param("SSvvSS", "xx..xx", "xxvvxx", 4, 4, 0, 0, id="vacation neither breaks nor counts"),
    pytest.param("SvvS", "x..x", "xvvx", 2, 2, 0, 0, id="vacation between two sessions"),
    pytest.param("SvS", "xxx", "xxx", 3, 3, 0, 0, id="a session on a vacation day counts"),
    pytest.param("SSSSS", "xx.xx", "xxmxx", 2, 2, 0, 0, id="a miss breaks the streak without a freeze"),
    pytest.param("SSS", ".xx", "mxx", 2, 2, 0, 0, id="a miss before any session only starts later"),
    pytest.param("SSSSSSSS", "xxxxxx.x", "xxxxxxmx", 1, 6, 0, 0, id="six kept days earn no freeze"),
    pytest.param(S7, X7, X7, 7, 7, 1, 0, id="seven kept days earn a freeze"),
    pytest.param("S" * 9, X7 + ".x", X7 + "fx", 8, 8, 0, 1, id="a freeze covers a miss but does not lengthen"),
    pytest.param("S.S.S.SSS", "x.x.x.x.x", "x.x.x.xfx", 8, 8, 0, 1, id="rest days count towards a freeze"),
    pytest.param("SSSvvSSSSSS", "xxx..xxxx.x", "xxxvvxxxxfx", 8, 8, 0, 1, id="vacation does not reset the way to a freeze"),
    pytest.param("S" * 8 + ".S", X7 + "..x", X7 + "f.x", 9, 9, 0, 1, id="rest after a frozen day keeps counting"),
    pytest.param("S" * 14, "x" * 14, "x" * 14, 14, 14, 2, 0, id="fourteen kept days earn two freezes"),
    pytest.param("S" * 22, "x" * 21 + ".", "x" * 21 + "p", 21, 21, 2, 0, id="at most two freezes are banked"),
    pytest.param("S" * 17, "x" * 14 + "..x", "x" * 14 + "ffx", 15, 15, 0, 2, id="two freezes cover two misses"),
    pytest.param("S" * 25, "x" * 21 + "...x", "x" * 21 + "ffmx", 1, 21, 0, 2, id="a third miss breaks even after 21 days"),
    pytest.param("S" * 10, X7 + ".x.", X7 + "fxp", 8, 8, 0, 1, id="freezes spent are shown"),
    pytest.param("SSS", "xx.", "xxp", 2, 2, 0, 0, id="today not done yet breaks nothing"),
    pytest.param("SSS", "xxx", "xxx", 3, 3, 0, 0, id="a session today counts"),
    pytest.param("SS.", "xx.", "xx.", 3, 3, 0, 0, id="a rest day today counts"),
    pytest.param("SSS", "x..", "xmp", 0, 1, 0, 0, id="a pending today after a miss"),
    pytest.param("SS.S", "x.xx", "xmxx", 2, 2, 0, 0, id="a session on a rest day counts as done"),
    pytest.param("..S", "...", "..p", 0, 0, 0, 0, id="nothing done yet"),
    pytest.param("SSS", "2x.", "xxp", 2, 2, 0, 0, id="two sessions on one day count the day once"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("schedule", "done", "expected_marks", "current", "longest", "freezes", "spent"), RULES
)
def test_each_day_is_marked_and_the_streak_follows_the_rules(
    schedule: str,
    done: str,
    expected_marks: str,
    current: int,
    longest: int,
    freezes: int,
    spent: int,
) -> None:
    found = walk(schedule, done)
    assert figures(found) == (expected_marks, current, longest, freezes, spent)


def test_an_empty_history_has_no_days_and_all_zeros() -> None:
    assert record([], every_day, D0) == Record((), 0, 0, 0, 0, 0, 0)
    assert record([], schedule_of("S.v"), nth(2)).on(nth(2)) is None


def test_since_without_sessions_marks_the_days_up_to_today() -> None:
    found = record([], schedule_of("S.vS"), nth(3), since=D0)
    assert figures(found) == ("m.vp", 0, 0, 0, 0)


def test_the_history_starts_at_the_first_session_or_an_earlier_since() -> None:
    assert walk("SSSSS", "..x.x", since=None).days[0].day == nth(2)
    assert walk("SSSSS", "..x.x", since=nth(1)).days[0].day == nth(1)
    assert walk("SSSSS", "..x.x", since=nth(4)).days[0].day == nth(2)


def test_the_streak_and_the_freeze_bank_day_by_day() -> None:
    found = walk("S" * 18, "x" * 14 + "..xx")
    assert [d.streak for d in found.days] == [*range(1, 15), 14, 14, 15, 16]
    assert [d.freezes for d in found.days] == [0] * 6 + [1] * 7 + [2, 1, 0, 0, 0]
    assert (found.freezes, found.freezes_spent) == (0, 2)
    assert [d.day for d in found.days if d.mark is Mark.FROZEN] == [nth(14), nth(15)]


def test_freezes_keep_coming_after_a_frozen_day() -> None:
    # 7 kept, frozen, 7 more kept: the 14th kept day earns the next freeze.
    found = walk("S" * 16, X7 + "." + X7 + ".")
    assert figures(found) == (X7 + "f" + X7 + "p", 14, 14, 1, 1)


def test_a_late_synced_session_turns_a_miss_into_done_and_restores_the_streak() -> None:
    logged = logged_of("xx.xx")
    before = record(logged, every_day, nth(4))
    assert figures(before) == ("xxmxx", 2, 2, 0, 0)
    # The phone was offline on day 2; its session reaches the server three days later.
    after = record([*logged, Logged(nth(2), 15)], every_day, nth(4))
    assert figures(after) == ("xxxxx", 5, 5, 0, 0)
    assert (after.total_sessions, after.total_minutes) == (5, 55)


def test_sessions_dated_after_today_are_kept() -> None:
    # A phone in a zone ahead of the user's already logged tomorrow's session.
    found = walk("SSSSS", "xxx.x", today=3)
    assert marks(found) == "xxxpx"
    assert (found.current, found.total_sessions) == (4, 4)
    assert found.days[-1].day == nth(4)
    assert marks(record([Logged(nth(1))], every_day, D0)) == "x"


def test_totals_count_every_session_and_sum_their_minutes() -> None:
    logged = [Logged(D0, 10), Logged(D0, 25), Logged(nth(1), 7), Logged(nth(3), 0)]
    found = record(logged, every_day, nth(3))
    assert (found.total_sessions, found.total_minutes) == (4, 42)
    assert [(d.sessions, d.minutes) for d in found.days] == [(2, 35), (1, 7), (0, 0), (1, 0)]
    assert marks(found) == "xxmx"


def test_on_finds_a_day_of_the_record_and_none_outside_it() -> None:
    found = walk("SSS", "xx.")
    day = found.on(nth(1))
    assert day is not None and (day.day, day.mark, day.streak) == (nth(1), Mark.DONE, 2)
    assert found.on(nth(-1)) is None
    assert found.on(nth(3)) is None


# --- What a planned day asks, and the week's adherence ------------------------------------------


@pytest.mark.parametrize(
    ("kind", "status", "expect"),
    [
        (DayKind.STRENGTH, DayStatus.PLANNED, Expect.SESSION),
        (DayKind.MOBILITY, DayStatus.DONE, Expect.SESSION),
        (DayKind.STRENGTH, DayStatus.MISSED, Expect.SESSION),
        (DayKind.MOBILITY, DayStatus.SKIPPED, Expect.REST),
        (DayKind.REST, DayStatus.MOVED, Expect.REST),
        (DayKind.REST, DayStatus.PLANNED, Expect.REST),
        (DayKind.REST, DayStatus.VACATION, Expect.VACATION),
    ],
)
def test_what_a_planned_day_expects(kind: DayKind, status: DayStatus, expect: Expect) -> None:
    assert expected(PlannedDay(D0, kind, status=status)) is expect


def test_without_a_plan_every_day_expects_a_session() -> None:
    assert plan_schedule(None) is every_day
    assert {every_day(nth(n)) for n in range(-400, 400)} == {Expect.SESSION}


def build(history: History | None = None, today: date = D0, weeks: int = 4) -> Plan:
    """A new user's general plan from D0: strength Monday, mobility Wednesday and Friday."""
    return build_plan(Program(D0), history or History(), CATALOG, today, weeks)


def as_planned(history: History, today: date, weeks: int = 4) -> History:
    """`history` with every session the plan asks before `today` done as planned."""
    plan = build(history, D0, weeks)
    done = tuple(
        Done(d.day, d.kind)
        for week in plan.weeks
        for d in week.days
        if expected(d) is Expect.SESSION and d.day < today
    )
    return History(done, history.skips, history.moves, history.vacations)


def logged_from(history: History) -> list[Logged]:
    return [Logged(d.day, 20) for d in history.done]


def test_the_plan_schedule_follows_the_plan_and_expects_sessions_outside_it() -> None:
    schedule = plan_schedule(build(weeks=2))
    assert "".join("S" if schedule(nth(n)) is Expect.SESSION else "." for n in range(14)) == (
        "S.S.S..S.S.S.."
    )
    assert schedule(nth(-1)) is Expect.SESSION  # before the program started
    assert schedule(nth(14)) is Expect.SESSION  # after the weeks planned


def test_a_skipped_planned_day_does_not_break_the_streak() -> None:
    today = nth(14)
    history = as_planned(History(skips=frozenset({nth(2)})), today)
    plan = build(history, today)
    skipped = plan.day(nth(2))
    assert skipped is not None and skipped.status is DayStatus.SKIPPED
    found = record(logged_from(history), plan_schedule(plan), today)
    assert marks(found) == "x...x.." + "x.x.x.." + "p"
    assert (found.current, found.longest, found.freezes) == (14, 14, 2)


def test_a_skipped_strength_day_moves_and_the_day_it_moves_to_expects_the_session() -> None:
    today = nth(7)
    history = as_planned(History(skips=frozenset({D0})), today)
    plan = build(history, today)
    found = record(logged_from(history), plan_schedule(plan), today, since=D0)
    assert marks(found) == "." + "xx.x.." + "p"
    assert found.current == 6


def test_a_missed_planned_day_breaks_the_streak() -> None:
    today = nth(14)
    full = as_planned(History(), today)
    history = History(tuple(d for d in full.done if d.day != nth(2)))
    found = record(logged_from(history), plan_schedule(build(history, today)), today)
    assert marks(found) == "x.m.x.." + "x.x.x.." + "p"
    assert (found.current, found.longest, found.freezes, found.freezes_spent) == (10, 10, 1, 0)


def test_with_a_freeze_banked_a_missed_planned_day_is_frozen() -> None:
    today = nth(21)
    full = as_planned(History(), today)
    history = History(tuple(d for d in full.done if d.day != nth(16)))
    found = record(logged_from(history), plan_schedule(build(history, today)), today)
    assert marks(found) == "x.x.x.." + "x.x.x.." + "x.f.x.." + "p"
    assert (found.current, found.longest, found.freezes, found.freezes_spent) == (20, 20, 1, 1)


def test_vacation_days_of_the_history_are_marked_vacation() -> None:
    today = nth(20)
    history = as_planned(History(vacations=((nth(7), nth(13)),)), today + timedelta(days=1))
    plan = build(history, today)
    found = record(logged_from(history), plan_schedule(plan), today)
    assert marks(found) == "x.x.x.." + "vvvvvvv" + "x.x.x.."
    assert (found.current, found.longest) == (14, 14)


def test_a_session_on_a_vacation_day_still_counts() -> None:
    today = nth(6)
    history = as_planned(History(vacations=((nth(2), nth(4)),)), today)
    plan = build(history, today)
    logged = [*logged_from(history), Logged(nth(3), 5)]
    found = record(logged, plan_schedule(plan), today)
    assert (marks(found), found.current) == ("x.vxv..", 5)


def week_of(done: Iterable[tuple[int, DayKind | None]], today: int, history: History) -> Adherence:
    """The adherence of the first week of the plan, with `done` (day number, kind) done."""
    sessions = tuple(Done(nth(n), kind) for n, kind in done)
    found = build(replace(history, done=sessions), nth(today))
    result = week_adherence(found.week_of(D0))
    assert result is not None
    return result


S, M = DayKind.STRENGTH, DayKind.MOBILITY
NO_HISTORY = History()


@pytest.mark.parametrize(
    ("done", "today", "history", "done_planned"),
    [
        pytest.param([(0, S), (2, M), (4, M)], 7, NO_HISTORY, (3, 3), id="all done"),
        pytest.param([(0, S), (4, M)], 7, NO_HISTORY, (2, 3), id="one missed"),
        pytest.param([(0, S), (2, M)], 3, NO_HISTORY, (2, 3), id="mid-week, Friday still to come"),
        pytest.param([], 0, NO_HISTORY, (0, 3), id="a new week"),
        pytest.param([(0, S), (4, M)], 7, History(skips=frozenset({nth(2)})), (2, 2), id="a skipped session is not planned"),
        pytest.param([(0, S), (3, M), (4, M)], 7, History(moves=(Move(nth(2), nth(3)),)), (3, 3), id="a moved session counts on its new day"),
        pytest.param([(0, S), (1, None), (2, M), (4, M), (6, None)], 7, NO_HISTORY, (3, 3), id="extras are neither planned nor done"),
        pytest.param([(0, M), (2, M), (4, M)], 7, NO_HISTORY, (2, 3), id="a session of another kind does not do the planned one"),
        pytest.param([(2, M), (3, S), (4, M)], 7, NO_HISTORY, (3, 3), id="a missed strength session made up later in the week"),
        pytest.param([], 2, NO_HISTORY, (0, 3), id="a missed strength session moved ahead"),
    ],
)  # fmt: skip
def test_week_adherence_is_planned_sessions_done_out_of_those_planned(
    done: list[tuple[int, DayKind | None]],
    today: int,
    history: History,
    done_planned: tuple[int, int],
) -> None:
    found = week_of(done, today, history)
    assert (found.done, found.planned) == done_planned


@pytest.mark.parametrize(
    ("done", "planned", "percent"),
    [(0, 0, None), (0, 3, 0), (1, 3, 33), (2, 3, 67), (3, 3, 100), (5, 8, 62)],
)
def test_adherence_percent(done: int, planned: int, percent: int | None) -> None:
    assert Adherence(done, planned).percent == percent


def test_adherence_is_none_when_nothing_is_planned() -> None:
    plan = build(History(vacations=((D0, nth(6)),)), nth(3))
    week = plan.week_of(nth(3))
    found = week_adherence(week)
    assert found == Adherence(0, 0) and found.percent is None
    assert week is not None and adherence(week.days) == Adherence(0, 0)
    assert adherence(()) == Adherence(0, 0)
    assert week_adherence(plan.week_of(nth(-1))) is None


# --- What today asks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "line"),
    [
        (None, "A session today starts a streak."),
        (Day(D0, Mark.PENDING, 0, 0, 0, 0), "A session today starts a streak."),
        (Day(D0, Mark.PENDING, 0, 0, 5, 0), "A session today keeps your streak going."),
        (Day(D0, Mark.DONE, 1, 20, 6, 0), "Done today. Your streak is safe."),
        (Day(D0, Mark.REST, 0, 0, 6, 0), "Rest day — your streak is safe."),
        (Day(D0, Mark.REST, 0, 0, 0, 0), "Rest day. Your next session starts a streak."),
        (Day(D0, Mark.VACATION, 0, 0, 6, 0), "On vacation — your streak waits for you."),
        (Day(D0, Mark.FROZEN, 0, 0, 6, 0), "A freeze covered a missed day."),
        (Day(D0, Mark.MISSED, 0, 0, 0, 0), "A session today starts a streak."),
    ],
    ids=["no record", "pending, no streak", "pending after a run", "done", "rest", "rest, no streak", "vacation", "frozen", "missed"],
)  # fmt: skip
def test_safe_today(day: Day | None, line: str) -> None:
    assert safe_today(day) == line


def test_a_pending_today_after_a_run_still_shows_the_run() -> None:
    found = walk("SSSS", "xxx.")
    assert found.current == 3
    assert safe_today(found.on(nth(3))) == "A session today keeps your streak going."


# --- Local days: time zones, DST and moving ------------------------------------------------------


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A moment in UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


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


# --- Properties --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    """A schedule and the sessions done, one letter a day from D0; today is the last day."""

    schedule: str
    done: str

    @property
    def today(self) -> date:
        return nth(len(self.schedule) - 1)

    def record(self, since: date | None = D0) -> Record:
        return walk(self.schedule, self.done, since)

    def with_session(self, n: int) -> Story:
        return Story(self.schedule, self.done[:n] + "x" + self.done[n + 1 :])

    def with_vacation(self, n: int) -> Story:
        return Story(self.schedule[:n] + "v" + self.schedule[n + 1 :], self.done)


@st.composite
def stories(draw: st.DrawFn, most_days: int = 60) -> Story:
    """Random schedules and sessions: out of ten, `away` vacation and `rest` rest days, `miss`
    days without a session, and now and then a day with two sessions."""
    days = draw(st.integers(1, most_days))
    away, rest, miss = draw(st.integers(0, 2)), draw(st.integers(0, 4)), draw(st.integers(0, 6))
    rolls = st.lists(st.integers(0, 9), min_size=days, max_size=days)
    schedule = "".join("v" if r < away else "." if r < away + rest else "S" for r in draw(rolls))
    done = "".join("." if r < miss else "2" if r == 9 else "x" for r in draw(rolls))
    return Story(schedule, done)


PROPERTY = settings(max_examples=150, deadline=None)


@given(stories(), st.booleans())
@PROPERTY
def test_the_figures_stay_within_bounds(story: Story, since: bool) -> None:
    found = story.record(D0 if since else None)
    assert 0 <= found.current <= found.longest <= count(found, Mark.DONE) + count(found, Mark.REST)
    assert 0 <= found.freezes <= MOST_FREEZES
    assert all(
        0 <= d.freezes <= MOST_FREEZES and 0 <= d.streak <= found.longest for d in found.days
    )
    assert found.freezes_spent == count(found, Mark.FROZEN)
    assert found.total_sessions == sum(d.sessions for d in found.days)
    assert found.total_minutes == sum(d.minutes for d in found.days)


@given(stories(), st.booleans())
@PROPERTY
def test_days_run_from_the_first_session_to_today_without_gaps(story: Story, since: bool) -> None:
    found = story.record(D0 if since else None)
    logged = {s.day for s in logged_of(story.done)}
    if not found.days:
        assert not logged and not since
        return
    firsts = [*logged, *([D0] if since else [])]
    assert found.days[0].day == min(firsts)
    assert found.days[-1].day == max([story.today, *logged])
    assert all((b.day - a.day).days == 1 for a, b in zip(found.days, found.days[1:], strict=False))


@given(stories())
@PROPERTY
def test_every_logged_date_is_done_once(story: Story) -> None:
    found = story.record()
    logged = Counter(s.day for s in logged_of(story.done))
    assert {d.day for d in found.days if d.mark is Mark.DONE} == set(logged)
    assert count(found, Mark.DONE) == len(logged)
    assert {d.day: d.sessions for d in found.days if d.sessions} == logged


@given(stories(), st.randoms(use_true_random=False))
@PROPERTY
def test_the_order_sessions_arrive_in_does_not_matter(story: Story, rng: random.Random) -> None:
    logged = logged_of(story.done)
    shuffled = rng.sample(logged, len(logged))
    schedule = schedule_of(story.schedule)
    assert record(shuffled, schedule, story.today) == record(logged, schedule, story.today)


def never_full(*found: Record) -> bool:
    """Whether no freeze could have been lost to a full bank in any of `found`."""
    return all(d.freezes < MOST_FREEZES for r in found for d in r.days)


@st.composite
def gaps(draw: st.DrawFn) -> tuple[Story, int]:
    """A story and one of its days without a session."""
    story = draw(stories(40))
    n = draw(st.integers(0, len(story.done) - 1))
    return Story(story.schedule, story.done[:n] + "." + story.done[n + 1 :]), n


@st.composite
def misses(draw: st.DrawFn) -> tuple[Story, int]:
    """A story and one of its past days on which an expected session was not done."""
    story = draw(stories(40).filter(lambda s: len(s.done) > 1))
    n = draw(st.integers(0, len(story.done) - 2))
    schedule, done = story.schedule, story.done
    return Story(schedule[:n] + "S" + schedule[n + 1 :], done[:n] + "." + done[n + 1 :]), n


@given(gaps())
@PROPERTY
def test_adding_a_session_never_lowers_the_streak_while_no_freeze_is_lost(
    gap: tuple[Story, int],
) -> None:
    story, n = gap
    before, after = story.record(), story.with_session(n).record()
    if never_full(before, after):
        assert after.longest >= before.longest
        assert after.current >= before.current
    assert after.total_sessions == before.total_sessions + 1


@given(misses())
@PROPERTY
def test_a_missed_day_becoming_vacation_never_lowers_the_streak_while_no_freeze_is_lost(
    miss: tuple[Story, int],
) -> None:
    story, n = miss
    before = story.record()
    assert before.days[n].mark in (Mark.MISSED, Mark.FROZEN)
    after = story.with_vacation(n).record()
    if never_full(before, after):
        assert after.current >= before.current
    assert after.days[n].mark is Mark.VACATION


# Two histories where, if a freeze earned with a full bank were simply lost, one more kept day
# early on would move the day that earns it and cost the streak later. Days kept with a full
# bank count towards nothing, so the extra day can only help.
LOST_FREEZE = Story("S" * 14 + "v" + "S" * 20, "x" * 14 + "." + "x" * 6 + ".x.." + "x" * 10)
LOST_FREEZE_TO_VACATION = Story("S" * 27, "x." + "x" * 20 + ".x...")


@given(gaps())
@example((LOST_FREEZE, 14))
@PROPERTY
def test_adding_a_session_never_lowers_the_streak(gap: tuple[Story, int]) -> None:
    story, n = gap
    before, after = story.record(), story.with_session(n).record()
    assert after.longest >= before.longest
    assert after.current >= before.current


@given(misses())
@example((LOST_FREEZE_TO_VACATION, 1))
@PROPERTY
def test_a_missed_day_becoming_vacation_never_lowers_the_streak(miss: tuple[Story, int]) -> None:
    story, n = miss
    assert story.with_vacation(n).record().current >= story.record().current


def test_a_full_bank_earns_nothing_so_an_earlier_kept_day_costs_no_freeze() -> None:
    assert figures(LOST_FREEZE.record()) == (
        "x" * 14 + "v" + "x" * 6 + "fxfm" + "x" * 10,
        10,
        21,
        1,
        2,
    )
    assert figures(LOST_FREEZE.with_session(14).record()) == (
        "x" * 21 + "fxfm" + "x" * 10,
        10,
        22,
        1,
        2,
    )
    assert figures(LOST_FREEZE_TO_VACATION.record()) == ("xm" + "x" * 20 + "fxfmp", 0, 21, 0, 2)
    assert figures(LOST_FREEZE_TO_VACATION.with_vacation(1).record()) == (
        "xv" + "x" * 20 + "fxfmp",
        0,
        22,
        0,
        2,
    )


# --- Against a reference: the rules written out plainly ------------------------------------------


@dataclass(frozen=True)
class Figures:
    days: list[tuple[date, Mark, int, int]]  # day, mark, streak after it, freezes after it
    current: int
    longest: int
    freezes: int
    spent: int


def reference(
    logged: list[Logged], schedule: Schedule, today: date, since: date | None = None
) -> Figures:
    """The streak rules, one day at a time, as the issue states them."""
    # The input limits: a session counts from 2000 to three days after the user's today.
    sessions = Counter(s.day for s in logged if EARLIEST_DATE <= s.day <= today + timedelta(days=3))
    starts = [*sessions, *([since] if since else [])]
    if not starts:
        return Figures([], 0, 0, 0, 0)
    first, last = min(starts), max([today, *sessions])
    streak = longest = banked = spent = kept_in_a_row = 0
    days = []
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        asked = schedule(day)
        if sessions[day]:
            mark = Mark.DONE  # any session, planned or extra, even on a rest or vacation day
        elif asked is Expect.VACATION:
            mark = Mark.VACATION  # neither breaks nor counts
        elif asked is Expect.REST:
            mark = Mark.REST  # keeps the streak, once one has started
        elif day >= today:
            mark = Mark.PENDING  # breaks nothing until the day is over
        elif streak > 0 and banked > 0:
            mark = Mark.FROZEN  # a freeze is spent on it, automatically
        else:
            mark = Mark.MISSED
        if mark is Mark.DONE or (mark is Mark.REST and streak > 0):
            streak += 1
            if banked < MOST_FREEZES:  # with a full bank, kept days count towards nothing
                kept_in_a_row += 1
                if kept_in_a_row == DAYS_PER_FREEZE:
                    banked, kept_in_a_row = banked + 1, 0
        elif mark is Mark.FROZEN:
            banked -= 1
            spent += 1
        elif mark is Mark.MISSED:
            streak = kept_in_a_row = 0
        longest = max(longest, streak)
        days.append((day, mark, streak, banked))
    return Figures(days, streak, longest, banked, spent)


def agree(found: Record, expected_figures: Figures) -> None:
    assert [(d.day, d.mark, d.streak, d.freezes) for d in found.days] == expected_figures.days
    assert (found.current, found.longest, found.freezes, found.freezes_spent) == (
        expected_figures.current,
        expected_figures.longest,
        expected_figures.freezes,
        expected_figures.spent,
    )


@given(stories(), st.integers(-5, 65), st.booleans())
@settings(max_examples=300, deadline=None)
def test_the_record_agrees_with_the_reference(story: Story, today: int, since: bool) -> None:
    logged, schedule = logged_of(story.done), schedule_of(story.schedule)
    start = D0 if since else None
    agree(
        record(logged, schedule, nth(today), start), reference(logged, schedule, nth(today), start)
    )


def weekly_with_vacations(rng: random.Random, days: int) -> Schedule:
    """Sessions on three to five weekdays, and a week or two of vacation now and then."""
    session_days = set(rng.sample(range(7), rng.randint(3, 5)))
    away = set()
    for _ in range(days // 180):
        first = rng.randrange(days)
        away |= {nth(first + n) for n in range(rng.randint(5, 14))}

    def schedule(day: date) -> Expect:
        if day in away:
            return Expect.VACATION
        return Expect.SESSION if day.weekday() in session_days else Expect.REST

    return schedule


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("miss", [0.02, 0.1, 0.3])
@pytest.mark.parametrize("planned", [False, True], ids=["every day", "weekly plan"])
def test_ten_years_of_daily_history_agree_with_the_reference(
    seed: int, miss: float, planned: bool
) -> None:
    rng = random.Random(seed)
    days = 3660
    schedule = weekly_with_vacations(rng, days) if planned else every_day
    logged = [
        Logged(nth(n), rng.randint(5, 40))
        for n in range(days)
        if rng.random() >= miss
        for _ in range(rng.choice((1, 1, 1, 2)))
    ]
    today = nth(days - 1)
    found = record(logged, schedule, today)
    agree(found, reference(logged, schedule, today))
    assert len(found.days) == (today - logged[0].day).days + 1 >= 3650
    assert found.total_sessions == len(logged)
    assert found.total_minutes == sum(s.minutes for s in logged)
    assert found.freezes_spent > 0 and found.longest > DAYS_PER_FREEZE
