"""In-memory stand-ins for the training store and the account store, for use-case tests.

Each fake implements the real store's methods that the services call, with the same names,
arguments and results, over plain lists: no database, no Flask. What they keep is what the
real stores keep, as far as a use case can tell.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import count

from tests.services.fake_hip_checks import FakeHipChecks
from webapp.store.accounts import Adopted
from webapp.store.models import (
    Completion,
    CompletionExercise,
    Passkey,
    PlanEvent,
    ProgramVersion,
    SignIn,
    User,
    utc_now,
)
from webapp.store.training import SessionFacts


@dataclass
class FakeTrainingStore(FakeHipChecks):
    """Users, sessions, programs, plan changes and hip checks, kept in lists."""

    users: dict[int, User] = field(default_factory=dict)
    completions_kept: list[Completion] = field(default_factory=list)
    exercises: list[CompletionExercise] = field(default_factory=list)
    versions: list[ProgramVersion] = field(default_factory=list)
    events: list[PlanEvent] = field(default_factory=list)
    ids: count[int] = field(default_factory=lambda: count(1))

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Lists need no shared transaction."""
        yield

    def add_user(self, **values: object) -> User:
        """A user row, as the guest cookie's first save makes one (for the tests' set-up)."""
        user = User(id=next(self.ids), **values)
        self.users[user.id or 0] = user
        return user

    # Users

    def user(self, user_id: int) -> User | None:
        return self.users.get(user_id)

    def data_version(self, user_id: int) -> int | None:
        return None  # lists have no triggers: every read builds afresh

    def forget_kept_pages(self, before: date) -> int:
        return 0  # no version, so no page is kept

    def user_and_version(self, user_id: int) -> tuple[User, int | None] | None:
        user = self.users.get(user_id)
        return None if user is None else (user, None)

    def set_time_zone(self, user: User, time_zone: str, auto: bool | None = None) -> None:
        user.time_zone = time_zone
        if auto is not None:
            user.time_zone_auto = auto

    def set_precautions(self, user: User, precautions: str) -> None:
        user.precautions = precautions

    def delete_user(self, user_id: int) -> bool:
        theirs = {c.id for c in self._theirs(user_id)}
        self.exercises = [e for e in self.exercises if e.completion_id not in theirs]
        self.completions_kept = [c for c in self.completions_kept if c.user_id != user_id]
        self.versions = [v for v in self.versions if v.user_id != user_id]
        self.events = [e for e in self.events if e.user_id != user_id]
        return self.users.pop(user_id, None) is not None

    def set_calendar_token(self, user: User, token: str | None) -> None:
        user.calendar_token = token

    def user_by_calendar_token(self, token: str) -> User | None:
        return next((u for u in self.users.values() if u.calendar_token == token), None)

    # Sessions

    def add_completion(
        self, completion: Completion, exercises: Sequence[CompletionExercise] = ()
    ) -> tuple[Completion, bool]:
        first = self.completion_by_op(completion.user_id, completion.op_id)
        if first is not None:
            return first, False
        completion.id = next(self.ids)
        self.completions_kept.append(completion)
        for exercise in exercises:
            exercise.completion_id = completion.id
            self.exercises.append(exercise)
        return completion, True

    def _theirs(self, user_id: int) -> list[Completion]:
        rows = [c for c in self.completions_kept if c.user_id == user_id]
        return sorted(rows, key=lambda c: (c.local_date, c.ended_at))

    def completion_by_op(self, user_id: int, op_id: str) -> Completion | None:
        return next((c for c in self._theirs(user_id) if c.op_id == op_id), None)

    def completion(self, user_id: int, public_id: str) -> Completion | None:
        return next((c for c in self._theirs(user_id) if c.public_id == public_id), None)

    def completions_on(self, user_id: int, local_date: date) -> Sequence[Completion]:
        return [c for c in self._theirs(user_id) if c.local_date == local_date]

    def session_facts(self, user_id: int) -> list[SessionFacts]:
        return [
            SessionFacts(
                c.local_date,
                c.routine_slug,
                c.effort,
                c.pain,
                (c.ended_at - c.started_at).total_seconds(),
                c.steps_done,
            )  # fmt: skip
            for c in self._theirs(user_id)
        ]

    def history_page(self, user_id: int, offset: int, limit: int) -> Sequence[Completion]:
        newest = sorted(self._theirs(user_id), key=lambda c: (c.ended_at, c.id), reverse=True)
        return newest[offset : offset + limit]

    def exercises_of(self, completion_id: int) -> Sequence[CompletionExercise]:
        rows = [e for e in self.exercises if e.completion_id == completion_id]
        return sorted(rows, key=lambda e: e.position)

    def _full(self, user_id: int, since: date) -> list[Completion]:
        return [
            c
            for c in self._theirs(user_id)
            if c.steps_done >= c.steps_total and c.local_date >= since
        ]

    def exercise_log(
        self, user_id: int, exercise_slug: str, since: date
    ) -> list[tuple[date, str, int]]:
        return [
            (c.local_date, e.kind, e.amount)
            for c in self._full(user_id, since)
            for e in self.exercises_of(c.id or 0)
            if e.exercise_slug == exercise_slug
        ]

    def exercise_counts(self, user_id: int, since: date) -> dict[str, int]:
        counts: dict[str, int] = {}
        for c in self._full(user_id, since):
            for e in self.exercises_of(c.id or 0):
                counts[e.exercise_slug] = counts.get(e.exercise_slug, 0) + 1
        return counts

    def op_ids(self, user_id: int) -> set[str]:
        return {c.op_id for c in self._theirs(user_id)}

    def sessions_per_day(self, user_id: int) -> dict[date, int]:
        days: dict[date, int] = {}
        for c in self._theirs(user_id):
            days[c.local_date] = days.get(c.local_date, 0) + 1
        return days

    def session_counts(self, user_id: int, local_date: date) -> tuple[int, int]:
        theirs = self._theirs(user_id)
        return sum(c.local_date == local_date for c in theirs), len(theirs)

    def set_feedback(
        self, user_id: int, public_id: str, effort: int | None, pain: int | None, note: str
    ) -> Completion | None:
        row = self.completion(user_id, public_id)
        if row is not None:
            row.effort, row.pain, row.note = effort, pain, note
        return row

    # Programs and plan changes

    def program_versions(self, user_id: int) -> Sequence[ProgramVersion]:
        rows = [v for v in self.versions if v.user_id == user_id]
        return sorted(rows, key=lambda v: (v.effective_from, v.id or 0))

    def save_program_version(self, version: ProgramVersion, most: int) -> None:
        self.versions = [
            v
            for v in self.versions
            if v.user_id != version.user_id or v.effective_from < version.effective_from
        ]
        version.id = next(self.ids)
        self.versions.append(version)
        theirs = self.program_versions(version.user_id)
        for gone in theirs[: max(0, len(theirs) - most)]:
            self.versions.remove(gone)

    def add(self, row: ProgramVersion | PlanEvent) -> None:
        row.id = next(self.ids)
        (self.events if isinstance(row, PlanEvent) else self.versions).append(row)  # type: ignore[arg-type]

    def plan_changes(self, user_id: int) -> list[tuple[str, date, date | None]]:
        return [(e.kind, e.day, e.until) for e in self.plan_events(user_id)]

    def plan_event_count(self, user_id: int) -> int:
        return len(self.plan_events(user_id))

    def plan_events(self, user_id: int, kind: str | None = None) -> Sequence[PlanEvent]:
        rows = [e for e in self.events if e.user_id == user_id]
        return [e for e in rows if kind is None or e.kind == kind]

    def delete_plan_events(
        self, user_id: int, kind: str, day: date | None = None, event_id: int | None = None
    ) -> int:
        gone = [
            e
            for e in self.plan_events(user_id, kind)
            if (day is None or e.day == day) and (event_id is None or e.id == event_id)
        ]
        for event in gone:
            self.events.remove(event)
        return len(gone)


@dataclass
class FakeAccountStore:
    """Secured accounts, signed-in devices and passkeys, over a fake training store's users."""

    training: FakeTrainingStore
    sign_ins_kept: list[SignIn] = field(default_factory=list)
    passkeys_kept: list[Passkey] = field(default_factory=list)

    def user_by_email(self, email: str) -> User | None:
        return next((u for u in self.training.users.values() if u.email == email), None)

    def secure(self, user_id: int, email: str, password_hash: str | None) -> bool:
        user = self.training.user(user_id)
        if user is None or self.user_by_email(email) is not None:
            return False
        user.email, user.password_hash, user.secured_at = email, password_hash, utc_now()
        return True

    def set_password(self, user_id: int, password_hash: str) -> None:
        user = self.training.user(user_id)
        if user is not None:
            user.password_hash = password_hash

    def add_sign_in(self, user_id: int, token_hash: str, label: str, method: str) -> SignIn:
        row = SignIn(
            id=next(self.training.ids), user_id=user_id, token_hash=token_hash, label=label,
            method=method,
        )  # fmt: skip
        self.sign_ins_kept.append(row)
        return row

    def signed_in(self, user_id: int, token_hash: str, now: datetime) -> bool:
        return any(s.token_hash == token_hash for s in self.sign_ins(user_id))

    def sign_ins(self, user_id: int) -> Sequence[SignIn]:
        return [s for s in self.sign_ins_kept if s.user_id == user_id]

    def end_sign_in(self, user_id: int, *, public_id: str = "", token_hash: str = "") -> bool:
        gone = [
            s
            for s in self.sign_ins(user_id)
            if (public_id and s.public_id == public_id)
            or (token_hash and s.token_hash == token_hash)
        ]
        for row in gone:
            self.sign_ins_kept.remove(row)
        return bool(gone)

    def end_other_sign_ins(self, user_id: int, keep_token_hash: str) -> int:
        gone = [s for s in self.sign_ins(user_id) if s.token_hash != keep_token_hash]
        for row in gone:
            self.sign_ins_kept.remove(row)
        return len(gone)

    def passkeys(self, user_id: int) -> Sequence[Passkey]:
        return [p for p in self.passkeys_kept if p.user_id == user_id]

    def add_passkey(self, passkey: Passkey) -> bool:
        if self.passkey(passkey.credential_id) is not None:
            return False
        passkey.id = next(self.training.ids)
        self.passkeys_kept.append(passkey)
        return True

    def passkey(self, credential_id: str) -> Passkey | None:
        return next((p for p in self.passkeys_kept if p.credential_id == credential_id), None)

    def used_passkey(self, passkey_id: int, sign_count: int) -> None:
        for passkey in self.passkeys_kept:
            if passkey.id == passkey_id:
                passkey.sign_count = sign_count

    def remove_passkey(self, user_id: int, public_id: str) -> bool:
        gone = [p for p in self.passkeys(user_id) if p.public_id == public_id]
        for row in gone:
            self.passkeys_kept.remove(row)
        return bool(gone)

    def adopt_guest(self, guest_id: int, user_id: int) -> Adopted:
        moving = [c for c in self.training.completions_kept if c.user_id == guest_id]
        for completion in moving:
            completion.user_id = user_id
        return Adopted(len(moving), 0)


@dataclass
class FakeGuestStore:
    """Guest accounts over a fake training store's users: a guest keeps something when it has
    a session, a program or a plan change (reminders are the reminder store's)."""

    training: FakeTrainingStore

    def _guests_unseen(self, unseen_since: date) -> list[User]:
        return [
            u
            for u in self.training.users.values()
            if u.secured_at is None and (u.last_seen_on or u.created_at.date()) < unseen_since
        ]

    def _keeps_something(self, user_id: int) -> bool:
        t = self.training
        return bool(t._theirs(user_id) or t.program_versions(user_id) or t.plan_events(user_id))

    def create(self, public_id: str, time_zone: str, today: date) -> User:
        found = next((u for u in self.training.users.values() if u.public_id == public_id), None)
        if found is not None:
            return found
        return self.training.add_user(public_id=public_id, time_zone=time_zone, last_seen_on=today)

    def seen(self, user_id: int, today: date) -> None:
        user = self.training.user(user_id)
        if user is not None and (user.last_seen_on is None or user.last_seen_on < today):
            user.last_seen_on = today

    def delete_idle_empty(self, unseen_since: date) -> int:
        idle = [
            u for u in self._guests_unseen(unseen_since) if not self._keeps_something(u.id or 0)
        ]
        for user in idle:
            self.training.delete_user(user.id or 0)
        return len(idle)

    def delete_if_empty(self, user_id: int) -> bool:
        if self._keeps_something(user_id):
            return False
        return self.training.delete_user(user_id)

    def unseen(self, unseen_since: date) -> list[int]:
        return [u.id or 0 for u in self._guests_unseen(unseen_since)]
