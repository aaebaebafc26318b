"""The routine engine: program and history become weeks of strength, mobility and rest days.

A plan runs in 7-day weeks from the program's start. Weeks belong to phases — a foundation phase
(4–6 weeks, lighter variants) then a strengthening phase (6–8 weeks) — and the cycle repeats one
variant step harder. Loading weeks grow the dosage; every `deload_every`-th week is a deload week,
counted across phase boundaries, which repeats the last loading week at a lighter dosage.
History bends the plan the way a coach would: missed strength days move or drop, long breaks
repeat the week, and pain or very hard sessions bring easier variants and an early deload.
Everything here is pure: the same program, history and `today` always give the same plan.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property

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
from routines.dosage import Dosage, deloaded, progressed, volume
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
WEEK = timedelta(days=7)
DAY = timedelta(days=1)
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
    """What has happened: sessions done, days skipped, sessions moved, vacations (inclusive)."""

    done: tuple[Done, ...] = ()
    skips: frozenset[date] = frozenset()
    moves: tuple[Move, ...] = ()
    vacations: tuple[tuple[date, date], ...] = ()

    def on_vacation(self, day: date) -> bool:
        """Whether `day` falls inside one of the vacations."""
        firsts, lasts = self._vacation_spans
        index = bisect_right(firsts, day) - 1
        return index >= 0 and day <= lasts[index]

    def did(self, day: date, kind: DayKind) -> bool:
        """Whether a session of `kind` was done on `day`."""
        return kind in self._done_kinds.get(day, ())

    def _any_session(self, first: date, last: date) -> bool:
        days = self._session_days
        index = bisect_left(days, first)
        return index < len(days) and days[index] <= last

    @cached_property
    def _done_kinds(self) -> dict[date, frozenset[DayKind]]:
        found: dict[date, set[DayKind]] = {}
        for session in self.done:
            if session.kind is not None:
                found.setdefault(session.day, set()).add(session.kind)
        return {day: frozenset(kinds) for day, kinds in found.items()}

    @cached_property
    def last_triggers(self) -> tuple[Trigger, ...]:
        """The last trigger of each day, in date order: all a plan reads of them, found once.

        Easing answers the latest trigger before a strength day and the week's last one, so
        earlier triggers of the same day change nothing. Every version's plan shares these.
        """
        last = dict(_trigger_reasons(self))
        return tuple(Trigger(day, reason) for day, reason in last.items())

    @cached_property
    def _session_days(self) -> list[date]:
        return sorted(self._done_kinds)

    @cached_property
    def _vacation_spans(self) -> tuple[list[date], list[date]]:
        """The vacations merged where they overlap, as sorted first days and last days."""
        firsts: list[date] = []
        lasts: list[date] = []
        for first, last in sorted(v for v in self.vacations if v[0] <= v[1]):
            if lasts and first <= lasts[-1] + DAY:
                lasts[-1] = max(lasts[-1], last)
            else:
                firsts.append(first)
                lasts.append(last)
        return firsts, lasts


@dataclass(frozen=True)
class PlannedDay:
    """One day of the plan; `moved_from` is the day a moved session was first scheduled on."""

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

    def with_status(self, status: DayStatus) -> PlannedDay:
        """This day with another status (as `replace` would, several times faster)."""
        return PlannedDay(
            self.day, self.kind, self.routine, self.minutes, status, self.note, self.moved_from
        )


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
        """The planned day on `day`, None outside the plan."""
        week = self.week_of(day)
        return week.days[(day - week.first_day).days] if week else None

    def week_of(self, day: date) -> Week | None:
        """The week holding `day`, None outside the plan."""
        if not self.weeks:
            return None
        index = (day - self.weeks[0].first_day).days // 7
        return self.weeks[index] if 0 <= index < len(self.weeks) else None


@dataclass(frozen=True)
class Trigger:
    """A reason to ease off: pain ≥ 6/10, or effort ≥ 9/10 twice in a row on strength days."""

    day: date
    reason: str


def triggers(history: History) -> tuple[Trigger, ...]:
    """Every session after which the next strength session must be easier, in date order."""
    return tuple(Trigger(day, reason) for day, reason in _trigger_reasons(history))


def _trigger_reasons(history: History) -> Iterator[tuple[date, str]]:
    previous: Done | None = None
    for session in sorted(history.done, key=lambda d: d.day):
        if session.pain is not None and session.pain >= PAIN_LIMIT:
            yield session.day, f"you reported pain {session.pain}/10"
        elif session.kind is DayKind.STRENGTH and _hard(session) and _hard(previous):
            yield session.day, "your last two strength sessions felt very hard"
        if session.kind is DayKind.STRENGTH:
            previous = session


def _hard(session: Done | None) -> bool:
    return session is not None and (session.effort or 0) >= EFFORT_LIMIT


@dataclass(frozen=True)
class _Loading:
    """What a loading week was built from; a deload week repeats it, lighter."""

    phase: Phase
    cycle: int
    level: int
    rotation: int
    strength_days: int = 7
    eased: frozenset[int] = frozenset()  # turns whose session had easier variants


@dataclass(frozen=True)
class _Dosing:
    """How a routine is dosed on a day."""

    step: int  # variant steps from the library's own, harder when positive
    level: int  # loading weeks of growth
    deload: bool = False
    carried: bool = False  # the session this deload repeats had easier variants
    easier: bool = False  # a trigger asks for easier variants today


@dataclass
class _Position:
    """Where the program stands: which program week, and how far dosage has grown."""

    program_week: int = 0
    level: int = 0
    loading_since_deload: int = 0
    rotation: int = 0
    last_loading: _Loading | None = None


@dataclass
class _Builder:
    """The state of one `build_plan` call, with the history's lookups worked out once."""

    program: Program
    history: History
    catalog: Catalog
    today: date
    position: _Position = field(default_factory=_Position)
    weeks: list[Week] = field(default_factory=list)
    empty_weeks: int = 0
    before_break: _Position = field(default_factory=_Position)
    welcome_back: bool = False
    answered: int = 0
    eased: set[int] = field(default_factory=set)
    candidates: dict[DayKind, list[Routine]] = field(default_factory=dict)
    dosed: dict[tuple[str, _Dosing], tuple[Routine, int]] = field(default_factory=dict)
    easings: dict[tuple[str, _Dosing], bool] = field(default_factory=dict)
    variants: dict[tuple[str, int, int, bool, bool, bool], Prescription] = field(
        default_factory=dict
    )

    @cached_property
    def triggers(self) -> tuple[Trigger, ...]:
        return self.history.last_triggers

    @cached_property
    def longest_walk(self) -> int | None:
        """The most variant steps any walk can take, None when some walk could loop."""
        return longest_variant_walk(self.catalog)

    @cached_property
    def trigger_days(self) -> list[date]:
        return [t.day for t in self.triggers]

    @cached_property
    def trigger_weeks(self) -> dict[int, Trigger]:
        """The last trigger of each week, by week index."""
        return {_week_index(self.program, t.day): t for t in self.triggers}

    @cached_property
    def moves(self) -> dict[int, list[Move]]:
        """The user's moves by the week index of their source day."""
        found: dict[int, list[Move]] = {}
        for move in self.history.moves:
            found.setdefault(_week_index(self.program, move.source), []).append(move)
        return found

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
    for index in range(weeks):
        start = program.start + index * WEEK
        week, shape = _build_week(builder, index, start)
        builder.weeks.append(week)
        _after_week(builder, week, shape)
    return Plan(program, tuple(builder.weeks))


def _week_index(program: Program, day: date) -> int:
    return (day - program.start).days // 7


def _after_week(builder: _Builder, week: Week, shape: _Loading) -> None:
    """Move the program on after `week`; a vacation pauses it, a long break rewinds it."""
    if _paused(week.days):
        return
    away = _still_away(builder, week.first_day)
    if away and builder.empty_weeks == 0:
        builder.before_break = replace(builder.position)
    builder.empty_weeks = builder.empty_weeks + 1 if away else 0
    pain = _week_index(builder.program, week.first_day) in builder.trigger_weeks
    _advance(builder, week, shape, pain)
    if builder.empty_weeks >= LONG_BREAK_WEEKS:
        builder.position = replace(builder.before_break)
        builder.welcome_back = True
    elif not away:
        builder.welcome_back = False


def _still_away(builder: _Builder, start: date) -> bool:
    """Whether the week from `start` is over and had no session either."""
    ended = start + WEEK <= builder.today
    return ended and not builder.history._any_session(start, start + 6 * DAY)


def _paused(days: Sequence[PlannedDay]) -> bool:
    """A week with no session because of a vacation does not move the program on."""
    vacation = any(d.status is DayStatus.VACATION for d in days)
    return vacation and not any(d.has_session for d in days)


def _advance(builder: _Builder, week: Week, shape: _Loading, pain: bool) -> None:
    """Move the program one week on; pain holds the dosage where this week had it."""
    position = builder.position
    if week.deload:
        position.loading_since_deload = 0
        if pain:
            position.level = min(position.level, shape.level)
    else:
        position.loading_since_deload += 1
        position.last_loading = shape
        position.rotation += 1
        position.level += 0 if pain else 1
    position.program_week += 1
    if builder.phase_of(position.program_week)[1] == 1:
        position.level = 0


def _build_week(builder: _Builder, index: int, start: date) -> tuple[Week, _Loading]:
    """One week of the plan, and the loading week its routines and dosage come from."""
    position = builder.position
    phase, phase_week, cycle = builder.phase_of(position.program_week)
    deload, note = _deload(builder, index)
    if deload and position.last_loading is not None:
        shape = position.last_loading
    else:
        shape = _Loading(phase, cycle, position.level, position.rotation)
    kinds = _day_kinds(builder, start, shape.phase, shape.strength_days)
    strength_days = sum(kind is DayKind.STRENGTH for _, kind in kinds)
    days = _apply_history(builder, index, kinds)
    builder.eased = set()
    planned = tuple(_fill_week(builder, days, kinds, shape, deload))
    if _paused(planned):
        deload, note = False, None
    elif builder.welcome_back and not _still_away(builder, start):
        note = "After two weeks without a session, this week picks up where you left off."
    week = Week(index + 1, phase, phase_week, cycle, deload, planned, note)
    return week, replace(shape, strength_days=strength_days, eased=frozenset(builder.eased))


def _deload(builder: _Builder, index: int) -> tuple[bool, str | None]:
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


def _day_kinds(
    builder: _Builder, start: date, phase: Phase, cap: int
) -> list[tuple[date, DayKind]]:
    """Strength and mobility on the session days, never two strength days in a row."""
    program, history = builder.program, builder.history
    dates = [start + n * DAY for n in range(7)]
    sessions = [
        d for d in dates if d.weekday() in program.session_days and not history.on_vacation(d)
    ]
    target = min(cap, _strength_target(program, phase, len(sessions)))
    yesterday_strength = _ends_with_strength(builder.weeks)
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


def _ends_with_strength(weeks: Sequence[Week]) -> bool:
    return bool(weeks) and _strength_happens(weeks[-1].days[-1])


def _apply_history(
    builder: _Builder, index: int, kinds: list[tuple[date, DayKind]]
) -> list[PlannedDay]:
    """Vacations, the user's moves, then done, skipped and missed days; missed strength moves."""
    history, today = builder.history, builder.today
    days = [
        PlannedDay(d, DayKind.REST, status=DayStatus.VACATION)
        if history.on_vacation(d)
        else PlannedDay(d, k)
        for d, k in kinds
    ]
    strength_before = _ends_with_strength(builder.weeks)
    for move in builder.moves.get(index, ()):
        _move(days, move, strength_before)
    days = [_with_status(builder, day) for day in days]
    for position, day in enumerate(days):
        if day.kind is DayKind.STRENGTH and day.status in (DayStatus.MISSED, DayStatus.SKIPPED):
            _move_to_next_free_day(builder, days, position, max(today, day.day + DAY))
    return days


def _with_status(builder: _Builder, day: PlannedDay) -> PlannedDay:
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
    vacated[target] = PlannedDay(move.target, origin.kind, moved_from=_scheduled_on(origin))
    days[:] = vacated


def _scheduled_on(day: PlannedDay) -> date:
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
    return not any(_strength_happens(n) for n in neighbours)


def _strength_happens(day: PlannedDay) -> bool:
    return day.kind is DayKind.STRENGTH and day.status in (DayStatus.PLANNED, DayStatus.DONE)


def _move_to_next_free_day(
    builder: _Builder, days: list[PlannedDay], position: int, earliest: date
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
            origin = _scheduled_on(missed)
            moved = PlannedDay(
                candidate.day,
                DayKind.STRENGTH,
                moved_from=origin,
                note=f"Moved from {origin:%A} so the week's strength work still happens.",
            )
            days[target] = _with_status(builder, moved)
            return


def _fill_week(
    builder: _Builder,
    days: Sequence[PlannedDay],
    kinds: Sequence[tuple[date, DayKind]],
    shape: _Loading,
    deload: bool,
) -> Iterable[PlannedDay]:
    """Each session day with its routine, taken in turn from where the rotation stands.

    Turns follow the week as scheduled, so a moved session keeps the routine it had.
    """
    turns: dict[date, int] = {}
    seen = dict.fromkeys(DayKind, 0)
    for when, kind in kinds:
        turns[when] = shape.rotation + seen[kind]
        seen[kind] += 1
    for day in days:
        if day.has_session:
            day = _fill(builder, day, turns[_scheduled_on(day)], shape, deload)
        yield day


def _fill(
    builder: _Builder, day: PlannedDay, turn: int, shape: _Loading, deload: bool
) -> PlannedDay:
    """Choose the day's routine and set its dosage for this week."""
    routine = _choose_routine(builder, day.kind, turn)
    if routine is None:
        return replace(day, kind=DayKind.REST, note="No routine fits your kit for this day.")
    trigger = _consume_trigger(builder, day) if _strength_happens(day) else None
    strength_deload = deload and day.kind is DayKind.STRENGTH
    carried = strength_deload and turn in shape.eased
    dosing = _Dosing(_step(shape, builder.longest_walk), shape.level, strength_deload, carried,
                     trigger is not None)  # fmt: skip
    dosed, minutes = _dosed(builder, routine, dosing)
    note = day.note
    if trigger is not None:
        builder.eased.add(turn)
        easing = _easing_note(trigger, changed=_changes_exercises(builder, routine, dosing))
        note = f"{note} {easing}" if note else easing
    return PlannedDay(day.day, day.kind, dosed, minutes, day.status, note, day.moved_from)


def _dosed(builder: _Builder, routine: Routine, dosing: _Dosing) -> tuple[Routine, int]:
    key = (routine.slug, dosing)
    if key not in builder.dosed:
        dosed = _dose(builder, routine, dosing)
        builder.dosed[key] = dosed, estimated_minutes(dosed)
    return builder.dosed[key]


def _changes_exercises(builder: _Builder, routine: Routine, dosing: _Dosing) -> bool:
    """Whether easing `routine` at `dosing` swaps any exercise for an easier one."""
    key = (routine.slug, dosing)
    if key not in builder.easings:
        dosed, _ = _dosed(builder, routine, dosing)
        usual, _ = _dosed(builder, routine, replace(dosing, easier=False))
        builder.easings[key] = _exercises(dosed) != _exercises(usual)
    return builder.easings[key]


def _exercises(routine: Routine) -> tuple[str, ...]:
    return tuple(p.exercise.slug for p in routine.prescriptions)


def _easing_note(trigger: Trigger, changed: bool) -> str:
    """Why today is easier; honest when the library has no easier variant to give."""
    why = f"{trigger.reason} on {trigger.day:%A %-d %B}"
    if changed:
        return f"Easier variants today: {why}."
    return f"Go gently today: {why}. Keep every exercise in a comfortable range."


def _step(shape: _Loading, longest_walk: int | None) -> int:
    """Variant steps from the library's own: one easier in foundation, one harder each cycle.

    No walk goes further than `longest_walk`, so steps past it are the same routine: held
    there, a program in its hundredth cycle doses from the same few routines as in its tenth.
    """
    step = (shape.cycle - 1) - (1 if shape.phase is Phase.FOUNDATION else 0)
    if longest_walk is None:
        return step
    return max(-longest_walk, min(longest_walk, step))


def longest_variant_walk(catalog: Catalog) -> int | None:
    """The most easier- or harder-variant links in a row; None when the links form a loop."""
    longest = 0
    for direction in (0, 1):
        depth: dict[str, int] = {}
        for slug in catalog.exercises:
            found = _walk_depth(catalog, slug, direction, depth, set())
            if found is None:
                return None
            longest = max(longest, found)
    return longest


def _walk_depth(
    catalog: Catalog, slug: str, direction: int, depth: dict[str, int], open_: set[str]
) -> int | None:
    """Links in the longest walk from `slug` one way; None on a loop (`open_`: the walk so far)."""
    if slug in depth:
        return depth[slug]
    if slug in open_:
        return None
    open_.add(slug)
    longest = 0
    for variant in catalog.variants(catalog.exercises[slug])[direction]:
        found = _walk_depth(catalog, variant.slug, direction, depth, open_)
        if found is None:
            return None
        longest = max(longest, found + 1)
    open_.discard(slug)
    depth[slug] = longest
    return longest


def _consume_trigger(builder: _Builder, day: PlannedDay) -> Trigger | None:
    """The latest trigger before `day` that no earlier strength session has answered yet."""
    waiting = bisect_left(builder.trigger_days, day.day)
    if waiting <= builder.answered:
        return None
    builder.answered = waiting
    return builder.triggers[waiting - 1]


def _choose_routine(builder: _Builder, kind: DayKind, turn: int) -> Routine | None:
    """A routine of the day's kind that fits the kit and goal, taken in turn week to week."""
    if kind not in builder.candidates:
        builder.candidates[kind] = routine_candidates(builder.catalog, builder.program, kind)
    candidates = builder.candidates[kind]
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


def _dose(builder: _Builder, routine: Routine, dosing: _Dosing) -> Routine:
    """`routine` at the dosing's variant step and loading level, eased or deloaded.

    Where two items end up as the same exercise (variants and kit can do that), the first stays.
    """
    seen: set[str] = set()
    blocks = []
    place = 0
    for block in routine.blocks:
        kept = []
        for item in block.prescriptions:
            variant = _variant(builder, (routine.slug, place), item, dosing)
            place += 1
            if variant.exercise.slug not in seen:
                seen.add(variant.exercise.slug)
                kept.append(_dose_item(variant, dosing))
        if kept:
            blocks.append(Block(block.name, tuple(kept)))
    return replace(routine, blocks=tuple(blocks))


def _variant(
    builder: _Builder, where: tuple[str, int], item: Prescription, dosing: _Dosing
) -> Prescription:
    """The exercise for one item (routine slug, place) at the dosing's variant step.

    A deload keeps the variant of the loading week it repeats (eased there, eased here); an
    extra easing in a deload week keeps the unit, so the volume stays comparable.
    """
    key = (*where, dosing.step, dosing.carried, dosing.easier, dosing.deload and dosing.easier)
    if key not in builder.variants:
        have = builder.program.equipment | {Equipment.NONE}
        shifted = shift_variant(item, builder.catalog, dosing.step, have)
        if dosing.carried:
            shifted = shift_variant(shifted, builder.catalog, -1, have)
        if dosing.easier:
            shifted = shift_variant(shifted, builder.catalog, -1, have, same_unit=dosing.deload)
        builder.variants[key] = shifted
    return builder.variants[key]


def _dose_item(variant: Prescription, dosing: _Dosing) -> Prescription:
    """`variant` grown to the dosing's level, then deloaded in a deload."""
    hold_cap, reps_cap = progression_caps(variant.exercise, variant.dosage)
    dosage = progressed(variant.dosage, dosing.level, hold_cap=hold_cap, reps_cap=reps_cap)
    return Prescription(variant.exercise, deloaded(dosage) if dosing.deload else dosage)


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
    """Strength volume (sets × reps or sets × seconds) of the strength sessions that happen.

    A missed or skipped day does not count: the session it moved to does.
    """
    return sum(
        volume(item.dosage)
        for day in days
        if _strength_happens(day) and day.routine is not None
        for item in day.routine.prescriptions
    )
