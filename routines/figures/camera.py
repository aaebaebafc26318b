"""Views: where the camera stands relative to the body, and the 2D drawing it sees.

A view is named from the body's point of view: `side` looks at its right side, `front` at its
chest, `top` down from above its head. A side view cannot show a hip turning about its own axis,
so rotation moves use `front` or `top`, often turned or tilted a little so the bent limbs do
not point straight at the camera. The drawing is orthographic, in SVG coordinates (y down).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from routines.figures.geometry import Vec, cross, dot, rotate, scale, sub, unit
from routines.figures.kinematics import BASE, Placement

WORLD_UP: Vec = (0.0, 1.0, 0.0)


class View(StrEnum):
    SIDE = "side"
    FRONT = "front"
    TOP = "top"


@dataclass(frozen=True)
class Camera:
    """A view, turned about the vertical by `turn` degrees and raised by `tilt` degrees.

    `mirrored` looks at a side view from the body's left instead of its right: the camera a
    left-side figure (see `routines.figures.mirror`) is seen through.
    """

    view: View
    turn: float = 0.0
    tilt: float = 0.0
    mirrored: bool = False


@dataclass(frozen=True)
class Screen:
    """The camera's axes in world coordinates: `toward` points from the figure to the camera."""

    right: Vec
    up: Vec
    toward: Vec

    def project(self, point: Vec) -> tuple[float, float]:
        """`point` on the drawing, in SVG coordinates (x right, y down)."""
        return (dot(point, self.right), -dot(point, self.up))

    def depth(self, point: Vec) -> float:
        """How near `point` is to the camera (bigger is nearer)."""
        return dot(point, self.toward)


def screen(camera: Camera, placement: Placement) -> Screen:
    """The screen axes for `camera` looking at a body in `placement`."""
    base = BASE[placement]
    forward, spine_up, right = (tuple(row[i] for row in base) for i in range(3))
    if camera.mirrored:
        right = scale(right, -1.0)  # type: ignore[arg-type]
    toward: Vec = {View.SIDE: right, View.FRONT: forward, View.TOP: spine_up}[camera.view]  # type: ignore[assignment]
    toward = rotate(toward, WORLD_UP, camera.turn)
    if camera.tilt:
        horizontal = unit(sub(toward, scale(WORLD_UP, dot(toward, WORLD_UP))))
        toward = rotate(toward, cross(horizontal, WORLD_UP), camera.tilt)
    up = _screen_up(toward, spine_up, forward)  # type: ignore[arg-type]
    return Screen(unit(cross(up, toward)), up, unit(toward))


def _screen_up(toward: Vec, spine_up: Vec, forward: Vec) -> Vec:
    """World up as the screen sees it; looking straight down, the head's way (or forward)."""
    for candidate in (WORLD_UP, spine_up, forward):
        flat = sub(candidate, scale(toward, dot(candidate, toward)))
        if dot(flat, flat) > 0.1:
            return unit(flat)
    raise ValueError("no direction is up for this camera")


def project_all(points: Mapping[str, Vec], view: Screen) -> dict[str, tuple[float, float]]:
    """Every point on the drawing."""
    return {name: view.project(p) for name, p in points.items()}
