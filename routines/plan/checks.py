"""The hip check in the plan: a check on a mobility day in the last week of every phase, and one
more set of rotation work on the side the latest check found lagging, until the next check."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from routines.catalog.model import Block, Routine
from routines.figures.body import Side
from routines.hip_check import ROTATION_WORK
from routines.plan.history import History
from routines.plan.model import DayKind, DayStatus, PlannedDay

HAPPENS = (DayStatus.PLANNED, DayStatus.DONE)


def with_hip_check(days: Sequence[PlannedDay], history: History) -> tuple[PlannedDay, ...]:
    """The week's days with its last mobility day marked for a hip check, unless a check was
    already taken that week by then (Today and the reminder stop asking once it is done).

    With no mobility day left (a vacation can leave a week one strength day), the last strength
    day takes it: the check is six gentle minutes beside a session, and a rest day stays rest.
    """
    for kind in (DayKind.MOBILITY, DayKind.STRENGTH):
        chosen = [d for d in days if d.kind is kind and d.status in HAPPENS and d.routine]
        if chosen:
            last = chosen[-1]
            if history.checked_between(days[0].day, last.day):
                break
            return tuple(replace(d, hip_check=True) if d is last else d for d in days)
    return tuple(days)


def with_extra_sets(routine: Routine, side: Side) -> Routine:
    """`routine` with one more set on `side` for each per-side rotation exercise.

    The extra set may take that side one past the top of the seed's sets: the seeds dose two
    even hips, and the set is there to even out a measured difference, so capping it would drop
    it from exactly the routines already at the top of their range. It only adds to exercises
    already in the routine, so the precautions that screened the routine still hold.
    """
    blocks = tuple(
        Block(block.name, tuple(
            replace(item, extra_set_side=side)
            if item.exercise.slug in ROTATION_WORK and item.exercise.per_side
            else item
            for item in block.prescriptions
        ))
        for block in routine.blocks
    )  # fmt: skip
    return routine if blocks == routine.blocks else replace(routine, blocks=blocks)
