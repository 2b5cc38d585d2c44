"""Imports point one way: core ``ocop`` ← ``programme`` ← ``products`` ← ``evaluations`` ← ``funding`` ← ``takeover`` ←
``insights``,
and no two modules of the project import each other, directly or round a longer circle.

The modules are read with ``ast`` (every ``import`` and ``from … import``, at module level or inside a function), so
a lazy import inside a function counts as much as one at the top.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ORDER = ["ocop", "programme", "products", "evaluations", "funding", "takeover", "insights"]

# No exception: the programme layer (years, rounds, criteria sets, regimes) sits below products (issue 19).
KNOWN_UPWARD: set[tuple[str, str]] = set()


def _sources(app: str, *, tests: bool):
    for path in sorted((ROOT / app).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" in relative:
            continue
        if not tests and "/tests/" in relative:
            continue
        yield relative, path


def imported_apps(path: Path) -> set[str]:
    """The top-level packages of this project that a module imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names if name.split(".")[0] in ORDER)
    return found


def test_the_core_imports_no_app():
    offenders = [
        (relative, sorted(imported_apps(path) - {"ocop"}))
        for relative, path in _sources("ocop", tests=False)
        if imported_apps(path) - {"ocop"}
    ]
    assert offenders == []


@pytest.mark.parametrize("app", ORDER[1:])
def test_imports_point_one_way(app):
    rank = ORDER.index(app)
    upward = {
        (relative, other)
        for relative, path in _sources(app, tests=False)
        for other in imported_apps(path)
        if ORDER.index(other) > rank
    }
    assert upward - KNOWN_UPWARD == set()


def test_no_app_imports_insights_not_even_in_its_tests():
    offenders = [
        relative
        for app in ORDER[:-1]
        for relative, path in _sources(app, tests=True)
        if "insights" in imported_apps(path)
    ]
    assert offenders == []


def test_the_scan_sees_lazy_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from funding.models import BudgetLine\n    import evaluations.demo\n")
    assert imported_apps(module) == {"funding", "evaluations"}


# ---------------------------------------------------------------------------------------------------- module cycles
def module_name(relative: str) -> str:
    """``evaluations/tasks.py`` → ``evaluations.tasks``; a package's ``__init__.py`` is the package."""
    parts = relative[: -len(".py")].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imported_modules(path: Path, name: str, known: set[str]) -> set[str]:
    """The project modules a module imports (``from a.b import c`` is ``a.b.c`` when that is a module, else ``a.b``;
    relative imports resolved), at module level or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            candidates = [f"{module}.{alias.name}" for alias in node.names] + [module]
        else:
            continue
        for candidate in candidates:
            while candidate and candidate not in known:
                candidate = candidate.rpartition(".")[0]
            if candidate and candidate != name:
                found.add(candidate)
    return found


def import_graph(*, tests: bool = True) -> dict[str, set[str]]:
    sources = {module_name(rel): path for app in ORDER for rel, path in _sources(app, tests=tests)}
    known = set(sources)
    return {name: imported_modules(path, name, known) for name, path in sources.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_no_import_cycle_between_modules():
    assert cycles(import_graph()) == []


def test_the_cycle_check_finds_a_circle_through_a_lazy_import(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "a.py").write_text("from pkg import b\n")
    (tmp_path / "pkg" / "b.py").write_text("def f():\n    from pkg.c import g\n")
    (tmp_path / "pkg" / "c.py").write_text("from .a import x\n")
    (tmp_path / "pkg" / "d.py").write_text("import pkg.a\n")
    known = {"pkg", "pkg.a", "pkg.b", "pkg.c", "pkg.d"}
    graph = defaultdict(set)
    for name in ("a", "b", "c", "d"):
        path = tmp_path / "pkg" / f"{name}.py"
        graph[f"pkg.{name}"] = imported_modules(path, f"pkg.{name}", known)
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.c"]]
