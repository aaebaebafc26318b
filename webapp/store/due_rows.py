"""What deciding a batch of due reminders reads, each table read once for the whole batch.

A sweep decides hundreds of users at a time. Asked one by one, each decision read the user's
data version, program versions, plan events, sessions, hip checks and the day's completions:
six queries a user, most of a 10,000-reminder sweep. `DueRows.read` reads those rows for all
the batch's users in a few queries; it is a `TrainingStore` whose reads of those users answer
from what it read, so `services.reminders.decide` runs unchanged on it and decides exactly as
it does on the database. Any other read (another user, a day outside the batch's days) goes to
the database.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import String, type_coerce
from sqlalchemy import select as select_columns
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from routines.figures.body import Side
from routines.hip_check import HipCheck, lagging_side
from webapp.store.hip_check_rows import HIP_CHECKS_READ, check_of
from webapp.store.models import (
    Completion,
    DataVersion,
    HipCheckRecord,
    PlanEvent,
    ProgramVersion,
)
from webapp.store.training import SessionFacts, TrainingStore, driver_moment

#: Users per query: well inside every database's limit on bound parameters.
CHUNK = 500
#: Local dates a due reminder's day can fall on, either side of the sweep's UTC date: time
#: zones reach 14 hours ahead and 12 behind, and a late reminder is sent for its own slot.
DAYS_AROUND = 2


class DueRows(TrainingStore):
    """The training rows of a batch of users, read at once; other reads go to the database."""

    def __init__(self, engine: Engine, user_ids: Collection[int], around: date) -> None:
        super().__init__(engine)
        self.users = frozenset(user_ids)
        self.days = (around - timedelta(days=DAYS_AROUND), around + timedelta(days=DAYS_AROUND))
        self._versions: dict[int, list[ProgramVersion]] = {}
        self._events: dict[int, list[PlanEvent]] = {}
        self._facts: dict[int, list[SessionFacts]] = {}
        self._checks: dict[int, list[HipCheck]] = {}
        self._on_day: dict[tuple[int, date], list[Completion]] = {}
        self._data_versions: dict[int, int] = {}

    @classmethod
    def read(cls, engine: Engine, user_ids: Collection[int], around: date) -> DueRows:
        """The rows of `user_ids` that deciding their reminders near `around` reads."""
        rows = cls(engine, user_ids, around)
        ids = sorted(rows.users)
        with Session(engine, expire_on_commit=False) as session:
            for start in range(0, len(ids), CHUNK):
                rows._read_chunk(session, ids[start : start + CHUNK])
        return rows

    def _read_chunk(self, session: Session, ids: list[int]) -> None:
        # The data versions first: a write landing between these reads then only makes a
        # kept plan be built again, never keeps older rows under a newer version.
        versions_now = select(DataVersion).where(col(DataVersion.user_id).in_(ids))
        for row in session.exec(versions_now):
            self._data_versions[row.user_id] = row.version
        versions = select(ProgramVersion).where(col(ProgramVersion.user_id).in_(ids))
        order = (col(ProgramVersion.effective_from), col(ProgramVersion.id))
        for version in session.exec(versions.order_by(*order)):
            self._versions.setdefault(version.user_id, []).append(version)
        events = select(PlanEvent).where(col(PlanEvent.user_id).in_(ids))
        for event in session.exec(events.order_by(col(PlanEvent.id))):
            self._events.setdefault(event.user_id, []).append(event)
        for user_id, facts in _session_facts(session, ids):
            self._facts.setdefault(user_id, []).append(facts)
        self._read_checks(session, ids)
        first, last = self.days
        on_days = select(Completion).where(
            col(Completion.user_id).in_(ids),
            col(Completion.local_date) >= first,
            col(Completion.local_date) <= last,
        )
        for completion in session.exec(on_days.order_by(col(Completion.ended_at))):
            key = (completion.user_id, completion.local_date)
            self._on_day.setdefault(key, []).append(completion)

    def _read_checks(self, session: Session, ids: list[int]) -> None:
        """Each user's newest checks, newest last, as `hip_checks` gives them."""
        query = (
            select(HipCheckRecord)
            .where(col(HipCheckRecord.user_id).in_(ids))
            .order_by(
                col(HipCheckRecord.taken_on).desc(),
                col(HipCheckRecord.created_at).desc(),
                col(HipCheckRecord.id).desc(),
            )
        )
        newest: dict[int, list[HipCheckRecord]] = {}
        for row in session.exec(query):
            theirs = newest.setdefault(row.user_id, [])
            if len(theirs) < HIP_CHECKS_READ:
                theirs.append(row)
        for user_id, rows in newest.items():
            self._checks[user_id] = [check_of(row) for row in reversed(rows)]

    def data_version(self, user_id: int) -> int | None:
        if user_id not in self.users:
            return super().data_version(user_id)
        return self._data_versions.get(user_id)

    def program_versions(self, user_id: int) -> Sequence[ProgramVersion]:
        if user_id not in self.users:
            return super().program_versions(user_id)
        return list(self._versions.get(user_id, ()))

    def plan_changes(self, user_id: int) -> list[tuple[str, date, date | None]]:
        if user_id not in self.users:
            return super().plan_changes(user_id)
        return [(e.kind, e.day, e.until) for e in self._events.get(user_id, ())]

    def plan_events(self, user_id: int, kind: str | None = None) -> Sequence[PlanEvent]:
        if user_id not in self.users:
            return super().plan_events(user_id, kind)
        events = self._events.get(user_id, ())
        return [e for e in events if kind is None or e.kind == kind]

    def session_facts(self, user_id: int) -> list[SessionFacts]:
        if user_id not in self.users:
            return super().session_facts(user_id)
        return list(self._facts.get(user_id, ()))

    def hip_checks(self, user_id: int) -> list[HipCheck]:
        if user_id not in self.users:
            return super().hip_checks(user_id)
        return list(self._checks.get(user_id, ()))

    def hip_check_lags(self, user_id: int) -> list[tuple[date, Side | None]]:
        if user_id not in self.users:
            return super().hip_check_lags(user_id)
        return [(check.taken_on, lagging_side(check)) for check in self._checks.get(user_id, ())]

    def completions_on(self, user_id: int, local_date: date) -> Sequence[Completion]:
        first, last = self.days
        if user_id not in self.users or not first <= local_date <= last:
            return super().completions_on(user_id, local_date)
        return list(self._on_day.get((user_id, local_date), ()))


def _session_facts(session: Session, ids: list[int]) -> list[tuple[int, SessionFacts]]:
    """Each session of the users as `session_facts` gives it, in its order, with its user."""
    columns: tuple[Any, ...] = (
        col(Completion.user_id), col(Completion.local_date), col(Completion.routine_slug),
        col(Completion.effort), col(Completion.pain),
        type_coerce(Completion.started_at, String()), type_coerce(Completion.ended_at, String()),
        col(Completion.steps_done),
    )  # fmt: skip
    query = (
        select_columns(*columns)
        .where(col(Completion.user_id).in_(ids))
        .order_by(col(Completion.user_id), col(Completion.local_date), col(Completion.ended_at))
    )
    return [
        (user_id, SessionFacts(day, slug, effort, pain,
                               (driver_moment(end) - driver_moment(begin)).total_seconds(), steps))
        for user_id, day, slug, effort, pain, begin, end, steps in session.execute(query).all()
    ]  # fmt: skip
