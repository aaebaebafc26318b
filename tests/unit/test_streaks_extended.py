"""A streak record extended from an earlier one equals the record walked again from scratch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routines.streaks import (
    Expect,
    Logged,
    Record,
    Schedule,
    extended,
    first_change,
    first_difference,
    plan_schedule,
    record,
)
from tests.unit.streak_helpers import (
    D0,
    EXPECT,
    logged_of,
    marks,
    nth,
    plan_of,
    schedule_of,
    stories,
)

PROPERTY = settings(max_examples=300, deadline=None)


@dataclass(frozen=True)
class Write:
    """One change to a history: sessions added and removed, today moving on, a new schedule."""

    added: tuple[Logged, ...]
    removed: tuple[int, ...]  # positions in the sessions logged so far
    days_on: int
    schedule: str | None  # the whole new schedule, one letter a day from D0; None: unchanged
    since: date | None  # where the walk is asked to start from now on


@dataclass(frozen=True)
class History:
    """A schedule, the sessions logged, today (as a day from D0) and where the walk starts."""

    schedule: str
    logged: tuple[Logged, ...]
    today: int
    since: date | None

    def record(self) -> Record:
        """The record walked from scratch."""
        return record(self.logged, schedule_of(self.schedule), nth(self.today), self.since)

    def after(self, write: Write) -> History:
        """This history once `write` is made."""
        gone = set(write.removed)
        kept = tuple(s for n, s in enumerate(self.logged) if n not in gone)
        schedule = self.schedule if write.schedule is None else write.schedule
        return History(schedule, kept + write.added, self.today + write.days_on, write.since)


def expect_at(schedule: str, n: int) -> Expect:
    """What the schedule written in `schedule` asks on day n (a session outside it)."""
    return EXPECT[schedule[n]] if 0 <= n < len(schedule) else Expect.SESSION


def first_schedule_change(old: str, new: str) -> date | None:
    """The first day the two written schedules ask different things."""
    changed = (n for n in range(max(len(old), len(new))) if expect_at(old, n) != expect_at(new, n))
    return next((nth(n) for n in changed), None)


def same_before(old: History, new: History) -> date | None:
    """The first day whose sessions or schedule differ, as a caller would find it."""
    firsts = (
        first_difference(old.logged, new.logged),
        first_schedule_change(old.schedule, new.schedule),
    )
    return min((day for day in firsts if day is not None), default=None)


@st.composite
def histories(draw: st.DrawFn) -> History:
    """A random schedule and sessions, today anywhere around them, from D0 or the first session."""
    story = draw(stories())
    today = draw(st.integers(-3, len(story.schedule) + 3))
    since = draw(st.sampled_from([None, D0]))
    return History(story.schedule, tuple(logged_of(story.done)), today, since)


@st.composite
def writes(draw: st.DrawFn, history: History) -> Write:
    """Sessions added on random days (today and the past most of all), some removed, today
    moving on 0–10 days, now and then the schedule changed from a random day on, and sometimes
    the walk asked to start elsewhere."""
    days_on = draw(st.integers(0, 10))
    today = history.today + days_on
    on_day = st.one_of(st.just(today), st.integers(-5, today), st.integers(today, today + 4))
    added = draw(st.lists(st.builds(Logged, on_day.map(nth), st.integers(0, 40)), max_size=4))
    most = len(history.logged) - 1
    removed = draw(st.lists(st.integers(0, most), max_size=2)) if history.logged else []
    schedule = None
    if draw(st.booleans()):
        change = draw(st.integers(0, len(history.schedule) + 10))
        tail = draw(st.text(alphabet="S.v", max_size=40))
        schedule = history.schedule.ljust(change, "S")[:change] + tail
    since = draw(st.sampled_from([history.since, history.since, None, D0, nth(-2)]))
    return Write(tuple(added), tuple(removed), days_on, schedule, since)


@st.composite
def stories_of_writes(draw: st.DrawFn) -> tuple[History, list[Write]]:
    """A history and one to three writes made to it, one after the other."""
    history = draw(histories())
    made, now = [], history
    for _ in range(draw(st.integers(1, 3))):
        write = draw(writes(now))
        made.append(write)
        now = now.after(write)
    return history, made


def assert_same_record(got: Record, want: Record) -> None:
    assert got.days == want.days
    assert got == want
    assert got.today == want.today


@given(stories_of_writes())
@PROPERTY
def test_an_extended_record_equals_the_record_walked_from_scratch(
    story: tuple[History, list[Write]],
) -> None:
    history, made = story
    kept = history.record()
    for write in made:
        later = history.after(write)
        kept = extended(
            kept,
            later.logged,
            schedule_of(later.schedule),
            nth(later.today),
            same_before(history, later),
            later.since,
        )
        assert_same_record(kept, later.record())
        history = later


@given(histories(), st.integers(0, 10))
@PROPERTY
def test_a_caller_promising_no_change_while_today_moves_on_still_gets_todays_marks(
    history: History, days_on: int
) -> None:
    later = history.after(Write((), (), days_on, None, history.since))
    schedule, today = schedule_of(history.schedule), nth(later.today)
    got = extended(history.record(), history.logged, schedule, today, None, history.since)
    assert_same_record(got, later.record())


@given(histories(), st.data())
@PROPERTY
def test_an_extended_record_equals_the_full_one_when_a_plan_is_rebuilt_from_a_week_on(
    history: History, data: st.DataObject
) -> None:
    old_plan = plan_of(history.schedule)
    write = data.draw(writes(history))
    later = history.after(write)
    changed_from = data.draw(st.integers(0, len(old_plan.weeks)))
    shared = {n: week for n, week in enumerate(old_plan.weeks) if n < changed_from}
    new_plan = plan_of(later.schedule, shared if write.schedule is None else None)
    today = nth(later.today)
    kept = extended(
        record(history.logged, plan_schedule(old_plan), nth(history.today), history.since),
        later.logged,
        plan_schedule(new_plan),
        today,
        first_change(history.logged, later.logged, old_plan, new_plan),
        history.since,
    )
    assert_same_record(kept, record(later.logged, plan_schedule(new_plan), today, history.since))


def counting(schedule: Schedule, asked: list[date]) -> Schedule:
    """`schedule`, noting every day it is asked about."""

    def ask(day: date) -> Expect:
        asked.append(day)
        return schedule(day)

    return ask


def test_an_extension_asks_only_about_the_days_from_the_first_change_on() -> None:
    schedule = schedule_of("S.S.S.S" * 20)
    logged = logged_of("x.x.x.x" * 20)
    earlier = record(logged, schedule, nth(140))
    asked: list[date] = []
    longer = [*logged, Logged(nth(140), 20)]
    got = extended(earlier, longer, counting(schedule, asked), nth(140), nth(140))
    assert asked == [nth(140)]
    assert got.days[:140] == earlier.days[:140]
    assert got.current == earlier.current + 1 and got.total_minutes == earlier.total_minutes + 20


def extend(
    schedule: str, done: str, earlier_today: int, today: int, same: int | None = None
) -> Record:
    """The record of `done` walked to `earlier_today`, then extended to `today` with the caller
    promising nothing changed before day `same` (before any day, when None)."""
    logged, asked = logged_of(done), schedule_of(schedule)
    earlier = record(logged, asked, nth(earlier_today))
    got = extended(earlier, logged, asked, nth(today), None if same is None else nth(same))
    assert_same_record(got, record(logged, asked, nth(today)))
    return got


@pytest.mark.parametrize(
    ("schedule", "done", "earlier_today", "today", "same", "want"),
    [
        pytest.param("SSSS", "xx..", 2, 3, None, "xxmp", id="yesterday's pending day is now missed"),
        pytest.param("SSSS", "xx..", 2, 3, 10, "xxmp", id="a promise past the earlier today is held to it"),
        pytest.param("SSSS", "xx..", 3, 2, None, "xxp", id="today moving back makes yesterday pending again"),
        pytest.param("SSSS", "xx..", 3, 2, 3, "xxp", id="today moving back before the promise"),
        pytest.param("SSSS", "xx.x", 2, 3, None, "xxmx", id="a session ahead of today stays done"),
        pytest.param("SS.S", "xx..", 1, 3, None, "xx.p", id="a rest day after today walks on"),
        pytest.param("SSSS", "xx..", 2, 2, 0, "xxp", id="a change on the first day keeps nothing"),
    ],
)  # fmt: skip
def test_an_extension_never_keeps_a_day_whose_mark_depends_on_today(
    schedule: str, done: str, earlier_today: int, today: int, same: int | None, want: str
) -> None:
    assert marks(extend(schedule, done, earlier_today, today, same)) == want


def test_a_record_made_by_hand_is_walked_again_in_full() -> None:
    logged, asked = logged_of("xx.x"), schedule_of("SSSS")
    by_hand = Record(record(logged, asked, nth(3)).days, 9, 9, 2, 0, 0, 0)
    assert_same_record(
        extended(by_hand, logged, asked, nth(3), None), record(logged, asked, nth(3))
    )


def test_a_session_before_the_first_day_walks_the_history_again() -> None:
    asked = schedule_of("SSSSS")
    earlier = record(logged_of("..xxx"), asked, nth(4))
    sooner = logged_of("x.xxx")
    got = extended(earlier, sooner, asked, nth(4), first_difference(logged_of("..xxx"), sooner))
    assert marks(got) == "xmxxx"
    assert_same_record(got, record(sooner, asked, nth(4)))


@pytest.mark.parametrize(
    ("old", "new", "want"),
    [
        pytest.param([], [], None, id="no sessions either side"),
        pytest.param([(0, 10), (2, 5)], [(2, 5), (0, 10)], None, id="the same sessions in another order"),
        pytest.param([(0, 10)], [(0, 10), (3, 5)], 3, id="a session added"),
        pytest.param([(0, 10), (3, 5)], [(0, 10)], 3, id="a session removed"),
        pytest.param([(0, 10), (3, 5)], [(0, 10), (3, 6)], 3, id="a session's minutes changed"),
        pytest.param([(0, 10)], [(0, 10), (0, 10)], 0, id="a second session on the same day"),
        pytest.param([(5, 10), (1, 10)], [(5, 11), (1, 10), (2, 1)], 2, id="the earliest of two changes"),
        pytest.param([], [(4, 10)], 4, id="the first session ever"),
    ],
)  # fmt: skip
def test_first_difference_is_the_first_day_whose_sessions_changed(
    old: list[tuple[int, int]], new: list[tuple[int, int]], want: int | None
) -> None:
    def logged(sessions: list[tuple[int, int]]) -> list[Logged]:
        return [Logged(nth(n), minutes) for n, minutes in sessions]

    assert first_difference(logged(old), logged(new)) == (None if want is None else nth(want))


@pytest.mark.parametrize(
    ("sessions_on", "plan", "want"),
    [
        pytest.param(None, "SS.S.S." * 2, None, id="nothing changed"),
        pytest.param(9, "SS.S.S." * 2, 9, id="a session added"),
        pytest.param(None, "SS.S.S." + "SS.SSS.", 11, id="a rest day became a session day"),
        pytest.param(12, "SS.S.S." + "SS.SSS.", 11, id="the earlier of the two"),
        pytest.param(3, "SS.S.S." + "SS.SSS.", 3, id="the session first"),
    ],
)  # fmt: skip
def test_first_change_is_the_earlier_of_a_changed_session_and_a_changed_plan_day(
    sessions_on: int | None, plan: str, want: int | None
) -> None:
    logged = logged_of("x.x.x.x")
    more = logged if sessions_on is None else [*logged, Logged(nth(sessions_on), 10)]
    found = first_change(logged, more, plan_of("SS.S.S." * 2), plan_of(plan))
    assert found == (None if want is None else nth(want))
