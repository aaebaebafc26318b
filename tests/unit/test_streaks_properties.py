"""Streak properties over generated histories, and agreement with the rules written out plainly."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from routines.bounds import EARLIEST_DATE
from routines.streaks import (
    DAYS_PER_FREEZE,
    MOST_FREEZES,
    Expect,
    Logged,
    Mark,
    Record,
    Schedule,
    every_day,
    record,
)
from tests.unit.streak_helpers import (
    D0,
    Story,
    count,
    figures,
    gaps,
    logged_of,
    misses,
    nth,
    schedule_of,
    stories,
)

PROPERTY = settings(max_examples=150, deadline=None)


@given(stories(), st.booleans())
@PROPERTY
def test_the_figures_stay_within_bounds(story: Story, since: bool) -> None:
    found = story.record(D0 if since else None)
    assert 0 <= found.current <= found.longest <= count(found, Mark.DONE) + count(found, Mark.REST)
    assert 0 <= found.freezes <= MOST_FREEZES
    assert all(
        0 <= d.freezes <= MOST_FREEZES and 0 <= d.streak <= found.longest for d in found.days
    )
    assert found.freezes_spent == count(found, Mark.FROZEN)
    assert found.total_sessions == sum(d.sessions for d in found.days)
    assert found.total_minutes == sum(d.minutes for d in found.days)


@given(stories(), st.booleans())
@PROPERTY
def test_days_run_from_the_first_session_to_today_without_gaps(story: Story, since: bool) -> None:
    found = story.record(D0 if since else None)
    logged = {s.day for s in logged_of(story.done)}
    if not found.days:
        assert not logged and not since
        return
    firsts = [*logged, *([D0] if since else [])]
    assert found.days[0].day == min(firsts)
    assert found.days[-1].day == max([story.today, *logged])
    assert all((b.day - a.day).days == 1 for a, b in zip(found.days, found.days[1:], strict=False))


@given(stories())
@PROPERTY
def test_every_logged_date_is_done_once(story: Story) -> None:
    found = story.record()
    logged = Counter(s.day for s in logged_of(story.done))
    assert {d.day for d in found.days if d.mark is Mark.DONE} == set(logged)
    assert count(found, Mark.DONE) == len(logged)
    assert {d.day: d.sessions for d in found.days if d.sessions} == logged


@given(stories(), st.randoms(use_true_random=False))
@PROPERTY
def test_the_order_sessions_arrive_in_does_not_matter(story: Story, rng: random.Random) -> None:
    logged = logged_of(story.done)
    shuffled = rng.sample(logged, len(logged))
    schedule = schedule_of(story.schedule)
    assert record(shuffled, schedule, story.today) == record(logged, schedule, story.today)


def never_full(*found: Record) -> bool:
    """Whether no freeze could have been lost to a full bank in any of `found`."""
    return all(d.freezes < MOST_FREEZES for r in found for d in r.days)


@given(gaps())
@PROPERTY
def test_adding_a_session_never_lowers_the_streak_while_no_freeze_is_lost(
    gap: tuple[Story, int],
) -> None:
    story, n = gap
    before, after = story.record(), story.with_session(n).record()
    if never_full(before, after):
        assert after.longest >= before.longest
        assert after.current >= before.current
    assert after.total_sessions == before.total_sessions + 1


@given(misses())
@PROPERTY
def test_a_missed_day_becoming_vacation_never_lowers_the_streak_while_no_freeze_is_lost(
    miss: tuple[Story, int],
) -> None:
    story, n = miss
    before = story.record()
    assert before.days[n].mark in (Mark.MISSED, Mark.FROZEN)
    after = story.with_vacation(n).record()
    if never_full(before, after):
        assert after.current >= before.current
    assert after.days[n].mark is Mark.VACATION


# Two histories where, if a freeze earned with a full bank were simply lost, one more kept day
# early on would move the day that earns it and cost the streak later. Days kept with a full
# bank count towards nothing, so the extra day can only help.
LOST_FREEZE = Story("S" * 14 + "v" + "S" * 20, "x" * 14 + "." + "x" * 6 + ".x.." + "x" * 10)


LOST_FREEZE_TO_VACATION = Story("S" * 27, "x." + "x" * 20 + ".x...")


@given(gaps())
@example((LOST_FREEZE, 14))
@PROPERTY
def test_adding_a_session_never_lowers_the_streak(gap: tuple[Story, int]) -> None:
    story, n = gap
    before, after = story.record(), story.with_session(n).record()
    assert after.longest >= before.longest
    assert after.current >= before.current


@given(misses())
@example((LOST_FREEZE_TO_VACATION, 1))
@PROPERTY
def test_a_missed_day_becoming_vacation_never_lowers_the_streak(miss: tuple[Story, int]) -> None:
    story, n = miss
    assert story.with_vacation(n).record().current >= story.record().current


def test_a_full_bank_earns_nothing_so_an_earlier_kept_day_costs_no_freeze() -> None:
    assert figures(LOST_FREEZE.record()) == (
        "x" * 14 + "v" + "x" * 6 + "fxfm" + "x" * 10,
        10,
        21,
        1,
        2,
    )
    assert figures(LOST_FREEZE.with_session(14).record()) == (
        "x" * 21 + "fxfm" + "x" * 10,
        10,
        22,
        1,
        2,
    )
    assert figures(LOST_FREEZE_TO_VACATION.record()) == ("xm" + "x" * 20 + "fxfmp", 0, 21, 0, 2)
    assert figures(LOST_FREEZE_TO_VACATION.with_vacation(1).record()) == (
        "xv" + "x" * 20 + "fxfmp",
        0,
        22,
        0,
        2,
    )


@dataclass(frozen=True)
class Figures:
    days: list[tuple[date, Mark, int, int]]  # day, mark, streak after it, freezes after it
    current: int
    longest: int
    freezes: int
    spent: int


def reference_mark(done: bool, asked: Expect, not_over: bool, can_freeze: bool) -> Mark:
    """One day's mark under the streak rules, as the issue states them."""
    if done:
        return Mark.DONE  # any session, planned or extra, even on a rest or vacation day
    if asked is Expect.VACATION:
        return Mark.VACATION  # neither breaks nor counts
    if asked is Expect.REST:
        return Mark.REST  # keeps the streak, once one has started
    if not_over:
        return Mark.PENDING  # breaks nothing until the day is over
    if can_freeze:
        return Mark.FROZEN  # a freeze is spent on it, automatically
    return Mark.MISSED


def reference(
    logged: list[Logged], schedule: Schedule, today: date, since: date | None = None
) -> Figures:
    """The streak rules, one day at a time, as the issue states them."""
    # The input limits: a session counts from 2000 to three days after the user's today.
    sessions = Counter(s.day for s in logged if EARLIEST_DATE <= s.day <= today + timedelta(days=3))
    starts = [*sessions, *([since] if since else [])]
    if not starts:
        return Figures([], 0, 0, 0, 0)
    first, last = min(starts), max([today, *sessions])
    streak = longest = banked = spent = kept_in_a_row = 0
    days = []
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        can_freeze = streak > 0 and banked > 0
        mark = reference_mark(sessions[day] > 0, schedule(day), day >= today, can_freeze)
        if mark is Mark.DONE or (mark is Mark.REST and streak > 0):
            streak += 1
            if banked < MOST_FREEZES:  # with a full bank, kept days count towards nothing
                kept_in_a_row += 1
                if kept_in_a_row == DAYS_PER_FREEZE:
                    banked, kept_in_a_row = banked + 1, 0
        elif mark is Mark.FROZEN:
            banked -= 1
            spent += 1
        elif mark is Mark.MISSED:
            streak = kept_in_a_row = 0
        longest = max(longest, streak)
        days.append((day, mark, streak, banked))
    return Figures(days, streak, longest, banked, spent)


def agree(found: Record, expected_figures: Figures) -> None:
    assert [(d.day, d.mark, d.streak, d.freezes) for d in found.days] == expected_figures.days
    assert (found.current, found.longest, found.freezes, found.freezes_spent) == (
        expected_figures.current,
        expected_figures.longest,
        expected_figures.freezes,
        expected_figures.spent,
    )


@given(stories(), st.integers(-5, 65), st.booleans())
@settings(max_examples=300, deadline=None)
def test_the_record_agrees_with_the_reference(story: Story, today: int, since: bool) -> None:
    logged, schedule = logged_of(story.done), schedule_of(story.schedule)
    start = D0 if since else None
    agree(
        record(logged, schedule, nth(today), start), reference(logged, schedule, nth(today), start)
    )


def weekly_with_vacations(rng: random.Random, days: int) -> Schedule:
    """Sessions on three to five weekdays, and a week or two of vacation now and then."""
    session_days = set(rng.sample(range(7), rng.randint(3, 5)))
    away = set()
    for _ in range(days // 180):
        first = rng.randrange(days)
        away |= {nth(first + n) for n in range(rng.randint(5, 14))}

    def schedule(day: date) -> Expect:
        if day in away:
            return Expect.VACATION
        return Expect.SESSION if day.weekday() in session_days else Expect.REST

    return schedule


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("miss", [0.02, 0.1, 0.3])
@pytest.mark.parametrize("planned", [False, True], ids=["every day", "weekly plan"])
def test_ten_years_of_daily_history_agree_with_the_reference(
    seed: int, miss: float, planned: bool
) -> None:
    rng = random.Random(seed)
    days = 3660
    schedule = weekly_with_vacations(rng, days) if planned else every_day
    logged = [
        Logged(nth(n), rng.randint(5, 40))
        for n in range(days)
        if rng.random() >= miss
        for _ in range(rng.choice((1, 1, 1, 2)))
    ]
    today = nth(days - 1)
    found = record(logged, schedule, today)
    agree(found, reference(logged, schedule, today))
    assert len(found.days) == (today - logged[0].day).days + 1 >= 3650
    assert found.total_sessions == len(logged)
    assert found.total_minutes == sum(s.minutes for s in logged)
    assert found.freezes_spent > 0 and found.longest > DAYS_PER_FREEZE
