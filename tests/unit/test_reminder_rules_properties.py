"""Properties of the reminder rules, over many zones and their clock changes (Hypothesis).

Whatever the zone, the rule and the moment: walking from fire to fire visits each slot once,
and the answers don't depend on the zone a moment is written in. The tables and the clock-change
days these generalise are in test_reminder_rules.py.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import event, given, settings
from hypothesis import strategies as st

from routines.reminder_rules import (
    CATCH_UP,
    DESK_EVERY_MINUTES,
    SNOOZE,
    DeskRule,
    Rule,
    SessionRule,
    local_day,
    local_slots,
    next_fire,
    snoozed,
    too_late,
)
from tests.unit.test_reminder_rules import DAY, HOUR, MINUTE, MONDAY, SECOND, following

ZONES = [
    ZoneInfo(name)
    for name in (
        "Europe/Berlin",
        "America/New_York",
        "Australia/Lord_Howe",  # the clocks move half an hour
        "Asia/Kolkata",
        "UTC",
        "Pacific/Chatham",  # +12:45, changing at 02:45
    )
]
EARLIEST, LATEST = datetime(2024, 1, 1), datetime(2030, 12, 31)


@dataclass(frozen=True)
class Change:
    """A change of the clocks: the moment (UTC), and the local wall time just before it."""

    at: datetime
    wall: datetime


def clock_changes(zone: ZoneInfo) -> list[Change]:
    """Every change of the clocks in `zone` from `EARLIEST` to `LATEST`, found to the minute."""

    def offset(moment: datetime) -> timedelta | None:
        return moment.astimezone(zone).utcoffset()

    midnights = (EARLIEST.replace(tzinfo=UTC) + n * DAY for n in range((LATEST - EARLIEST).days))
    changes = []
    for midnight in midnights:
        if offset(midnight) != offset(midnight + DAY):
            minutes = (midnight + n * MINUTE for n in range(1, 24 * 60 + 1))
            at = next(m for m in minutes if offset(m) != offset(midnight))
            wall = (at - MINUTE).astimezone(zone).replace(tzinfo=None) + MINUTE
            changes.append(Change(at, wall))
    return changes


CHANGES_IN = {zone: clock_changes(zone) for zone in ZONES}

wall_times = st.one_of(
    st.times(),
    st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45])),
)
weekdays = st.integers(1, 127).map(lambda bits: frozenset(d for d in range(7) if bits >> d & 1))
intervals = st.sampled_from(DESK_EVERY_MINUTES)


@st.composite
def working_days(draw: st.DrawFn) -> DeskRule:
    """Desk rules over a working day of up to twelve hours, or any start and end at all."""
    start = draw(wall_times)
    if draw(st.booleans()):
        end = draw(wall_times)
    else:
        length = draw(st.timedeltas(MINUTE, 12 * HOUR))
        end = min(
            datetime.combine(MONDAY, start) + length, datetime.combine(MONDAY, time.max)
        ).time()
    return DeskRule(draw(intervals), start, end, draw(weekdays))


rules: st.SearchStrategy[Rule] = st.one_of(
    st.builds(SessionRule, wall_times, weekdays), working_days()
)


@dataclass(frozen=True)
class Case:
    """A rule kept in a zone, and a moment to look forward from."""

    rule: Rule
    zone: ZoneInfo
    after: datetime


@st.composite
def rules_around(draw: st.DrawFn, change: Change) -> Rule:
    """Rules whose slots fall near `change`, on its weekday: in the hour skipped or repeated."""
    near = change.wall + draw(st.sampled_from([m * MINUTE for m in range(-60, 61, 15)]))
    chosen = draw(weekdays) | {change.wall.weekday()}
    if draw(st.booleans()):
        return SessionRule(near.time().replace(fold=draw(st.integers(0, 1))), chosen)
    every = timedelta(minutes=draw(intervals))
    midnight = datetime.combine(near.date(), time(0))
    most_before = (near - midnight) // every  # breaks that fit between midnight and `near`
    start = near - draw(st.integers(1, most_before)) * every if most_before else midnight
    end = min(near + draw(st.integers(0, 3)) * every + MINUTE, midnight + DAY - SECOND)
    return DeskRule(every // MINUTE, start.time(), end.time(), chosen)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """Random rules and moments over several years, mostly near a clock change, given in any zone."""
    zone = draw(st.sampled_from(ZONES))
    changes = CHANGES_IN[zone]
    if changes and draw(st.integers(0, 2)) != 0:  # two times in three
        change = draw(st.sampled_from(changes))
        after = change.at + draw(st.timedeltas(-2 * DAY, DAY))
        rule = draw(rules_around(change)) if draw(st.integers(0, 2)) else draw(rules)
    else:
        after = draw(st.datetimes(EARLIEST, LATEST, timezones=st.just(UTC)))
        rule = draw(rules)
    return Case(rule, zone, after.astimezone(draw(st.sampled_from(ZONES))))


def every_slot(case: Case, days: int) -> dict[datetime, list[tuple[date, time]]]:
    """Every moment `case.rule` asks for, from two days before the local date of `case.after`
    for `days` days, with the wall-clock slots that land on it."""
    first = local_day(case.after, case.zone) - 2 * DAY
    found: dict[datetime, list[tuple[date, time]]] = {}
    for day in (first + n * DAY for n in range(days)):
        for at in local_slots(case.rule, day):
            wall = datetime.combine(day, at.replace(fold=0), tzinfo=case.zone)
            found.setdefault(wall.astimezone(UTC), []).append((day, at))
    return found


def exists(day: date, at: time, zone: ZoneInfo) -> bool:
    """Whether the wall clocks of `zone` ever show `at` on `day` (not in a skipped gap)."""
    wall = datetime.combine(day, at.replace(fold=0), tzinfo=zone)
    return wall.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall.replace(tzinfo=None)


def walk(case: Case, days: int) -> list[datetime]:
    """The fires of the case, through the first more than `days` days ahead."""
    found = []
    for moment in following(case.rule, case.zone, case.after):
        found.append(moment)
        if moment > case.after + days * DAY:
            break
    return found


PROPERTY = settings(max_examples=150, deadline=None)


@PROPERTY
@given(cases())
def test_walking_from_fire_to_fire_visits_each_slot_exactly_once(case: Case) -> None:
    found = walk(case, 2)
    slots = every_slot(case, 24)
    ahead = sorted(m for m in slots if m > case.after)
    if not found:
        assert ahead == []  # no weekday gives a slot: it never fires
        assert all(local_slots(case.rule, MONDAY + n * DAY) == () for n in range(7))
        return
    assert found == [m for m in ahead if m <= found[-1]]
    assert found[0] > case.after
    assert all(a < b for a, b in zip(found, found[1:], strict=False))
    assert all(m.tzinfo is UTC for m in found)


@PROPERTY
@given(cases())
def test_each_fire_is_a_chosen_slot_on_the_wall_clock_or_just_after_a_skipped_one(
    case: Case,
) -> None:
    slots = every_slot(case, 24)
    for moment in walk(case, 2):
        local = moment.astimezone(case.zone)
        assert local.fold == 0  # a time the clocks repeat fires the first time round
        assert slots[moment], "a fire no slot asked for"
        for day, at in slots[moment]:
            shift = local.replace(tzinfo=None) - datetime.combine(day, at)
            if exists(day, at, case.zone):
                assert shift == timedelta(0)
                assert local.weekday() in case.rule.weekdays
                assert local.time() in local_slots(case.rule, local.date())
                if local.replace(fold=1).utcoffset() != local.utcoffset():
                    event("a repeated wall time")
            else:
                assert timedelta(0) < shift <= HOUR  # just after the jump
                event("a skipped wall time")


@PROPERTY
@given(cases())
def test_a_rule_without_weekdays_never_fires(case: Case) -> None:
    assert next_fire(replace(case.rule, weekdays=frozenset()), case.zone, case.after) is None


@PROPERTY
@given(cases())
def test_the_next_fire_does_not_depend_on_the_zone_after_is_given_in(case: Case) -> None:
    found = next_fire(case.rule, case.zone, case.after)
    for zone in ZONES:
        assert next_fire(case.rule, case.zone, case.after.astimezone(zone)) == found


@PROPERTY
@given(
    st.datetimes(EARLIEST, LATEST, timezones=st.sampled_from(ZONES)),
    st.timedeltas(-DAY, DAY),
    st.sampled_from(ZONES),
)
def test_too_late_and_snoozed_count_real_time_in_any_zone(
    due: datetime, late: timedelta, zone: ZoneInfo
) -> None:
    now = (due.astimezone(UTC) + late).astimezone(zone)
    assert too_late(due, now) is (late > CATCH_UP)
    assert snoozed(now) - now == SNOOZE
    assert snoozed(now).tzinfo is UTC


def test_the_zones_of_the_properties_change_their_clocks_twice_a_year() -> None:
    counts = {str(zone): len(changes) for zone, changes in CHANGES_IN.items()}
    assert counts == {
        "Europe/Berlin": 14,
        "America/New_York": 14,
        "Australia/Lord_Howe": 14,
        "Asia/Kolkata": 0,
        "UTC": 0,
        "Pacific/Chatham": 14,
    }
