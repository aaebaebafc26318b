"""Queries for secured accounts: email and password, signed-in devices and passkeys."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select as select_columns
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, func, select, update

from routines import bounds
from webapp.store.db import Queries
from webapp.store.models import Completion, Passkey, PushSubscription, SignIn, User, utc_now

#: A signed-in device's "last seen" is written at most this often (not on every request).
SEEN_EVERY = timedelta(hours=1)
#: Sessions moved per statement when a guest's history joins an account (SQLite's variable limit).
ADOPT_BATCH = 500


@dataclass(frozen=True)
class Adopted:
    """What logging in brought along from the device's guest account."""

    moved: int
    left_behind: int  # new sessions the account had no room for, newest kept


class AccountStore(Queries):
    """Secured accounts; every method is one short transaction."""

    def user_by_email(self, email: str) -> User | None:
        with self._session() as session:
            return session.exec(select(User).where(User.email == email)).first()

    def secure(self, user_id: int, email: str, password_hash: str | None) -> bool:
        """Give a guest account an email (and a password hash); False if the email is taken."""
        with self._session() as session:
            user = session.get(User, user_id)
            if user is None:
                return False
            user.email, user.password_hash, user.secured_at = email, password_hash, utc_now()
            try:
                session.commit()
            except IntegrityError:
                return False
            return True

    def set_password(self, user_id: int, password_hash: str) -> None:
        with self._session() as session:
            session.exec(
                update(User).where(col(User.id) == user_id).values(password_hash=password_hash)
            )
            session.commit()

    # Signed-in devices

    def add_sign_in(self, user_id: int, token_hash: str, label: str, method: str) -> SignIn:
        with self._session() as session:
            row = SignIn(user_id=user_id, token_hash=token_hash, label=label, method=method)
            session.add(row)
            session.commit()
            return row

    def signed_in(self, user_id: int, token_hash: str, now: datetime) -> bool:
        """Whether this device's sign-in still stands; notes when the device was last seen."""
        with self._session() as session:
            row = session.exec(
                select(SignIn).where(SignIn.token_hash == token_hash, SignIn.user_id == user_id)
            ).first()
            if row is None:
                return False
            if now - row.last_seen_at > SEEN_EVERY:
                row.last_seen_at = now
                session.commit()
            return True

    def sign_ins(self, user_id: int) -> Sequence[SignIn]:
        with self._session() as session:
            query = (
                select(SignIn)
                .where(SignIn.user_id == user_id)
                .order_by(col(SignIn.last_seen_at).desc())
            )
            return session.exec(query).all()

    def end_sign_in(self, user_id: int, *, public_id: str = "", token_hash: str = "") -> bool:
        """Sign one device out, by its public id or its token; False if it wasn't theirs."""
        with self._session() as session:
            query = delete(SignIn).where(col(SignIn.user_id) == user_id)
            if public_id:
                query = query.where(col(SignIn.public_id) == public_id)
            else:
                query = query.where(col(SignIn.token_hash) == token_hash)
            gone = session.exec(query)
            session.commit()
            return bool(gone.rowcount)

    def end_other_sign_ins(self, user_id: int, keep_token_hash: str) -> int:
        with self._session() as session:
            gone = session.exec(
                delete(SignIn).where(
                    col(SignIn.user_id) == user_id, col(SignIn.token_hash) != keep_token_hash
                )
            )
            session.commit()
            return int(gone.rowcount)

    # Passkeys

    def passkeys(self, user_id: int) -> Sequence[Passkey]:
        with self._session() as session:
            query = select(Passkey).where(Passkey.user_id == user_id).order_by(col(Passkey.id))
            return session.exec(query).all()

    def add_passkey(self, passkey: Passkey) -> bool:
        """Store a new passkey; False if that credential is already registered."""
        with self._session() as session:
            session.add(passkey)
            try:
                session.commit()
            except IntegrityError:
                return False
            return True

    def passkey(self, credential_id: str) -> Passkey | None:
        with self._session() as session:
            query = select(Passkey).where(Passkey.credential_id == credential_id)
            return session.exec(query).first()

    def used_passkey(self, passkey_id: int, sign_count: int) -> None:
        with self._session() as session:
            session.exec(
                update(Passkey)
                .where(col(Passkey.id) == passkey_id)
                .values(sign_count=sign_count, last_used_at=utc_now())
            )
            session.commit()

    def remove_passkey(self, user_id: int, public_id: str) -> bool:
        with self._session() as session:
            gone = session.exec(
                delete(Passkey).where(
                    col(Passkey.user_id) == user_id, col(Passkey.public_id) == public_id
                )
            )
            session.commit()
            return bool(gone.rowcount)

    # Logging in on a device that was a guest

    def adopt_guest(self, guest_id: int, user_id: int) -> Adopted:
        """Move a guest's sessions and push devices into the account they log in to.

        Sessions the account already has (the same idempotency key) stay once. Of the others,
        the newest move while the account has room (`bounds.MOST_SESSIONS_A_DAY` on their day,
        `bounds.MOST_SESSIONS` in all); the rest stay with the guest account, which the caller
        deletes with its other rows (a program, reminders).
        """
        with self._session() as session:
            guest = session.get(User, guest_id)
            if guest is None or guest.secured_at is not None or guest_id == user_id:
                return Adopted(0, 0)
            moving, left = self._room_for(session, guest_id, user_id)
            for start in range(0, len(moving), ADOPT_BATCH):
                session.exec(
                    update(Completion)
                    .where(col(Completion.id).in_(moving[start : start + ADOPT_BATCH]))
                    .values(user_id=user_id)
                )
            session.exec(
                update(PushSubscription)
                .where(col(PushSubscription.user_id) == guest_id)
                .values(user_id=user_id)
            )
            session.commit()
            return Adopted(len(moving), left)

    def _room_for(self, session: Session, guest_id: int, user_id: int) -> tuple[list[int], int]:
        """The ids of the guest's new sessions that fit in the account, newest first, and how
        many new ones don't."""
        per_day = dict(
            session.execute(
                select_columns(col(Completion.local_date), func.count())
                .where(col(Completion.user_id) == user_id)
                .group_by(col(Completion.local_date))
            ).all()
        )
        in_all = sum(per_day.values())
        known = select(col(Completion.op_id)).where(Completion.user_id == user_id)
        newest_first = (
            select_columns(col(Completion.id), col(Completion.local_date))
            .where(col(Completion.user_id) == guest_id, col(Completion.op_id).not_in(known))
            .order_by(col(Completion.ended_at).desc(), col(Completion.id).desc())
        )
        moving: list[int] = []
        left = 0
        for completion_id, day in session.execute(newest_first):
            if in_all >= bounds.MOST_SESSIONS or per_day.get(day, 0) >= bounds.MOST_SESSIONS_A_DAY:
                left += 1
                continue
            per_day[day] = per_day.get(day, 0) + 1
            in_all += 1
            moving.append(completion_id)
        return moving, left
