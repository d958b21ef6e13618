"""``add_distance()``: minimum distance (CShapes 2.0) and direct contiguity (COW)."""

from __future__ import annotations

import polars as pl

from multivector.panel import _join


def add_distance(panel):
    """Add ``mindist`` (km between the closest points of the two states; Schvitz et al. 2022)
    and ``contig`` (COW direct contiguity type 1–5, 0 if not contiguous; Stinnett et al. 2002).
    Each is null outside its source's years (distance 1886–2019, contiguity 1816–2016)."""
    _join.need(panel, "dyad", "add_distance")
    cov_d = _join.coverage(panel, "cow_distance")
    cov_c = _join.coverage(panel, "cow_contiguity")
    frame = _join.undirected(panel, _join.frame_of(panel), "mindist_dyad_year", ["mindist"], cov=cov_d)
    frame = _join.undirected(panel, frame, "contiguity_dyad_year", ["conttype"], {"conttype": "contig"}, cov=cov_c, zero=True)
    frame = frame.with_columns(pl.col("contig").cast(pl.Int8))
    p = panel._with(frame, "cow_distance", ["mindist"], cov_d)
    return p._with(frame, "cow_contiguity", ["contig"], cov_c)
