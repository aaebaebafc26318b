"""A day of the plan as its page offers it: start, skip or move, or what a day off says."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from routines.plan.model import DayKind, DayStatus, PlannedDay
from tests.conftest import TEST_TODAY
from webapp.presenters.labels import STATUS_NOTES
from webapp.presenters.plan_day import REST, VACATION, day_page

YESTERDAY, TOMORROW = TEST_TODAY - timedelta(days=1), TEST_TODAY + timedelta(days=1)


@pytest.mark.parametrize(
    ("kind", "status", "day", "startable", "changeable"),
    [
        (DayKind.STRENGTH, DayStatus.PLANNED, TEST_TODAY, True, True),
        (DayKind.MOBILITY, DayStatus.PLANNED, TOMORROW, True, True),
        (DayKind.STRENGTH, DayStatus.DONE, TEST_TODAY, True, False),
        (DayKind.STRENGTH, DayStatus.PLANNED, YESTERDAY, False, False),
        (DayKind.STRENGTH, DayStatus.MISSED, YESTERDAY, False, False),
        (DayKind.STRENGTH, DayStatus.SKIPPED, TOMORROW, False, False),
        (DayKind.STRENGTH, DayStatus.VACATION, TOMORROW, False, False),
        (DayKind.REST, DayStatus.PLANNED, TOMORROW, False, False),
    ],
)
def test_a_day_can_be_started_or_changed_only_while_it_lies_ahead_and_is_planned(
    kind: DayKind, status: DayStatus, day: date, startable: bool, changeable: bool
) -> None:
    page = day_page(PlannedDay(day, kind, status=status), TEST_TODAY)
    assert (page.startable, page.changeable) == (startable, changeable)


def test_a_vacation_day_says_enjoy_it_and_any_other_day_off_is_a_rest_day() -> None:
    away = PlannedDay(TOMORROW, DayKind.STRENGTH, status=DayStatus.VACATION)
    assert day_page(away, TEST_TODAY).without_session == VACATION
    assert day_page(PlannedDay(TOMORROW, DayKind.REST), TEST_TODAY).without_session == REST


def test_every_status_has_a_note_and_only_a_planned_day_has_none() -> None:
    assert set(STATUS_NOTES) == {status.value for status in DayStatus}
    assert [s for s, note in STATUS_NOTES.items() if not note] == [DayStatus.PLANNED.value]
