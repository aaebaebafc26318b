"""Progress at a glance: the streak record as a heatmap and a month calendar, and weekly bests."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routines.heatmap import (
    HEATMAP_WEEKS,
    Cell,
    Heatmap,
    Month,
    Point,
    heatmap,
    month,
    shade,
    weekly_best,
)
from routines.streaks import Expect, Logged, Mark, every_day, record

TODAY = date(2027, 2, 17)  # a Wednesday
DAY = timedelta(days=1)
EMPTY = record([], every_day, TODAY)


def days(first: date, last: date) -> list[date]:
    return [first + DAY * n for n in range((last - first).days + 1)]


def daily(first: date, last: date, *missed: date, minutes: int = 15) -> list[Logged]:
    """A session of `minutes` every day from `first` to `last`, but for the `missed` days."""
    return [Logged(d, minutes) for d in days(first, last) if d not in missed]


def cells(grid: Heatmap | Month) -> list[Cell]:
    return [c for week in grid.weeks for c in week]


def shown(grid: Heatmap | Month) -> list[Cell]:
    return [c for c in cells(grid) if not c.outside]


# A history from 1 February 2027: daily sessions, a miss on the 5th, today not done yet.
SINCE_FEBRUARY = record(
    [*daily(date(2027, 2, 1), date(2027, 2, 16), date(2027, 2, 5)), Logged(date(2027, 2, 3), 10)],
    every_day,
    TODAY,
)


# --- The heatmap -------------------------------------------------------------------------------


def test_the_heatmap_has_26_monday_first_weeks_ending_with_this_week() -> None:
    found = heatmap(SINCE_FEBRUARY, TODAY)
    assert len(found.weeks) == HEATMAP_WEEKS == 26
    assert all(len(week) == 7 for week in found.weeks)
    assert [c.day for c in cells(found)] == days(date(2026, 8, 24), date(2027, 2, 21))
    assert {week[0].day.weekday() for week in found.weeks} == {0}
    assert (found.first, found.last) == (date(2026, 8, 24), TODAY)  # the last day shown so far


def test_days_after_today_are_outside_and_today_is_flagged() -> None:
    found = heatmap(SINCE_FEBRUARY, TODAY)
    assert [c.day for c in cells(found) if c.outside] == days(date(2027, 2, 18), date(2027, 2, 21))
    assert [c.day for c in cells(found) if c.today] == [TODAY]
    assert all(c.mark is None for c in cells(found) if c.outside)


def test_heatmap_cells_show_the_record() -> None:
    found = {c.day: c for c in cells(heatmap(SINCE_FEBRUARY, TODAY))}
    assert found[date(2027, 1, 31)] == Cell(date(2027, 1, 31), None)  # before the history
    assert found[date(2027, 2, 1)] == Cell(date(2027, 2, 1), Mark.DONE, 1, 15, 2)
    assert found[date(2027, 2, 3)] == Cell(date(2027, 2, 3), Mark.DONE, 2, 25, 3)
    assert found[date(2027, 2, 5)] == Cell(date(2027, 2, 5), Mark.MISSED)
    assert found[TODAY] == Cell(TODAY, Mark.PENDING, today=True)


def test_heatmap_counts_marks_inside_it() -> None:
    found = heatmap(SINCE_FEBRUARY, TODAY)
    counted = {mark: found.count(mark) for mark in Mark}
    assert counted == {
        Mark.DONE: 15, Mark.MISSED: 1, Mark.PENDING: 1,
        Mark.REST: 0, Mark.FROZEN: 0, Mark.VACATION: 0,
    }  # fmt: skip
    assert heatmap(SINCE_FEBRUARY, TODAY, weeks=1).count(Mark.DONE) == 2  # Monday and Tuesday


def test_a_session_dated_after_today_shows_in_the_heatmap() -> None:
    found = record(
        [*daily(date(2027, 2, 15), date(2027, 2, 16)), Logged(date(2027, 2, 19), 30)],
        every_day,
        TODAY,
    )
    grid = {c.day: c for c in cells(heatmap(found, TODAY))}
    assert grid[date(2027, 2, 19)] == Cell(date(2027, 2, 19), Mark.DONE, 1, 30, 3)
    assert grid[date(2027, 2, 18)].outside and grid[date(2027, 2, 20)].outside
    assert heatmap(found, TODAY).count(Mark.DONE) == 3
    assert heatmap(found, TODAY).count(Mark.PENDING) == 1  # today; the 18th is outside


@pytest.mark.parametrize(
    ("today", "outside"),
    [(date(2027, 2, 15), 6), (date(2027, 2, 17), 4), (date(2027, 2, 21), 0)],
    ids=["Monday", "Wednesday", "Sunday"],
)
def test_the_last_week_holds_today_whatever_its_weekday(today: date, outside: int) -> None:
    found = heatmap(EMPTY, today)
    assert found.weeks[-1][today.weekday()].today
    assert sum(c.outside for c in found.weeks[-1]) == outside
    assert not any(c.outside for week in found.weeks[:-1] for c in week)


def test_month_starts_label_each_column_where_a_month_begins() -> None:
    assert heatmap(EMPTY, TODAY).month_starts == {
        1: date(2026, 9, 1),
        5: date(2026, 10, 1),
        9: date(2026, 11, 1),
        14: date(2026, 12, 1),
        18: date(2027, 1, 1),
        23: date(2027, 2, 1),
    }


@pytest.mark.parametrize(
    ("today", "weeks", "starts"),
    [
        pytest.param(date(2027, 3, 3), 5, {0: date(2027, 2, 1), 4: date(2027, 3, 1)}, id="the first column holds a first"),
        pytest.param(TODAY, 10, {2: date(2027, 1, 1), 7: date(2027, 2, 1)}, id="next label two columns away: none first"),
        pytest.param(TODAY, 11, {0: date(2026, 12, 7), 3: date(2027, 1, 1), 8: date(2027, 2, 1)}, id="next label three columns away: the first too"),
        pytest.param(date(2027, 1, 20), 3, {0: date(2027, 1, 4)}, id="no first in sight, three columns"),
        pytest.param(date(2027, 1, 20), 2, {}, id="no first in sight, two columns"),
    ],
)  # fmt: skip
def test_the_first_column_is_labelled_when_the_next_label_is_three_columns_away(
    today: date, weeks: int, starts: dict[int, date]
) -> None:
    assert heatmap(EMPTY, today, weeks).month_starts == starts


@given(st.dates(date(2000, 1, 1), date(2100, 12, 31)), st.integers(1, 60))
@settings(max_examples=60, deadline=None)
def test_any_heatmap_is_whole_weeks_up_to_the_week_of_today(today: date, weeks: int) -> None:
    found = heatmap(EMPTY, today, weeks)
    every = cells(found)
    assert len(found.weeks) == weeks and len(every) == 7 * weeks
    assert [c.day for c in every] == days(found.first, every[-1].day)
    assert found.first.weekday() == 0 and every[-1].day.weekday() == 6
    assert found.last == today
    assert every[-1].day - timedelta(days=6) <= today <= every[-1].day
    assert [c.day for c in every if c.today] == [today]
    assert all(c.outside == (c.day > today) for c in every)
    starts = found.month_starts
    firsts = {n: c.day for n, week in enumerate(found.weeks) for c in week if c.day.day == 1}
    assert list(starts) == sorted(starts)
    assert {n: d for n, d in starts.items() if n or d.day == 1} == firsts
    if 0 in starts and 0 not in firsts:
        assert starts[0] == found.first and min(firsts, default=weeks) >= 3


# --- The month calendar ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "number", "first", "last", "weeks", "padding"),
    [
        pytest.param(2027, 2, date(2027, 2, 1), date(2027, 2, 28), 4, 0, id="February 2027: Monday to Sunday"),
        pytest.param(2027, 3, date(2027, 3, 1), date(2027, 4, 4), 5, 4, id="March 2027 starts on Monday"),
        pytest.param(2027, 1, date(2026, 12, 28), date(2027, 1, 31), 5, 4, id="January 2027 ends on Sunday"),
        pytest.param(2026, 8, date(2026, 7, 27), date(2026, 9, 6), 6, 11, id="August 2026 spans six weeks"),
        pytest.param(2028, 2, date(2028, 1, 31), date(2028, 3, 5), 5, 6, id="February 2028 has a 29th"),
    ],
)  # fmt: skip
def test_a_month_is_whole_monday_first_weeks_padded_outside(
    year: int, number: int, first: date, last: date, weeks: int, padding: int
) -> None:
    found = month(EMPTY, year, number, date(2030, 1, 1))
    assert (found.year, found.month, found.first) == (year, number, date(year, number, 1))
    assert len(found.weeks) == weeks and all(len(week) == 7 for week in found.weeks)
    assert [c.day for c in cells(found)] == days(first, last)
    assert sum(c.outside for c in cells(found)) == padding
    assert all(c.outside == (c.day.month != number) for c in cells(found))


def test_the_current_month_shows_the_record_up_to_today() -> None:
    found = month(SINCE_FEBRUARY, 2027, 2, TODAY)
    assert [c.day for c in shown(found)] == days(date(2027, 2, 1), TODAY)
    assert [c.day for c in cells(found) if c.today] == [TODAY]
    letter = {Mark.DONE: "x", Mark.MISSED: "m", Mark.PENDING: "p"}
    assert "".join(letter[c.mark] for c in shown(found) if c.mark) == "xxxx" + "m" + "x" * 11 + "p"
    assert (found.count(Mark.DONE), found.count(Mark.MISSED), found.count(Mark.PENDING)) == (
        15,
        1,
        1,
    )


def test_padding_days_are_outside_and_not_counted_even_inside_the_history() -> None:
    found = record(daily(date(2026, 12, 20), date(2027, 1, 10)), every_day, date(2027, 1, 10))
    january = month(found, 2027, 1, date(2027, 1, 10))
    padding = [c for c in cells(january) if c.day.month == 12]
    assert [c.day.day for c in padding] == [28, 29, 30, 31]
    assert all(c.outside and c.mark is Mark.DONE for c in padding)
    assert january.count(Mark.DONE) == 10
    assert month(found, 2026, 12, date(2027, 1, 10)).count(Mark.DONE) == 12


@pytest.mark.parametrize(
    ("year", "number", "previous", "following"),
    [
        (2027, 1, date(2026, 12, 1), date(2027, 2, 1)),
        (2026, 12, date(2026, 11, 1), date(2027, 1, 1)),
        (2027, 2, date(2027, 1, 1), date(2027, 3, 1)),
        (2028, 2, date(2028, 1, 1), date(2028, 3, 1)),
        (2027, 3, date(2027, 2, 1), date(2027, 4, 1)),
        (2026, 7, date(2026, 6, 1), date(2026, 8, 1)),
    ],
    ids=["January", "December", "February", "leap February", "March", "July"],
)
def test_previous_and_next_month(year: int, number: int, previous: date, following: date) -> None:
    found = Month(year, number, ())
    assert (found.previous, found.next) == (previous, following)


def test_previous_and_next_walk_every_month_of_a_century() -> None:
    first = date(2000, 1, 1)
    walked = [first]
    while walked[-1] < date(2100, 1, 1):
        walked.append(Month(walked[-1].year, walked[-1].month, ()).next)
    assert len(walked) == 100 * 12 + 1
    assert all(
        Month(b.year, b.month, ()).previous == a for a, b in zip(walked, walked[1:], strict=False)
    )


# --- Shades and weekly bests -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "sessions", "expected"),
    [(0, 0, 0), (30, 0, 0), (0, 1, 1), (1, 1, 1), (9, 1, 1), (10, 1, 2), (19, 2, 2), (20, 1, 3), (95, 3, 3)],
)  # fmt: skip
def test_shade(minutes: int, sessions: int, expected: int) -> None:
    assert shade(minutes, sessions) == expected


def test_weekly_best_keeps_each_weeks_highest_amount_by_its_monday() -> None:
    entries = [
        (date(2027, 2, 17), 30),  # Wednesday
        (date(2027, 2, 3), 10),
        (date(2027, 2, 22), 20),  # the next Monday
        (date(2027, 2, 15), 40),  # Monday
        (date(2027, 2, 21), 35),  # Sunday, same week as the 15th
        (date(2027, 2, 3), 25),
    ]
    assert weekly_best(entries) == (
        Point(date(2027, 2, 1), 25),
        Point(date(2027, 2, 15), 40),
        Point(date(2027, 2, 22), 20),
    )
    assert weekly_best([]) == ()
    assert weekly_best(iter([(date(2026, 12, 31), 12)])) == (Point(date(2026, 12, 28), 12),)


def test_the_calendar_shows_vacations_rests_and_freezes() -> None:
    letters = {"S": Expect.SESSION, ".": Expect.REST, "v": Expect.VACATION}
    plan = "SSSSSSS" + "S.vvS" + "SS"  # from Monday 1 February
    first = date(2027, 2, 1)

    def schedule(day: date) -> Expect:
        return letters[plan[(day - first).days]]

    logged = [*daily(first, date(2027, 2, 7)), Logged(date(2027, 2, 13)), Logged(date(2027, 2, 14))]
    found = month(record(logged, schedule, date(2027, 2, 14)), 2027, 2, date(2027, 2, 14))
    assert [found.count(m) for m in (Mark.DONE, Mark.FROZEN, Mark.REST, Mark.VACATION)] == [
        9,
        1,
        1,
        2,
    ]
