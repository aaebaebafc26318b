"""The routine engine's weeks: phases, spacing of strength days, dosage growth and deloads."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routines.catalog.model import Equipment, Goal
from routines.dosage import DELOAD_SHARE, HOLD_STEP_SECONDS, REPS_STEP, Dosage, DosageKind
from routines.plan.history import Done, History, Move
from routines.plan.model import (
    DayKind,
    Experience,
    Phase,
    Plan,
    Program,
    Week,
    strength_volume,
)
from tests.unit.plan_helpers import (
    CATALOG,
    FAST,
    FRI,
    MON,
    SAT,
    START,
    SUN,
    THU,
    TUE,
    WED,
    all_days,
    build,
    diligent,
    easier_or_same,
    happens,
    items,
    layout,
    lifter,
    lighter,
    on,
    plan_of,
    programs,
    routines_of,
    situations,
)


def amount(dosage: Dosage) -> int:
    return dosage.hold_seconds or dosage.reps or dosage.work_seconds or 0


def last_loading_week(plan: Plan, deload: Week) -> Week:
    return next(w for w in reversed(plan.weeks[: deload.index - 1]) if not w.deload)


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


FIGURE_FOUR_WEEKS = [
    # week, phase week, deload, figure-four sets and hold in release-and-stretch
    # (the seed gives 2–4 × 30–60 s: the hold grows to 60 s, then a set a week)
    (1, 1, False, 2, 45), (2, 2, False, 2, 50), (3, 3, False, 2, 55), (4, 4, True, 2, 55),
    (5, 5, False, 2, 60), (6, 6, False, 3, 60), (7, 1, False, 2, 45), (8, 2, True, 2, 45),
    (9, 3, False, 2, 50),
]  # fmt: skip


def test_mobility_holds_grow_five_seconds_a_loading_week_to_the_seed_top_then_by_sets() -> None:
    plan = build(Program(START), weeks=9)
    found = []
    for week in plan.weeks:
        release = routines_of(week, DayKind.MOBILITY)["release-and-stretch"]
        figure_four = items(release)[0]
        assert figure_four.exercise.slug == "figure-four-stretch-lying"
        dosage = figure_four.dosage
        found.append((week.index, week.phase_week, week.deload, dosage.sets, dosage.hold_seconds))
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
            seed = CATALOG.exercises[key[-1]].seed_dose
            assert dosage.sets <= start.sets + 1 or seed and dosage.sets <= seed.sets[1]
            step = REPS_STEP if dosage.kind is DosageKind.REPS else HOLD_STEP_SECONDS
            assert amount(dosage) <= amount(start) + step * weeks
        else:
            first[key] = (index, dosage)
        previous[key] = dosage


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
