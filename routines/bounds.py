"""The limits every date and count that enters Hipday must lie within.

They keep each account's history, and so the work any page or reminder does for it, bounded:
nothing before 2000, nothing more than a day in the future, plans at most two years ahead.
The web layer checks every form, import, command and synced session against these, in one place.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

#: No date Hipday keeps lies before this one (sessions, programs, vacations, events).
EARLIEST_DATE = date(2000, 1, 1)
#: A session may end at most this far after the server's "now" (a phone's clock can run fast).
FUTURE_SLACK = timedelta(days=1)
#: Plans, moves and vacations reach at most this far past today.
PLAN_HORIZON = timedelta(days=730)
#: The real world's UTC offsets run from −12:00 (Baker Island) to +14:00 (Line Islands).
EARLIEST_OFFSET = timedelta(hours=-12)
LATEST_OFFSET = timedelta(hours=14)
#: The first instant Hipday keeps: the start of EARLIEST_DATE in UTC.
EARLIEST_MOMENT = datetime.combine(EARLIEST_DATE, time(), UTC)
DAY = timedelta(days=1)
TOO_EARLY = f"must be on or after {EARLIEST_DATE.isoformat()}."


def latest_day(today: date) -> date:
    """The last day a plan, a move or a vacation may reach when the user's date is `today`."""
    return today + PLAN_HORIZON


def latest_session_day(today: date) -> date:
    """The last local date a session may count on when the user's date is `today`.

    A session ends at most FUTURE_SLACK after now, on a phone whose zone may be up to 26 hours
    ahead of the user's.
    """
    ahead = FUTURE_SLACK + (LATEST_OFFSET - EARLIEST_OFFSET)
    return today + timedelta(days=-(-ahead // DAY))


def is_real_offset(offset: timedelta) -> bool:
    """Whether some place on Earth keeps its clocks `offset` from UTC."""
    return EARLIEST_OFFSET <= offset <= LATEST_OFFSET


def local_dates(moment: datetime) -> tuple[date, date]:
    """The first and last date the aware `moment` falls on across the real UTC offsets."""
    utc = moment.astimezone(UTC)
    return (utc + EARLIEST_OFFSET).date(), (utc + LATEST_OFFSET).date()


def day_problem(day: date, today: date) -> str | None:
    """Why `day` can't be in a plan, a move or a vacation; None when it can."""
    if day < EARLIEST_DATE:
        return earliest_problem(day)
    if day > latest_day(today):
        years = PLAN_HORIZON.days // 365
        return f"must be at most {years} years ahead ({latest_day(today).isoformat()})."
    return None


def moment_problem(moment: datetime, now: datetime) -> str | None:
    """Why a session can't start or end at the aware `moment`; None when it can."""
    if moment < EARLIEST_MOMENT:
        return TOO_EARLY
    if moment - now > FUTURE_SLACK:  # a difference, not a sum: never past datetime.max
        days = FUTURE_SLACK.days
        return f"must be at most {days} day{'' if days == 1 else 's'} after now."
    return None


def local_date_problem(local_date: date, ended: datetime) -> str | None:
    """Why a session that ended at `ended` (aware, within limits) can't count on `local_date`."""
    if local_date < EARLIEST_DATE:
        return earliest_problem(local_date)
    first, last = local_dates(ended)
    if first <= local_date <= last:
        return None
    joint = " or " if last - first == DAY else " to "
    return (
        "must be the date the session ended on in some UTC offset from "
        f"{_offset(EARLIEST_OFFSET)} to {_offset(LATEST_OFFSET)}: {first}{joint}{last}."
    )


def offset_problem(offset: timedelta) -> str | None:
    """Why no clock on Earth shows `offset` from UTC; None when one does."""
    if is_real_offset(offset):
        return None
    return f"must have a UTC offset from {_offset(EARLIEST_OFFSET)} to {_offset(LATEST_OFFSET)}."


def earliest_problem(day: date) -> str | None:
    """Why no date Hipday keeps can be `day`; None when it can."""
    return TOO_EARLY if day < EARLIEST_DATE else None


def _offset(offset: timedelta) -> str:
    """ "+14:00" or "-12:00"."""
    minutes = int(offset / timedelta(minutes=1))
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


#: Program versions an account keeps, one a day at most: the newest, with the days before the
#: oldest of them following it.
MOST_PROGRAM_VERSIONS = 20
#: Each version's plan is built from the program's start for every page, so a page follows only
#: the newest versions whose plans add up to this many weeks (the one in force always): all 20
#: of a program a year old, five of one five years old, two at ten years, one from 2000. So no
#: page plans much more than a program from EARLIEST_DATE does.
MOST_PLAN_WEEKS = 1_400
#: Sessions an account keeps, and sessions on one local date: the finish form, the phone's
#: outbox and an import refuse more. Every page reads each session of the account.
MOST_SESSIONS = 20_000
MOST_SESSIONS_A_DAY = 24
#: Skips, moves and vacations an account keeps (every page's plan reads them all).
MOST_PLAN_EVENTS = 2_000
#: Exercises one session may list in an import: the library's longest routine has 8, and every
#: page of Progress and every export reads each of them.
MOST_EXERCISES_A_SESSION = 12
#: Hip checks an account keeps: the plan asks for one every few weeks, so this is years of them
#: even done daily. The POST, the phone's queue and an import refuse more.
MOST_HIP_CHECKS = 500
