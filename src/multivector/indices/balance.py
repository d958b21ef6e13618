"""The multi-vector balance index — **this project's own construction** (multivector), not a
published index.

For a middle power *i* and a set of great powers, the balance of its engagement on a channel in a
year is the normalised Shannon entropy of its engagement shares across the powers:

    s_k = x_ik / Σ_j x_ij,        B = −Σ_k s_k ln s_k / ln K        (0 ln 0 = 0)

with *K* the number of powers for which the channel has data that year. B = 1 when engagement is
perfectly even, 0 when all of it goes to one power. It builds on Shannon (1948) entropy and its
normalisation as evenness (Pielou 1966); the application to a state's spread across great powers,
the channels and the combination rule are ours. The *tilt* names the favoured power and how far
its share exceeds an even share: ``tilt = max_k s_k − 1/K`` (0 when even, ``1 − 1/K`` when all
engagement goes to one power).

Missing data are never read as zero engagement: a power with null data on a channel is left out
of that channel (K shrinks, reported as ``n_partners_with_data``); a year in which no power has
data on a channel gives a null balance.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import polars as pl

from multivector.errors import PanelError
from multivector.indices._common import as_float_array, require_columns, scalar_or_array, to_polars

__all__ = [
    "CHANNELS",
    "COUNT_CHANNELS",
    "balance",
    "tilt",
    "balance_bootstrap_ci",
    "balance_from_long",
    "balance_index",
]

ATOP_COLUMNS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")
ICEWS_COLUMNS = ("icews_verb_coop", "icews_matl_coop", "icews_verb_conf", "icews_matl_conf")

CHANNELS: dict[str, str] = {
    "diplomatic": "UN General Assembly vote agreement (un_agree; Voeten)",
    "security": "number of ATOP alliance obligations (sum of atop_* flags; Leeds et al. 2002)",
    "institutions": "shared IGO memberships (dyadigos; COW IGO, Pevehouse et al. 2020)",
    "events": "ICEWS event volume from the middle power to the power (Boschee et al.)",
    "economy": "total trade (trade_total; UN Comtrade), when trade is loaded",
}
"""The channels :func:`balance_index` maps from panel columns, with what measures each."""

COUNT_CHANNELS = frozenset({"security", "institutions", "events"})
"""Channels whose engagement is a count, so that multinomial bootstrap intervals apply."""

_OUT_COLUMNS = ["balance", "tilt_partner", "tilt", "n_partners_with_data"]


# ------------------------------------------------------------------------------------------ arrays

def _shares(x: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if np.any(x[~np.isnan(x)] < 0):
        raise PanelError("balance: engagement must be non-negative (counts, flows, agreement scores)")
    k = np.sum(~np.isnan(x), axis=axis)
    total = np.nansum(x, axis=axis, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = x / np.where(total > 0, total, np.nan)
    return s, k, np.squeeze(total, axis=axis)


def balance(engagement: Any, axis: int = -1) -> float | np.ndarray:
    """Multi-vector balance ``B = −Σ_k s_k ln s_k / ln K`` of engagement across *K* powers (this
    project's index; normalised Shannon entropy, Shannon 1948 / Pielou 1966).

    ``engagement`` holds one value per power along ``axis`` (counts, flows or scores; NaN =
    no data, left out). Scale invariant and invariant to the order of powers. 1 = even, 0 = all with
    one power; NaN when fewer than two powers have data or total engagement is 0.
    """
    x = as_float_array(engagement, "engagement")
    s, k, total = _shares(x, axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        plogp = np.where(s > 0, s * np.log(np.where(s > 0, s, 1.0)), 0.0)
        h = -np.sum(plogp, axis=axis)
        b = np.where((k >= 2) & (total > 0), h / np.log(np.where(k >= 2, k, 2)), np.nan)
    return scalar_or_array(np.clip(b, 0.0, 1.0) + 0.0)


def tilt(engagement: Any, partners: Sequence[str] | None = None) -> tuple[str | None, float]:
    """Tilt of one engagement vector: ``(favoured power, max_k s_k − 1/K)``.

    The favoured power is the one with the largest share; tied leaders are joined with ``+`` in
    sorted order, and it is ``None`` when engagement is perfectly even (tilt 0) or undefined.
    Bounds ``0 ≤ tilt ≤ 1 − 1/K``. This project's measure (see the module docstring).
    """
    x = as_float_array(engagement, "engagement").ravel()
    names = list(partners) if partners is not None else [str(i) for i in range(x.size)]
    if len(names) != x.size:
        raise PanelError(f"tilt: got {x.size} engagement values but {len(names)} partner names")
    s, k, total = _shares(x, 0)
    if k < 1 or not total > 0:
        return None, float("nan")
    smax = np.nanmax(s)
    t = float(smax - 1.0 / k)
    if t <= 1e-12:
        return None, 0.0
    lead = sorted(n for n, v in zip(names, s) if not np.isnan(v) and v >= smax - 1e-12)
    return "+".join(lead), t


def balance_bootstrap_ci(
    counts: Any,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int | None = 12345,
) -> tuple[float | np.ndarray, float | np.ndarray]:
    """Percentile bootstrap interval of :func:`balance` for count data, by multinomial resampling.

    Each row of ``counts`` (last axis = powers; NaN = no data) is redrawn ``n_boot`` times as
    Multinomial(N, s) with N the row total and s its shares, and the balance recomputed (Efron &
    Tibshirani 1993, percentile method). Seeded, so results repeat. Returns ``(low, high)``; NaN
    where the balance is undefined or N = 0. Caveat: entropy is biased down in small samples, so
    the interval sits below a balance of exactly 1.
    """
    x = as_float_array(counts, "counts")
    one = x.ndim == 1
    x2 = np.atleast_2d(x)
    ok = np.where(np.isnan(x2), 0.0, x2)
    if np.any(ok < 0) or np.any(np.abs(ok - np.round(ok)) > 1e-9):
        raise PanelError("balance_bootstrap_ci needs non-negative whole counts (events, alliances, IGOs)")
    if not 0 < level < 1:
        raise PanelError(f"level must be between 0 and 1, got {level}")
    lo, hi = _bootstrap_rows(x2, n_boot, level, np.random.default_rng(seed))
    if one:
        return float(lo[0]), float(hi[0])
    return lo, hi


def _bootstrap_rows(x: np.ndarray, n_boot: int, level: float, rng: np.random.Generator,
                    chunk: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    missing = np.isnan(x)
    c = np.where(missing, 0.0, x)
    n = c.sum(axis=1)
    k = (~missing).sum(axis=1)
    lo = np.full(x.shape[0], np.nan)
    hi = np.full(x.shape[0], np.nan)
    valid = np.flatnonzero((n > 0) & (k >= 2))
    a = (1 - level) / 2
    for start in range(0, valid.size, chunk):  # chunks bound memory (n_boot × rows × K draws)
        rows = valid[start:start + chunk]
        p = c[rows] / n[rows, None]
        nn = n[rows].astype(np.int64)
        draws = rng.multinomial(nn, p, size=(n_boot, rows.size))
        # every draw keeps its row's total N, so B = (ln N − Σ_k c_k ln c_k / N) / ln K, with c ln c
        # looked up from a table of whole counts (0 ln 0 = 0); missing powers have p = 0, hence c = 0
        top = int(nn.max())
        if top <= 5_000_000:
            xs = np.arange(top + 1, dtype=float)
            table = xs * np.log(np.where(xs > 0, xs, 1.0))
            clogc = table[draws].sum(axis=-1)
        else:
            c = draws.astype(float)
            clogc = np.sum(c * np.log(np.where(c > 0, c, 1.0)), axis=-1)
        b = (np.log(nn) - clogc / nn) / np.log(k[rows])
        b = np.clip(b, 0.0, 1.0)
        lo[rows], hi[rows] = np.quantile(b, [a, 1 - a], axis=0)
    return lo, hi


# ------------------------------------------------------------------------------------------ frames

def balance_from_long(
    df: Any,
    by: Sequence[str] = ("country", "year"),
    partner: str = "partner",
    value: str = "engagement",
    ci: bool = False,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int | None = 12345,
) -> pl.DataFrame:
    """Balance and tilt for every group at once from a long frame ``(*by, partner, value)``.

    One row per ``by`` group (e.g. every state-year): ``balance`` (:func:`balance`),
    ``tilt_partner`` and ``tilt`` (:func:`tilt`), ``n_partners_with_data``; with ``ci=True`` also
    ``balance_ci_low``/``balance_ci_high`` (:func:`balance_bootstrap_ci`; values must be counts).
    Rows with a null value are dropped before shares are formed (no data ≠ zero engagement).
    Vectorised in polars: no loop over groups or rows. This project's index (see module docstring).
    """
    frame = to_polars(df, "long engagement frame")
    by = list(by)
    require_columns(frame, [*by, partner, value], "balance_from_long")
    v = pl.col(value).cast(pl.Float64)
    d = frame.select([*by, pl.col(partner).cast(pl.Utf8), v.alias("_x")]).filter(pl.col("_x").is_not_null() & pl.col("_x").is_not_nan())
    if d.height and d["_x"].min() < 0:
        raise PanelError(f"balance_from_long: column '{value}' has negative values; engagement must be ≥ 0")
    if d.select(pl.struct([*by, partner]).is_duplicated().any()).item():
        raise PanelError(f"balance_from_long: more than one row per ({', '.join(by)}, {partner}); "
                         "aggregate first (one engagement value per partner and group)")
    tot = pl.col("_x").sum().over(by)
    d = d.with_columns((pl.col("_x") / tot).alias("_s"))
    s = pl.col("_s")
    out = d.group_by(by, maintain_order=True).agg(
        pl.len().cast(pl.Int32).alias("n_partners_with_data"),
        pl.col("_x").sum().alias("_total"),
        (-pl.when(s > 0).then(s * s.log()).otherwise(0.0)).sum().alias("_h"),
        s.max().alias("_smax"),
        pl.col(partner).filter(s >= s.max() - 1e-12).sort().str.join("+").alias("_lead"),
    )
    k = pl.col("n_partners_with_data")
    defined = (k >= 2) & (pl.col("_total") > 0)
    t = pl.col("_smax") - 1.0 / k
    out = out.with_columns(
        pl.when(defined).then((pl.col("_h") / k.cast(pl.Float64).log()).clip(0.0, 1.0) + 0.0).otherwise(None).alias("balance"),
        pl.when(defined & (t > 1e-12)).then(pl.col("_lead")).otherwise(None).alias("tilt_partner"),
        pl.when(defined).then(pl.when(t > 1e-12).then(t).otherwise(0.0)).otherwise(None).alias("tilt"),
    )
    result = out.select([*by, *_OUT_COLUMNS])
    if ci:
        result = result.with_columns(_ci_columns(d, by, partner, result, n_boot, level, seed))
    return result


def _ci_columns(d: pl.DataFrame, by: list[str], partner: str, result: pl.DataFrame,
                n_boot: int, level: float, seed: int | None) -> list[pl.Series]:
    x = d["_x"].to_numpy()
    if np.any(np.abs(x - np.round(x)) > 1e-9):
        raise PanelError("bootstrap intervals need whole counts; set ci=False for scores or flows")
    wide = d.pivot(on=partner, index=by, values="_x", aggregate_function=None)
    wide = result.select(by).join(wide, on=by, how="left", nulls_equal=True, maintain_order="left")
    mat = wide.drop(by).cast(pl.Float64).fill_null(np.nan).to_numpy()
    if mat.shape[1] == 0:
        lo = hi = np.full(result.height, np.nan)
    else:
        lo, hi = _bootstrap_rows(mat, n_boot, level, np.random.default_rng(seed))
    return [pl.Series("balance_ci_low", lo).fill_nan(None), pl.Series("balance_ci_high", hi).fill_nan(None)]


def channel_expressions(columns: Sequence[str], events: str = "total") -> dict[str, pl.Expr]:
    """Panel column expressions for each channel whose columns are present: diplomatic
    (``un_agree``), security (sum of the ATOP obligation flags), institutions (``dyadigos``),
    events (ICEWS volume; ``events="cooperative"``: cooperative events only) and economy
    (``trade_total``). A channel is null where all its columns are null (outside coverage)."""
    out: dict[str, pl.Expr] = {}
    if "un_agree" in columns:
        out["diplomatic"] = pl.col("un_agree").cast(pl.Float64)
    atop = [c for c in ATOP_COLUMNS if c in columns]
    if atop:
        anyval = pl.any_horizontal([pl.col(c).is_not_null() for c in atop])
        out["security"] = pl.when(anyval).then(pl.sum_horizontal([pl.col(c).cast(pl.Float64) for c in atop])).otherwise(None)
    if "dyadigos" in columns:
        out["institutions"] = pl.col("dyadigos").cast(pl.Float64)
    if all(c in columns for c in ICEWS_COLUMNS):
        cols = ICEWS_COLUMNS[:2] if events == "cooperative" else ICEWS_COLUMNS
        anyval = pl.any_horizontal([pl.col(c).is_not_null() for c in cols])
        out["events"] = pl.when(anyval).then(pl.sum_horizontal([pl.col(c).cast(pl.Float64) for c in cols])).otherwise(None)
    if "trade_total" in columns:
        out["economy"] = pl.col("trade_total").cast(pl.Float64)
    return out


def _resolve_country(code: Any, present: set[str]) -> str:
    s = str(code).strip()
    if s in present or s.upper() in present:
        return s if s in present else s.upper()
    try:
        from multivector.countries import resolve  # the lead's resolver (built alongside)
    except ImportError:
        return s.upper()
    try:
        return resolve(code)
    except Exception:
        if s.upper() == "EU":
            return "EU"
        raise


def balance_index(
    panel_df: Any,
    country: Any,
    partners: Sequence[Any],
    channels: Sequence[str] | Mapping[str, str | pl.Expr] | None = None,
    *,
    events: str = "total",
    combined: bool = True,
    ci: bool = False,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int | None = 12345,
) -> pl.DataFrame:
    """Multi-vector balance of ``country`` across ``partners`` per (year, channel), plus "combined".

    **This project's own index** (normalised Shannon entropy of engagement shares; see the module
    docstring for the formula, sources and missing-data rules). Channels map panel columns
    (directed rows with ``iso3_1 == country``): ``diplomatic`` = ``un_agree``; ``security`` = sum
    of ``atop_*`` flags; ``institutions`` = ``dyadigos``; ``events`` = ICEWS volume (all four quad
    classes, or ``events="cooperative"`` for cooperation only); ``economy`` = ``trade_total``.
    ``channels`` picks a subset by name, or maps new channel names to columns/expressions.

    The **combined** channel averages *relative* engagement across the channels defined that year:
    ``r_ck = s_ck · K_c`` (1 = an even share) is averaged for each power over the channels where it
    has data, ``S_k = r̄_k / Σ_j r̄_j``, and balance/tilt are computed from ``S``. When every power has
    data on every channel this is exactly the mean of the channels' share vectors.

    Returns ``country, year, channel, balance, tilt_partner, tilt, n_partners_with_data, n_channels``
    (+ ``balance_ci_low``, ``balance_ci_high`` with ``ci=True``, for count channels only — counts
    averaged over a group such as the EU are rounded for the resampling; the combined channel and
    score/flow channels get null intervals).
    """
    frame = to_polars(panel_df)
    require_columns(frame, ["iso3_1", "iso3_2", "year"], "balance_index",
                    hint="pass a dyad-year panel: mv.dyad_years(...).add_un_votes()...df")
    if isinstance(partners, str):
        partners = [p.strip() for p in partners.split(",") if p.strip()]
    present1 = set(frame["iso3_1"].drop_nulls().unique().to_list())
    present2 = set(frame["iso3_2"].drop_nulls().unique().to_list())
    parts = list(dict.fromkeys(_resolve_country(p, present1 | present2) for p in partners))
    if len(parts) < 2:
        raise PanelError(f"balance_index needs at least two distinct great powers; got {list(partners)}")
    code = _resolve_country(country, present1 | present2)
    if code in present1:
        rows = frame.filter((pl.col("iso3_1") == code) & pl.col("iso3_2").is_in(parts))
    elif code in present2:  # an undirected panel listing the country second: read the rows from its side
        rows = frame.filter((pl.col("iso3_2") == code) & pl.col("iso3_1").is_in(parts)).rename(
            {"iso3_1": "iso3_2", "iso3_2": "iso3_1"})
    else:
        raise PanelError(f"balance_index: country {code!r} is not in the panel (iso3_1/iso3_2)",)
    if rows.height == 0:
        raise PanelError(f"balance_index: the panel has no rows of {code} with any of {parts}; "
                         "build it with those partners: mv.dyad_years(countries=[...], partners=[...])")
    available = channel_expressions(rows.columns, events)
    if channels is None:
        chosen = available
        if not chosen:
            raise PanelError("balance_index: the panel has none of the channel columns "
                             f"({', '.join(CHANNELS)}); add them with add_un_votes(), add_alliances(), "
                             "add_igos(), add_events() or add_trade()")
    elif isinstance(channels, Mapping):
        chosen = {n: (pl.col(e) if isinstance(e, str) else e).cast(pl.Float64) for n, e in channels.items()}
        require_columns(rows, [e for e in channels.values() if isinstance(e, str)], "balance_index channels")
    else:
        unknown = [c for c in channels if c not in CHANNELS]
        if unknown:
            raise PanelError(f"balance_index: unknown channel(s) {unknown}; choose from {list(CHANNELS)} "
                             "or pass a mapping {name: column}")
        absent = [c for c in channels if c not in available]
        if absent:
            raise PanelError(f"balance_index: the panel lacks the columns of channel(s) {absent} "
                             f"({'; '.join(CHANNELS[c] for c in absent)}); add that data to the panel first")
        chosen = {c: available[c] for c in channels}
    long = pl.concat([
        rows.select(pl.col("iso3_1").alias("country"), pl.col("year").cast(pl.Int32), pl.col("iso3_2").alias("partner"),
                    pl.lit(name).alias("channel"), expr.alias("engagement"))
        for name, expr in chosen.items()
    ])
    long = long.filter(pl.col("engagement").is_not_null())
    if long.select(pl.struct("year", "partner", "channel").is_duplicated().any()).item():
        raise PanelError("balance_index: the panel has more than one row per (year, partner); "
                         "pass a dyad-year panel with one row per directed dyad-year")
    by = ["country", "year", "channel"]
    per = balance_from_long(long, by=by, partner="partner", value="engagement")
    if ci:
        # resampling needs whole counts: averaged counts (the EU as the mean of its members) are rounded
        cnt = long.filter(pl.col("channel").is_in(list(COUNT_CHANNELS))).with_columns(pl.col("engagement").round())
        if cnt.height:
            cis = balance_from_long(cnt, by=by, partner="partner", value="engagement", ci=True,
                                    n_boot=n_boot, level=level, seed=seed).select([*by, "balance_ci_low", "balance_ci_high"])
            per = per.join(cis, on=by, how="left")
        else:
            per = per.with_columns(pl.lit(None, pl.Float64).alias("balance_ci_low"), pl.lit(None, pl.Float64).alias("balance_ci_high"))
    per = per.with_columns(pl.when(pl.col("balance").is_not_null()).then(1).otherwise(0).cast(pl.Int32).alias("n_channels"))
    names = list(chosen)
    if combined:
        comb = _combined(long, per)
        if ci:
            comb = comb.with_columns(pl.lit(None, pl.Float64).alias("balance_ci_low"), pl.lit(None, pl.Float64).alias("balance_ci_high"))
        per = pl.concat([per, comb.select(per.columns)])
        names.append("combined")
    years = rows.select(pl.col("year").cast(pl.Int32)).unique()
    grid = years.join(pl.DataFrame({"channel": names}), how="cross").with_columns(pl.lit(code).alias("country"))
    out = grid.select(by).join(per, on=by, how="left").with_columns(
        pl.col("n_partners_with_data").fill_null(0), pl.col("n_channels").fill_null(0))
    order = {n: i for i, n in enumerate(names)}
    out = out.with_columns(pl.col("channel").replace_strict(order, return_dtype=pl.Int32).alias("_o")).sort(["year", "_o"]).drop("_o")
    cols = [*by, *_OUT_COLUMNS, "n_channels"] + (["balance_ci_low", "balance_ci_high"] if ci else [])
    return out.select(cols)


def _combined(long: pl.DataFrame, per: pl.DataFrame) -> pl.DataFrame:
    ok = per.filter(pl.col("balance").is_not_null()).select("country", "year", "channel", "n_partners_with_data")
    d = long.join(ok, on=["country", "year", "channel"], how="inner")
    d = d.with_columns(
        (pl.col("engagement") / pl.col("engagement").sum().over(["year", "channel"]) * pl.col("n_partners_with_data")).alias("_r"))
    r = d.group_by(["country", "year", "partner"]).agg(pl.col("_r").mean().alias("engagement"))
    nch = d.group_by(["country", "year"]).agg(pl.col("channel").n_unique().cast(pl.Int32).alias("n_channels"))
    comb = balance_from_long(r, by=["country", "year"], partner="partner", value="engagement")
    return comb.join(nch, on=["country", "year"], how="left").with_columns(pl.lit("combined").alias("channel"))
