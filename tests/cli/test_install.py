"""A plain install (no extras) runs every command: what the package imports is what it declares.

The real check is in ``.ci/run`` (a fresh virtual environment with ``pip install .``); these tests
catch the same mistakes in seconds.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from tests.cli.conftest import run_process

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "multivector"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
#: packages of the optional extras, as imported
EXTRA_MODULES = ("dask", "distributed", "playwright")
#: what a plain install does not have: the extras, and what only the dev extra brings
NOT_IN_A_PLAIN_INSTALL = (*EXTRA_MODULES, "click", "pytest", "hypothesis", "mesa")


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def _imports() -> list[tuple[Path, str, bool]]:
    """(file, top-level package, imported at module level) for every import in the package."""
    out = []
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top_level = {id(n) for n in tree.body}
        guarded = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Try):
                guarded |= {id(n) for n in ast.walk(node)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for n in names:
                out.append((path, n.split(".")[0], id(node) in top_level and id(node) not in guarded))
    return out


def _third_party(module: str) -> bool:
    return module not in sys.stdlib_module_names and module not in ("multivector", "__future__")


def test_every_imported_package_is_declared():
    core = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    extras = {_name(r) for reqs in PYPROJECT["project"]["optional-dependencies"].values() for r in reqs}
    dists = metadata.packages_distributions()
    missing = []
    for path, module, at_module_level in _imports():
        if not _third_party(module):
            continue
        names = {d.lower().replace("_", "-") for d in dists.get(module, [module])}
        declared = core if at_module_level else core | extras
        if not names & declared:
            missing.append(f"{path.relative_to(ROOT)}: {module} ({', '.join(sorted(names))})")
    assert not missing, "imported but not declared (at module level: core dependencies only):\n" + "\n".join(missing)


def test_nothing_imports_click_and_filelock_is_declared_only_because_it_is_used():
    assert not [p for p, m, _ in _imports() if m == "click"], "typer vendors click; import typer's names instead"
    declared = "filelock" in {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    assert declared == bool([p for p, m, _ in _imports() if m == "filelock"])


def test_extras_are_imported_only_where_they_are_needed():
    eager = [f"{p.relative_to(ROOT)}: {m}" for p, m, top in _imports() if m in EXTRA_MODULES and top]
    assert not eager, f"an optional extra imported at module level breaks a plain install: {eager}"


def test_every_command_module_imports_and_registers():
    import importlib

    from multivector import cli

    source = (SRC / "cli" / "__init__.py").read_text()
    assert "ModuleNotFoundError" not in source  # no "module not built yet" fallback
    names = {c.name for c in cli.app.registered_commands} | {g.name for g in cli.app.registered_groups}
    assert {"report", "panel", "cite", "country", "data", "index", "simulate"} <= names
    for mod in cli._COMMAND_MODULES:
        assert hasattr(importlib.import_module(mod), "register")


def test_the_commands_run_without_the_extras(tmp_path):
    """As after `pip install multivector`: the extras (and click, pytest…) cannot be imported."""
    res = run_process(["--help"], without=NOT_IN_A_PLAIN_INSTALL)
    assert res.code == 0 and "report" in res.out, res.err
    res = run_process(["report", "KAZ", "-y", "2010-2014", "-o", str(tmp_path / "kaz.html")], without=NOT_IN_A_PLAIN_INSTALL)
    assert res.code == 0, res.err
    assert (tmp_path / "kaz.html").stat().st_size > 100_000
    res = run_process(["simulate", "baseline", "--uncalibrated", "-n", "20", "-y", "3", "-o", str(tmp_path / "s.csv")],
                      without=NOT_IN_A_PLAIN_INSTALL)
    assert res.code == 0, res.err
    res = run_process(["panel", "KAZ", "-p", "CHN", "-y", "2000", "-o", str(tmp_path / "p.parquet")], without=NOT_IN_A_PLAIN_INSTALL)
    assert res.code == 0, res.err
