"""Engagement of a middle power with each great power, per channel, as one long table.

The channels are those of the multi-vector balance index (:data:`multivector.indices.CHANNELS`),
read from the same panel columns, so that a hypothesis test and the balance index speak about the
same numbers:

========================  ==========================================================================
channel                   engagement in a year (directed row middle power → power)
========================  ==========================================================================
``diplomatic``            UN General Assembly vote agreement ``un_agree`` (Voeten), 0–1
``security``              number of ATOP obligations (sum of the five ``atop_*`` flags), 0–5
``institutions``          shared IGO memberships ``dyadigos`` (COW IGO)
``events``                ICEWS event volume, all four quad classes (Boschee et al.)
``economy``               total trade ``trade_total`` (only when trade is loaded)
========================  ==========================================================================

Missing data stays missing: a year outside a source's coverage has no row here, never a zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl

from multivector.errors import PanelError
from multivector.indices import CHANNELS
from multivector.indices.balance import channel_expressions

ATOP_COLUMNS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")
ICEWS_COLUMNS = ("icews_verb_coop", "icews_matl_coop", "icews_verb_conf", "icews_matl_conf")

__all__ = ["CHANNELS", "panel_frame", "resolve_actors", "engagement_long", "engagement_long_all", "channel_expressions",
           "balance_table"]


def panel_frame(panel: Any) -> pl.DataFrame:
    """A dyad-year panel as a polars frame (accepts a panel object, polars or pandas)."""
    if isinstance(panel, pl.DataFrame):
        df = panel
    elif isinstance(panel, pl.LazyFrame):
        df = panel.collect()
    elif isinstance(getattr(panel, "df", None), pl.DataFrame):
        df = panel.df
    else:
        try:
            import pandas as pd

            if isinstance(panel, pd.DataFrame):
                df = pl.from_pandas(panel)
            else:
                raise TypeError
        except TypeError:
            raise PanelError(
                f"expected a dyad-year panel (mv.dyad_years(...)...) or a polars/pandas frame, got {type(panel).__name__}"
            ) from None
    missing = [c for c in ("iso3_1", "iso3_2", "year") if c not in df.columns]
    if missing:
        raise PanelError(
            f"the panel lacks the column(s) {', '.join(missing)}; pass a dyad-year panel "
            "built with mv.dyad_years(country, partners=...)"
        )
    return df


def _resolve(code: Any, present: set[str]) -> str:
    s = str(code).strip()
    if s in present:
        return s
    if s.upper() in present:
        return s.upper()
    from multivector.countries import resolve

    return resolve(code)


def resolve_actors(df: pl.DataFrame, country: Any | None, partners: Iterable[Any] | str | None) -> tuple[str, list[str]]:
    """The middle power and the great powers to analyse, checked against the panel's rows."""
    actors = set(df["iso3_1"].drop_nulls().unique().to_list())
    targets = set(df["iso3_2"].drop_nulls().unique().to_list())
    if country is None:
        if len(actors) != 1:
            raise PanelError(
                f"the panel has {len(actors)} countries on side 1 ({', '.join(sorted(actors)[:6])}…); "
                "say which one with country='KAZ'"
            )
        code = next(iter(actors))
    else:
        code = _resolve(country, actors | targets)
        if code not in actors:
            raise PanelError(
                f"{code} is not a country (side 1) of this panel; build it with mv.dyad_years('{code}', partners=[...])"
            )
    if partners is None:
        parts = sorted(df.filter(pl.col("iso3_1") == code)["iso3_2"].drop_nulls().unique().to_list())
    else:
        if isinstance(partners, str):
            partners = [p.strip() for p in partners.split(",") if p.strip()]
        parts = list(dict.fromkeys(_resolve(p, actors | targets) for p in partners))
        absent = [p for p in parts if p not in targets]
        if absent:
            raise PanelError(
                f"the panel has no rows with partner(s) {', '.join(absent)}; build it with those partners: "
                f"mv.dyad_years('{code}', partners={parts!r})"
            )
    if len(parts) < 2:
        raise PanelError(f"at least two great powers are needed; got {parts}")
    return code, parts


def engagement_long(
    panel: Any,
    country: Any | None = None,
    partners: Iterable[Any] | str | None = None,
    channels: Sequence[str] | None = None,
) -> pl.DataFrame:
    """``country, year, partner, channel, engagement`` for every channel the panel has.

    Rows with no data (outside a source's coverage, or a power the source does not cover) are
    dropped, never filled with zero.
    """
    df = panel_frame(panel)
    code, parts = resolve_actors(df, country, partners)
    rows = df.filter((pl.col("iso3_1") == code) & pl.col("iso3_2").is_in(parts))
    exprs = channel_expressions(rows.columns)
    if channels is not None:
        unknown = [c for c in channels if c not in CHANNELS]
        if unknown:
            raise PanelError(f"unknown channel(s) {unknown}; choose from {list(CHANNELS)}")
        exprs = {c: e for c, e in exprs.items() if c in channels}
    if not exprs:
        raise PanelError(
            "the panel has none of the channel columns; add them with add_un_votes(), add_alliances(), "
            "add_igos(), add_events() or add_trade()"
        )
    long = pl.concat([
        rows.select(
            pl.col("iso3_1").alias("country"), pl.col("year").cast(pl.Int32), pl.col("iso3_2").alias("partner"),
            pl.lit(name).alias("channel"), expr.alias("engagement"),
        )
        for name, expr in exprs.items()
    ])
    return long.filter(pl.col("engagement").is_not_null() & pl.col("engagement").is_not_nan()).sort(
        ["channel", "partner", "year"])


def _one_state_per_code(rows: pl.DataFrame) -> pl.DataFrame:
    """Where two COW states share an ISO3 code in a year (Germany 1990: 260 and 255), keep the one
    that continues into the next year (the successor), so each country-year is one state."""
    if "ccode1" not in rows.columns:
        return rows
    keys = rows.select("iso3_1", "ccode1", "year").unique()
    dup = keys.group_by(["iso3_1", "year"]).agg(pl.len().alias("_n")).filter(pl.col("_n") > 1)
    if dup.height == 0:
        return rows
    nxt = keys.select("iso3_1", "ccode1", (pl.col("year") - 1).alias("year"), pl.lit(True).alias("_cont"))
    keep = (keys.join(dup, on=["iso3_1", "year"], how="inner").join(nxt, on=["iso3_1", "ccode1", "year"], how="left")
            .filter(pl.col("_cont").is_null()).select("iso3_1", "ccode1", "year"))
    return rows.join(keep, on=["iso3_1", "ccode1", "year"], how="anti")


def engagement_long_all(panel: Any, partners: Iterable[Any] | str, channels: Sequence[str] | None = None) -> pl.DataFrame:
    """:func:`engagement_long` for every country on side 1 of the panel at once (vectorised)."""
    df = panel_frame(panel)
    from multivector.countries import resolve_many

    parts = resolve_many(partners) if not isinstance(partners, str) or "," in partners else resolve_many([partners])
    rows = df.filter(pl.col("iso3_2").is_in(parts) & (pl.col("iso3_1") != pl.col("iso3_2")))
    rows = _one_state_per_code(rows)
    exprs = channel_expressions(rows.columns)
    if channels is not None:
        exprs = {c: e for c, e in exprs.items() if c in channels}
    if not exprs:
        raise PanelError("the panel has none of the channel columns; add them with add_un_votes(), add_alliances(), "
                         "add_igos(), add_events() or add_trade()")
    long = pl.concat([
        rows.select(pl.col("iso3_1").alias("country"), pl.col("year").cast(pl.Int32), pl.col("iso3_2").alias("partner"),
                    pl.lit(name).alias("channel"), expr.alias("engagement"))
        for name, expr in exprs.items()
    ])
    return long.filter(pl.col("engagement").is_not_null() & pl.col("engagement").is_not_nan())


def balance_table(
    panel: Any,
    partners: Iterable[Any] | str,
    channels: Sequence[str] | None = None,
    combined: bool = True,
) -> pl.DataFrame:
    """The multi-vector balance of **every** country of a panel against ``partners``, per channel:
    :func:`multivector.indices.balance_index` with ``country=None`` (one function for one state and
    for all). Returns ``country, year, channel, balance, tilt_partner, tilt, n_partners_with_data,
    n_channels`` and the index's further columns."""
    from multivector.countries import resolve_many
    from multivector.indices import balance_index

    df = panel_frame(panel)
    parts = resolve_many(partners) if not isinstance(partners, str) or "," in partners else resolve_many([partners])
    return balance_index(df, None, parts, channels=channels, combined=combined)
