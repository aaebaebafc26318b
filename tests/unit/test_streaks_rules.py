"""Streaks and freezes: each day's mark, planned days, adherence and a safe today."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta

import pytest

from routines.catalog.load import load_catalog
from routines.plan.build import build_plan
from routines.plan.history import Done, History, Move
from routines.plan.model import DayKind, DayStatus, Plan, PlannedDay, Program
from routines.streaks import (
    Adherence,
    Day,
    Expect,
    Logged,
    Mark,
    Record,
    adherence,
    every_day,
    expected,
    plan_schedule,
    record,
    safe_today,
    week_adherence,
)
from tests.unit.streak_helpers import (
    D0,
    M,
    S,
    figures,
    logged_of,
    marks,
    nth,
    schedule_of,
    walk,
)

CATALOG = load_catalog()


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
