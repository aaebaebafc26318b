"""The records of an import file, each checked field by field by the forms' own rules.

A wrong field raises a `Problem` naming the record and the field. A history repeats a few
exercises at a few dosages thousands of times: each distinct one is checked once, and the same
record is shared by every session that lists it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from routines import bounds
from routines.dosage import DosageKind
from routines.precautions import parse_precautions
from webapp import inputs
from webapp.services import plans
from webapp.services.precautions import stored_text
from webapp.services.sessions import (
    CLOCK_SKEW,
    LONGEST_SESSION,
    NOTE_LIMIT,
    OP_ID_LENGTH,
    column_length,
    is_op_id,
    is_time_zone,
)
from webapp.store.models import Completion, CompletionExercise

MOST_EXERCISES = bounds.MOST_EXERCISES_A_SESSION
MESSAGES_SHOWN = 5
#: A routine's or exercise's short name, as long as their columns hold.
SLUG_LENGTH = min(
    column_length(Completion, "routine_slug"),
    column_length(CompletionExercise, "exercise_slug"),
)
SLUG = re.compile(rf"[a-z0-9][a-z0-9-]{{0,{SLUG_LENGTH - 1}}}")
SLUG_RULE = "must be the {}'s short name, like {}: lowercase letters, digits and dashes."
KINDS = [kind.value for kind in DosageKind]


@dataclass(frozen=True)
class ExerciseRecord:
    exercise: str
    kind: str
    sets: int
    amount: int
    per_side: bool


@dataclass(frozen=True)
class SessionRecord:
    op_id: str
    routine: str
    started_at: datetime
    ended_at: datetime
    local_date: date
    time_zone: str
    steps_done: int
    steps_total: int
    effort: int | None
    pain: int | None
    note: str
    exercises: tuple[ExerciseRecord, ...]


#: Exercises already checked, by their fields' values and types: True is not 1 here.
Checked = dict[tuple[object, ...], ExerciseRecord]


@dataclass(frozen=True)
class VersionRecord:
    effective_from: date
    start: date
    goal: str
    session_days: str  # as stored: "0,2,4"
    experience: str
    equipment: str  # as stored: "mini band,strap"
    deload_every: int


@dataclass(frozen=True)
class EventRecord:
    kind: str
    day: date
    until: date | None


class Problem(Exception):
    """One thing wrong in an import file, said in plain words."""


@dataclass(frozen=True)
class Reader:
    """The fields of one object in the file; a wrong field raises a `Problem` naming `where`."""

    where: str
    fields: Mapping[str, Any]

    def fail(self, message: str) -> Problem:
        return Problem(f"{self.where}: {message}")

    def get(self, key: str, expected: type, message: str) -> Any:
        if key not in self.fields:
            raise self.fail(f"{key} is missing.")
        value = self.fields[key]
        if not isinstance(value, expected) or (isinstance(value, bool) and expected is not bool):
            raise self.fail(f"{key} {message}")
        return value

    def whole(self, key: str, low: int, high: int, optional: bool = False) -> Any:
        if optional and self.fields.get(key) is None:
            return None
        message = f"must be a number from {low} to {high}."
        if not low <= self.get(key, int, message) <= high:
            raise self.fail(f"{key} {message}")
        return self.fields[key]

    def text(self, key: str, message: str, rule: Callable[[str], object] = bool) -> Any:
        value = self.get(key, str, message)
        if "\x00" in value:  # no database keeps a NUL character in text
            raise self.fail(f"{key} must not contain a NUL character.")
        if not rule(value):
            raise self.fail(f"{key} {message}")
        return value

    def day(self, key: str, today: date, optional: bool = False) -> Any:
        """A plan's date: from 2000 to `bounds.PLAN_HORIZON` after `today`."""
        if optional and self.fields.get(key) is None:
            return None
        try:
            return inputs.plan_day(self.text(key, inputs.READABLE_DAY), today)
        except inputs.Refused as refused:
            raise self.fail(refused.about(key)) from None

    def moment(self, key: str, now: datetime) -> datetime:
        """A session's start or end, within the limits, in UTC."""
        try:
            return inputs.moment(self.text(key, inputs.READABLE_MOMENT), now)
        except inputs.Refused as refused:
            raise self.fail(refused.about(key)) from None

    def local_date(self, key: str, ended: datetime) -> date:
        """The date a session counts on: its end's date in some real UTC offset."""
        try:
            day = inputs.day(self.text(key, inputs.READABLE_DAY))
        except inputs.Refused as refused:
            raise self.fail(refused.about(key)) from None
        problem = bounds.local_date_problem(day, ended)
        if problem:
            raise self.fail(f"{key} {problem}")
        return day

    def choice(self, key: str, choices: Sequence[str]) -> Any:
        return self.text(key, f"must be one of: {', '.join(choices)}.", choices.__contains__)

    def items(self, key: str, most: int) -> list[Any]:
        value: list[Any] = self.get(key, list, "must be a list.")
        if len(value) > most:
            raise self.fail(f"{key} has more than {most:,} entries; Hipday imports at most that.")
        return value


TIME_ZONE = "must be a time zone like Europe/Berlin."


def read_precautions(settings: Reader) -> str | None:
    """The precautions answers as stored, checked strictly; None when the file has none (an
    export made before the precautions screen), so the account keeps its own answers."""
    if "precautions" not in settings.fields:
        return None
    answers = settings.get("precautions", list, "must be a list of answers.")
    if not all(isinstance(answer, str) for answer in answers):
        raise settings.fail("precautions must be a list of answers.")
    try:
        return stored_text(parse_precautions(",".join(answers)))
    except ValueError as wrong:
        raise settings.fail(f"precautions: {wrong}.") from None


OP_ID_RULE = f"must be 8 to {OP_ID_LENGTH} letters, digits, - or _."


def _each(
    noun: str, entries: Sequence[Any], read: Callable[[Reader], Any], problems: list[str]
) -> list[Any]:
    """Each entry `read` as the numbered `noun`; stop once there are more problems than shown."""
    records = []
    for number, fields in enumerate(entries, start=1):
        if len(problems) > MESSAGES_SHOWN:
            break
        try:
            if not isinstance(fields, dict):
                raise Problem(f"{noun} {number}: must be an object, in {{ }}.")
            records.append(read(Reader(f"{noun} {number}", fields)))
        except Problem as problem:
            problems.append(str(problem))
    return records


def read_sessions(entries: Sequence[Any], now: datetime, problems: list[str]) -> list[Any]:
    """The file's sessions, checked; what is wrong goes to `problems`."""
    seen: dict[str, str] = {}
    checked: Checked = {}
    return _each("Session", entries, lambda s: _session_record(s, now, seen, checked), problems)


def read_versions(entries: Sequence[Any], today: date, problems: list[str]) -> list[Any]:
    """The file's program versions, checked; what is wrong goes to `problems`."""
    return _each("Program version", entries, lambda v: _version_record(v, today), problems)


def read_events(entries: Sequence[Any], today: date, problems: list[str]) -> list[Any]:
    """The file's skips, moves and vacations, checked; what is wrong goes to `problems`."""
    return _each("Plan change", entries, lambda e: _event_record(e, today), problems)


def _session_record(
    session: Reader, now: datetime, seen: dict[str, str], checked: Checked
) -> SessionRecord:
    """The finish form's rules; the routine may be one this library no longer has."""
    op_id = session.text("op_id", OP_ID_RULE, is_op_id)
    if op_id in seen:
        raise session.fail(f"op_id is the same as {seen[op_id].lower()}'s.")
    seen[op_id] = session.where
    started, ended = session.moment("started_at", now), session.moment("ended_at", now)
    if ended < started:
        raise session.fail("ended_at can't come before started_at.")
    if ended - started > LONGEST_SESSION:
        raise session.fail("a session can last at most 6 hours.")
    if ended > now + CLOCK_SKEW:
        raise session.fail("ended_at is in the future.")
    total = session.whole("steps_total", 1, 10_000)
    done = session.whole("steps_done", 0, total)
    note_rule = f"must be text of at most {NOTE_LIMIT} characters."
    exercises = session.items("exercises", MOST_EXERCISES)
    return SessionRecord(
        op_id=op_id,
        routine=session.text("routine", SLUG_RULE.format("routine", "desk-reset"), SLUG.fullmatch),
        started_at=started, ended_at=ended, local_date=session.local_date("local_date", ended),
        time_zone=session.text("time_zone", TIME_ZONE, is_time_zone),
        steps_done=done, steps_total=total,
        effort=session.whole("effort", 1, 10, optional=True),
        pain=session.whole("pain", 0, 10, optional=True),
        note=session.text("note", note_rule, lambda n: len(n) <= NOTE_LIMIT),
        exercises=_exercise_records(session, exercises, checked),
    )  # fmt: skip


def _exercise_records(
    session: Reader, entries: Sequence[Any], checked: Checked
) -> tuple[ExerciseRecord, ...]:
    """A session's exercises, each distinct one checked once for the whole file."""
    records = []
    for number, fields in enumerate(entries, start=1):
        key = _exercise_key(fields)
        try:
            record = checked.get(key) if key is not None else None
        except TypeError:  # a list or an object where a value belongs: checked, and refused
            key = record = None
        if record is None:
            record = _exercise_record(session, number, fields)
            if key is not None:
                checked[key] = record
        records.append(record)
    return tuple(records)


def _exercise_key(fields: Any) -> tuple[object, ...] | None:
    """The values an exercise is checked on, with the types of those that aren't text."""
    if type(fields) is not dict:
        return None
    get = fields.get
    sets, amount, per_side = get("sets"), get("amount"), get("per_side")
    return (get("exercise"), get("kind"), sets, amount, per_side,
            type(sets), type(amount), type(per_side))  # fmt: skip


def _exercise_record(session: Reader, number: int, fields: Any) -> ExerciseRecord:
    exercise = Reader(f"{session.where}, exercise {number}", fields)
    if not isinstance(fields, dict):
        raise exercise.fail("must be an object, in { }.")
    return ExerciseRecord(
        exercise=exercise.text(
            "exercise", SLUG_RULE.format("exercise", "hip-circles"), SLUG.fullmatch
        ),
        kind=exercise.choice("kind", KINDS),
        sets=exercise.whole("sets", 1, 100),
        amount=exercise.whole("amount", 0, 10_000),
        per_side=exercise.get("per_side", bool, "must be true or false."),
    )  # fmt: skip


def _version_record(version: Reader, today: date) -> VersionRecord:
    """The program form's rules, through `plans.parse_program` itself."""
    days = version.items("session_days", 7)
    equipment = version.items("equipment", len(plans.EQUIPMENT_CHOICES) + 1)
    if not days or not all(type(d) is int and 0 <= d < 7 for d in days):
        raise version.fail(PROGRAM_MESSAGES["days"])
    if not all(isinstance(e, str) for e in equipment):
        raise version.fail(PROGRAM_MESSAGES["equipment"])
    answers = plans.parse_program(
        {"goal": version.text("goal", PROGRAM_MESSAGES["goal"]),
         "experience": version.text("experience", PROGRAM_MESSAGES["experience"]),
         "deload_every": str(version.whole("deload_every", 3, 4))},
        {"days": [plans.WEEKDAYS[d] for d in days], "equipment": equipment},
    )  # fmt: skip
    if answers.errors:
        raise version.fail(PROGRAM_MESSAGES[next(iter(answers.errors))])
    effective_from, start = version.day("effective_from", today), version.day("start", today)
    if start > effective_from:
        raise version.fail("start can't come after effective_from.")
    return VersionRecord(
        effective_from, start, answers.goal, ",".join(str(d) for d in sorted(set(days))),
        answers.experience, ",".join(sorted(set(answers.equipment))), int(answers.deload_every),
    )  # fmt: skip


PROGRAM_MESSAGES = {
    "goal": "goal must be one of: running, desk, lifting, general.",
    "experience": "experience must be one of: new, some, trained.",
    "deload_every": "deload_every must be 3 or 4.",
    "days": "session_days must hold 2 to 6 different weekdays, from 0 (Monday) to 6 (Sunday).",
    "equipment": "equipment may only list: "
    + ", ".join(e.value for e in plans.EQUIPMENT_CHOICES) + ".",
}  # fmt: skip


def _event_record(event: Reader, today: date) -> EventRecord:
    kind, day = event.choice("kind", ["skip", "move", "vacation"]), event.day("day", today)
    until = event.day("until", today, optional=True)
    if kind == "skip" and until is not None:
        raise event.fail("until must be empty (null) for a skip.")
    if kind != "skip" and until is None:
        raise event.fail(f"until is missing: a {kind} needs the day it ends on.")
    if kind == "vacation" and not timedelta(0) <= until - day <= plans.LONGEST_VACATION:
        raise event.fail("until must be on or after day; a vacation lasts three months at most.")
    same_week = until is not None and timedelta(0) < until - day < timedelta(days=7)
    if kind == "move" and not (same_week and until.weekday() > day.weekday()):
        raise event.fail("until must be a later day of the same week as day.")
    return EventRecord(kind, day, until)
