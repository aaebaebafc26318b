"""When a late reminder is still sent, when a snoozed one comes back, and when one stays quiet."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from routines.reminder_rules import (
    CATCH_UP,
    SNOOZE,
    DayFacts,
    Quiet,
    quiet_reason,
    snoozed,
    too_late,
)
from tests.unit.test_reminder_rules import BERLIN, DAY, HOUR, NEW_YORK, SECOND, utc

# --- Late, and snoozed --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("late", "window", "skipped"),
    [
        pytest.param(timedelta(0), CATCH_UP, False, id="on time"),
        pytest.param(-HOUR, CATCH_UP, False, id="early"),
        pytest.param(timedelta(minutes=90), CATCH_UP, False, id="90 minutes late is sent"),
        pytest.param(2 * HOUR, CATCH_UP, False, id="exactly two hours late is sent"),
        pytest.param(2 * HOUR + SECOND, CATCH_UP, True, id="two hours and a second is skipped"),
        pytest.param(5 * HOUR, CATCH_UP, True, id="5 hours late is skipped"),
        pytest.param(timedelta(minutes=20), timedelta(minutes=15), True, id="a narrower window"),
        pytest.param(timedelta(minutes=15), timedelta(minutes=15), False, id="at the edge of a narrower window"),
    ],
)  # fmt: skip
def test_a_reminder_missed_by_downtime_is_sent_late_only_within_the_window(
    late: timedelta, window: timedelta, skipped: bool
) -> None:
    due = utc(2026, 6, 1, 5)
    assert too_late(due, due + late, window) is skipped


def test_the_catch_up_window_is_two_hours_by_default_and_any_zone_will_do() -> None:
    assert CATCH_UP == 2 * HOUR
    due = utc(2026, 6, 1, 5)
    assert too_late(due, datetime(2026, 6, 1, 9, tzinfo=BERLIN)) is False  # 07:00 UTC
    assert too_late(due, datetime(2026, 6, 1, 9, 1, tzinfo=BERLIN)) is True


@pytest.mark.parametrize(
    ("now", "back"),
    [
        pytest.param(utc(2026, 6, 1, 5), utc(2026, 6, 1, 5, 15), id="UTC"),
        pytest.param(utc(2026, 6, 1, 23, 50), utc(2026, 6, 2, 0, 5), id="over midnight"),
        pytest.param(datetime(2026, 6, 1, 7, tzinfo=BERLIN), utc(2026, 6, 1, 5, 15), id="from Berlin"),
        pytest.param(datetime(2026, 3, 29, 1, 50, tzinfo=BERLIN), utc(2026, 3, 29, 1, 5), id="over a spring jump: 15 real minutes"),
        pytest.param(datetime(2026, 11, 1, 1, 50, tzinfo=NEW_YORK), utc(2026, 11, 1, 6, 5), id="into a repeated hour"),
    ],
)  # fmt: skip
def test_a_snoozed_reminder_comes_back_fifteen_minutes_later_in_utc(
    now: datetime, back: datetime
) -> None:
    found = snoozed(now)
    assert found == back
    assert found - now == SNOOZE  # real minutes, not wall-clock ones
    assert found.tzinfo is UTC


# --- Quiet days ---------------------------------------------------------------------------------

TODAY = date(2026, 6, 3)
YESTERDAY, TOMORROW = TODAY - DAY, TODAY + DAY
PLAN = DayFacts(TODAY, has_plan=True)


def facts(**given: Any) -> DayFacts:
    """Today's facts for a user with a plan and a session planned today, with `given` changed."""
    return replace(PLAN, **given)


@pytest.mark.parametrize(
    ("day", "session", "desk"),
    [
        pytest.param(PLAN, None, None, id="a planned session, not done yet: send both"),
        pytest.param(DayFacts(TODAY), None, None, id="no plan, nothing done: send both"),
        pytest.param(facts(paused_until=TODAY), Quiet.PAUSED, Quiet.PAUSED, id="paused through today"),
        pytest.param(facts(paused_until=TOMORROW), Quiet.PAUSED, Quiet.PAUSED, id="paused through tomorrow"),
        pytest.param(facts(paused_until=YESTERDAY), None, None, id="the pause is over"),
        pytest.param(facts(vacation=True), Quiet.VACATION, Quiet.VACATION, id="on vacation"),
        pytest.param(facts(quiet_on=TODAY), Quiet.SKIPPED, Quiet.SKIPPED, id="skip today"),
        pytest.param(facts(quiet_on=YESTERDAY), None, None, id="yesterday's skip is over"),
        pytest.param(facts(quiet_on=TOMORROW), None, None, id="a skip for another day"),
        pytest.param(facts(session_today=False), Quiet.REST, None, id="a rest day quiets the session only"),
        pytest.param(facts(done_today=True), Quiet.DONE, None, id="done today quiets the session only"),
        pytest.param(DayFacts(TODAY, session_today=False), None, None, id="without a plan there are no rest days"),
        pytest.param(DayFacts(TODAY, session_today=False, done_today=True), Quiet.DONE, None, id="without a plan, done still counts"),
        # The order of precedence.
        pytest.param(facts(paused_until=TODAY, vacation=True, quiet_on=TODAY, session_today=False, done_today=True), Quiet.PAUSED, Quiet.PAUSED, id="paused before all"),
        pytest.param(facts(vacation=True, quiet_on=TODAY, session_today=False, done_today=True), Quiet.VACATION, Quiet.VACATION, id="vacation before skip"),
        pytest.param(facts(quiet_on=TODAY, session_today=False, done_today=True), Quiet.SKIPPED, Quiet.SKIPPED, id="skip before rest"),
        pytest.param(facts(session_today=False, done_today=True), Quiet.REST, None, id="rest before done"),
        pytest.param(facts(paused_until=YESTERDAY, vacation=True), Quiet.VACATION, Quiet.VACATION, id="an old pause gives way to vacation"),
    ],
)  # fmt: skip
def test_why_a_due_reminder_stays_quiet(
    day: DayFacts, session: Quiet | None, desk: Quiet | None
) -> None:
    assert quiet_reason("session", day) is session
    assert quiet_reason("desk", day) is desk


def test_the_reasons_read_as_words() -> None:
    assert [str(q) for q in Quiet] == [
        "reminders are paused",
        "on vacation",
        "skipped today",
        "rest day",
        "already done today",
    ]
