"""Reading one library entry field by field; a wrong field stops the load with a `LibraryError`
that names the file, the entry and the field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

from routines.catalog.model import (
    Block,
    Category,
    Equipment,
    Exercise,
    Feature,
    Goal,
    LibraryError,
    Position,
    Prescription,
    Routine,
    RoutineKind,
    SeedDose,
    Span,
)
from routines.dosage import AMOUNT_FIELD, Dosage, DosageKind, dosage_problems

E = TypeVar("E", bound=StrEnum)
EXERCISE_FIELDS = {
    "slug", "name", "summary", "category", "position", "equipment", "per_side", "dosage",
    "setup", "cues", "mistakes", "easier", "harder", "muscles", "seeds", "safety",
    "tags", "seed_dose",
}  # fmt: skip
ROUTINE_FIELDS = {
    "slug", "name", "summary", "kind", "goals", "quick_start", "rest_between_exercises", "block",
    "signature", "safety",
}  # fmt: skip
#: What `seeds` may name: a seed article's file (000_fd7529d5c19d87ce.txt), or common practice
#: where no seed covers the move.
SEED_NAME = re.compile(r"\d{3}(_[0-9a-f]+)?\.txt|common practice")
DOSAGE_FIELDS = ("sets", "hold_seconds", "reps", "work_seconds", "rest_seconds", "tempo_seconds")
ITEM_FIELDS = {
    "exercise", "sets", "hold_seconds", "reps", "work_seconds", "rest_seconds", "tempo_seconds",
}  # fmt: skip


class EntryReader:
    """Reads one TOML entry field by field, raising a `LibraryError` that names the field."""

    def __init__(self, file: str, kind: str, raw: dict[str, Any]) -> None:
        self.file, self.raw = file, raw
        slug = raw.get("slug")
        self.entry = f"{kind} '{slug}'" if isinstance(slug, str) else f"{kind} without a slug"

    def fail(self, field: str, problem: str) -> LibraryError:
        """The error naming this entry's `field` and its `problem`."""
        return LibraryError(self.file, self.entry, field, problem)

    def check_fields(self, allowed: set[str], raw: Mapping[str, Any] | None = None) -> None:
        """Refuse a field not in `allowed` (most often a typo)."""
        unknown = sorted(set(self.raw if raw is None else raw) - allowed)
        if unknown:
            raise self.fail(unknown[0], "unknown field (a typo?)")

    def text(self, field: str, raw: Mapping[str, Any] | None = None) -> str:
        """A text that is there and not blank, stripped."""
        value = (self.raw if raw is None else raw).get(field)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(field, "missing or empty text")
        return value.strip()

    def texts(self, field: str, least: int, most: int | None = None) -> tuple[str, ...]:
        """A list of `least` to `most` texts, each stripped."""
        value = self.raw.get(field, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(field, "must be a list of texts")
        if len(value) < least:
            raise self.fail(field, f"needs at least {least}, has {len(value)}")
        if most is not None and len(value) > most:
            raise self.fail(field, f"allows at most {most}, has {len(value)}")
        return tuple(v.strip() for v in value)

    def choice(self, field: str, enum: type[E], value: Any = None) -> E:
        """One of `enum`'s values; the error lists them all."""
        value = self.raw.get(field) if value is None else value
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(repr(e.value) for e in enum)
            raise self.fail(field, f"unknown value {value!r}; use one of {allowed}") from None

    def number(self, field: str, raw: Mapping[str, Any], default: int | None) -> int | None:
        """A whole number (not a flag), or `default` when the field is left out."""
        value = raw.get(field, default)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise self.fail(field, f"must be a whole number, not {value!r}")
        return value

    def flag(self, field: str, default: bool) -> bool:
        """True or false, or `default` when the field is left out."""
        value = self.raw.get(field, default)
        if not isinstance(value, bool):
            raise self.fail(field, "must be true or false")
        return value

    def dosage(self, where: str, raw: Mapping[str, Any], base: Dosage | None) -> Dosage:
        """A dosage from `raw`, each missing value taken from `base` (the exercise default)."""
        prefix = f"{where}." if where else ""
        if base is None:
            self.check_fields({"kind", *DOSAGE_FIELDS}, raw)
            kind = self.choice(f"{prefix}kind", DosageKind, raw.get("kind"))
            values = {name: raw.get(name) for name in DOSAGE_FIELDS}
        else:
            kind = base.kind
            values = {name: raw.get(name, getattr(base, name)) for name in DOSAGE_FIELDS}
        for name, value in values.items():
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise self.fail(f"{prefix}{name}", f"must be a whole number, not {value!r}")
        values["rest_seconds"] = values["rest_seconds"] or 0
        for field, problem in dosage_problems(kind, values):
            raise self.fail(f"{prefix}{field}", problem)
        return Dosage(
            kind,
            sets=values["sets"] or 0,
            hold_seconds=values["hold_seconds"],
            reps=values["reps"],
            work_seconds=values["work_seconds"],
            rest_seconds=values["rest_seconds"] or 0,
            tempo_seconds=values["tempo_seconds"],
        )

    def exercise(self) -> Exercise:
        """The entry as an exercise, every field checked."""
        self.check_fields(EXERCISE_FIELDS)
        raw_dosage = self.raw.get("dosage")
        if not isinstance(raw_dosage, dict):
            raise self.fail("dosage", "missing; write dosage = { kind = ..., sets = ..., ... }")
        safety = self.raw.get("safety")
        default_dosage = self.dosage("dosage", raw_dosage, None)
        return Exercise(
            slug=self.text("slug"),
            name=self.text("name"),
            summary=self.text("summary"),
            category=self.choice("category", Category),
            position=self.choice("position", Position),
            equipment=self.choice("equipment", Equipment),
            per_side=self.flag("per_side", False),
            default_dosage=default_dosage,
            setup=self.texts("setup", 2, 4),
            cues=self.texts("cues", 2, 4),
            mistakes=self.texts("mistakes", 1),
            easier=self.texts("easier", 0),
            harder=self.texts("harder", 0),
            muscles=self.texts("muscles", 1),
            seeds=self.seeds(),
            tags=self.tags(),
            safety=self.text("safety") if safety is not None else None,
            seed_dose=self.seed_dose(default_dosage),
        )

    def seeds(self) -> tuple[str, ...]:
        """The seed files the facts come from, or 'common practice'."""
        seeds = self.texts("seeds", 1)
        for seed in seeds:
            if not SEED_NAME.fullmatch(seed):
                problem = f"{seed!r} is neither a seed file (000_….txt) nor 'common practice'"
                raise self.fail("seeds", problem)
        return seeds

    def seed_dose(self, dosage: Dosage) -> SeedDose | None:
        """The seed's dose ranges: sets, and the reps or the hold the exercise is dosed in."""
        raw = self.raw.get("seed_dose")
        if raw is None:
            return None
        if not isinstance(raw, dict):
            raise self.fail("seed_dose", "write seed_dose = { sets = [3, 3], reps = [15, 30] }")
        if dosage.kind is DosageKind.TIMED:
            raise self.fail("seed_dose", "only a reps or hold exercise takes a seed dose")
        amount = AMOUNT_FIELD[dosage.kind]
        self.check_fields({"sets", amount}, raw)
        spans = {name: self.span(f"seed_dose.{name}", raw.get(name)) for name in ("sets", amount)}
        return SeedDose(**spans)

    def span(self, field: str, value: Any) -> Span:
        """A (low, high) range of whole positive numbers, low first."""
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)
            or value[0] > value[1]
        ):
            raise self.fail(field, f"must be [low, high], positive whole numbers, not {value!r}")
        return value[0], value[1]

    def tags(self) -> frozenset[Feature]:
        """The movement features: exactly one of 'gentle' and 'loaded', and any others."""
        tags = frozenset(self.choice("tags", Feature, t) for t in self.texts("tags", 1))
        if len(tags & {Feature.GENTLE, Feature.LOADED}) != 1:
            raise self.fail("tags", "needs exactly one of 'gentle' and 'loaded'")
        return tags

    def routine(self, exercises: Mapping[str, Exercise]) -> Routine:
        """The entry as a routine of the library's `exercises`, every field checked."""
        self.check_fields(ROUTINE_FIELDS)
        goals = self.raw.get("goals")
        if not isinstance(goals, list) or not goals:
            raise self.fail("goals", "needs at least one goal")
        blocks = self.raw.get("block")
        if not isinstance(blocks, list) or not blocks:
            raise self.fail("block", "a routine needs at least one [[routine.block]]")
        rest = self.number("rest_between_exercises", self.raw, 0) or 0
        if rest < 0:
            raise self.fail("rest_between_exercises", f"cannot be negative ({rest})")
        built = tuple(self.block(b, exercises) for b in blocks)
        signature = self.text("signature") if "signature" in self.raw else ""
        used = {p.exercise.slug for block in built for p in block.prescriptions}
        if signature and signature not in used:
            raise self.fail("signature", f"{signature!r} is not one of the routine's exercises")
        return Routine(
            slug=self.text("slug"),
            name=self.text("name"),
            summary=self.text("summary"),
            kind=self.choice("kind", RoutineKind),
            goals=tuple(self.choice("goals", Goal, g) for g in goals),
            blocks=built,
            safety=self.text("safety"),
            quick_start=self.flag("quick_start", False),
            rest_between_exercises=rest,
            signature=signature,
        )

    def block(self, raw: Any, exercises: Mapping[str, Exercise]) -> Block:
        """One block of a routine, with its items."""
        if not isinstance(raw, dict):
            raise self.fail("block", "write each block as [[routine.block]]")
        self.check_fields({"name", "item"}, raw)
        items = raw.get("item")
        if not isinstance(items, list) or not items:
            raise self.fail("block.item", "a block needs at least one [[routine.block.item]]")
        return Block(self.text("name", raw), tuple(self.item(i, exercises) for i in items))

    def item(self, raw: Any, exercises: Mapping[str, Exercise]) -> Prescription:
        """One item of a block: an exercise, its dosage changed where the item says."""
        if not isinstance(raw, dict):
            raise self.fail("item", "write each item as [[routine.block.item]]")
        self.check_fields(ITEM_FIELDS, raw)
        slug = raw.get("exercise")
        exercise = exercises.get(slug) if isinstance(slug, str) else None
        if exercise is None:
            raise self.fail("exercise", f"unknown exercise slug {slug!r}")
        overrides = {k: v for k, v in raw.items() if k != "exercise"}
        base = exercise.default_dosage
        return Prescription(exercise, self.dosage(exercise.slug, overrides, base))
