"""Poses and forward kinematics: joint angles and a placement become 3D points of the body.

World axes: x points right in the side view, y up from the floor (y = 0), z toward the side
view's camera. Each placement sets the body's base frame: its forward (F), up-the-spine (U) and
right (R) axes in world coordinates. A standing figure faces +x with its right side toward the
camera; lying figures have the same right side toward the camera where they can.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from routines.figures import body
from routines.figures.geometry import (
    Mat,
    Vec,
    add,
    columns,
    mat_mul,
    mat_vec,
    rot_x,
    rot_y,
    rot_z,
    sub,
)

SEAT_HEIGHT = 23.0  # a dining chair's seat, for this body: thighs level, feet flat


class Placement(StrEnum):
    STANDING = "standing"
    CHAIR = "seated on a chair"
    FLOOR_SEAT = "seated on the floor"
    BACK = "lying on the back"
    LEFT_SIDE = "lying on the left side"
    RIGHT_SIDE = "lying on the right side"
    KNEELING = "kneeling"
    HANDS = "on hands"
    FOREARMS = "on forearms"


_UPRIGHT = columns((1, 0, 0), (0, 1, 0), (0, 0, 1))
#: The body's base frame in each placement, as columns F, U, R.
BASE: dict[Placement, Mat] = {
    Placement.STANDING: _UPRIGHT,
    Placement.CHAIR: _UPRIGHT,
    Placement.FLOOR_SEAT: _UPRIGHT,
    Placement.KNEELING: _UPRIGHT,
    Placement.BACK: columns((0, 1, 0), (-1, 0, 0), (0, 0, 1)),  # face up, head to the left
    Placement.LEFT_SIDE: columns((0, 0, 1), (1, 0, 0), (0, 1, 0)),  # right side up, head right
    Placement.RIGHT_SIDE: columns((0, 0, 1), (-1, 0, 0), (0, -1, 0)),  # left side up, head left
    Placement.HANDS: columns((0, -1, 0), (1, 0, 0), (0, 0, 1)),  # face down, head right
    Placement.FOREARMS: columns((0, -1, 0), (1, 0, 0), (0, 0, 1)),
}
#: What rests on the floor (or the seat) unless a pose says otherwise.
DEFAULT_ANCHOR: dict[Placement, str] = {
    Placement.STANDING: "feet",
    Placement.CHAIR: "seat",
    Placement.FLOOR_SEAT: "seat",
    Placement.KNEELING: "knees",
    Placement.BACK: "back",
    Placement.LEFT_SIDE: "left hip",
    Placement.RIGHT_SIDE: "right hip",
    Placement.HANDS: "hands",
    Placement.FOREARMS: "forearms",
}


@dataclass(frozen=True)
class Contact:
    """Body points that rest on a surface: each part's lowest point touches it."""

    parts: tuple[tuple[str, ...], ...]
    lift: float  # how far the drawn line's centre sits above the surface


def _sided(
    name: str, parts: tuple[tuple[str, ...], ...], lift: float, both: str
) -> dict[str, Contact]:
    """`name` for each side ('right knee', 'left knee') and `both` for the pair ('knees')."""

    def on(side: str) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(f"{p}_{side}" for p in part) for part in parts)

    sided = {f"right {name}": Contact(on("r"), lift), f"left {name}": Contact(on("l"), lift)}
    return sided | ({both: Contact(on("r") + on("l"), lift)} if both else {})


CONTACTS: dict[str, Contact] = {
    **_sided("foot", (("heel", "toe"),), 1.0, "feet"),
    **_sided("heel", (("heel",),), 1.0, "heels"),
    **_sided("toes", (("toe",),), 1.0, "toes"),
    **_sided("knee", (("knee",),), 3.0, "knees"),
    **_sided("hand", (("hand",),), 2.0, "hands"),
    **_sided("forearm", (("elbow",), ("hand",)), 3.0, "forearms"),
    **_sided("elbow", (("elbow",),), 3.0, "elbows"),
    **_sided("hip", (("hip",),), 6.0, ""),
    **_sided("shoulder", (("shoulder",),), 4.0, ""),
    "back": Contact((("pelvis",), ("neck_base",)), 4.0),
    "shoulders": Contact((("neck_base",),), 4.0),
    "seat": Contact((("pelvis",),), 5.0),
    "head": Contact((("head",),), body.HEAD_RADIUS),
}


@dataclass(frozen=True)
class Pose:
    """Joint angles in degrees, by joint and degree of freedom; anything unset is 0."""

    angles: tuple[tuple[str, str, float], ...] = ()

    def angle(self, joint: str, dof: str) -> float:
        for name, freedom, value in self.angles:
            if (name, freedom) == (joint, dof):
                return value
        return 0.0

    def with_angles(self, changes: Mapping[tuple[str, str], float]) -> Pose:
        """This pose with `changes` applied (the next keyframe inherits from this one)."""
        merged = {(j, d): v for j, d, v in self.angles} | dict(changes)
        return Pose(tuple(sorted((j, d, v) for (j, d), v in merged.items())))


#: Where each named point lies: the end of which segment.
POINT_OF_SEGMENT = {
    "trunk": "neck_base", "neck": "head",
    **{f"hip_{s}": f"hip_{s}" for s in "rl"},
    **{f"thigh_{s}": f"knee_{s}" for s in "rl"},
    **{f"shin_{s}": f"heel_{s}" for s in "rl"},
    **{f"foot_{s}": f"toe_{s}" for s in "rl"},
    **{f"collar_{s}": f"shoulder_{s}" for s in "rl"},
    **{f"arm_{s}": f"elbow_{s}" for s in "rl"},
    **{f"forearm_{s}": f"hand_{s}" for s in "rl"},
}  # fmt: skip


def pelvis_frame(pose: Pose, placement: Placement) -> Mat:
    """The pelvis's axes in world coordinates: the placement turned by the pelvis angles."""
    turn = mat_mul(rot_y(-pose.angle("pelvis", "yaw")), rot_x(pose.angle("pelvis", "roll")))
    return mat_mul(BASE[placement], mat_mul(turn, rot_z(-pose.angle("pelvis", "pitch"))))


def body_points(pose: Pose, placement: Placement) -> dict[str, Vec]:
    """Every named point of the body in world coordinates, the pelvis centre at the origin."""
    frame = pelvis_frame(pose, placement)
    local: dict[str, Vec] = {"pelvis": (0.0, 0.0, 0.0)}
    local.update(_spine(pose))
    for side in body.Side:
        local.update(_limbs(pose, side, local["neck_base"], _trunk_frame(pose)))
    return {name: mat_vec(frame, point) for name, point in local.items()}


def _trunk_frame(pose: Pose) -> Mat:
    twist = rot_y(-pose.angle("trunk", "twist"))
    return mat_mul(
        mat_mul(twist, rot_x(pose.angle("trunk", "side"))), rot_z(-pose.angle("trunk", "flex"))
    )


def _spine(pose: Pose) -> dict[str, Vec]:
    trunk = _trunk_frame(pose)
    neck_base = mat_vec(trunk, (0.0, body.TRUNK, 0.0))
    neck = mat_mul(trunk, rot_z(-pose.angle("neck", "flex")))
    return {"neck_base": neck_base, "head": add(neck_base, mat_vec(neck, (0.0, body.NECK, 0.0)))}


def _limbs(pose: Pose, side: body.Side, neck_base: Vec, trunk: Mat) -> dict[str, Vec]:
    """One side's leg and arm in the pelvis frame, worked out as a right side and mirrored."""
    s, j = side.value[0], f"{side.value}_"
    hip = (0.0, 0.0, body.HALF_PELVIS)
    thigh = mat_mul(
        mat_mul(rot_z(pose.angle(j + "hip", "flex")), rot_x(-pose.angle(j + "hip", "abd"))),
        rot_y(-pose.angle(j + "hip", "rot")),
    )
    knee = add(hip, mat_vec(thigh, (0.0, -body.THIGH, 0.0)))
    shin = mat_mul(thigh, rot_z(-pose.angle(j + "knee", "flex")))
    heel = add(knee, mat_vec(shin, (0.0, -body.SHIN, 0.0)))
    foot = mat_mul(shin, rot_z(pose.angle(j + "ankle", "flex")))
    toe = add(heel, mat_vec(foot, (body.FOOT, 0.0, 0.0)))
    shoulder = add(neck_base, mat_vec(trunk, (0.0, 0.0, body.HALF_SHOULDERS)))
    arm = mat_mul(
        trunk,
        mat_mul(
            mat_mul(
                rot_z(pose.angle(j + "shoulder", "flex")), rot_x(-pose.angle(j + "shoulder", "abd"))
            ),
            rot_y(-pose.angle(j + "shoulder", "rot")),
        ),
    )
    elbow = add(shoulder, mat_vec(arm, (0.0, -body.UPPER_ARM, 0.0)))
    forearm = mat_mul(arm, rot_z(pose.angle(j + "elbow", "flex")))
    hand = add(elbow, mat_vec(forearm, (0.0, -body.FOREARM, 0.0)))
    points = {"hip": hip, "knee": knee, "heel": heel, "toe": toe, "shoulder": shoulder,
              "elbow": elbow, "hand": hand}  # fmt: skip
    if side is body.Side.LEFT:
        points = {name: _mirror(p, neck_base, trunk, name) for name, p in points.items()}
    return {f"{name}_{s}": p for name, p in points.items()}


def _mirror(point: Vec, neck_base: Vec, trunk: Mat, name: str) -> Vec:
    """A right-side point reflected to the left: across the pelvis's midplane for the leg, the
    trunk's midplane for the arm (so a side-bent trunk carries both shoulders with it)."""
    if name in ("shoulder", "elbow", "hand"):
        inverse = tuple(zip(*trunk, strict=True))  # a rotation's inverse is its transpose
        local = mat_vec(inverse, sub(point, neck_base))  # type: ignore[arg-type]
        return add(neck_base, mat_vec(trunk, (local[0], local[1], -local[2])))
    return (point[0], point[1], -point[2])


def contact_points(points: Mapping[str, Vec], contact: str) -> list[list[Vec]]:
    """The points of each part of `contact`."""
    return [[points[name] for name in part] for part in CONTACTS[contact].parts]


def lowest(points: Mapping[str, Vec], contact: str) -> float:
    """The height of the lowest point of `contact`."""
    return min(p[1] for part in contact_points(points, contact) for p in part)


def reference(points: Mapping[str, Vec], contact: str) -> Vec:
    """Where `contact` is, across the floor: the mean of each part's first point."""
    firsts = [part[0] for part in contact_points(points, contact)]
    n = len(firsts)
    return (sum(p[0] for p in firsts) / n, 0.0, sum(p[2] for p in firsts) / n)


def placed(points: Mapping[str, Vec], shift: Vec) -> dict[str, Vec]:
    """Every point moved by `shift`."""
    return {name: add(p, shift) for name, p in points.items()}
