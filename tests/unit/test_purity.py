"""`routines/` is the pure domain: it may import the standard library and itself, nothing else."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROUTINES = Path(__file__).resolve().parents[2] / "routines"


def imported_roots(source: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text())):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_routines_imports_only_the_standard_library() -> None:
    allowed = set(sys.stdlib_module_names) | {"routines", "__future__"}
    offenders = {
        str(path.relative_to(ROUTINES)): sorted(imported_roots(path) - allowed)
        for path in ROUTINES.rglob("*.py")
    }
    assert {name: bad for name, bad in offenders.items() if bad} == {}
