"""Each app's tables are written only by that app: another app calls its services.

The scan reads the source (not the tests, not the migrations) and finds, for every model class
a module imports from another app's ``models``: manager writes (``create``, ``update``,
``delete``, ``bulk_create``...), bulk inserts (``synergy.core.bulk``) and new instances (which
exist only to be saved)."""

from __future__ import annotations

import ast
from pathlib import Path

import synergy

ROOT = Path(synergy.__file__).parent
WRITES = {
    "create",
    "update",
    "delete",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}
# Writes that are known and allowed, as (file, model); none today. A new write anywhere else
# fails, and so does a stale entry here.
KNOWN: set[tuple[str, str]] = set()


def imported_models(tree: ast.Module) -> dict[str, str]:
    """Names bound by ``from synergy.<app>.models import Name`` -> app."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            if len(parts) == 3 and parts[0] == "synergy" and parts[2] == "models":
                for alias in node.names:
                    names[alias.asname or alias.name] = parts[1]
    return names


def writes_in(path: Path) -> set[tuple[str, str]]:
    """(model name, owning app) of each write in the file to a model imported from an app."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    models = imported_models(tree)
    found: set[tuple[str, str]] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in models and func.id[0].isupper():
            found.add((func.id, models[func.id]))  # a new instance
        if not isinstance(func, ast.Attribute):
            continue
        if func.attr in ("insert_rows", "insert_instances") and node.args:
            first = node.args[0]
            if isinstance(first, ast.Name) and first.id in models:
                found.add((first.id, models[first.id]))
        if func.attr in WRITES:
            target = func.value
            while isinstance(target, ast.Call) and isinstance(target.func, ast.Attribute):
                target = target.func.value  # Model.objects.filter(...).update()
            if (
                isinstance(target, ast.Attribute)
                and target.attr in ("objects", "_default_manager")
                and isinstance(target.value, ast.Name)
                and target.value.id in models
            ):
                found.add((target.value.id, models[target.value.id]))
    return found | instance_writes(tree, models)


def _models_named(node: ast.AST, models: dict[str, str]) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and n.id in models}


def instance_writes(tree: ast.Module, models: dict[str, str]) -> set[tuple[str, str]]:
    """``x.save()`` / ``x.delete()`` where ``x`` was assigned, in the same function, from an
    expression naming another app's model (``x = Project.objects.get(...)``, a loop over
    ``Project.objects.filter(...)``)."""
    found: set[tuple[str, str]] = set()
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef | ast.Module):
            continue
        bound: dict[str, set[str]] = {}
        for node in ast.walk(function):
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        bound.setdefault(target.id, set()).update(_models_named(node.value, models))
            elif isinstance(node, ast.For | ast.comprehension) and isinstance(
                node.target, ast.Name
            ):
                bound.setdefault(node.target.id, set()).update(_models_named(node.iter, models))
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("save", "delete")
                and isinstance(node.func.value, ast.Name)
            ):
                for model in bound.get(node.func.value.id, ()):
                    found.add((model, models[model]))
    return found


def cross_app_writes() -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if len(relative.parts) < 2 or {"tests", "migrations"} & set(relative.parts):
            continue
        app = relative.parts[0]
        for model, owner in writes_in(path):
            if owner != app:
                out.add((relative.as_posix(), model))
    return out


def test_no_app_writes_another_apps_tables() -> None:
    found = cross_app_writes()
    assert found - KNOWN == set(), "written outside the owning app's services"
    assert KNOWN - found == set(), "fixed: remove these from KNOWN"


def test_the_scan_finds_each_kind_of_write(tmp_path: Path) -> None:
    source = tmp_path / "sample.py"
    source.write_text(
        "from synergy.partners.models import Project, ProjectTarget\n"
        "from synergy.core.models import AuditEvent, Country\n"
        "from synergy.core import bulk\n"
        "Project.objects.filter(pk=1).update(title='x')\n"
        "ProjectTarget(project=None)\n"
        "bulk.insert_rows(AuditEvent, (), [])\n"
        "Country.objects.filter(pk='NP').exists()\n"
        "from synergy.monitoring.models import Child, Visit\n"
        "def edit():\n"
        "    child = Child.objects.get(pk=1)\n"
        "    child.save()\n"
        "    for visit in Visit.objects.filter(child=child):\n"
        "        visit.delete()\n",
        encoding="utf-8",
    )
    assert writes_in(source) == {
        ("Project", "partners"),
        ("ProjectTarget", "partners"),
        ("AuditEvent", "core"),
        ("Child", "monitoring"),
        ("Visit", "monitoring"),
    }
