"""The moving figures' markup and stylesheet draw each keyframe where the figure model puts the
body: read back the way a browser composes the SVG `transform` attributes with the CSS `rotate`,
`scale` and `translate` the stylesheet's keyframes drive, every joint lands on the model's joint.
And the box is centred on x = 0, so flipping a figure for the left side keeps it in place."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest

from routines.catalog.load import load_catalog
from routines.figures import Figure, build_rig
from routines.figures.rig import bone_lines
from webapp.presenters.figures import figure_svg, library_stylesheet, short_name
from webapp.presenters.figures.drawing import STRETCHES, VISIBLE

CATALOG = load_catalog()
CSS = library_stylesheet(CATALOG)
#: Drawn points are whole units, each placed from its group's frame as drawn: the key pose
#: lands within this of the model's joints. Between keyframes a bone that shortens by less than
#: `STRETCHES` or turns by less than `VISIBLE` reads as still, which may carry what hangs from
#: it that far off, on top of the rounding of the key pose and of the keyframes' whole degrees
#: and units; a joint drawn wrong (a flip, a bone in the wrong frame) is tens of units off.
NEAR = 1.0
NEAR_MOVING = STRETCHES + VISIBLE + 2 * NEAR

Matrix = tuple[float, float, float, float, float, float]  # a b c d e f, as SVG's matrix()
IDENTITY: Matrix = (1, 0, 0, 1, 0, 0)


def times(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + c * q, b * p + d * q, a * r + c * s, b * r + d * s, a * t + c * u + e, b * t + d * u + f)  # fmt: skip


def rotation(degrees: float) -> Matrix:
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return (c, s, -s, c, 0, 0)


def attribute_transform(text: str) -> Matrix:
    """An SVG transform attribute of translate() and rotate() steps."""
    matrix = IDENTITY
    for kind, args in re.findall(r"(translate|rotate|scale)\(([^)]*)\)", text):
        values = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", args)]
        if kind == "translate":
            step: Matrix = (1, 0, 0, 1, values[0], values[1] if len(values) > 1 else 0.0)
        elif kind == "rotate":
            step = rotation(values[0])
        else:
            step = (values[0], 0, 0, values[1] if len(values) > 1 else values[0], 0, 0)
        matrix = times(matrix, step)
    return matrix


def keyframe_values(figure: Figure, frame: int) -> dict[str, float]:
    """Each custom property's value at keyframe `frame`, read from the stylesheet the way a
    browser runs it: a property a stop leaves out is what it is between the stops that say it
    (the first and last stops: its rest value), and a figure whose cycle comes back the way it
    went (class `a`) plays its keyframes forward and back."""
    name = re.search(rf"\.x-{short_name(figure.slug)}\{{[^}}]*--fig-a:(\w+)", CSS)
    if not name:
        return {}
    found = re.search(rf"@keyframes {name.group(1)}\{{((?:[^{{}}]*\{{[^}}]*\}})*)\}}", CSS)
    assert found, f"no keyframes for {figure.slug}"
    said: dict[str, dict[float, float]] = {}
    for at, body in re.findall(r"([\d%,.]+)\{([^}]*)\}", found.group(1)):
        for key, value in re.findall(r"--([\w-]+):(-?[\d.]+)", body):
            for percent in at.split(","):
                said.setdefault(key, {})[float(percent.rstrip("%"))] = float(value)
    steps = len(figure.keyframes) if figure.motion.value == "cycle" else len(figure.keyframes) - 1
    if re.search(r'class="fig m a ', str(figure_svg(figure))):
        steps //= 2
        frame = min(frame, 2 * steps - frame)
    at = 100 * frame / steps
    return {
        key: between(stops, at, 1.0 if key.startswith("s") else 0.0) for key, stops in said.items()
    }


def between(stops: dict[float, float], at: float, rest: float) -> float:
    """A property's value at `at` percent, from the stops that say it (linear is enough: a stop
    is only left out between two that say the same)."""
    known = {0.0: rest, 100.0: rest} | stops
    before = max(p for p in known if p <= at + 0.5)
    after = min(p for p in known if p >= at - 0.5)
    if after - before < 1:
        return known[before]
    share = (at - before) / (after - before)
    return known[before] + share * (known[after] - known[before])


#: The stylesheet's shared rules: a class -> its CSS property and the custom properties it
#: reads, each with how: `.fig .n3{rotate:calc(var(--r3)*-1deg)}` reads r3 times -1,
#: `.fig .u0{scale:calc(1/var(--s0)) 1}` one over s0.
RULES = {
    name: (prop, re.findall(r"(1/)?var\(--(\w+)\)(?:\*(-?)1)?", body))
    for name, prop, body in re.findall(r"\.fig \.(\w+)\{(rotate|scale|translate):([^}]*)\}", CSS)
}


def css_transform(classes: list[str], values: dict[str, float]) -> Matrix:
    """The CSS translate, rotate and scale an element's classes give it (in that order), by the
    stylesheet's own rules."""
    found: dict[str, list[float]] = {"translate": [0.0, 0.0], "rotate": [0.0], "scale": [1.0]}
    for name in classes:
        if name in RULES:
            prop, reads = RULES[name]
            rest = 1.0 if prop == "scale" else 0.0
            read = [values.get(key, rest) for _, key, _ in reads]
            read = [
                (1 / v if over else v) * (-1 if sign else 1)
                for v, (over, _, sign) in zip(read, reads, strict=True)
            ]
            found[prop] = read + found[prop][len(read) :]
    (mx, my), (turn,), (stretch,) = found["translate"], found["rotate"], found["scale"]
    return times(times((1, 0, 0, 1, mx, my), rotation(turn)), (stretch, 0, 0, 1, 0, 0))


def drawn_points(svg: str, values: dict[str, float]) -> Iterator[tuple[float, float]]:
    """Every vertex of every body path and the head's centre, where the browser draws them."""

    def walk(element: ET.Element, matrix: Matrix) -> Iterator[tuple[float, float]]:
        classes = element.get("class", "").split()
        here = times(
            times(matrix, css_transform(classes, values)),
            attribute_transform(element.get("transform", "")),
        )
        if element.tag.endswith("path") and not any(c.startswith("p-") for c in classes):
            for x, y in path_points(element.get("d", "")):
                yield here[0] * x + here[2] * y + here[4], here[1] * x + here[3] * y + here[5]
        if element.tag.endswith("circle"):
            x, y = float(element.get("cx", 0)), float(element.get("cy", 0))
            yield here[0] * x + here[2] * y + here[4], here[1] * x + here[3] * y + here[5]
        for child in element:
            yield from walk(child, here)

    yield from walk(ET.fromstring(svg), IDENTITY)


def path_points(d: str) -> Iterator[tuple[float, float]]:
    """The vertices of a path of M, m, L, l, h, v and Z commands."""
    x = y = 0.0
    start = (x, y)
    for command, args in re.findall(r"([MmLlhvZ])([^MmLlhvZ]*)", d):
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", args)]
        if command == "Z":
            x, y = start
            continue
        if command in "hv":
            for n in numbers:
                x, y = (x + n, y) if command == "h" else (x, y + n)
                yield x, y
            continue
        for index in range(0, len(numbers), 2):
            if command in "ML":
                x, y = numbers[index], numbers[index + 1]
            else:
                x, y = x + numbers[index], y + numbers[index + 1]
            if index == 0 and command in "Mm":
                start = (x, y)
            yield x, y


def model_points(figure: Figure, frame: int) -> list[tuple[float, float]]:
    rig = build_rig(figure)
    points = []
    for bone, (start, end) in bone_lines(rig, frame).items():
        if bone.colour not in ("band", "strap") and max(bone.lengths) >= 1.0:
            points += [start, end]
    return points


@pytest.mark.parametrize("slug", sorted(CATALOG.figures))
def test_every_keyframe_of_a_moving_figure_draws_the_joints_where_the_model_puts_them(
    slug: str,
) -> None:
    figure = CATALOG.figures[slug]
    svg = str(figure_svg(figure)).replace(' class="fm"', "")
    body = re.sub(r'<path class="[^"]*\b(?:bd|st)\b[^"]*" d="[^"]*"/>', "", svg)
    for frame in range(len(figure.keyframes)):
        near = NEAR if frame == figure.key else NEAR_MOVING
        drawn = list(drawn_points(body, keyframe_values(figure, frame)))
        model = model_points(figure, frame)
        for point in model:
            nearest = min(math.dist(point, p) for p in drawn)
            assert nearest < near, f"keyframe {frame + 1}: nothing drawn near {point}"
        for point in drawn:
            nearest = min(math.dist(point, p) for p in model)
            assert nearest < near, f"keyframe {frame + 1}: {point} is off the body"


def test_every_figure_has_its_own_animation_name() -> None:
    names = [short_name(slug) for slug in CATALOG.figures]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("slug", sorted(CATALOG.figures))
def test_a_figures_box_is_centred_so_the_left_side_flips_in_place(slug: str) -> None:
    svg = str(figure_svg(CATALOG.figures[slug]))
    x, _, width, _ = (float(v) for v in re.search(r'viewBox="([^"]*)"', svg).group(1).split())  # type: ignore[union-attr]
    assert abs(x + width / 2) <= 0.5
    assert 'class="fm"' in svg, "the wrapper the left side flips"
