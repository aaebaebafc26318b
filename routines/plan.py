"""The routine engine: program and history become weeks of strength, mobility and rest days.

A plan runs in 7-day weeks from the program's start. Weeks belong to phases — a foundation phase
(4–6 weeks, lighter variants) then a strengthening phase (6–8 weeks) — and the cycle repeats one
variant step harder. Loading weeks grow the dosage; every `deload_every`-th week is a deload week.
History bends the plan the way a coach would: missed strength days move or drop, long breaks
repeat the week, and pain or very hard sessions bring easier variants and an early deload.
Everything here is pure: the same program, history and `today` always give the same plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum

from routines.catalog import (
    Block,
    Catalog,
    Category,
    Equipment,
    Exercise,
    Goal,
    Prescription,
    Routine,
    RoutineKind,
)
from routines.dosage import Dosage, DosageKind, deloaded, progressed
from routines.session import estimated_minutes


class DayKind(StrEnum):
    STRENGTH = "strength"
    MOBILITY = "mobility"
    REST = "rest"


class Experience(StrEnum):
    NEW = "new"
    SOME = "some"
    TRAINED = "trained"


class Phase(StrEnum):
    FOUNDATION = "foundation"
    STRENGTHENING = "strengthening"


class DayStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    MISSED = "missed"
    SKIPPED = "skipped"
    MOVED = "moved"
    VACATION = "vacation"


FOUNDATION_WEEKS = {Experience.NEW: 6, Experience.SOME: 5, Experience.TRAINED: 4}
STRENGTHENING_WEEKS = {Experience.NEW: 6, Experience.SOME: 7, Experience.TRAINED: 8}
#: Strength days a week in the strengthening phase; the foundation phase has one fewer.
STRENGTH_DAYS = {Goal.LIFTING: 3, Goal.RUNNING: 2, Goal.GENERAL: 2, Goal.DESK: 1}
PAIN_LIMIT = 6
EFFORT_LIMIT = 9
LONG_BREAK_WEEKS = 2
HOLD_CAPS = {Category.MOBILITY_STRETCH: 60, Category.CORE: 45, Category.STRENGTH: 45}
REPS_CAPS = {Category.ACTIVATION: 30, Category.DYNAMIC_WARM_UP: 15}
DEFAULT_HOLD_CAP, DEFAULT_REPS_CAP = 20, 20
DAY_KIND_OF_ROUTINE = {
    RoutineKind.STRENGTH: DayKind.STRENGTH,
    RoutineKind.MOBILITY: DayKind.MOBILITY,
}


@dataclass(frozen=True)
class Program:
    """What the user told onboarding (or Settings)."""

    start: date
    goal: Goal = Goal.GENERAL
    session_days: tuple[int, ...] = (0, 2, 4)  # weekdays, Monday = 0
    experience: Experience = Experience.NEW
    equipment: frozenset[Equipment] = frozenset()
    deload_every: int = 4

    def __post_init__(self) -> None:
        if not 2 <= len(set(self.session_days)) <= 6:
            raise ValueError("choose between 2 and 6 session days a week")
        if any(not 0 <= day <= 6 for day in self.session_days):
            raise ValueError("session days are weekdays 0 (Monday) to 6 (Sunday)")
        if self.deload_every not in (3, 4):
            raise ValueError("a deload comes every 3rd or 4th week")


@dataclass(frozen=True)
class Done:
    """A completed session: `kind` is None for an extra (desk or pre-run micro-routine)."""

    day: date
    kind: DayKind | None
    effort: int | None = None
    pain: int | None = None


@dataclass(frozen=True)
class Move:
    source: date
    target: date


@dataclass(frozen=True)
class History:
    done: tuple[Done, ...] = ()
    skips: frozenset[date] = frozenset()
    moves: tuple[Move, ...] = ()
    vacations: tuple[tuple[date, date], ...] = ()

    def on_vacation(self, day: date) -> bool:
        return any(first <= day <= last for first, last in self.vacations)

    def did(self, day: date, kind: DayKind) -> bool:
        return any(d.day == day and d.kind is kind for d in self.done)


@dataclass(frozen=True)
class PlannedDay:
    day: date
    kind: DayKind
    routine: Routine | None = None
    minutes: int = 0
    status: DayStatus = DayStatus.PLANNED
    note: str | None = None
    moved_from: date | None = None

    @property
    def has_session(self) -> bool:
        return self.kind is not DayKind.REST


@dataclass(frozen=True)
class Week:
    index: int
    phase: Phase
    phase_week: int
    cycle: int
    deload: bool
    days: tuple[PlannedDay, ...]
    note: str | None = None

    @property
    def first_day(self) -> date:
        return self.days[0].day


@dataclass(frozen=True)
class Plan:
    program: Program
    weeks: tuple[Week, ...]

    def day(self, day: date) -> PlannedDay | None:
        week = self.week_of(day)
        return next((d for d in week.days if d.day == day), None) if week else None

    def week_of(self, day: date) -> Week | None:
        return next((w for w in self.weeks if w.first_day <= day < w.first_day + WEEK), None)


WEEK = timedelta(days=7)
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Trigger:
    """A reason to ease off: pain ≥ 6/10 or effort ≥ 9/10 twice in a row on strength days."""

    day: date
    reason: str


def triggers(history: History) -> tuple[Trigger, ...]:
    """Every strength session after which the next one must be easier."""
    found: list[Trigger] = []
    strength = sorted((d for d in history.done if d.kind is DayKind.STRENGTH), key=lambda d: d.day)
    for index, session in enumerate(strength):
        previous = strength[index - 1] if index else None
        if session.pain is not None and session.pain >= PAIN_LIMIT:
            found.append(Trigger(session.day, f"you reported pain {session.pain}/10"))
        elif (
            previous is not None
            and (session.effort or 0) >= EFFORT_LIMIT
            and (previous.effort or 0) >= EFFORT_LIMIT
        ):
            found.append(Trigger(session.day, "your last two strength sessions felt very hard"))
    return tuple(found)


@dataclass
class _Position:
    """Where the program stands: which program week, and how far dosage has grown."""

    program_week: int = 0
    level: int = 0
    loading_since_deload: int = 0
    last_loading_level: int = 0
    rotation: int = 0


@dataclass
class _Builder:
    program: Program
    history: History
    catalog: Catalog
    today: date
    position: _Position = field(default_factory=_Position)
    weeks: list[Week] = field(default_factory=list)
    answered: list[Trigger] = field(default_factory=list)

    def phase_of(self, program_week: int) -> tuple[Phase, int, int]:
        foundation = FOUNDATION_WEEKS[self.program.experience]
        cycle_length = foundation + STRENGTHENING_WEEKS[self.program.experience]
        cycle, offset = divmod(program_week, cycle_length)
        if offset < foundation:
            return Phase.FOUNDATION, offset + 1, cycle + 1
        return Phase.STRENGTHENING, offset - foundation + 1, cycle + 1


def build_plan(
    program: Program, history: History, catalog: Catalog, today: date, weeks: int
) -> Plan:
    """The plan's first `weeks` weeks from the program start, bent by what has happened."""
    builder = _Builder(program, history, catalog, today)
    all_triggers = triggers(history)
    forced_deloads = {_week_index(program, t.day) + 1 for t in all_triggers}
    empty_streak, before_break = 0, _Position()
    for index in range(weeks):
        start = program.start + index * WEEK
        week = _build_week(builder, index, start, forced_deloads, all_triggers)
        builder.weeks.append(week)
        if start + WEEK > today and index >= _week_index(program, today):
            _advance(builder, week, pain_week=False)
            continue
        if _vacation_week(history, week):
            continue
        active = any(history.did(d.day, k) for d in week.days for k in DayKind)
        if active:
            empty_streak = 0
        else:
            empty_streak += 1
            if empty_streak == 1:
                before_break = replace(builder.position)
        pain_week = any(_week_index(program, t.day) == index for t in all_triggers)
        _advance(builder, week, pain_week)
        if empty_streak >= LONG_BREAK_WEEKS:
            builder.position = replace(before_break)
    return Plan(program, tuple(builder.weeks))


def _week_index(program: Program, day: date) -> int:
    return (day - program.start).days // 7


def _vacation_week(history: History, week: Week) -> bool:
    return all(history.on_vacation(d.day) for d in week.days)


def _advance(builder: _Builder, week: Week, pain_week: bool) -> None:
    """Move the program one week on; pain holds the dosage where it is."""
    position = builder.position
    next_phase = builder.phase_of(position.program_week + 1)
    if week.deload:
        position.loading_since_deload = 0
    else:
        position.loading_since_deload += 1
        position.last_loading_level = position.level
        position.rotation += 1
        if not pain_week:
            position.level += 1
    position.program_week += 1
    if next_phase[1] == 1:
        position.level = position.loading_since_deload = position.last_loading_level = 0


def _build_week(
    builder: _Builder,
    index: int,
    start: date,
    forced_deloads: set[int],
    all_triggers: Sequence[Trigger],
) -> Week:
    position, program = builder.position, builder.program
    phase, phase_week, cycle = builder.phase_of(position.program_week)
    scheduled = position.loading_since_deload >= program.deload_every - 1
    after_deload = bool(builder.weeks) and builder.weeks[-1].deload
    forced = index in forced_deloads and phase_week > 1 and not after_deload
    deload = phase_week > 1 and (scheduled or forced)
    note = "Deload brought forward so you can recover." if forced and not scheduled else None
    kinds = _day_kinds(builder, start, phase)
    days = _apply_history(builder, kinds)
    # A deload week repeats the last loading week's routines, so its volume compares like for like.
    rotation = position.rotation - 1 if deload and position.rotation else position.rotation
    planned, seen = [], dict.fromkeys(DayKind, 0)
    for day in days:
        if day.has_session:
            turn = rotation + seen[day.kind]
            seen[day.kind] += 1
            day = _fill(builder, day, turn, phase, cycle, deload, all_triggers)
        planned.append(day)
    return Week(index + 1, phase, phase_week, cycle, deload, tuple(planned), note)


def _strength_target(program: Program, phase: Phase, session_days: int) -> int:
    target = STRENGTH_DAYS[program.goal] - (1 if phase is Phase.FOUNDATION else 0)
    ceiling = session_days // 2 if program.experience is Experience.NEW else (session_days + 1) // 2
    return max(1, min(target, ceiling)) if session_days else 0


def _day_kinds(builder: _Builder, start: date, phase: Phase) -> list[tuple[date, DayKind]]:
    """Strength and mobility on the session days, never two strength days in a row."""
    program, history = builder.program, builder.history
    dates = [start + n * DAY for n in range(7)]
    sessions = [
        d for d in dates if d.weekday() in program.session_days and not history.on_vacation(d)
    ]
    target = _strength_target(program, phase, len(sessions))
    previous_strength = _ends_with_strength(builder.weeks)
    kinds: list[tuple[date, DayKind]] = []
    strength = 0
    for day in dates:
        kind = DayKind.REST
        if day in sessions:
            yesterday_strength = previous_strength if not kinds else (
                kinds[-1][1] is DayKind.STRENGTH
            )  # fmt: skip
            kind = DayKind.STRENGTH if strength < target and not yesterday_strength else (
                DayKind.MOBILITY
            )  # fmt: skip
            strength += kind is DayKind.STRENGTH
        kinds.append((day, kind))
    return kinds


def _ends_with_strength(weeks: Sequence[Week]) -> bool:
    return bool(weeks) and _strength_happens(weeks[-1].days[-1])


def _apply_history(builder: _Builder, kinds: list[tuple[date, DayKind]]) -> list[PlannedDay]:
    """Vacations, explicit moves, skips and missed days, in that order."""
    history, today = builder.history, builder.today
    days = [
        PlannedDay(d, DayKind.REST, status=DayStatus.VACATION)
        if history.on_vacation(d)
        else PlannedDay(d, k)
        for d, k in kinds
    ]
    strength_before = _ends_with_strength(builder.weeks)
    for move in history.moves:
        _move(days, move, strength_before)
    for position, day in enumerate(days):
        if not day.has_session or day.status is not DayStatus.PLANNED:
            continue
        if history.did(day.day, day.kind):
            days[position] = replace(day, status=DayStatus.DONE)
        elif day.day in history.skips or day.day < today:
            status = DayStatus.SKIPPED if day.day in history.skips else DayStatus.MISSED
            days[position] = replace(day, status=status)
            if day.kind is DayKind.STRENGTH:
                _move_to_next_free_day(days, position, max(today, day.day + DAY))
    return days


def _move(days: list[PlannedDay], move: Move, strength_before: bool) -> None:
    """The user moved the session on `move.source` to the free day `move.target` (same week)."""
    by_date = {d.day: n for n, d in enumerate(days)}
    if move.source not in by_date or move.target not in by_date:
        return
    origin, destination = days[by_date[move.source]], days[by_date[move.target]]
    if not origin.has_session or destination.has_session:
        return
    if destination.status is not DayStatus.PLANNED:
        return
    if not _strength_allowed(days, by_date[move.target], origin.kind, strength_before):
        return
    days[by_date[move.target]] = PlannedDay(move.target, origin.kind, moved_from=move.source)
    days[by_date[move.source]] = PlannedDay(move.source, DayKind.REST, status=DayStatus.MOVED)


def _strength_allowed(
    days: Sequence[PlannedDay], position: int, kind: DayKind, strength_before: bool = False
) -> bool:
    """Rule 1: a strength session never on the day after, or before, another that happens."""
    if kind is not DayKind.STRENGTH:
        return True
    if position == 0 and strength_before:
        return False
    neighbours = [days[p] for p in (position - 1, position + 1) if 0 <= p < len(days)]
    return not any(_strength_happens(n) for n in neighbours)


def _strength_happens(day: PlannedDay) -> bool:
    return day.kind is DayKind.STRENGTH and day.status in (DayStatus.PLANNED, DayStatus.DONE)


def _move_to_next_free_day(days: list[PlannedDay], position: int, earliest: date) -> None:
    """A missed strength day moves to the next free day this week if rule 1 allows, else drops."""
    missed = days[position]
    for target in range(position + 1, len(days)):
        candidate = days[target]
        if candidate.day < earliest or candidate.has_session:
            continue
        if candidate.status is not DayStatus.PLANNED:
            continue
        if _strength_allowed(days, target, DayKind.STRENGTH, strength_before=False):
            days[target] = PlannedDay(
                candidate.day,
                DayKind.STRENGTH,
                moved_from=missed.day,
                note=f"Moved from {missed.day:%A} so the week's strength work still happens.",
            )
            return


def _fill(
    builder: _Builder,
    day: PlannedDay,
    turn: int,
    phase: Phase,
    cycle: int,
    deload: bool,
    all_triggers: Sequence[Trigger],
) -> PlannedDay:
    """Choose the day's routine and set its dosage for this week."""
    position = builder.position
    routine = _choose_routine(builder, day.kind, turn)
    if routine is None:
        return replace(day, kind=DayKind.REST, note="No routine fits your kit for this day.")
    step = (cycle - 1) - (1 if phase is Phase.FOUNDATION else 0)
    note = day.note
    if day.kind is DayKind.STRENGTH:
        trigger = _consume_trigger(builder, day.day, all_triggers)
        if trigger is not None:
            step -= 1
            note = f"Easier variants today: {trigger.reason} on {trigger.day:%A %-d %B}."
    level = position.last_loading_level if deload else position.level
    strength_deload = deload and day.kind is DayKind.STRENGTH
    dosed = _dose(builder, routine, step, level, strength_deload)
    return replace(day, routine=dosed, minutes=estimated_minutes(dosed), note=note)


def _consume_trigger(
    builder: _Builder, day: date, all_triggers: Sequence[Trigger]
) -> Trigger | None:
    """The latest trigger before `day` that no earlier strength day has answered yet."""
    waiting = [t for t in all_triggers if t.day < day and t not in builder.answered]
    builder.answered.extend(waiting)
    return waiting[-1] if waiting else None


def _choose_routine(builder: _Builder, kind: DayKind, turn: int) -> Routine | None:
    """A routine of the day's kind that fits the kit and goal, taken in turn week to week."""
    candidates = routine_candidates(builder.catalog, builder.program, kind)
    return candidates[turn % len(candidates)] if candidates else None


def routine_candidates(catalog: Catalog, program: Program, kind: DayKind) -> list[Routine]:
    """Library routines for `kind` days, fitted to the kit at hand, the goal's own first."""
    fitted = []
    for routine in catalog.routines.values():
        if DAY_KIND_OF_ROUTINE.get(routine.kind) is not kind:
            continue
        usable = fit_to_equipment(routine, catalog, program.equipment)
        if usable is not None:
            fitted.append(usable)
    for_goal = [routine for routine in fitted if program.goal in routine.goals]
    if len(for_goal) >= 2:
        return for_goal
    return for_goal + [routine for routine in fitted if routine not in for_goal]


def fit_to_equipment(
    routine: Routine, catalog: Catalog, equipment: frozenset[Equipment]
) -> Routine | None:
    """`routine` with exercises needing missing kit swapped for a variant, or left out.

    None when more than half of it would be left out.
    """
    have = equipment | {Equipment.NONE}
    blocks = []
    kept = 0
    for block in routine.blocks:
        items = []
        for item in block.prescriptions:
            swapped = _usable_variant(item, catalog, have)
            if swapped is not None:
                items.append(swapped)
        kept += len(items)
        if items:
            blocks.append(Block(block.name, tuple(items)))
    if kept * 2 < len(routine.prescriptions):
        return None
    return replace(routine, blocks=tuple(blocks))


def _usable_variant(
    item: Prescription, catalog: Catalog, have: frozenset[Equipment]
) -> Prescription | None:
    if item.exercise.equipment in have:
        return item
    easier, harder = catalog.variants(item.exercise)
    for variant in (*easier, *harder):
        if variant.equipment in have:
            return _swap(item, variant)
    return None


def _swap(item: Prescription, variant: Exercise) -> Prescription:
    """The same slot with another exercise; its dosage kept when the unit matches."""
    if variant.dosage_kind is item.dosage.kind:
        return Prescription(variant, item.dosage)
    return Prescription(variant, variant.default_dosage)


def _dose(builder: _Builder, routine: Routine, step: int, level: int, deload: bool) -> Routine:
    blocks = tuple(
        Block(b.name, tuple(_dose_item(builder, p, step, level, deload) for p in b.prescriptions))
        for b in routine.blocks
    )
    return replace(routine, blocks=blocks)


def _dose_item(
    builder: _Builder, item: Prescription, step: int, level: int, deload: bool
) -> Prescription:
    have = builder.program.equipment | {Equipment.NONE}
    shifted = shift_variant(item, builder.catalog, step, have, same_unit=deload)
    hold_cap, reps_cap = progression_caps(shifted.exercise, shifted.dosage)
    dosage = progressed(shifted.dosage, level, hold_cap=hold_cap, reps_cap=reps_cap)
    return Prescription(shifted.exercise, deloaded(dosage) if deload else dosage)


def shift_variant(
    item: Prescription,
    catalog: Catalog,
    steps: int,
    have: frozenset[Equipment],
    same_unit: bool = False,
) -> Prescription:
    """Walk `steps` variants harder (positive) or easier (negative), staying within the kit."""
    current = item
    for _ in range(abs(steps)):
        easier, harder = catalog.variants(current.exercise)
        options = [
            v
            for v in (harder if steps > 0 else easier)
            if v.equipment in have and (not same_unit or v.dosage_kind is current.dosage.kind)
        ]
        if not options:
            break
        current = _swap(current, options[0])
    return current


def progression_caps(exercise: Exercise, dosage: Dosage) -> tuple[int, int]:
    """How far holds (seconds) and reps may grow for `exercise`; never below where it starts."""
    hold_cap = HOLD_CAPS.get(exercise.category, DEFAULT_HOLD_CAP)
    reps_cap = REPS_CAPS.get(exercise.category, DEFAULT_REPS_CAP)
    start = dosage.hold_seconds or dosage.work_seconds or 0
    return max(hold_cap, start), max(reps_cap, dosage.reps or 0)


def strength_volume(days: Iterable[PlannedDay]) -> int:
    """Total planned strength volume: sets × reps or sets × seconds, over every strength day."""
    total = 0
    for day in days:
        if day.kind is DayKind.STRENGTH and day.routine is not None:
            for item in day.routine.prescriptions:
                amount = item.dosage.reps if item.dosage.kind is DosageKind.REPS else (
                    item.dosage.hold_seconds or item.dosage.work_seconds
                )  # fmt: skip
                total += item.dosage.sets * (amount or 0)
    return total
