"""Imports point one way: core ``ocop`` ← ``products`` ← ``evaluations`` ← ``funding`` ← ``insights``.

The modules are read with ``ast`` (every ``import`` and ``from … import``, at module level or inside a function), so
a lazy import inside a function counts as much as one at the top.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ORDER = ["ocop", "products", "evaluations", "funding", "insights"]

# Known, older exceptions, listed so that no new one creeps in: the product models point at the evaluation round and
# criteria set they belong to (``Dossier.round``, ``Product.criteria_set``), so ``products`` reads ``evaluations``'
# models, enums and catalogue. Everything else goes one way.
KNOWN_UPWARD = {
    ("products/models.py", "evaluations"),
    ("products/filters.py", "evaluations"),
    ("products/forms.py", "evaluations"),
    ("products/excel.py", "evaluations"),
    ("products/rules.py", "evaluations"),
    ("products/domain.py", "evaluations"),
    ("products/demo.py", "evaluations"),
}


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
