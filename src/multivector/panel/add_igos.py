"""``add_igos()``: shared intergovernmental organisation memberships (COW IGO v3)."""

from __future__ import annotations

from multivector.panel import _join


def add_igos(panel):
    """Add ``dyadigos``: the number of IGOs both states belong to (Pevehouse et al. 2020); null
    after 2014, the last year of the COW IGO data."""
    _join.need(panel, "dyad", "add_igos")
    cov = _join.coverage(panel, "cow_igo")
    frame = _join.undirected(panel, _join.frame_of(panel), "igo_dyad_year", ["dyadigos"], cov=cov)
    return panel._with(frame, "cow_igo", ["dyadigos"], cov)
