"""Import an export back: the whole file is checked first, then added in one transaction.

Nothing is written unless every record passes, and what is written goes in bulk, as plain
column values: the heaviest account's export is 20,000 sessions and 240,000 exercises.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from routines import bounds
from routines.hip_check import HipCheck
from webapp.services.data_export import FORMAT, VERSION
from webapp.services.hip_check_records import read_hip_checks
from webapp.services.import_records import (
    MESSAGES_SHOWN,
    MOST_EXERCISES,
    SLUG_LENGTH,
    TIME_ZONE,
    EventRecord,
    Problem,
    Reader,
    SessionRecord,
    VersionRecord,
    read_events,
    read_precautions,
    read_sessions,
    read_versions,
)
from webapp.services.sessions import (
    NOTE_LIMIT,
    OP_ID_LENGTH,
    column_length,
    is_time_zone,
    session_limit_problem,
)
from webapp.store.models import Completion, PlanEvent, ProgramVersion, User, new_public_id
from webapp.store.training import TrainingStore

MB = 2**20
MOST_SESSIONS = bounds.MOST_SESSIONS  # an import can't bring more than an account keeps
MOST_VERSIONS = 1_000  # merged as saves are, down to bounds.MOST_PROGRAM_VERSIONS
MOST_EVENTS = bounds.MOST_PLAN_EVENTS
LISTS = {"program_versions": MOST_VERSIONS, "plan_events": MOST_EVENTS, "sessions": MOST_SESSIONS}


def _largest_session() -> int:
    """The bytes of the longest session an export can list: every text at its column's or
    rule's length in the characters JSON writes longest (a control character takes six)."""
    exercise = {"exercise": "a" * SLUG_LENGTH, "kind": "timed", "sets": 100, "amount": 10_000,
                "per_side": False}  # fmt: skip
    moment = "2000-01-01T00:00:00.000000Z"
    session = {
        "op_id": "a" * OP_ID_LENGTH, "routine": "a" * SLUG_LENGTH,
        "started_at": moment, "ended_at": moment, "local_date": "2000-01-01",
        "time_zone": "a" * column_length(Completion, "time_zone"),
        "steps_done": 10_000, "steps_total": 10_000, "effort": 10, "pain": 10,
        "note": "\x01" * NOTE_LIMIT, "exercises": [exercise] * MOST_EXERCISES,
    }  # fmt: skip
    return len(json.dumps(session, ensure_ascii=False, separators=(",", ":")).encode()) + 1


#: The largest file an import takes: the export of the fullest account the limits allow (every
#: session at its longest; settings, plan changes, reminders and devices fit in the extra MB),
#: so an account can always be brought back from its own export. About 100 MB; the heaviest
#: account bench/bench_worst_account.py builds exports 27 MB.
IMPORT_LIMIT = -(-(MOST_SESSIONS * _largest_session() + MB) // MB) * MB


@dataclass(frozen=True)
class ImportPlan:
    """A whole export file, checked: the settings to apply and the rows to add if new."""

    time_zone: str
    time_zone_auto: bool
    versions: tuple[VersionRecord, ...]
    events: tuple[EventRecord, ...]
    sessions: tuple[SessionRecord, ...]
    precautions: str | None = None  # the answers as stored; None when the file predates them
    hip_checks: tuple[tuple[str, HipCheck], ...] = ()  # with the phone's id; none in older files


@dataclass(frozen=True)
class ImportSummary:
    added: int
    already_there: int
    hip_checks_added: int = 0

    def sentence(self) -> str:
        added = f"{self.added} session{'' if self.added == 1 else 's'}"
        there = f"{self.already_there} {'was' if self.already_there == 1 else 'were'}"
        checks = self.hip_checks_added
        more = f" Added {checks} hip check{'' if checks == 1 else 's'}." if checks else ""
        return f"Imported {added}; {there} already here.{more}"


def check_file(raw: bytes, now: datetime) -> ImportPlan | list[str]:
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
        time_zone = settings.text("time_zone", TIME_ZONE, is_time_zone)
        auto: bool = settings.get("time_zone_auto", bool, "must be true or false.")
        answers = read_precautions(settings)
        lists = [top.items(k, n) for k, n in LISTS.items()]
        hip_entries = _hip_check_entries(top)
    except Problem as problem:
        return [str(problem)]
    problems: list[str] = []
    today = now.date()  # the import has no zone of its own; a day's difference is no matter
    versions = read_versions(lists[0], today, problems)
    events = read_events(lists[1], today, problems)
    sessions = read_sessions(lists[2], now, problems)
    hip_checks = read_hip_checks(hip_entries, today, problems)
    if problems:
        more = ["…and more problems after these."] if len(problems) > MESSAGES_SHOWN else []
        return problems[:MESSAGES_SHOWN] + more
    unique = dict.fromkeys  # the same program version or plan change twice is one
    return ImportPlan(time_zone, auto, tuple(unique(versions)), tuple(unique(events)),
                      tuple(sessions), answers, tuple(hip_checks))  # fmt: skip


def _hip_check_entries(top: Reader) -> list[Any]:
    """The file's hip checks, unread; exports made before the hip check have none."""
    return top.items("hip_checks", bounds.MOST_HIP_CHECKS) if "hip_checks" in top.fields else []


def over_limits(store: TrainingStore, user: User, plan: ImportPlan) -> list[str]:
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
        problem = session_limit_problem(
            session.local_date, per_day[session.local_date], len(known) + new
        )
        if problem:
            return [f"Session {number}: {problem}"]
    if problem := _hip_checks_over(store, user_id, plan):
        return [problem]
    changes = set(store.plan_changes(user_id))
    events = len(changes | {(e.kind, e.day, e.until) for e in plan.events})
    if events > bounds.MOST_PLAN_EVENTS:
        return [
            f"With this file your plan would hold {events:,} skips, moves and vacations; "
            f"Hipday keeps at most {bounds.MOST_PLAN_EVENTS:,}."
        ]
    return []


def _hip_checks_over(store: TrainingStore, user_id: int, plan: ImportPlan) -> str | None:
    """Why the account can't keep the file's new hip checks with its own; None when it can."""
    kept = store.hip_check_entries(user_id, bounds.MOST_HIP_CHECKS)
    known = {client_id for _, client_id, _ in kept}
    total = len(known | {client_id for client_id, _ in plan.hip_checks})
    if total <= bounds.MOST_HIP_CHECKS:
        return None
    most = bounds.MOST_HIP_CHECKS
    return f"With this file you would have {total:,} hip checks; Hipday keeps at most {most:,}."


def import_everything(
    store: TrainingStore, user: User, plan: ImportPlan, now: datetime
) -> ImportSummary:
    """Add what the user doesn't have yet, in one transaction, and apply the file's settings.

    Sessions are new by op_id, program versions and plan changes by all their fields, so
    importing a file twice adds nothing the second time. New rows get fresh public ids.
    """
    user_id = user.id or 0
    known = store.op_ids(user_id)
    # Plain column values, inserted in bulk: model objects for the 240,000 exercises of a full
    # account took half a minute to build and add. An exercise checked once is shared by every
    # session that lists it, so its row's values are made once too.
    values: dict[int, tuple[Any, ...]] = {}
    sessions = [
        (_session_values(session, user_id, now), _exercise_values(session, values))
        for session in plan.sessions
        if session.op_id not in known
    ]
    versions = [ProgramVersion(user_id=user_id, **vars(v)) for v in plan.versions]
    events = [PlanEvent(user_id=user_id, **vars(e)) for e in plan.events]
    added, _ = store.import_rows(
        user_id, sessions, versions, events, plan.time_zone, plan.time_zone_auto, plan.precautions
    )
    store.keep_program_versions(user_id, bounds.MOST_PROGRAM_VERSIONS)
    checks_added = store.add_hip_checks(user_id, plan.hip_checks)
    return ImportSummary(added, len(plan.sessions) - added, checks_added)


def _session_values(session: SessionRecord, user_id: int, now: datetime) -> dict[str, Any]:
    s = session
    return {
        "public_id": new_public_id(), "user_id": user_id, "op_id": s.op_id,
        "routine_slug": s.routine, "started_at": s.started_at, "ended_at": s.ended_at,
        "local_date": s.local_date, "time_zone": s.time_zone, "steps_done": s.steps_done,
        "steps_total": s.steps_total, "effort": s.effort, "pain": s.pain, "note": s.note,
        "created_at": now,
    }  # fmt: skip


def _exercise_values(
    session: SessionRecord, values: dict[int, tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """(exercise, kind, sets, amount, per side) of each of the session's exercises, in order:
    one tuple for each distinct exercise record, shared by every session that lists it."""
    rows = []
    for exercise in session.exercises:
        dosage = values.get(id(exercise))
        if dosage is None:
            e = exercise
            dosage = values[id(exercise)] = (e.exercise, e.kind, e.sets, e.amount, e.per_side)
        rows.append(dosage)
    return rows
