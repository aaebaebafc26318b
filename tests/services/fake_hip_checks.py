"""The training store's hip checks, in memory, for use-case tests (part of `FakeTrainingStore`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from routines.figures.body import Side
from routines.hip_check import HipCheck, lagging_side
from webapp.store.hip_check_rows import HIP_CHECKS_READ


@dataclass
class FakeHipChecks:
    """Hip checks kept in a list of (id, user id, client id, check), in the order added."""

    hip_checks_kept: list[tuple[int, int, str, HipCheck]] = field(default_factory=list)

    def add_hip_check(self, user_id: int, client_id: str, check: HipCheck) -> tuple[int, bool]:
        known = self.hip_check_id(user_id, client_id)
        if known is not None:
            return known, False
        check_id = len(self.hip_checks_kept) + 1
        self.hip_checks_kept.append((check_id, user_id, client_id, check))
        return check_id, True

    def hip_check_id(self, user_id: int, client_id: str) -> int | None:
        found = (i for i, u, c, _ in self.hip_checks_kept if (u, c) == (user_id, client_id))
        return next(found, None)

    def hip_check(self, user_id: int, check_id: int) -> HipCheck | None:
        found = (k for i, u, _, k in self.hip_checks_kept if (i, u) == (check_id, user_id))
        return next(found, None)

    def hip_check_entries(
        self, user_id: int, most: int = HIP_CHECKS_READ
    ) -> list[tuple[int, str, HipCheck]]:
        theirs = [(i, c, k) for i, u, c, k in self.hip_checks_kept if u == user_id]
        theirs.sort(key=lambda entry: (entry[2].taken_on, entry[0]))
        return theirs[-most:] if most else []

    def hip_checks(self, user_id: int) -> list[HipCheck]:
        return [check for _, _, check in self.hip_check_entries(user_id)]

    def hip_check_lags(self, user_id: int) -> list[tuple[date, Side | None]]:
        return [(check.taken_on, lagging_side(check)) for check in self.hip_checks(user_id)]

    def hip_check_count(self, user_id: int) -> int:
        return sum(1 for _, u, _, _ in self.hip_checks_kept if u == user_id)

    def add_hip_checks(self, user_id: int, checks: Sequence[tuple[str, HipCheck]]) -> int:
        return sum(self.add_hip_check(user_id, client_id, check)[1] for client_id, check in checks)
