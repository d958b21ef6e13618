"""Hand-compiled facts for one middle power and its partners, as the analysis layers read them.

The report, the claims and the dashboard get the reported-trade figures and the timeline through
these functions (never from the store's tables directly), already oriented from the middle
power's side.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from multivector.errors import StoreError

REPORTED_TRADE_SCHEMA = {
    "year": pl.Int32, "period": pl.String, "flow": pl.String, "power": pl.String, "country": pl.String,
    "partner": pl.String, "reporter": pl.String, "value_usd_bn": pl.Float64, "share_pct": pl.Float64,
    "note": pl.String, "source_url": pl.String,
}
TIMELINE_SCHEMA = {
    "date": pl.String, "year": pl.Int32, "month": pl.Int8, "day": pl.Int8, "event_type": pl.String, "title": pl.String,
    "parties": pl.String, "row": pl.String, "source_url": pl.String,
}


def _store(store):
    if store is None:
        from multivector.store import default_store

        return default_store()
    return store


def reported_trade(country: str, partners: Sequence[str], store=None) -> pl.DataFrame | None:
    """Trade figures between ``country`` and each of ``partners`` as stated by a named reporter,
    from the middle power's side: a row stated from the power's side (its exports) becomes the
    middle power's imports, and ``power`` names the partner. ``None`` when the facts table is not
    loaded."""
    try:
        rt = _store(store).table("reported_trade")
    except StoreError:
        return None
    sel = rt.filter(
        ((pl.col("country") == country) & pl.col("partner").is_in(list(partners)))
        | (pl.col("country").is_in(list(partners)) & (pl.col("partner") == country))
    ).filter(pl.col("flow").is_in(["turnover", "exports", "imports"]))
    flipped = pl.col("country") != country
    sel = sel.with_columns(
        pl.when(flipped).then(pl.col("country")).otherwise(pl.col("partner")).alias("power"),
        pl.when(flipped & (pl.col("flow") == "exports")).then(pl.lit("imports"))
        .when(flipped & (pl.col("flow") == "imports")).then(pl.lit("exports"))
        .otherwise(pl.col("flow")).alias("flow"),
    )
    return sel.select(list(REPORTED_TRADE_SCHEMA)).sort(["power", "flow", "year", "period", "reporter"], nulls_last=True)


def timeline(country: str, partners: Sequence[str], store=None) -> pl.DataFrame | None:
    """Dated summits, treaties and institutions with ``country`` as a party. ``row`` names the power
    an event belongs to (a bilateral event, or a multilateral one with exactly one of the powers).
    ``None`` when the timeline is not loaded."""
    try:
        tl = _store(store).table("timeline")
    except StoreError:
        return None
    d = tl.filter(pl.col("parties").list.contains(country)).unique(["date", "title"], maintain_order=True)
    d = d.with_columns(
        pl.col("parties").list.eval(pl.element().filter(pl.element().is_in(list(partners)))).alias("_with"),
    ).with_columns(
        pl.when(pl.col("_with").list.len() == 1).then(pl.col("_with").list.first()).otherwise(pl.lit("")).alias("row"),
        pl.col("parties").list.join(", ").alias("parties"),
    ).sort(["year", "date"])
    return d.select(list(TIMELINE_SCHEMA))


def origin(source: str, store=None) -> str | None:
    """Where the store's copy of ``source`` came from (``starter pack``, ``import``, ``fetch`` …)."""
    try:
        prov = _store(store).provenance()
    except StoreError:
        return None
    rows = prov.filter(pl.col("source") == source) if prov.height else prov
    return rows["origin"][0] if rows.height else None
