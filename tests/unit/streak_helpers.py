"""Shared builders for the streak tests: schedules, sessions and marks written as letters.

Most tests write a history as day strings, one letter a day from D0, today being the last day:

    schedule  S session expected   . rest    v vacation
    done      x one session        2 two (any digit: that many)   . none
    marks     x done   . rest   f frozen   v vacation   m missed   p pending
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from hypothesis import strategies as st

from routines.plan.model import DayKind, DayStatus, Phase, Plan, PlannedDay, Program, Week
from routines.streaks import (
    Expect,
    Logged,
    Mark,
    Record,
    Schedule,
    record,
)

D0 = date(2026, 6, 1)  # a Monday
EXPECT = {"S": Expect.SESSION, ".": Expect.REST, "v": Expect.VACATION}
LETTER = {
    Mark.DONE: "x", Mark.REST: ".", Mark.FROZEN: "f",
    Mark.VACATION: "v", Mark.MISSED: "m", Mark.PENDING: "p",
}  # fmt: skip


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


S, M = DayKind.STRENGTH, DayKind.MOBILITY


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A moment in UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


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


def week_of(index: int, letters: str) -> Week:
    """Plan week `index` from D0, its seven days written one letter a day (S . v)."""
    days = tuple(
        PlannedDay(
            nth(index * 7 + n),
            DayKind.REST if letter == "." else DayKind.STRENGTH,
            status=DayStatus.VACATION if letter == "v" else DayStatus.PLANNED,
        )
        for n, letter in enumerate(letters)
    )
    return Week(index, Phase.FOUNDATION, index + 1, 1, False, days)


def plan_of(letters: str, weeks: dict[int, Week] | None = None) -> Plan:
    """A plan from D0 written one letter a day (padded with sessions to whole weeks); the
    weeks in `weeks` are used as they are, as a plan rebuilt from a checkpoint keeps them."""
    letters = letters.ljust(-(-len(letters) // 7) * 7, "S")
    kept = weeks or {}
    return Plan(
        Program(D0),
        tuple(
            kept.get(n) or week_of(n, letters[n * 7 : n * 7 + 7]) for n in range(len(letters) // 7)
        ),
    )
