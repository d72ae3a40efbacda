"""The house rules a newcomer relies on to find their way (issue #15), read from the source as text: small modules,
no import cycles between modules or between packages, and no domain reaching into another domain's private
modules."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 400
DOMAINS = ("auth", "crm", "jobs", "users", "knowledge", "analytics", "conversations", "vision")
# What a domain offers the others: its types and its service. These modules are public too, each a service of its
# own other domains call by design.
PUBLIC = {"models", "service"}
ALSO_PUBLIC = {
    "clara.analytics.usage",  # LLM usage, recorded by every caller of a model (vision's Gemini reader)
    "clara.knowledge.spoken_models",  # model numbers as spoken, read alike by the catalogue and a site's units
}


def _modules(root: Path) -> dict[str, Path]:
    names = {}
    for path in (root / "clara").rglob("*.py"):
        parts = path.relative_to(root).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return names


def _imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The Clara modules `name` imports when it runs (function bodies included; `if TYPE_CHECKING:` left out, as it
    never runs). Importing `a.b.c` runs package `a.b`'s `__init__` first, unless the importer lives in `a.b` (then
    that package is already under way)."""

    def module_of(dotted: str) -> str | None:
        while dotted and dotted not in known:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, ast.Import):
                found.update(m for a in child.names if (m := module_of(a.name)))
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.rsplit(".", child.level - 1)[0] if child.level > 1 else package
                    base = f"{anchor}.{base}" if base else anchor
                for alias in child.names:
                    target = f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                    if (m := module_of(target)) is not None:
                        found.add(m)
            visit(child)

    visit(ast.parse(path.read_text()))
    for module in list(found):
        parts = module.split(".")
        found.update(parent for i in range(1, len(parts))
                     if not name.startswith((parent := ".".join(parts[:i])) + "."))
    found.discard(name)
    return {m for m in found if m.startswith("clara")}


def _graph(root: Path) -> dict[str, set[str]]:
    known = _modules(root)
    return {name: _imports(name, path, known) for name, path in known.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph.get(nxt, ())))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
    return groups


def _private_reaches(graph: dict[str, set[str]]) -> list[str]:
    reaches = []
    for name, targets in graph.items():
        parts = name.split(".")
        if len(parts) < 2 or parts[1] not in DOMAINS:
            continue
        for target in targets:
            other = target.split(".")
            if other[1] in DOMAINS and other[1] != parts[1] and len(other) > 2 and other[2] not in PUBLIC \
                    and target not in ALSO_PUBLIC:
                reaches.append(f"{name} -> {target}")
    return sorted(reaches)


def _rooms(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The same graph one level up: `clara.jobs.service` -> jobs; the top modules (`app`, `settings`) are rooms of
    their own, and the `clara` package itself (imported on the way to everything) is none."""
    rooms: dict[str, set[str]] = defaultdict(set)
    for name, targets in graph.items():
        if name == "clara":
            continue
        source = name.split(".")[1]
        rooms[source].update(room for target in targets if target != "clara"
                             and (room := target.split(".")[1]) != source)
    return rooms


def _private_names(root: Path) -> list[str]:
    """Imports of another package's `_private` module or name (a package's own are its business)."""
    found = []
    for path in sorted((root / "clara").rglob("*.py")):
        parts = path.relative_to(root / "clara").parts
        own = parts[0] if len(parts) > 1 else None
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("clara."):
                module = node.module.split(".")
                hidden = any(part.startswith("_") and part != "__init__" for part in module[2:])
                if module[1] != own and (hidden or any(alias.name.startswith("_") for alias in node.names)):
                    found.append(f"{path.relative_to(root)}: {node.module}")
    return found


def test_no_module_is_over_400_lines() -> None:
    long = {str(path.relative_to(ROOT)): n for path in (ROOT / "clara").rglob("*.py")
            if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def test_no_import_cycles() -> None:
    assert _cycles(_graph(ROOT)) == []


def test_packages_import_one_way() -> None:
    assert _cycles(_rooms(_graph(ROOT))) == []


def test_no_package_imports_another_packages_private_names() -> None:
    assert _private_names(ROOT) == []


def test_no_domain_imports_another_domains_private_module() -> None:
    assert _private_reaches(_graph(ROOT)) == []


def test_the_checks_see_a_cycle_and_a_private_reach(tmp_path: Path) -> None:
    """The rules above pass only because the tree keeps them: a planted cycle through a package's `__init__` and a
    domain importing another's internals are both found."""
    files = {
        "clara/__init__.py": "",
        "clara/stores/__init__.py": "from clara.analytics import state\n",
        "clara/stores/postgres.py": "",
        "clara/analytics/__init__.py": "",
        "clara/analytics/state.py": "from clara.stores import postgres\n",
        "clara/jobs/__init__.py": "",
        "clara/jobs/service.py": ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                  "    from clara.crm import queries\n"
                                  "def later():\n    from clara.knowledge.ranking import rank\n"),
        "clara/crm/__init__.py": "",
        "clara/crm/queries.py": "",
        "clara/knowledge/__init__.py": "",
        "clara/knowledge/ranking.py": "def rank(): ...\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    graph = _graph(tmp_path)
    assert _cycles(graph) == [["clara.analytics.state", "clara.stores"]]
    assert _private_reaches(graph) == ["clara.jobs.service -> clara.knowledge.ranking"]  # not the TYPE_CHECKING one
    assert _cycles(_rooms(graph)) == [["analytics", "stores"]]
