"""The routine engine's answers to pain and hard sessions, and the routines chosen for each goal."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given

from routines.catalog.model import Equipment, Goal
from routines.dosage import DELOAD_SHARE
from routines.plan.choose import fit_to_equipment, routine_candidates
from routines.plan.history import Done, History, triggers
from routines.plan.model import (
    DayKind,
    Experience,
    Phase,
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
    THU,
    TUE,
    WED,
    all_days,
    build,
    diligent,
    happens,
    items,
    layout,
    lighter,
    on,
    plan_of,
    routines_of,
    situations,
)


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
