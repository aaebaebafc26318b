"""The figure model: joint angles move the body the way their names say, segments keep their
length and stay joined in the drawing, the left side is the right side's mirror image, and a
figure that breaks the rules is refused with a message naming the field."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routines.figures import (
    Camera,
    Figure,
    FigureError,
    Keyframe,
    Motion,
    Placement,
    Pose,
    View,
    build_rig,
    figure_problems,
    read_figure,
    rig_points,
)
from routines.figures.body import RANGES, SEGMENTS, joint_kind, joint_names
from routines.figures.camera import screen
from routines.figures.figure import placed_keyframes
from routines.figures.geometry import norm, sub
from routines.figures.kinematics import POINT_OF_SEGMENT, body_points
from routines.figures.mirror import mirrored, swap_side

FORWARD, UP, RIGHT = 0, 1, 2  # a standing body faces +x, its right side toward +z


def pose(**angles: float) -> Pose:
    """`pose(right_hip__flex=90)` -> a pose with that one angle."""
    return Pose().with_angles({tuple(k.split("__")): v for k, v in angles.items()})  # type: ignore[misc]


def moved(point: str, before: Pose, after: Pose) -> tuple[float, float, float]:
    a = body_points(before, Placement.STANDING)[point]
    b = body_points(after, Placement.STANDING)[point]
    return (b[0] - a[0], b[1] - a[1], b[2] - a[2])


DIRECTIONS = [
    # what moves, the pose, the point, the axis it moves along, which way
    ("hip flexion lifts the knee forward", pose(right_hip__flex=90), "knee_r", FORWARD, +1),
    ("hip abduction takes the right knee out to the right", pose(right_hip__abd=30), "knee_r", RIGHT, +1),
    ("hip abduction takes the left knee out to the left", pose(left_hip__abd=30), "knee_l", RIGHT, -1),
    ("external rotation of a bent hip swings the foot inward",
     pose(right_hip__flex=90, right_knee__flex=90, right_hip__rot=30), "heel_r", RIGHT, -1),
    ("knee flexion takes the heel back", pose(right_knee__flex=90), "heel_r", FORWARD, -1),
    ("pointing the foot takes the toes down", pose(right_ankle__flex=-30), "toe_r", UP, -1),
    ("trunk flexion tips the shoulders forward", pose(trunk__flex=30), "neck_base", FORWARD, +1),
    ("a side bend to the right takes the head right", pose(trunk__side=20), "head", RIGHT, +1),
    ("shoulder flexion lifts the hand forward", pose(right_shoulder__flex=90), "hand_r", FORWARD, +1),
    ("shoulder abduction lifts the left hand out to the left", pose(left_shoulder__abd=90), "hand_l", RIGHT, -1),
    ("a forward pelvis pitch tips the head forward", pose(pelvis__pitch=30), "head", FORWARD, +1),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "after", "point", "axis", "sign"), DIRECTIONS, ids=[c[0] for c in DIRECTIONS]
)
def test_each_joint_angle_moves_the_body_the_way_its_name_says(
    case: str, after: Pose, point: str, axis: int, sign: int
) -> None:
    assert moved(point, Pose(), after)[axis] * sign > 5


def test_a_figure_standing_tall_is_about_a_hundred_units_from_heel_to_crown() -> None:
    points = body_points(Pose(), Placement.STANDING)
    assert 97 <= points["head"][1] + 6.5 - points["heel_r"][1] <= 101


@st.composite
def poses(draw: st.DrawFn) -> Pose:
    """Any pose within the human ranges."""
    angles = {}
    for joint in joint_names():
        for dof, (low, high) in RANGES[joint_kind(joint)].items():
            angles[(joint, dof)] = draw(st.floats(low, high, allow_nan=False))
    return Pose().with_angles(angles)


@given(poses(), st.sampled_from(list(Placement)))
def test_every_segment_keeps_its_length_in_any_pose(body: Pose, placement: Placement) -> None:
    points = body_points(body, placement)
    for segment in SEGMENTS:
        start = points[POINT_OF_SEGMENT[segment.parent] if segment.parent else "pelvis"]
        assert norm(sub(points[POINT_OF_SEGMENT[segment.name]], start)) == pytest.approx(
            segment.length
        )


def figure(*keyframes: Pose, placement: Placement = Placement.BACK, **options: Any) -> Figure:
    """A figure lying on its back (nothing can fall through the floor) with these keyframes."""
    anchor = options.pop("anchor", "back")
    return Figure(
        slug="test", label="A test figure.", camera=options.pop("camera", Camera(View.SIDE)),
        placement=placement, keyframes=tuple(Keyframe(p, anchor) for p in keyframes),
        key=options.pop("key", 1), motion=options.pop("motion", Motion.CYCLE), reps_per_cycle=1,
        works=("right leg",), per_side=True, **options,
    )  # fmt: skip


lying_poses = st.builds(
    lambda hip, knee, shoulder, elbow: pose(
        right_hip__flex=hip, right_knee__flex=knee, left_shoulder__flex=shoulder,
        left_elbow__flex=elbow, neck__flex=15,
    ),  # fmt: skip
    st.floats(0, 120), st.floats(0, 120), st.floats(0, 170), st.floats(0, 140),
)  # fmt: skip
cameras = st.builds(Camera, st.sampled_from(list(View)), st.floats(-180, 180), st.floats(0, 60))


@settings(max_examples=60, deadline=None)
@given(lying_poses, lying_poses, cameras)
def test_the_drawing_keeps_every_bone_joined_at_every_keyframe(
    first: Pose, second: Pose, camera: Camera
) -> None:
    drawn = figure(first, second, camera=camera)
    rig = build_rig(drawn)
    view = screen(camera, drawn.placement)
    for index, points in enumerate(placed_keyframes(drawn)):
        at = rig_points(rig, index)
        rx, ry = view.project(points[rig.root])
        for name, point in points.items():
            x, y = view.project(point)
            drawn_at = (at[name][0] - at[rig.root][0], at[name][1] - at[rig.root][1])
            # a bone pointing straight at the camera keeps a neighbour's angle: off by < 0.02
            assert math.dist((x - rx, y - ry), drawn_at) < 0.02


@settings(max_examples=30, deadline=None)
@given(lying_poses, lying_poses)
def test_the_point_that_moves_least_stays_still_between_keyframes(
    first: Pose, second: Pose
) -> None:
    rig = build_rig(figure(first, second))
    still = [rig_points(rig, frame)[rig.root] for frame in (0, 0.25, 0.5, 0.75, 1)]
    assert all(math.dist(p, still[0]) < 1e-9 for p in still)


def other_side(point: str) -> str:
    """'knee_r' -> 'knee_l': the same point of the other side."""
    return {"_r": point[:-2] + "_l", "_l": point[:-2] + "_r"}.get(point[-2:], point)


def test_swapping_sides_renames_right_and_left_only() -> None:
    assert [swap_side(n) for n in ("right knee", "left_hip", "seat", "feet")] == [
        "left knee", "right_hip", "seat", "feet",
    ]  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(lying_poses, lying_poses, cameras, st.sampled_from([Placement.BACK, Placement.LEFT_SIDE]))
def test_the_left_side_is_the_right_side_flipped_left_to_right(
    first: Pose, second: Pose, camera: Camera, placement: Placement
) -> None:
    anchor = "back" if placement is Placement.BACK else "left hip"
    right = figure(first, second, camera=camera, placement=placement, anchor=anchor)
    left = mirrored(right)
    view, other = screen(right.camera, right.placement), screen(left.camera, left.placement)
    for a, b in zip(placed_keyframes(right), placed_keyframes(left), strict=True):
        for name, point in a.items():
            x, y = view.project(point)
            mx, my = other.project(b[other_side(name)])
            assert (mx, my) == pytest.approx((-x, y), abs=1e-6)


def test_the_mirror_of_the_mirror_is_the_figure() -> None:
    original = figure(pose(right_hip__flex=40, pelvis__roll=10), pose(right_knee__flex=60))
    assert mirrored(mirrored(original)) == original


# --- reading figures -------------------------------------------------------------------------

GOOD = {
    "label": "Lying on the back, the right knee lifts.",
    "view": "side",
    "placement": "lying on the back",
    "works": ["right leg"],
    "pose": [{"neck": 15}, {"right_hip": {"flex": 45}, "right_knee": 90}],
}


def read(changes: dict[str, Any], per_side: bool = True) -> Figure:
    return read_figure("test", GOOD | changes, Motion.CYCLE, per_side)


def test_a_good_figure_reads_and_each_keyframe_starts_from_the_one_before() -> None:
    read_back = read({})
    assert read_back.keyframes[1].pose.angle("neck", "flex") == 15
    assert read_back.keyframes[1].pose.angle("right_hip", "flex") == 45
    assert figure_problems(read_back) == ()


BROKEN = [
    ("an angle outside the human range", {"pose": [{"right_knee": 170}, {}]},
     "figure.pose[1].right_knee.flex", "170° is outside the human range 0° to 155°"),
    ("one keyframe", {"pose": [{}]}, "figure.pose", "needs 2 to 4 keyframes, has 1"),
    ("five keyframes", {"pose": [{}] * 5}, "figure.pose", "needs 2 to 4 keyframes, has 5"),
    ("a misspelt joint", {"pose": [{"right_kne": 10}, {}]}, "figure.pose[1].right_kne", "unknown field"),
    ("a misspelt movement", {"pose": [{"hips": {"flexion": 10}}, {}]}, "figure.pose[1].hips.flexion", "unknown field"),
    ("an unknown placement", {"placement": "hanging"}, "figure.placement", "unknown value 'hanging'"),
    ("an unknown view", {"view": "back"}, "figure.view", "unknown value 'back'"),
    ("a per-side move without its working side", {"works": ["trunk"]}, "figure.works", "name the right limb"),
    ("an unknown contact", {"pose": [{"anchor": "elbow"}, {}]}, "figure.pose[1].anchor", "unknown contact 'elbow'"),
    ("no label", {"label": " "}, "figure.label", "missing or empty text"),
    ("resting on the chair it holds up", {"props": {"chair": "back"}},
     "figure.pose[1].anchor", "cannot rest on the chair it holds up"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "changes", "field", "problem"), BROKEN, ids=[b[0] for b in BROKEN]
)
def test_a_broken_figure_is_refused_naming_the_field(
    case: str, changes: dict[str, Any], field: str, problem: str
) -> None:
    with pytest.raises(FigureError) as raised:
        read(changes)
    assert raised.value.field == field
    assert problem in raised.value.problem


def standing(*keyframes: dict[str, Any]) -> Figure:
    table = GOOD | {"placement": "standing", "view": "front", "pose": list(keyframes)}
    return read_figure("test", table, Motion.CYCLE, True)


GEOMETRY = [
    ("a standing figure with both feet off the floor (sitting in a V)",
     standing({"anchor": "seat", "hips": {"flex": 120}}, {}), "figure.pose[1]", "needs a foot on the floor"),
    ("a leg through the floor (lying on the back, the hip stretched back)",
     read({"pose": [{}, {"right_hip": {"flex": -30}}]}), "figure.pose[2]", "the right knee goes"),
    ("a foot said to touch the floor but lifted",
     standing({"anchor": "left foot", "right_hip": {"flex": 60}, "touch": ["right foot"]}, {}),
     "figure.pose[1].touch", "right foot: "),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "broken", "field", "problem"), GEOMETRY, ids=[g[0] for g in GEOMETRY]
)
def test_a_figure_that_breaks_the_geometry_rules_is_named(
    case: str, broken: Figure, field: str, problem: str
) -> None:
    assert any(f == field and problem in p for f, p in figure_problems(broken)), figure_problems(
        broken
    )
