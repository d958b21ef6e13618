"""What a user must cite: BibTeX and plain-text citations for the sources a result used."""

from __future__ import annotations

from collections.abc import Iterable

from multivector import sources
from multivector.sources.base import SourceMeta

MULTIVECTOR_BIBTEX = """@software{multivector,
  title = {multivector: measuring, explaining and simulating middle-power engagement with great powers},
  year = {2026},
  note = {Python package, version 0.1.0}
}"""

PEACESCIENCER_BIBTEX = """@article{miller2022peacesciencer,
  author = {Miller, Steven V.},
  title = {{peacesciencer}: An {R} Package for Quantitative Peace Science Research},
  journal = {Conflict Management and Peace Science},
  year = {2022},
  volume = {39},
  number = {6},
  pages = {755--779},
  doi = {10.1177/07388942221077926}
}"""

#: Sources whose files here are the builds shipped with R's peacesciencer (cite it as well).
VIA_PEACESCIENCER = {"cow_states", "gw_states", "atop", "cow_igo", "cow_nmc", "cow_distance", "cow_contiguity"}


def meta(key: str) -> SourceMeta:
    if key == "country_codes":
        from multivector.starter_pack import COUNTRY_CODES_META

        return COUNTRY_CODES_META
    if key == "gw_states":
        from multivector.sources.cow_states import GW_META

        return GW_META
    return sources.get(key).META


def bibtex_for(keys: Iterable[str]) -> str:
    """BibTeX entries for exactly these sources (plus peacesciencer where its builds were used)."""
    keys = list(dict.fromkeys(keys))
    entries = [meta(k).bibtex for k in keys]
    if VIA_PEACESCIENCER & set(keys):
        entries.append(PEACESCIENCER_BIBTEX)
    return "\n\n".join(dict.fromkeys(entries)) + "\n"


def text_for(keys: Iterable[str]) -> list[tuple[str, str, str]]:
    """(source, citation, licence) rows for display."""
    return [(k, meta(k).citation, meta(k).licence) for k in dict.fromkeys(keys)]


def cite(keys: Iterable[str] | None = None) -> str:
    """BibTeX for the given sources, or for every source whose module is installed."""
    if keys is None:
        keys = [*sources.available(), "gw_states", "country_codes"]
    return bibtex_for(keys)
