"""Hip checks in an export and an import: written with the fields the phone sends, and read
back through the same strict parser, so a file can't hold a check the phone couldn't send.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from routines import bounds
from routines.figures.body import Side
from routines.hip_check import HipCheck, Rotation
from webapp.services.hip_checks import Refused, parse_check
from webapp.store.training import TrainingStore

ROTATIONS = tuple(f"{side}_{rotation}" for side in (Side.RIGHT, Side.LEFT) for rotation in Rotation)
NUMBERS = (*ROTATIONS, "balance_right", "balance_left", "plank_right", "plank_left")
FLAGS = (*(f"{name}_estimated" for name in ROTATIONS), "plank_on_knees")
ANSWERS = (*(f"{name}_pain_free" for name in ROTATIONS), "pelvis_level")
COLUMNS = ("client_id", "taken_on", *NUMBERS, *FLAGS, *ANSWERS)


def _fields(client_id: str, check: HipCheck) -> dict[str, Any]:
    """A check as the export writes it: the phone's field names, JSON's numbers and booleans."""
    fields: dict[str, Any] = {"client_id": client_id, "taken_on": check.taken_on.isoformat()}
    fields |= dict.fromkeys(NUMBERS) | dict.fromkeys(FLAGS, False) | dict.fromkeys(ANSWERS)
    for result in check.rotations:
        name = f"{result.side}_{result.rotation}"
        fields[name], fields[f"{name}_estimated"] = result.degrees, result.estimated
        fields[f"{name}_pain_free"] = result.pain_free
    for side in (Side.RIGHT, Side.LEFT):
        fields[f"balance_{side}"] = check.balance_seconds.get(side)
        fields[f"plank_{side}"] = check.plank_seconds.get(side)
    fields["plank_on_knees"], fields["pelvis_level"] = check.plank_on_knees, check.pelvis_level
    return {name: fields[name] for name in COLUMNS}


def exported(store: TrainingStore, user_id: int) -> list[dict[str, Any]]:
    """Every check the account keeps, oldest first, as the JSON export lists them."""
    entries = store.hip_check_entries(user_id, bounds.MOST_HIP_CHECKS)
    return [_fields(client_id, check) for _, client_id, check in entries]


def csv_rows(store: TrainingStore, user_id: int) -> list[list[object]]:
    """hip_checks.csv's rows under `COLUMNS`: booleans as true or false, nothing as empty."""
    return [[row[name] for name in COLUMNS] for row in exported(store, user_id)]


def _as_sent(fields: dict[str, Any]) -> dict[str, str]:
    """A file's check as the phone's form sends it; a value of the wrong JSON type is refused."""
    form = {}
    for name in ("client_id", "taken_on"):
        if not isinstance(fields.get(name), str):
            raise Refused(f"{name} must be a text.")
        form[name] = fields[name]
    for name in NUMBERS:
        value = fields.get(name)
        if value is not None and (type(value) is not int or value < 0):
            raise Refused(f"{name} must be a whole number or null.")
        form[name] = "" if value is None else str(value)
    for name in FLAGS:
        if type(fields.get(name, False)) is not bool:
            raise Refused(f"{name} must be true or false.")
        form[name] = "1" if fields.get(name) else ""
    for name in ANSWERS:
        answer = fields.get(name)
        if answer is not None and type(answer) is not bool:
            raise Refused(f"{name} must be true, false or null.")
        form[name] = "" if answer is None else "yes" if answer else "no"
    return form


def read_hip_checks(
    entries: Sequence[Any], today: date, problems: list[str]
) -> list[tuple[str, HipCheck]]:
    """The file's checks, each with its phone's id, checked; what is wrong goes to `problems`."""
    checks = []
    for number, fields in enumerate(entries, start=1):
        try:
            if not isinstance(fields, dict):
                raise Refused("must be an object, in { }.")
            checks.append(parse_check(_as_sent(fields), today))
        except Refused as refused:
            problems.append(f"Hip check {number}: {refused}")
    return checks
