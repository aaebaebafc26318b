"""The one parser for numbers and dates that come from outside: strict, bounded, never a crash.

`webapp/inputs.py` is pure (standard library and `routines` only), so it is tested here
without an app or a database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from webapp import inputs

NOW = datetime(2026, 3, 4, 9, tzinfo=UTC)
TODAY = NOW.date()


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("0", 0),
        ("7", 7),
        ("10", 10),
        ("007", 7),
        ("000000010", 10),
    ],
)
def test_ascii_digits_in_range_are_a_whole_number(text: str, number: int) -> None:
    assert inputs.whole(text, 0, 10) == number


@pytest.mark.parametrize(
    "text",
    [
        "", " ", "11", "-1", "+5", " 5", "5 ", "5\n", "1_0", "1e1", "5.0", "0x5", "five",
        "²", "1²", "٣", "５", "𝟗", "\u0665", "\U0001d7d7",  # Unicode digits: isdigit() says yes
        "9" * 5000, "0" * 5000 + "1", "9" * 10,
    ],
)  # fmt: skip
def test_anything_else_is_refused_in_words(text: str) -> None:
    with pytest.raises(inputs.Refused) as refused:
        inputs.whole(text, 0, 10)
    assert refused.value.reason == "must be a whole number from 0 to 10."
    assert refused.value.about("Effort") == "Effort must be a whole number from 0 to 10."


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2000-01-01", date(2000, 1, 1)),
        ("2026-03-04", date(2026, 3, 4)),
        ("2028-02-29", date(2028, 2, 29)),
        ("9999-12-31", date(9999, 12, 31)),  # a real date; how far ahead is the caller's limit
    ],
)
def test_a_date_is_year_month_day_in_ascii_digits(text: str, day: date) -> None:
    assert inputs.day(text) == day


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "must be a date like 2026-11-20."),
        ("2026-3-4", "must be a date like 2026-11-20."),
        ("2026-03-04\n", "must be a date like 2026-11-20."),
        ("2026-03-04T00:00", "must be a date like 2026-11-20."),
        ("20260304", "must be a date like 2026-11-20."),
        ("2026-W10-3", "must be a date like 2026-11-20."),
        ("２０２６-03-04", "must be a date like 2026-11-20."),
        ("2026-0٣-04", "must be a date like 2026-11-20."),
        ("2026-02-30", "must be a date like 2026-11-20."),
        ("2026-13-01", "must be a date like 2026-11-20."),
        ("0000-01-01", "must be a date like 2026-11-20."),
        ("0001-01-01", "must be on or after 2000-01-01."),
        ("1999-12-31", "must be on or after 2000-01-01."),
    ],
)
def test_a_garbled_or_ancient_date_is_refused(text: str, reason: str) -> None:
    with pytest.raises(inputs.Refused) as refused:
        inputs.day(text)
    assert refused.value.reason == reason


@pytest.mark.parametrize(
    ("text", "day"),
    [("2026-03-04", date(2026, 3, 4)), ("2028-03-03", date(2028, 3, 3))],
)
def test_a_plan_day_may_be_up_to_two_years_ahead(text: str, day: date) -> None:
    assert inputs.plan_day(text, TODAY) == day


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2028-03-04", "must be at most 2 years ahead (2028-03-03)."),
        ("9999-12-31", "must be at most 2 years ahead (2028-03-03)."),
        ("1999-12-31", "must be on or after 2000-01-01."),
        ("31/12/2026", "must be a date like 2026-11-20."),
    ],
)
def test_a_plan_day_further_ahead_is_refused(text: str, reason: str) -> None:
    with pytest.raises(inputs.Refused) as refused:
        inputs.plan_day(text, TODAY)
    assert refused.value.reason == reason


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2026-03-04T08:00:00Z", datetime(2026, 3, 4, 8, tzinfo=UTC)),
        ("2026-03-04T08:00:00.123Z", datetime(2026, 3, 4, 8, 0, 0, 123000, tzinfo=UTC)),
        ("2026-03-04T08:00:00.123456Z", datetime(2026, 3, 4, 8, 0, 0, 123456, tzinfo=UTC)),
        ("2026-03-04T08:00Z", datetime(2026, 3, 4, 8, tzinfo=UTC)),
        ("2026-03-04T08:00:00", datetime(2026, 3, 4, 8, tzinfo=UTC)),  # no offset: UTC
        ("2026-03-04T09:00:00+01:00", datetime(2026, 3, 4, 8, tzinfo=UTC)),
        ("2026-03-04T22:00:00+14:00", datetime(2026, 3, 4, 8, tzinfo=UTC)),
        ("2026-03-03T20:00:00-12:00", datetime(2026, 3, 4, 8, tzinfo=UTC)),
        ("2000-01-01T00:00:00Z", datetime(2000, 1, 1, tzinfo=UTC)),
        ("2026-03-05T09:00:00Z", datetime(2026, 3, 5, 9, tzinfo=UTC)),  # the day of slack
    ],
)
def test_a_moment_is_iso_8601_and_comes_back_in_utc(text: str, moment: datetime) -> None:
    parsed = inputs.moment(text, NOW)
    assert parsed == moment and parsed.utcoffset() == timedelta(0)


READABLE = "must be a time like 2026-11-20T07:00:00Z."
OFFSET = "must have a UTC offset from -12:00 to +14:00."
EARLY = "must be on or after 2000-01-01."
LATE = "must be at most 1 day after now."


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", READABLE),
        ("yesterday", READABLE),
        ("2026-03-04", READABLE),
        ("2026-03-04 08:00:00Z", READABLE),
        ("2026-03-04T08:00:00Z\n", READABLE),
        ("20260304T080000Z", READABLE),
        ("2026-03-04T08:00:00.1234567Z", READABLE),
        ("2026-03-04T24:00:00Z", READABLE),
        ("2026-02-30T08:00:00Z", READABLE),
        ("２０２６-03-04T08:00:00Z", READABLE),
        ("2026-03-04T0８:00:00Z", READABLE),
        ("2026-03-04T08:00:00+1400", READABLE),
        ("2026-03-04T08:00:00+14:01", OFFSET),
        ("2026-03-04T08:00:00-12:30", OFFSET),
        ("2026-03-04T08:00:00+23:59", OFFSET),
        ("0001-01-01T00:00:00", EARLY),
        ("0001-01-01T00:00:00+14:00", EARLY),  # was an OverflowError: year 0 in UTC
        ("0001-01-01T00:00:00-12:00", EARLY),
        ("1999-12-31T23:59:59Z", EARLY),
        ("2000-01-01T01:00:00+02:00", EARLY),
        ("9999-12-31T23:59:59-12:00", LATE),  # was an OverflowError: year 10000 in UTC
        ("9999-12-31T23:59:59.999999Z", LATE),
        ("2026-03-05T09:00:01Z", LATE),
    ],
)
def test_a_garbled_unreal_or_extreme_moment_is_refused_without_overflow(
    text: str, reason: str
) -> None:
    with pytest.raises(inputs.Refused) as refused:
        inputs.moment(text, NOW)
    assert refused.value.reason == reason


@pytest.mark.parametrize(
    ("text", "clock"),
    [("00:00", time(0, 0)), ("07:30", time(7, 30)), ("23:59", time(23, 59))],
)
def test_a_time_of_day_is_hours_and_minutes(text: str, clock: time) -> None:
    assert inputs.time_of_day(text) == clock


@pytest.mark.parametrize("text", ["", "7:30", "07:30:00", "24:00", "07:60", "０７:30", "07:3²"])
def test_any_other_time_of_day_is_refused(text: str) -> None:
    with pytest.raises(inputs.Refused) as refused:
        inputs.time_of_day(text)
    assert refused.value.reason == "must be hours and minutes, like 07:00."


@pytest.mark.parametrize(
    ("text", "first"),
    [("2000-01", date(2000, 1, 1)), ("2026-11", date(2026, 11, 1))],
)
def test_a_month_is_year_and_month(text: str, first: date) -> None:
    assert inputs.month(text) == first


@pytest.mark.parametrize("text", ["", "2026-1", "2026-13", "2026-11\n", "1999-12", "٢٠٢٦-11"])
def test_any_other_month_is_refused(text: str) -> None:
    with pytest.raises(inputs.Refused):
        inputs.month(text)
