"""The figures' stylesheet, generated from their keyframes: `/figures.css`.

Each moving figure runs ONE animation on its `<svg>`, which moves registered custom properties,
named per figure by kind and a number counted afresh in each figure (parts that move alike
share one): `--r2` is how far a moving part turns from the key pose (degrees), `--s0` how much a
bone stretches, `--ox`/`--oy` how far the whole figure shifts (units). The properties are
inherited, and one shared rule per name (`.fig .r2`) turns them into the CSS `rotate`, `scale`
and `translate` of the parts the markup marks with that class; `.n2` turns by `--r2` the other
way, and `.u0` undoes `--s0`'s stretch for what hangs on the stretching bone (which the stretch
carries along). So a figure costs one `@keyframes` rule, a pause is one `animation-play-state`,
and the player syncs one animation to its clock. A stop says only what it must: a value at rest
in the first or last stop is the property's initial value, and one between two stops saying the
same is left out. A cycle that comes back the way it went (class `a`) writes its first half
only and plays it forward and back in half the time. A browser without `@property` steps between
keyframes instead of gliding; the key pose always draws.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache

from routines.catalog.model import Catalog
from routines.figures import Figure, Motion
from webapp.presenters.figures.drawing import Drawing, number, short_name

SECONDS_PER_REP = 3.0  # routines.dosage.SELF_PACED_SECONDS_PER_REP: one rep per beat
EASE_IN_SECONDS = 2.0
#: kind of change -> (the CSS it drives, its rest value). The custom properties are plain
#: numbers, so a keyframe needs no units: degrees for turns, units for slides.
KINDS = {
    "r": ("rotate:calc(var(--{p})*1deg)", "0"),
    "n": ("rotate:calc(var(--{p})*-1deg)", ""),  # turns by r's property, the other way
    "s": ("scale:var(--{p}) 1", "1"),
    "u": ("scale:calc(1/var(--{p})) 1", ""),  # undoes s's stretch for what hangs on the bone
    "o": ("", "0"),  # the whole figure's shift: its rule is in SHARED
}
#: The kinds that read another kind's property.
READS = {"n": "r", "u": "s"}

SHARED = """\
.fig.m{animation:var(--fig-a) var(--fig-t,3s) ease-in-out var(--fig-n,infinite) both}
.fig.a{animation-direction:alternate;animation-duration:calc(var(--fig-t,3s)/2)}
.fig .o{translate:calc(var(--ox)*1px) calc(var(--oy)*1px)}
@property --ox{syntax:"<number>";inherits:true;initial-value:0}
@property --oy{syntax:"<number>";inherits:true;initial-value:0}
"""


def cycle_seconds(figure: Figure, tempo: int | None) -> float:
    """One cycle at `tempo` seconds a rep (or the self-paced 3 s); a hold's ease-in."""
    if figure.motion is Motion.EASE_IN:
        return EASE_IN_SECONDS
    return (tempo or SECONDS_PER_REP) * figure.reps_per_cycle


def figure_css(figure: Figure, seconds: float) -> str:
    """The figure's timing and its one `@keyframes` rule of custom properties."""
    name = short_name(figure.slug)
    once = ";--fig-n:1" if figure.motion is Motion.EASE_IN else ""
    timing = f";--fig-t:{number(seconds)}s" if seconds != SECONDS_PER_REP else ""
    drawing = Drawing.of(figure)
    stops = _stops(drawing.keyframes(), half=drawing.alternates())
    return f".x-{name}{{--fig-a:{name}{timing}{once}}}@keyframes {name}{{{stops}}}"


def _stops(values: dict[str, list[str]], *, half: bool) -> str:
    """Keyframe stops, evenly spaced (a cycle that comes back the way it went: its first half),
    each saying only the values it must; stops saying the same share one rule."""
    if not values:
        return ""
    steps = len(next(iter(values.values()))) - 1
    if half:
        steps //= 2
        values = {name: series[: steps + 1] for name, series in values.items()}
    by_stop: dict[str, list[str]] = {}
    for index in range(steps + 1):
        body = ";".join(
            f"--{name}:{series[index]}"
            for name, series in values.items()
            if _needed(name, series, index)
        )
        if body:
            by_stop.setdefault(body, []).append(f"{number(100 * index / steps)}%")
    return "".join(f"{','.join(at)}{{{body}}}" for body, at in by_stop.items())


def _needed(name: str, series: Sequence[str], index: int) -> bool:
    """Whether a stop must say this value. The first and last may leave it at rest (the
    property's initial value); one between two stops with the same value may leave it out, as
    it stays put between them anyway. (Any other stop left out would be skipped, not held.)"""
    if index in (0, len(series) - 1):
        return series[index] != KINDS[name[0]][1]
    return not series[index - 1] == series[index] == series[index + 1]


def shared_rules(names: Sequence[str]) -> Iterator[str]:
    """A registered custom property and the rule that applies it, per moving part used."""
    yield SHARED
    for name in sorted(set(names), key=lambda n: (n[0], int(n[1:]))):
        rule, initial = KINDS[name[0]]
        prop = READS.get(name[0], name[0]) + name[1:]
        if initial:
            yield f'@property --{name}{{syntax:"<number>";inherits:true;initial-value:{initial}}}\n'
        yield f".fig .{name}{{{rule.format(p=prop)}}}\n"


@cache
def stylesheet(figures: tuple[tuple[Figure, int | None], ...]) -> str:
    """The whole library's figures (each with its exercise's tempo) in one stylesheet."""
    names = [n for f, _ in figures for n in Drawing.of(f).css_names().values() if n[0] != "o"]
    names += ["u" + n[1:] for n in names if n[0] == "s"]
    parts = [*shared_rules(names)]
    parts += [figure_css(figure, cycle_seconds(figure, tempo)) + "\n" for figure, tempo in figures]
    return "".join(parts)


def library_stylesheet(catalog: Catalog) -> str:
    """Every exercise's figure, as `/figures.css` serves it."""
    figures = tuple(
        (catalog.figures[slug], catalog.exercises[slug].default_dosage.tempo_seconds)
        for slug in sorted(catalog.figures)
    )
    return stylesheet(figures)
