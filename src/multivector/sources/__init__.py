"""Readers (and, where the source has one, live fetchers) for every dataset multivector uses.

``get(key)`` returns the module of a source; ``all_sources()`` lists them with their metadata.
Modules are imported lazily so that ``multivector --help`` stays fast.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from multivector.errors import MultivectorError

#: source key -> module name under multivector.sources
REGISTRY: dict[str, str] = {
    "cow_states": "cow_states",
    "unvotes": "unvotes",
    "unga": "unga_dgacm",
    "idealpoints": "idealpoints",
    "atop": "atop",
    "cow_igo": "cow_igo",
    "cow_nmc": "cow_nmc",
    "cow_distance": "cow_distance",
    "cow_contiguity": "cow_contiguity",
    "gdp": "gdp",
    "wb_gdp": "wb_gdp",
    "wdi": "wdi",
    "icews": "icews",
    "gdelt": "gdelt",
    "cameo": "cameo",
    "comtrade": "comtrade",
    "trade": "trade",
    "cn_finance": "aiddata_gcdf",
    "gravity": "gravity",
    "reported_trade": "facts",
    "timeline": "timeline",
    "ungdc": "ungdc",
}


def get(key: str) -> ModuleType:
    """The module of source ``key``; an unknown key lists the known ones."""
    if key not in REGISTRY:
        import difflib

        near = difflib.get_close_matches(key, REGISTRY, n=3)
        hint = f" Did you mean {', '.join(near)}?" if near else ""
        raise MultivectorError(f"unknown source '{key}'.{hint} Known sources: {', '.join(sorted(REGISTRY))}")
    return importlib.import_module(f"multivector.sources.{REGISTRY[key]}")


def available() -> list[str]:
    """Keys of the sources whose modules are installed."""
    out = []
    for key in REGISTRY:
        try:
            get(key)
        except ModuleNotFoundError:
            continue
        out.append(key)
    return out
