"""The database tables. Only the modules of `webapp/store/` query them."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from webapp.clock import now_or_system


def utc_now() -> datetime:
    """This moment by the app's clock (the system's outside an app), for row timestamps."""
    return now_or_system()


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
    #: Every reminder stays quiet through this local date ("Pause all reminders until …").
    reminders_paused_until: date | None = None
    created_at: datetime = Field(default_factory=utc_now)
    #: A secured account has an email (stored lower-case) and a password hash, a passkey, or both.
    email: str | None = Field(default=None, unique=True, index=True, max_length=254)
    password_hash: str | None = Field(default=None, max_length=256)
    secured_at: datetime | None = None
    #: The last UTC date a device opened the account (written at most daily): guests not seen
    #: for long are pruned (webapp/store/guests.py).
    last_seen_on: date | None = Field(default=None, index=True)
    #: The precautions screen's answers, comma-separated `routines.precautions.Precaution`
    #: values ("" until answered): they leave moves out of every routine and plan.
    precautions: str = Field(default="", max_length=160, sa_column_kwargs={"server_default": ""})


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


class Reminder(SQLModel, table=True):
    """One kind of reminder a user set: the daily session reminder or desk breaks.

    `next_fire_utc` is when the scheduler next looks at it; claiming a reminder is
    moving that instant on, which only one scheduler can do.
    """

    __table_args__ = (UniqueConstraint("user_id", "kind", name="uq_reminder_user_kind"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=8)  # session | desk
    enabled: bool = False
    #: Weekday numbers, "0,2,4"; "" for the session reminder means the plan's session days.
    weekdays: str = Field(default="", max_length=20)
    at: time  # the session reminder's time; the start of the working day for desk breaks
    until: time | None = None  # the end of the working day (desk breaks)
    every: int = 0  # minutes between desk breaks
    next_fire_utc: datetime | None = Field(default=None, index=True)
    quiet_on: date | None = None  # "Skip today" was tapped for this local date


class PushSubscription(SQLModel, table=True):
    """A browser on one of the user's devices that agreed to show Hipday's notifications."""

    __tablename__ = "push_subscription"

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(default_factory=new_public_id, unique=True, max_length=32)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    endpoint: str = Field(max_length=2048, unique=True)
    p256dh: str = Field(max_length=128)
    auth: str = Field(max_length=64)
    vapid_key: str = Field(max_length=100)  # the server key the subscription was made under
    label: str = Field(default="", max_length=80)  # "Chrome on Android"
    created_at: datetime = Field(default_factory=utc_now)
    last_sent_at: datetime | None = None


class ReminderDelivery(SQLModel, table=True):
    """A reminder the scheduler claimed to send, with its payload, until it is sent."""

    __tablename__ = "reminder_delivery"
    __table_args__ = (UniqueConstraint("reminder_id", "due_utc", name="uq_delivery_due"),)

    id: int | None = Field(default=None, primary_key=True)
    reminder_id: int = Field(foreign_key="reminder.id", index=True, ondelete="CASCADE")
    due_utc: datetime
    claimed_at: datetime
    status: str = Field(default="sending", max_length=12, index=True)  # sending | sent | failed
    payload: str = Field(max_length=4000)
    detail: str = Field(default="", max_length=200)


class SignIn(SQLModel, table=True):
    """One device signed in to a secured account; its cookie carries the token, we keep a hash.

    Logging out deletes the row; changing the password deletes every other one.
    """

    __tablename__ = "sign_in"

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(default_factory=new_public_id, unique=True, max_length=32)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(unique=True, max_length=64)
    label: str = Field(default="", max_length=80)  # "Chrome on Android"
    method: str = Field(max_length=12)  # password | passkey | secured
    created_at: datetime = Field(default_factory=utc_now)
    last_seen_at: datetime = Field(default_factory=utc_now)


class Passkey(SQLModel, table=True):
    """A WebAuthn credential that signs the user in instead of a password."""

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(default_factory=new_public_id, unique=True, max_length=32)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    credential_id: str = Field(unique=True, max_length=1400)  # base64url
    public_key: bytes
    sign_count: int = 0
    transports: str = Field(default="", max_length=100)  # "internal,hybrid"
    label: str = Field(default="", max_length=80)
    created_at: datetime = Field(default_factory=utc_now)
    last_used_at: datetime | None = None


class ReminderPush(SQLModel, table=True):
    """How one device's push of one delivery went, written as soon as its push service answered.

    A scheduler that takes over an unfinished delivery sends only to the devices without a row,
    so a device that already has the reminder doesn't get it again.
    """

    __tablename__ = "reminder_push"
    __table_args__ = (
        UniqueConstraint("delivery_id", "subscription_id", name="uq_reminder_push_device"),
    )

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="reminder_delivery.id", ondelete="CASCADE")
    subscription_id: int = Field(foreign_key="push_subscription.id", index=True, ondelete="CASCADE")
    outcome: str = Field(max_length=8)  # sent | gone | failed
    at: datetime


class HipCheckRecord(SQLModel, table=True):
    """One hip check's results (`routines.hip_check.HipCheck`); None where a part was skipped.

    `client_id` is the phone's id for the check, so a check sent again (offline, then online)
    is stored once.
    """

    __tablename__ = "hip_check"
    __table_args__ = (UniqueConstraint("user_id", "client_id", name="uq_hip_check_user_client"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    client_id: str = Field(max_length=64)
    taken_on: date
    created_at: datetime = Field(default_factory=utc_now)
    right_outward: int | None = None
    right_inward: int | None = None
    left_outward: int | None = None
    left_inward: int | None = None
    right_outward_estimated: bool = False
    right_inward_estimated: bool = False
    left_outward_estimated: bool = False
    left_inward_estimated: bool = False
    right_outward_pain_free: bool | None = None
    right_inward_pain_free: bool | None = None
    left_outward_pain_free: bool | None = None
    left_inward_pain_free: bool | None = None
    balance_right: int | None = None
    balance_left: int | None = None
    plank_right: int | None = None
    plank_left: int | None = None
    plank_on_knees: bool = False
    pelvis_level: bool | None = None


class DataVersion(SQLModel, table=True):
    """A number that grows with every change to what a user's pages are derived from.

    Database triggers (migration 0011) keep it: a row is made with its user, and any insert,
    update or delete of the user's sessions, plan changes, program versions or hip checks, or a
    change of their precautions or time zone, adds one in the same transaction, whatever code
    made the change (a page, an import, a restore, a console). What is derived from history is
    kept under this number (`webapp/services/derived.py`), so one indexed read says whether it
    is still true. No row (a database built without the migrations) means nothing is kept.
    """

    user_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    version: int = 0


class KeptPage(SQLModel, table=True):
    """A rendered page, kept for every web process under what it was rendered from.

    One row per user and page (`webapp/views/shelf.py`): `key` is a digest of the code, the
    library, the user's data version, the day and whatever else the page read, so a row whose
    key differs from the one a request computes is simply not used, and is replaced. It is a
    cache, never a source: deleting every row loses nothing. Rows go with their user (a guest
    deleted for keeping nothing may have had a page kept).
    """

    user_id: int = Field(
        primary_key=True,
        foreign_key="user.id",
        ondelete="CASCADE",
        sa_column_kwargs={"autoincrement": False},
    )
    page: str = Field(primary_key=True, max_length=64)
    key: str = Field(max_length=64)
    #: The user's day it was rendered for: the daily tidy deletes rows no day can use again.
    day: date = Field(index=True)
    #: The page, deflated in pieces around its slots (`webapp/web/gzip_pieces.py: Pieces`).
    html: bytes
