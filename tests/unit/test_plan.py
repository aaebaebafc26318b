"""The routine engine: programs and history become weeks of strength, mobility and rest days."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routines.catalog.load import load_catalog
from routines.catalog.model import Equipment, Exercise, Goal, Prescription
from routines.dosage import DELOAD_SHARE, HOLD_STEP_SECONDS, REPS_STEP, Dosage, DosageKind
from routines.plan.build import build_plan
from routines.plan.choose import fit_to_equipment, routine_candidates
from routines.plan.history import Done, History, Move, triggers
from routines.plan.model import (
    DayKind,
    DayStatus,
    Experience,
    Phase,
    Plan,
    PlannedDay,
    Program,
    Week,
    strength_volume,
)

CATALOG = load_catalog()
START = date(2026, 11, 23)  # a Monday
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
HAPPENS = (DayStatus.PLANNED, DayStatus.DONE)
LETTER = {DayKind.STRENGTH: "S", DayKind.MOBILITY: "M", DayKind.REST: "."}
STATUS_LETTER = {
    DayStatus.MISSED: "x", DayStatus.SKIPPED: "k", DayStatus.MOVED: ">", DayStatus.VACATION: "v",
}  # fmt: skip


def on(week: int, weekday: int) -> date:
    """The date of `weekday` in plan week `week` (1-based) of a program starting on START."""
    return START + timedelta(weeks=week - 1, days=weekday)


def build(
    program: Program | None = None,
    history: History | None = None,
    today: date = START,
    weeks: int = 12,
) -> Plan:
    program = program or Program(START)
    return build_plan(program, history or History(), CATALOG, today, weeks)


def lifter(*session_days: int) -> Program:
    """A trained lifter's program on `session_days`."""
    return Program(
        START, goal=Goal.LIFTING, experience=Experience.TRAINED, session_days=session_days
    )


def diligent(program: Program, until: date, *extra: Done) -> History:
    """A history in which every session before `until` was done as planned, plus `extra`.

    "As planned" is the plan seen from the start with `extra` already known, so that pain and
    hard sessions shape the sessions that are then done.
    """
    plan = build(program, History(done=extra), weeks=(until - program.start).days // 7 + 1)
    taken = {e.day for e in extra}
    done = tuple(
        Done(d.day, d.kind)
        for d in all_days(plan)
        if d.has_session and d.day < until and d.day not in taken
    )
    return History(done=tuple(sorted(done + extra, key=lambda d: d.day)))


def layout(week: Week) -> str:
    """One letter a day: S strength, M mobility, . rest; x missed, k skipped, > moved, v vacation."""
    return "".join(STATUS_LETTER.get(d.status, LETTER[d.kind]) for d in week.days)


def all_days(plan: Plan) -> list[PlannedDay]:
    return [day for week in plan.weeks for day in week.days]


def happens(day: PlannedDay, kind: DayKind) -> bool:
    return day.kind is kind and day.status in HAPPENS


def items(day: PlannedDay) -> tuple[Prescription, ...]:
    assert day.routine is not None
    return day.routine.prescriptions


def amount(dosage: Dosage) -> int:
    return dosage.hold_seconds or dosage.reps or dosage.work_seconds or 0


def easier_or_same(candidate: Exercise, than: Exercise) -> bool:
    """Whether `candidate` is `than` or reached from it by going easier, variant by variant."""
    seen, frontier = {than.slug}, [than]
    while frontier:
        current = frontier.pop()
        if current.slug == candidate.slug:
            return True
        for easier in CATALOG.variants(current)[0]:
            if easier.slug not in seen:
                seen.add(easier.slug)
                frontier.append(easier)
    return False


def lighter(light: tuple[Prescription, ...], full: tuple[Prescription, ...]) -> bool:
    """Every exercise of `light` is one of `full` or an easier variant of one, and some differ."""
    heavy = [p.exercise for p in full]
    each = all(any(easier_or_same(p.exercise, e) for e in heavy) for p in light)
    return each and {p.exercise.slug for p in light} != {e.slug for e in heavy}


def last_loading_week(plan: Plan, deload: Week) -> Week:
    return next(w for w in reversed(plan.weeks[: deload.index - 1]) if not w.deload)


def routines_of(week: Week, kind: DayKind) -> dict[str, PlannedDay]:
    return {d.routine.slug: d for d in week.days if d.kind is kind and d.routine is not None}


# --- Strategies ------------------------------------------------------------------------------

KINDS = [DayKind.STRENGTH, DayKind.MOBILITY, None]


@st.composite
def programs(draw: st.DrawFn, experience: Experience | None = None) -> Program:
    days = draw(st.sets(st.integers(0, 6), min_size=2, max_size=6))
    return Program(
        start=START + timedelta(days=draw(st.integers(0, 6))),
        goal=draw(st.sampled_from(Goal)),
        session_days=tuple(sorted(days)),
        experience=experience or draw(st.sampled_from(Experience)),
        equipment=frozenset(draw(st.sets(st.sampled_from(Equipment)))),
        deload_every=draw(st.sampled_from((3, 4))),
    )


@st.composite
def histories(draw: st.DrawFn, start: date, days: int) -> History:
    """Random but plausible history over the first `days` days of a program."""
    day = st.integers(-3, days - 1).map(lambda n: start + timedelta(days=n))
    scores = st.none() | st.integers(0, 10)
    done = draw(st.lists(st.builds(Done, day, st.sampled_from(KINDS), scores, scores), max_size=40))
    moves = draw(
        st.lists(
            st.tuples(day, st.integers(-3, 3)).map(lambda m: Move(m[0], m[0] + timedelta(m[1]))),
            max_size=6,
        )
    )
    vacations = draw(
        st.lists(
            st.tuples(day, st.integers(0, 10)).map(lambda v: (v[0], v[0] + timedelta(v[1]))),
            max_size=3,
        )
    )
    skips = draw(st.frozensets(day, max_size=8))
    return History(tuple(done), skips, tuple(moves), tuple(vacations))


@st.composite
def lived(draw: st.DrawFn, program: Program, days: int) -> History:
    """History that mostly follows the plan: most sessions done, with effort and pain scores."""
    plan = build_plan(program, History(), CATALOG, program.start, days // 7 + 1)
    sessions = [d for d in all_days(plan) if d.has_session][: days * 6 // 7]
    kept = draw(st.lists(st.integers(0, 9), min_size=len(sessions), max_size=len(sessions)))
    scores = st.none() | st.integers(0, 10)
    done = tuple(
        Done(day.day, day.kind, draw(scores), draw(scores))
        for day, keep in zip(sessions, kept, strict=True)
        if keep < 8
    )
    extra = draw(histories(program.start, days))
    return replace(extra, done=done + extra.done[:5])


@st.composite
def situations(
    draw: st.DrawFn, weeks: int = 10, experience: Experience | None = None
) -> tuple[Program, History, date, int]:
    """A program, its history so far, today and how many weeks to plan."""
    program = draw(programs(experience))
    history = draw(histories(program.start, weeks * 7) | lived(program, weeks * 7))
    today = program.start + timedelta(days=draw(st.integers(0, weeks * 7)))
    return program, history, today, weeks


def plan_of(situation: tuple[Program, History, date, int]) -> Plan:
    program, history, today, weeks = situation
    return build_plan(program, history, CATALOG, today, weeks)


FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- Phases, weeks and the shape of a plan ------------------------------------------------------


@pytest.mark.parametrize(
    ("experience", "foundation", "strengthening"),
    [(Experience.NEW, 6, 6), (Experience.SOME, 5, 7), (Experience.TRAINED, 4, 8)],
)
def test_foundation_then_strengthening_then_the_cycle_repeats(
    experience: Experience, foundation: int, strengthening: int
) -> None:
    plan = build(Program(START, experience=experience), weeks=2 * (foundation + strengthening))
    expected = (
        [(Phase.FOUNDATION, n, 1) for n in range(1, foundation + 1)]
        + [(Phase.STRENGTHENING, n, 1) for n in range(1, strengthening + 1)]
        + [(Phase.FOUNDATION, n, 2) for n in range(1, foundation + 1)]
        + [(Phase.STRENGTHENING, n, 2) for n in range(1, strengthening + 1)]
    )
    assert [(w.phase, w.phase_week, w.cycle) for w in plan.weeks] == expected


@pytest.mark.parametrize(
    ("experience", "deload_every", "deload_weeks"),
    [
        (Experience.NEW, 4, [4, 8, 12, 16, 20, 24]),
        (Experience.SOME, 4, [4, 8, 12, 16, 20, 24]),
        (Experience.TRAINED, 4, [4, 8, 12, 16, 20, 24]),
        (Experience.NEW, 3, [3, 6, 9, 12, 15, 18, 21, 24]),
        (Experience.SOME, 3, [3, 6, 9, 12, 15, 18, 21, 24]),
    ],
)
def test_a_deload_week_follows_every_run_of_loading_weeks_across_phases(
    experience: Experience, deload_every: int, deload_weeks: list[int]
) -> None:
    program = Program(START, experience=experience, deload_every=deload_every)
    plan = build(program, weeks=24)
    assert [w.index for w in plan.weeks if w.deload] == deload_weeks


def test_the_cycle_repeats_one_variant_step_harder() -> None:
    plan = build(Program(START, goal=Goal.GENERAL), weeks=24)
    first, second = plan.weeks[0], plan.weeks[12]
    assert (first.phase, first.cycle, second.phase, second.cycle) == (
        Phase.FOUNDATION, 1, Phase.FOUNDATION, 2,
    )  # fmt: skip
    strength = routines_of(first, DayKind.STRENGTH)
    again = routines_of(second, DayKind.STRENGTH)
    assert strength.keys() == again.keys() == {"hip-er-strength"}
    assert lighter(items(strength["hip-er-strength"]), items(again["hip-er-strength"]))


def test_foundation_uses_lighter_variants_and_more_mobility_than_strengthening() -> None:
    program = lifter(MON, TUE, WED, FRI, SAT)
    plan = build(program, weeks=12)
    foundation, strengthening = plan.weeks[0], plan.weeks[4]
    assert (foundation.phase, strengthening.phase) == (Phase.FOUNDATION, Phase.STRENGTHENING)
    assert (layout(foundation), layout(strengthening)) == ("SMS.MM.", "SMS.SM.")
    light = routines_of(foundation, DayKind.STRENGTH)["hip-er-strength"]
    full = routines_of(plan.weeks[8], DayKind.STRENGTH)["hip-er-strength"]
    assert lighter(items(light), items(full))


@given(situations())
@FAST
def test_every_date_appears_exactly_once_in_week_order(
    situation: tuple[Program, History, date, int],
) -> None:
    program, _, _, weeks = situation
    plan = plan_of(situation)
    expected = [program.start + timedelta(days=n) for n in range(weeks * 7)]
    assert [d.day for d in all_days(plan)] == expected
    assert [w.index for w in plan.weeks] == list(range(1, weeks + 1))
    for day in expected:
        week, planned = plan.week_of(day), plan.day(day)
        assert week is not None and planned is not None
        assert planned.day == day and planned in week.days
    assert plan.day(program.start - timedelta(days=1)) is None
    assert plan.week_of(program.start + timedelta(weeks=weeks)) is None


@given(situations())
@FAST
def test_the_same_inputs_give_the_same_plan(situation: tuple[Program, History, date, int]) -> None:
    assert plan_of(situation) == plan_of(situation)


# --- Rule 1: never a strength day the day after a strength day -----------------------------------


@pytest.mark.parametrize(
    ("case", "program", "first_week", "layouts"),
    [
        ("two days in a row", Program(START, session_days=(MON, TUE)), 1, ["SM.....", "SM....."]),
        ("three days in a row", lifter(MON, TUE, WED), 1, ["SMS....", "SMS...."]),
        ("six days, strengthening", lifter(0, 1, 2, 3, 4, 5), 5, ["SMSMSM.", "SMSMSM."]),
        ("Saturday and Sunday", lifter(SAT, SUN), 5, [".....SM", ".....SM"]),
        ("Sunday then Monday", lifter(MON, SUN), 5, ["S.....M", "S.....M"]),
    ],
)  # fmt: skip
def test_strength_days_are_never_back_to_back(
    case: str, program: Program, first_week: int, layouts: list[str]
) -> None:
    plan = build(program, weeks=8)
    shown = plan.weeks[first_week - 1 : first_week - 1 + len(layouts)]
    assert [layout(w) for w in shown] == layouts


def test_a_strength_session_on_sunday_makes_monday_a_mobility_day() -> None:
    # The user moves Wednesday's strength to Sunday: Monday's strength would be the day after.
    program = lifter(MON, WED, FRI)
    history = replace(diligent(program, on(5, MON)), moves=(Move(on(5, WED), on(5, SUN)),))
    plan = build(program, history, today=on(5, MON), weeks=6)
    assert layout(plan.weeks[4]) == "S.>.M.S"
    assert layout(plan.weeks[5]) == "M.S.S.."


@given(situations())
@FAST
def test_no_strength_session_happens_the_day_after_another(
    situation: tuple[Program, History, date, int],
) -> None:
    days = all_days(plan_of(situation))
    for yesterday, today in zip(days, days[1:], strict=False):
        assert not (happens(yesterday, DayKind.STRENGTH) and happens(today, DayKind.STRENGTH))


# --- Rule 2: new users get at least as many mobility days as strength days -------------------------


@pytest.mark.parametrize(
    ("goal", "session_days", "foundation", "strengthening"),
    [
        (Goal.GENERAL, (MON, WED, FRI), "S.M.M..", "S.M.M.."),
        (Goal.LIFTING, (MON, WED, FRI), "S.M.M..", "S.M.M.."),
        (Goal.LIFTING, (MON, TUE, THU, SAT), "SM.S.M.", "SM.S.M."),
        (Goal.DESK, (MON, TUE), "SM.....", "SM....."),
        (Goal.RUNNING, (0, 1, 2, 3, 4, 5), "SMMMMM.", "SMSMMM."),
    ],
)  # fmt: skip
def test_new_users_get_at_least_as_many_mobility_days_as_strength_days(
    goal: Goal, session_days: tuple[int, ...], foundation: str, strengthening: str
) -> None:
    plan = build(Program(START, goal=goal, session_days=session_days), weeks=8)
    assert (layout(plan.weeks[0]), layout(plan.weeks[6])) == (foundation, strengthening)


def test_a_new_user_with_one_session_day_left_by_a_vacation_gets_mobility() -> None:
    history = History(vacations=((on(1, MON), on(1, TUE)),))
    plan = build(Program(START, session_days=(MON, WED)), history)
    assert layout(plan.weeks[0]) == "vvM...."


@given(situations(experience=Experience.NEW))
@FAST
def test_new_users_never_have_more_strength_than_mobility_in_a_week(
    situation: tuple[Program, History, date, int],
) -> None:
    for week in plan_of(situation).weeks:
        strength = sum(happens(d, DayKind.STRENGTH) for d in week.days)
        mobility = sum(d.kind is DayKind.MOBILITY for d in week.days)
        assert strength <= mobility


# --- Rule 3: dosage grows by the one rule within a phase's loading weeks ---------------------------

FIGURE_FOUR_WEEKS = [
    # week, phase week, deload, figure-four hold in release-and-stretch (2 sets throughout)
    (1, 1, False, 45), (2, 2, False, 50), (3, 3, False, 55), (4, 4, True, 55),
    (5, 5, False, 60), (6, 6, False, 60), (7, 1, False, 45), (8, 2, True, 45), (9, 3, False, 50),
]  # fmt: skip


def test_mobility_holds_grow_five_seconds_a_loading_week_up_to_the_cap() -> None:
    plan = build(Program(START), weeks=9)
    found = []
    for week in plan.weeks:
        release = routines_of(week, DayKind.MOBILITY)["release-and-stretch"]
        figure_four = items(release)[0]
        assert (figure_four.exercise.slug, figure_four.dosage.sets) == (
            "figure-four-stretch-lying",
            2,
        )
        found.append((week.index, week.phase_week, week.deload, figure_four.dosage.hold_seconds))
    assert found == FIGURE_FOUR_WEEKS


def test_strength_reps_grow_two_a_loading_week_then_gain_a_set() -> None:
    # hip-er-strength comes round in weeks 5, 7, 8, 9, 11 and 12 of the strengthening phase.
    kit = frozenset({Equipment.MINI_BAND})
    program = Program(START, experience=Experience.TRAINED, equipment=kit)
    plan = build(program, weeks=12)
    monster_walk = [
        (week.index, week.deload, item.dosage.describe())
        for week in plan.weeks[4:12]
        for slug, day in routines_of(week, DayKind.STRENGTH).items()
        for item in items(day)
        if slug == "hip-er-strength" and item.exercise.slug == "monster-walk"
    ]
    assert monster_walk == [
        (5, False, "2 × 16 reps"), (7, False, "2 × 20 reps"), (8, True, "1 × 20 reps"),
        (9, False, "3 × 20 reps"), (11, False, "3 × 20 reps"), (12, True, "1 × 20 reps"),
    ]  # fmt: skip


Slot = tuple[int, Phase, str, int, str]


def loading_dosages(plan: Plan) -> Iterator[tuple[Slot, int, Dosage]]:
    """For each loading week's items: (cycle, phase, routine, place, exercise), week, dosage."""
    for week in plan.weeks:
        if week.deload:
            continue
        for day in week.days:
            if day.routine is not None and day.has_session:
                for place, item in enumerate(day.routine.prescriptions):
                    slot = (week.cycle, week.phase, day.routine.slug, place, item.exercise.slug)
                    yield slot, week.index, item.dosage


@given(programs())
@settings(max_examples=20, deadline=None)
def test_within_a_phase_loading_dosage_never_decreases_and_grows_by_the_rule(
    program: Program,
) -> None:
    plan = build(program, weeks=26)
    first: dict[Slot, tuple[int, Dosage]] = {}
    previous: dict[Slot, Dosage] = {}
    for key, index, dosage in loading_dosages(plan):
        if key in previous:
            before = previous[key]
            assert dosage.kind is before.kind
            assert dosage.sets >= before.sets and amount(dosage) >= amount(before)
            start_week, start = first[key]
            weeks = index - start_week
            assert dosage.sets <= start.sets + 1
            step = REPS_STEP if dosage.kind is DosageKind.REPS else HOLD_STEP_SECONDS
            assert amount(dosage) <= amount(start) + step * weeks
        else:
            first[key] = (index, dosage)
        previous[key] = dosage


# --- Rule 4: deload weeks ------------------------------------------------------------------------


def test_a_deload_week_is_marked_lighter_and_keeps_mobility() -> None:
    plan = build(Program(START, goal=Goal.GENERAL), weeks=6)
    deload, loading = plan.weeks[3], plan.weeks[2]
    assert (deload.deload, loading.deload, deload.note) == (True, False, None)
    assert layout(deload) == layout(loading) == "S.M.M.."
    assert strength_volume(deload.days) <= DELOAD_SHARE * strength_volume(loading.days)
    assert strength_volume(deload.days) > 0
    for slug, day in routines_of(deload, DayKind.STRENGTH).items():
        same = routines_of(loading, DayKind.STRENGTH)[slug]
        assert [p.exercise for p in items(day)] == [p.exercise for p in items(same)]
    for slug, day in routines_of(deload, DayKind.MOBILITY).items():
        assert items(day) == items(routines_of(loading, DayKind.MOBILITY)[slug])


def test_a_deload_has_no_more_strength_days_than_the_loading_week_before_it() -> None:
    # A vacation leaves week 7 one strength day; the deload in week 8 keeps to that one.
    program = lifter(MON, WED, FRI)
    plan = build(program, History(vacations=((on(7, MON), on(7, TUE)),)), weeks=8)
    assert [layout(w) for w in plan.weeks[6:8]] == ["vvS.M..", "S.M.M.."]
    assert plan.weeks[7].deload
    assert strength_volume(plan.weeks[7].days) <= DELOAD_SHARE * strength_volume(plan.weeks[6].days)


def check_deloads(plan: Plan) -> None:
    for deload in (w for w in plan.weeks if w.deload):
        loading = last_loading_week(plan, deload)
        assert strength_volume(deload.days) <= DELOAD_SHARE * strength_volume(loading.days)
        heavy = routines_of(loading, DayKind.STRENGTH)
        for slug, day in routines_of(deload, DayKind.STRENGTH).items():
            loaded = [p.exercise for p in items(heavy[slug])]
            for light in items(day):
                assert any(easier_or_same(light.exercise, full) for full in loaded)
        moving = routines_of(loading, DayKind.MOBILITY)
        for slug, day in routines_of(deload, DayKind.MOBILITY).items():
            if slug in moving:
                assert items(day) == items(moving[slug])


@given(programs())
@settings(max_examples=20, deadline=None)
def test_every_deload_is_at_most_60_percent_of_the_last_loading_week(program: Program) -> None:
    plan = build(program, weeks=26)
    assert [w.index for w in plan.weeks if w.deload] == list(
        range(program.deload_every, 27, program.deload_every)
    )
    check_deloads(plan)


@given(programs(), st.lists(st.tuples(st.integers(0, 90), st.integers(6, 10)), max_size=4))
@settings(max_examples=20, deadline=None)
def test_a_deload_brought_forward_by_pain_is_also_at_most_60_percent(
    program: Program, pains: list[tuple[int, int]]
) -> None:
    today = program.start + timedelta(days=91)
    painful = {program.start + timedelta(days=d): pain for d, pain in pains}
    done = [Done(day, DayKind.STRENGTH, pain=pain) for day, pain in painful.items()]
    plan = build(program, diligent(program, today, *done), today=today, weeks=16)
    check_deloads(plan)


# --- Rule 5: missed work never stacks -------------------------------------------------------------


def test_a_missed_strength_day_moves_to_the_next_free_day_of_the_week() -> None:
    # General, new: Monday strength, Wednesday and Friday mobility. Monday passes without it.
    plan = build(history=History(), today=on(1, WED))
    week = plan.weeks[0]
    assert layout(week) == "x.MSM.."
    thursday = week.days[THU]
    assert (thursday.kind, thursday.status, thursday.moved_from) == (
        DayKind.STRENGTH, DayStatus.PLANNED, on(1, MON),
    )  # fmt: skip
    assert thursday.note == "Moved from Monday so the week's strength work still happens."
    assert thursday.routine == week.days[MON].routine and thursday.minutes > 0


def test_a_missed_strength_day_goes_no_earlier_than_today() -> None:
    plan = build(today=on(1, SAT))
    assert layout(plan.weeks[0]) == "x.x.xS."


def test_a_missed_strength_day_is_dropped_when_every_free_day_would_touch_strength() -> None:
    # Lifting, trained, strengthening: Mon, Wed and Fri strength; Tue and Sun mobility.
    program = lifter(MON, TUE, WED, FRI, SUN)
    plan = build(program, diligent(program, on(5, MON)), today=on(5, TUE), weeks=6)
    assert layout(plan.weeks[4]) == "xMS.S.M"
    assert sum(d.kind is DayKind.STRENGTH for d in plan.weeks[4].days) == 3


def test_a_missed_strength_day_skips_a_free_day_next_to_strength() -> None:
    program = lifter(MON, WED, FRI)
    # Strengthening: Monday and Wednesday strength. Tuesday and Thursday touch Wednesday.
    plan = build(program, diligent(program, on(5, MON)), today=on(5, TUE), weeks=6)
    assert layout(plan.weeks[4]) == "x.S.MS."


def test_a_strength_session_done_on_a_free_day_makes_up_the_missed_one() -> None:
    # Monday's strength is done on Tuesday instead, without a move: nothing more is added.
    history = History(done=(Done(on(1, TUE), DayKind.STRENGTH), Done(on(1, WED), DayKind.MOBILITY)))
    plan = build(history=history, today=on(1, THU))
    week = plan.weeks[0]
    assert layout(week) == "xSM.M.."
    assert (week.days[TUE].status, week.days[TUE].moved_from) == (DayStatus.DONE, on(1, MON))


def test_missed_weeks_never_stack_onto_the_current_week() -> None:
    history = History(done=(Done(on(1, WED), DayKind.MOBILITY),))
    plan = build(history=history, today=on(2, MON), weeks=3)
    assert layout(plan.weeks[0]) == "x.M.x.."
    assert layout(plan.weeks[1]) == layout(build(weeks=3).weeks[1]) == "S.M.M.."


def test_done_sessions_are_marked_done_and_not_moved() -> None:
    history = History(
        done=(Done(on(1, MON), DayKind.STRENGTH, effort=5), Done(on(1, WED), DayKind.MOBILITY))
    )
    plan = build(history=history, today=on(1, THU))
    assert [d.status for d in plan.weeks[0].days if d.has_session] == [
        DayStatus.DONE, DayStatus.DONE, DayStatus.PLANNED,
    ]  # fmt: skip


def test_a_skipped_strength_day_moves_and_a_skipped_mobility_day_does_not() -> None:
    history = History(skips=frozenset({on(1, MON), on(1, WED)}))
    plan = build(history=history, today=on(1, MON))
    assert layout(plan.weeks[0]) == "kSk.M.."
    assert plan.weeks[0].days[TUE].moved_from == on(1, MON)


def test_a_missed_day_does_not_move_onto_a_skipped_day() -> None:
    history = History(skips=frozenset({on(1, THU)}))
    plan = build(history=history, today=on(1, WED))
    assert layout(plan.weeks[0]) == "x.M.MS."


def test_the_user_can_move_a_session_to_the_next_day() -> None:
    history = History(moves=(Move(on(1, MON), on(1, TUE)),))
    plan = build(history=history)
    assert layout(plan.weeks[0]) == ">SM.M.."
    assert plan.weeks[0].days[TUE].moved_from == on(1, MON)


def test_a_session_moved_twice_keeps_its_routine_and_where_it_came_from() -> None:
    # The user moves Monday's strength to Thursday, then misses Thursday: it moves on to Saturday.
    history = History(
        done=(Done(on(1, WED), DayKind.MOBILITY),), moves=(Move(on(1, MON), on(1, THU)),)
    )
    plan = build(history=history, today=on(1, FRI))
    week = plan.weeks[0]
    assert layout(week) == ">.MxMS."
    saturday = week.days[SAT]
    assert saturday.moved_from == week.days[THU].moved_from == on(1, MON)
    assert saturday.note == "Moved from Monday so the week's strength work still happens."
    assert saturday.routine == build().weeks[0].days[MON].routine


@pytest.mark.parametrize(
    ("case", "move"),
    [
        ("onto a day that has a session", Move(on(1, MON), on(1, WED))),
        ("into another week", Move(on(1, MON), on(2, TUE))),
        ("from a rest day", Move(on(1, TUE), on(1, THU))),
        ("next to a strength day", Move(on(5, MON), on(5, THU))),
    ],
)
def test_a_move_that_would_stack_or_break_rule_1_is_ignored(case: str, move: Move) -> None:
    program = Program(START, goal=Goal.LIFTING, experience=Experience.TRAINED)
    assert build(program, History(moves=(move,))) == build(program)


def test_a_vacation_silences_its_days_and_the_week_shares_out_the_rest() -> None:
    history = History(vacations=((on(2, WED), on(2, FRI)),))
    plan = build(history=history, today=on(1, MON))
    week = plan.weeks[1]
    assert layout(week) == "M.vvv.."
    assert all(d.routine is None and d.minutes == 0 for d in week.days[WED:SAT])


def test_a_week_away_on_vacation_pauses_the_program() -> None:
    history = History(
        done=(Done(on(1, MON), DayKind.STRENGTH), Done(on(1, WED), DayKind.MOBILITY)),
        vacations=((on(2, MON), on(2, SUN)),),
    )
    for today in (on(1, THU), on(3, WED)):  # before the vacation and after it
        plan = build(history=history, today=today, weeks=4)
        assert layout(plan.weeks[1]) == "vvvvvvv"
        assert [w.phase_week for w in plan.weeks] == [1, 2, 2, 3]


def test_a_deload_due_during_a_vacation_waits_for_the_week_after() -> None:
    program = Program(START)
    history = replace(diligent(program, on(4, MON)), vacations=((on(4, MON), on(4, SUN)),))
    plan = build(program, history, today=on(5, MON), weeks=6)
    assert [(w.phase_week, w.deload) for w in plan.weeks] == [
        (1, False), (2, False), (3, False), (4, False), (4, True), (5, False),
    ]  # fmt: skip
    assert layout(plan.weeks[3]) == "vvvvvvv" and plan.weeks[3].note is None


def test_after_two_weeks_without_a_session_the_plan_repeats_the_week_it_stopped_at() -> None:
    done = tuple(
        Done(on(w, d), k)
        for w in (1, 2)
        for d, k in ((MON, DayKind.STRENGTH), (WED, DayKind.MOBILITY), (FRI, DayKind.MOBILITY))
    )
    plan = build(history=History(done=done), today=on(5, MON), weeks=7)
    stopped, back = plan.weeks[2], plan.weeks[4]
    assert [w.phase_week for w in plan.weeks] == [1, 2, 3, 4, 3, 4, 5]
    assert [(d.kind, d.routine) for d in back.days] == [(d.kind, d.routine) for d in stopped.days]
    assert back.note == "After two weeks without a session, this week picks up where you left off."
    assert plan.weeks[3].note is None and plan.weeks[5].note is None


def test_one_week_without_a_session_does_not_repeat_anything() -> None:
    done = tuple(Done(on(1, d), k) for d, k in ((MON, DayKind.STRENGTH), (WED, DayKind.MOBILITY)))
    plan = build(history=History(done=done), today=on(3, MON), weeks=4)
    assert [w.phase_week for w in plan.weeks] == [1, 2, 3, 4]


@given(situations())
@FAST
def test_never_two_sessions_on_one_day_and_moves_only_land_on_free_days(
    situation: tuple[Program, History, date, int],
) -> None:
    _, history, _, _ = situation
    plan = plan_of(situation)
    days = all_days(plan)
    assert len({d.day for d in days}) == len(days)
    for day in days:
        assert day.has_session == (day.routine is not None)
        if day.status is DayStatus.VACATION:
            assert not day.has_session and history.on_vacation(day.day)
        if day.moved_from is not None:
            assert plan.week_of(day.moved_from) is plan.week_of(day.day)
            assert day.moved_from < day.day or any(
                m.source == day.moved_from for m in history.moves
            )
    for week in plan.weeks:  # a scheduled session happens once at most, wherever it went
        sessions = [
            d.moved_from or d.day for d in week.days if d.status in HAPPENS and d.has_session
        ]
        assert len(set(sessions)) == len(sessions)


@given(situations())
@FAST
def test_a_session_never_lists_the_same_exercise_twice(
    situation: tuple[Program, History, date, int],
) -> None:
    for day in all_days(plan_of(situation)):
        if day.routine is not None:
            slugs = [p.exercise.slug for p in day.routine.prescriptions]
            assert len(slugs) == len(set(slugs))


# --- Rule 6: pain and very hard sessions ---------------------------------------------------------


def test_pain_eases_the_next_strength_session_brings_the_deload_forward_and_says_why() -> None:
    # Trained, general: strengthening from week 5, strength on Monday and Wednesday.
    # Pain in Monday's session of week 5.
    program = Program(START, experience=Experience.TRAINED)
    history = diligent(program, on(5, TUE), Done(on(5, MON), DayKind.STRENGTH, effort=6, pain=7))
    plan = build(program, history, today=on(5, TUE), weeks=10)
    calm = build(program, diligent(program, on(5, TUE)), today=on(5, TUE), weeks=10)
    assert [w.index for w in calm.weeks if w.deload] == [4, 8]
    assert [w.index for w in plan.weeks if w.deload] == [4, 6, 10]
    assert (
        plan.weeks[5].note == "Deload brought forward so you can recover: you reported pain 7/10."
    )
    eased, usual = plan.weeks[4].days[WED], calm.weeks[4].days[WED]
    assert eased.note in easing_notes("you reported pain 7/10 on Monday 21 December")
    assert eased.routine is not None and usual.routine is not None
    assert eased.routine.slug == usual.routine.slug == "core-and-hip-stability"
    assert lighter(items(eased), items(usual))
    # The deload repeats week 5 as the user had it, easier variants included, with no new note.
    deload = plan.weeks[5]
    assert layout(deload) == layout(plan.weeks[4]) == "S.S.M.."
    assert [d.note for d in deload.days] == [None] * 7
    assert [p.exercise for p in items(deload.days[WED])] == [p.exercise for p in items(eased)]
    assert strength_volume(deload.days) <= DELOAD_SHARE * strength_volume(plan.weeks[4].days)


def test_when_easier_variants_run_out_the_note_says_go_gently() -> None:
    # Gentle hip strength is made of the easiest variants: eased, it stays as it is, and the note
    # says so instead of promising easier variants.
    program = Program(START, experience=Experience.TRAINED)
    pain = Done(on(6, MON), DayKind.STRENGTH, pain=7)
    plan = build(program, diligent(program, on(6, TUE), pain), today=on(6, TUE), weeks=7)
    calm = build(program, diligent(program, on(6, TUE)), today=on(6, TUE), weeks=7)
    eased, usual = plan.weeks[5].days[WED], calm.weeks[5].days[WED]
    assert eased.note is not None and eased.note.startswith(
        "Go gently today: you reported pain 7/10"
    )
    assert eased.routine is not None and eased.routine.slug == "gentle-hip-strength"
    assert items(eased) == items(usual)


def test_pain_holds_the_dosage_in_the_week_after() -> None:
    # New, general. Pain on Monday of week 2: week 3 becomes the deload, and week 4 is dosed as
    # week 2 was. The plan says so whether the pain week is this week or long past.
    program = Program(START)
    pain = Done(on(2, MON), DayKind.STRENGTH, pain=6)
    for today in (on(2, TUE), on(3, TUE), on(4, TUE), on(6, TUE)):
        plan = build(program, diligent(program, today, pain), today=today, weeks=8)
        calm = build(program, diligent(program, today), today=today, weeks=8)
        assert [glute_bridge_reps(w) for w in calm.weeks[1:5]] == [12, 14, 14, 16]
        assert [glute_bridge_reps(w) for w in plan.weeks[1:5]] == [12, 12, 12, 14]
        assert [w.index for w in plan.weeks if w.deload] == [3, 7]


def easing_notes(why: str) -> tuple[str, str]:
    """The note of an eased session: easier variants, or (none left) a call to go gently."""
    return (
        f"Easier variants today: {why}.",
        f"Go gently today: {why}. Keep every exercise in a comfortable range.",
    )


def glute_bridge_reps(week: Week) -> int | None:
    """Reps of the glute bridge that finishes the release-and-stretch mobility routine."""
    return items(routines_of(week, DayKind.MOBILITY)["release-and-stretch"])[-1].dosage.reps


def test_pain_in_a_deload_week_holds_the_next_weeks_dosage() -> None:
    program = Program(START)
    pain = Done(on(4, MON), DayKind.STRENGTH, pain=8)
    plan = build(program, diligent(program, on(4, TUE), pain), today=on(4, TUE), weeks=6)
    calm = build(program, diligent(program, on(4, TUE)), today=on(4, TUE), weeks=6)
    assert [glute_bridge_reps(w) for w in calm.weeks[2:6]] == [14, 14, 16, 18]
    assert [glute_bridge_reps(w) for w in plan.weeks[2:6]] == [14, 14, 14, 16]
    assert [w.deload for w in plan.weeks[2:6]] == [False, True, False, False]
    note = plan.weeks[4].days[MON].note
    assert note in easing_notes("you reported pain 8/10 on Monday 14 December")


def test_pain_in_a_mobility_session_also_eases_the_next_strength_session() -> None:
    history = diligent(Program(START), on(1, THU), Done(on(1, WED), DayKind.MOBILITY, pain=6))
    plan = build(history=history, today=on(1, THU), weeks=3)
    assert plan.weeks[1].days[MON].note in easing_notes(
        "you reported pain 6/10 on Wednesday 25 November"
    )


def test_two_very_hard_strength_sessions_in_a_row_ease_the_next_one() -> None:
    hard = (
        Done(on(1, MON), DayKind.STRENGTH, effort=9),
        Done(on(2, MON), DayKind.STRENGTH, effort=10),
    )
    plan = build(history=diligent(Program(START), on(2, TUE), *hard), today=on(2, TUE), weeks=4)
    assert plan.weeks[2].days[MON].note in easing_notes(
        "your last two strength sessions felt very hard on Monday 30 November"
    )
    assert plan.weeks[2].deload


def test_only_the_next_strength_session_that_happens_is_eased() -> None:
    # Week 3's Monday is missed and moves to Thursday: Thursday is the eased one.
    history = diligent(Program(START), on(3, MON), Done(on(2, MON), DayKind.STRENGTH, pain=7))
    plan = build(history=history, today=on(3, WED), weeks=4)
    week = plan.weeks[2]
    assert layout(week) == "x.MSM.."
    assert week.days[MON].note is None
    assert week.days[THU].note is not None
    assert "today: you reported pain 7/10 on Monday 30 November." in week.days[THU].note
    assert plan.weeks[3].days[MON].note is None


TRIGGERS = [
    # case, sessions (day, kind, effort, pain), trigger days
    ("pain 6 on strength", [(1, DayKind.STRENGTH, None, 6)], [1]),
    ("pain 5 is not enough", [(1, DayKind.STRENGTH, None, 5)], []),
    ("pain on a mobility day", [(1, DayKind.MOBILITY, None, 7)], [1]),
    ("pain in an extra", [(1, None, None, 9)], [1]),
    ("effort 9 twice in a row", [(1, DayKind.STRENGTH, 9, None), (3, DayKind.STRENGTH, 9, None)], [3]),
    ("effort 9 then 8", [(1, DayKind.STRENGTH, 9, None), (3, DayKind.STRENGTH, 8, None)], []),
    ("effort 9 with a light one between", [(1, DayKind.STRENGTH, 9, None), (2, DayKind.STRENGTH, 4, None), (3, DayKind.STRENGTH, 9, None)], []),
    ("hard mobility does not count", [(1, DayKind.STRENGTH, 9, None), (2, DayKind.MOBILITY, 10, None), (3, DayKind.STRENGTH, 9, None)], [3]),
    ("three hard in a row", [(1, DayKind.STRENGTH, 9, None), (3, DayKind.STRENGTH, 10, None), (5, DayKind.STRENGTH, 9, None)], [3, 5]),
    ("out of order", [(3, DayKind.STRENGTH, 9, None), (1, DayKind.STRENGTH, 10, None)], [3]),
]  # fmt: skip


@pytest.mark.parametrize(("case", "sessions", "days"), TRIGGERS, ids=[c for c, *_ in TRIGGERS])
def test_triggers(
    case: str, sessions: list[tuple[int, DayKind | None, int | None, int | None]], days: list[int]
) -> None:
    done = tuple(Done(START + timedelta(days=d), k, e, p) for d, k, e, p in sessions)
    assert [t.day for t in triggers(History(done=done))] == [
        START + timedelta(days=d) for d in days
    ]


@given(situations())
@FAST
def test_after_every_trigger_the_next_strength_session_says_why_it_is_easier(
    situation: tuple[Program, History, date, int],
) -> None:
    _, history, _, _ = situation
    plan = plan_of(situation)
    strength = [d for d in all_days(plan) if happens(d, DayKind.STRENGTH)]
    for trigger in triggers(history):
        after = [d for d in strength if d.day > trigger.day]
        if after:
            note = after[0].note or ""
            assert "Easier variants today: " in note or "Go gently today: " in note


# --- A 24-week plan per goal -----------------------------------------------------------------------

ALL_KIT = frozenset(Equipment)


@pytest.mark.parametrize("goal", list(Goal))
@pytest.mark.parametrize("experience", list(Experience))
@pytest.mark.parametrize(
    "kit",
    [frozenset(), frozenset({Equipment.MINI_BAND}), ALL_KIT],
    ids=["no kit", "mini band", "all kit"],
)
def test_a_24_week_plan_per_goal(
    goal: Goal, experience: Experience, kit: frozenset[Equipment]
) -> None:
    program = Program(
        START, goal=goal, experience=experience, equipment=kit, session_days=(MON, WED, FRI, SAT)
    )
    plan = build(program, weeks=24)
    assert len(plan.weeks) == 24
    runs: list[tuple[Phase, int]] = []
    for week in plan.weeks:
        if not runs or runs[-1][0] is not week.phase:
            runs.append((week.phase, 0))
        runs[-1] = (week.phase, runs[-1][1] + 1)
    assert runs[0][0] is Phase.FOUNDATION and 4 <= runs[0][1] <= 6
    assert runs[1][0] is Phase.STRENGTHENING and 6 <= runs[1][1] <= 8
    assert [w.index for w in plan.weeks if w.deload] == [4, 8, 12, 16, 20, 24]
    have = kit | {Equipment.NONE}
    used: dict[DayKind, set[str]] = {DayKind.STRENGTH: set(), DayKind.MOBILITY: set()}
    for day in all_days(plan):
        if day.has_session:
            assert day.routine is not None and day.minutes > 0 and day.routine.prescriptions
            assert all(p.exercise.equipment in have for p in day.routine.prescriptions)
            used[day.kind].add(day.routine.slug)
    for kind, slugs in used.items():
        available = routine_candidates(CATALOG, program, kind)
        assert slugs == {r.slug for r in available}
        assert len(slugs) > 1


@pytest.mark.parametrize("goal", list(Goal))
def test_routines_for_the_goal_come_first(goal: Goal) -> None:
    for kind in (DayKind.STRENGTH, DayKind.MOBILITY):
        candidates = routine_candidates(CATALOG, Program(START, goal=goal), kind)
        for_goal = [goal in r.goals for r in candidates]
        assert for_goal == sorted(for_goal, reverse=True)


def test_fitting_a_routine_swaps_missing_kit_for_a_variant_or_leaves_it_out() -> None:
    routine = CATALOG.routines["hip-er-strength"]
    fitted = fit_to_equipment(routine, CATALOG, frozenset())
    assert fitted is not None
    slugs = [p.exercise.slug for p in fitted.prescriptions]
    assert "banded-clamshell" not in slugs and "clamshell" in slugs
    assert "standing-banded-internal-rotation" not in slugs
    assert len(slugs) == len(routine.prescriptions) - 1
    assert fit_to_equipment(routine, CATALOG, ALL_KIT) == routine
