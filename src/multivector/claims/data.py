"""The project's own data as a long engagement frame (every state with every state, plus group
partners), built once per process from the store through the panel verbs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from multivector.claims.long import Cube, LongPanel, long_from_panel

VERBS = ("add_un_votes", "add_alliances", "add_igos", "add_events", "add_trade")
OPTIONAL_VERBS = {"speech": "add_speech_stance"}
"""Channels built only when asked for (``channels=[..., "speech"]``): the speech channel reads every
state's General Debate stance (~3 s more)."""
FIRST_YEAR = 1992

_CACHE: dict[tuple, LongPanel] = {}


def _store_key(store: Any) -> tuple:
    """The store's path (a data import in the same process needs :func:`clear_cache`)."""
    from multivector import config

    return (str(getattr(store, "path", None) or config.store_path()),)


def clear_cache() -> None:
    """Forget the long frames built so far (after importing data into the store in this process)."""
    _CACHE.clear()


def project_long(years: tuple[int, int] | None = None, groups: Sequence[str] = ("EU",), store: Any = None,
                 fold: dict[str, str] | None = None, channels: Sequence[str] | None = None) -> LongPanel:
    """Every state's engagement with every state and with each group partner, ``years`` (default
    1992 to this year: each source contributes the years it covers), as a :class:`LongPanel`, built
    through the panel and its verb table (``add_loaded``). Sources the store lacks are left out with a
    note; years outside a source's coverage are absent, never zero. ``fold`` overrides the folding
    rule of a measure for the group partners (sensitivity runs). ``channels`` adds optional channels
    (:data:`OPTIONAL_VERBS`: ``speech``). Cached per process (store, years, channels)."""
    import datetime

    import multivector as mv

    if years is None:
        years = (FIRST_YEAR, datetime.date.today().year)
    verbs = tuple(VERBS) + tuple(v for c, v in OPTIONAL_VERBS.items() if channels and c in channels)
    skey = (_store_key(store), tuple(years), verbs)
    key = (*skey, tuple(groups), tuple(sorted((fold or {}).items())))
    if key in _CACHE:
        return _CACHE[key]
    notes: list[str] = []

    def build(partners):
        p = mv.dyad_years(None, partners=partners, years=years, store=store)
        p = p.add_loaded(verbs)
        for name, why in p.skipped:
            if partners is None:
                notes.append(f"{name} skipped: {why}")
        return p

    from multivector.panel import store_of

    if skey not in _CACHE:
        def build_base():
            b = long_from_panel(build(None))
            b.notes = notes + b.notes
            return b

        # every state × every state takes seconds: kept beside the store until its data change
        _CACHE[skey] = store_of(store).cached("claims_long", (tuple(years), verbs), build_base)
    base = _CACHE[skey]
    cubes = dict(base.cubes)
    grp: dict = {}
    gnotes: list[str] = []
    if groups:
        gl = store_of(store).cached("claims_long_groups", (tuple(years), verbs, tuple(groups), tuple(sorted((fold or {}).items()))),
                                    lambda: long_from_panel(build(list(groups)), fold=fold))
        grp = gl.groups
        gnotes = gl.notes
        for k, c in cubes.items():
            gc = gl.cubes.get(k)
            if gc is None:
                continue
            cubes[k] = _with_groups(c, gc, list(groups))
    lp = LongPanel(frame=None, notes=base.notes + gnotes, source="panel", groups=grp, cubes=cubes)
    _CACHE[key] = lp
    return lp


def _with_groups(c: Cube, gc: Cube, groups: list[str]) -> Cube:
    """The states' cube with the group partners' columns appended (same countries and years)."""
    add = [g for g in groups if g in gc.partner_index and g not in c.partner_index]
    if not add:
        return c
    extra = np.full((len(c.countries), len(add), len(c.years)), np.nan)
    for j, g in enumerate(add):
        src = gc.values[:, gc.partner_index[g], :]
        for i, country in enumerate(gc.countries):
            k = c.country_index.get(country)
            if k is None:
                continue
            lo = int(gc.years[0]) - int(c.years[0])
            seg = src[i]
            a, b = max(lo, 0), min(lo + len(gc.years), len(c.years))
            if a < b:
                extra[k, j, a:b] = seg[a - lo:b - lo]
    return Cube(np.concatenate([c.values, extra], axis=1), c.countries, [*c.partners, *add], c.years)


def alternative_fold() -> dict[str, str]:
    """The alternative folding rule of every measure (for the sensitivity row)."""
    from multivector.claims.long import MEASURES

    return {m.name: m.fold_alternative for m in MEASURES.values()}
