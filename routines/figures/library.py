"""Reading a figure from the library's TOML, with a `FigureError` that names the field.

```toml
[figure.clamshell]
label = "Lying on the left side, knees bent: the top knee opens while the heels stay together."
view = "front"            # side, front or top; `turn` and `tilt` move the camera a little
tilt = 25
placement = "lying on the left side"
works = ["right leg"]     # drawn in the working colour; mirrored for the left side
props = { mat = true }
[[figure.clamshell.pose]] # 2–4 keyframes; each starts from the one before
hips = { flex = 45 }      # hips/knees/... set both sides; right_hip/left_hip one side
knees = 90
[[figure.clamshell.pose]]
right_hip = { flex = 45, abd = 30, rot = 35 }
```
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from routines.figures.body import LIMBS, PAIRS, RANGES, joint_kind, joint_names
from routines.figures.camera import Camera, View
from routines.figures.figure import PROP_POINTS, Figure, Keyframe, Motion, Props
from routines.figures.kinematics import CONTACTS, DEFAULT_ANCHOR, Placement, Pose

FIGURE_FIELDS = {
    "label", "view", "turn", "tilt", "placement", "works", "props", "pose", "key", "reps_per_cycle",
}  # fmt: skip
PROP_FIELDS = {"mat", "wall", "chair", "band", "long_band", "strap"}
POSE_FIELDS = {"anchor", "touch", *joint_names(), *PAIRS}
MOST_KEYFRAMES = 4


class FigureError(ValueError):
    """A figure is wrong; `field` says where (e.g. 'figure.pose[2].right_hip.abd')."""

    def __init__(self, field: str, problem: str) -> None:
        self.field, self.problem = field, problem
        super().__init__(f"field '{field}': {problem}")


def read_figure(slug: str, raw: Any, motion: Motion, per_side: bool) -> Figure:
    """The figure for exercise `slug` from its TOML table; `motion` follows the dosage."""
    if not isinstance(raw, dict):
        raise FigureError("figure", "write it as a [figure.<slug>] table")
    _known("figure", raw, FIGURE_FIELDS)
    placement = _choice("figure.placement", raw, Placement)
    keyframes = _keyframes(raw.get("pose"), placement)
    default_key = len(keyframes) - 1 if motion is Motion.EASE_IN else 1
    key = _whole("figure.key", raw, default_key, 0, len(keyframes) - 1)
    props = _props(raw.get("props", {}))
    for index, keyframe in enumerate(keyframes):
        if props.chair and placement is not Placement.CHAIR and keyframe.anchor == props.chair:
            # The chair's height comes from the body in the key pose; it can't also place it.
            problem = (
                "cannot rest on the chair it holds up: rest it on the floor and touch the chair"
            )
            raise FigureError(f"figure.pose[{index + 1}].anchor", problem)
    return Figure(
        slug=slug,
        label=_text("figure.label", raw.get("label")),
        camera=_camera(raw),
        placement=placement,
        keyframes=keyframes,
        key=key,
        motion=motion,
        reps_per_cycle=_whole("figure.reps_per_cycle", raw, 1, 1, 2),
        works=_works(raw.get("works", []), per_side),
        props=props,
        per_side=per_side,
    )


def _known(where: str, raw: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise FigureError(f"{where}.{unknown[0]}", "unknown field (a typo?)")


def _text(field: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FigureError(field, "missing or empty text")
    return value.strip()


def _choice(field: str, raw: Mapping[str, Any], enum: type[Placement] | type[View]) -> Any:
    value = raw.get(field.rsplit(".", 1)[-1])
    try:
        return enum(str(value))
    except ValueError:
        allowed = ", ".join(repr(e.value) for e in enum)
        raise FigureError(field, f"unknown value {value!r}; use one of {allowed}") from None


def _number(field: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FigureError(field, f"must be a number of degrees, not {value!r}")
    return float(value)


def _whole(field: str, raw: Mapping[str, Any], default: int, low: int, high: int) -> int:
    value = raw.get(field.rsplit(".", 1)[-1], default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FigureError(field, f"must be a whole number from {low} to {high}, not {value!r}")
    return value


def _camera(raw: Mapping[str, Any]) -> Camera:
    view = _choice("figure.view", raw, View)
    turn = _number("figure.turn", raw.get("turn", 0))
    tilt = _number("figure.tilt", raw.get("tilt", 0))
    if not -180 <= turn <= 180 or not 0 <= tilt <= 75:
        raise FigureError("figure.turn" if abs(turn) > 180 else "figure.tilt",
                          "turn the camera at most 180° either way and tilt it 0–75°")  # fmt: skip
    return Camera(view, turn, tilt)


def _works(value: Any, per_side: bool) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(v in LIMBS for v in value):
        raise FigureError("figure.works", f"must be a list of {', '.join(LIMBS)}")
    if per_side and not any(v.startswith("right") for v in value):
        raise FigureError(
            "figure.works",
            "a per-side exercise starts on the right: name the right limb that works",
        )
    return tuple(value)


def _points(field: str, value: Any, count: int) -> tuple[str, ...]:
    names = [value] if isinstance(value, str) else value
    if (
        not isinstance(names, list)
        or len(names) != count
        or not all(n in PROP_POINTS for n in names)
    ):
        raise FigureError(field, f"needs {count} body point(s) like 'right knee' or 'left hand'")
    return tuple(names)


def _props(raw: Any) -> Props:
    if not isinstance(raw, dict):
        raise FigureError("figure.props", "write it as props = { ... }")
    _known("figure.props", raw, PROP_FIELDS)
    band, strap = raw.get("band"), raw.get("strap")
    chair = raw.get("chair")
    if chair is not None and chair not in CONTACTS:
        raise FigureError("figure.props.chair", f"no contact {chair!r} to hold up")
    mat = raw.get("mat", False)
    if not isinstance(mat, bool):
        raise FigureError("figure.props.mat", "must be true or false")
    return Props(
        mat=mat,
        wall=_points("figure.props.wall", raw["wall"], 1)[0] if "wall" in raw else None,
        chair=chair,
        band=_points("figure.props.band", band, 2) if band is not None else None,  # type: ignore[arg-type]
        long_band=_points("figure.props.long_band", raw["long_band"], 1)[0]
        if "long_band" in raw
        else None,
        strap=_points("figure.props.strap", strap, 2) if strap is not None else None,  # type: ignore[arg-type]
    )


def _keyframes(raw: Any, placement: Placement) -> tuple[Keyframe, ...]:
    if not isinstance(raw, list) or not all(isinstance(p, dict) for p in raw):
        raise FigureError("figure.pose", "write each keyframe as [[figure.<slug>.pose]]")
    if not 2 <= len(raw) <= MOST_KEYFRAMES:
        raise FigureError("figure.pose", f"needs 2 to {MOST_KEYFRAMES} keyframes, has {len(raw)}")
    keyframes: list[Keyframe] = []
    pose, anchor = Pose(), DEFAULT_ANCHOR[placement]
    touch: tuple[str, ...] = ()
    for index, entry in enumerate(raw):
        where = f"figure.pose[{index + 1}]"
        _known(where, entry, POSE_FIELDS)
        pose = pose.with_angles(_angles(where, entry))
        anchor = _contact(f"{where}.anchor", entry.get("anchor", anchor))
        touch = tuple(
            _contact(f"{where}.touch", t)
            for t in _list(f"{where}.touch", entry.get("touch", touch))
        )
        keyframes.append(Keyframe(pose, anchor, touch))
    return tuple(keyframes)


def _list(field: str, value: Any) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise FigureError(field, 'must be a list like ["feet"]')
    return list(value)


def _contact(field: str, value: Any) -> str:
    if value not in CONTACTS:
        raise FigureError(
            field, f"unknown contact {value!r}; use one of {', '.join(sorted(CONTACTS))}"
        )
    return str(value)


def _angles(where: str, entry: Mapping[str, Any]) -> dict[tuple[str, str], float]:
    """The joint angles `entry` sets, each checked against the human range."""
    angles: dict[tuple[str, str], float] = {}
    for name, value in entry.items():
        if name in ("anchor", "touch"):
            continue
        joints = (
            [f"{side}_{PAIRS[name]}" for side in ("right", "left")] if name in PAIRS else [name]
        )
        freedoms = RANGES[joint_kind(joints[0])]
        values = {next(iter(freedoms)): value} if not isinstance(value, dict) else value
        _known(f"{where}.{name}", values, set(freedoms))
        for dof, degrees in values.items():
            field = f"{where}.{name}.{dof}"
            number = _number(field, degrees)
            low, high = freedoms[dof]
            if not low <= number <= high:
                raise FigureError(
                    field, f"{number:g}° is outside the human range {low:g}° to {high:g}°"
                )
            angles.update({(joint, dof): number for joint in joints})
    return angles
