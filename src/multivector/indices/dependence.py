"""Dependence and concentration indices: partner share, HHI, effective number of partners,
dyadic dependence and asymmetry (Oneal & Russett 1997), trade salience and symmetry (Barbieri 1996),
and the same measures computed from **both reporters' figures side by side** (:func:`trade_dependence`,
:func:`concentration_both_sides`): a country's own customs data and its partners' mirror reports
of the same flows differ (CIF/FOB valuation, timing, transit, re-exports), so each measure is
given twice and never averaged. Trade-to-GDP ratios use GDP in current US$ (World Bank), the unit
of the trade figures — never the PPP-based real GDP of isard.

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
    "mirror_flows",
    "concentration_both_sides",
    "trade_dependence",
    "product_concentration",
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


# ------------------------------------------------------------------------------- both reporters

def mirror_flows(by_partner: Any, country: str) -> pl.DataFrame:
    """A country's trade with each partner as it reports it and as the partner reports it.

    Input: the store's ``trade_by_partner`` (iso3_1 reporter, iso3_2 partner, year, exports_usd,
    imports_usd, …). Output per (partner, year): ``exports_reported``/``imports_reported``/
    ``total_reported`` (the country's own figures) and ``exports_mirror`` (the partner's imports
    from the country), ``imports_mirror`` (the partner's exports to it), ``total_mirror``; null
    where a side did not report (a total needs both flows). Pure; no averaging.
    """
    t = to_polars(by_partner, "trade table")
    require_columns(t, ["iso3_1", "iso3_2", "year", "exports_usd", "imports_usd"], "mirror_flows")
    own = t.filter(pl.col("iso3_1") == country).select(
        pl.col("iso3_2").alias("partner"), "year",
        pl.col("exports_usd").alias("exports_reported"), pl.col("imports_usd").alias("imports_reported"))
    mirror = t.filter(pl.col("iso3_2") == country).select(
        pl.col("iso3_1").alias("partner"), "year",
        pl.col("imports_usd").alias("exports_mirror"), pl.col("exports_usd").alias("imports_mirror"))
    out = own.join(mirror, on=["partner", "year"], how="full", coalesce=True)
    for c in ("exports_reported", "imports_reported", "exports_mirror", "imports_mirror"):
        _check_nonnegative(out[c].cast(pl.Float64).to_numpy(), c)
    return out.with_columns(
        (pl.col("exports_reported") + pl.col("imports_reported")).alias("total_reported"),
        (pl.col("exports_mirror") + pl.col("imports_mirror")).alias("total_mirror"),
    ).sort(["partner", "year"])


def concentration_both_sides(flows: Any, totals: Any | None = None, min_coverage: float = 0.8) -> pl.DataFrame:
    """HHI of a country's trade across all its partners, once from its own figures and once from the
    partners' mirror figures: per year ``hhi_reported``, ``hhi_mirror`` (Σ s², Hirschman 1945),
    ``partners_reported``, ``partners_mirror`` (partners with a total), ``effective_partners_*`` (1/H)
    and the top partner of each. Input: :func:`mirror_flows`. Partners missing on a side are left
    out of that side's shares (not read as 0).

    With ``totals`` (the country's reported trade with the world, store table ``trade_totals``),
    ``coverage_*`` = the side's partner figures summed ÷ that world total, and a side's HHI is null
    when its coverage is below ``min_coverage``: an HHI over the few partners that happen to report
    (e.g. mirror figures after 2020, when only national tables exist) would be an artefact.
    """
    f = to_polars(flows, "flows")
    out = None
    for side in ("reported", "mirror"):
        c = partner_concentration(f.select("year", "partner", pl.col(f"total_{side}").alias("v")), "v",
                                  by=("year",), partner="partner")
        c = c.select("year", pl.col("total").alias(f"_sum_{side}"), pl.col("hhi").alias(f"hhi_{side}"),
                     pl.col("n_partners").alias(f"partners_{side}"),
                     pl.col("effective_partners").alias(f"effective_partners_{side}"),
                     pl.col("top_partner").alias(f"top_partner_{side}"), pl.col("top_share").alias(f"top_share_{side}"))
        out = c if out is None else out.join(c, on="year", how="full", coalesce=True)
    if totals is not None:
        t = to_polars(totals, "totals")
        require_columns(t, ["year", "exports_usd", "imports_usd"], "concentration_both_sides (totals)")
        out = out.join(t.select("year", (pl.col("exports_usd") + pl.col("imports_usd")).alias("_world")), on="year", how="left")
        for side in ("reported", "mirror"):
            cov = pl.when(pl.col("_world") > 0).then(pl.col(f"_sum_{side}") / pl.col("_world"))
            ok = cov >= min_coverage
            out = out.with_columns(cov.alias(f"coverage_{side}")).with_columns(
                [pl.when(ok).then(pl.col(c)).otherwise(None).alias(c)
                 for c in (f"hhi_{side}", f"effective_partners_{side}", f"top_partner_{side}", f"top_share_{side}")])
        out = out.drop("_world")
    return out.drop("_sum_reported", "_sum_mirror").sort("year")


def trade_dependence(dyads: Any, totals: Any | None = None, concentration: Any | None = None) -> pl.DataFrame:
    """Dependence of side 1 on each partner, from both reporters' figures side by side.

    ``dyads``: panel rows with ``iso3_1``, ``iso3_2``, ``year``, ``trade_total``, ``mirror_total`` and
    ``gdp_usd1`` (after ``add_trade()`` and ``add_gdp()``; a group partner such as the EU is the sum of
    its members). ``totals``: the store's ``trade_totals`` (the country's trade with the world as it
    reports it), the denominator of the partner shares. Per (country, partner, year):

    * ``share_reported`` = T_ij / T_i·  and ``share_mirror`` = T^m_ij / T_i· — partner share
      (Hirschman 1945), with T_ij the country's own figure, T^m_ij the partner's, T_i· the country's
      reported world total;
    * ``trade_gdp_reported`` = T_ij / GDP_i and ``trade_gdp_mirror`` = T^m_ij / GDP_i — dyadic
      dependence (Oneal & Russett 1997), GDP in current US$;
    * ``gap_pct`` = (T^m_ij − T_ij) / T_ij · 100 — how far the two reports differ;
    * with ``concentration`` (:func:`concentration_both_sides`), the year's HHI on each side.

    Null wherever an input is missing: no side's figure stands in for the other's.
    """
    d = to_polars(dyads)
    require_columns(d, ["iso3_1", "iso3_2", "year", "trade_total", "mirror_total", "gdp_usd1"], "trade_dependence",
                    "build the panel with .add_trade().add_gdp() (World Bank GDP in current US$ loaded)")
    for c in ("trade_total", "mirror_total"):
        _check_nonnegative(d[c].cast(pl.Float64).to_numpy(), c)
    out = d.select(
        pl.col("iso3_1").alias("country"), pl.col("iso3_2").alias("partner"), "year",
        pl.col("trade_total").alias("trade_reported"), pl.col("mirror_total").alias("trade_mirror"),
        *[pl.col(c) for c in ("trade_source", "mirror_source") if c in d.columns],
        pl.col("gdp_usd1").alias("gdp_usd"),
    )
    if totals is not None:
        t = to_polars(totals, "totals")
        require_columns(t, ["iso3", "year", "exports_usd", "imports_usd"], "trade_dependence (totals)")
        t = t.select(pl.col("iso3").alias("country"), "year", (pl.col("exports_usd") + pl.col("imports_usd")).alias("world_total"))
        out = out.join(t, on=["country", "year"], how="left")
        share = lambda c: pl.when(pl.col("world_total") > 0).then(pl.col(c) / pl.col("world_total"))  # noqa: E731
        out = out.with_columns(share("trade_reported").alias("share_reported"), share("trade_mirror").alias("share_mirror"))
    gdp = lambda c: pl.when(pl.col("gdp_usd") > 0).then(pl.col(c) / pl.col("gdp_usd"))  # noqa: E731
    out = out.with_columns(
        gdp("trade_reported").alias("trade_gdp_reported"), gdp("trade_mirror").alias("trade_gdp_mirror"),
        pl.when(pl.col("trade_reported") > 0)
        .then((pl.col("trade_mirror") - pl.col("trade_reported")) / pl.col("trade_reported") * 100).alias("gap_pct"),
    )
    if concentration is not None:
        out = out.join(to_polars(concentration, "concentration").select("year", "hhi_reported", "hhi_mirror"), on="year", how="left")
    return out.sort(["partner", "year"])


def product_concentration(products: Any, by: Sequence[str] = ("reporter", "partner", "year", "flow"),
                          product: str = "cmd_code", value: str = "value_usd") -> pl.DataFrame:
    """Concentration of a flow across products (e.g. HS chapters from UN Comtrade): HHI Σ s_p² over
    products, the effective number of products 1/H and the top product with its share (Hirschman
    1945; the export-concentration measure of UNCTAD uses the same shares)."""
    f = to_polars(products, "products")
    require_columns(f, [*by, product, value], "product_concentration")
    return partner_concentration(f, value, by=by, partner=product).rename(
        {"n_partners": "n_products", "effective_partners": "effective_products", "top_partner": "top_product"})
