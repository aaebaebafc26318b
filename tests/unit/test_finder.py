"""Filtering the library by goal, kit, position and length."""

from __future__ import annotations

import pytest

from routines.catalog.load import load_catalog
from routines.catalog.model import Equipment, Goal
from routines.finder import RoutineQuery, Where, find_routines
from routines.session import estimated_minutes

ROUTINES = list(load_catalog().routines.values())


def slugs(query: RoutineQuery) -> set[str]:
    return {routine.slug for routine in find_routines(ROUTINES, query)}


def test_no_filter_finds_every_routine() -> None:
    assert len(slugs(RoutineQuery())) == len(ROUTINES)


@pytest.mark.parametrize(
    ("query", "included", "excluded"),
    [
        (RoutineQuery(goal=Goal.DESK), {"desk-reset", "desk-reset-chair", "micro-break", "seated-break", "standing-desk-break"}, {"lifting-primer"}),
        (RoutineQuery(goal=Goal.RUNNING), {"pre-run-warm-up"}, {"desk-reset"}),
        (RoutineQuery(kit=Equipment.NONE), {"pre-run-warm-up", "desk-reset"}, {"desk-reset-chair"}),
        (RoutineQuery(kit=Equipment.CHAIR), {"desk-reset-chair", "desk-reset"}, {"hip-er-strength"}),
        (RoutineQuery(where=Where.STANDING), {"pre-run-warm-up", "standing-desk-break"}, {"desk-reset-chair", "seated-break"}),
        (RoutineQuery(where=Where.NO_FLOOR), {"desk-reset-chair", "pre-run-warm-up", "seated-break"}, {"release-and-stretch"}),
        (RoutineQuery(max_minutes=5), {"desk-reset", "micro-break"}, {"pre-run-warm-up", "hip-er-strength"}),
    ],
)  # fmt: skip
def test_filters_keep_what_fits_and_drop_what_does_not(
    query: RoutineQuery, included: set[str], excluded: set[str]
) -> None:
    found = slugs(query)
    assert included <= found
    assert not excluded & found


def test_every_found_routine_fits_all_filters_at_once() -> None:
    query = RoutineQuery(goal=Goal.DESK, kit=Equipment.NONE, where=Where.NO_FLOOR, max_minutes=5)
    for routine in find_routines(ROUTINES, query):
        assert Goal.DESK in routine.goals and not routine.equipment
        assert estimated_minutes(routine) <= 5
