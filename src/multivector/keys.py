"""Packed Int64 join keys for country-year data: the one place where they are computed.

One integer column joins faster than three, so the store keeps every dyad-year and state-year
table with a packed key, sorted by it, and the panel joins through it (``panel/_join.py``):

* undirected dyad-year ``_dkey = (low code · 1024 + high code) · 4096 + year``;
* directed dyad-year ``(code1 · 1024 + code2) · 4096 + year``;
* state-year ``_skey = code · 4096 + year``.

The packing is lossless only for codes in ``[0, 1024)`` and years in ``[0, 4096)``: one row
outside (a code 1500, a year 6096) would silently land on *another* country's key — an ATOP row
(705, 739, 6096) packs to Kazakhstan–Japan (705, 740) in 2000. So every packer here refuses
values outside those limits (:class:`KeyRangeError`), the store checks each table before it packs
it (:func:`first_unpackable`), and the readers in ``sources/`` reject impossible codes and years
long before that.

Dense slots: a large panel looks a (low code, high code, year) triple up in a dense array of
``n(n−1)/2 × YEARS`` slots (the upper triangle of code pairs, ``n`` = number of COW codes); a
table's *dense index* holds, at each slot, the row of the table with that key (or -1): one array
read per row instead of a binary search.

This module sits below the store and the panel (it imports neither), so both use it.
"""

from __future__ import annotations

import numpy as np
import polars as pl

#: codes must be below this (COW codes run 2–990)
CODE_LIMIT = 1024
#: years must be below this
YEAR_LIMIT = 4096

#: dense slots cover these years: 1816–2031
Y0, YEARS = 1816, 216


class KeyRangeError(ValueError):
    """A code or year outside what a packed key can hold (a programming error if it reaches
    here: readers and the store refuse such rows with a DataError first)."""


def _within(x: np.ndarray, limit: int) -> bool:
    return x.size == 0 or (int(x.min()) >= 0 and int(x.max()) < limit)


def _check(codes: tuple[np.ndarray, ...], year: np.ndarray, missing: np.ndarray | None) -> None:
    keep = slice(None) if missing is None else ~missing
    if all(_within(c[keep], CODE_LIMIT) for c in codes) and _within(year[keep], YEAR_LIMIT):
        return  # the common case, in a few passes of min/max
    bad = np.zeros(len(year), dtype=bool)
    for c in codes:
        bad |= (c < 0) | (c >= CODE_LIMIT)
    bad |= (year < 0) | (year >= YEAR_LIMIT)
    if missing is not None:
        bad &= ~missing
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        vals = ", ".join(str(int(c[i])) for c in codes)
        raise KeyRangeError(
            f"cannot pack ({vals}, {int(year[i])}) into a join key: codes must be in [0, {CODE_LIMIT}) and "
            f"years in [0, {YEAR_LIMIT})"
        )


def _arrays(*xs) -> list[np.ndarray]:
    return [np.asarray(x).astype(np.int64, copy=False) for x in xs]


def dyad_key(code1, code2, year, *, missing: np.ndarray | None = None) -> np.ndarray:
    """Undirected dyad-year key (order of the two codes does not matter).

    ``missing``: a boolean mask of rows with no key (null codes); they get -1, which matches no
    stored key. Any other row outside the limits raises :class:`KeyRangeError`."""
    c1, c2, y = _arrays(code1, code2, year)
    _check((c1, c2), y, missing)
    key = (np.minimum(c1, c2) * CODE_LIMIT + np.maximum(c1, c2)) * YEAR_LIMIT + y
    return key if missing is None else np.where(missing, -1, key)


def dyad_pair_key(low, high) -> np.ndarray:
    """The year-0 dyad key of each (low, high) code pair, checked: add a checked year
    (:func:`check_years`) to get :func:`dyad_key` — for a panel, per pair instead of per row."""
    lo, hi = _arrays(low, high)
    return dyad_key(lo, hi, np.zeros(len(lo), dtype=np.int64))


def check_years(year) -> np.ndarray:
    """The years, after checking that each fits a key."""
    (y,) = _arrays(year)
    if not _within(y, YEAR_LIMIT):
        raise KeyRangeError(f"years must be in [0, {YEAR_LIMIT}); got {int(y.min())}–{int(y.max())}")
    return y


def directed_key(code1, code2, year, *, missing: np.ndarray | None = None) -> np.ndarray:
    """Directed dyad-year key ``(code1 · 1024 + code2) · 4096 + year`` (see :func:`dyad_key`)."""
    c1, c2, y = _arrays(code1, code2, year)
    _check((c1, c2), y, missing)
    key = (c1 * CODE_LIMIT + c2) * YEAR_LIMIT + y
    return key if missing is None else np.where(missing, -1, key)


def state_key(code, year, *, missing: np.ndarray | None = None) -> np.ndarray:
    """State-year key ``code · 4096 + year`` (see :func:`dyad_key`)."""
    c, y = _arrays(code, year)
    _check((c,), y, missing)
    key = c * YEAR_LIMIT + y
    return key if missing is None else np.where(missing, -1, key)


def directed_key_expr(c1: pl.Expr, c2: pl.Expr, year: pl.Expr) -> pl.Expr:
    """The directed key as a Polars expression; null where a code or the year is out of range
    (so such a row matches nothing rather than another country's key)."""
    c1, c2, year = c1.cast(pl.Int64), c2.cast(pl.Int64), year.cast(pl.Int64)
    ok = c1.is_between(0, CODE_LIMIT - 1) & c2.is_between(0, CODE_LIMIT - 1) & year.is_between(0, YEAR_LIMIT - 1)
    return pl.when(ok).then((c1 * CODE_LIMIT + c2) * YEAR_LIMIT + year)


def key_year(key: np.ndarray) -> np.ndarray:
    return key % YEAR_LIMIT


def key_codes(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first code, second code) of a dyad key."""
    pair = key // YEAR_LIMIT
    return pair // CODE_LIMIT, pair % CODE_LIMIT


def key_state(key: np.ndarray) -> np.ndarray:
    """The code of a state-year key."""
    return key // YEAR_LIMIT


# -- SQL (the store adds the keys when it stores a table) ------------------------------------------


def _guard(cond: str, key: str, what: str) -> str:
    # error() aborts the statement: a row that slipped past the check below never gets a key
    return f"CASE WHEN {cond} THEN {key} ELSE error('{what} outside the join key limits') END"


_CODE_OK = "BETWEEN 0 AND " + str(CODE_LIMIT - 1)
_YEAR_OK = "BETWEEN 0 AND " + str(YEAR_LIMIT - 1)

DYAD_KEY_SQL = _guard(
    f"ccode1 {_CODE_OK} AND ccode2 {_CODE_OK} AND year {_YEAR_OK}",
    f"((least(ccode1, ccode2)::BIGINT * {CODE_LIMIT} + greatest(ccode1, ccode2)) * {YEAR_LIMIT} + year)",
    "ccode1/ccode2/year",
)
STATE_KEY_SQL = _guard(f"ccode {_CODE_OK} AND year {_YEAR_OK}", f"(ccode::BIGINT * {YEAR_LIMIT} + year)", "ccode/year")

DYAD_COLUMNS = ("ccode1", "ccode2", "year")
STATE_COLUMNS = ("ccode", "year")


def key_kind(columns) -> str | None:
    """``"dyad"``, ``"state"`` or None: which key a table with these columns gets."""
    cols = set(columns)
    if set(DYAD_COLUMNS) <= cols:
        return "dyad"
    if set(STATE_COLUMNS) <= cols:
        return "state"
    return None


def unpackable_sql(source_sql: str, kind: str) -> str:
    """SQL returning the first row (its 1-based number, column and value) whose code or year
    cannot be packed — null keys included — or no row when all can."""
    cols = DYAD_COLUMNS if kind == "dyad" else STATE_COLUMNS
    checks = []
    for c in cols:
        ok = _YEAR_OK if c == "year" else _CODE_OK
        checks.append(f"CASE WHEN {c} IS NULL OR NOT ({c} {ok}) THEN '{c}' END")
    first_bad = f"coalesce({', '.join(checks)})"
    value = "CASE _bad " + " ".join(f"WHEN '{c}' THEN {c}::VARCHAR" for c in cols) + " END"
    return (
        f"SELECT _row, _bad, {value} FROM (SELECT *, row_number() OVER () AS _row, {first_bad} AS _bad "
        f"FROM {source_sql}) WHERE _bad IS NOT NULL ORDER BY _row LIMIT 1"
    )


# -- dense slots -----------------------------------------------------------------------------------


def code_positions(codes: np.ndarray) -> tuple[np.ndarray, int]:
    """COW code → dense position (-1 for codes not in ``codes``), and the number of codes."""
    codes = np.unique(np.asarray(codes).astype(np.int64))
    if len(codes) and (codes.min() < 0 or codes.max() >= CODE_LIMIT):
        raise KeyRangeError(f"state codes must be in [0, {CODE_LIMIT}); got {int(codes.min())}–{int(codes.max())}")
    pos = np.full(CODE_LIMIT, -1, dtype=np.int64)
    pos[codes] = np.arange(len(codes))
    return pos, len(codes)


def pair_offset(a: np.ndarray, b: np.ndarray, n_codes: int) -> np.ndarray:
    """First dense slot of the code-position pair (a, b), a < b: its upper-triangle index × YEARS."""
    a = a.astype("int64")
    return (a * (2 * n_codes - a - 1) // 2 + (b - a - 1)) * YEARS


def dense_positions(keys: np.ndarray, code_pos: np.ndarray, n_codes: int) -> np.ndarray:
    """Dense slot of each packed undirected dyad key (``_dkey``); -1 where it cannot be placed."""
    year = key_year(keys)
    lo, hi = key_codes(keys)
    pl_, ph = code_pos[lo.clip(0, CODE_LIMIT - 1)], code_pos[hi.clip(0, CODE_LIMIT - 1)]
    ok = (pl_ >= 0) & (ph >= 0) & (year >= Y0) & (year < Y0 + YEARS) & (keys >= 0)
    ok &= pl_ < ph
    return np.where(ok, pair_offset(pl_, ph, n_codes) + (year - Y0), -1)


def dense_index(keys: np.ndarray, code_pos: np.ndarray, n_codes: int) -> np.ndarray:
    """Array over all dense slots giving the table row of each slot (-1 if none)."""
    slots = dense_positions(keys, code_pos, n_codes)
    index = np.full(n_codes * (n_codes - 1) // 2 * YEARS, -1, dtype=np.int32)
    ok = slots >= 0
    index[slots[ok]] = np.flatnonzero(ok).astype(np.int32)
    return index


def state_slots(codes: np.ndarray, years: np.ndarray, code_pos: np.ndarray) -> np.ndarray:
    """Dense (code position × YEARS + year − Y0) slot of each state-year; -1 where it has none."""
    c = np.asarray(codes).astype(np.int64)
    y = np.asarray(years).astype(np.int64)
    p = code_pos[c.clip(0, CODE_LIMIT - 1)]
    ok = (c >= 0) & (c < CODE_LIMIT) & (p >= 0) & (y >= Y0) & (y < Y0 + YEARS)
    return np.where(ok, p * YEARS + (y - Y0), -1)


def state_dense_index(keys: np.ndarray, code_pos: np.ndarray, n_codes: int) -> np.ndarray:
    """Dense index of a keyed state-year table (``_skey``): slot → table row (-1 if none)."""
    slots = state_slots(key_state(keys), key_year(keys), code_pos)
    index = np.full(n_codes * YEARS, -1, dtype=np.int32)
    ok = slots >= 0
    index[slots[ok]] = np.flatnonzero(ok).astype(np.int32)
    return index
