"""Queries for hip checks: each stored once per the phone's check id, read back as
`routines.hip_check.HipCheck` values. Part of the training store (`TrainingStore`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from types import MappingProxyType
from typing import Any

from sqlalchemy import select as select_columns
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select

from routines.figures.body import Side
from routines.hip_check import HipCheck, Rotation, RotationResult, arc_of, lagging_of_arcs
from webapp.store.db import Queries
from webapp.store.models import HipCheckRecord

#: The checks `hip_checks` reads: Progress charts them and the plan reads the newest.
HIP_CHECKS_READ = 200
SIDES = (Side.RIGHT, Side.LEFT)
WAYS = (Rotation.OUTWARD, Rotation.INWARD)
NEWEST_FIRST = (
    col(HipCheckRecord.taken_on).desc(),
    col(HipCheckRecord.created_at).desc(),
    col(HipCheckRecord.id).desc(),
)


def check_of(row: Any) -> HipCheck:
    """The hip check a row holds: a `HipCheckRecord`, or a row of its columns."""
    rotations = []
    for side in SIDES:
        for rotation in Rotation:
            name = f"{side}_{rotation}"
            degrees = getattr(row, name)
            if degrees is not None:
                estimated, pain_free = (
                    getattr(row, f"{name}_estimated"),
                    getattr(row, f"{name}_pain_free"),
                )
                rotations.append(RotationResult(side, rotation, degrees, estimated, pain_free))
    balance = {s: v for s in SIDES if (v := getattr(row, f"balance_{s}")) is not None}
    plank = {s: v for s in SIDES if (v := getattr(row, f"plank_{s}")) is not None}
    return HipCheck(
        taken_on=row.taken_on,
        rotations=tuple(rotations),
        balance_seconds=MappingProxyType(balance),
        plank_seconds=MappingProxyType(plank),
        plank_on_knees=row.plank_on_knees,
        pelvis_level=row.pelvis_level,
    )


def record_of(user_id: int, client_id: str, check: HipCheck) -> HipCheckRecord:
    """A row for `check`, not yet stored."""
    row = HipCheckRecord(
        user_id=user_id,
        client_id=client_id,
        taken_on=check.taken_on,
        plank_on_knees=check.plank_on_knees,
        pelvis_level=check.pelvis_level,
    )
    for result in check.rotations:
        name = f"{result.side}_{result.rotation}"
        setattr(row, name, result.degrees)
        setattr(row, f"{name}_estimated", result.estimated)
        setattr(row, f"{name}_pain_free", result.pain_free)
    for side in SIDES:
        setattr(row, f"balance_{side}", check.balance_seconds.get(side))
        setattr(row, f"plank_{side}", check.plank_seconds.get(side))
    return row


class HipCheckRows(Queries):
    """A user's hip checks: added once per client id, read newest last."""

    def add_hip_check(self, user_id: int, client_id: str, check: HipCheck) -> tuple[int, bool]:
        """Store the check unless the user already sent `client_id`; its id and whether new."""
        with self._session() as session:
            row = record_of(user_id, client_id, check)
            session.add(row)
            try:
                session.commit()
                return row.id or 0, True
            except IntegrityError:
                session.rollback()
        known = self.hip_check_id(user_id, client_id)
        if known is None:
            raise LookupError("hip check refused for a reason other than a replayed client id")
        return known, False

    def hip_check_id(self, user_id: int, client_id: str) -> int | None:
        """The id of the user's check sent under `client_id`, if there is one."""
        with self._session() as session:
            query = select(HipCheckRecord.id).where(
                HipCheckRecord.user_id == user_id, HipCheckRecord.client_id == client_id
            )
            return session.exec(query).first()

    def hip_check(self, user_id: int, check_id: int) -> HipCheck | None:
        """The user's own check with this id; another user's is not found."""
        with self._session() as session:
            row = session.get(HipCheckRecord, check_id)
            return check_of(row) if row is not None and row.user_id == user_id else None

    def hip_check_entries(
        self, user_id: int, most: int = HIP_CHECKS_READ
    ) -> list[tuple[int, str, HipCheck]]:
        """The user's newest `most` checks, newest last, each with its id and client id."""
        with self._session() as session:
            # Plain rows of the columns: a third of the cost of whole records.
            query = (
                select_columns(*HipCheckRecord.__table__.columns)  # type: ignore[attr-defined]
                .where(col(HipCheckRecord.user_id) == user_id)
                .order_by(*NEWEST_FIRST)
                .limit(most)
            )
            rows = session.execute(query).all()
        return [(row.id or 0, row.client_id, check_of(row)) for row in reversed(rows)]

    def hip_check_lags(self, user_id: int) -> list[tuple[date, Side | None]]:
        """The day and lagging side (`lagging_side`) of the checks `hip_checks` gives: all the
        plan reads of them, without the rest of each check."""
        columns = [col(getattr(HipCheckRecord, f"{side}_{way}")) for side in SIDES for way in WAYS]
        with self._session() as session:
            query = (
                select_columns(col(HipCheckRecord.taken_on), *columns)
                .where(col(HipCheckRecord.user_id) == user_id)
                .order_by(*NEWEST_FIRST)
                .limit(HIP_CHECKS_READ)
            )
            rows = session.execute(query).all()
        lags = [
            (day, lagging_of_arcs(arc_of(ro, ri), arc_of(lo, li))) for day, ro, ri, lo, li in rows
        ]
        return lags[::-1]

    def hip_checks(self, user_id: int) -> list[HipCheck]:
        """The user's newest 200 checks, newest last."""
        return [check for _, _, check in self.hip_check_entries(user_id)]

    def hip_check_count(self, user_id: int) -> int:
        """How many checks the user has."""
        with self._session() as session:
            query = (
                select(func.count())
                .select_from(HipCheckRecord)
                .where(col(HipCheckRecord.user_id) == user_id)
            )
            return session.exec(query).one()

    def add_hip_checks(self, user_id: int, checks: Sequence[tuple[str, HipCheck]]) -> int:
        """Add the checks whose client id the user hasn't sent yet, in one transaction; how
        many were added."""
        with self._session() as session:
            query = select(HipCheckRecord.client_id).where(HipCheckRecord.user_id == user_id)
            known = set(session.exec(query).all())
            added = 0
            for client_id, check in checks:
                if client_id not in known:
                    known.add(client_id)
                    session.add(record_of(user_id, client_id, check))
                    added += 1
            session.commit()
            return added
