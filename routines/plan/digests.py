"""What a plan build reads from the history, at each week boundary, as short digests: the history
before the boundary, the history from it on, and what the weeks after it read of the weeks before
(the carry). `checkpoint.py` says why these three are enough.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from routines.plan.history import EFFORT_LIMIT, History
from routines.plan.model import DAY, WEEK, DayKind, Program

Event = tuple[date, bytes]


@dataclass(frozen=True, slots=True)
class Marks:
    """The digests of a history at the start of one plan week."""

    before: str  # everything the history holds before the week's first day
    after: str  # everything from that day on (vacations that straddle it, in full)
    carry: str  # what later weeks read of the days before: last trigger, last strength, check


def history_marks(program: Program, history: History, weeks: int) -> list[Marks]:
    """The marks of `history` at the start of each week 0..`weeks`."""
    events = sorted(_events(program, history), key=_first)
    starts = [program.start + week * WEEK for week in range(weeks + 1)]
    befores = _befores(events, starts, history)
    afters = _afters(events, starts)
    carries = _carries(history, starts)
    return [Marks(*marks) for marks in zip(befores, afters, carries, strict=True)]


def _befores(events: list[Event], starts: list[date], history: History) -> list[str]:
    """The digest of the events before each start, a vacation clipped to the day before."""
    firsts, lasts = history.vacation_spans
    running = _hash()
    digests = []
    taken = 0
    for start in starts:
        while taken < len(events) and events[taken][0] < start:
            running.update(events[taken][1])
            taken += 1
        digest = running.copy()
        straddling = bisect_right(firsts, start - DAY) - 1
        if straddling >= 0 and lasts[straddling] >= start:
            digest.update(b"v" + _days(firsts[straddling], start - DAY))
        digests.append(digest.hexdigest())
    return digests


def _afters(events: list[Event], starts: list[date]) -> list[str]:
    """The digest of the events from each start on, read from the last back."""
    running = _hash()
    digests = []
    left = len(events)
    for start in reversed(starts):
        while left > 0 and events[left - 1][0] >= start:
            left -= 1
            running.update(events[left][1])
        digests.append(running.hexdigest())
    return digests[::-1]


def _carries(history: History, starts: list[date]) -> list[str]:
    """What the weeks from each start read of the days before it: the last trigger (its day
    and reason), whether the last strength session was very hard, the last check's side."""
    triggers = history.last_triggers
    trigger_days = [trigger.day for trigger in triggers]
    strength = sorted(
        (d for d in history.done if d.kind is DayKind.STRENGTH), key=lambda session: session.day
    )
    strength_days = [session.day for session in strength]
    carries = []
    for start in starts:
        last = bisect_left(trigger_days, start) - 1
        trigger = f"{triggers[last].day}:{triggers[last].reason}" if last >= 0 else "-"
        previous = bisect_left(strength_days, start) - 1
        hard = previous >= 0 and (strength[previous].effort or 0) >= EFFORT_LIMIT
        carries.append(f"{trigger}|{hard:d}|{history.lagging_on(start - DAY)}")
    return carries


def _events(program: Program, history: History) -> Iterator[Event]:
    """What the history holds, each with the day from which the plan reads it, in the order
    a build reads them once sorted (stably) by that day."""
    # A kind and a side are `StrEnum`s, which format as their value without the enum's
    # Python-level `.value` lookup; this loop runs for every session of the history.
    for done in history.done:
        kind = done.kind or "-"
        yield done.day, f"d{done.day.toordinal()}{kind}{done.effort}/{done.pain};".encode()
    for skipped in sorted(history.skips):
        yield skipped, f"k{skipped.toordinal()};".encode()
    for move in history.moves:
        # A move is read in its source's week, in the order the history lists them.
        week_start = program.start + (move.source - program.start).days // 7 * WEEK
        yield week_start, f"m{move.source.toordinal()}>{move.target.toordinal()};".encode()
    for check in history.hip_checks:
        side = check.lagging or "-"
        yield check.day, f"c{check.day.toordinal()}{side};".encode()
    for first, last in zip(*history.vacation_spans, strict=True):
        yield last, b"v" + _days(first, last)


def program_digest(program: Program) -> str:
    """A digest of the program that is the same in every process (no set order in it)."""
    text = "|".join(
        (
            program.start.isoformat(),
            program.goal.value,
            ",".join(str(d) for d in sorted(program.session_days)),
            program.experience.value,
            ",".join(sorted(e.value for e in program.equipment)),
            str(program.deload_every),
            ",".join(sorted(p.value for p in program.precautions)),
        )
    )
    return _hash(text.encode()).hexdigest()


def _hash(data: bytes = b"") -> hashlib.blake2b:
    return hashlib.blake2b(data, digest_size=12)


def _days(first: date, last: date) -> bytes:
    return f"{first.toordinal()}-{last.toordinal()};".encode()


def _first(event: Event) -> date:
    return event[0]
