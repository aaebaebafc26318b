"""Use cases of progress: where a user stands, the history list and an exercise's weeks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from routines.catalog.model import Catalog, Exercise
from routines.dosage import UNITS, DosageKind
from routines.heatmap import Point, weekly_best
from routines.plan.model import Plan, Week
from routines.session import session_minutes
from routines.streaks import Logged, Record, extended, first_change, plan_schedule, record
from webapp.services.derived import Found, Recent, kept
from webapp.services.plans import PLAN_CACHE_WEEKS, plan_for
from webapp.store.models import Completion, User
from webapp.store.training import SessionFacts, TrainingStore

DAY = timedelta(days=1)
HISTORY_PAGE = 20
CHART_WEEKS = 26


def _logged(
    store: TrainingStore, user_id: int, sessions: Sequence[SessionFacts] | None = None
) -> list[Logged]:
    """Every session with at least one step done, as the streak sees it."""
    rows = store.session_facts(user_id) if sessions is None else sessions
    return [
        Logged(c.local_date, session_minutes(c.seconds, c.steps_done))
        for c in rows
        if c.steps_done > 0
    ]


def streak_record(store: TrainingStore, user_id: int, plan: Plan | None, today: date) -> Record:
    """The user's streak, from every session with at least one step done, against the plan."""
    return record(_logged(store, user_id), plan_schedule(plan), today)


@dataclass(frozen=True)
class Walked:
    """A user's streak record, with the sessions and the plan it was walked on."""

    logged: tuple[Logged, ...]
    plan: Plan | None
    record: Record


#: Each user's streak record walked last in this process. After a change, the next record goes
#: on from it, walking only the days from the first whose sessions or planned day changed
#: (`routines.streaks.extended`); it is only a head start: the record is the one a full walk
#: gives. A record weighs its days in weeks, as a plan does. Only the page after a write uses
#: it (pages are kept), and a full walk costs far less than a plan, so few are kept.
WALKED: Recent[int, Walked] = Recent(PLAN_CACHE_WEEKS // 8)


def streak_records(
    store: TrainingStore,
    user_id: int,
    plan: Plan | None,
    today: date,
    sessions: Sequence[SessionFacts] | None = None,
) -> tuple[Record, int]:
    """The streak record, and what the current streak becomes with a session today.

    The second figure lets a phone that finished a session offline show it before it syncs.
    `sessions` are the user's `store.session_facts` when the caller has read them.
    """
    logged = tuple(_logged(store, user_id, sessions))
    schedule = cache(plan_schedule(plan))
    earlier = WALKED.peek(user_id, None)
    if earlier is None:
        now = record(logged, schedule, today)
    else:
        changed = first_change(earlier.logged, logged, earlier.plan, plan)
        now = extended(earlier.record, logged, schedule, today, changed)
    WALKED.put(user_id, None, Walked(logged, plan, now), max(1, len(now.days) // 7))
    if any(session.day == today for session in logged):
        return now, now.current  # one more session today changes no day's mark
    with_today = extended(now, [*logged, Logged(today)], schedule, today, today)
    return now, with_today.current


@dataclass(frozen=True)
class Standing:
    """Where a user stands today: their plan (None before onboarding) and their streak."""

    today: date
    plan: Plan | None
    record: Record
    #: What the current streak becomes with a session today (a phone offline shows it).
    current_if_done_today: int

    @property
    def week(self) -> Week | None:
        """Today's week of the plan."""
        return self.plan.week_of(self.today) if self.plan else None


def standing(
    store: TrainingStore,
    catalog: Catalog,
    user: User,
    today: date,
    sessions: Sequence[SessionFacts] | None = None,
    version: int | None = None,
) -> Standing:
    """The plan and the streak records, from the user's sessions read once for both.

    `sessions` are the user's `store.session_facts` when the caller has read them. While the
    user's data version stands, the standing built last is kept (`derived.kept`) and nothing
    of the history is read; `version` is that version when the caller read it with the user's
    row, before anything it guards (`derived.kept`).
    """

    def build() -> Standing:
        with store.reading():
            facts = store.session_facts(user.id or 0) if sessions is None else sessions
            plan = plan_for(store, catalog, user, today, sessions=facts, version=version)
            record, current_if_done_today = streak_records(store, user.id or 0, plan, today, facts)
        return Standing(today, plan, record, current_if_done_today)

    return kept(STANDINGS, store, catalog, user, today, None, build, _weight, None, version)


def _weight(standing: Standing) -> int:
    """A standing weighs its plan's weeks (shared with `plans.KEPT_PLANS`) and its record."""
    return len(standing.plan.weeks) if standing.plan else 1


#: Standings by data version, weighed in weeks like the plans. A page kept in the database
#: needs none, so few are kept.
STANDINGS: Recent[Found, Standing] = Recent(PLAN_CACHE_WEEKS // 8)


@dataclass(frozen=True)
class HistoryPage:
    sessions: Sequence[Completion]
    page: int
    more: bool


def history_page(store: TrainingStore, user_id: int, page: int) -> HistoryPage:
    """Page `page` (from 1) of the user's sessions, newest first."""
    page = max(1, page)
    rows = store.history_page(user_id, (page - 1) * HISTORY_PAGE, HISTORY_PAGE + 1)
    return HistoryPage(rows[:HISTORY_PAGE], page, len(rows) > HISTORY_PAGE)


@dataclass(frozen=True)
class ExerciseChart:
    """An exercise's most per set, week by week, over the last weeks it was done."""

    exercise: Exercise
    unit: str
    points: tuple[Point, ...]


@dataclass(frozen=True)
class ExerciseChoice:
    slug: str
    name: str
    times: int


def exercise_choices(
    store: TrainingStore, catalog: Catalog, user_id: int, today: date
) -> list[ExerciseChoice]:
    """The exercises of the user's full sessions in the chart's weeks, most often done first."""
    choices = [
        ExerciseChoice(slug, exercise.name, count)
        for slug, count in store.exercise_counts(user_id, chart_since(today)).items()
        if (exercise := catalog.exercises.get(slug)) is not None
    ]
    return sorted(choices, key=lambda c: (-c.times, c.name))


def exercise_chart(
    store: TrainingStore, catalog: Catalog, user_id: int, slug: str, today: date
) -> ExerciseChart | None:
    """The chart of `slug` over the last `CHART_WEEKS` weeks; None if never done."""
    exercise = catalog.exercises.get(slug)
    if exercise is None:
        return None
    rows = store.exercise_log(user_id, slug, chart_since(today))
    if not rows:
        return None
    kind = DosageKind(rows[-1][1])  # the unit it is dosed in now
    entries = [(day, amount) for day, unit, amount in rows if unit == kind.value]
    return ExerciseChart(exercise, UNITS[kind], weekly_best(entries))


@dataclass(frozen=True)
class ExercisePick:
    """The exercises to pick from, the one shown (the one asked for, else the most done), and
    its chart (None when it wasn't done in the chart's weeks)."""

    choices: list[ExerciseChoice]
    chosen: str
    chart: ExerciseChart | None


def pick_exercise(
    store: TrainingStore, catalog: Catalog, user_id: int, asked: str, today: date
) -> ExercisePick:
    """The exercise chart Progress shows: `asked`, or the most often done when none is."""
    choices = exercise_choices(store, catalog, user_id, today)
    chosen = asked or (choices[0].slug if choices else "")
    return ExercisePick(choices, chosen, exercise_chart(store, catalog, user_id, chosen, today))


def chart_since(today: date) -> date:
    """The first day of the chart's weeks."""
    return today - timedelta(weeks=CHART_WEEKS) + DAY
