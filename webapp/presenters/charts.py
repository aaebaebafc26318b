"""Geometry for the small inline SVG charts: values in, coordinates and axis labels out."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from routines.heatmap import Point

WIDTH, HEIGHT = 340, 180
LEFT, RIGHT, TOP, BOTTOM = 36, 12, 12, 28


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    point: Point


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class LineChart:
    dots: tuple[Dot, ...]
    ticks: tuple[Tick, ...]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    baseline: int = HEIGHT - BOTTOM

    @property
    def path(self) -> str:
        return " ".join(f"{d.x:.1f},{d.y:.1f}" for d in self.dots)


def nice_top(value: int) -> int:
    """The axis top: `value` rounded up to 1, 2 or 5 times a power of ten (at least 5)."""
    value = max(value, 5)
    power: int = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def line_chart(points: Sequence[Point]) -> LineChart:
    """Points spread evenly left to right, scaled from 0 to a round top value."""
    top = nice_top(max((p.amount for p in points), default=0))
    span_x = WIDTH - LEFT - RIGHT
    span_y = HEIGHT - TOP - BOTTOM

    def y_of(value: int) -> float:
        return TOP + span_y * (1 - value / top)

    step = span_x / (len(points) - 1) if len(points) > 1 else 0.0
    dots = tuple(
        Dot(LEFT + (step * i if len(points) > 1 else span_x / 2), y_of(p.amount), p)
        for i, p in enumerate(points)
    )
    ticks = tuple(Tick(y_of(v), v) for v in (0, top // 2, top))
    return LineChart(dots, ticks)
