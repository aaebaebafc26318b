"""What has happened (sessions done, days skipped, sessions moved, vacations), and the sessions
after which the next strength session must be easier."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from routines.figures.body import Side
from routines.plan.model import DAY, DayKind

PAIN_LIMIT = 6
EFFORT_LIMIT = 9


@dataclass(frozen=True)
class Done:
    """A completed session: `kind` is None for an extra (desk or pre-run micro-routine)."""

    day: date
    kind: DayKind | None
    effort: int | None = None
    pain: int | None = None


@dataclass(frozen=True)
class Move:
    source: date
    target: date


@dataclass(frozen=True)
class Checked:
    """A hip check taken, and the side it found lagging (None: level, or not measured)."""

    day: date
    lagging: Side | None


@dataclass(frozen=True)
class History:
    """What has happened: sessions done, days skipped, sessions moved, vacations (inclusive),
    hip checks taken."""

    done: tuple[Done, ...] = ()
    skips: frozenset[date] = frozenset()
    moves: tuple[Move, ...] = ()
    vacations: tuple[tuple[date, date], ...] = ()
    hip_checks: tuple[Checked, ...] = ()

    def lagging_on(self, day: date) -> Side | None:
        """The side the latest hip check up to `day` found lagging.

        A check's own day counts: its extra set is there for the session after the check.
        """
        days, sides = self._checks
        index = bisect_right(days, day) - 1
        return sides[index] if index >= 0 else None

    def checked_between(self, first: date, last: date) -> bool:
        """Whether a hip check was taken from `first` to `last` (inclusive)."""
        days = self._checks[0]
        index = bisect_left(days, first)
        return index < len(days) and days[index] <= last

    @cached_property
    def _checks(self) -> tuple[list[date], list[Side | None]]:
        """The checks in date order (the last of a day wins), as days and lagging sides."""
        latest = {check.day: check.lagging for check in sorted(self.hip_checks, key=_day)}
        return list(latest), list(latest.values())

    def on_vacation(self, day: date) -> bool:
        """Whether `day` falls inside one of the vacations."""
        firsts, lasts = self._vacation_spans
        index = bisect_right(firsts, day) - 1
        return index >= 0 and day <= lasts[index]

    def did(self, day: date, kind: DayKind) -> bool:
        """Whether a session of `kind` was done on `day`."""
        return kind in self._done_kinds.get(day, ())

    def any_session(self, first: date, last: date) -> bool:
        """Whether any session of a plan kind was done from `first` to `last` (inclusive)."""
        days = self._session_days
        index = bisect_left(days, first)
        return index < len(days) and days[index] <= last

    @cached_property
    def _done_kinds(self) -> dict[date, list[DayKind]]:
        """The kinds done on each day. Lists, not sets: a kind is found by identity, where a
        set would hash every kind with Python code (an `Enum`'s hash), and a day has few."""
        found: dict[date, list[DayKind]] = {}
        for session in self.done:
            if session.kind is not None:
                found.setdefault(session.day, []).append(session.kind)
        return found

    @cached_property
    def last_triggers(self) -> tuple[Trigger, ...]:
        """The last trigger of each day, in date order: all a plan reads of them, found once.

        Easing answers the latest trigger before a strength day and the week's last one, so
        earlier triggers of the same day change nothing. Every version's plan shares these.
        """
        last = dict(_trigger_reasons(self))
        return tuple(Trigger(day, reason) for day, reason in last.items())

    @cached_property
    def _session_days(self) -> list[date]:
        return sorted(self._done_kinds)

    @property
    def vacation_spans(self) -> tuple[list[date], list[date]]:
        """The vacations merged where they overlap or touch: sorted first days, last days."""
        return self._vacation_spans

    @cached_property
    def _vacation_spans(self) -> tuple[list[date], list[date]]:
        """The vacations merged where they overlap, as sorted first days and last days."""
        firsts: list[date] = []
        lasts: list[date] = []
        for first, last in sorted(v for v in self.vacations if v[0] <= v[1]):
            if lasts and first <= lasts[-1] + DAY:
                lasts[-1] = max(lasts[-1], last)
            else:
                firsts.append(first)
                lasts.append(last)
        return firsts, lasts


@dataclass(frozen=True)
class Trigger:
    """A reason to ease off: pain ≥ 6/10, or effort ≥ 9/10 twice in a row on strength days."""

    day: date
    reason: str


def triggers(history: History) -> tuple[Trigger, ...]:
    """Every session after which the next strength session must be easier, in date order."""
    return tuple(Trigger(day, reason) for day, reason in _trigger_reasons(history))


def _trigger_reasons(history: History) -> Iterator[tuple[date, str]]:
    previous: Done | None = None
    for session in sorted(history.done, key=lambda d: d.day):
        if session.pain is not None and session.pain >= PAIN_LIMIT:
            yield session.day, f"you reported pain {session.pain}/10"
        elif session.kind is DayKind.STRENGTH and _hard(session) and _hard(previous):
            yield session.day, "your last two strength sessions felt very hard"
        if session.kind is DayKind.STRENGTH:
            previous = session


def _day(check: Checked) -> date:
    return check.day


def _hard(session: Done | None) -> bool:
    return session is not None and (session.effort or 0) >= EFFORT_LIMIT
