"""Flask commands: `init` prepares the database, `plan` prints a plan (a stable JSON contract),
`scheduler` sends reminders, `vapid` shows or makes the Web Push key."""

from __future__ import annotations

import json
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from routines.bounds import PLAN_HORIZON
from routines.catalog.model import Catalog, Equipment, Goal
from routines.plan.build import build_plan
from routines.plan.history import History
from routines.plan.model import Experience, Plan, PlannedDay, Program
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
@click.option("--json", "as_json", is_flag=True, help="print the plan as JSON")
def plan_command(
    goal: str,
    days: str,
    start_text: str,
    weeks_text: str,
    experience: str,
    equipment: str,
    deload_text: str,
    as_json: bool,
) -> None:
    """Print a fresh plan (no history) for the given program."""
    weeks = _whole("--weeks", weeks_text, 1, MOST_WEEKS)
    deload_every = _whole("--deload-every", deload_text, 3, 4)
    program = _program(goal, days, start_text, experience, equipment, deload_every)
    catalog: Catalog = extensions.catalog()
    plan = build_plan(program, History(), catalog, program.start, weeks)
    if as_json:
        click.echo(json.dumps(plan_json(plan)))
        return
    for week in plan.weeks:
        deload = " (deload)" if week.deload else ""
        click.echo(f"Week {week.index} · {week.phase.value} {week.phase_week}{deload}")
        for day in week.days:
            what = f"{day.routine.slug} {day.minutes} min" if day.routine else ""
            click.echo(f"  {day.day:%a %Y-%m-%d}  {day.kind.value:<8} {what}")


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


def plan_json(plan: Plan) -> dict[str, Any]:
    """The plan in the command's stable JSON shape."""
    return {
        "weeks": [
            {
                "index": week.index,
                "phase": week.phase.value,
                "deload": week.deload,
                "days": [_day_json(day) for day in week.days],
            }
            for week in plan.weeks
        ]
    }


def _day_json(day: PlannedDay) -> dict[str, Any]:
    items = day.routine.prescriptions if day.routine and day.has_session else ()
    return {
        "date": day.day.isoformat(),
        "kind": day.kind.value,
        "routine": day.routine.slug if day.routine and day.has_session else None,
        "minutes": day.minutes if day.has_session else 0,
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
