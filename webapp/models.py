"""The database tables. Only `webapp/store.py` queries them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_public_id() -> str:
    return uuid.uuid4().hex


class User(SQLModel, table=True):
    """A person using Hipday; a guest until they secure the account with a login."""

    __table_args__ = {"sqlite_autoincrement": True}  # a deleted user's id is never handed out

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(default_factory=new_public_id, unique=True, max_length=32)
    time_zone: str = Field(default="UTC", max_length=64)
    #: Whether the time zone follows the phone's (True) or was chosen in Settings.
    time_zone_auto: bool = True
    calendar_token: str | None = Field(default=None, unique=True, max_length=64)
    created_at: datetime = Field(default_factory=utc_now)


class Completion(SQLModel, table=True):
    """A finished (or ended early) session, stored once per user and idempotency key."""

    __table_args__ = (UniqueConstraint("user_id", "op_id", name="uq_completion_user_op"),)

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(default_factory=new_public_id, unique=True, max_length=32)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    op_id: str = Field(max_length=64)
    routine_slug: str = Field(max_length=80)
    started_at: datetime
    ended_at: datetime
    local_date: date = Field(index=True)
    time_zone: str = Field(max_length=64)
    steps_done: int
    steps_total: int
    effort: int | None = None
    pain: int | None = None
    note: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utc_now)


class CompletionExercise(SQLModel, table=True):
    """One exercise of a logged session, at the dosage that session gave it."""

    __tablename__ = "completion_exercise"

    id: int | None = Field(default=None, primary_key=True)
    completion_id: int = Field(foreign_key="completion.id", index=True, ondelete="CASCADE")
    position: int
    exercise_slug: str = Field(max_length=80, index=True)
    kind: str = Field(max_length=8)  # hold | reps | timed
    sets: int
    amount: int  # seconds held or worked, or reps, per set and side
    per_side: bool = False


class ProgramVersion(SQLModel, table=True):
    """Program settings in force from `effective_from`; older versions keep the past as it was."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    effective_from: date
    start: date
    goal: str = Field(max_length=16)
    session_days: str = Field(max_length=20)  # weekday numbers, "0,2,4"
    experience: str = Field(max_length=16)
    equipment: str = Field(default="", max_length=80)  # "mini band,strap"
    deload_every: int = 4
    created_at: datetime = Field(default_factory=utc_now)


class PlanEvent(SQLModel, table=True):
    """Something the user told the plan: skip a day, move a day, or a vacation range."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=16)  # skip | move | vacation
    day: date
    until: date | None = None  # the target day of a move, the last day of a vacation
    created_at: datetime = Field(default_factory=utc_now)
