"""Use cases of the plan: onboarding and settings, the user's plan, skips, moves and vacations."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from routines.bounds import MOST_PLAN_EVENTS, MOST_PROGRAM_VERSIONS
from routines.catalog.model import Catalog, Equipment, Goal
from routines.plan.calendar import first_followed, move_targets, spliced_build
from routines.plan.checkpoint import Built
from routines.plan.history import Checked, Done, History, Move
from routines.plan.model import (
    DAY_KIND_OF_ROUTINE,
    DayStatus,
    Experience,
    Plan,
    Program,
)
from routines.precautions import Precaution
from webapp.services.derived import Found, Recent, kept
from webapp.services.precautions import answers_of
from webapp.store.models import PlanEvent, ProgramVersion, User
from webapp.store.training import SessionFacts, TrainingStore

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
EQUIPMENT_CHOICES = (
    Equipment.MINI_BAND, Equipment.LONG_BAND, Equipment.STRAP, Equipment.CHAIR,
)  # fmt: skip
DEFAULT_PROGRAM_DAYS = (0, 2, 4)
WEEKS_AHEAD = 8
LONGEST_VACATION = timedelta(days=92)
#: Weeks of plans each of the caches below keeps per process, the most recently used: the
#: player and a finished session ask for the plan, and the page after a session builds on from
#: the last build's checkpoints. About 16 plans a year into their program; a week of a plan and
#: its checkpoints weighs about 5 KB. Pages are shared through the database
#: (`webapp/views/shelf.py`) and need none of these. The load bench measured the trade between
#: a worker's memory and its throughput (README, Benchmarks). The oldest plan is kept alone.
PLAN_CACHE_WEEKS = 16 * 64


@dataclass
class ProgramForm:
    """The onboarding / settings answers as typed, with a message per wrong answer."""

    goal: str = Goal.GENERAL.value
    days: list[str] = field(default_factory=lambda: [WEEKDAYS[d] for d in DEFAULT_PROGRAM_DAYS])
    experience: str = Experience.NEW.value
    equipment: list[str] = field(default_factory=list)
    deload_every: str = "4"
    errors: dict[str, str] = field(default_factory=dict)


def saved_program(store: TrainingStore, user: User) -> ProgramVersion | None:
    """The user's newest program version; None before onboarding."""
    versions = store.program_versions(user.id or 0)
    return versions[-1] if versions else None


def current_form(store: TrainingStore, user: User) -> ProgramForm:
    """The form as the user last answered it, or the defaults."""
    return program_form(saved_program(store, user))


def program_form(version: ProgramVersion | None) -> ProgramForm:
    """The form as the user last answered it, or the defaults."""
    if version is None:
        return ProgramForm()
    return ProgramForm(
        goal=version.goal,
        days=[WEEKDAYS[int(d)] for d in version.session_days.split(",")],
        experience=version.experience,
        equipment=[e for e in version.equipment.split(",") if e],
        deload_every=str(version.deload_every),
    )


def parse_program(form: Mapping[str, str], lists: Mapping[str, list[str]]) -> ProgramForm:
    """Check the answers; an answer left out takes its default (each question is skippable)."""
    answers = ProgramForm()
    answers.goal = form.get("goal") or answers.goal
    answers.experience = form.get("experience") or answers.experience
    answers.deload_every = form.get("deload_every") or answers.deload_every
    answers.days = lists.get("days") or answers.days
    answers.equipment = [e for e in lists.get("equipment", []) if e != Equipment.NONE.value]
    if answers.goal not in {g.value for g in Goal}:
        answers.errors["goal"] = "Pick one of the goals listed."
    if answers.experience not in {e.value for e in Experience}:
        answers.errors["experience"] = "Pick new, some or trained."
    if answers.deload_every not in ("3", "4"):
        answers.errors["deload_every"] = "An easier week comes every 3rd or 4th week."
    if any(day not in WEEKDAYS for day in answers.days):
        answers.errors["days"] = "Days must be weekdays, Monday to Sunday."
    elif not 2 <= len(set(answers.days)) <= 6:
        answers.errors["days"] = "Choose between 2 and 6 days for longer sessions."
    if any(item not in {e.value for e in EQUIPMENT_CHOICES} for item in answers.equipment):
        answers.errors["equipment"] = "Pick kit from the list."
    return answers


def save_program(store: TrainingStore, user: User, answers: ProgramForm, today: date) -> None:
    """Store the answers as the program from today on; the past keeps the settings it had.

    A day keeps one version (a second save that day replaces the first), a save that changes
    nothing adds none, and only the newest `MOST_PROGRAM_VERSIONS` are kept: the days before
    the oldest kept follow it.
    """
    versions = store.program_versions(user.id or 0)
    version = ProgramVersion(
        user_id=user.id or 0,
        effective_from=today,
        start=versions[0].start if versions else today,
        goal=answers.goal,
        session_days=",".join(
            str(WEEKDAYS.index(d)) for d in sorted(set(answers.days), key=WEEKDAYS.index)
        ),  # fmt: skip
        experience=answers.experience,
        equipment=",".join(sorted(set(answers.equipment))),
        deload_every=int(answers.deload_every),
    )
    store.save_program_version(version, MOST_PROGRAM_VERSIONS)


def to_program(
    version: ProgramVersion, precautions: frozenset[Precaution] = frozenset()
) -> Program:
    """The plan engine's program: a saved version of the answers, with the user's precautions
    (they are the user's, not the version's: new answers re-plan every week shown)."""
    return Program(
        start=version.start,
        goal=Goal(version.goal),
        session_days=tuple(int(d) for d in version.session_days.split(",")),
        experience=Experience(version.experience),
        equipment=frozenset(Equipment(e) for e in version.equipment.split(",") if e),
        deload_every=version.deload_every,
        precautions=precautions,
    )


def history_for(
    store: TrainingStore,
    catalog: Catalog,
    user_id: int,
    sessions: Sequence[SessionFacts] | None = None,
) -> History:
    """Completions, skips, moves, vacations and hip checks as the plan engine reads them.

    `sessions` are the user's `store.session_facts` when the caller has already read them.
    """
    kinds = {
        slug: DAY_KIND_OF_ROUTINE.get(routine.kind) for slug, routine in catalog.routines.items()
    }
    done = tuple(
        Done(s.local_date, kinds.get(s.routine_slug), s.effort, s.pain)
        for s in (store.session_facts(user_id) if sessions is None else sessions)
    )
    events = store.plan_changes(user_id)
    return History(
        done=done,
        skips=frozenset(day for kind, day, _ in events if kind == "skip"),
        moves=tuple(Move(day, until) for kind, day, until in events if kind == "move" and until),
        vacations=tuple(
            (day, until) for kind, day, until in events if kind == "vacation" and until
        ),
        hip_checks=tuple(Checked(day, side) for day, side in store.hip_check_lags(user_id)),
    )


#: Each user's plan builds with their week checkpoints, the last made in this process, by catalog
#: and user. After a change, the next build goes on from the newest checkpoint the change left
#: valid (`routines/plan/checkpoint.py` says when one is), so a session logged today rebuilds
#: a week or two, not years. The builds are only a head start: whatever they hold, the plan is
#: the one a build from nothing gives.
BUILDS: Recent[tuple[int, int], dict[Program, Built]] = Recent(PLAN_CACHE_WEEKS)


def plan_for(
    store: TrainingStore,
    catalog: Catalog,
    user: User,
    today: date,
    weeks_ahead: int = WEEKS_AHEAD,
    sessions: Sequence[SessionFacts] | None = None,
    version: int | None = None,
) -> Plan | None:
    """The user's plan from its start to `weeks_ahead` weeks after today, or None before onboarding.

    Each day follows the settings that were in force on it, so a change re-plans from today on.
    Every version's plan is built from the program's start, so the plan follows only the newest
    versions whose plans add up to `MOST_PLAN_WEEKS`: the days before the oldest it follows
    take that one's settings. `sessions` are the user's `store.session_facts` when the caller
    has already read them. While the user's data version stands, the plan built last is kept
    (`derived.kept`) and nothing of the history is read; `version` is that version when the
    caller read it with the user's row, before anything it guards.
    """

    def build() -> Plan | None:
        with store.reading():
            return _built_plan(store, catalog, user, today, weeks_ahead, sessions)

    return kept(
        KEPT_PLANS, store, catalog, user, today, weeks_ahead, build, _weeks_of, None, version
    )


def _weeks_of(plan: Plan | None) -> int:
    return len(plan.weeks) if plan else 1


#: Plans by data version (see `plan_for`), weighed in weeks like `BUILDS`.
KEPT_PLANS: Recent[Found, Plan | None] = Recent(PLAN_CACHE_WEEKS)


def _built_plan(
    store: TrainingStore,
    catalog: Catalog,
    user: User,
    today: date,
    weeks_ahead: int,
    sessions: Sequence[SessionFacts] | None,
) -> Plan | None:
    """`plan_for`'s plan, from the history read now, built on from the user's kept checkpoints."""
    versions = store.program_versions(user.id or 0)
    if not versions:
        return None
    history = history_for(store, catalog, user.id or 0, sessions)
    start = versions[0].start
    weeks = (today - start).days // 7 + 1 + weeks_ahead
    answers = answers_of(user)
    in_force = tuple(
        (v.effective_from, replace(to_program(v, answers), start=start))
        for v in versions[-MOST_PROGRAM_VERSIONS:]
    )
    in_force = in_force[first_followed(in_force, today, weeks) :]

    key = (id(catalog), user.id or 0)
    plan, builds = spliced_build(
        in_force, history, catalog, today, weeks, BUILDS.peek(key, catalog)
    )
    BUILDS.put(key, catalog, builds, sum(len(b.plan.weeks) for b in builds.values()))
    return plan


def skip_day(store: TrainingStore, user: User, plan: Plan, day: date, today: date) -> str | None:
    """Skip the session on `day`; a message when that can't be done."""
    planned = plan.day(day)
    if planned is None or not planned.has_session:
        return "There is no session to skip on that day."
    if day < today:
        return "That day has passed; it no longer needs skipping."
    if planned.status is DayStatus.SKIPPED:
        return None  # skipped already: a second skip would change nothing
    full = _plan_full(store, user)
    if full:
        return full
    store.add(PlanEvent(user_id=user.id or 0, kind="skip", day=day))
    return None


def unskip_day(store: TrainingStore, user: User, day: date) -> bool:
    return store.delete_plan_events(user.id or 0, "skip", day=day) > 0


def move_day(
    store: TrainingStore,
    catalog: Catalog,
    user: User,
    plan: Plan,
    source: date,
    target: date,
    today: date,
) -> str | None:
    """Move the session on `source` to `target`; a message when the move isn't possible."""
    planned = plan.day(source)
    if planned is None or not planned.has_session:
        return "There is no session to move on that day."
    if target not in move_targets(plan, source, today):
        return "Pick a free day later in the same week."
    full = _plan_full(store, user)
    if full:
        return full
    event = PlanEvent(user_id=user.id or 0, kind="move", day=source, until=target)
    store.add(event)
    moved = plan_for(store, catalog, user, today)
    landed = moved.day(target) if moved else None
    if landed is None or landed.kind is not planned.kind:
        store.delete_plan_events(user.id or 0, "move", event_id=event.id)
        return "Two strength days in a row are too much. Pick a day that isn't next to one."
    return None


def add_vacation(store: TrainingStore, user: User, first: date, last: date) -> str | None:
    if last < first:
        return "The last day can't come before the first."
    if last - first > LONGEST_VACATION:
        return "A vacation can last up to three months; add another after it."
    full = _plan_full(store, user)
    if full:
        return full
    store.add(PlanEvent(user_id=user.id or 0, kind="vacation", day=first, until=last))
    return None


def _plan_full(store: TrainingStore, user: User) -> str | None:
    """A message when the plan holds the most skips, moves and vacations Hipday keeps."""
    if store.plan_event_count(user.id or 0) < MOST_PLAN_EVENTS:
        return None
    return (
        f"Your plan holds {MOST_PLAN_EVENTS:,} skips, moves and vacations, the most Hipday "
        "keeps. Take back a skip or remove a vacation to make room."
    )


def skipped_days(store: TrainingStore, user_id: int) -> frozenset[date]:
    """The days the user skipped (as `history_for(...).skips`, without reading the sessions)."""
    return frozenset(day for kind, day, _ in store.plan_changes(user_id) if kind == "skip")


def vacations(store: TrainingStore, user: User) -> list[PlanEvent]:
    return list(store.plan_events(user.id or 0, "vacation"))


def end_vacation(store: TrainingStore, user: User, event_id: int) -> bool:
    """End one of the user's vacations early (or remove it); False if it isn't theirs."""
    return store.delete_plan_events(user.id or 0, "vacation", event_id=event_id) > 0


def new_calendar_token(store: TrainingStore, user: User) -> str:
    """A fresh private feed address; the old one stops working."""
    token = secrets.token_urlsafe(24)
    store.set_calendar_token(user, token)
    return token


def stop_calendar_feed(store: TrainingStore, user: User) -> None:
    """Turn the private calendar feed off: its address stops working."""
    store.set_calendar_token(user, None)


def calendar_owner(store: TrainingStore, token: str) -> User | None:
    """The user whose private calendar feed `token` opens; None for a stopped or made-up one."""
    return store.user_by_calendar_token(token)
