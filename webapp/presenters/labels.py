"""The words pages use for the domain's values: goals, places, day statuses, streak marks, and
the heatmap read aloud; and a stored session's minutes as pages show them."""

from __future__ import annotations

from routines.catalog.model import Goal
from routines.finder import Where
from routines.heatmap import Heatmap
from routines.session import session_minutes
from routines.streaks import Mark
from webapp.services.plans import EQUIPMENT_CHOICES, WEEKDAY_NAMES, WEEKDAYS
from webapp.store.models import Completion

GOAL_LABELS = {
    Goal.RUNNING: "Warm-ups for running",
    Goal.DESK: "Desk breaks",
    Goal.LIFTING: "Hip strength for lifting",
    Goal.GENERAL: "General hip health",
}
#: What the plan's lists add after a day's kind: nothing while it is simply planned.
STATUS_NOTES = {
    "planned": "",
    "done": " · done",
    "missed": " · missed",
    "skipped": " · skipped",
    "moved": " · moved",
    "vacation": " · vacation",
}
PLACE_LABELS = {
    Where.STANDING: "Standing only",
    Where.SEATED: "Seated only",
    Where.NO_FLOOR: "Seated or standing (no floor)",
}


MARK_LABELS = {
    Mark.DONE: "done",
    Mark.REST: "rest",
    Mark.FROZEN: "freeze",
    Mark.VACATION: "vacation",
    Mark.MISSED: "missed",
    Mark.PENDING: "to do",
}


def heatmap_summary(heatmap: Heatmap) -> str:
    """The heatmap in words, for screen readers."""
    parts = [
        f"{heatmap.count(mark)} {label}"
        for mark, label in (
            (Mark.DONE, "days with a session"),
            (Mark.REST, "rest days"),
            (Mark.FROZEN, "days covered by a freeze"),
            (Mark.VACATION, "vacation days"),
            (Mark.MISSED, "missed days"),
        )
        if heatmap.count(mark)
    ]
    span = f"{heatmap.first:%-d %B %Y} to {heatmap.last:%-d %B %Y}"
    return f"From {span}: " + (", ".join(parts) if parts else "no sessions yet") + "."


def completion_minutes(completion: Completion) -> int:
    """A stored session's length in whole minutes, as History and the session page show it."""
    seconds = (completion.ended_at - completion.started_at).total_seconds()
    return session_minutes(seconds, completion.steps_done)


def program_choices() -> dict[str, object]:
    """The weekdays and kit the program form offers."""
    return {
        "weekdays": list(zip(WEEKDAYS, WEEKDAY_NAMES, strict=True)),
        "equipment": [e.value for e in EQUIPMENT_CHOICES],
    }
