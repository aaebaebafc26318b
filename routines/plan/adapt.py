"""History bends a week the way a coach would: vacations and the user's moves, done, skipped
and missed days, missed strength work moved on, long breaks, and easing off after pain or very
hard sessions."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from datetime import date

from routines.plan.history import Move, Trigger
from routines.plan.model import (
    DAY,
    WEEK,
    DayKind,
    DayStatus,
    PlannedDay,
    strength_happens,
)
from routines.plan.state import Builder


def apply_history(
    builder: Builder, index: int, kinds: list[tuple[date, DayKind]]
) -> list[PlannedDay]:
    """Vacations, the user's moves, then done, skipped and missed days; missed strength moves."""
    history, today = builder.history, builder.today
    days = [
        PlannedDay(d, DayKind.REST, status=DayStatus.VACATION)
        if history.on_vacation(d)
        else PlannedDay(d, k)
        for d, k in kinds
    ]
    strength_before = builder.strength_last
    for move in builder.moves.get(index, ()):
        _move(days, move, strength_before)
    days = [_with_status(builder, day) for day in days]
    for position, day in enumerate(days):
        if day.kind is DayKind.STRENGTH and day.status in (DayStatus.MISSED, DayStatus.SKIPPED):
            _move_to_next_free_day(builder, days, position, max(today, day.day + DAY))
    return days


def _with_status(builder: Builder, day: PlannedDay) -> PlannedDay:
    """Done, skipped or missed (in the past and not done); planned otherwise."""
    if not day.has_session or day.status is not DayStatus.PLANNED:
        return day
    if builder.history.did(day.day, day.kind):
        return day.with_status(DayStatus.DONE)
    if day.day in builder.history.skips:
        return day.with_status(DayStatus.SKIPPED)
    if day.day < builder.today:
        return day.with_status(DayStatus.MISSED)
    return day


def _move(days: list[PlannedDay], move: Move, strength_before: bool) -> None:
    """The user moved the session on `move.source` to the free day `move.target` (same week)."""
    by_date = {d.day: n for n, d in enumerate(days)}
    if move.source not in by_date or move.target not in by_date:
        return
    source, target = by_date[move.source], by_date[move.target]
    origin, destination = days[source], days[target]
    if not origin.has_session or destination.has_session:
        return
    if destination.status is not DayStatus.PLANNED:
        return
    vacated = list(days)
    vacated[source] = PlannedDay(move.source, DayKind.REST, status=DayStatus.MOVED)
    if not _strength_allowed(vacated, target, origin.kind, strength_before):
        return
    vacated[target] = PlannedDay(move.target, origin.kind, moved_from=scheduled_on(origin))
    days[:] = vacated


def scheduled_on(day: PlannedDay) -> date:
    """The day a session was scheduled on before any move."""
    return day.moved_from or day.day


def _strength_allowed(
    days: Sequence[PlannedDay], position: int, kind: DayKind, strength_before: bool = False
) -> bool:
    """Rule 1: a strength session never on the day after, or before, another that happens."""
    if kind is not DayKind.STRENGTH:
        return True
    if position == 0 and strength_before:
        return False
    neighbours = [days[p] for p in (position - 1, position + 1) if 0 <= p < len(days)]
    return not any(strength_happens(n) for n in neighbours)


def _move_to_next_free_day(
    builder: Builder, days: list[PlannedDay], position: int, earliest: date
) -> None:
    """A missed strength day moves to the next free day this week if rule 1 allows, else drops.

    A free day from `earliest` on, or an earlier one on which a strength session was done anyway.
    """
    missed = days[position]
    for target in range(position + 1, len(days)):
        candidate = days[target]
        if candidate.has_session or candidate.status is not DayStatus.PLANNED:
            continue
        made_up = builder.history.did(candidate.day, DayKind.STRENGTH)
        if candidate.day < earliest and not made_up or candidate.day in builder.history.skips:
            continue
        if _strength_allowed(days, target, DayKind.STRENGTH):
            origin = scheduled_on(missed)
            moved = PlannedDay(
                candidate.day,
                DayKind.STRENGTH,
                moved_from=origin,
                note=f"Moved from {origin:%A} so the week's strength work still happens.",
            )
            days[target] = _with_status(builder, moved)
            return


def still_away(builder: Builder, start: date) -> bool:
    """Whether the week from `start` is over and had no session either."""
    ended = start + WEEK <= builder.today
    return ended and not builder.history.any_session(start, start + 6 * DAY)


def paused(days: Sequence[PlannedDay]) -> bool:
    """A week with no session because of a vacation does not move the program on."""
    vacation = any(d.status is DayStatus.VACATION for d in days)
    return vacation and not any(d.has_session for d in days)


def consume_trigger(builder: Builder, day: PlannedDay) -> Trigger | None:
    """The latest trigger before `day` that no earlier strength session has answered yet."""
    waiting = bisect_left(builder.trigger_days, day.day)
    if waiting <= builder.answered:
        return None
    builder.answered = waiting
    return builder.triggers[waiting - 1]


def easing_note(trigger: Trigger, changed: bool) -> str:
    """Why today is easier; honest when the library has no easier variant to give."""
    why = f"{trigger.reason} on {trigger.day:%A %-d %B}"
    if changed:
        return f"Easier variants today: {why}."
    return f"Go gently today: {why}. Keep every exercise in a comfortable range."
