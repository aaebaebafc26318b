"""The figure's body: named segments with human proportions, its joints and their ranges.

Lengths are in units of about 1.75 cm: a figure standing tall is about 100 units from the heel
to the top of the head, the proportions of an adult (thigh and shin about a quarter of the
height each, the trunk from hip joints to shoulders a little more, the head an eighth).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Side(StrEnum):
    """The body's two sides; a per-side exercise starts on the right, then mirrors on the left."""

    RIGHT = "right"
    LEFT = "left"


@dataclass(frozen=True)
class Segment:
    """One drawn stretch of the body, from its parent's end (or the pelvis centre) to its end."""

    name: str
    parent: str | None
    length: float
    limb: str  # what `works` and the far-side shading refer to: "right leg", "trunk", ...
    thick: bool = False  # the trunk is drawn wider than the limbs


HALF_PELVIS = 6.0
THIGH = 25.0
SHIN = 27.0  # knee to the heel's underside: the ankle is drawn at floor level
FOOT = 13.0
TRUNK = 29.0  # hip joints' midpoint to the shoulders' midpoint
NECK = 11.0  # shoulders' midpoint to the centre of the head
HEAD_RADIUS = 6.5
HALF_SHOULDERS = 9.0
UPPER_ARM = 18.0
FOREARM = 16.0  # elbow to the knuckles


def _limb(side: Side) -> tuple[Segment, ...]:
    s = side.value[0]
    leg, arm = f"{side.value} leg", f"{side.value} arm"
    return (
        Segment(f"hip_{s}", None, HALF_PELVIS, "trunk"),
        Segment(f"thigh_{s}", f"hip_{s}", THIGH, leg),
        Segment(f"shin_{s}", f"thigh_{s}", SHIN, leg),
        Segment(f"foot_{s}", f"shin_{s}", FOOT, leg),
        Segment(f"collar_{s}", "trunk", HALF_SHOULDERS, "trunk"),
        Segment(f"arm_{s}", f"collar_{s}", UPPER_ARM, arm),
        Segment(f"forearm_{s}", f"arm_{s}", FOREARM, arm),
    )


#: Every segment, parents before children; `hip_*` and `trunk` start at the pelvis centre.
SEGMENTS: tuple[Segment, ...] = (
    Segment("trunk", None, TRUNK, "trunk", thick=True),
    Segment("neck", "trunk", NECK, "trunk"),
    *_limb(Side.RIGHT),
    *_limb(Side.LEFT),
)
SEGMENT = {segment.name: segment for segment in SEGMENTS}
LIMBS = ("right leg", "left leg", "right arm", "left arm", "trunk")

#: Degrees of freedom of each joint and the range a healthy adult reaches in each (degrees).
#: The pelvis angles place the whole body relative to its placement (a bridge lifts it, a
#: hinge tips it), so their range is wider than any one joint's.
RANGES: dict[str, dict[str, tuple[float, float]]] = {
    "pelvis": {"pitch": (-90, 90), "roll": (-90, 90), "yaw": (-90, 90)},
    "trunk": {"flex": (-30, 90), "side": (-40, 40), "twist": (-45, 45)},
    "neck": {"flex": (-45, 70)},
    "hip": {"flex": (-30, 140), "abd": (-30, 60), "rot": (-45, 75)},
    "knee": {"flex": (0, 155)},
    "ankle": {"flex": (-50, 30)},
    "shoulder": {"flex": (-60, 180), "abd": (-30, 180), "rot": (-90, 90)},
    "elbow": {"flex": (0, 150)},
}
SIDED = ("hip", "knee", "ankle", "shoulder", "elbow")
#: "hips = ..." sets both hips; the same for the other paired joints.
PAIRS = {
    "hips": "hip",
    "knees": "knee",
    "ankles": "ankle",
    "shoulders": "shoulder",
    "elbows": "elbow",
}


def joint_names() -> tuple[str, ...]:
    """Every joint a pose may set: the pelvis, trunk and neck, then each side's joints."""
    sided = tuple(f"{side.value}_{kind}" for kind in SIDED for side in Side)
    return ("pelvis", "trunk", "neck", *sided)


def joint_kind(joint: str) -> str:
    """'right_hip' -> 'hip'; 'trunk' -> 'trunk'."""
    return joint.split("_", 1)[1] if "_" in joint else joint
