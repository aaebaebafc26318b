"""Loading the library: every TOML file in `routines/library/` read, cross-checked and given its
figures."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from routines.catalog.model import Catalog, Equipment, Exercise, LibraryError, Routine
from routines.catalog.reader import EntryReader
from routines.dosage import DosageKind
from routines.figures import Figure, FigureError, Motion, figure_problems, read_figure

LIBRARY_DIR = Path(__file__).parents[1] / "library"


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
        routine = EntryReader(file, "routine", raw).routine(exercises)
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
        exercise = EntryReader(file, "exercise", entry).exercise()
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
    _check_variants_both_ways(exercises, files)
    return exercises


def _check_variants_both_ways(exercises: Mapping[str, Exercise], files: Mapping[str, str]) -> None:
    """A harder variant lists its exercise as easier, and the other way round, so a swap in the
    plan can always be undone."""
    for exercise in exercises.values():
        for field, back in (("easier", "harder"), ("harder", "easier")):
            for slug in getattr(exercise, field):
                if exercise.slug not in getattr(exercises[slug], back):
                    problem = f"lists '{slug}', so '{slug}' must list '{exercise.slug}' as {back}"
                    where = f"exercise '{exercise.slug}'"
                    raise LibraryError(files[exercise.slug], where, field, problem)
