"""No two modules of an app import each other, not even inside a function: a cycle means the
two belong together or a part of one belongs elsewhere (see docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

SYNERGY = Path(__file__).resolve().parents[2]


def module_name(path: Path) -> str:
    parts = path.relative_to(SYNERGY.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    found = {}
    for path in SYNERGY.rglob("*.py"):
        if {"tests", "migrations"} & set(path.parts):
            continue
        found[module_name(path)] = path
    return found


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The synergy modules ``path`` imports, wherever the import statement is."""
    edges: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            edges |= {alias.name for alias in node.names if alias.name in known}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module in known:
                edges.add(node.module)
            edges |= {f"{node.module}.{a.name}" for a in node.names} & set(known)
    return edges


def cycles() -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    known = modules()
    graph = {name: imports(path, known) - {name} for name, path in known.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            # A package's __init__ re-exporting its own modules is not a cycle of design.
            members = [m for m in group if not any(o.startswith(m + ".") for o in group)]
            if len(members) > 1:
                groups.append(sorted(group))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return groups


def test_no_two_modules_import_each_other() -> None:
    # Until 2026-12 the surveys app had two: childlabour <-> exports, services <-> tasks.
    assert cycles() == []


def test_it_sees_a_cycle_hidden_in_a_function(tmp_path: Path) -> None:
    a = "def f():\n    from synergy.surveys import services\n"
    tree = ast.parse(a)
    names = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert names == {"synergy.surveys"}
    assert "synergy.surveys.services" in imports(
        _write(tmp_path / "m.py", a), {"synergy.surveys.services": Path("x")}
    )


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
