"""Use cases of the hip check: reading a check the phone sent, keeping it once, finding one.

Plain functions over their collaborators (the store, the user, the day), no Flask. The phone
sends the check's fields as a form (see `FIELDS`); each is parsed strictly, and a refusal names
the field in words, so the phone can show it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from routines import bounds
from routines.figures.body import Side
from routines.hip_check import (
    MOST_BALANCE_SECONDS,
    MOST_DEGREES,
    MOST_PLANK_SECONDS,
    HipCheck,
    Rotation,
    RotationResult,
)
from webapp import inputs
from webapp.store.models import User
from webapp.store.training import TrainingStore

#: The phone's id for one check (a UUID): the same check sent twice is stored once.
CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
SIDES = (Side.RIGHT, Side.LEFT)
SIDE_WORDS = {Side.RIGHT: "Right", Side.LEFT: "Left"}
ROTATION_WORDS = {Rotation.OUTWARD: "outward rotation", Rotation.INWARD: "inward rotation"}
ANSWERS = {"": None, "yes": True, "no": False}
#: The checks Progress charts: years of one every phase, and a chart 340 px wide still reads
#: them; charting all 500 an account may keep took Progress from 5 ms to 80 ms (make bench).
CHECKS_CHARTED = 24


class Refused(ValueError):
    """A check Hipday doesn't take; the message says why, for a person."""


@dataclass(frozen=True)
class Saved:
    """A check kept: its id, and whether this request stored it (False on a replay)."""

    check_id: int
    created: bool


def _field(form: Mapping[str, str], name: str) -> str:
    return form.get(name, "").strip()


def _whole(form: Mapping[str, str], name: str, words: str, most: int) -> int | None:
    text = _field(form, name)
    if not text:
        return None
    try:
        return inputs.whole(text, 0, most)
    except inputs.Refused as refused:
        raise Refused(refused.about(words)) from None


def _flag(form: Mapping[str, str], name: str, words: str) -> bool:
    text = _field(form, name)
    if text not in ("", "1"):
        raise Refused(f"{words} must be 1 or left out.")
    return text == "1"


def _answer(form: Mapping[str, str], name: str, words: str) -> bool | None:
    text = _field(form, name)
    if text not in ANSWERS:
        raise Refused(f"{words} must be yes, no or left empty.")
    return ANSWERS[text]


def _rotations(form: Mapping[str, str]) -> tuple[RotationResult, ...]:
    found = []
    for side in SIDES:
        for rotation in Rotation:
            name, words = f"{side}_{rotation}", f"{SIDE_WORDS[side]} {ROTATION_WORDS[rotation]}"
            degrees = _whole(form, name, words, MOST_DEGREES)
            estimated = _flag(
                form, f"{name}_estimated", f"Whether the {words.lower()} is estimated"
            )
            pain_free = _answer(
                form, f"{name}_pain_free", f"Whether the {words.lower()} was pain-free"
            )
            if degrees is not None:
                found.append(RotationResult(side, rotation, degrees, estimated, pain_free))
    return tuple(found)


def _per_side(form: Mapping[str, str], part: str, words: str, most: int) -> Mapping[Side, int]:
    found = {}
    for side in SIDES:
        seconds = _whole(form, f"{part}_{side}", f"{SIDE_WORDS[side]} {words}", most)
        if seconds is not None:
            found[side] = seconds
    return MappingProxyType(found)


def _taken_on(form: Mapping[str, str], today: date) -> date:
    try:
        day = inputs.day(_field(form, "taken_on"))
    except inputs.Refused as refused:
        raise Refused(refused.about("The check's date")) from None
    latest = bounds.latest_session_day(today)  # a phone's date may run ahead of the user's
    if day > latest:
        raise Refused(f"The check's date must be on or before {latest.isoformat()}.")
    return day


def parse_check(form: Mapping[str, str], today: date) -> tuple[str, HipCheck]:
    """The phone's id for the check and the check a form holds; Refused says what is wrong."""
    client_id = _field(form, "client_id")
    if CLIENT_ID.fullmatch(client_id) is None:
        raise Refused("The check's id must be 8 to 64 letters, digits, - or _.")
    check = HipCheck(
        taken_on=_taken_on(form, today),
        rotations=_rotations(form),
        balance_seconds=_per_side(form, "balance", "balance", MOST_BALANCE_SECONDS),
        plank_seconds=_per_side(form, "plank", "side plank", MOST_PLANK_SECONDS),
        plank_on_knees=_flag(form, "plank_on_knees", "Whether the side plank was on the knees"),
        pelvis_level=_answer(form, "pelvis_level", "Whether the pelvis stayed level"),
    )
    if not (check.rotations or check.balance_seconds or check.plank_seconds):
        raise Refused("The check has no results: measure at least one rotation, balance or plank.")
    return client_id, check


def record_check(store: TrainingStore, user: User, form: Mapping[str, str], today: date) -> Saved:
    """Keep the check the form holds, once per its id; Refused when it can't be kept."""
    client_id, check = parse_check(form, today)
    user_id = user.id or 0
    known = store.hip_check_id(user_id, client_id)
    if known is not None:
        return Saved(known, False)
    if store.hip_check_count(user_id) >= bounds.MOST_HIP_CHECKS:
        raise Refused(
            f"You have {bounds.MOST_HIP_CHECKS} hip checks, the most Hipday keeps for an account."
        )
    check_id, created = store.add_hip_check(user_id, client_id, check)
    return Saved(check_id, created)


def find_check(store: TrainingStore, user: User, check_id: int) -> HipCheck | None:
    """The user's own check with this id; None for another user's or a guest without any."""
    return None if user.id is None else store.hip_check(user.id, check_id)


def recent_checks(store: TrainingStore, user: User) -> list[tuple[int, str, HipCheck]]:
    """The user's newest checks that Progress charts, newest last, each with its id and the
    phone's id."""
    return [] if user.id is None else store.hip_check_entries(user.id, CHECKS_CHARTED)
