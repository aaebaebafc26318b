"""The figure model: a human figure posed by joint angles, drawn from the view that shows a move.

- `body`: named segments with human proportions, the joints and their human ranges;
- `kinematics`: a pose (joint angles) and a placement (standing, on a chair, lying on the back or
  a side, kneeling, on hands or forearms) -> 3D points by forward kinematics;
- `camera`: side, front and top views -> 2D drawing coordinates;
- `figure`: an exercise's figure (view, 2–4 keyframes, motion, working side, props), placed so
  its anchor rests on the floor or the seat;
- `rig`: the nested 2D bones a drawing animates; `props`: floor, mat, wall, chair;
- `checks`: the geometry rules; `library`: reading a figure from TOML.
"""

from routines.figures.camera import Camera, View
from routines.figures.checks import figure_problems
from routines.figures.figure import Figure, Keyframe, Motion, Props
from routines.figures.kinematics import Placement, Pose
from routines.figures.library import FigureError, read_figure
from routines.figures.props import Shape
from routines.figures.rig import Bone, Rig, build_rig, rig_points

__all__ = [
    "Bone", "Camera", "Figure", "FigureError", "Keyframe", "Motion", "Placement", "Pose", "Props",
    "Rig", "Shape", "View", "build_rig", "figure_problems", "read_figure", "rig_points",
]  # fmt: skip
