"""The routine library with its filters, a routine's detail and an exercise's detail."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from flask import Blueprint, Response, abort
from htmx_flask import request

from routines.catalog.model import Equipment, Goal
from routines.finder import RoutineQuery, Where, find_routines
from webapp.extensions import catalog
from webapp.services import precautions
from webapp.views import render
from webapp.web.guests import current_user

bp = Blueprint("routines", __name__)

DURATIONS = (5, 10, 20)
T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)


def _choice(name: str, options: dict[str, T], errors: dict[str, str]) -> T | None:
    raw = request.args.get(name, "")
    if raw in ("", "any"):
        return None
    if raw not in options:
        errors[name] = f"“{raw}” is not one of the choices for {name.replace('_', ' ')}."
        return None
    return options[raw]


def _values(enum: type[E]) -> dict[str, E]:
    return {member.value: member for member in enum}


@bp.get("/routines")
def library() -> Response:
    """The whole library, filtered by goal, kit, position and length."""
    errors: dict[str, str] = {}
    query = RoutineQuery(
        goal=_choice("goal", _values(Goal), errors),
        kit=_choice("kit", _values(Equipment), errors),
        where=_choice("where", _values(Where), errors),
        max_minutes=_choice("max_minutes", {str(m): m for m in DURATIONS}, errors),
    )
    found = find_routines(catalog().routines.values(), query)
    return render(
        "pages/library.html",
        "routine_list",
        422 if errors else 200,
        routines=found,
        query=query,
        errors=errors,
        durations=DURATIONS,
        goals=list(Goal),
        kits=[e for e in Equipment if e is not Equipment.NONE],
        places=list(Where),
        advice=precautions.advice(found, catalog(), current_user()),
    )


@bp.get("/routines/<slug>")
def detail(slug: str) -> Response:
    """One routine: what it is for, its exercises and dosage, its length and safety notes."""
    found = catalog().routine(slug) or abort(404)
    screened = precautions.screened(found, catalog(), current_user())
    return render("pages/routine.html", routine=screened.routine, changes=screened.changes)


@bp.get("/exercises/<slug>")
def exercise(slug: str) -> Response:
    """One exercise: setup, cues, common mistakes and its easier and harder variants."""
    found = catalog().exercise(slug) or abort(404)
    easier, harder = catalog().variants(found)
    return render("pages/exercise.html", exercise=found, easier=easier, harder=harder)
