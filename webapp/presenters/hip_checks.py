"""What a hip check shows: one check in words, and Progress's "Your hips" charts and notes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from routines.figures.body import Side
from routines.hip_check import (
    RANGES_SOURCE,
    TYPICAL_RANGES,
    HipCheck,
    Rotation,
    arc,
    imbalance,
    lagging_side,
)
from webapp.presenters.charts import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, Tick, nice_top

SIDES = (Side.RIGHT, Side.LEFT)
Measure = Callable[[HipCheck, Side], int | None]


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class SideLine:
    """One side's values on a chart: its polyline and its dots (x, y, whether estimated)."""

    side: Side
    path: str
    dots: tuple[tuple[float, float, bool], ...]


@dataclass(frozen=True)
class MeasureChart:
    """One measure of the check over time, both sides on one scale, with its table's rows."""

    key: str
    title: str
    unit: str
    rows: tuple[tuple[date, str, str], ...]  # the day, the right side's and the left's words
    lines: tuple[SideLine, ...]
    ticks: tuple[Tick, ...]
    first: date
    last: date
    estimated: bool = False  # whether any dot is an estimate (drawn hollow)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT


def _rotation(rotation: Rotation) -> Measure:
    return lambda check, side: check.degrees(side, rotation)


#: The measures Progress charts: key, title, unit, how to read it from a check.
MEASURES: tuple[tuple[str, str, str, Measure], ...] = (
    ("outward", "Outward rotation", "°", _rotation(Rotation.OUTWARD)),
    ("inward", "Inward rotation", "°", _rotation(Rotation.INWARD)),
    ("arc", "Rotation arc", "°", arc),
    ("balance", "Single-leg balance", "s", lambda check, side: check.balance_seconds.get(side)),
    ("plank", "Side plank", "s", lambda check, side: check.plank_seconds.get(side)),
)


def rotation_words(check: HipCheck, side: Side, rotation: Rotation) -> str:
    """ "45°", "45°, estimated, not pain-free", or "not measured"."""
    found = [r for r in check.rotations if (r.side, r.rotation) == (side, rotation)]
    if not found:
        return "not measured"
    result = found[0]
    words = [f"{result.degrees}°"]
    if result.estimated:
        words.append("estimated")
    if result.pain_free is not None:
        words.append("pain-free" if result.pain_free else "not pain-free")
    return ", ".join(words)


def _estimated(check: HipCheck, side: Side, key: str) -> bool:
    """Whether the value charted for `key` rests on a range picked from figures."""
    turns = tuple(Rotation) if key == "arc" else tuple(r for r in Rotation if r == key)
    return any(r.estimated for r in check.rotations if r.side == side and r.rotation in turns)


def _value_words(check: HipCheck, side: Side, key: str, unit: str, measure: Measure) -> str:
    if key in (Rotation.OUTWARD, Rotation.INWARD):
        return rotation_words(check, side, Rotation(key))
    value = measure(check, side)
    if value is None:
        return "not measured"
    on_knees = key == "plank" and check.plank_on_knees
    return f"{value}{'°' if unit == '°' else ' s'}{', on the knees' if on_knees else ''}"


def difference_words(check: HipCheck) -> str | None:
    """ "15° (18%)" between the sides' arcs, or None when a side's arc is missing."""
    found = imbalance(check)
    return None if found is None else f"{found[0]}° ({round(found[1] * 100)}%)"


def lagging_note(check: HipCheck) -> str | None:
    """The plain note Progress shows when one hip turns clearly less than the other."""
    side = lagging_side(check)
    found = imbalance(check)
    if side is None or found is None:
        return None
    other = Side.LEFT if side is Side.RIGHT else Side.RIGHT
    return (
        f"Your {side} hip turns {found[0]}° less than your {other}. Until your next check, "
        f"rotation exercises add one set on your {side} side."
    )


def check_facts(check: HipCheck) -> tuple[Fact, ...]:
    """Everything one check holds, in words, a line each."""
    facts = [Fact("Date", check.taken_on.strftime("%A %-d %B %Y"))]
    for key, title, unit, measure in MEASURES:
        for side in SIDES:
            words = _value_words(check, side, key, unit, measure)
            facts.append(Fact(f"{title}, {side}", words))
    if (difference := difference_words(check)) is not None:
        facts.append(Fact("Difference between the arcs", difference))
    if check.pelvis_level is not None:
        facts.append(Fact("Pelvis stayed level", "yes" if check.pelvis_level else "no"))
    return tuple(facts)


def _geometry(
    values: Sequence[tuple[int | None, int | None]],
    estimated: Sequence[tuple[bool, bool]],
) -> tuple[tuple[SideLine, ...], tuple[Tick, ...]]:
    """Both sides' lines over evenly spread checks, on one scale from 0 to a round top."""
    top = nice_top(max((v for pair in values for v in pair if v is not None), default=0))
    span_x, span_y = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = span_x / (len(values) - 1) if len(values) > 1 else 0.0

    def x_of(n: int) -> float:
        return LEFT + (step * n if len(values) > 1 else span_x / 2)

    def y_of(value: int) -> float:
        return TOP + span_y * (1 - value / top)

    lines = []
    for n_side, side in enumerate(SIDES):
        found = [(n, pair[n_side], estimated[n][n_side]) for n, pair in enumerate(values)]
        dots = tuple((x_of(n), y_of(v), guess) for n, v, guess in found if v is not None)
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in dots)
        lines.append(SideLine(side, path, dots))
    return tuple(lines), tuple(Tick(y_of(v), v) for v in (0, top // 2, top))


def measure_chart(
    checks: Sequence[HipCheck], key: str, title: str, unit: str, measure: Measure
) -> MeasureChart | None:
    """One measure's chart over the checks that have it on either side; None when none do."""
    having = [c for c in checks if any(measure(c, side) is not None for side in SIDES)]
    if not having:
        return None
    values = [(measure(c, Side.RIGHT), measure(c, Side.LEFT)) for c in having]
    guesses = [(_estimated(c, Side.RIGHT, key), _estimated(c, Side.LEFT, key)) for c in having]
    lines, ticks = _geometry(values, guesses)
    rows = tuple(
        (c.taken_on, _value_words(c, Side.RIGHT, key, unit, measure),
         _value_words(c, Side.LEFT, key, unit, measure))
        for c in having
    )  # fmt: skip
    first, last = having[0].taken_on, having[-1].taken_on
    any_guess = any(any(pair) for pair in guesses)
    return MeasureChart(key, title, unit, rows, lines, ticks, first, last, any_guess)


@dataclass(frozen=True)
class HipsView:
    """Progress's "Your hips": the newest check's arcs and note, the charts, the ranges."""

    latest: HipCheck | None
    latest_id: int | None
    arcs: tuple[tuple[Side, int | None], ...]
    difference: str | None
    note: str | None
    charts: tuple[MeasureChart, ...]
    ranges: tuple[tuple[str, int, int], ...]
    ranges_source: str
    checks: int  # how many checks the charts show


def hips_view(entries: Sequence[tuple[int, str, HipCheck]]) -> HipsView:
    """The section from the user's checks, newest last, each with its id and the phone's id."""
    checks = [check for _, _, check in entries]
    latest = checks[-1] if checks else None
    charts = tuple(
        chart
        for key, title, unit, measure in MEASURES
        if (chart := measure_chart(checks, key, title, unit, measure)) is not None
    )
    ranges = tuple((str(r), low, high) for r, (low, high) in TYPICAL_RANGES.items())
    return HipsView(
        latest=latest,
        latest_id=entries[-1][0] if entries else None,
        arcs=tuple((side, arc(latest, side) if latest else None) for side in SIDES),
        difference=difference_words(latest) if latest else None,
        note=lagging_note(latest) if latest else None,
        charts=charts,
        ranges=ranges,
        ranges_source=RANGES_SOURCE,
        checks=len(checks),
    )
