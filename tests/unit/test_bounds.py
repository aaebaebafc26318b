"""The stated limits: which dates and moments Hipday takes, and why it refuses the others."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from routines import bounds
from routines.bounds import EARLIEST_DATE, FUTURE_SLACK, PLAN_HORIZON
from routines.streaks import Logged, every_day, record

TODAY = date(2026, 3, 4)
NOW = datetime(2026, 3, 4, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "problem"),
    [
        (date(1, 1, 1), "must be on or after 2000-01-01."),
        (date(1999, 12, 31), "must be on or after 2000-01-01."),
        (EARLIEST_DATE, None),
        (TODAY, None),
        (TODAY + PLAN_HORIZON, None),
        (TODAY + PLAN_HORIZON + timedelta(days=1), "must be at most 2 years ahead (2028-03-03)."),
        (date(9999, 12, 31), "must be at most 2 years ahead (2028-03-03)."),
    ],
)
def test_a_plan_day_lies_between_2000_and_two_years_ahead(day: date, problem: str | None) -> None:
    assert bounds.day_problem(day, TODAY) == problem


@pytest.mark.parametrize(
    ("moment", "problem"),
    [
        (datetime.min.replace(tzinfo=UTC), "must be on or after 2000-01-01."),
        (datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC), "must be on or after 2000-01-01."),
        (datetime(2000, 1, 1, tzinfo=UTC), None),
        (NOW + FUTURE_SLACK, None),
        (NOW + FUTURE_SLACK + timedelta(seconds=1), "must be at most 1 day after now."),
        (datetime.max.replace(tzinfo=UTC), "must be at most 1 day after now."),
    ],
)
def test_a_session_moment_lies_between_2000_and_a_day_from_now(
    moment: datetime, problem: str | None
) -> None:
    assert bounds.moment_problem(moment, NOW) == problem


ENDED = datetime(2026, 3, 4, 10, tzinfo=UTC)  # 22:00 the day before at -12:00, midnight at +14:00
LATE = datetime(2026, 3, 4, 23, 30, tzinfo=UTC)  # 11:30 at -12:00, 13:30 the next day at +14:00
NO_OFFSET = "must be the date the session ended on in some UTC offset from -12:00 to +14:00: "


@pytest.mark.parametrize(
    ("local_date", "ended", "problem"),
    [
        (date(2026, 3, 3), ENDED, None),
        (date(2026, 3, 4), ENDED, None),
        (date(2026, 3, 5), ENDED, None),
        (date(2026, 3, 2), ENDED, NO_OFFSET + "2026-03-03 to 2026-03-05."),
        (date(2026, 3, 6), ENDED, NO_OFFSET + "2026-03-03 to 2026-03-05."),
        (date(9999, 12, 31), ENDED, NO_OFFSET + "2026-03-03 to 2026-03-05."),
        (date(2026, 3, 3), LATE, NO_OFFSET + "2026-03-04 or 2026-03-05."),
        (date(2026, 3, 5), LATE, None),
        (date(2026, 3, 6), LATE, NO_OFFSET + "2026-03-04 or 2026-03-05."),
        (
            date(1999, 12, 31),
            datetime(2000, 1, 1, 5, tzinfo=UTC),
            "must be on or after 2000-01-01.",
        ),
    ],
)
def test_a_sessions_local_date_is_its_end_in_some_real_utc_offset(
    local_date: date, ended: datetime, problem: str | None
) -> None:
    assert bounds.local_date_problem(local_date, ended) == problem


@pytest.mark.parametrize(
    ("offset", "real"),
    [
        (timedelta(hours=-12, minutes=-1), False),
        (timedelta(hours=-12), True),
        (timedelta(0), True),
        (timedelta(hours=5, minutes=45), True),
        (timedelta(hours=14), True),
        (timedelta(hours=14, minutes=1), False),
        (timedelta(hours=23, minutes=59), False),
    ],
)
def test_real_utc_offsets_run_from_minus_12_to_plus_14(offset: timedelta, real: bool) -> None:
    assert bounds.is_real_offset(offset) is real


def test_a_session_may_count_up_to_three_days_after_the_users_today() -> None:
    """A day of slack, and a phone up to 26 hours ahead of the user's zone."""
    assert bounds.latest_session_day(TODAY) == TODAY + timedelta(days=3)
    latest_end = NOW + FUTURE_SLACK
    phone_ahead = latest_end.astimezone(timezone(bounds.LATEST_OFFSET)).date()
    assert phone_ahead <= bounds.latest_session_day(TODAY)


@pytest.mark.parametrize("stray", [date.max, date.min, date(1999, 12, 31), TODAY + timedelta(4)])
def test_a_session_dated_outside_the_limits_is_left_out_of_the_streak(stray: date) -> None:
    """Rows saved before the limits existed never overflow the walk or stretch it for ever."""
    logged = [Logged(TODAY - timedelta(days=1), 5), Logged(TODAY, 5), Logged(stray, 5)]
    walked = record(logged, every_day, TODAY)
    assert walked.days[0].day == TODAY - timedelta(days=1)
    assert walked.days[-1].day == TODAY
    assert walked.current == walked.longest == 2


def test_a_since_before_2000_starts_the_walk_on_the_first_day_of_2000() -> None:
    walked = record([Logged(EARLIEST_DATE + timedelta(days=2))], every_day, EARLIEST_DATE
                    + timedelta(days=2), since=date.min)  # fmt: skip
    assert walked.days[0].day == EARLIEST_DATE
