"""SVG path data in whole units: lines chained end to end, in short relative steps."""

from __future__ import annotations

from collections.abc import Sequence


def path(css: str, lines: Sequence[Sequence[tuple[int, int]]], closed: bool = False) -> str:
    """Lines of one class as one path (nothing if they go nowhere)."""
    data = _path_data([_kept(line) for line in lines] if closed else _chained(lines), closed)
    return f'<path{css} d="{data}"/>' if _steps(data) else ""


def _chained(lines: Sequence[Sequence[tuple[int, int]]]) -> list[list[tuple[int, int]]]:
    """The lines joined end to end where one starts or ends where the last chain does (a line
    may be walked either way): fewer moves, the same strokes."""
    chains: list[list[tuple[int, int]]] = []
    for points in lines:
        line = _kept(points)
        last = chains[-1] if chains else []
        if len(line) < 2:
            continue
        if last and last[-1] in (line[0], line[-1]):
            last += line[1:] if last[-1] == line[0] else line[-2::-1]
        elif last and last[0] in (line[0], line[-1]):
            last[:1] = line if last[0] == line[-1] else line[::-1]
        else:
            chains.append(line)
    return chains


def _kept(points: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The points without any that repeats the one before."""
    return [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]


def _path_data(chains: Sequence[Sequence[tuple[int, int]]], closed: bool = False) -> str:
    """Each chain's first point absolute, or a relative move from the last chain's end if that
    is shorter; the rest relative steps."""
    text, at = "", (0, 0)
    for chain in chains:
        (x, y), (ax, ay) = chain[0], at
        move = "m" + _join(x - ax, y - ay)
        text += move if text and len(move) < len(_join(x, y)) + 1 else "M" + _join(x, y)
        text += _steps_of(chain) + ("Z" if closed else "")
        at = chain[0] if closed else chain[-1]
    return text


def _steps_of(points: Sequence[tuple[int, int]]) -> str:
    """The steps along whole-unit points: a level step is `h`, an upright one `v`, any other
    `l`; a letter repeating the one before is left out."""
    text, letter = "", ""
    for (ax, ay), (bx, by) in zip(points, points[1:], strict=False):
        step, numbers = _step(bx - ax, by - ay)
        text += _join(*numbers, spaced=True) if step == letter else step + _join(*numbers)
        letter = step
    return text


def _steps(points: str) -> bool:
    """Whether a path's points go anywhere (a path of one point draws nothing)."""
    return any(letter in points for letter in "hvl")


def _step(dx: int, dy: int) -> tuple[str, tuple[int, ...]]:
    return ("h", (dx,)) if not dy else ("v", (dy,)) if not dx else ("l", (dx, dy))


def _join(*values: int, spaced: bool = False) -> str:
    """Numbers as SVG reads them (`spaced`: after another): a minus sign needs no space."""
    text = ""
    for value in values:
        item = str(value)
        text += item if item.startswith("-") or not (text or spaced) else f" {item}"
    return text
