"""Accounts a real user could bring: an export file written in Hipday's own format, imported.

`export_document(days, today, catalog)` writes what the JSON export of someone `days` into a
running program would hold: program versions (a change of days or kit now and then), skips, a
vacation a year with no sessions, a hip check every four weeks, and a session on most planned
days and on some others, each with its exercises at the library dosage and a varied effort and
pain. `import_account` then takes it in through the import's own checks and transaction, as
the "Import" button does, so the benches measure accounts that passed every rule an import
applies. The same `seed` always writes the same file.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Flask

from routines import bounds
from routines.catalog.model import Catalog, RoutineKind
from tests.bench.seed import RoutineRows, routine_rows
from webapp.services import data_export, data_import
from webapp.services.hip_check_records import ANSWERS, FLAGS, NUMBERS

#: The accounts the render bench compares, by days since the program started.
AGES = {"new": 0, "one month": 30, "one year": 365, "five years": 5 * 365}
TIME_ZONE = "Europe/Berlin"
SESSION_DAYS = ((0, 2, 4), (1, 3, 5), (0, 3, 5), (0, 2, 4, 6))
KITS = ([], ["mini band"], ["mini band", "strap"])
#: How often the program's settings change, a skip is asked for, and a hip check is done.
VERSION_EVERY, SKIP_EVERY, CHECK_EVERY = 182, 45, 28
#: Chance that a planned session day holds a session, and that another day holds one.
ON_SESSION_DAY, ON_OTHER_DAY = 0.85, 0.45


@dataclass(frozen=True)
class Account:
    """An imported account: its id, what the file listed, what the account kept, and how
    long the import took."""

    user_id: int
    listed: dict[str, int]
    kept: dict[str, int]
    import_seconds: float

    def summary(self) -> str:
        shown = ", ".join(f"{self.kept[k]:,} {k.replace('_', ' ')}" for k in self.kept)
        dropped = [k for k in self.kept if self.kept[k] < self.listed.get(k, 0)]
        note = (
            f" (the file listed more {', '.join(dropped)}: the caps kept these)" if dropped else ""
        )
        return f"{shown}{note}; imported in {self.import_seconds * 1000:.0f} ms"


class _History:
    """One user's program, plan changes, sessions and hip checks, drawn from a seeded source."""

    def __init__(self, days: int, today: date, catalog: Catalog, seed: int) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.start = today - timedelta(days=days)
        routines = routine_rows(catalog).values()
        self.strength = [r for r in routines if r.kind is RoutineKind.STRENGTH]
        self.mobility = [r for r in routines if r.kind is RoutineKind.MOBILITY]
        self.extras = [
            r for r in routines if r.kind not in (RoutineKind.STRENGTH, RoutineKind.MOBILITY)
        ]
        self.versions = self._versions()
        self.vacations = self._vacations()
        self.skips = self._skips()

    def _versions(self) -> list[dict[str, Any]]:
        """The first settings on the start day, then a change every half year or so."""
        rng, versions = self.rng, []
        day = self.start
        while day <= self.today and len(versions) < bounds.MOST_PROGRAM_VERSIONS:
            versions.append({
                "effective_from": day.isoformat(), "start": self.start.isoformat(),
                "goal": "running", "session_days": list(rng.choice(SESSION_DAYS)),
                "experience": "some" if versions else "new", "equipment": rng.choice(KITS),
                "deload_every": rng.choice((3, 4, 4)),
            })  # fmt: skip
            day += timedelta(days=VERSION_EVERY + rng.randrange(-20, 21))
        return versions

    def _vacations(self) -> list[tuple[date, date]]:
        """A week or so away in each whole year of the program."""
        found = []
        for year in range((self.today - self.start).days // 365):
            first = self.start + timedelta(days=365 * year + self.rng.randrange(60, 300))
            found.append((first, first + timedelta(days=self.rng.randrange(6, 11))))
        return found

    def _skips(self) -> set[date]:
        days = (self.today - self.start).days
        return {
            self.start + timedelta(days=self.rng.randrange(days)) for _ in range(days // SKIP_EVERY)
        }

    def session_days_on(self, day: date) -> set[int]:
        """The weekdays of the program version in force on `day`."""
        current = self.versions[0]
        for version in self.versions:
            if version["effective_from"] <= day.isoformat():
                current = version
        return set(current["session_days"])

    def away(self, day: date) -> bool:
        return day in self.skips or any(a <= day <= b for a, b in self.vacations)

    def sessions(self) -> list[dict[str, Any]]:
        """A session on most planned days and some others, oldest first, none today."""
        found: list[dict[str, Any]] = []
        day = self.start
        while day < self.today:
            routine = None if self.away(day) else self.routine_on(day, len(found))
            if routine is not None:
                found.append(self.session(day, len(found), routine))
            day += timedelta(days=1)
        return found

    def routine_on(self, day: date, turn: int) -> RoutineRows | None:
        """Strength and mobility in turn on most planned days, an extra on some others."""
        if day.weekday() in self.session_days_on(day):
            if self.rng.random() < ON_SESSION_DAY:
                return self.rng.choice(self.strength if turn % 2 else self.mobility)
            return None
        if self.rng.random() < ON_OTHER_DAY:
            return self.rng.choice(self.extras + self.mobility)
        return None

    def session(self, day: date, number: int, routine: RoutineRows) -> dict[str, Any]:
        """One finished session as the export lists it: now and then ended early or painful."""
        rng = self.rng
        ended = datetime.combine(day, datetime.min.time(), UTC)
        ended += timedelta(hours=rng.randrange(6, 20), minutes=rng.randrange(60))
        partial = rng.random() < 0.05
        return {
            "op_id": f"import-{self.start:%Y%m%d}-{number:05d}", "routine": routine.slug,
            "started_at": _moment(ended - timedelta(minutes=routine.minutes)),
            "ended_at": _moment(ended), "local_date": day.isoformat(), "time_zone": TIME_ZONE,
            "steps_done": routine.steps // 2 if partial else routine.steps,
            "steps_total": routine.steps, "effort": rng.choice((None, 3, 4, 5, 6, 7, 8)),
            "pain": rng.choice((None, 0, 0, 0, 1, 2, 3)) if rng.random() > 0.02 else 6,
            "note": "", "exercises": [_exercise(e) for e in routine.exercises],
        }  # fmt: skip

    def plan_events(self) -> list[dict[str, Any]]:
        events = [{"kind": "skip", "day": d.isoformat(), "until": None} for d in sorted(self.skips)]
        events += [
            {"kind": "vacation", "day": a.isoformat(), "until": b.isoformat()}
            for a, b in self.vacations
        ]
        return events

    def hip_checks(self) -> list[dict[str, Any]]:
        """A check every four weeks, the left side lagging a little and catching up."""
        checks = []
        for n, offset in enumerate(range(CHECK_EVERY, (self.today - self.start).days, CHECK_EVERY)):
            if n >= bounds.MOST_HIP_CHECKS:
                break
            fields: dict[str, Any] = dict.fromkeys(NUMBERS) | dict.fromkeys(FLAGS, False)
            fields |= dict.fromkeys(ANSWERS, True) | {"pelvis_level": self.rng.random() < 0.7}
            fields |= {
                "right_outward": 45 + self.rng.randrange(8),
                "left_outward": 38 + min(n, 8),
                "right_inward": 33 + self.rng.randrange(5),
                "left_inward": 30 + min(n, 5),
                "balance_right": 22 + self.rng.randrange(9),
                "balance_left": 18 + min(n, 12),
            }
            taken_on = self.start + timedelta(days=offset)
            checks.append(
                {
                    "client_id": f"check-{taken_on:%Y%m%d}",
                    "taken_on": taken_on.isoformat(),
                    **fields,
                }
            )
        return checks


def _exercise(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "exercise": row["exercise_slug"],
        "kind": row["kind"],
        "sets": row["sets"],
        "amount": row["amount"],
        "per_side": row["per_side"],
    }


def _moment(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def export_document(days: int, today: date, catalog: Catalog, seed: int = 2026) -> dict[str, Any]:
    """The JSON export of someone `days` into a running program on `today`, as Hipday writes it."""
    history = _History(days, today, catalog, seed)
    return {
        "format": data_export.FORMAT,
        "version": data_export.VERSION,
        "exported_at": _moment(datetime.combine(today, datetime.min.time(), UTC)),
        "settings": {
            "time_zone": TIME_ZONE,
            "time_zone_auto": True,
            "calendar_feed": False,
            "precautions": [],
        },
        "program_versions": history.versions,
        "plan_events": history.plan_events(),
        "sessions": history.sessions(),
        "reminders": {"paused_until": None, "kinds": [], "devices": []},
        "hip_checks": history.hip_checks(),
    }


def import_account(app: Flask, document: dict[str, Any]) -> Account:
    """A new guest, given `document` through the import's checks and its one transaction."""
    store = app.extensions["hipday"].store
    now = app.extensions["hipday.clock"]()
    user = store.create_guest()
    started = time.perf_counter()
    plan = data_import.check_file(json.dumps(document).encode(), now)
    assert not isinstance(plan, list), f"the import refused the file: {plan}"
    problems = data_import.over_limits(store, user, plan)
    assert not problems, f"the account could not keep the file: {problems}"
    data_import.import_everything(store, user, plan, now)
    seconds = time.perf_counter() - started
    kept = {
        **data_export.holdings(store, store.user(user.id)),
        "hip_checks": len(store.hip_check_entries(user.id, bounds.MOST_HIP_CHECKS)),
    }
    listed = {
        k: len(document[k]) for k in ("sessions", "program_versions", "plan_events", "hip_checks")
    }
    return Account(user.id, listed, kept, seconds)
