"""Weeks of the plan: phases, strength and mobility days, deload weeks, and the program moving on
one week at a time."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from routines.catalog.model import Catalog, Goal
from routines.plan.adapt import apply_history, paused, still_away
from routines.plan.checks import with_hip_check
from routines.plan.choose import fill_week
from routines.plan.history import History
from routines.plan.model import (
    DAY,
    WEEK,
    DayKind,
    Experience,
    Phase,
    Plan,
    Program,
    Week,
    strength_happens,
)
from routines.plan.state import (
    FOUNDATION_WEEKS,
    STRENGTHENING_WEEKS,
    Builder,
    Loading,
    week_index,
)
from routines.precautions import gentle_only, gentle_only_note

#: Strength days a week in the strengthening phase; the foundation phase has one fewer.
STRENGTH_DAYS = {Goal.LIFTING: 3, Goal.RUNNING: 2, Goal.GENERAL: 2, Goal.DESK: 1}
LONG_BREAK_WEEKS = 2


def build_plan(
    program: Program, history: History, catalog: Catalog, today: date, weeks: int
) -> Plan:
    """The plan's first `weeks` weeks from the program start, bent by what has happened."""
    builder = Builder(program, history, catalog, today)
    for index in range(weeks):
        builder.weeks.append(build_week(builder, index))
    return Plan(program, tuple(builder.weeks))


def build_week(builder: Builder, index: int) -> Week:
    """Plan week `index` from where `builder` stands, then move the builder past it."""
    week, shape = _build_week(builder, index, builder.program.start + index * WEEK)
    _after_week(builder, week, shape)
    builder.strength_last = strength_happens(week.days[-1])
    return week


def _build_week(builder: Builder, index: int, start: date) -> tuple[Week, Loading]:
    """One week of the plan, and the loading week its routines and dosage come from."""
    position = builder.position
    phase, phase_week, cycle = builder.phase_of(position.program_week)
    deload, note = _deload(builder, index)
    if deload and position.last_loading is not None:
        shape = position.last_loading
    else:
        shape = Loading(phase, cycle, position.level, position.rotation)
    kinds = _day_kinds(builder, start, shape.phase, shape.strength_days)
    strength_days = sum(kind is DayKind.STRENGTH for _, kind in kinds)
    days = apply_history(builder, index, kinds)
    builder.eased = set()
    planned = tuple(fill_week(builder, days, kinds, shape, deload))
    if _ends_phase(builder.program, phase, phase_week):
        planned = with_hip_check(planned, builder.history)
    if paused(planned):
        deload, note = False, None
    elif builder.welcome_back and not still_away(builder, start):
        note = "After two weeks without a session, this week picks up where you left off."
    gentle = gentle_only_note(builder.program.precautions)
    if gentle and any(day.has_session for day in planned):
        note = f"{gentle} {note}" if note else gentle
    week = Week(index + 1, phase, phase_week, cycle, deload, planned, note)
    return week, replace(shape, strength_days=strength_days, eased=frozenset(builder.eased))


def _ends_phase(program: Program, phase: Phase, phase_week: int) -> bool:
    """Whether `phase_week` is the last week of `phase`, when the plan asks for a hip check."""
    weeks = FOUNDATION_WEEKS if phase is Phase.FOUNDATION else STRENGTHENING_WEEKS
    return phase_week == weeks[program.experience]


def _after_week(builder: Builder, week: Week, shape: Loading) -> None:
    """Move the program on after `week`; a vacation pauses it, a long break rewinds it."""
    if paused(week.days):
        return
    away = still_away(builder, week.first_day)
    if away and builder.empty_weeks == 0:
        builder.before_break = builder.position
    builder.empty_weeks = builder.empty_weeks + 1 if away else 0
    pain = week_index(builder.program, week.first_day) in builder.trigger_weeks
    _advance(builder, week, shape, pain)
    if builder.empty_weeks >= LONG_BREAK_WEEKS:
        builder.position = builder.before_break
        builder.welcome_back = True
    elif not away:
        builder.welcome_back = False


def _advance(builder: Builder, week: Week, shape: Loading, pain: bool) -> None:
    """Move the program one week on; pain holds the dosage where this week had it."""
    position = builder.position
    if week.deload:
        level = min(position.level, shape.level) if pain else position.level
        position = replace(position, loading_since_deload=0, level=level)
    else:
        position = replace(
            position,
            loading_since_deload=position.loading_since_deload + 1,
            last_loading=shape,
            rotation=position.rotation + 1,
            level=position.level + (0 if pain else 1),
        )
    position = replace(position, program_week=position.program_week + 1)
    if builder.phase_of(position.program_week)[1] == 1:
        position = replace(position, level=0)
    builder.position = position


def _deload(builder: Builder, index: int) -> tuple[bool, str | None]:
    """Whether this is a deload week: on schedule, or brought forward by pain or hard sessions."""
    position, program = builder.position, builder.program
    if position.last_loading is None:
        return False, None
    if position.loading_since_deload >= program.deload_every - 1:
        return True, None
    trigger = builder.trigger_weeks.get(index - 1)
    if trigger is None or position.loading_since_deload == 0:
        return False, None
    return True, f"Deload brought forward so you can recover: {trigger.reason}."


def _strength_target(program: Program, phase: Phase, session_days: int) -> int:
    """Strength days this week; a new user never has more of them than mobility days."""
    target = STRENGTH_DAYS[program.goal] - (1 if phase is Phase.FOUNDATION else 0)
    ceiling = session_days // 2 if program.experience is Experience.NEW else (session_days + 1) // 2
    return min(max(1, target), ceiling)


def _day_kinds(builder: Builder, start: date, phase: Phase, cap: int) -> list[tuple[date, DayKind]]:
    """Strength and mobility on the session days, never two strength days in a row."""
    program, history = builder.program, builder.history
    dates = [start + n * DAY for n in range(7)]
    sessions = [
        d for d in dates if d.weekday() in program.session_days and not history.on_vacation(d)
    ]
    target = min(cap, _strength_target(program, phase, len(sessions)))
    if gentle_only(program.precautions):
        target = 0  # strength days become gentle mobility days
    yesterday_strength = builder.strength_last
    kinds: list[tuple[date, DayKind]] = []
    strength = 0
    for day in dates:
        kind = DayKind.REST
        if day in sessions:
            more = strength < target and not yesterday_strength
            kind = DayKind.STRENGTH if more else DayKind.MOBILITY
            strength += kind is DayKind.STRENGTH
        kinds.append((day, kind))
        yesterday_strength = kind is DayKind.STRENGTH
    return kinds
