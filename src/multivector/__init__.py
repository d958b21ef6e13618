"""multivector: measure, explain and simulate how a middle power engages several great powers.

    import multivector as mv
    panel = mv.dyad_years("KAZ", partners=mv.great_powers(), years=(1992, 2019)).add_un_votes()
"""

from __future__ import annotations

__version__ = "0.1.0"

_LAZY = {
    "dyad_years": "multivector.panel",
    "state_years": "multivector.panel",
    "DyadPanel": "multivector.panel",
    "StatePanel": "multivector.panel",
    "great_powers": "multivector.countries",
    "resolve": "multivector.countries",
    "cite": "multivector.citations",
    "Store": "multivector.store",
}


def __getattr__(name: str):
    # lazy imports keep `import multivector` (and the CLI's --help) fast
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'multivector' has no attribute {name!r}")


__all__ = sorted(_LAZY)
