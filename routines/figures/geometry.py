"""Small 3D vector and rotation helpers (tuples, so poses stay frozen and hashable)."""

from __future__ import annotations

import math

Vec = tuple[float, float, float]
Mat = tuple[Vec, Vec, Vec]  # rows

IDENTITY: Mat = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))


def add(a: Vec, b: Vec) -> Vec:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def sub(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def scale(a: Vec, k: float) -> Vec:
    return (a[0] * k, a[1] * k, a[2] * k)


def dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def cross(a: Vec, b: Vec) -> Vec:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def norm(a: Vec) -> float:
    return math.sqrt(dot(a, a))


def unit(a: Vec) -> Vec:
    length = norm(a)
    return scale(a, 1 / length) if length else a


def columns(first: Vec, second: Vec, third: Vec) -> Mat:
    """The matrix whose columns are the three vectors (a frame's axes in world coordinates)."""
    return tuple(zip(first, second, third, strict=True))  # type: ignore[return-value]


def mat_vec(m: Mat, v: Vec) -> Vec:
    return (dot(m[0], v), dot(m[1], v), dot(m[2], v))


def mat_mul(a: Mat, b: Mat) -> Mat:
    cols = [(b[0][j], b[1][j], b[2][j]) for j in range(3)]
    return tuple(tuple(dot(row, col) for col in cols) for row in a)  # type: ignore[return-value]


def rot_x(degrees: float) -> Mat:
    """A turn about the local forward axis: up goes toward the right for positive angles."""
    c, s = _cos_sin(degrees)
    return ((1.0, 0.0, 0.0), (0.0, c, -s), (0.0, s, c))


def rot_y(degrees: float) -> Mat:
    """A turn about the local up axis: forward goes toward the left for positive angles."""
    c, s = _cos_sin(degrees)
    return ((c, 0.0, s), (0.0, 1.0, 0.0), (-s, 0.0, c))


def rot_z(degrees: float) -> Mat:
    """A turn about the local right axis: forward goes toward up for positive angles."""
    c, s = _cos_sin(degrees)
    return ((c, -s, 0.0), (s, c, 0.0), (0.0, 0.0, 1.0))


def rotate(v: Vec, axis: Vec, degrees: float) -> Vec:
    """`v` turned about `axis` (right-hand rule) by `degrees` (Rodrigues' formula)."""
    k = unit(axis)
    c, s = _cos_sin(degrees)
    return add(add(scale(v, c), scale(cross(k, v), s)), scale(k, dot(k, v) * (1 - c)))


def _cos_sin(degrees: float) -> tuple[float, float]:
    radians = math.radians(degrees)
    return math.cos(radians), math.sin(radians)
