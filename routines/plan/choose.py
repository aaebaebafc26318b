"""A routine for each session day, taken in turn from those that fit the kit and the goal, at the
week's variant step and dosage, eased or deloaded."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

from routines.catalog.model import (
    Block,
    Catalog,
    Category,
    Equipment,
    Exercise,
    Feature,
    Prescription,
    Routine,
    SeedDose,
)
from routines.dosage import HOLD_STEP_SECONDS, Dosage, DosageKind, deloaded, progressed
from routines.figures.body import Side
from routines.plan.adapt import consume_trigger, easing_note, scheduled_on
from routines.plan.checks import with_extra_sets
from routines.plan.model import (
    DAY_KIND_OF_ROUTINE,
    DayKind,
    Phase,
    PlannedDay,
    Program,
    strength_happens,
)
from routines.plan.state import Builder, Dosing, Loading
from routines.plan.variants import shift_variant, swap
from routines.precautions import Screened, forbidden, gentle_only_note, screen
from routines.session import estimated_minutes

#: How far holds grow where no seed gives a range: a stretch stops at the seeds' usual 30 s hold
#: (the hip-flexor stretch's 30 s, 2–3 times), core and strength holds at 45 s.
HOLD_CAPS = {Category.MOBILITY_STRETCH: 30, Category.CORE: 45, Category.STRENGTH: 45}
REPS_CAPS = {Category.ACTIVATION: 30, Category.DYNAMIC_WARM_UP: 15}
DEFAULT_HOLD_CAP, DEFAULT_REPS_CAP = 20, 20


def fill_week(
    builder: Builder,
    days: Sequence[PlannedDay],
    kinds: Sequence[tuple[date, DayKind]],
    shape: Loading,
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
            day = _fill(builder, day, turns[scheduled_on(day)], shape, deload)
        yield day


def _fill(builder: Builder, day: PlannedDay, turn: int, shape: Loading, deload: bool) -> PlannedDay:
    """Choose the day's routine and set its dosage for this week."""
    routine = _choose_routine(builder, day.kind, turn)
    if routine is None:
        return replace(day, kind=DayKind.REST, note=_nothing_fits(builder.program))
    trigger = consume_trigger(builder, day) if strength_happens(day) else None
    strength_deload = deload and day.kind is DayKind.STRENGTH
    carried = strength_deload and turn in shape.eased
    dosing = Dosing(_step(shape, builder.longest_walk), shape.level, strength_deload, carried,
                     trigger is not None)  # fmt: skip
    dosed, minutes = _dosed(builder, routine, dosing, builder.history.lagging_on(day.day))
    note = _joined(gentle_only_note(builder.program.precautions), day.note)
    if trigger is not None:
        builder.eased.add(turn)
        easing = easing_note(trigger, changed=_changes_exercises(builder, routine, dosing))
        note = _joined(note, easing)
    return PlannedDay(day.day, day.kind, dosed, minutes, day.status, note, day.moved_from)


def _nothing_fits(program: Program) -> str:
    """Why a session day became a rest day: no routine fits the kit (and the precautions)."""
    if not program.precautions:
        return "No routine fits your kit for this day."
    nothing = "No routine fits your kit and what you told us for this day."
    return _joined(nothing, gentle_only_note(program.precautions)) or nothing


def _joined(*notes: str | None) -> str | None:
    """The notes that are there, in order, as one note."""
    return " ".join(note for note in notes if note) or None


def _choose_routine(builder: Builder, kind: DayKind, turn: int) -> Routine | None:
    """A routine of the day's kind that fits the kit and goal, taken in turn week to week."""
    if kind not in builder.candidates:
        builder.candidates[kind] = routine_candidates(builder.catalog, builder.program, kind)
    candidates = builder.candidates[kind]
    return candidates[turn % len(candidates)] if candidates else None


def routine_candidates(catalog: Catalog, program: Program, kind: DayKind) -> list[Routine]:
    """Library routines for `kind` days, fitted to the kit at hand and screened by the
    precautions, the goal's own first."""
    fitted = []
    for routine in catalog.routines.values():
        if DAY_KIND_OF_ROUTINE.get(routine.kind) is not kind:
            continue
        screened = fitted_routine(routine, catalog, program)
        if screened is not None:
            fitted.append(screened.routine)
    for_goal = [routine for routine in fitted if program.goal in routine.goals]
    if len(for_goal) >= 2:
        return for_goal
    return for_goal + [routine for routine in fitted if routine not in for_goal]


def fitted_routine(routine: Routine, catalog: Catalog, program: Program) -> Screened | None:
    """`routine` fitted to the program's kit, then screened by its precautions (what changed
    included); None when too little of it is left to offer."""
    fitted = fit_to_equipment(
        routine, catalog, program.equipment, avoid=forbidden(program.precautions)
    )
    if fitted is None:
        return None
    screened = screen(fitted, catalog, program.precautions)
    return screened if screened.usable else None


def fit_to_equipment(
    routine: Routine,
    catalog: Catalog,
    equipment: frozenset[Equipment],
    avoid: frozenset[Feature] = frozenset(),
) -> Routine | None:
    """`routine` with exercises needing missing kit swapped for a variant, or left out.

    A variant free of the `avoid` features comes first. None when more than half of it would
    be left out.
    """
    have = equipment | {Equipment.NONE}
    blocks = []
    kept = 0
    for block in routine.blocks:
        items = []
        for item in block.prescriptions:
            swapped = _usable_variant(item, catalog, have, avoid)
            if swapped is not None:
                items.append(swapped)
        kept += len(items)
        if items:
            blocks.append(Block(block.name, tuple(items)))
    if kept * 2 < len(routine.prescriptions):
        return None
    return replace(routine, blocks=tuple(blocks))


def _usable_variant(
    item: Prescription, catalog: Catalog, have: frozenset[Equipment], avoid: frozenset[Feature]
) -> Prescription | None:
    if item.exercise.equipment in have:
        return item
    easier, harder = catalog.variants(item.exercise)
    at_hand = [variant for variant in (*easier, *harder) if variant.equipment in have]
    safe = [variant for variant in at_hand if not variant.tags & avoid]
    chosen = next(iter((*safe, *at_hand)), None)
    return None if chosen is None else swap(item, chosen)


def _step(shape: Loading, longest_walk: int | None) -> int:
    """Variant steps from the library's own: one easier in foundation, one harder each cycle.

    No walk goes further than `longest_walk`, so steps past it are the same routine: held
    there, a program in its hundredth cycle doses from the same few routines as in its tenth.
    """
    step = (shape.cycle - 1) - (1 if shape.phase is Phase.FOUNDATION else 0)
    if longest_walk is None:
        return step
    return max(-longest_walk, min(longest_walk, step))


def _dosed(
    builder: Builder, routine: Routine, dosing: Dosing, lagging: Side | None = None
) -> tuple[Routine, int]:
    """`routine` at `dosing`, with one more set on the `lagging` side's rotation work, and its
    minutes: worked out once for the kit (`Choices`)."""
    key = (routine.slug, dosing, lagging)
    if key not in builder.dosed:
        if lagging is None:
            dosed = _dose(builder, routine, dosing)
        else:
            dosed = with_extra_sets(_dosed(builder, routine, dosing)[0], lagging)
        builder.dosed[key] = dosed, estimated_minutes(dosed)
    return builder.dosed[key]


def _changes_exercises(builder: Builder, routine: Routine, dosing: Dosing) -> bool:
    """Whether easing `routine` at `dosing` swaps any exercise for an easier one."""
    key = (routine.slug, dosing)
    if key not in builder.easings:
        dosed, _ = _dosed(builder, routine, dosing)
        usual, _ = _dosed(builder, routine, replace(dosing, easier=False))
        builder.easings[key] = _exercises(dosed) != _exercises(usual)
    return builder.easings[key]


def _exercises(routine: Routine) -> tuple[str, ...]:
    return tuple(p.exercise.slug for p in routine.prescriptions)


def _dose(builder: Builder, routine: Routine, dosing: Dosing) -> Routine:
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
    builder: Builder, where: tuple[str, int], item: Prescription, dosing: Dosing
) -> Prescription:
    """The exercise for one item (routine slug, place) at the dosing's variant step.

    A deload keeps the variant of the loading week it repeats (eased there, eased here); an
    extra easing in a deload week keeps the unit, so the volume stays comparable.
    """
    key = (*where, dosing.step, dosing.carried, dosing.easier, dosing.deload and dosing.easier)
    if key not in builder.variants:
        have = builder.program.equipment | {Equipment.NONE}
        avoid = forbidden(builder.program.precautions)
        shifted = shift_variant(item, builder.catalog, dosing.step, have, forbidden=avoid)
        if dosing.carried:
            shifted = shift_variant(shifted, builder.catalog, -1, have, forbidden=avoid)
        if dosing.easier:
            shifted = shift_variant(
                shifted, builder.catalog, -1, have, same_unit=dosing.deload, forbidden=avoid
            )
        builder.variants[key] = shifted
    return builder.variants[key]


def _dose_item(variant: Prescription, dosing: Dosing) -> Prescription:
    """`variant` grown to the dosing's level within its seed's range, then deloaded in a deload.

    A deload goes below the seed's range on purpose: it is the lighter week.
    """
    hold_cap, reps_cap = progression_caps(variant.exercise, variant.dosage)
    dosage = progressed(variant.dosage, dosing.level, hold_cap=hold_cap, reps_cap=reps_cap)
    seed = variant.exercise.seed_dose
    if seed is not None:
        dosage = within_seed(_more_held_sets(dosage, variant.dosage, dosing.level, hold_cap), seed)
    return Prescription(variant.exercise, deloaded(dosage) if dosing.deload else dosage)


def progression_caps(exercise: Exercise, dosage: Dosage) -> tuple[int, int]:
    """How far holds (seconds) and reps may grow for `exercise`: the top of its seed's range
    where a seed gives one, else its category's cap; never below where it starts."""
    hold_cap = HOLD_CAPS.get(exercise.category, DEFAULT_HOLD_CAP)
    reps_cap = REPS_CAPS.get(exercise.category, DEFAULT_REPS_CAP)
    seed = exercise.seed_dose
    if seed is not None and seed.hold_seconds is not None:
        hold_cap = seed.hold_seconds[1]
    if seed is not None and seed.reps is not None:
        reps_cap = seed.reps[1]
    start = dosage.hold_seconds or dosage.work_seconds or 0
    return max(hold_cap, start), max(reps_cap, dosage.reps or 0)


def _more_held_sets(dosage: Dosage, start: Dosage, level: int, hold_cap: int) -> Dosage:
    """A hold that has reached its cap grows by a set a week instead (`within_seed` caps the
    sets), as the seeds dose stretches: 30 s, 2–3 times."""
    if dosage.kind is not DosageKind.HOLD or dosage.hold_seconds is None:
        return dosage
    held = start.hold_seconds or 0
    climbing = max(0, -(-(hold_cap - held) // HOLD_STEP_SECONDS))  # weeks until the cap
    return replace(dosage, sets=dosage.sets + max(0, level - climbing))


def within_seed(dosage: Dosage, seed: SeedDose) -> Dosage:
    """`dosage` with its sets, reps and hold brought into the seed's ranges."""
    sets = max(seed.sets[0], min(seed.sets[1], dosage.sets))
    reps = dosage.reps if seed.reps is None else _clamped(dosage.reps, seed.reps)
    hold = dosage.hold_seconds
    if seed.hold_seconds is not None:
        hold = _clamped(hold, seed.hold_seconds)
    if (sets, reps, hold) == (dosage.sets, dosage.reps, dosage.hold_seconds):
        return dosage
    return replace(dosage, sets=sets, reps=reps, hold_seconds=hold)


def _clamped(value: int | None, span: tuple[int, int]) -> int | None:
    return None if value is None else max(span[0], min(span[1], value))
