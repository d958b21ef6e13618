"""``add_alliances()``: ATOP alliance obligations (Leeds et al. 2002)."""

from __future__ import annotations

from multivector.panel import _join

#: ATOP obligation types, as the ``atop_dyad_year`` table stores them
KINDS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")


def add_alliances(panel):
    """Add ``atop_defense``, ``atop_offense``, ``atop_neutral``, ``atop_nonagg``, ``atop_consul``
    (1 if the dyad shares an alliance with that obligation in the year, else 0; null after
    ATOP's last year, 2018)."""
    _join.need(panel, "dyad", "add_alliances")
    cov = _join.coverage(panel, "atop")
    frame = _join.undirected(panel, _join.frame_of(panel), "atop_dyad_year", list(KINDS), cov=cov, zero=True)
    return panel._with(frame, "atop", KINDS, cov)
