"""The one parser for every number, date and time that comes in from outside Hipday.

Forms, the phone's outbox, query strings, the import and the command line all read their
numbers and dates here, and nowhere else, so each is strict in the same way:

- digits are ASCII only: `str.isdigit()` and `int()` also take "²", "٣" or "５";
- a number has at most `MOST_DIGITS` digits, so 5,000 of them cost nothing and never reach
  `int()`, which refuses more than 4,300;
- dates are `YYYY-MM-DD`, moments ISO 8601 (`2026-11-20T07:00:00Z`), with a real UTC offset;
- every date lies within the limits of `routines.bounds`, checked before any arithmetic that
  could overflow `datetime`.

A refusal is a `Refused` whose reason reads after the field's name:
"Session 3: local_date must be on or after 2000-01-01."
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from routines import bounds

#: More digits than any count Hipday takes (steps, minutes, a page of history) needs.
MOST_DIGITS = 9
DIGITS = re.compile(rf"[0-9]{{1,{MOST_DIGITS}}}")
DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
CLOCK = re.compile(r"([0-9]{2}):([0-9]{2})")
MOMENT = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,6}))?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?"
)
READABLE_DAY = "must be a date like 2026-11-20."
READABLE_MOMENT = "must be a time like 2026-11-20T07:00:00Z."
READABLE_CLOCK = "must be hours and minutes, like 07:00."
SAFE_EARLIEST = datetime.min + timedelta(days=1)
SAFE_LATEST = datetime.max - timedelta(days=1)


class Refused(ValueError):
    """Input Hipday doesn't take; `reason` says why, in words that follow the field's name."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def about(self, name: str) -> str:
        """The whole sentence for the field called `name`."""
        return f"{name} {self.reason}"


def whole(text: str, low: int, high: int) -> int:
    """The whole number `text` spells in ASCII digits, if it lies in [low, high]."""
    if DIGITS.fullmatch(text) is None or not low <= int(text) <= high:
        raise Refused(f"must be a whole number from {low} to {high}.")
    return int(text)


def day(text: str) -> date:
    """The date `text` spells as YYYY-MM-DD, on or after `bounds.EARLIEST_DATE`."""
    parsed = _date(text)
    if parsed is None:
        raise Refused(READABLE_DAY)
    _check(bounds.earliest_problem(parsed))
    return parsed


def plan_day(text: str, today: date) -> date:
    """A day of a plan, a move or a vacation: from 2000 to `bounds.PLAN_HORIZON` after `today`."""
    parsed = day(text)
    _check(bounds.day_problem(parsed, today))
    return parsed


def month(text: str) -> date:
    """The first of the month `text` spells as YYYY-MM, on or after `bounds.EARLIEST_DATE`."""
    if MONTH.fullmatch(text) is None:
        raise Refused("must be a month like 2026-11.")
    return day(f"{text}-01")


def time_of_day(text: str) -> time:
    """The time `text` spells as HH:MM, 00:00 to 23:59."""
    found = CLOCK.fullmatch(text)
    hours, minutes = (int(part) for part in found.groups()) if found else (-1, -1)
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise Refused(READABLE_CLOCK)
    return time(hours, minutes)


def moment(text: str, now: datetime) -> datetime:
    """The instant `text` spells in ISO 8601, in UTC (UTC too when it names no offset).

    It must lie between `bounds.EARLIEST_MOMENT` and `bounds.FUTURE_SLACK` after `now`, at an
    offset some clock on Earth shows: year 1 at +14:00 is refused, never an OverflowError.
    """
    found = MOMENT.fullmatch(text)
    on = _date(found.group(1)) if found else None
    if found is None or on is None:
        raise Refused(READABLE_MOMENT)
    hours, minutes, seconds, fraction, zone = found.groups()[1:]
    if not (int(hours) < 24 and int(minutes) < 60 and int(seconds or 0) < 60):
        raise Refused(READABLE_MOMENT)
    local = datetime.combine(
        on, time(int(hours), int(minutes), int(seconds or 0), int((fraction or "").ljust(6, "0")))
    )
    offset = _offset(zone)
    _check(bounds.offset_problem(offset))
    # A day from either end of `datetime`, no offset can overflow it; the limits lie far
    # inside, so a moment moved in from an end is refused for the same reason.
    local = min(max(local, SAFE_EARLIEST), SAFE_LATEST)
    utc = (local - offset).replace(tzinfo=UTC)
    _check(bounds.moment_problem(utc, now))
    return utc


@lru_cache(maxsize=4096)
def _date(text: str) -> date | None:
    """The date `text` spells as YYYY-MM-DD, if any; remembered, as an import's 20,000
    sessions repeat a few thousand days in their dates and moments."""
    found = DAY.fullmatch(text)
    if found is None:
        return None
    try:
        return date(*(int(part) for part in found.groups()))
    except ValueError:  # 2026-02-30, month 13, year 0
        return None


def _offset(zone: str | None) -> timedelta:
    """The offset "+05:45", "-12:00" or "Z" names (none: UTC)."""
    if zone is None or zone == "Z":
        return timedelta(0)
    size = timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    return -size if zone[0] == "-" else size


def _check(problem: str | None) -> None:
    if problem is not None:
        raise Refused(problem)
