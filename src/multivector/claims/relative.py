"""Engagement relative to the middle power's own total and to each partner's ties with everyone.

For one channel and measure, with ``y_cpt`` the (log-transformed, for counts and flows) engagement
of country *c* with partner *p* in year *t*,

    r_cpt = y_cpt − a_ct − b_pt

where ``a_ct`` is *c*'s mean engagement that year with its **reference partners** (every partner
except the ones the claim names, and except members of a named group) and ``b_pt`` is partner *p*'s
mean engagement that year with the **reference countries** (every country except the middle power),
estimated by alternating projections (one sweep by default, each mean leaving out the cell it is subtracted
from, so no cell is compared with an average of itself; the two-way fixed-effects residual of Abowd,
Kramarz & Margolis 1999 / Guimarães & Portugal 2010 restricted to the reference cells). ``a_ct``
removes the middle power's common shocks (its overall IGO joining, the news attention it gets, its
overall agreement with the Assembly in a session); ``b_pt`` removes the partner-year shocks (China
joining IGOs, the UN agenda that moves every state's agreement with the US). Because both are
estimated from cells the claim does not name, neither is built from the series being compared.

For shared IGO counts, ``log(shared_cp / N_c) − a_ct = log shared_cp − a_ct`` once ``a_ct`` is
removed (the state's own membership count ``N_c`` is a country-year constant), so the measure is the
share of the state's own IGOs shared with the partner, relative to its other partners.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import polars as pl

MIN_REFERENCE_PARTNERS = 10
MIN_REFERENCE_COUNTRIES = 10


@dataclass(frozen=True)
class Adjustment:
    """What the relative measure could remove, for the notes."""

    country_year: bool
    partner_year: bool
    log: bool
    n_reference_partners: int
    n_reference_countries: int

    def text(self) -> str:
        parts = []
        parts.append("log(1 + x)" if self.log else "levels")
        if self.country_year:
            parts.append(f"minus the middle power's year mean over {self.n_reference_partners} reference partners")
        else:
            parts.append("NOT adjusted for the middle power's common shocks (too few other partners)")
        if self.partner_year:
            parts.append(f"minus each partner's year mean over {self.n_reference_countries} reference countries")
        else:
            parts.append("NOT adjusted for partner-year shocks (too few other countries)")
        return "; ".join(parts)


def _demean(R0: np.ndarray, M: np.ndarray, ref: np.ndarray, axis: int, minimum: int) -> tuple[np.ndarray, np.ndarray]:
    """Subtract, along ``axis`` (1: partners, 0: countries), the mean over the reference cells —
    leaving out the cell itself where it is a reference cell. ``R0`` holds 0 where ``M`` is False."""
    w = ref.astype(R0.dtype)
    Mf = M.astype(R0.dtype)
    if axis == 1:
        S = np.einsum("cpt,p->ct", R0, w)[:, None, :]
        N = np.einsum("cpt,p->ct", Mf, w)[:, None, :]
        isref = ref[None, :, None]
    else:
        S = np.einsum("cpt,c->pt", R0, w)[None, :, :]
        N = np.einsum("cpt,c->pt", Mf, w)[None, :, :]
        isref = ref[:, None, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        loo = (R0 * N - S) / (N - 1)  # R − (S − R)/(N − 1)
        full = R0 - S / N
    out = np.where(isref, loo, full)
    valid = M & (N >= minimum)
    return np.where(valid, out, np.float32(0.0)).astype(np.float32, copy=False), valid


def relative_cube(
    values: np.ndarray,
    country_index: int,
    ref_partners: np.ndarray,
    ref_countries: np.ndarray,
    log: bool,
    sweeps: int = 1,
    min_partners: int = MIN_REFERENCE_PARTNERS,
    min_countries: int = MIN_REFERENCE_COUNTRIES,
    min_nonzero: float = 0.75,
) -> tuple[np.ndarray, Adjustment]:
    """The relative engagement of a whole cube ``values[country, partner, year]`` (NaN = no data).

    ``ref_partners`` / ``ref_countries`` are boolean masks of the reference cells. See the module
    docstring for the formula; means leave out the cell they are subtracted from."""
    v = np.array(values, dtype=np.float32)  # single precision: half the memory traffic, ample for logs and rates
    use_log = bool(log) and bool(np.all(v[~np.isnan(v)] >= 0))
    if log and min_nonzero > 0:
        with np.errstate(invalid="ignore"):
            has = ~np.isnan(v)
            nz = np.where(has, v > 0, False).sum(axis=2) / np.maximum(has.sum(axis=2), 1)
        v[nz < min_nonzero] = np.nan
    R = np.log1p(v) if use_log else v
    C, P, T = R.shape
    rp = np.asarray(ref_partners, dtype=bool)
    rc = np.asarray(ref_countries, dtype=bool)
    own_n = (~np.isnan(R[country_index][rp])).sum(axis=0)
    have = ~np.isnan(R[country_index]).all(axis=0)
    do_cy = bool(have.any() and own_n[have].min() >= min_partners)
    nc = (~np.isnan(R[rc])).sum(axis=0)  # partner × year
    named_p = ~rp
    need = nc[named_p] if named_p.any() else nc
    do_py = bool(need.size and need[need > 0].size and need[need > 0].min() >= min_countries)
    M = ~np.isnan(R)
    R0 = np.where(M, R, np.float32(0.0))
    for _ in range(max(1, sweeps)):
        if do_cy:
            R0, M = _demean(R0, M, rp, axis=1, minimum=min_partners)
        if do_py:
            R0, M = _demean(R0, M, rc, axis=0, minimum=min_countries)
        if not (do_cy and do_py):
            break
    R = np.where(M, R0, np.nan).astype(np.float64)
    adj = Adjustment(country_year=do_cy, partner_year=do_py, log=use_log, n_reference_partners=int(rp.sum()),
                     n_reference_countries=int(rc.sum()))
    return R, adj


def cached_relative(lp, channel: str, measure: str, country: str, named: set[str], values: np.ndarray,
                    ref_partners: np.ndarray, ref_countries: np.ndarray, log: bool) -> tuple[np.ndarray, Adjustment]:
    """:func:`relative_cube` remembered on the :class:`~multivector.claims.long.LongPanel` (repeated
    claims on one country and partner set share it)."""
    key = ("relative", channel, measure, country, tuple(sorted(named)), bool(log))
    if key not in lp._cache:
        cube = lp.cube(channel, measure)
        lp._cache[key] = relative_cube(values, cube.country_index[country], ref_partners, ref_countries, log)
    return lp._cache[key]


def relative_engagement(
    frame: pl.DataFrame,
    country: str,
    named: Iterable[str],
    log: bool,
    sweeps: int = 1,
    min_partners: int = MIN_REFERENCE_PARTNERS,
    min_countries: int = MIN_REFERENCE_COUNTRIES,
    min_nonzero: float = 0.75,
) -> tuple[pl.DataFrame, Adjustment]:
    """``country, partner, year, rel`` for one channel-measure frame (see the module docstring).

    ``frame`` has ``country, partner, year, value``. ``log`` applies ``log(1 + x)`` first (counts
    and flows; not when a value is negative). Country-year means need ``min_partners`` reference
    partners in that year and partner-year means ``min_countries`` reference countries; when the data
    have fewer, that adjustment is skipped and :class:`Adjustment` says so. For counts and flows a
    dyad with engagement in fewer than ``min_nonzero`` of its years is left out (its "series" would be
    the adjustment terms alone: two such partners co-move by construction).
    """
    from multivector.claims.long import LongPanel

    lp = LongPanel(frame=frame.with_columns(pl.lit("c").alias("channel"), pl.lit("m").alias("measure")))
    cube = lp.cube("c", "m")
    named = set(named)
    if country not in cube.country_index:
        return pl.DataFrame(schema={"country": pl.Utf8, "partner": pl.Utf8, "year": pl.Int32, "rel": pl.Float64}), \
            Adjustment(False, False, False, 0, 0)
    rp = np.array([p not in named and p != country for p in cube.partners])
    rc = np.array([c != country for c in cube.countries])
    R, adj = relative_cube(cube.values, cube.country_index[country], rp, rc, log, sweeps, min_partners, min_countries,
                           min_nonzero)
    ci, pi, ti = np.nonzero(~np.isnan(R))
    out = pl.DataFrame({"country": np.asarray(cube.countries, dtype=object)[ci].astype(str),
                        "partner": np.asarray(cube.partners, dtype=object)[pi].astype(str),
                        "year": (cube.years[ti]).astype(np.int32), "rel": R[ci, pi, ti]})
    return out, adj
