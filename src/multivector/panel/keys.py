"""Packed Int64 join keys: one integer column joins faster than three.

COW codes are below 1024 and years below 4096, so they pack losslessly:
undirected dyad-year ``_dkey = (low code · 1024 + high code) · 4096 + year`` and state-year
``_skey = code · 4096 + year`` (added in SQL when a table is stored, see
``multivector.store._keyed_select``; the dyad-year skeleton computes ``_dkey`` in NumPy).
"""

from __future__ import annotations

import polars as pl


def directed_key(c1: pl.Expr, c2: pl.Expr, year: pl.Expr) -> pl.Expr:
    return (c1.cast(pl.Int64) * 1024 + c2.cast(pl.Int64)) * 4096 + year.cast(pl.Int64)


# -- dense positions -------------------------------------------------------------------------
# A (low code, high code, year) triple maps to a position in a dense array of
# n(n−1)/2 × YEARS slots (the upper triangle of code pairs, n = number of COW codes); a table's
# "dense index" holds, at each slot, the row of the table with that key (or -1). Looking a dyad up is then one array read instead of a binary search.

Y0, YEARS = 1816, 216  # 1816–2031


def pair_offset(a: "np.ndarray", b: "np.ndarray", n_codes: int) -> "np.ndarray":
    """First dense slot of the code-position pair (a, b), a < b: its upper-triangle index × YEARS."""
    a = a.astype("int64")
    return (a * (2 * n_codes - a - 1) // 2 + (b - a - 1)) * YEARS


def dense_positions(keys: "np.ndarray", code_pos: "np.ndarray", n_codes: int) -> "np.ndarray":
    """Dense slot of each packed undirected dyad key (``_dkey``); -1 where it cannot be placed."""
    import numpy as np

    year = keys % 4096
    pair = keys // 4096
    lo, hi = pair // 1024, pair % 1024
    pl_, ph = code_pos[lo.clip(0, 1023)], code_pos[hi.clip(0, 1023)]
    ok = (pl_ >= 0) & (ph >= 0) & (year >= Y0) & (year < Y0 + YEARS) & (keys >= 0)
    ok &= pl_ < ph
    return np.where(ok, pair_offset(pl_, ph, n_codes) + (year - Y0), -1)


def dense_index(keys: "np.ndarray", code_pos: "np.ndarray", n_codes: int) -> "np.ndarray":
    """Array over all dense slots giving the table row of each slot (-1 if none)."""
    import numpy as np

    slots = dense_positions(keys, code_pos, n_codes)
    index = np.full(n_codes * (n_codes - 1) // 2 * YEARS, -1, dtype=np.int32)
    ok = slots >= 0
    index[slots[ok]] = np.flatnonzero(ok).astype(np.int32)
    return index
