"""Queries for a user's plan: their program versions, skips, moves and vacations, and the
private calendar feed's token. `PlanRows` is part of the training store.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select as select_columns
from sqlmodel import Session, col, delete, func, select

from webapp.store.db import Queries
from webapp.store.models import PlanEvent, ProgramVersion, User


def _settings(version: ProgramVersion) -> tuple[object, ...]:
    """What a program version sets, without when it takes effect."""
    return (version.goal, version.session_days, version.experience, version.equipment,
            version.deload_every)  # fmt: skip


class PlanRows(Queries):
    """Program versions and plan events; each method is one short transaction."""

    def program_versions(self, user_id: int) -> Sequence[ProgramVersion]:
        """The user's program settings, oldest first."""
        with self._session() as session:
            query = (
                select(ProgramVersion)
                .where(ProgramVersion.user_id == user_id)
                .order_by(col(ProgramVersion.effective_from), col(ProgramVersion.id))
            )
            return session.exec(query).all()

    def save_program_version(self, version: ProgramVersion, most: int) -> None:
        """Make `version` the user's program from its day on, then keep versions few.

        Versions from that day on are replaced; see `keep_program_versions` for the rest.
        """
        with self._session() as session:
            session.exec(
                delete(ProgramVersion).where(
                    col(ProgramVersion.user_id) == version.user_id,
                    col(ProgramVersion.effective_from) >= version.effective_from,
                )
            )
            session.add(version)
            session.flush()
            self._keep_versions(session, version.user_id, most)
            session.commit()

    def keep_program_versions(self, user_id: int, most: int) -> None:
        """Keep one version a day (the last saved), none that repeats the one before, and only
        the newest `most`: the days before the oldest kept follow it.
        """
        with self._session() as session:
            self._keep_versions(session, user_id, most)
            session.commit()

    @staticmethod
    def _keep_versions(session: Session, user_id: int, most: int) -> None:
        query = (
            select(ProgramVersion)
            .where(ProgramVersion.user_id == user_id)
            .order_by(col(ProgramVersion.effective_from), col(ProgramVersion.id))
        )
        kept: list[ProgramVersion] = []
        gone: list[ProgramVersion] = []
        for version in session.exec(query).all():
            if kept and kept[-1].effective_from == version.effective_from:
                gone.append(kept.pop())
            if kept and _settings(kept[-1]) == _settings(version):
                gone.append(version)
            else:
                kept.append(version)
        gone.extend(kept[: max(0, len(kept) - most)])
        for version in gone:
            session.delete(version)

    def add(self, row: ProgramVersion | PlanEvent) -> None:
        with self._session() as session:
            session.add(row)
            session.commit()

    def plan_changes(self, user_id: int) -> list[tuple[str, date, date | None]]:
        """The user's plan events as (kind, day, until), oldest first: what the plan reads."""
        with self._session() as session:
            query = (
                select_columns(col(PlanEvent.kind), col(PlanEvent.day), col(PlanEvent.until))
                .where(col(PlanEvent.user_id) == user_id)
                .order_by(col(PlanEvent.id))
            )
            return [(kind, day, until) for kind, day, until in session.execute(query).all()]

    def plan_event_count(self, user_id: int) -> int:
        with self._session() as session:
            query = (
                select(func.count()).select_from(PlanEvent).where(col(PlanEvent.user_id) == user_id)
            )
            return session.exec(query).one()

    def plan_events(self, user_id: int, kind: str | None = None) -> Sequence[PlanEvent]:
        """The user's plan events (of `kind` only, when given), oldest first."""
        with self._session() as session:
            query = select(PlanEvent).where(PlanEvent.user_id == user_id)
            if kind is not None:
                query = query.where(PlanEvent.kind == kind)
            return session.exec(query.order_by(col(PlanEvent.id))).all()

    def delete_plan_events(
        self, user_id: int, kind: str, day: date | None = None, event_id: int | None = None
    ) -> int:
        """Delete the user's own events of `kind` (on `day`, or with `event_id`); how many went."""
        with self._session() as session:
            query = select(PlanEvent).where(PlanEvent.user_id == user_id, PlanEvent.kind == kind)
            if day is not None:
                query = query.where(PlanEvent.day == day)
            if event_id is not None:
                query = query.where(PlanEvent.id == event_id)
            rows = session.exec(query).all()
            for row in rows:
                session.delete(row)
            session.commit()
            return len(rows)

    def set_calendar_token(self, user: User, token: str | None) -> None:
        with self._session() as session:
            row = session.get(User, user.id)
            if row is not None:
                row.calendar_token = token
                session.commit()
        user.calendar_token = token

    def user_by_calendar_token(self, token: str) -> User | None:
        with self._session() as session:
            return session.exec(select(User).where(User.calendar_token == token)).first()
