"""Dependence and concentration indices: partner share, HHI, effective number of partners,
dyadic dependence and asymmetry (Oneal & Russett 1997), trade salience and symmetry (Barbieri 1996).

Array functions take numpy arrays, lists or polars Series; missing values (``None``/NaN) are left
out of the computation, never read as 0. Frame functions (:func:`add_partner_share`,
:func:`partner_concentration`) work on a polars frame grouped by actor and year.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import polars as pl

from multivector.errors import PanelError
from multivector.indices._common import as_float_array, require_columns, scalar_or_array, to_polars

__all__ = [
    "partner_share",
    "hhi",
    "normalized_hhi",
    "effective_number_of_partners",
    "dyadic_dependence",
    "dependence_asymmetry",
    "weak_link_dependence",
    "trade_salience",
    "trade_symmetry",
    "add_partner_share",
    "partner_concentration",
]


def _check_nonnegative(x: np.ndarray, name: str) -> None:
    if np.any(x[~np.isnan(x)] < 0):
        raise PanelError(f"{name} must be non-negative (flows, counts or values); found a negative value",)


def partner_share(values: Any, axis: int = -1) -> float | np.ndarray:
    """Share of each partner in the actor's total: ``s_k = x_k / Σ_j x_j``.

    Source: the standard partner-share measure of trade concentration (e.g. Hirschman 1945).
    Missing partners (NaN) keep a NaN share and are left out of the total; when the total is 0
    every share is NaN (no engagement to divide). Scale invariant: ``partner_share(c·x) == partner_share(x)``.
    """
    x = as_float_array(values, "values")
    _check_nonnegative(x, "values")
    total = np.nansum(x, axis=axis, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(total > 0, x / np.where(total > 0, total, 1.0), np.nan)
    return s


def hhi(values: Any, axis: int = -1) -> float | np.ndarray:
    """Herfindahl–Hirschman index of partner concentration: ``H = Σ_k s_k²`` with ``s_k`` the partner shares.

    Source: Hirschman (1945), *National Power and the Structure of Foreign Trade*; Herfindahl (1950).
    Bounds ``1/N ≤ H ≤ 1`` for ``N`` partners with data. Values are turned into shares first, so raw
    flows or shares give the same result. NaN when there is no engagement at all.
    """
    s = partner_share(values, axis=axis)
    with np.errstate(invalid="ignore"):
        h = np.nansum(np.square(s), axis=axis)
        h = np.where(np.all(np.isnan(s), axis=axis), np.nan, h)
    return scalar_or_array(h)


def normalized_hhi(values: Any, axis: int = -1) -> float | np.ndarray:
    """Normalised HHI: ``H* = (H − 1/N) / (1 − 1/N)``, in [0, 1]; 0 = even spread, 1 = one partner.

    Source: the standard rescaling of the Herfindahl–Hirschman index (Hirschman 1945) to [0, 1] for
    ``N`` units. (UNCTAD's concentration index rescales √H instead.) ``N`` counts partners with
    data (non-missing), including partners with a zero flow. NaN when ``N < 2`` or there is no engagement.
    """
    x = as_float_array(values, "values")
    n = np.sum(~np.isnan(x), axis=axis)
    h = np.asarray(hhi(x, axis=axis), dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(n >= 2, (h - 1.0 / n) / (1.0 - 1.0 / np.where(n >= 2, n, 2)), np.nan)
    out = np.clip(out, 0.0, 1.0)
    return scalar_or_array(out)


def effective_number_of_partners(values: Any, axis: int = -1) -> float | np.ndarray:
    """Effective number of partners ``1 / H`` (the inverse HHI; cf. Laakso & Taagepera 1979).

    Between 1 (all engagement with one partner) and ``N`` (equal engagement with ``N`` partners).
    """
    h = np.asarray(hhi(values, axis=axis), dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = 1.0 / h
    return scalar_or_array(out)


def dyadic_dependence(trade_ij: Any, gdp_i: Any) -> float | np.ndarray:
    """Dependence of state *i* on partner *j*: ``D_ij = trade_ij / GDP_i``.

    Source: Oneal & Russett (1997), "The Classical Liberals Were Right", *International Studies
    Quarterly* 41(2). Both arguments must be in the same currency unit (e.g. US$, or both in
    millions). NaN when either is missing or GDP is not positive.
    """
    t = as_float_array(trade_ij, "trade_ij")
    g = as_float_array(gdp_i, "gdp_i")
    _check_nonnegative(t, "trade_ij")
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(g > 0, t / np.where(g > 0, g, 1.0), np.nan)
    return scalar_or_array(out)


def dependence_asymmetry(dep_i: Any, dep_j: Any, signed: bool = False) -> float | np.ndarray:
    """Asymmetry of interdependence: ``A_ij = |D_ij − D_ji|`` (or ``D_ij − D_ji`` with ``signed=True``,
    positive when *i* depends more on *j* than *j* on *i*).

    Source: Oneal & Russett (1997), who pair the lower dependence score (weak link, see
    :func:`weak_link_dependence`) with the difference between the higher and the lower score.
    Symmetric in its arguments when unsigned.
    """
    a = as_float_array(dep_i, "dep_i")
    b = as_float_array(dep_j, "dep_j")
    d = a - b
    return scalar_or_array(d if signed else np.abs(d))


def weak_link_dependence(dep_i: Any, dep_j: Any) -> float | np.ndarray:
    """Weak-link dependence ``min(D_ij, D_ji)`` (Oneal & Russett 1997): the less dependent side
    bounds the dyad's incentive for peace."""
    a = as_float_array(dep_i, "dep_i")
    b = as_float_array(dep_j, "dep_j")
    return scalar_or_array(np.minimum(a, b))


def trade_salience(share_i: Any, share_j: Any) -> float | np.ndarray:
    """Salience of a trade relationship: ``sqrt(s_i × s_j)``, where ``s_i = trade_ij / total trade of i``.

    Source: Barbieri (1996), "Economic Interdependence: A Path to Peace or a Source of Interstate
    Conflict?", *Journal of Peace Research* 33(1). Bounds [0, 1]; symmetric in its arguments.
    """
    a = as_float_array(share_i, "share_i")
    b = as_float_array(share_j, "share_j")
    _check_shares(a, "share_i")
    _check_shares(b, "share_j")
    return scalar_or_array(np.sqrt(a * b))


def trade_symmetry(share_i: Any, share_j: Any) -> float | np.ndarray:
    """Symmetry of a trade relationship: ``1 − |s_i − s_j|`` with partner trade shares ``s_i, s_j``.

    Source: Barbieri (1996). Bounds [0, 1]; 1 = both sides equally dependent; symmetric in its arguments.
    """
    a = as_float_array(share_i, "share_i")
    b = as_float_array(share_j, "share_j")
    _check_shares(a, "share_i")
    _check_shares(b, "share_j")
    return scalar_or_array(1.0 - np.abs(a - b))


def _check_shares(x: np.ndarray, name: str) -> None:
    ok = x[~np.isnan(x)]
    if np.any((ok < 0) | (ok > 1 + 1e-12)):
        raise PanelError(f"{name} must be a share in [0, 1] (partner trade ÷ the state's total trade); "
                         "got a value outside that range")


# ----------------------------------------------------------------------------------------- frames

def add_partner_share(
    df: Any,
    value: str,
    by: Sequence[str] = ("iso3_1", "year"),
    name: str | None = None,
) -> pl.DataFrame:
    """Add ``<value>_share`` = value ÷ its sum within each ``by`` group (see :func:`partner_share`).

    Rows with a null value keep a null share and are left out of the group total.
    """
    frame = to_polars(df)
    by = list(by)
    require_columns(frame, [value, *by], "add_partner_share")
    name = name or f"{value}_share"
    total = pl.col(value).cast(pl.Float64).sum().over(by)
    return frame.with_columns(
        pl.when(total > 0).then(pl.col(value).cast(pl.Float64) / total).otherwise(None).alias(name)
    )


def partner_concentration(
    df: Any,
    value: str,
    by: Sequence[str] = ("iso3_1", "year"),
    partner: str = "iso3_2",
) -> pl.DataFrame:
    """Concentration of an actor's engagement across its partners, one row per ``by`` group.

    Columns: ``n_partners`` (with non-null data), ``total``, ``hhi`` (Σ s²), ``hhi_normalized``
    ((H − 1/N)/(1 − 1/N)), ``effective_partners`` (1/H), ``top_partner``, ``top_share``.
    Sources as in :func:`hhi`, :func:`normalized_hhi`, :func:`effective_number_of_partners`.
    Null partner values are dropped (not read as 0); groups with zero total get null indices.
    """
    frame = to_polars(df)
    by = list(by)
    require_columns(frame, [value, partner, *by], "partner_concentration")
    v = pl.col(value).cast(pl.Float64)
    d = frame.filter(v.is_not_null()).with_columns(v.alias("_v"))
    if d.height and d["_v"].min() < 0:
        raise PanelError(f"partner_concentration: column '{value}' has negative values; it needs flows or counts")
    d = d.with_columns((pl.col("_v") / pl.col("_v").sum().over(by)).alias("_s"))
    out = (
        d.group_by(by, maintain_order=True)
        .agg(
            pl.len().alias("n_partners"),
            pl.col("_v").sum().alias("total"),
            (pl.col("_s") ** 2).sum().alias("hhi"),
            pl.col(partner).sort_by("_s", descending=True).first().alias("top_partner"),
            pl.col("_s").max().alias("top_share"),
        )
        .with_columns(
            pl.when(pl.col("total") > 0).then(pl.col("hhi")).otherwise(None).alias("hhi"),
            pl.when(pl.col("total") > 0).then(pl.col("top_share")).otherwise(None).alias("top_share"),
            pl.when(pl.col("total") > 0).then(pl.col("top_partner")).otherwise(None).alias("top_partner"),
        )
        .with_columns(
            pl.when(pl.col("n_partners") >= 2)
            .then(((pl.col("hhi") - 1.0 / pl.col("n_partners")) / (1.0 - 1.0 / pl.col("n_partners"))).clip(0.0, 1.0))
            .otherwise(None)
            .alias("hhi_normalized"),
            (1.0 / pl.col("hhi")).alias("effective_partners"),
        )
        .select([*by, "n_partners", "total", "hhi", "hhi_normalized", "effective_partners", "top_partner", "top_share"])
    )
    return out
