"""Download your data: everything as one JSON file or as CSV files, streamed as it is written.

The heaviest account Hipday accepts lists 20,000 sessions and 240,000 exercises: each export
reads them as plain rows in two queries and writes them in chunks, so the first bytes leave
before the sessions are read and no whole document is ever held. A history repeats a few
dosages thousands of times, so each distinct dosage and list of them is written once and reused.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any

from webapp.services import hip_check_records, plans
from webapp.store.models import PlanEvent, ProgramVersion, Reminder, User
from webapp.store.reminders import ReminderStore
from webapp.store.training import TrainingStore

FORMAT = "hipday-export"
VERSION = 1
#: Sessions written per chunk of the stream: about 100 KB of JSON at their longest lists.
CHUNK = 500
#: A spreadsheet runs a text cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
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
#: How JSON writes a text, as `json.dumps(..., ensure_ascii=False)` does.
_text = json.encoder.encode_basestring


def holdings(store: TrainingStore, user: User) -> dict[str, int]:
    """How many sessions, program versions and plan changes the account holds."""
    return store.data_counts(user.id or 0)


def export_json(
    store: TrainingStore, reminder_store: ReminderStore | None, user: User, now: datetime
) -> Iterator[bytes]:
    """The JSON export in chunks: no database, public or user ids, never the calendar token.

    Reminders are listed for the record; devices only by name, since a push address is a
    secret of that browser (an import restores neither: each phone turns reminders on itself).
    """
    user_id = user.id or 0
    head = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _moment(now),
        "settings": _settings(user),
        "program_versions": [_version(v) for v in store.program_versions(user_id)],
        "plan_events": [_event(e) for e in store.plan_events(user_id)],
    }
    yield _json(head)[:-1].encode() + b',"sessions":['
    first = True
    for chunk in _chunks(_session_texts(store, user_id), CHUNK):
        yield (("" if first else ",") + ",".join(chunk)).encode()
        first = False
    reminders = _json(_reminders(reminder_store, user))
    hip_checks = _json(hip_check_records.exported(store, user_id))
    yield f'],"reminders":{reminders},"hip_checks":{hip_checks}}}'.encode()


def sessions_csv(store: TrainingStore, user: User) -> Iterator[bytes]:
    """One row per session, feedback included, in chunks: the file for a spreadsheet."""
    return _csv_chunks(
        SESSION_COLUMNS, map(_session_cells, store.session_rows(user.id or 0)), False
    )


def csv_zip(
    store: TrainingStore, reminder_store: ReminderStore | None, user: User, now: datetime
) -> Iterator[bytes]:
    """Sessions, their exercises, program, plan changes, settings and hip checks: a CSV file
    each, zipped as they are written (sizes after each file's data, as any unzip reads)."""
    user_id = user.id or 0
    versions, events = store.program_versions(user_id), store.plan_events(user_id)
    sessions = store.export_rows(user_id)
    settings = _settings(user)
    files: dict[str, Iterable[bytes]] = {
        "sessions.csv": _csv_chunks(SESSION_COLUMNS, map(_session_cells, sessions), False),
        "exercises.csv": _exercise_csv(sessions),
        "program.csv": _csv_chunks(PROGRAM_COLUMNS, map(_program_cells, versions)),
        "plan_events.csv": _csv_chunks(
            EVENT_COLUMNS, ([e.kind, e.day.isoformat(), _day(e.until)] for e in events)
        ),
        "settings.csv": _csv_chunks(SETTINGS_COLUMNS, [[settings[c] for c in SETTINGS_COLUMNS]]),
        "hip_checks.csv": _csv_chunks(
            hip_check_records.COLUMNS, hip_check_records.csv_rows(store, user_id)
        ),
    }
    return _zipped(files, now)


def _zipped(files: dict[str, Iterable[bytes]], now: datetime) -> Iterator[bytes]:
    pipe = _Pipe()
    stamp = now.astimezone(UTC).timetuple()[:6]
    with zipfile.ZipFile(pipe, "w") as archive:
        for name, chunks in files.items():
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as entry:
                for chunk in chunks:
                    entry.write(chunk)
                    yield pipe.drain()
    yield pipe.drain()


class _Pipe(io.RawIOBase):
    """A file the zip writes into and the stream empties; it can't seek, so the zip adds
    each file's sizes after its data."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def drain(self) -> bytes:
        drained = b"".join(self.chunks)
        self.chunks.clear()
        return drained


def _session_texts(store: TrainingStore, user_id: int) -> Iterator[str]:
    """Each session as the JSON export writes it, each distinct list of exercises written once."""
    written: dict[str | None, str] = {}
    for row in store.export_rows(user_id):
        exercises = written.get(row[-1])
        if exercises is None:
            dosages = _dosages(row[-1])
            exercises = written[row[-1]] = _json([_dosage(dosage) for dosage in dosages])
        yield _session_text(row, exercises)


def _session_text(row: Sequence[Any], exercises: str) -> str:
    """One session's JSON from a row of `Store.export_rows`, keys in the export's order."""
    _, op_id, routine, started, ended, day, zone, done, total, effort, pain, note = row[:12]
    return (
        f'{{"op_id":{_text(op_id)},"routine":{_text(routine)},'
        f'"started_at":"{_moment(started)}","ended_at":"{_moment(ended)}",'
        f'"local_date":"{_day(day)}","time_zone":{_text(zone)},'
        f'"steps_done":{_number(done)},"steps_total":{_number(total)},'
        f'"effort":{_number(effort)},"pain":{_number(pain)},"note":{_text(note)},'
        f'"exercises":{exercises}}}'
    )


def _dosages(listed: str | None) -> list[tuple[str, str, int, int, bool]]:
    """A session's exercises, in order, from the text `Store.export_rows` joins them into
    (slugs and kinds hold no "|" or ";": the library's and the import's rule)."""
    entries = sorted((entry.split("|") for entry in (listed or "").split(";") if entry),
                     key=lambda entry: int(entry[0]))  # fmt: skip
    return [(exercise, kind, int(sets), int(amount), per_side in ("1", "true"))
            for _, exercise, kind, sets, amount, per_side in entries]  # fmt: skip


def _dosage(dosage: tuple[str, str, int, int, bool]) -> dict[str, Any]:
    exercise, kind, sets, amount, per_side = dosage
    return {"exercise": exercise, "kind": kind, "sets": sets, "amount": amount,
            "per_side": per_side}  # fmt: skip


def _exercise_csv(sessions: Sequence[tuple[Any, ...]]) -> Iterator[bytes]:
    """exercises.csv: a row per exercise under its session's op_id, numbered from 1; slugs,
    kinds and numbers can't start a formula, so only the flag needs a word."""
    written: dict[str | None, list[str]] = {}
    yield ("\ufeff" + _csv_text(EXERCISE_COLUMNS, ())).encode()
    for chunk in _chunks(sessions, CHUNK):
        lines: list[str] = []
        for session in chunk:
            tails = written.get(session[-1])
            if tails is None:
                tails = written[session[-1]] = [
                    "," + _csv_line([position, *_dosage_cells(dosage)])
                    for position, dosage in enumerate(_dosages(session[-1]), start=1)
                ]
            op_id = _csv_line([session[1]])[:-2]
            lines.extend(op_id + tail for tail in tails)
        yield "".join(lines).encode()


def _dosage_cells(dosage: tuple[str, str, int, int, bool]) -> list[object]:
    exercise, kind, sets, amount, per_side = dosage
    return [exercise, kind, sets, amount, "true" if per_side else "false"]


def _session_cells(row: Sequence[Any]) -> list[object]:
    """A session's CSV cells, its texts defused: moments and numbers can't start a formula."""
    _, op_id, routine, started, ended, day, zone, done, total, effort, pain, note = row[:12]
    return [_cell(op_id), _cell(routine), _moment(started), _moment(ended), _day(day),
            _cell(zone), done, total, _cell(effort), _cell(pain), _cell(note)]  # fmt: skip


def _program_cells(version: ProgramVersion) -> list[object]:
    days = " ".join(plans.WEEKDAYS[int(d)] for d in version.session_days.split(",") if d)
    equipment = "; ".join(e for e in version.equipment.split(",") if e)
    return [version.effective_from.isoformat(), version.start.isoformat(), version.goal, days,
            version.experience, equipment, version.deload_every]  # fmt: skip


def _csv_chunks(
    header: Sequence[str], rows: Iterable[Sequence[object]], defuse: bool = True
) -> Iterator[bytes]:
    """UTF-8 with the byte-order mark spreadsheets look for, a header row, formulas defused
    (unless the rows come defused)."""
    yield ("\ufeff" + _csv_text(header, ())).encode()
    for chunk in _chunks(rows, CHUNK):
        cells = ([_cell(value) for value in row] for row in chunk) if defuse else chunk
        yield _csv_text(None, cells).encode()


def _csv_text(header: Sequence[str] | None, rows: Iterable[Sequence[object]]) -> str:
    text = io.StringIO()
    writer = csv.writer(text)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue()


def _csv_line(cells: Sequence[object]) -> str:
    return _csv_text(None, [cells])


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _chunks(values: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _number(value: int | None) -> str:
    return "null" if value is None else str(value)


def _moment(moment: datetime | str) -> str:
    if isinstance(moment, str):  # as SQLite keeps it: UTC
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:  # as the database gives it back: already UTC
        return moment.isoformat() + "Z"
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _day(day: date | str | None) -> str | None:
    """A day as the export writes it; SQLite's text already is."""
    return day if isinstance(day, str) or day is None else day.isoformat()


def _settings(user: User) -> dict[str, Any]:
    return {
        "time_zone": user.time_zone,
        "time_zone_auto": user.time_zone_auto,
        "calendar_feed": user.calendar_token is not None,
        "precautions": [p for p in user.precautions.split(",") if p],
    }


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
    return {"kind": event.kind, "day": event.day.isoformat(), "until": _day(event.until)}


def _reminders(reminder_store: ReminderStore | None, user: User) -> dict[str, Any]:
    user_id = user.id or 0
    kinds = reminder_store.reminders(user_id).values() if reminder_store else ()
    devices = reminder_store.subscriptions(user_id) if reminder_store else ()
    paused = user.reminders_paused_until
    return {
        "paused_until": paused.isoformat() if paused else None,
        "kinds": [_reminder(r) for r in kinds],
        "devices": [{"name": d.label, "since": _moment(d.created_at)} for d in devices],
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
