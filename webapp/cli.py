"""Flask commands: `init` prepares the database, `plan` prints a plan (a stable JSON contract),
`scheduler` sends reminders, `vapid` shows or makes the Web Push key."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from routines.bounds import PLAN_HORIZON
from routines.catalog.model import Catalog, Equipment, Goal
from routines.plan.build import build_plan
from routines.plan.choose import fitted_routine
from routines.plan.history import History
from routines.plan.model import Experience, Plan, PlannedDay, Program
from routines.precautions import Change, Precaution, gentle_only, parse_precautions
from webapp import clock, extensions, inputs
from webapp.services.plans import WEEKDAYS
from webapp.store.db import migrate
from webapp.store.training import TrainingStore


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Apply the database migrations (the secret key is made when the app starts)."""
    store: TrainingStore = extensions.store()
    migrate(store.engine)
    click.echo(f"Database ready: {store.engine.url.render_as_string(hide_password=True)}")


WEEKDAY_NUMBERS = {name: number for number, name in enumerate(WEEKDAYS)}
#: A plan printed reaches at most as far as a plan may: PLAN_HORIZON.
MOST_WEEKS = PLAN_HORIZON.days // 7


def _whole(option: str, text: str, low: int, high: int) -> int:
    """The option's whole number, read by `webapp.inputs`; else the reason, on one line."""
    try:
        return inputs.whole(text, low, high)
    except inputs.Refused as refused:
        raise click.ClickException(refused.about(option)) from None


def _parse_days(text: str) -> tuple[int, ...]:
    names = [part.strip().lower()[:3] for part in text.split(",") if part.strip()]
    unknown = [n for n in names if n not in WEEKDAY_NUMBERS]
    if unknown or not names:
        raise click.ClickException(f"'{text}' is not a list of weekdays like mon,wed,fri")
    return tuple(sorted({WEEKDAY_NUMBERS[n] for n in names}))


@click.command("plan")
@with_appcontext
@click.option("--goal", required=True, help="running, desk, lifting or general")
@click.option("--days", required=True, help="weekdays for longer sessions, e.g. mon,wed,fri")
@click.option("--start", "start_text", required=True, help="first day, YYYY-MM-DD")
@click.option("--weeks", "weeks_text", default="4", show_default=True, help=f"1 to {MOST_WEEKS}")
@click.option("--experience", default="new", show_default=True, help="new, some or trained")
@click.option("--equipment", default="", help="kit at hand, e.g. 'mini band,strap'")
@click.option("--deload-every", "deload_text", default="4", show_default=True, help="3 or 4")
@click.option(
    "--precautions",
    "precautions_text",
    default="",
    help="what the precautions screen was told, e.g. hip-replacement-back,pregnancy",
)
@click.option("--json", "as_json", is_flag=True, help="print the plan as JSON")
def plan_command(
    goal: str,
    days: str,
    start_text: str,
    weeks_text: str,
    experience: str,
    equipment: str,
    deload_text: str,
    precautions_text: str,
    as_json: bool,
) -> None:
    """Print a fresh plan (no history) for the given program, honouring its precautions."""
    weeks = _whole("--weeks", weeks_text, 1, MOST_WEEKS)
    deload_every = _whole("--deload-every", deload_text, 3, 4)
    program = _program(goal, days, start_text, experience, equipment, deload_every)
    program = replace(program, precautions=_precautions(precautions_text))
    catalog: Catalog = extensions.catalog()
    plan = build_plan(program, History(), catalog, program.start, weeks)
    if as_json:
        click.echo(json.dumps(plan_json(plan, catalog)))
        return
    _echo_plan(plan, catalog)


def _precautions(text: str) -> frozenset[Precaution]:
    try:
        return parse_precautions(text)
    except ValueError as error:
        raise click.ClickException(f"--precautions {error}") from None


def _echo_plan(plan: Plan, catalog: Catalog) -> None:
    """The plan for a person: a line a day, each week's note, then what the precautions
    changed in each routine, with why."""
    for week in plan.weeks:
        deload = " (deload)" if week.deload else ""
        click.echo(f"Week {week.index} · {week.phase.value} {week.phase_week}{deload}")
        if week.note:
            click.echo(f"  {week.note}")
        for day in week.days:
            what = f"{day.routine.slug} {day.minutes} min" if day.routine else ""
            what += " + hip check" if day.hip_check else ""
            click.echo(f"  {day.day:%a %Y-%m-%d}  {day.kind.value:<8} {what}".rstrip())
            if day.note and day.note not in (week.note or ""):
                click.echo(f"      {day.note}")
    for slug, changes in precaution_changes(plan, catalog).items():
        click.echo(f"{slug}, for your precautions:")
        for change in changes:
            click.echo(f"  {change.note}")
            for rule in change.rules:
                click.echo(f"    Why: {rule.reason} ({rule.source})")


def _program(
    goal: str, days: str, start_text: str, experience: str, equipment: str, deload_every: int
) -> Program:
    try:
        start = inputs.plan_day(start_text, clock.now().date())
    except inputs.Refused as refused:
        raise click.ClickException(refused.about("--start")) from None
    choices = {
        "goal": (goal, Goal),
        "experience": (experience, Experience),
    }
    for option, (value, enum) in choices.items():
        if value not in {member.value for member in enum}:
            allowed = ", ".join(member.value for member in enum)
            raise click.ClickException(f"--{option} '{value}' is not one of {allowed}")
    kit = [part.strip() for part in equipment.split(",") if part.strip()]
    if any(item not in {e.value for e in Equipment} for item in kit):
        allowed = ", ".join(e.value for e in Equipment)
        raise click.ClickException(f"--equipment '{equipment}' must list items from {allowed}")
    try:
        return Program(
            start=start,
            goal=Goal(goal),
            session_days=_parse_days(days),
            experience=Experience(experience),
            equipment=frozenset(Equipment(item) for item in kit),
            deload_every=deload_every,
        )
    except ValueError as error:
        raise click.ClickException(str(error)) from None


def precaution_changes(plan: Plan, catalog: Catalog) -> dict[str, tuple[Change, ...]]:
    """What the plan's precautions left out of or swapped in each routine it uses, by slug."""
    found: dict[str, tuple[Change, ...]] = {}
    for day in (day for week in plan.weeks for day in week.days):
        if day.routine is None or day.routine.slug in found:
            continue
        library = catalog.routine(day.routine.slug)
        screened = None if library is None else fitted_routine(library, catalog, plan.program)
        if screened is not None and screened.changes:
            # Kit swaps can bring one exercise into two places; it is listed once.
            first: dict[str, Change] = {}
            for change in screened.changes:
                first.setdefault(change.exercise.slug, change)
            found[day.routine.slug] = tuple(first.values())
    return found


def plan_json(plan: Plan, catalog: Catalog) -> dict[str, Any]:
    """The plan in the command's stable JSON shape; each day lists what the precautions left
    out of its routine or swapped, with why."""
    changes = precaution_changes(plan, catalog)
    answers = [p.value for p in Precaution if p in plan.program.precautions]
    return {
        "precautions": answers,
        "gentle_only": gentle_only(plan.program.precautions),
        "weeks": [
            {
                "index": week.index,
                "phase": week.phase.value,
                "deload": week.deload,
                "note": week.note,
                "days": [_day_json(day, changes) for day in week.days],
            }
            for week in plan.weeks
        ],
    }


def _change_json(change: Change) -> dict[str, Any]:
    return {
        "exercise": change.exercise.slug,
        "instead": change.instead.slug if change.instead else None,
        "because": change.because,
        "reason": " ".join(dict.fromkeys(rule.reason for rule in change.rules)),
        "source": "; ".join(dict.fromkeys(rule.source for rule in change.rules)),
    }


def _day_json(day: PlannedDay, changes: dict[str, tuple[Change, ...]]) -> dict[str, Any]:
    items = day.routine.prescriptions if day.routine and day.has_session else ()
    routine = day.routine.slug if day.routine and day.has_session else None
    changed = changes.get(routine, ()) if routine else ()
    return {
        "date": day.day.isoformat(),
        "kind": day.kind.value,
        "routine": routine,
        "minutes": day.minutes if day.has_session else 0,
        "note": day.note,
        "hip_check": day.hip_check,
        "left_out": [_change_json(c) for c in changed if c.instead is None],
        "swapped": [_change_json(c) for c in changed if c.instead is not None],
        "items": [
            {
                "exercise": item.exercise.slug,
                "sets": item.dosage.sets,
                "reps": item.dosage.reps,
                "hold_seconds": item.dosage.hold_seconds,
                "work_seconds": item.dosage.work_seconds,
                "per_side": item.exercise.per_side,
            }
            for item in items
        ],
    }


@click.command("scheduler")
@click.option("--once", is_flag=True, help="run one sweep now and exit")
@with_appcontext
def scheduler_command(once: bool) -> None:
    """Send due reminders every minute. One runs at a time per database: a second one (also
    with --once) says in its log that it waits, and takes over when the first stops."""
    import logging

    from webapp.scheduler import process

    logging.basicConfig(level=logging.INFO, format="%(asctime)s scheduler %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line per minute
    process.run(current_app._get_current_object(), once=once)  # type: ignore[attr-defined]


@click.group("vapid")
def vapid_group() -> None:
    """The Web Push (VAPID) key that signs every reminder."""


@vapid_group.command("show")
@with_appcontext
def vapid_show() -> None:
    """Print the public key browsers subscribe with."""
    click.echo(extensions.vapid_public())


@vapid_group.command("new")
def vapid_new() -> None:
    """Print a new private key to put in HIPDAY_VAPID_PRIVATE_KEY (changes nothing).

    Changing the key ends every existing subscription: each phone must turn reminders on again
    (Hipday's pages do that by themselves where permission was already given).
    """
    from webapp.push.sender import new_private_key

    click.echo(new_private_key())


def init_app(app: Flask) -> None:
    app.cli.add_command(init_command)
    app.cli.add_command(plan_command)
    app.cli.add_command(scheduler_command)
    app.cli.add_command(vapid_group)
