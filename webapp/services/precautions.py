"""Use cases of the precautions screen: reading, checking and keeping the answers, and what
they leave of a routine, of the quick starts and of the library.

The rules themselves live in `routines/precautions.py`; Hipday never diagnoses, it only leaves
out what the answers rule out and says why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from routines.catalog.model import Catalog, Routine
from routines.precautions import (
    Precaution,
    Screened,
    gentle_only,
    parse_precautions,
    screen,
)
from webapp.store.models import User
from webapp.store.training import TrainingStore

NO_REPLACEMENT = "no"
#: The hip replacement question's answers, "no" first: one of them, as radio buttons.
REPLACEMENT_CHOICES = (
    NO_REPLACEMENT,
    Precaution.HIP_REPLACEMENT_BACK.value,
    Precaution.HIP_REPLACEMENT_FRONT.value,
    Precaution.HIP_REPLACEMENT_UNSURE.value,
)
#: The other questions, each a yes/no tick box.
OTHER_CHOICES = (
    Precaution.PREGNANCY.value,
    Precaution.RECENT_SURGERY.value,
    Precaution.HIP_PAIN.value,
)
REPLACEMENT_ERROR = "Pick one answer about a hip replacement: no, back, front or not sure."
OTHER_ERROR = "Tick only the answers listed: pregnancy, recent surgery or injury, hip pain."


@dataclass
class PrecautionsForm:
    """The precautions screen as answered, with a message per wrong answer."""

    hip_replacement: str = NO_REPLACEMENT
    others: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def answers(self) -> frozenset[Precaution]:
        """The answers as the rules read them (call only when there are no errors)."""
        chosen = [*self.others]
        if self.hip_replacement != NO_REPLACEMENT:
            chosen.append(self.hip_replacement)
        return parse_precautions(",".join(chosen))


def answers_of(user: User) -> frozenset[Precaution]:
    """The user's stored answers; an answer this Hipday no longer knows is dropped, not fatal."""
    known = {p.value for p in Precaution}
    return frozenset(Precaution(p) for p in user.precautions.split(",") if p in known)


def stored_text(answers: Iterable[Precaution]) -> str:
    """The answers as the `precautions` column keeps them, in the screen's order."""
    chosen = set(answers)
    return ",".join(p.value for p in Precaution if p in chosen)


def form_of(user: User) -> PrecautionsForm:
    """The screen as the user last answered it ("no" and nothing ticked before that)."""
    answers = answers_of(user)
    replacement = next((p.value for p in answers if p.value in REPLACEMENT_CHOICES), None)
    others: list[str] = [p.value for p in Precaution if p in answers and p.value in OTHER_CHOICES]
    return PrecautionsForm(replacement or NO_REPLACEMENT, others)


def parse_answers(hip_replacement: str, others: Sequence[str]) -> PrecautionsForm:
    """Check the answers strictly; a question left blank means "no"."""
    form = PrecautionsForm(hip_replacement or NO_REPLACEMENT, list(dict.fromkeys(others)))
    if form.hip_replacement not in REPLACEMENT_CHOICES:
        form.errors["hip_replacement"] = REPLACEMENT_ERROR
    if any(answer not in OTHER_CHOICES for answer in form.others):
        form.errors["others"] = OTHER_ERROR
    return form


def save_answers(store: TrainingStore, user: User, form: PrecautionsForm) -> None:
    """Keep the answers; every routine and plan follows them from the next page on."""
    store.set_precautions(user, stored_text(form.answers))


def screened(routine: Routine, catalog: Catalog, user: User) -> Screened:
    """`routine` with the user's answers applied: what is left, and what changed and why."""
    return screen(routine, catalog, answers_of(user))


@dataclass(frozen=True)
class Advice:
    """What Today and the library say about the answers: the routines not offered, and why."""

    gentle_notice: str | None
    not_for_you: dict[str, str]  # routine slug -> "Not for you right now: …"

    def offered(self, routines: Iterable[Routine]) -> tuple[Routine, ...]:
        """The routines still worth offering as a quick start."""
        return tuple(r for r in routines if r.slug not in self.not_for_you)


def advice(routines: Iterable[Routine], catalog: Catalog, user: User) -> Advice:
    """Which routines the answers leave less than half of, and the gentle-only notice."""
    answers = answers_of(user)
    if not answers:
        return Advice(None, {})
    not_for_you = {}
    for routine in routines:
        result = screen(routine, catalog, answers)
        if not result.usable:
            not_for_you[routine.slug] = _not_for_you(result)
    return Advice(gentle_notice(answers), not_for_you)


def _not_for_you(result: Screened) -> str:
    told = dict.fromkeys(rule.told_us for change in result.changes for rule in change.rules)
    return (
        f"Not for you right now: most of its moves are left out because you told us "
        f"{' and '.join(told)}."
    )


def gentle_notice(answers: frozenset[Precaution]) -> str | None:
    """The plain line shown when the answers keep Hipday to gentle mobility, else None."""
    if not gentle_only(answers):
        return None
    topics = []
    if Precaution.RECENT_SURGERY in answers:
        topics.append("recent surgery or injury")
    if Precaution.HIP_PAIN in answers:
        topics.append("hip pain right now")
    return (
        f"You told us about {' and '.join(topics)}: Hipday offers gentle mobility only. "
        "See a clinician first."
    )
