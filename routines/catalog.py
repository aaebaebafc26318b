"""The exercise and routine library: TOML files validated into frozen dataclasses.

A library file holds `[[exercise]]` and/or `[[routine]]` tables. Anything wrong in it stops the
load with a `LibraryError` that names the file, the entry and the field, so a typo in content
never reaches a user as a broken session.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from routines.dosage import Dosage, DosageKind, dosage_problems
from routines.figures import Figure, FigureError, Motion, figure_problems, read_figure

LIBRARY_DIR = Path(__file__).parent / "library"

E = TypeVar("E", bound=StrEnum)


class Category(StrEnum):
    DYNAMIC_WARM_UP = "dynamic warm-up"
    MOBILITY_STRETCH = "mobility stretch"
    ACTIVATION = "activation"
    STRENGTH = "strength"
    CORE = "core"


class Position(StrEnum):
    STANDING = "standing"
    SEATED = "seated"
    LYING = "lying"
    KNEELING = "kneeling"


class Equipment(StrEnum):
    NONE = "none"
    MINI_BAND = "mini band"
    LONG_BAND = "long band"
    STRAP = "strap"
    CHAIR = "chair"
    TABLE = "table"


class Goal(StrEnum):
    RUNNING = "running"
    DESK = "desk"
    LIFTING = "lifting"
    GENERAL = "general"


class RoutineKind(StrEnum):
    """What a routine is for in a day: the plan picks by this."""

    WARM_UP = "warm-up"
    DESK = "desk"
    MOBILITY = "mobility"
    STRENGTH = "strength"


@dataclass(frozen=True)
class Exercise:
    slug: str
    name: str
    summary: str
    category: Category
    position: Position
    equipment: Equipment
    per_side: bool
    default_dosage: Dosage
    setup: tuple[str, ...]
    cues: tuple[str, ...]
    mistakes: tuple[str, ...]
    easier: tuple[str, ...]
    harder: tuple[str, ...]
    muscles: tuple[str, ...]
    seeds: tuple[str, ...]
    safety: str | None = None

    @property
    def dosage_kind(self) -> DosageKind:
        return self.default_dosage.kind


@dataclass(frozen=True)
class Prescription:
    """One exercise in a routine, with the dosage this routine gives it."""

    exercise: Exercise
    dosage: Dosage


@dataclass(frozen=True)
class Block:
    name: str
    prescriptions: tuple[Prescription, ...]


@dataclass(frozen=True)
class Routine:
    slug: str
    name: str
    summary: str
    kind: RoutineKind
    goals: tuple[Goal, ...]
    blocks: tuple[Block, ...]
    quick_start: bool = False
    rest_between_exercises: int = 0
    signature: str = ""  # the exercise that pictures the routine on cards (else the first)

    @property
    def signature_exercise(self) -> Exercise:
        """The exercise whose figure stands for the routine on Today and library cards."""
        exercises = [p.exercise for p in self.prescriptions]
        return next((e for e in exercises if e.slug == self.signature), exercises[0])

    @property
    def prescriptions(self) -> tuple[Prescription, ...]:
        return tuple(p for block in self.blocks for p in block.prescriptions)

    @property
    def equipment(self) -> frozenset[Equipment]:
        """The kit the routine needs ('none' left out)."""
        used = {p.exercise.equipment for p in self.prescriptions}
        return frozenset(used - {Equipment.NONE})

    @property
    def positions(self) -> frozenset[Position]:
        return frozenset(p.exercise.position for p in self.prescriptions)

    @property
    def safety_notes(self) -> tuple[str, ...]:
        """The exercise-specific safety notes, each once, in routine order."""
        notes = (p.exercise.safety for p in self.prescriptions if p.exercise.safety)
        return tuple(dict.fromkeys(notes))


@dataclass(frozen=True)
class Catalog:
    exercises: Mapping[str, Exercise]
    routines: Mapping[str, Routine]
    figures: Mapping[str, Figure] = dataclasses.field(default_factory=lambda: MappingProxyType({}))

    def exercise(self, slug: str) -> Exercise | None:
        return self.exercises.get(slug)

    def routine(self, slug: str) -> Routine | None:
        return self.routines.get(slug)

    def variants(self, exercise: Exercise) -> tuple[tuple[Exercise, ...], tuple[Exercise, ...]]:
        """The easier and the harder variants of `exercise`."""
        return (
            tuple(self.exercises[s] for s in exercise.easier),
            tuple(self.exercises[s] for s in exercise.harder),
        )


class LibraryError(ValueError):
    """A library file is wrong; the message says where and how."""

    def __init__(self, file: str, entry: str, field: str, problem: str) -> None:
        self.file, self.entry, self.field, self.problem = file, entry, field, problem
        super().__init__(f"{file}: {entry}, field '{field}': {problem}")


def load_catalog(directory: Path = LIBRARY_DIR) -> Catalog:
    """Read and validate every `*.toml` file in `directory`."""
    raw_exercises: list[tuple[str, dict[str, Any]]] = []
    raw_routines: list[tuple[str, dict[str, Any]]] = []
    raw_figures: dict[str, tuple[str, Any]] = {}
    for path in sorted(directory.glob("*.toml")):
        document = _read_toml(path)
        unknown = set(document) - {"exercise", "routine", "figure"}
        if unknown:
            raise LibraryError(path.name, "top level", sorted(unknown)[0], "unknown table")
        raw_exercises += [(path.name, e) for e in _entries(path.name, document, "exercise")]
        raw_routines += [(path.name, r) for r in _entries(path.name, document, "routine")]
        raw_figures |= {slug: (path.name, f) for slug, f in _figure_tables(path.name, document)}
    exercises = _build_exercises(raw_exercises)
    routines: dict[str, Routine] = {}
    for file, raw in raw_routines:
        routine = _Reader(file, "routine", raw).routine(exercises)
        if routine.slug in routines:
            raise LibraryError(file, f"routine '{routine.slug}'", "slug", "used twice")
        routines[routine.slug] = routine
    figures = _build_figures(
        raw_figures, exercises, {e[1].get("slug"): e[0] for e in raw_exercises}
    )
    return Catalog(
        MappingProxyType(exercises), MappingProxyType(routines), MappingProxyType(figures)
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise LibraryError(path.name, "file", "syntax", str(error)) from error


def _entries(file: str, document: dict[str, Any], table: str) -> list[dict[str, Any]]:
    entries = document.get(table, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise LibraryError(file, "top level", table, f"write each one as [[{table}]]")
    return entries


def _figure_tables(file: str, document: dict[str, Any]) -> list[tuple[str, Any]]:
    tables = document.get("figure", {})
    if not isinstance(tables, dict):
        raise LibraryError(file, "top level", "figure", "write each one as [figure.<slug>]")
    return list(tables.items())


#: The kit an exercise names, and the prop that draws it.
KIT_PROPS = {
    Equipment.MINI_BAND: "band",
    Equipment.LONG_BAND: "long_band",
    Equipment.STRAP: "strap",
    Equipment.CHAIR: "chair",
}


def _build_figures(
    raw: Mapping[str, tuple[str, Any]], exercises: Mapping[str, Exercise], files: Mapping[Any, str]
) -> dict[str, Figure]:
    """Every exercise's figure, read and checked; an exercise without one stops the load."""
    for slug, (file, _) in raw.items():
        if slug not in exercises:
            raise LibraryError(file, f"figure '{slug}'", "slug", f"no exercise '{slug}'")
    figures: dict[str, Figure] = {}
    for slug, exercise in exercises.items():
        if slug not in raw:
            problem = f"missing; add a [figure.{slug}] table"
            raise LibraryError(files[slug], f"exercise '{slug}'", "figure", problem)
        file, table = raw[slug]
        try:
            figures[slug] = _figure(exercise, table)
        except FigureError as error:
            raise LibraryError(file, f"exercise '{slug}'", error.field, error.problem) from None
    return figures


def _figure(exercise: Exercise, table: Any) -> Figure:
    """One exercise's figure: its motion follows the dosage, its props the exercise's kit."""
    hold = exercise.default_dosage.kind is DosageKind.HOLD
    motion = Motion.EASE_IN if hold else Motion.CYCLE
    figure = read_figure(exercise.slug, table, motion, exercise.per_side)
    prop = KIT_PROPS.get(exercise.equipment)
    if prop and prop == "chair" and figure.chair_contact is None:
        raise FigureError("figure.props.chair", "the exercise uses a chair: draw it")
    if prop and prop != "chair" and getattr(figure.props, prop) is None:
        raise FigureError(
            f"figure.props.{prop}", f"the exercise uses a {exercise.equipment}: draw it"
        )
    for field, problem in figure_problems(figure):
        raise FigureError(field, problem)
    return figure


def _build_exercises(raw: Iterable[tuple[str, dict[str, Any]]]) -> dict[str, Exercise]:
    exercises: dict[str, Exercise] = {}
    files: dict[str, str] = {}
    for file, entry in raw:
        exercise = _Reader(file, "exercise", entry).exercise()
        if exercise.slug in exercises:
            raise LibraryError(file, f"exercise '{exercise.slug}'", "slug", "used twice")
        exercises[exercise.slug] = exercise
        files[exercise.slug] = file
    for exercise in exercises.values():
        for field in ("easier", "harder"):
            for slug in getattr(exercise, field):
                if slug not in exercises or slug == exercise.slug:
                    where = f"exercise '{exercise.slug}'"
                    raise LibraryError(files[exercise.slug], where, field, f"no exercise '{slug}'")
    return exercises


EXERCISE_FIELDS = {
    "slug", "name", "summary", "category", "position", "equipment", "per_side", "dosage",
    "setup", "cues", "mistakes", "easier", "harder", "muscles", "seeds", "safety",
}  # fmt: skip
ROUTINE_FIELDS = {
    "slug", "name", "summary", "kind", "goals", "quick_start", "rest_between_exercises", "block",
    "signature",
}  # fmt: skip
DOSAGE_FIELDS = ("sets", "hold_seconds", "reps", "work_seconds", "rest_seconds", "tempo_seconds")
ITEM_FIELDS = {
    "exercise", "sets", "hold_seconds", "reps", "work_seconds", "rest_seconds", "tempo_seconds",
}  # fmt: skip


class _Reader:
    """Reads one TOML entry field by field, raising a `LibraryError` that names the field."""

    def __init__(self, file: str, kind: str, raw: dict[str, Any]) -> None:
        self.file, self.raw = file, raw
        slug = raw.get("slug")
        self.entry = f"{kind} '{slug}'" if isinstance(slug, str) else f"{kind} without a slug"

    def fail(self, field: str, problem: str) -> LibraryError:
        return LibraryError(self.file, self.entry, field, problem)

    def check_fields(self, allowed: set[str], raw: Mapping[str, Any] | None = None) -> None:
        unknown = sorted(set(self.raw if raw is None else raw) - allowed)
        if unknown:
            raise self.fail(unknown[0], "unknown field (a typo?)")

    def text(self, field: str, raw: Mapping[str, Any] | None = None) -> str:
        value = (self.raw if raw is None else raw).get(field)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(field, "missing or empty text")
        return value.strip()

    def texts(self, field: str, least: int, most: int | None = None) -> tuple[str, ...]:
        value = self.raw.get(field, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(field, "must be a list of texts")
        if len(value) < least:
            raise self.fail(field, f"needs at least {least}, has {len(value)}")
        if most is not None and len(value) > most:
            raise self.fail(field, f"allows at most {most}, has {len(value)}")
        return tuple(v.strip() for v in value)

    def choice(self, field: str, enum: type[E], value: Any = None) -> E:
        value = self.raw.get(field) if value is None else value
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(repr(e.value) for e in enum)
            raise self.fail(field, f"unknown value {value!r}; use one of {allowed}") from None

    def number(self, field: str, raw: Mapping[str, Any], default: int | None) -> int | None:
        value = raw.get(field, default)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise self.fail(field, f"must be a whole number, not {value!r}")
        return value

    def flag(self, field: str, default: bool) -> bool:
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
        self.check_fields(EXERCISE_FIELDS)
        raw_dosage = self.raw.get("dosage")
        if not isinstance(raw_dosage, dict):
            raise self.fail("dosage", "missing; write dosage = { kind = ..., sets = ..., ... }")
        safety = self.raw.get("safety")
        return Exercise(
            slug=self.text("slug"),
            name=self.text("name"),
            summary=self.text("summary"),
            category=self.choice("category", Category),
            position=self.choice("position", Position),
            equipment=self.choice("equipment", Equipment),
            per_side=self.flag("per_side", False),
            default_dosage=self.dosage("dosage", raw_dosage, None),
            setup=self.texts("setup", 2, 4),
            cues=self.texts("cues", 2, 4),
            mistakes=self.texts("mistakes", 1),
            easier=self.texts("easier", 0),
            harder=self.texts("harder", 0),
            muscles=self.texts("muscles", 1),
            seeds=self.texts("seeds", 1),
            safety=self.text("safety") if safety is not None else None,
        )

    def routine(self, exercises: Mapping[str, Exercise]) -> Routine:
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
            quick_start=self.flag("quick_start", False),
            rest_between_exercises=rest,
            signature=signature,
        )

    def block(self, raw: Any, exercises: Mapping[str, Exercise]) -> Block:
        if not isinstance(raw, dict):
            raise self.fail("block", "write each block as [[routine.block]]")
        self.check_fields({"name", "item"}, raw)
        items = raw.get("item")
        if not isinstance(items, list) or not items:
            raise self.fail("block.item", "a block needs at least one [[routine.block.item]]")
        return Block(self.text("name", raw), tuple(self.item(i, exercises) for i in items))

    def item(self, raw: Any, exercises: Mapping[str, Exercise]) -> Prescription:
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
