"""No import circles among service/ modules.

Every `import` and `from ... import` in service/ counts, including those inside
functions (a function-level import only postpones a circle to the first call);
those under `if TYPE_CHECKING:` do not, as they never run. A circle means two
modules that cannot be understood, tested or moved one without the other: the
way out is usually to move what both need one level down, or the function that
needs both one level up.
"""

from __future__ import annotations

import ast
from pathlib import Path

from service.settings import REPO_ROOT

# Imports that close a circle and are left for now: (importing module, imported module) and why. Each must
# still exist (a test below fails when one is gone, so the list only shrinks).
KNOWN_CIRCLES: dict[tuple[str, str], str] = {}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_nodes(tree: ast.AST):
    """Every node that can run, skipping the bodies of `if TYPE_CHECKING:`."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in [child, *_runtime_nodes(child)])
            continue
        yield node
        yield from _runtime_nodes(node)


def imported_names(path: Path, own: str) -> list[str]:
    """What a file imports, as absolute dotted names: a module, or a name inside one."""
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    found = []
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found += [f"{module}.{alias.name}" for alias in node.names]  # a module, or a name in one
    return found


def import_graph(folder: Path, root: Path) -> dict[str, set[str]]:
    """Module -> the modules of the same folder it imports (`from a import b` is the module a.b if there is
    one, else a)."""
    modules = {module_name(p, root): p for p in folder.rglob("*.py")}

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph = {}
    for own, path in modules.items():
        targets = {resolve(name) for name in imported_names(path, own)}
        graph[own] = {t for t in targets if t and t != own}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
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
                    found.append(sorted(group))
    return sorted(found)


def _described(graph: dict[str, set[str]], group: list[str]) -> str:
    members = set(group)
    return "; ".join(f"{m} imports {', '.join(sorted(graph[m] & members))}" for m in group)


def test_service_modules_import_in_no_circle():
    graph = import_graph(REPO_ROOT / "service", REPO_ROOT)
    for importer, imported in KNOWN_CIRCLES:
        graph[importer].discard(imported)

    assert [_described(graph, group) for group in circles(graph)] == []


def test_every_known_circle_is_still_there():
    graph = import_graph(REPO_ROOT / "service", REPO_ROOT)

    gone = [edge for edge in KNOWN_CIRCLES if edge[1] not in graph.get(edge[0], set())]

    assert gone == [], "these imports are gone: take them off KNOWN_CIRCLES"


def test_a_circle_through_a_function_level_import_is_found(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from . import b\n")
    (package / "b.py").write_text("def later():\n    from pkg.a import thing\n")
    (package / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n")
    (package / "d.py").write_text("import pkg.c\n")

    found = circles(import_graph(package, tmp_path))

    assert found == [["pkg.a", "pkg.b"]]
