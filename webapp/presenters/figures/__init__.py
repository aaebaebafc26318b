"""Figures in the web layer: inline SVG per exercise and the stylesheet that moves them.

`drawing` reads a figure's rig for what moves and names it; `markup` draws a figure (still, or
ready to move), its lines written by `paths`; `styles` builds `/figures.css` from every figure's
keyframes; `contact_sheet` draws them all side by side to check by eye.
"""

from collections.abc import Mapping

from markupsafe import Markup

from routines.figures import Figure
from webapp.presenters.figures.drawing import Drawing, short_name
from webapp.presenters.figures.markup import still, svg
from webapp.presenters.figures.styles import cycle_seconds, library_stylesheet

__all__ = ["cycle_seconds", "figure_svg", "keyframe_svg", "library_stylesheet", "short_name"]


def figure_svg(
    figure: Figure,
    *,
    animated: bool = True,
    label: str | None = None,
    css_class: str = "",
    data: Mapping[str, str] | None = None,
    frame: int | None = None,
) -> Markup:
    """The figure as inline SVG named for screen readers by `label` (else the move in words);
    with `frame`, that keyframe standing still."""
    words = label or figure.label
    return svg(figure, animated=animated, label=words, css_class=css_class, data=data, frame=frame)


def keyframe_svg(figure: Figure, frame: int) -> Markup:
    """One keyframe, still, in the same box as the moving figure (for the contact sheet)."""
    drawing = Drawing.of(figure)
    label = f"{figure.label} Keyframe {frame + 1}."
    return Markup(
        f'<svg class="fig" viewBox="{drawing.view_box()}" role="img" aria-label="{label}">'
        f'<g class="fm">{still(drawing, frame)}</g></svg>'
    )
