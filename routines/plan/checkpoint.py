"""Checkpoints of a plan build at week boundaries, so a change rebuilds only from the first week
it touches.

A `Checkpoint` is everything the build of plan week k reads from the weeks before it: where
the program stands (`Position`), the position kept before a break, the empty weeks in a row, the
welcome back, how many pain or effort triggers strength days have answered, and whether week
k-1 ended on a strength session that happens (no strength day after one).

When a checkpoint stays valid. Building week j, from where the program stands, reads:

- the history on the days of week j only: vacations covering its days, moves whose source is
  in it, sessions done (`did`, `any_session`), skips, hip checks taken in it by the mobility day
  (`checked_between`), triggers on days of week j-1 (`trigger_weeks[j-1]`) and of week j;
- the history before week j: triggers (a trigger's day, and the sessions before it that make
  it, "the last two strength sessions"), the latest hip check's lagging side (`lagging_on`);
- never anything after week j's last day;
- `today` only while week j is not wholly past (`day < today`, `max(today, ...)`, "the week has
  ended" in `still_away`): every `today` from week j's end on reads the same, so week j reads
  `min(today, first day of week j+1)`.

So the state at the start of week k, and every read of the history before week k, depends on
the history before week k's first day and on `min(today, that day)`, and on nothing else but
the program and the catalog. A checkpoint stores a digest of the first (what was done, skipped,
moved by source week, the vacations' days clipped to before week k, the hip checks) and the
second (`seen_today`), and stays valid while both read the same. A session logged in the
current week keeps every checkpoint up to this week's; one added late in an old week drops
those after that week; today moving into the next week keeps the checkpoints of wholly past
weeks. The caller keeps the catalog the same (the library is fixed per deployment); the program
is compared by its own digest.

The weeks already built are not in the checkpoint: the caller keeps them (`Built` holds the plan
and its checkpoints together), so a checkpoint is plain data with a `to_json`/`from_json` round
trip.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import date

from routines.catalog.model import Catalog
from routines.plan.build import build_week
from routines.plan.history import History
from routines.plan.model import DAY, WEEK, Phase, Plan, Program
from routines.plan.state import Builder, Loading, Position


@dataclass(frozen=True)
class Checkpoint:
    """The state of a plan build at the start of plan week `week` (from 0)."""

    week: int
    position: Position
    before_break: Position
    empty_weeks: int
    welcome_back: bool
    answered: int
    strength_last: bool
    seen_today: date  # today as the weeks before read it: never after this week's first day
    history: str  # digest of the history before this week's first day
    program: str  # digest of the program

    def to_json(self) -> dict[str, object]:
        """The checkpoint as plain JSON data (dates as ISO strings)."""
        return {
            **asdict(self),
            "position": _position_json(self.position),
            "before_break": _position_json(self.before_break),
            "seen_today": self.seen_today.isoformat(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Checkpoint:
        """The checkpoint `to_json` wrote."""
        return cls(
            week=_int(data["week"]),
            position=_position(data["position"]),
            before_break=_position(data["before_break"]),
            empty_weeks=_int(data["empty_weeks"]),
            welcome_back=bool(data["welcome_back"]),
            answered=_int(data["answered"]),
            strength_last=bool(data["strength_last"]),
            seen_today=date.fromisoformat(str(data["seen_today"])),
            history=str(data["history"]),
            program=str(data["program"]),
        )


@dataclass(frozen=True)
class Built:
    """A plan and the checkpoint at the start of each of its weeks, and one after the last."""

    plan: Plan
    checkpoints: tuple[Checkpoint, ...]


def build_plan_from(
    program: Program,
    history: History,
    catalog: Catalog,
    today: date,
    weeks: int,
    kept: Built | None = None,
) -> Built:
    """The same plan `build_plan` gives, built on from the newest of `kept`'s checkpoints that is
    still valid (from the start when none is); `kept` is an earlier answer for this catalog."""
    digests = history_digests(program, history, weeks)
    resume = resume_week(kept, program, digests, today) if kept else 0
    builder = Builder(program, history, catalog, today)
    checkpoints = []
    if kept is not None and resume > 0:
        restore(builder, kept.checkpoints[resume])
        builder.weeks = list(kept.plan.weeks[:resume])
        checkpoints = list(kept.checkpoints[:resume])
    for index in range(resume, weeks):
        checkpoints.append(snapshot(builder, index, digests[index]))
        builder.weeks.append(build_week(builder, index))
    checkpoints.append(snapshot(builder, weeks, digests[weeks]))
    return Built(Plan(program, tuple(builder.weeks)), tuple(checkpoints))


def resume_week(kept: Built, program: Program, digests: list[str], today: date) -> int:
    """The newest week of `kept` whose checkpoint still holds for these history digests and
    `today` (0: start over)."""
    if kept.plan.program != program:
        return 0
    newest = min(len(kept.checkpoints), len(digests), len(kept.plan.weeks) + 1) - 1
    for week in range(newest, 0, -1):
        if still_valid(kept.checkpoints[week], program, digests[week], today):
            return week
    return 0


def still_valid(checkpoint: Checkpoint, program: Program, digest: str, today: date) -> bool:
    """Whether a build with this program, history digest (before the checkpoint's week) and
    `today` reaches the checkpoint's state, so it may build on from it."""
    first_day = program.start + checkpoint.week * WEEK
    return (
        checkpoint.history == digest
        and checkpoint.seen_today == min(today, first_day)
        and checkpoint.program == program_digest(program)
    )


def first_changed_week(
    program: Program, old: History, new: History, old_today: date, new_today: date, weeks: int
) -> int:
    """The first plan week (from 0) whose build may differ between the two; `weeks` if none."""
    old_digests = history_digests(program, old, weeks)
    new_digests = history_digests(program, new, weeks)
    changed = next((k - 1 for k in range(weeks + 1) if old_digests[k] != new_digests[k]), weeks)
    if old_today != new_today:
        changed = min(changed, max(0, (min(old_today, new_today) - program.start).days // 7))
    return max(0, changed)


def snapshot(builder: Builder, week: int, digest: str) -> Checkpoint:
    """The builder's state at the start of plan week `week`."""
    first_day = builder.program.start + week * WEEK
    return Checkpoint(
        week,
        builder.position,
        builder.before_break,
        builder.empty_weeks,
        builder.welcome_back,
        builder.answered,
        builder.strength_last,
        min(builder.today, first_day),
        digest,
        program_digest(builder.program),
    )


def restore(builder: Builder, checkpoint: Checkpoint) -> None:
    """Put `builder` where the checkpoint's build stood."""
    builder.position = checkpoint.position
    builder.before_break = checkpoint.before_break
    builder.empty_weeks = checkpoint.empty_weeks
    builder.welcome_back = checkpoint.welcome_back
    builder.answered = checkpoint.answered
    builder.strength_last = checkpoint.strength_last


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
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def history_digests(program: Program, history: History, weeks: int) -> list[str]:
    """The digest of what `history` holds before the first day of each week 0..`weeks`."""
    events = sorted(_events(program, history), key=_first)
    firsts, lasts = history.vacation_spans
    running = hashlib.blake2b(digest_size=12)
    digests = []
    taken = 0
    for week in range(weeks + 1):
        first_day = program.start + week * WEEK
        while taken < len(events) and events[taken][0] < first_day:
            running.update(events[taken][1])
            taken += 1
        digest = running.copy()
        straddling = bisect_right(firsts, first_day - DAY) - 1
        if straddling >= 0 and lasts[straddling] >= first_day:
            digest.update(b"v" + _days(firsts[straddling], first_day - DAY))
        digests.append(digest.hexdigest())
    return digests


def _events(program: Program, history: History) -> Iterator[tuple[date, bytes]]:
    """What the history holds, each with the day from which the plan reads it, in the order
    a build reads them (stable by that day)."""
    for done in history.done:
        kind = done.kind.value if done.kind else "-"
        yield done.day, f"d{done.day.toordinal()}{kind}{done.effort}/{done.pain};".encode()
    for skipped in sorted(history.skips):
        yield skipped, f"k{skipped.toordinal()};".encode()
    for move in history.moves:
        # A move is read in its source's week, in the order the history lists them.
        week_start = program.start + (move.source - program.start).days // 7 * WEEK
        yield week_start, f"m{move.source.toordinal()}>{move.target.toordinal()};".encode()
    for check in history.hip_checks:
        side = check.lagging.value if check.lagging else "-"
        yield check.day, f"c{check.day.toordinal()}{side};".encode()
    for first, last in zip(*history.vacation_spans, strict=True):
        yield last, b"v" + _days(first, last)


def _days(first: date, last: date) -> bytes:
    return f"{first.toordinal()}-{last.toordinal()};".encode()


def _first(event: tuple[date, bytes]) -> date:
    return event[0]


def _position_json(position: Position) -> dict[str, object]:
    loading = position.last_loading
    return {
        **asdict(position),
        "last_loading": None
        if loading is None
        else {**asdict(loading), "phase": loading.phase.value, "eased": sorted(loading.eased)},
    }


def _position(data: object) -> Position:
    if not isinstance(data, Mapping):
        raise ValueError("a checkpoint's position is an object")
    loading = data["last_loading"]
    return Position(
        _int(data["program_week"]),
        _int(data["level"]),
        _int(data["loading_since_deload"]),
        _int(data["rotation"]),
        None if loading is None else _loading(loading),
    )


def _loading(data: object) -> Loading:
    if not isinstance(data, Mapping):
        raise ValueError("a checkpoint's loading week is an object")
    eased = data["eased"]
    return Loading(
        Phase(str(data["phase"])),
        _int(data["cycle"]),
        _int(data["level"]),
        _int(data["rotation"]),
        _int(data["strength_days"]),
        frozenset(_int(turn) for turn in eased) if isinstance(eased, list) else frozenset(),
    )


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"a checkpoint holds a whole number here, not {value!r}")
    return value
