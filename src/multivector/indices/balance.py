"""The multi-vector balance index — **this project's own construction** (multivector), not a
published index.

A middle power is *balanced* on a channel when it is about as close to every great power as the
other states of the world are: no power is much more (or less) favoured by it than by a typical
state. The index is built in two steps.

1. **Relative position** (chance correction). For state *i*, power *k*, channel *c* and year *t*,

       p_ik = Φ((e_ik − ē_k) / sd_k)

   the normal score of *i*'s engagement with *k* among every state's engagement with *k* that year
   (ē_k and sd_k over all states with data; Φ the standard normal CDF; ``method="rank"`` gives the
   mid-rank percentile instead). It corrects for what "everyone does": the UN agenda that makes
   every state agree more with China in a session, China joining many IGOs, the US being in the
   news. For flows and counts that scale with the state's own size (``institutions``, ``events``,
   ``economy``) ``e_ik`` is first the *share* of *i*'s engagement with the powers that goes to *k*
   (relative to the state's own total); for rates and obligation counts (``diplomatic`` UN vote
   agreement, ``security`` ATOP obligations) it is the level.

2. **Balance** — Gini's mean difference of the positions across the *K* powers, normalised by its
   largest possible value:

       B = 1 − G / G_max,    G = Σ_{k<l} |p_k − p_l| / C(K, 2),    G_max = ⌊K/2⌋⌈K/2⌉ / C(K, 2)

   (Gini 1912; Yitzhaki 2003, "Gini's mean difference"). B = 1 when the state sits at the same
   percentile for every power; B = 0 when it is at the top for half of the powers and at the bottom
   for the other half. For raw amounts (the simulator's engagement) :func:`balance` with
   ``kind="amount"`` applies the same formula to shares, whose largest mean difference is 2/K.

The **tilt** names the power with the highest relative position (leaders within ``tie`` = 0.05 of
each other are joined with ``+``, so a tilt does not flip on noise) and ``tilt = p_max − mean_k p_k``.

**Combined** uses a *fixed* channel set (by default every channel the panel has): the positions
are averaged over the set for each power and :func:`balance` is applied to the averages; a year in
which any channel of the set has no data gets a null combined value (``n_channels`` says how many
channels it combines — never a one-channel value under the name "combined").

Missing data are never read as zero engagement: a power with null data on a channel is left out
(``n_partners_with_data``); a state with no engagement at all with the powers on a share channel
has no position there. ``evenness`` keeps the earlier index (normalised Shannon entropy of the raw
engagement shares, Shannon 1948 / Pielou 1966) for comparison; it does not discriminate between
states and is not the headline.

Intervals (``ci=True``) are given only where the data are a sample: ICEWS event counts (``events``),
by resampling the state's counts as Poisson draws against the fixed reference of the other states.
Alliances, IGO memberships and roll-call votes are censuses: no interval.
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
    "SAMPLE_CHANNELS",
    "SHARE_CHANNELS",
    "TIE",
    "balance",
    "tilt",
    "evenness",
    "relative_positions",
    "balance_from_positions",
    "balance_from_long",
    "balance_bootstrap_ci",
    "balance_index",
    "channel_expressions",
    "one_state_per_code",
]

ATOP_COLUMNS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")
ICEWS_COLUMNS = ("icews_verb_coop", "icews_matl_coop", "icews_verb_conf", "icews_matl_conf")

CHANNELS: dict[str, str] = {
    "diplomatic": "UN General Assembly vote agreement (un_agree; Voeten), percentile within the session",
    "security": "number of ATOP alliance obligations (sum of atop_* flags; Leeds et al. 2002), percentile",
    "institutions": "share of the state's shared IGO memberships with the powers (dyadigos; Pevehouse et al. 2020), percentile",
    "events": "share of the state's cooperative ICEWS events with the powers (verbal and material cooperation; "
              "Boschee et al.), percentile",
    "economy": "share of the state's trade with the powers (trade_total), percentile, when trade is loaded",
}
"""The channels :func:`balance_index` maps from panel columns, with what measures each."""

SHARE_CHANNELS = frozenset({"institutions", "events", "economy"})
"""Channels measured relative to the state's own total before ranking (flows and counts that grow
with the state's size)."""

COUNT_CHANNELS = frozenset({"security", "institutions", "events"})
"""Channels whose engagement is a count."""

SAMPLE_CHANNELS = frozenset({"events"})
"""Channels whose data are a sample of interactions (media-coded events): the only ones with intervals."""

TIE = 0.05
"""Powers whose relative positions are within this of the highest share the tilt (joined with ``+``)."""

_OUT_COLUMNS = ["balance", "tilt_partner", "tilt", "n_partners_with_data"]
MIN_REFERENCE = 20
"""Fewest states with data on a power needed to place a state among them (percentiles)."""


# ------------------------------------------------------------------------------------------ arrays

def _gmax(k: np.ndarray) -> np.ndarray:
    k = np.asarray(k, dtype=float)
    pairs = k * (k - 1) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.floor(k / 2) * np.ceil(k / 2) / np.where(pairs > 0, pairs, np.nan)


def _mean_difference(x: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Gini's mean difference over the non-missing entries along ``axis`` and their count."""
    x = np.moveaxis(x, axis, -1)
    ok = ~np.isnan(x)
    k = ok.sum(axis=-1)
    xs = np.sort(np.where(ok, x, np.inf), axis=-1)  # missing last
    n = x.shape[-1]
    # Σ_{k<l} |x_k − x_l| for sorted values = Σ_j (2j − m + 1) x_(j), j = 0..m−1 (m = count)
    j = np.arange(n)
    coef = 2 * j[None, :] - k.reshape(-1, 1) + 1
    vals = np.where(np.isfinite(xs), xs, 0.0).reshape(-1, n)
    coef = np.where(j[None, :] < k.reshape(-1, 1), coef, 0)
    s = (coef * vals).sum(axis=-1).reshape(k.shape)
    pairs = k * (k - 1) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        g = np.where(pairs > 0, s / np.where(pairs > 0, pairs, 1), np.nan)
    return g, k


def balance(values: Any, axis: int = -1, kind: str = "amount", among: Any = None) -> float | np.ndarray:
    """Multi-vector balance ``B = 1 − G / G_max`` of one state across *K* powers (this project's
    index; Gini's mean difference, Gini 1912 / Yitzhaki 2003, normalised by its maximum).

    ``values`` holds one value per power along ``axis`` (NaN = no data, left out):

    * ``kind="amount"`` (default): non-negative amounts (counts, flows, engagement levels), turned into
      shares ``s_k = x_k / Σ x``; ``G_max = 2/K`` (all with one power). Then ``B = 1 − Gini · K/(K − 1)``.
    * ``kind="position"``: relative positions in [0, 1] — each power's place of the state's engagement
      among all states (:func:`relative_positions`). ``G`` is the mean absolute difference over pairs of
      powers and ``G_max = ⌊K/2⌋⌈K/2⌉ / C(K, 2)`` (half the powers at 0, half at 1). This is what
      :func:`balance_index` computes for every state.
    * ``among=`` (amounts of a set of states, powers on the last axis, states on the one before —
      e.g. the simulator's year-0 engagement of every simulated middle power, shape ``(M, K)``): the
      values are first placed among the reference, ``p_k = Φ((x_k − mean_k) / sd_k)`` as in
      :func:`relative_positions`, and B is computed from the positions. With fewer than two reference
      states, or no spread on any power, there is nothing to place the values among and B falls back to
      ``kind="amount"``.

    1 = even, 0 = as uneven as possible; NaN with fewer than two powers (or zero total amount).
    Invariant to the order of the powers (and, for amounts, to scale).
    """
    x = as_float_array(values, "values")
    if x.ndim == 0:
        raise PanelError("balance needs one value per power (a vector or a matrix), got a single number")
    if among is not None:
        ref = as_float_array(among, "among")
        ref = ref.reshape(-1, ref.shape[-1]) if ref.ndim >= 2 else ref.reshape(-1, 1)
        xm = np.moveaxis(x, axis, -1)
        if ref.shape[-1] != xm.shape[-1]:
            raise PanelError(f"balance: 'among' has {ref.shape[-1]} powers, the values {xm.shape[-1]}")
        with np.errstate(invalid="ignore"):
            mu = np.nanmean(ref, axis=0) if ref.shape[0] else np.full(ref.shape[-1], np.nan)
            sd = np.nanstd(ref, axis=0, ddof=1) if ref.shape[0] >= 2 else np.full(ref.shape[-1], np.nan)
        if ref.shape[0] < 2 or not np.any(sd > 0):
            return balance(x, axis=axis, kind="amount")
        from scipy.special import ndtr

        with np.errstate(invalid="ignore", divide="ignore"):
            z = np.where(sd > 0, (xm - mu) / np.where(sd > 0, sd, 1.0), 0.0)
        pos = np.where(np.isnan(xm), np.nan, ndtr(z))
        return balance(np.moveaxis(pos, -1, axis), axis=axis, kind="position")
    if kind == "position":
        if np.any((x[~np.isnan(x)] < -1e-12) | (x[~np.isnan(x)] > 1 + 1e-12)):
            raise PanelError("balance(kind='position') needs relative positions in [0, 1] "
                             "(percentiles, see relative_positions); use kind='amount' for counts or flows")
        g, k = _mean_difference(x, axis)
        with np.errstate(invalid="ignore", divide="ignore"):
            b = np.where(k >= 2, 1.0 - g / _gmax(np.maximum(k, 2)), np.nan)
    elif kind == "amount":
        if np.any(x[~np.isnan(x)] < 0):
            raise PanelError("balance(kind='amount') needs non-negative amounts (counts, flows, engagement levels)")
        tot = np.nansum(x, axis=axis, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            s = x / np.where(tot > 0, tot, np.nan)
        g, k = _mean_difference(s, axis)
        with np.errstate(invalid="ignore", divide="ignore"):
            b = np.where(k >= 2, 1.0 - g / (2.0 / np.maximum(k, 2)), np.nan)
    else:
        raise PanelError(f"balance: kind must be 'position' or 'amount', got {kind!r}")
    return scalar_or_array(np.clip(b, 0.0, 1.0) + 0.0)


def evenness(engagement: Any, axis: int = -1) -> float | np.ndarray:
    """Normalised Shannon entropy of engagement shares ``−Σ s ln s / ln K`` (Shannon 1948; Pielou
    1966) — the project's earlier balance index, kept for comparison. It sits near 1 for almost every
    state on similarity channels (UN agreement), so it is not the headline."""
    x = as_float_array(engagement, "engagement")
    if np.any(x[~np.isnan(x)] < 0):
        raise PanelError("evenness: engagement must be non-negative")
    k = np.sum(~np.isnan(x), axis=axis)
    total = np.nansum(x, axis=axis, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = x / np.where(total > 0, total, np.nan)
        plogp = np.where(s > 0, s * np.log(np.where(s > 0, s, 1.0)), 0.0)
        h = -np.sum(plogp, axis=axis)
        e = np.where((k >= 2) & (np.squeeze(total, axis=axis) > 0), h / np.log(np.where(k >= 2, k, 2)), np.nan)
    return scalar_or_array(np.clip(e, 0.0, 1.0) + 0.0)


def tilt(values: Any, partners: Sequence[str] | None = None, tie: float = TIE,
         kind: str = "amount") -> tuple[str | None, float]:
    """Tilt of one state: ``(favoured power(s), p_max − mean_k p_k)``.

    With ``kind="position"`` the values are relative positions (percentiles); with ``kind="amount"``
    they are amounts, turned into shares. Powers within ``tie`` of the highest are joined with
    ``+`` in sorted order; ``None`` when every power is within ``tie`` of the highest (even) or
    fewer than two have data. Bounds ``0 ≤ tilt ≤ 1 − 1/K``. This project's measure.
    """
    x = as_float_array(values, "values").ravel()
    names = list(partners) if partners is not None else [str(i) for i in range(x.size)]
    if len(names) != x.size:
        raise PanelError(f"tilt: got {x.size} values but {len(names)} partner names")
    if kind == "amount":
        if np.any(x[~np.isnan(x)] < 0):
            raise PanelError("tilt(kind='amount') needs non-negative amounts")
        tot = np.nansum(x)
        if not tot > 0:
            return None, float("nan")
        x = x / tot
    ok = ~np.isnan(x)
    if ok.sum() < 2:
        return None, float("nan")
    top = float(np.nanmax(x))
    t = top - float(np.nanmean(x))
    lead = sorted(n for n, v in zip(names, x) if not np.isnan(v) and v >= top - tie - 1e-12)
    if len(lead) == int(ok.sum()):
        return None, max(t, 0.0)
    return "+".join(lead), max(t, 0.0)


# ---------------------------------------------------------------------------------- frames (polars)

def relative_positions(
    long: Any,
    *,
    country: str = "country",
    partner: str = "partner",
    value: str = "value",
    by: Sequence[str] = ("year", "channel"),
    share: bool | Sequence[str] | None = None,
    channel: str = "channel",
    method: str = "normal",
    min_reference: int = MIN_REFERENCE,
) -> pl.DataFrame:
    """Each state's relative position with each power, in [0, 1], among the ``n_k`` states with data
    on power *k* in the same ``by`` group (year, channel):

    * ``method="normal"`` (default): ``p_ik = Φ((e_ik − ē_k) / sd_k)``, the normal score of its
      engagement among all states' engagement with *k* (mean ``ē_k`` and standard deviation ``sd_k``
      over the states; Φ the standard normal CDF). It moves in proportion to behaviour, so a state
      inside a dense cluster (most of the Assembly votes alike) does not jump on small changes.
    * ``method="rank"``: ``p_ik = (r_ik − 1)/(n_k − 1)`` with ``r_ik`` the mid-rank (Hazen plotting
      position): distribution-free, but jumpy inside dense clusters.

    ``share`` says which rows are first made relative to the state's own total over the powers
    (``e_ik / Σ_j e_ij``): ``True``/``False`` for all, or a list of channel names (default
    :data:`SHARE_CHANNELS`). Groups with fewer than ``min_reference`` states get null positions; a
    power with which every state has the same value puts every state at 0.5.
    Returns the input columns plus ``position`` and ``n_reference``.
    """
    frame = to_polars(long, "long engagement frame")
    by = list(by)
    require_columns(frame, [country, partner, value, *by], "relative_positions")
    if method not in ("normal", "rank"):
        raise PanelError(f"relative_positions: method must be 'normal' or 'rank', got {method!r}")
    v = pl.col(value).cast(pl.Float64)
    d = frame.with_columns(v.alias("_x")).filter(pl.col("_x").is_not_null() & pl.col("_x").is_not_nan())
    if share is None:
        share = sorted(SHARE_CHANNELS)
    if share is True:
        is_share = pl.lit(True)
    elif share is False:
        is_share = pl.lit(False)
    else:
        is_share = pl.col(channel).is_in(list(share)) if channel in d.columns else pl.lit(False)
    own = [country, *by]
    tot = pl.col("_x").sum().over(own)
    d = d.with_columns(
        pl.when(is_share).then(pl.when(tot > 0).then(pl.col("_x") / tot).otherwise(None)).otherwise(pl.col("_x")).alias("_e"))
    d = d.filter(pl.col("_e").is_not_null())
    grp = [*by, partner]
    d = d.with_columns(pl.len().over(grp).alias("n_reference"))
    enough = pl.col("n_reference") >= max(min_reference, 2)
    if method == "rank":
        n = pl.col("n_reference").cast(pl.Float64)
        pos = (pl.col("_e").rank("average").over(grp) - 1) / (n - 1)
        d = d.with_columns(pl.when(enough).then(pos).otherwise(None).alias("position"))
    else:
        sd = pl.col("_e").std().over(grp)
        z = pl.when(sd > 0).then((pl.col("_e") - pl.col("_e").mean().over(grp)) / sd).otherwise(0.0)
        d = d.with_columns(pl.when(enough).then(z).otherwise(None).alias("_z"))
        from scipy.special import ndtr

        d = d.with_columns(pl.col("_z").map_batches(lambda s: pl.Series(ndtr(s.to_numpy()), dtype=pl.Float64),
                                                    return_dtype=pl.Float64).fill_nan(None).alias("position")).drop("_z")
    return d.drop("_x", "_e")


def balance_from_positions(
    pos: pl.DataFrame,
    by: Sequence[str] = ("country", "year", "channel"),
    partner: str = "partner",
    position: str = "position",
    tie: float = TIE,
) -> pl.DataFrame:
    """Balance and tilt for every ``by`` group from relative positions (one row per power):
    ``balance`` (:func:`balance`), ``tilt_partner``, ``tilt`` (:func:`tilt`), ``n_partners_with_data``.
    Vectorised in polars (no loop over groups)."""
    by = list(by)
    d = pos.filter(pl.col(position).is_not_null()).select([*by, pl.col(partner).cast(pl.Utf8), pl.col(position).alias("_p")])
    if d.select(pl.struct([*by, partner]).is_duplicated().any()).item():
        raise PanelError(f"balance: more than one position per ({', '.join(by)}, {partner}); aggregate first")
    k = pl.len().over(by).cast(pl.Float64)
    rank0 = (pl.col("_p").rank("ordinal").over(by) - 1).cast(pl.Float64)  # 0..K−1 in sorted order
    d = d.with_columns(k.alias("_k"), rank0.alias("_j"))
    out = d.group_by(by, maintain_order=True).agg(
        pl.len().cast(pl.Int32).alias("n_partners_with_data"),
        ((2 * pl.col("_j") - pl.col("_k") + 1) * pl.col("_p")).sum().alias("_s"),
        pl.col("_p").max().alias("_max"),
        pl.col("_p").mean().alias("_mean"),
        pl.col(partner).filter(pl.col("_p") >= pl.col("_p").max() - tie - 1e-12).sort().str.join("+").alias("_lead"),
        (pl.col("_p") >= pl.col("_p").max() - tie - 1e-12).sum().alias("_nlead"),
    )
    kk = pl.col("n_partners_with_data").cast(pl.Float64)
    pairs = kk * (kk - 1) / 2
    gmax = (kk / 2).floor() * (kk / 2).ceil() / pairs
    ok = pl.col("n_partners_with_data") >= 2
    out = out.with_columns(
        pl.when(ok).then((1 - (pl.col("_s") / pairs) / gmax).clip(0.0, 1.0)).otherwise(None).alias("balance"),
        pl.when(ok & (pl.col("_nlead") < pl.col("n_partners_with_data"))).then(pl.col("_lead")).otherwise(None).alias("tilt_partner"),
        pl.when(ok).then((pl.col("_max") - pl.col("_mean")).clip(0.0, 1.0)).otherwise(None).alias("tilt"),
    )
    return out.select([*by, *_OUT_COLUMNS])


def balance_from_long(
    df: Any,
    by: Sequence[str] = ("country", "year"),
    partner: str = "partner",
    value: str = "engagement",
    share: bool | None = None,
    ci: bool = False,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int | None = 12345,
    min_reference: int = MIN_REFERENCE,
) -> pl.DataFrame:
    """Balance and tilt for every group of a long frame ``(*by, partner, value)`` of raw engagement.

    The first column of ``by`` is the state; the others (year, channel…) define the reference:
    positions are percentiles among all states of the same group (:func:`relative_positions`), so
    the frame must hold every state, not one. ``share`` (default: by channel, see
    :data:`SHARE_CHANNELS`; ``False`` when there is no channel column) makes values relative to each
    state's own total first. With ``ci=True`` the values must be counts and
    ``balance_ci_low``/``balance_ci_high`` are added (:func:`balance_bootstrap_ci`).
    """
    frame = to_polars(df, "long engagement frame")
    by = list(by)
    require_columns(frame, [*by, partner, value], "balance_from_long")
    if len(by) < 1:
        raise PanelError("balance_from_long: 'by' must start with the state column")
    if frame.filter(pl.col(value).is_not_null()).select(pl.col(value).cast(pl.Float64).min()).item() is not None:
        if frame.select(pl.col(value).cast(pl.Float64).min()).item() < 0:
            raise PanelError(f"balance_from_long: column '{value}' has negative values; engagement must be ≥ 0")
    if frame.select(pl.struct([*by, partner]).is_duplicated().any()).item():
        raise PanelError(f"balance_from_long: more than one row per ({', '.join(by)}, {partner}); "
                         "aggregate first (one engagement value per partner and group)")
    state, rest = by[0], by[1:]
    if share is None:
        share_arg: bool | Sequence[str] = sorted(SHARE_CHANNELS) if "channel" in rest else False
    else:
        share_arg = share
    pos = relative_positions(frame, country=state, partner=partner, value=value, by=rest, share=share_arg,
                             min_reference=min_reference)
    out = balance_from_positions(pos, by=by, partner=partner)
    keys = frame.select(by).unique(maintain_order=True)
    out = keys.join(out, on=by, how="left", nulls_equal=True).with_columns(pl.col("n_partners_with_data").fill_null(0))
    if ci:
        cis = _poisson_ci(frame, by, partner, value, n_boot, level, seed, min_reference)
        out = out.join(cis, on=by, how="left")
    return out


def balance_bootstrap_ci(
    counts: Any,
    reference: Any,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int | None = 12345,
    share: bool = True,
) -> tuple[float, float]:
    """Percentile interval of :func:`balance` for one state's event counts with *K* powers.

    ``counts`` (K,) are the state's counts (NaN = no data); ``reference`` is a list of K arrays, the
    values (shares if ``share``) of every *other* state with each power. The counts are redrawn
    ``n_boot`` times as independent Poisson(x_k) (event counts as a sample of interactions), made
    shares and placed by the normal score against the reference mean and standard deviation (the
    observed values of all states, held fixed), and the balance recomputed (Efron & Tibshirani 1993,
    percentile method). Seeded. Only for sample data (:data:`SAMPLE_CHANNELS`).
    """
    from scipy.special import ndtr

    x = as_float_array(counts, "counts").ravel()
    if np.any(x[~np.isnan(x)] < 0):
        raise PanelError("balance_bootstrap_ci needs non-negative counts")
    if len(reference) != x.size:
        raise PanelError("balance_bootstrap_ci: one reference array per power is needed")
    if not 0 < level < 1:
        raise PanelError(f"level must be between 0 and 1, got {level}")
    rng = np.random.default_rng(seed)
    ok = ~np.isnan(x)
    if ok.sum() < 2 or np.nansum(x) <= 0:
        return float("nan"), float("nan")
    obs = np.where(ok, x, 0.0)
    if share:
        obs = obs / obs.sum()
    draws = rng.poisson(np.where(ok, x, 0.0), size=(n_boot, x.size)).astype(float)
    if share:
        tot = draws[:, ok].sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            draws = draws / np.where(tot > 0, tot, np.nan)
    pos = np.full_like(draws, np.nan)
    for k in np.flatnonzero(ok):
        ref = np.asarray(reference[k], dtype=float)
        ref = np.append(ref[~np.isnan(ref)], obs[k])
        if ref.size < 2:
            continue
        sd = ref.std(ddof=1)
        pos[:, k] = ndtr((draws[:, k] - ref.mean()) / sd) if sd > 0 else 0.5
    b = np.asarray(balance(pos, kind="position"), dtype=float)
    b = b[~np.isnan(b)]
    if b.size < n_boot // 2:
        return float("nan"), float("nan")
    a = (1 - level) / 2
    lo, hi = np.quantile(b, [a, 1 - a])
    return float(lo), float(hi)


def _poisson_ci(frame: pl.DataFrame, by: list[str], partner: str, value: str, n_boot: int, level: float,
                seed: int | None, min_reference: int, only: str | None = None) -> pl.DataFrame:
    """Intervals for every group of a long frame of counts (:func:`balance_bootstrap_ci`)."""
    f = frame.filter(pl.col(value).is_not_null()).with_columns(pl.col(value).cast(pl.Float64))
    x = f[value].to_numpy()
    if np.any(np.abs(x - np.round(x)) > 1e-9):
        raise PanelError("bootstrap intervals need whole counts (event data); set ci=False for scores or flows")
    state, rest = by[0], by[1:]
    tot = pl.col(value).sum().over(by)
    f = f.with_columns(pl.when(tot > 0).then(pl.col(value) / tot).otherwise(None).alias("_s"))
    refs = {k: g for k, g in f.group_by([*rest, partner])} if rest else {(p,): g for (p,), g in f.group_by([partner])}
    rows = []
    targets = f if only is None else f.filter(pl.col(state) == only)
    for gkey, g in targets.group_by(by, maintain_order=True):
        ref = []
        for p in g[partner].to_list():
            r = refs.get((*gkey[1:], p))
            arr = r.filter(pl.col(state) != gkey[0])["_s"].drop_nulls().to_numpy() if r is not None else np.array([])
            ref.append(arr if arr.size + 1 >= min_reference else np.array([]))
        if any(a.size == 0 for a in ref):
            lo = hi = float("nan")
        else:
            lo, hi = balance_bootstrap_ci(g[value].to_numpy(), ref, n_boot=n_boot, level=level, seed=seed)
        rows.append((*gkey, lo, hi))
    schema = {**{c: frame.schema[c] for c in by}, "balance_ci_low": pl.Float64, "balance_ci_high": pl.Float64}
    out = pl.DataFrame(rows, schema=schema, orient="row")
    return out.with_columns(pl.col("balance_ci_low").fill_nan(None), pl.col("balance_ci_high").fill_nan(None))


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


# ------------------------------------------------------------------------------------ panel level

def one_state_per_code(rows: pl.DataFrame) -> pl.DataFrame:
    """Where two COW states share an ISO3 code in a year (Germany 1990: 260 and 255), keep the row of
    the state that continues into the next year (the successor), so each ISO3 dyad-year is one row."""
    key = ["iso3_1", "iso3_2", "year"]
    if not {"ccode1", "ccode2"} <= set(rows.columns):
        return rows.unique(key, keep="first", maintain_order=True)
    # only ISO3 codes carried by more than one COW code can repeat: look at their rows alone
    multi = set()
    for iso, cc in (("iso3_1", "ccode1"), ("iso3_2", "ccode2")):
        m = rows.select(iso, cc).unique().group_by(iso).agg(pl.len().alias("_n")).filter(pl.col("_n") > 1)
        multi |= set(m[iso].to_list())
    if not multi:
        return rows
    sel = pl.col("iso3_1").is_in(list(multi)) | pl.col("iso3_2").is_in(list(multi))
    sub = rows.with_row_index("_i").filter(sel)
    if not sub.select(pl.struct(key).is_duplicated().any()).item():
        return rows
    pairs = sub.select("ccode1", "ccode2", (pl.col("year") - 1).alias("year"), pl.lit(True).alias("_cont")).unique()
    d = sub.join(pairs, on=["ccode1", "ccode2", "year"], how="left", nulls_equal=True)
    d = d.sort(["_cont", "_i"], descending=[True, False], nulls_last=True).unique(key, keep="first")
    drop = sub.select("_i").join(d.select("_i"), on="_i", how="anti")
    return rows.with_row_index("_i").join(drop, on="_i", how="anti").drop("_i")


def _resolve_country(code: Any, present: set[str]) -> str:
    s = str(code).strip()
    if s in present or s.upper() in present:
        return s if s in present else s.upper()
    from multivector.countries import resolve

    try:
        return resolve(code)
    except Exception:
        if s.upper() == "EU":
            return "EU"
        raise


def _region_of() -> dict[str, str]:
    """ISO3 → UN M49 sub-region (country_converter's ``UNregion``, bundled), for default peers."""
    try:
        from multivector.countries import _classifications

        c = _classifications().filter(pl.col("classification") == "UNregion")
        return dict(zip(c["iso3"].to_list(), c["value"].to_list()))
    except Exception:  # pragma: no cover - the bundled table is part of the package
        return {}


def _percentiles(out: pl.DataFrame, peers: Mapping[str, Sequence[str]] | Sequence[str] | str | None) -> pl.DataFrame:
    """``percentile_all`` and ``percentile_peers`` of each state's balance among the states of the
    same year and channel (mid-rank percentile, 0 = least balanced, 1 = most)."""
    grp = ["year", "channel"]
    ok = pl.col("balance").is_not_null()
    n = pl.col("balance").count().over(grp).cast(pl.Float64)
    out = out.with_columns(
        pl.when(ok & (n >= 2)).then((pl.col("balance").rank("average").over(grp) - 1) / (n - 1)).otherwise(None)
        .alias("percentile_all"))
    if isinstance(peers, str):
        from multivector.countries import group_members

        members = set(group_members(peers))
        peer_of = {c: "peers" for c in members}
    elif isinstance(peers, Mapping):
        peer_of = {m: g for g, ms in peers.items() for m in ms}
    elif peers is not None:
        peer_of = {m: "peers" for m in peers}
    else:
        peer_of = _region_of()
    out = out.with_columns(pl.col("country").replace_strict(peer_of, default=None, return_dtype=pl.Utf8).alias("_peer"))
    pg = ["year", "channel", "_peer"]
    npg = pl.col("balance").count().over(pg).cast(pl.Float64)
    out = out.with_columns(
        pl.when(ok & pl.col("_peer").is_not_null() & (npg >= 2))
        .then((pl.col("balance").rank("average").over(pg) - 1) / (npg - 1)).otherwise(None).alias("percentile_peers"),
        pl.when(pl.col("_peer").is_not_null()).then(npg.cast(pl.Int32)).otherwise(None).alias("n_peers"),
    ).rename({"_peer": "peer_group"})
    return out


def balance_index(
    panel_df: Any,
    country: Any | None,
    partners: Sequence[Any],
    channels: Sequence[str] | Mapping[str, str | pl.Expr] | None = None,
    *,
    combined_channels: Sequence[str] | None = None,
    peers: Mapping[str, Sequence[str]] | Sequence[str] | str | None = None,
    events: str = "cooperative",
    combined: bool = True,
    ci: bool = False,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int | None = 12345,
    tie: float = TIE,
    min_reference: int = MIN_REFERENCE,
    details: bool = False,
) -> pl.DataFrame:
    """Multi-vector balance of ``country`` (or of every state, ``country=None``) across ``partners``,
    per (year, channel), plus "combined" — **this project's own index** (see the module docstring
    for the formula: percentile positions among all states, then Gini's mean difference).

    ``panel_df`` is a directed dyad-year panel whose side 1 holds **every state** (the reference the
    percentiles are taken among): ``mv.dyad_years(None, partners=[...]).add_un_votes()...``. With
    fewer than ``min_reference`` states on side 1 the positions cannot be formed and ``balance`` is
    null (``note`` says why). Channels map panel columns (:func:`channel_expressions`; events are the
    cooperative ones by default — conflict is engagement of another kind, not a tilt towards a power —
    ``events="total"`` counts all four quad classes); ``channels``
    picks a subset by name, or maps new channel names to columns/expressions.

    ``combined_channels`` is the fixed channel set of the combined value (default: every channel
    computed); combined is null in years when any of them lacks data. ``peers`` defines the peer
    group for ``percentile_peers``: a group key ("C5"), a list of ISO3 codes, a mapping
    {group: [codes]}, or by default the state's UN M49 sub-region.

    Returns ``country, year, channel, balance, tilt_partner, tilt, n_partners_with_data, n_channels,
    evenness, percentile_all, percentile_peers`` (+ ``n_peers, peer_group, note`` with
    ``details=True``; + ``balance_ci_low``, ``balance_ci_high`` with ``ci=True``: Poisson bootstrap
    for the events channel only). ``note`` says why balance is null when the panel lacks the
    reference states.
    """
    frame = to_polars(panel_df)
    require_columns(frame, ["iso3_1", "iso3_2", "year"], "balance_index",
                    hint="pass a dyad-year panel of every state: mv.dyad_years(None, partners=[...]).add_un_votes()...df")
    if isinstance(partners, str):
        partners = [p.strip() for p in partners.split(",") if p.strip()]
    present1 = set(frame["iso3_1"].drop_nulls().unique().to_list())
    present2 = set(frame["iso3_2"].drop_nulls().unique().to_list())
    parts = list(dict.fromkeys(_resolve_country(p, present1 | present2) for p in partners))
    code = None if country is None else _resolve_country(country, present1 | present2)
    if code is not None:
        parts = [p for p in parts if p != code]
    if len(parts) < 2:
        raise PanelError(f"balance_index needs at least two distinct great powers; got {list(partners)}")
    if code is not None and code not in present1:
        raise PanelError(f"balance_index: country {code!r} is not on side 1 (iso3_1) of the panel")
    rows = one_state_per_code(frame.filter(pl.col("iso3_2").is_in(parts) & (pl.col("iso3_1") != pl.col("iso3_2"))))
    if rows.height == 0:
        raise PanelError(f"balance_index: the panel has no rows with any of {parts}; build it with those partners")
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
    names = list(chosen)
    comb_set = list(combined_channels) if combined_channels is not None else names
    bad = [c for c in comb_set if c not in names]
    if bad:
        raise PanelError(f"balance_index: combined_channels {bad} are not among the channels computed ({names})")
    long = pl.concat([
        rows.select(pl.col("iso3_1").alias("country"), pl.col("year").cast(pl.Int32), pl.col("iso3_2").alias("partner"),
                    pl.lit(name).alias("channel"), expr.alias("value"))
        for name, expr in chosen.items()
    ]).filter(pl.col("value").is_not_null() & pl.col("value").is_not_nan())
    if long.select(pl.struct("country", "year", "partner", "channel").is_duplicated().any()).item():
        raise PanelError("balance_index: the panel has more than one row per (country, year, partner); "
                         "pass a dyad-year panel with one row per directed dyad-year")
    if long.height and long["value"].min() < 0:
        raise PanelError("balance_index: engagement values must be ≥ 0")
    n_states = len(present1)
    note = None
    if n_states < min_reference:
        note = (f"balance needs every state as reference (percentiles among states); this panel has {n_states} "
                "state(s) on side 1 — build it with mv.dyad_years(None, partners=[...])")
    pos = relative_positions(long, by=("year", "channel"), share=sorted(SHARE_CHANNELS), min_reference=min_reference)
    per = balance_from_positions(pos, by=("country", "year", "channel"), tie=tie)
    per = per.with_columns(pl.when(pl.col("balance").is_not_null()).then(1).otherwise(0).cast(pl.Int32).alias("n_channels"))
    # evenness (the earlier entropy index) of raw engagement, for comparison
    ev = long.group_by(["country", "year", "channel"]).agg(pl.col("value"))
    ev_vals = [float(evenness(np.asarray(v, dtype=float))) if len(v) >= 2 else float("nan") for v in ev["value"].to_list()]
    ev = ev.select("country", "year", "channel").with_columns(pl.Series("evenness", ev_vals).fill_nan(None))
    per = per.join(ev, on=["country", "year", "channel"], how="left")
    if combined and comb_set:
        avg = (pos.filter(pl.col("channel").is_in(comb_set) & pl.col("position").is_not_null())
               .group_by(["country", "year", "partner"])
               .agg(pl.col("position").mean(), pl.col("channel").n_unique().alias("_nc")))
        have = (pos.filter(pl.col("channel").is_in(comb_set) & pl.col("position").is_not_null())
                .group_by(["country", "year"]).agg(pl.col("channel").n_unique().alias("_nch")))
        full = have.filter(pl.col("_nch") == len(comb_set)).select("country", "year")
        # a power counts in combined only when it has data on every channel of the set
        avg = avg.filter(pl.col("_nc") == len(comb_set)).join(full, on=["country", "year"], how="inner")
        comb = balance_from_positions(avg.with_columns(pl.lit("combined").alias("channel")),
                                      by=("country", "year", "channel"), tie=tie)
        comb = comb.with_columns(pl.lit(len(comb_set), pl.Int32).alias("n_channels"), pl.lit(None, pl.Float64).alias("evenness"))
        per = pl.concat([per, comb.select(per.columns)])
        names = [*names, "combined"]
    per = _percentiles(per, peers)
    if code is not None:
        per = per.filter(pl.col("country") == code)
        years = rows.filter(pl.col("iso3_1") == code).select(pl.col("year").cast(pl.Int32)).unique()
        grid = years.join(pl.DataFrame({"channel": names}), how="cross").with_columns(pl.lit(code).alias("country"))
    else:
        cy = rows.select(pl.col("iso3_1").alias("country"), pl.col("year").cast(pl.Int32)).unique()
        grid = cy.join(pl.DataFrame({"channel": names}), how="cross")
    by = ["country", "year", "channel"]
    out = grid.select(by).join(per, on=by, how="left").with_columns(
        pl.col("n_partners_with_data").fill_null(0).cast(pl.Int32),
        pl.when(pl.col("channel") == "combined").then(pl.lit(len(comb_set), pl.Int32))
        .otherwise(pl.col("n_channels").fill_null(0)).cast(pl.Int32).alias("n_channels"),
        pl.lit(note, pl.Utf8).alias("note"),
    )
    if ci:
        cnt = long.filter(pl.col("channel").is_in(list(SAMPLE_CHANNELS)))
        cis = _poisson_ci(cnt, by, "partner", "value", n_boot, level, seed, min_reference, only=code)
        out = out.join(cis, on=by, how="left")
    order = {n: i for i, n in enumerate(names)}
    out = (out.with_columns(pl.col("channel").replace_strict(order, default=len(order), return_dtype=pl.Int32).alias("_o"))
           .sort(["country", "year", "_o"]).drop("_o"))
    cols = [*by, *_OUT_COLUMNS, "n_channels", "evenness", "percentile_all", "percentile_peers"]
    cols += ["n_peers", "peer_group", "note"] if details else []
    cols += ["balance_ci_low", "balance_ci_high"] if ci else []
    return out.select(cols)
