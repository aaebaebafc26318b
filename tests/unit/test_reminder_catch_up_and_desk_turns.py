"""Which slot a late reminder is sent for, and which desk routine each break suggests.

Berlin is two hours ahead of UTC in June 2026; 1 June 2026 is a Monday.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from routines.catalog.load import load_catalog
from routines.catalog.model import RoutineKind
from routines.reminder_rules import (
    DESK_MINUTES,
    DeskRule,
    SessionRule,
    catch_up_slot,
    desk_routine,
    desk_routines,
)
from routines.session import estimated_minutes

BERLIN = ZoneInfo("Europe/Berlin")
SEVEN = SessionRule(time(7, 0))
WORKING_HOURS = DeskRule(60, time(9, 0), time(17, 0))
CATALOG = load_catalog()


def berlin(day: int, hour: int, minute: int = 0) -> datetime:
    """A June 2026 moment on Berlin's wall clock, in UTC."""
    return datetime(2026, 6, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


@pytest.mark.parametrize(
    ("now", "slot"),
    [
        pytest.param(berlin(1, 7), berlin(1, 7), id="on time"),
        pytest.param(berlin(1, 8, 30), berlin(1, 7), id="90 minutes late, after downtime"),
        pytest.param(berlin(1, 9), berlin(1, 7), id="exactly two hours late"),
        pytest.param(berlin(1, 9, 1), None, id="two hours and a minute late"),
    ],
)
def test_a_reminder_is_sent_for_its_own_slot_until_two_hours_have_passed(
    now: datetime, slot: datetime | None
) -> None:
    assert catch_up_slot(SEVEN, BERLIN, berlin(1, 7), now) == slot


def test_after_a_weekend_of_downtime_this_mornings_reminder_is_sent_instead_of_fridays() -> None:
    friday = datetime(2026, 5, 29, 7, tzinfo=BERLIN).astimezone(UTC)
    assert catch_up_slot(SEVEN, BERLIN, friday, berlin(1, 8)) == berlin(1, 7)


def test_a_missed_reminder_with_no_slot_inside_the_window_is_too_late() -> None:
    assert catch_up_slot(SEVEN, BERLIN, berlin(1, 7), berlin(2, 6)) is None


def test_after_downtime_the_first_desk_break_inside_the_window_is_the_one_sent() -> None:
    slot = catch_up_slot(WORKING_HOURS, BERLIN, berlin(1, 10), berlin(1, 14, 30))
    assert slot == berlin(1, 13)


def test_a_shorter_window_makes_a_late_reminder_too_late_sooner() -> None:
    late = berlin(1, 7, 45)
    assert catch_up_slot(SEVEN, BERLIN, berlin(1, 7), late, timedelta(minutes=30)) is None


def test_desk_breaks_suggest_only_short_desk_routines() -> None:
    routines = desk_routines(CATALOG)
    assert len(routines) > 1
    assert all(r.kind is RoutineKind.DESK for r in routines)
    assert all(estimated_minutes(r) in DESK_MINUTES for r in routines)


def test_two_desk_breaks_in_a_row_suggest_different_routines() -> None:
    ten, eleven = desk_routine(CATALOG, time(10), 60), desk_routine(CATALOG, time(11), 60)
    assert ten != eleven


def test_a_working_day_of_breaks_takes_turns_through_every_desk_routine() -> None:
    turns = [desk_routine(CATALOG, time(hour), 60) for hour in range(10, 17)]
    assert set(turns) == set(desk_routines(CATALOG))
    assert all(a != b for a, b in zip(turns, turns[1:], strict=False))
