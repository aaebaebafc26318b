"""What keeps a plan from 2000 cheap changes nothing in it: variant steps held at the longest walk
the library allows, a history's triggers worked out once, the last of each day, and the library's
routines as a kit takes them worked out once for every build with that kit.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from types import MappingProxyType

from hypothesis import given
from hypothesis import strategies as st

from routines.catalog.load import load_catalog
from routines.catalog.model import Equipment, Prescription
from routines.plan import state
from routines.plan.build import build_plan
from routines.plan.history import Done, History, triggers
from routines.plan.model import DayKind, Program
from routines.plan.variants import shift_variant
from tests.unit.plan_helpers import FAST, situations

CATALOG = load_catalog()
LONGEST = CATALOG.longest_variant_walk
ITEMS = [Prescription(e, e.default_dosage) for e in CATALOG.exercises.values()]
KITS = [frozenset(), frozenset({Equipment.MINI_BAND}), frozenset(Equipment)]


def test_the_library_has_no_loop_of_variants_and_a_short_longest_walk() -> None:
    assert LONGEST is not None and 1 <= LONGEST < len(CATALOG.exercises)


@given(
    st.sampled_from(ITEMS),
    st.integers(min_value=-200, max_value=200),
    st.sampled_from(KITS),
    st.booleans(),
)
def test_a_walk_past_the_longest_ends_where_the_longest_does(
    item: Prescription, steps: int, kit: frozenset[Equipment], same_unit: bool
) -> None:
    assert LONGEST is not None
    held = max(-LONGEST, min(LONGEST, steps))
    have = kit | {Equipment.NONE}
    assert shift_variant(item, CATALOG, steps, have, same_unit) == shift_variant(
        item, CATALOG, held, have, same_unit
    )


def test_a_loop_of_variants_has_no_longest_walk() -> None:
    first, second = list(CATALOG.exercises.values())[:2]
    looping = {
        **CATALOG.exercises,
        first.slug: replace(first, harder=(second.slug,)),
        second.slug: replace(second, harder=(first.slug,)),
    }
    catalog = replace(CATALOG, exercises=MappingProxyType(looping))
    assert catalog.longest_variant_walk is None


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=30),
            st.sampled_from([DayKind.STRENGTH, DayKind.MOBILITY, None]),
            st.sampled_from([None, 3, 9, 10]),
            st.sampled_from([None, 0, 5, 6, 9]),
        ),
        max_size=40,
    )
)
def test_the_last_trigger_of_each_day_is_the_last_of_all_triggers_that_day(
    sessions: list[tuple[int, DayKind | None, int | None, int | None]],
) -> None:
    start = date(2000, 1, 3)
    history = History(
        done=tuple(Done(start + timedelta(days=n), k, e, p) for n, k, e, p in sessions)
    )
    every = triggers(history)
    last = {t.day: t for t in every}
    assert history.last_triggers == tuple(last[day] for day in sorted(last))


@FAST
@given(situations(12), situations(12))
def test_a_plan_built_with_choices_another_build_left_is_the_plan_built_with_none(
    first: tuple[Program, History, date, int], second: tuple[Program, History, date, int]
) -> None:
    """The second build shares the first's kit, so it finds the choices the first made."""
    program, history, today, weeks = second
    other, other_history, other_today, _ = first
    shared = replace(other, equipment=program.equipment, precautions=program.precautions)
    state._CHOICES.clear()
    alone = build_plan(program, history, CATALOG, today, weeks)
    state._CHOICES.clear()
    build_plan(shared, other_history, CATALOG, other_today, weeks)
    build_plan(replace(shared, goal=program.goal), other_history, CATALOG, other_today, weeks)
    assert build_plan(program, history, CATALOG, today, weeks) == alone
