"""The house's arrows run one way: read clara/ with ast (every import, a function's too) and fail on a cycle between
packages, or on a package reaching into another's private (`_name`) module or name. README: "Nothing calls back up
that chain"."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

CLARA = Path(__file__).resolve().parents[1] / "clara"
# Back edges still to remove, each a cycle today. The test fails once one is gone, so the list only shrinks:
# `Stores` carries the analytics buffer and the auth identity caches (stores -> analytics, auth), and the edge's
# request helpers name auth's `CurrentUser` and `authorize` while auth's routes use those helpers (web <-> auth).
KNOWN_BACK_EDGES = {("stores", "analytics"), ("stores", "auth"), ("web", "auth")}


def _package(path: Path) -> str:
    """`clara/jobs/service.py` -> jobs; the top modules (`app.py`, `settings.py`) are rooms of their own."""
    parts = path.relative_to(CLARA).with_suffix("").parts
    return parts[0] if len(parts) > 1 else ("clara" if parts[0] == "__init__" else parts[0])


def _imports(path: Path) -> list[tuple[str, str | None]]:
    """(module, imported name) for every absolute import of clara in a file."""
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names if alias.name.startswith("clara.")]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("clara."):
            found += [(node.module, alias.name) for alias in node.names]  # type: ignore[misc]
    return found


def _graph() -> tuple[dict[str, set[str]], list[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    private: list[str] = []
    for path in sorted(CLARA.rglob("*.py")):
        source = _package(path)
        for module, name in _imports(path):
            target = module.split(".")[1]
            if target == source:
                continue
            edges[source].add(target)
            hidden = [part for part in module.split(".")[2:] if part.startswith("_") and part != "__init__"]
            if hidden or (name or "").startswith("_"):
                private.append(f"{path.relative_to(CLARA.parent)}: {module} {name or ''}".strip())
    return edges, private


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while (member := stack.pop()) != node:
                group.append(member)
            if group:
                groups.append(sorted([node, *group]))

    for node in list(edges):
        if node not in index:
            visit(node)
    return groups


def test_packages_import_one_way() -> None:
    edges, _ = _graph()
    assert KNOWN_BACK_EDGES <= {(a, b) for a, targets in edges.items() for b in targets}, "one is gone: drop it"
    remaining = {a: targets - {b for (x, b) in KNOWN_BACK_EDGES if x == a} for a, targets in edges.items()}
    assert _cycles(remaining) == []


def test_no_package_imports_another_packages_private_names() -> None:
    assert _graph()[1] == []


def test_the_check_sees_a_cycle() -> None:
    assert _cycles({"jobs": {"crm"}, "crm": {"platform"}, "platform": {"jobs"}, "web": {"jobs"}}) == [
        ["crm", "jobs", "platform"]]
