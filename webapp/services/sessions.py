"""Use cases of a session: Today's routines, the player, recording a finished session, feedback.

Plain functions over their collaborators (the store, the catalog, the moment), no Flask.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlalchemy import inspect
from sqlmodel import SQLModel

from routines import bounds
from routines.catalog.model import Catalog, Exercise, Routine
from routines.dosage import AMOUNT_FIELD
from routines.plan.model import Plan
from routines.session import Session, compile_session
from routines.streaks import local_day, zone
from webapp import inputs
from webapp.services import time_zones
from webapp.services.plans import plan_for
from webapp.services.precautions import screened
from webapp.store.models import Completion, CompletionExercise, User
from webapp.store.reminders import ReminderStore
from webapp.store.training import TrainingStore


def column_length(model: type[SQLModel], name: str) -> int:
    """The most characters the text column `name` of `model`'s table holds."""
    length = getattr(inspect(model).columns[name].type, "length", None)  # String, AutoString
    if not isinstance(length, int):
        raise TypeError(f"{model.__name__}.{name} is not a text column of a fixed length")
    return length


#: A session's idempotency key: as long as its column holds, and not one character more.
OP_ID_LENGTH = column_length(Completion, "op_id")
OP_ID = re.compile(rf"[A-Za-z0-9_-]{{8,{OP_ID_LENGTH}}}")
NOTE_LIMIT = 500
LONGEST_SESSION = timedelta(hours=6)
CLOCK_SKEW = timedelta(minutes=10)


def local_today(user: User, now: datetime) -> date:
    return local_day(now, user.time_zone)


@dataclass(frozen=True)
class TodayView:
    quick_starts: tuple[Routine, ...]
    others: tuple[Routine, ...]
    done_today: frozenset[str]


def today_view(store: TrainingStore, catalog: Catalog, user: User, now: datetime) -> TodayView:
    """What Today shows: the quick-start routines first, the rest below, and what is done."""
    routines = tuple(catalog.routines.values())
    done = store.completions_on(user.id or 0, local_today(user, now))
    return TodayView(
        quick_starts=tuple(r for r in routines if r.quick_start),
        others=tuple(r for r in routines if not r.quick_start),
        done_today=frozenset(c.routine_slug for c in done),
    )


def session_for(routine: Routine) -> Session:
    """The step timeline the player runs for `routine` at its library dosage."""
    return compile_session(routine)


@dataclass
class CompletionForm:
    """The finish form as typed, plus a message per field that is wrong."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    #: A time was refused for lying too far from now, not for its form or the session's length.
    clock_wrong: bool = False

    @property
    def only_clock_wrong(self) -> bool:
        """Whether the phone's clock is all that is wrong: the session fits once moved to now."""
        return self.clock_wrong and self.errors.keys() <= {"started_at", "ended_at"}


@dataclass(frozen=True)
class CompletionEntry:
    routine: Routine
    op_id: str
    started_at: datetime
    ended_at: datetime
    steps_done: int
    steps_total: int
    effort: int | None
    pain: int | None
    note: str
    time_zone: str


def parse_completion(
    form: Mapping[str, str], op_id: str | None, catalog: Catalog, user: User, now: datetime
) -> CompletionEntry | CompletionForm:
    """Check the finish form; return the entry to store, or the form with messages."""
    values = {key: form.get(key, "").strip() for key in FORM_FIELDS}
    checked = CompletionForm(values)
    routine = catalog.routine(values["routine"])
    if routine is None:
        checked.errors["routine"] = "We don't know that routine. Pick one from the library."
    if not is_op_id(op_id):
        checked.errors["op_id"] = MESSAGES["op_id"]
    effort = _number(checked, "effort", 1, 10, MESSAGES["effort"])
    pain = _number(checked, "pain", 0, 10, MESSAGES["pain"])
    if len(values["note"]) > NOTE_LIMIT:
        checked.errors["note"] = f"Keep the note under {NOTE_LIMIT} characters."
    ended = _moment(checked, "ended_at", now, now)
    started = _moment(checked, "started_at", ended - timedelta(minutes=5), now)
    time_zone = values["time_zone"] if is_time_zone(values["time_zone"]) else user.time_zone
    if not checked.errors.keys() & {"started_at", "ended_at"}:
        _check_times(checked, started, ended, now, time_zone)
    total = _number(checked, "steps_total", 1, 10_000, MESSAGES["steps_total"], required=True)
    done = _number(checked, "steps_done", 0, total or 0, MESSAGES["steps_done"], required=True)
    if checked.errors or routine is None or op_id is None:
        return checked
    return CompletionEntry(
        routine, op_id, started, ended, done or 0, total or 1, effort, pain, values["note"],
        time_zone,
    )  # fmt: skip


@dataclass(frozen=True)
class Feedback:
    effort: int | None
    pain: int | None
    note: str


def parse_feedback(form: Mapping[str, str]) -> Feedback | CompletionForm:
    """Check effort, pain and note as changed after the session; or the form with messages."""
    checked = CompletionForm({key: form.get(key, "").strip() for key in ("effort", "pain", "note")})
    effort = _number(checked, "effort", 1, 10, MESSAGES["effort"])
    pain = _number(checked, "pain", 0, 10, MESSAGES["pain"])
    if len(checked.values["note"]) > NOTE_LIMIT:
        checked.errors["note"] = f"Keep the note under {NOTE_LIMIT} characters."
    return checked if checked.errors else Feedback(effort, pain, checked.values["note"])


def is_op_id(text: str | None) -> bool:
    """Whether `text` is a session key: 8 letters, digits, - or _, up to its column's length."""
    return text is not None and OP_ID.fullmatch(text) is not None


def is_time_zone(name: str) -> bool:
    """Whether `name` is an IANA time zone this machine knows."""
    return bool(name) and zone(name).key == name


MESSAGES = {
    "op_id": "This form lost its session key. Reload the page and finish again.",
    "effort": "Effort is a number from 1 (very easy) to 10 (all-out).",
    "pain": "Pain is a number from 0 (none) to 10 (the worst).",
    "steps_total": "The number of steps is missing. Reload the page and finish again.",
    "steps_done": "Steps done can't exceed the steps.",
    "future": "The session's end is in the future. Check your phone's clock.",
    "time": "That time isn't readable. Reload the page and finish again.",
}
FORM_FIELDS = (
    "routine", "started_at", "ended_at", "steps_done", "steps_total",
    "effort", "pain", "note", "time_zone", "plan_day",
)  # fmt: skip


def _number(
    form: CompletionForm, name: str, low: int, high: int, message: str, required: bool = False
) -> int | None:
    """The whole number typed in `name` if it lies in [low, high]; else a message for it."""
    raw = form.values[name]
    if not raw and not required:
        return None
    try:
        return inputs.whole(raw, low, high)
    except inputs.Refused:
        form.errors[name] = message
        return None


def _moment(form: CompletionForm, name: str, default: datetime, now: datetime) -> datetime:
    """The moment typed in `name`, within the limits; else `default` and a message for it."""
    raw = form.values[name]
    if not raw:
        return default
    try:
        return inputs.moment(raw, now)
    except inputs.Refused as refused:
        unreadable = refused.reason == inputs.READABLE_MOMENT
        form.errors[name] = MESSAGES["time"] if unreadable else refused.about("The session's times")
        form.clock_wrong = form.clock_wrong or refused.reason in _clock_reasons(now)
        return default


def _clock_reasons(now: datetime) -> set[str]:
    """What `inputs.moment` says of a time before 2000 or days ahead: a clock set wrong."""
    ahead = bounds.moment_problem(now + 2 * bounds.FUTURE_SLACK, now)
    return {bounds.TOO_EARLY, *([ahead] if ahead else [])}


def _check_times(
    form: CompletionForm, started: datetime, ended: datetime, now: datetime, time_zone: str
) -> None:
    local_date = bounds.local_date_problem(local_day(ended, time_zone), ended)
    if local_date:
        form.errors["ended_at"] = f"The session's local date {local_date}"
    elif ended < started:
        form.errors["ended_at"] = "The session can't end before it started."
    elif ended - started > LONGEST_SESSION:
        form.errors["ended_at"] = "A session can last at most 6 hours."
    elif ended > now + CLOCK_SKEW:
        form.errors["ended_at"] = MESSAGES["future"]
        form.clock_wrong = True


def within_limits(
    store: TrainingStore, user: User, entry: CompletionEntry, form: Mapping[str, str]
) -> CompletionEntry | CompletionForm:
    """The entry, or the finish form with a message when its day or the account is full.

    A session already stored under this key is never refused: sending it again changes nothing.
    """
    if store.completion_by_op(user.id or 0, entry.op_id) is not None:
        return entry
    day = local_day(entry.ended_at, entry.time_zone)
    on_day, in_all = store.session_counts(user.id or 0, day)
    problem = session_limit_problem(day, on_day + 1, in_all + 1)
    if problem is None:
        return entry
    values = {key: form.get(key, "").strip() for key in FORM_FIELDS}
    return CompletionForm(values, {"sessions": problem})


def session_limit_problem(day: date, on_day: int, in_all: int) -> str | None:
    """Why an account can't hold `on_day` sessions on `day` and `in_all` in all; None if it can."""
    if on_day > bounds.MOST_SESSIONS_A_DAY:
        return (
            f"{day:%-d %B %Y} already has {bounds.MOST_SESSIONS_A_DAY} sessions, the most "
            "Hipday keeps for one day."
        )
    if in_all > bounds.MOST_SESSIONS:
        return (
            f"Your account holds {bounds.MOST_SESSIONS:,} sessions, the most Hipday keeps. "
            "Download your data from Settings and start a new account to log more."
        )
    return None


def log_session(
    store: TrainingStore, user: User, entry: CompletionEntry
) -> tuple[Completion, bool]:
    """Store a finished session once per key, with the dosage of each exercise in it.

    It counts on the local date it ended in the phone's time zone, however late it arrives.
    """
    completion = Completion(
        user_id=user.id or 0,
        op_id=entry.op_id,
        routine_slug=entry.routine.slug,
        started_at=entry.started_at,
        ended_at=entry.ended_at,
        local_date=local_day(entry.ended_at, entry.time_zone),
        time_zone=entry.time_zone,
        steps_done=entry.steps_done,
        steps_total=entry.steps_total,
        effort=entry.effort,
        pain=entry.pain,
        note=entry.note,
    )
    return store.add_completion(completion, exercises_done(entry.routine))


def exercises_done(routine: Routine) -> list[CompletionExercise]:
    """The routine's exercises as logged: sets and the amount per set (seconds or reps)."""
    return [
        CompletionExercise(
            completion_id=0,
            position=position,
            exercise_slug=item.exercise.slug,
            kind=item.dosage.kind.value,
            sets=item.dosage.sets,
            amount=getattr(item.dosage, AMOUNT_FIELD[item.dosage.kind]) or 0,
            per_side=item.exercise.per_side,
        )
        for position, item in enumerate(routine.prescriptions)
    ]


def planned_routine(plan: Plan | None, slug: str, day: str, today: date) -> Routine | None:
    """`slug` at the dosage the plan gives it on `day` (`2026-03-04`); None when not planned."""
    try:
        when = inputs.plan_day(day, today)
    except inputs.Refused:
        return None
    planned = plan.day(when) if plan else None
    if planned is None or planned.routine is None or planned.routine.slug != slug:
        return None
    return planned.routine


@dataclass(frozen=True)
class Recorded:
    completion: Completion
    #: False when this key was recorded before: sending a session again changes nothing.
    created: bool
    routine: Routine


def record_session(
    store: TrainingStore,
    reminders: ReminderStore,
    catalog: Catalog,
    user: User,
    form: Mapping[str, str],
    op_id: str | None,
    now: datetime,
) -> Recorded | CompletionForm:
    """Record a finished session once per key; or the finish form with what is wrong.

    A session of the plan (`plan_day`) is logged at that day's dosage, as the player ran it.
    Unless the user chose a time zone in Settings, the phone's becomes theirs (so Today's
    "done" matches the phone's date), and their reminders follow it.
    """
    entry = parse_completion(form, op_id, catalog, user, now)
    if not isinstance(entry, CompletionForm):
        entry = within_limits(store, user, entry, form)
    if isinstance(entry, CompletionForm):
        return entry
    plan_day = form.get("plan_day", "")
    if plan_day:
        today = local_today(user, now)
        plan = plan_for(store, catalog, user, today)
        planned = planned_routine(plan, entry.routine.slug, plan_day, today)
        entry = replace(entry, routine=planned or entry.routine)
    # Logged as the player ran it: without the moves the user's precautions leave out.
    entry = replace(entry, routine=screened(entry.routine, catalog, user).routine)
    if user.time_zone_auto and entry.time_zone != user.time_zone:
        time_zones.set_time_zone(store, reminders, user, entry.time_zone, now)
    completion, created = log_session(store, user, entry)
    return Recorded(completion, created, entry.routine)


def find_session(store: TrainingStore, user: User, public_id: str) -> Completion | None:
    """One of the user's sessions by its public id; None for anyone else's."""
    return store.completion(user.id or 0, public_id)


def session_exercises(
    store: TrainingStore, catalog: Catalog, completion: Completion
) -> list[tuple[Exercise | None, CompletionExercise]]:
    """What the session held, each exercise with its row (None once the library drops it)."""
    rows = store.exercises_of(completion.id or 0)
    return [(catalog.exercises.get(row.exercise_slug), row) for row in rows]


def save_feedback(store: TrainingStore, user: User, public_id: str, feedback: Feedback) -> None:
    """Change a session's effort, pain and note (a changed pain level re-plans what comes next)."""
    store.set_feedback(user.id or 0, public_id, feedback.effort, feedback.pain, feedback.note)
