"""Finding routines in the library by goal, kit, position and length."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from routines.catalog.model import Equipment, Goal, Position, Routine
from routines.session import estimated_minutes


class Where(StrEnum):
    """Where the user can exercise right now; each allows a set of positions."""

    STANDING = "standing"
    SEATED = "seated"
    NO_FLOOR = "no-floor"


ALLOWED_POSITIONS = {
    Where.STANDING: {Position.STANDING},
    Where.SEATED: {Position.SEATED},
    Where.NO_FLOOR: {Position.STANDING, Position.SEATED},
}


@dataclass(frozen=True)
class RoutineQuery:
    """Filters from the library page; None means 'any'."""

    goal: Goal | None = None
    kit: Equipment | None = None
    where: Where | None = None
    max_minutes: int | None = None


def find_routines(routines: Iterable[Routine], query: RoutineQuery) -> list[Routine]:
    """The routines that match every filter in `query`, in library order."""
    return [routine for routine in routines if matches(routine, query)]


def matches(routine: Routine, query: RoutineQuery) -> bool:
    """Whether `routine` serves the goal, needs no kit beyond `kit`, and fits the place and time."""
    if query.goal is not None and query.goal not in routine.goals:
        return False
    if query.kit is not None and not routine.equipment <= {query.kit} - {Equipment.NONE}:
        return False
    if query.where is not None and not routine.positions <= ALLOWED_POSITIONS[query.where]:
        return False
    return query.max_minutes is None or estimated_minutes(routine) <= query.max_minutes
