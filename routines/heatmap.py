"""Progress at a glance: the streak record laid out as a heatmap and a month calendar, and an
exercise's dosage week by week. Pure: records in, grids and series out."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from routines.streaks import Day, Mark, Record

HEATMAP_WEEKS = 26
#: Minutes of sessions on a day at which its heatmap cell turns one shade darker.
SHADE_MINUTES = (1, 10, 20)
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Cell:
    """One calendar day: its mark (None outside the history) and a shade 0–3 from its minutes."""

    day: date
    mark: Mark | None
    sessions: int = 0
    minutes: int = 0
    shade: int = 0
    today: bool = False
    outside: bool = False  # not part of the month shown (padding) or after today


@dataclass(frozen=True)
class Heatmap:
    """Week columns (Monday first) ending with the week of `today`."""

    weeks: tuple[tuple[Cell, ...], ...]
    first: date
    last: date  # the last day shown so far: today

    def count(self, mark: Mark) -> int:
        """Days in the grid (not outside it) with `mark`."""
        return sum(c.mark is mark for week in self.weeks for c in week if not c.outside)

    @property
    def month_starts(self) -> dict[int, date]:
        """{column: first of month} where a month begins, to label the columns. The first
        column is labelled too when the next label is at least 3 columns away."""
        starts = {
            index: first
            for index, week in enumerate(self.weeks)
            if (first := next((c.day for c in week if c.day.day == 1), None)) is not None
        }
        if self.weeks and min(starts, default=len(self.weeks)) >= 3:
            starts[0] = self.weeks[0][0].day
        return dict(sorted(starts.items()))


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    weeks: tuple[tuple[Cell, ...], ...]

    @property
    def first(self) -> date:
        """The month's first day."""
        return date(self.year, self.month, 1)

    @property
    def previous(self) -> date:
        """The first day of the month before."""
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        """The first day of the month after."""
        return (self.first + timedelta(days=31)).replace(day=1)

    def count(self, mark: Mark) -> int:
        """Days in the grid (not outside it) with `mark`."""
        return sum(c.mark is mark for week in self.weeks for c in week if not c.outside)


def shade(minutes: int, sessions: int) -> int:
    """0 for no session, else 1–3 by the minutes done that day."""
    if not sessions:
        return 0
    return max(1, sum(minutes >= limit for limit in SHADE_MINUTES))


def cell(record: Record, day: date, today: date, outside: bool = False) -> Cell:
    """The cell of `day`: its mark in the record, if the record holds it."""
    found: Day | None = record.on(day)
    if found is None:
        return Cell(day, None, today=day == today, outside=outside or day > today)
    return Cell(
        day,
        found.mark,
        found.sessions,
        found.minutes,
        shade(found.minutes, found.sessions),
        today=day == today,
        outside=outside or (day > today and not found.sessions),
    )


def heatmap(record: Record, today: date, weeks: int = HEATMAP_WEEKS) -> Heatmap:
    """The last `weeks` weeks, Monday to Sunday, the current week last."""
    monday = today - timedelta(days=today.weekday())
    first = monday - WEEK * (weeks - 1)
    columns = tuple(
        tuple(cell(record, first + WEEK * w + timedelta(days=d), today) for d in range(7))
        for w in range(weeks)
    )
    return Heatmap(columns, first, today)


def month(record: Record, year: int, month_number: int, today: date) -> Month:
    """One month as weeks of seven cells, Monday first; days of the next or previous month
    pad the first and last week and are marked `outside`."""
    grid = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month_number)
    weeks = tuple(
        tuple(cell(record, day, today, outside=day.month != month_number) for day in week)
        for week in grid
    )
    return Month(year, month_number, weeks)


@dataclass(frozen=True)
class Point:
    """One week of an exercise: its Monday and the most done per set that week."""

    week: date
    amount: int


def weekly_best(entries: Iterable[tuple[date, int]]) -> tuple[Point, ...]:
    """The highest amount per set (seconds or reps) of each week that had the exercise."""
    best: dict[date, int] = {}
    for day, amount in entries:
        monday = day - timedelta(days=day.weekday())
        best[monday] = max(best.get(monday, 0), amount)
    return tuple(Point(week, amount) for week, amount in sorted(best.items()))
