"""The data flows one way (``../shared/ARCHITECTURE.md``): sources → store → panel → indices →
claims → report / web, with the CLI on top. A module may import only from its own layer or
below, and no two modules import each other (directly or through others).

Every import counts, including those inside functions (a lazy import is still a dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "multivector"

#: Foundation modules that every layer may use.
FOUNDATION = {"errors", "config", "vocabulary", "keys"}

#: What each top-level package or module may import besides the foundation (and itself). Data
#: reach the analysis only through the panel: nothing above the panel reads the store or a source
#: module, and indices are pure functions (no country names, no store, no panel).
ALLOWED: dict[str, set[str]] = {
    "errors": set(), "config": set(), "vocabulary": set(), "keys": set(),
    "countries": set(),
    "text": {"countries"},
    "sources": {"countries", "text"},
    "starter_pack": {"countries", "sources"},
    "store": {"sources", "starter_pack"},
    "citations": {"sources", "starter_pack"},
    "panel": {"countries", "store", "citations", "text"},
    "indices": set(),
    "analysis": {"countries", "panel", "indices"},
    "claims": {"countries", "panel", "indices"},
    "econ": {"countries", "panel", "indices", "sources"},
    "registry": {"countries"},
    "sim": {"countries", "panel", "indices", "claims", "econ"},
    "corridors": {"countries", "panel", "indices", "econ", "sim", "registry"},
    "report": {"countries", "panel", "indices", "analysis", "claims", "econ", "sim", "corridors", "citations"},
    "web": {"countries", "panel", "indices", "claims", "econ", "sim", "corridors", "registry", "report", "citations",
            "text"},
}
#: single modules that sit on another level than the rest of their package
MODULE_ALLOWED: dict[str, set[str]] = {
    # the text channel's core (readers, gazetteer, stance, claims) is source-level; these read or write
    # the store like a panel accessor (speech stance, reference figures) or an importer (articles)
    "multivector.text.speech": {"countries", "store"},
    "multivector.text.checks": {"countries", "store"},
    "multivector.text.store_io": {"countries", "sources", "store"},
}

#: known violations being removed in work in progress (must be empty when that work lands)
PENDING: set[str] = set()

#: the command line and the package's own entry points may use everything
TOP = {"cli", "__main__"}


def _modules() -> dict[str, Path]:
    out = {}
    for p in SRC.rglob("*.py"):
        rel = p.relative_to(SRC.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


def _imports(path: Path, name: str, is_pkg: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    package = name if is_pkg else name.rsplit(".", 1)[0]
    # imports under `if TYPE_CHECKING:` only name types for annotations: not a runtime dependency
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                   for stmt in node.body for n in ast.walk(stmt)}
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            subs = [f"{mod}.{a.name}" for a in node.names]
            found.update(subs)
            found.add(mod)  # resolved below: dropped when every name is a submodule
            found.add(("from", mod, tuple(subs)))
    return found


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    graph = {}
    for name, path in mods.items():
        deps = set()
        raw = _imports(path, name, path.name == "__init__.py")
        for item in [r for r in raw if isinstance(r, tuple)]:
            _, mod, subs = item
            raw.discard(item)
            if subs and all(s in mods for s in subs):
                raw.discard(mod)  # `from pkg import module` depends on the module, not on pkg's body
        for m in raw:
            if not (m == "multivector" or m.startswith("multivector.")):
                continue
            # the longest known module that names it (``multivector.panel.frame.DyadPanel`` -> panel.frame)
            while m and m not in mods:
                m = m.rsplit(".", 1)[0] if "." in m else ""
            if m and m != name:
                deps.add(m)
        graph[name] = deps
    return graph


def _top(mod: str) -> str:
    parts = mod.split(".")
    return parts[1] if len(parts) > 1 else "multivector"


def test_every_package_has_a_place():
    unknown = sorted({_top(m) for m in _modules()} - set(ALLOWED) - TOP - {"multivector"})
    assert not unknown, f"say what these may import in ALLOWED: {unknown}"


def test_data_flows_one_way():
    bad = []
    for mod, deps in _graph().items():
        src = _top(mod)
        if src in TOP or src == "multivector":
            continue
        for d in deps:
            dst = _top(d)
            if dst == src or dst in FOUNDATION or d == "multivector":  # the root holds only __version__ and lazy names
                continue
            allowed = ALLOWED.get(src, set()) | MODULE_ALLOWED.get(mod, set())
            if dst not in allowed and f"{mod} imports {d}" not in PENDING:
                bad.append(f"{mod} imports {d}")
    assert not bad, "imports against the data flow:\n" + "\n".join(sorted(bad))


def test_no_import_cycles():
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    import sys

    sys.setrecursionlimit(10000)

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    # a package's __init__ re-exporting its own modules is not a cycle of behaviour, but its
    # modules must not import the package back
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


@pytest.mark.parametrize("mod", ["multivector.cli", "multivector.report", "multivector.sim", "multivector.panel"])
def test_packages_import(mod):
    import importlib

    importlib.import_module(mod)
