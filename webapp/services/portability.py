"""Your data: export everything as JSON or CSV, and import a JSON export back, all checked first."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from routines import bounds
from routines.dosage import DosageKind
from webapp import inputs
from webapp.services import plans
from webapp.services import sessions as services
from webapp.store.models import (
    Completion,
    CompletionExercise,
    PlanEvent,
    ProgramVersion,
    PushSubscription,
    Reminder,
    User,
    new_public_id,
    utc_now,
)
from webapp.store.reminders import ReminderStore
from webapp.store.training import Store

FORMAT = "hipday-export"
VERSION = 1
MB = 2**20
MOST_SESSIONS = bounds.MOST_SESSIONS  # an import can't bring more than an account keeps
MOST_EXERCISES = bounds.MOST_EXERCISES_A_SESSION
MOST_VERSIONS = 1_000  # merged as saves are, down to bounds.MOST_PROGRAM_VERSIONS
MOST_EVENTS = bounds.MOST_PLAN_EVENTS
MESSAGES_SHOWN = 5
#: A routine's or exercise's short name, as long as their columns hold.
SLUG_LENGTH = min(
    services.column_length(Completion, "routine_slug"),
    services.column_length(CompletionExercise, "exercise_slug"),
)
SLUG = re.compile(rf"[a-z0-9][a-z0-9-]{{0,{SLUG_LENGTH - 1}}}")
SLUG_RULE = "must be the {}'s short name, like {}: lowercase letters, digits and dashes."
#: A spreadsheet runs a text cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _largest_session() -> int:
    """The bytes of the longest session an export can list: every text at its column's or
    rule's length in the characters JSON writes longest (a control character takes six)."""
    exercise = {"exercise": "a" * SLUG_LENGTH, "kind": "timed", "sets": 100, "amount": 10_000,
                "per_side": False}  # fmt: skip
    moment = "2000-01-01T00:00:00.000000Z"
    session = {
        "op_id": "a" * services.OP_ID_LENGTH, "routine": "a" * SLUG_LENGTH,
        "started_at": moment, "ended_at": moment, "local_date": "2000-01-01",
        "time_zone": "a" * services.column_length(Completion, "time_zone"),
        "steps_done": 10_000, "steps_total": 10_000, "effort": 10, "pain": 10,
        "note": "\x01" * services.NOTE_LIMIT, "exercises": [exercise] * MOST_EXERCISES,
    }  # fmt: skip
    return len(json.dumps(session, ensure_ascii=False, separators=(",", ":")).encode()) + 1


#: The largest file an import takes: the export of the fullest account the limits allow (every
#: session at its longest; settings, plan changes, reminders and devices fit in the extra MB),
#: so an account can always be brought back from its own export. About 100 MB; the heaviest
#: account bench/bench_worst_account.py builds exports 27 MB.
IMPORT_LIMIT = -(-(MOST_SESSIONS * _largest_session() + MB) // MB) * MB


@dataclass(frozen=True)
class Snapshot:
    """Everything Hipday keeps about one user, read for an export; sessions already as the
    JSON export lists them."""

    user: User
    sessions: Sequence[dict[str, Any]]
    versions: Sequence[ProgramVersion]
    events: Sequence[PlanEvent]
    reminders: Sequence[Reminder] = ()
    devices: Sequence[PushSubscription] = ()


EXERCISE_KEYS = ("exercise", "kind", "sets", "amount", "per_side")


def snapshot(
    store: Store,
    user: User,
    reminder_store: ReminderStore | None = None,
    with_exercises: bool = True,
) -> Snapshot:
    """Read a user's data for an export: sessions and exercises as tuples, in two queries."""
    user_id = user.id or 0
    exercises: dict[int, list[dict[str, Any]]] = {}
    # A history repeats a few dosages thousands of times: one shared dict for each.
    dosages: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in store.exercise_rows(user_id) if with_exercises else ():
        dosage = dosages.get(row[1:])
        if dosage is None:
            dosage = dosages[row[1:]] = dict(zip(EXERCISE_KEYS, row[1:], strict=True))
            dosage["per_side"] = bool(dosage["per_side"])
        exercises.setdefault(row[0], []).append(dosage)
    return Snapshot(
        user,
        [_session(row, exercises.get(row[0], [])) for row in store.session_rows(user_id)],
        store.program_versions(user_id),
        store.plan_events(user_id),
        tuple(reminder_store.reminders(user_id).values()) if reminder_store else (),
        reminder_store.subscriptions(user_id) if reminder_store else (),
    )


def export_document(data: Snapshot, now: datetime) -> dict[str, Any]:
    """The JSON export: no database, public or user ids, and never the calendar token itself.

    Reminders are listed for the record; devices only by name, since a push address is a
    secret of that browser (an import restores neither: each phone turns reminders on itself).
    """
    user = data.user
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _moment(now),
        "settings": {
            "time_zone": user.time_zone,
            "time_zone_auto": user.time_zone_auto,
            "calendar_feed": user.calendar_token is not None,
        },
        "program_versions": [_version(v) for v in data.versions],
        "plan_events": [_event(e) for e in data.events],
        "sessions": data.sessions,
        "reminders": {
            "paused_until": user.reminders_paused_until.isoformat()
            if user.reminders_paused_until
            else None,
            "kinds": [_reminder(r) for r in data.reminders],
            "devices": [{"name": d.label, "since": _moment(d.created_at)} for d in data.devices],
        },
    }


def _reminder(reminder: Reminder) -> dict[str, Any]:
    return {
        "kind": reminder.kind,
        "on": reminder.enabled,
        "weekdays": [int(d) for d in reminder.weekdays.split(",") if d],
        "at": reminder.at.strftime("%H:%M"),
        "until": reminder.until.strftime("%H:%M") if reminder.until else None,
        "every_minutes": reminder.every or None,
    }


def export_json(data: Snapshot, now: datetime) -> bytes:
    document = export_document(data, now)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def _moment(moment: datetime) -> str:
    if moment.tzinfo is None:  # as the database gives it back: already UTC
        return moment.isoformat() + "Z"
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _version(version: ProgramVersion) -> dict[str, Any]:
    return {
        "effective_from": version.effective_from.isoformat(),
        "start": version.start.isoformat(),
        "goal": version.goal,
        "session_days": [int(d) for d in version.session_days.split(",") if d],
        "experience": version.experience,
        "equipment": [e for e in version.equipment.split(",") if e],
        "deload_every": version.deload_every,
    }


def _event(event: PlanEvent) -> dict[str, Any]:
    until = event.until.isoformat() if event.until else None
    return {"kind": event.kind, "day": event.day.isoformat(), "until": until}


def _session(row: Sequence[Any], exercises: list[dict[str, Any]]) -> dict[str, Any]:
    """One session as the JSON export lists it, from a row of `Store.session_rows`."""
    _, op_id, routine, started, ended, day, zone, done, total, effort, pain, note = row
    return {
        "op_id": op_id, "routine": routine, "started_at": _moment(started),
        "ended_at": _moment(ended), "local_date": day.isoformat(), "time_zone": zone,
        "steps_done": done, "steps_total": total, "effort": effort, "pain": pain, "note": note,
        "exercises": exercises,
    }  # fmt: skip


SESSION_COLUMNS = (
    "op_id", "routine", "started_at", "ended_at", "local_date", "time_zone",
    "steps_done", "steps_total", "effort", "pain", "note",
)  # fmt: skip
EXERCISE_COLUMNS = ("op_id", "position", "exercise", "kind", "sets", "amount", "per_side")
PROGRAM_COLUMNS = (
    "effective_from", "start", "goal", "session_days", "experience", "equipment", "deload_every",
)  # fmt: skip
EVENT_COLUMNS = ("kind", "day", "until")
SETTINGS_COLUMNS = ("time_zone", "time_zone_auto", "calendar_feed")


def sessions_csv(data: Snapshot, now: datetime) -> bytes:
    """One row per session, feedback included: the file for a spreadsheet."""
    sessions = export_document(data, now)["sessions"]
    return _csv(SESSION_COLUMNS, ([s[c] for c in SESSION_COLUMNS] for s in sessions))


def csv_zip(data: Snapshot, now: datetime) -> bytes:
    """Sessions, their exercises, program, plan changes and settings: a CSV file each, zipped."""
    document = export_document(data, now)
    sessions, events, settings = (document[k] for k in ("sessions", "plan_events", "settings"))
    files = {
        "sessions.csv": _csv(SESSION_COLUMNS, ([s[c] for c in SESSION_COLUMNS] for s in sessions)),
        "exercises.csv": _csv(EXERCISE_COLUMNS, (
            # Slugs, kinds and numbers can't start a formula: only the flag needs a word.
            [s["op_id"], n, e["exercise"], e["kind"], e["sets"], e["amount"],
             "true" if e["per_side"] else "false"]
            for s in sessions for n, e in enumerate(s["exercises"], start=1)
        ), defuse=False),
        "program.csv": _csv(PROGRAM_COLUMNS, (
            [v["effective_from"], v["start"], v["goal"],
             " ".join(plans.WEEKDAYS[d] for d in v["session_days"]), v["experience"],
             "; ".join(v["equipment"]), v["deload_every"]]
            for v in document["program_versions"]
        )),
        "plan_events.csv": _csv(EVENT_COLUMNS, ([e[c] for c in EVENT_COLUMNS] for e in events)),
        "settings.csv": _csv(SETTINGS_COLUMNS, [[settings[c] for c in SETTINGS_COLUMNS]]),
    }  # fmt: skip
    buffer = io.BytesIO()
    stamp = now.astimezone(UTC).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in files.items():
            archive.writestr(zipfile.ZipInfo(name, stamp), body, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]], defuse: bool = True) -> bytes:
    """UTF-8 with the byte-order mark spreadsheets look for, a header row, formulas defused."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(([_cell(value) for value in row] for row in rows) if defuse else rows)
    return ("\ufeff" + text.getvalue()).encode()


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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


@dataclass(frozen=True)
class ImportPlan:
    """A whole export file, checked: the settings to apply and the rows to add if new."""

    time_zone: str
    time_zone_auto: bool
    versions: tuple[VersionRecord, ...]
    events: tuple[EventRecord, ...]
    sessions: tuple[SessionRecord, ...]


@dataclass(frozen=True)
class ImportSummary:
    added: int
    already_there: int

    def sentence(self) -> str:
        added = f"{self.added} session{'' if self.added == 1 else 's'}"
        there = f"{self.already_there} {'was' if self.already_there == 1 else 'were'}"
        return f"Imported {added}; {there} already here."


def import_everything(store: Store, user: User, plan: ImportPlan) -> ImportSummary:
    """Add what the user doesn't have yet, in one transaction, and apply the file's settings.

    Sessions are new by op_id, program versions and plan changes by all their fields, so
    importing a file twice adds nothing the second time. New rows get fresh public ids.
    """
    user_id = user.id or 0
    known = store.op_ids(user_id)
    now = utc_now()
    # Plain column values, inserted in bulk: model objects for the 240,000 exercises of a full
    # account took half a minute to build and add.
    sessions = [
        (
            {
                "public_id": new_public_id(), "user_id": user_id, "op_id": s.op_id,
                "routine_slug": s.routine, "started_at": s.started_at, "ended_at": s.ended_at,
                "local_date": s.local_date, "time_zone": s.time_zone,
                "steps_done": s.steps_done, "steps_total": s.steps_total, "effort": s.effort,
                "pain": s.pain, "note": s.note, "created_at": now,
            },
            [
                {"position": n, "exercise_slug": e.exercise, "kind": e.kind, "sets": e.sets,
                 "amount": e.amount, "per_side": e.per_side}
                for n, e in enumerate(s.exercises)
            ],
        )
        for s in plan.sessions
        if s.op_id not in known
    ]  # fmt: skip
    versions = [ProgramVersion(user_id=user_id, **vars(v)) for v in plan.versions]
    events = [PlanEvent(user_id=user_id, **vars(e)) for e in plan.events]
    added, _ = store.import_rows(
        user_id, sessions, versions, events, plan.time_zone, plan.time_zone_auto
    )
    store.keep_program_versions(user_id, bounds.MOST_PROGRAM_VERSIONS)
    return ImportSummary(added, len(plan.sessions) - added)


def over_limits(store: Store, user: User, plan: ImportPlan) -> list[str]:
    """What the account could not keep of `plan`, with what it has: too many sessions on a day
    or in all, or too many plan changes. Empty when all of it fits.
    """
    user_id = user.id or 0
    known = store.op_ids(user_id)
    per_day = store.sessions_per_day(user_id)
    new = 0
    for number, session in enumerate(plan.sessions, start=1):
        if session.op_id in known:
            continue
        new += 1
        per_day[session.local_date] = per_day.get(session.local_date, 0) + 1
        problem = services.session_limit_problem(
            session.local_date, per_day[session.local_date], len(known) + new
        )
        if problem:
            return [f"Session {number}: {problem}"]
    changes = set(store.plan_changes(user_id))
    events = len(changes | {(e.kind, e.day, e.until) for e in plan.events})
    if events > bounds.MOST_PLAN_EVENTS:
        return [
            f"With this file your plan would hold {events:,} skips, moves and vacations; "
            f"Hipday keeps at most {bounds.MOST_PLAN_EVENTS:,}."
        ]
    return []


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


def parse_import(raw: bytes, now: datetime) -> ImportPlan | list[str]:
    """Check a whole export file before anything is written: the plan, or its first problems."""
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        return ["This file isn't readable JSON. Choose the .json file Hipday exported."]
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return [
            "This isn't a Hipday export. Choose the .json file from “Download everything (JSON)”."
        ]
    if type(document.get("version")) is not int or document["version"] != VERSION:
        return [f"This export's version isn't one this Hipday reads (it reads version {VERSION})."]
    top = Reader("The file", document)
    try:
        settings = Reader("Settings", top.get("settings", dict, "must be an object."))
        time_zone = settings.text("time_zone", TIME_ZONE, services.is_time_zone)
        auto: bool = settings.get("time_zone_auto", bool, "must be true or false.")
        lists = [top.items(k, n) for k, n in LISTS.items()]
    except Problem as problem:
        return [str(problem)]
    problems: list[str] = []
    seen: dict[str, str] = {}
    today = now.date()  # the import has no zone of its own; a day's difference is no matter
    versions = _each("Program version", lists[0], lambda v: _version_record(v, today), problems)
    events = _each("Plan change", lists[1], lambda e: _event_record(e, today), problems)
    sessions = _each("Session", lists[2], lambda s: _session_record(s, now, seen), problems)
    if problems:
        more = ["…and more problems after these."] if len(problems) > MESSAGES_SHOWN else []
        return problems[:MESSAGES_SHOWN] + more
    unique = dict.fromkeys  # the same program version or plan change twice is one
    return ImportPlan(
        time_zone, auto, tuple(unique(versions)), tuple(unique(events)), tuple(sessions)
    )


TIME_ZONE = "must be a time zone like Europe/Berlin."
OP_ID_RULE = f"must be 8 to {services.OP_ID_LENGTH} letters, digits, - or _."
LISTS = {"program_versions": MOST_VERSIONS, "plan_events": MOST_EVENTS, "sessions": MOST_SESSIONS}


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


def _session_record(session: Reader, now: datetime, seen: dict[str, str]) -> SessionRecord:
    """The finish form's rules; the routine may be one this library no longer has."""
    op_id = session.text("op_id", OP_ID_RULE, services.is_op_id)
    if op_id in seen:
        raise session.fail(f"op_id is the same as {seen[op_id].lower()}'s.")
    seen[op_id] = session.where
    started, ended = session.moment("started_at", now), session.moment("ended_at", now)
    if ended < started:
        raise session.fail("ended_at can't come before started_at.")
    if ended - started > services.LONGEST_SESSION:
        raise session.fail("a session can last at most 6 hours.")
    if ended > now + services.CLOCK_SKEW:
        raise session.fail("ended_at is in the future.")
    total = session.whole("steps_total", 1, 10_000)
    done = session.whole("steps_done", 0, total)
    note_rule = f"must be text of at most {services.NOTE_LIMIT} characters."
    exercises = session.items("exercises", MOST_EXERCISES)
    return SessionRecord(
        op_id=op_id,
        routine=session.text("routine", SLUG_RULE.format("routine", "desk-reset"), SLUG.fullmatch),
        started_at=started, ended_at=ended, local_date=session.local_date("local_date", ended),
        time_zone=session.text("time_zone", TIME_ZONE, services.is_time_zone),
        steps_done=done, steps_total=total,
        effort=session.whole("effort", 1, 10, optional=True),
        pain=session.whole("pain", 0, 10, optional=True),
        note=session.text("note", note_rule, lambda n: len(n) <= services.NOTE_LIMIT),
        exercises=tuple(_exercise_record(session, n, e) for n, e in enumerate(exercises, start=1)),
    )  # fmt: skip


def _exercise_record(session: Reader, number: int, fields: Any) -> ExerciseRecord:
    exercise = Reader(f"{session.where}, exercise {number}", fields)
    if not isinstance(fields, dict):
        raise exercise.fail("must be an object, in { }.")
    return ExerciseRecord(
        exercise=exercise.text(
            "exercise", SLUG_RULE.format("exercise", "hip-circles"), SLUG.fullmatch
        ),
        kind=exercise.choice("kind", [k.value for k in DosageKind]),
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
