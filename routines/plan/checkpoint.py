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
the program and the catalog. A checkpoint stores a digest of the first (`before`: what was done,
skipped, moved by source week, the vacations' days clipped to before week k, the hip checks)
and the second (`seen_today`), and stays valid while both read the same (`still_valid`). A
session logged in the current week keeps every checkpoint up to this week's; one added late in
an old week drops those after that week; today moving into the next week keeps the checkpoints
of wholly past weeks. The caller keeps the catalog the same (the library is fixed per
deployment); the program is compared by its own digest.

The weeks after a change often come out as they were: a session logged today changes this
week, and the program stands where it stood by next week. So a build also stops at the first
week boundary where it is back on the kept build's track and takes the kept weeks from there:
the same state, the same `today`, the same history from that day on (`after`), and the same
reads of the days before it (`carry`: the last pain or effort trigger, whether the last strength
session was very hard, the side the last hip check found lagging). Triggers are counted by
whether one waits unanswered (`pending`), not by their number, so an added trigger before
the boundary does not keep the build off the track.

The weeks already built are not in the checkpoint, nor the history's `after` digests, which
change at every week boundary before a change: the caller keeps them (`Built` holds the plan,
its checkpoints and the marks it was built from), so a checkpoint is plain data with a
`to_json`/`from_json` round trip, and taking a kept build's weeks makes no new checkpoint but
for the weeks after a change.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date

from routines.catalog.model import Catalog
from routines.plan.build import build_week
from routines.plan.digests import Marks, history_marks, program_digest
from routines.plan.history import History
from routines.plan.model import WEEK, Phase, Plan, Program
from routines.plan.state import Builder, Loading, Position


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The state of a plan build at the start of plan week `week` (from 0)."""

    week: int
    position: Position
    before_break: Position
    empty_weeks: int
    welcome_back: bool
    pending: bool  # a trigger before this week waits for a strength day to answer it
    strength_last: bool
    seen_today: date  # today as the weeks before read it: never after this week's first day
    before: str  # digest of the history before this week's first day
    carry: str  # what the weeks from here read of the days before
    program: str  # digest of the program

    def to_json(self) -> dict[str, object]:
        """The checkpoint as plain JSON data (dates as ISO strings)."""
        return {
            **asdict(self),
            "position": _position_json(self.position),
            "before_break": _position_json(self.before_break),
            "seen_today": self.seen_today.isoformat(),
        }

    def marked(self, before: str) -> Checkpoint:
        """This checkpoint with the digest of another history before its week."""
        return Checkpoint(
            self.week, self.position, self.before_break, self.empty_weeks, self.welcome_back,
            self.pending, self.strength_last, self.seen_today, before, self.carry, self.program,
        )  # fmt: skip

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Checkpoint:
        """The checkpoint `to_json` wrote."""
        return cls(
            week=_int(data["week"]),
            position=_position(data["position"]),
            before_break=_position(data["before_break"]),
            empty_weeks=_int(data["empty_weeks"]),
            welcome_back=bool(data["welcome_back"]),
            pending=bool(data["pending"]),
            strength_last=bool(data["strength_last"]),
            seen_today=date.fromisoformat(str(data["seen_today"])),
            before=str(data["before"]),
            carry=str(data["carry"]),
            program=str(data["program"]),
        )


@dataclass(frozen=True)
class Built:
    """A plan, the checkpoint at the start of each of its weeks and one after the last, the day
    it was built for, and the marks of the history it was built from (at least one a checkpoint;
    a build may take this one's weeks back only where the history after them reads the same).
    """

    plan: Plan
    checkpoints: tuple[Checkpoint, ...]
    today: date
    marks: Sequence[Marks] = field(default=(), compare=False)


def build_plan_from(
    program: Program,
    history: History,
    catalog: Catalog,
    today: date,
    weeks: int,
    kept: Built | None = None,
    marks: Sequence[Marks] | None = None,
) -> Built:
    """The same plan `build_plan` gives, built on from the newest of `kept`'s checkpoints that is
    still valid (from the start when none is), and taking `kept`'s weeks again from where the
    build is back on their track; `kept` is an earlier answer for this catalog.

    `marks` are `history_marks` of this history for a program with this one's start, for at
    least `weeks` weeks, when the caller has them: a week's marks don't depend on how many
    weeks follow it.
    """
    if marks is None or len(marks) <= weeks:
        marks = history_marks(program, history, weeks)
    resume = resume_week(kept, program, marks, today) if kept else 0
    builder = Builder(program, history, catalog, today)
    checkpoints: list[Checkpoint] = []
    if kept is not None and resume > 0:
        _take(builder, checkpoints, kept, marks, 0, resume)
    index = resume
    while index < weeks:
        checkpoint = snapshot(builder, index, marks[index])
        if kept is not None and index > resume and _on_track(kept, checkpoint, marks, today):
            index = min(weeks, len(kept.plan.weeks))
            _take(builder, checkpoints, kept, marks, checkpoint.week, index)
            continue
        checkpoints.append(checkpoint)
        builder.weeks.append(build_week(builder, index))
        index += 1
    checkpoints.append(snapshot(builder, weeks, marks[weeks]))
    return Built(Plan(program, tuple(builder.weeks)), tuple(checkpoints), today, marks)


def _take(
    builder: Builder,
    checkpoints: list[Checkpoint],
    kept: Built,
    marks: Sequence[Marks],
    first: int,
    last: int,
) -> None:
    """Take `kept`'s weeks `first` to `last` (exclusive) and stand where its week `last` starts;
    the checkpoints taken get the new history's digest of the days before them where it differs
    (only after the change: those before a valid checkpoint read the same history)."""
    taken = [
        c if c.before == marks[c.week].before else c.marked(marks[c.week].before)
        for c in kept.checkpoints[first:last]
    ]
    checkpoints[first:] = taken
    builder.weeks[first:] = kept.plan.weeks[first:last]
    restore(builder, kept.checkpoints[last])


def _on_track(kept: Built, checkpoint: Checkpoint, marks: Sequence[Marks], today: date) -> bool:
    """Whether the build stands where `kept`'s stood at this week, with everything after it
    read the same, so the kept weeks from here on are the ones it would build."""
    week = checkpoint.week
    if kept.today != today or week >= min(len(kept.checkpoints), len(kept.marks)):
        return False
    if week > len(kept.plan.weeks) or kept.marks[week].after != marks[week].after:
        return False
    return replace(kept.checkpoints[week], before=checkpoint.before) == checkpoint


def resume_week(kept: Built, program: Program, marks: Sequence[Marks], today: date) -> int:
    """The newest week of `kept` whose checkpoint still holds for the history these marks
    were taken of, and `today` (0: start over)."""
    if kept.plan.program != program:
        return 0
    newest = min(len(kept.checkpoints), len(marks), len(kept.plan.weeks) + 1) - 1
    for week in range(newest, 0, -1):
        if still_valid(kept.checkpoints[week], program, marks[week].before, today):
            return week
    return 0


def still_valid(checkpoint: Checkpoint, program: Program, before: str, today: date) -> bool:
    """Whether a build with this program, history digest (`before` the checkpoint's week) and
    `today` reaches the checkpoint's state, so it may build on from it."""
    first_day = program.start + checkpoint.week * WEEK
    return (
        checkpoint.before == before
        and checkpoint.seen_today == min(today, first_day)
        and checkpoint.program == program_digest(program)
    )


def first_changed_week(
    program: Program, old: History, new: History, old_today: date, new_today: date, weeks: int
) -> int:
    """The first plan week (from 0) whose build may differ between the two; `weeks` if none."""
    olds = history_marks(program, old, weeks)
    news = history_marks(program, new, weeks)
    changed = next((k - 1 for k in range(weeks + 1) if olds[k].before != news[k].before), weeks)
    if old_today != new_today:
        changed = min(changed, (min(old_today, new_today) - program.start).days // 7)
    return max(0, changed)


def snapshot(builder: Builder, week: int, marks: Marks) -> Checkpoint:
    """The builder's state at the start of plan week `week`."""
    first_day = builder.program.start + week * WEEK
    waiting = bisect_left(builder.trigger_days, first_day)
    return Checkpoint(
        week,
        builder.position,
        builder.before_break,
        builder.empty_weeks,
        builder.welcome_back,
        builder.answered < waiting,
        builder.strength_last,
        min(builder.today, first_day),
        marks.before,
        marks.carry,
        program_digest(builder.program),
    )


def restore(builder: Builder, checkpoint: Checkpoint) -> None:
    """Put `builder` where the checkpoint's build stood."""
    first_day = builder.program.start + checkpoint.week * WEEK
    waiting = bisect_left(builder.trigger_days, first_day)
    builder.position = checkpoint.position
    builder.before_break = checkpoint.before_break
    builder.empty_weeks = checkpoint.empty_weeks
    builder.welcome_back = checkpoint.welcome_back
    # Only whether a trigger waits matters: every strength day from here counts at least
    # `waiting` triggers before it.
    builder.answered = waiting - 1 if checkpoint.pending else waiting
    builder.strength_last = checkpoint.strength_last


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
