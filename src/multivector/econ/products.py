"""Product concentration of a country's trade with each partner, from both reporters, when HS
detail is loaded (UN Comtrade with product detail: ``multivector data import comtrade FILE`` of an
``AG2`` response, or ``sources.comtrade.fetch(..., products=True)``).

For each partner, year and direction: the Herfindahl–Hirschman index over HS chapters
``H = Σ_p s_p²`` (Hirschman 1945; UNCTAD's product-concentration index uses the same shares),
the effective number of products ``1/H`` and the top chapter with its share
(:func:`multivector.indices.dependence.product_concentration`). As the country reports the flow
and as the partner reports the same flow (its imports are the country's exports): the two are
kept side by side, never averaged.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from multivector.errors import MultivectorError

COLUMNS = ["country", "partner", "year", "flow", "reported_by", "n_products", "total_usd", "hhi", "hhi_normalized",
           "effective_products", "top_product", "top_share"]
NO_DETAIL = ("no HS product detail in the store for {code}: UN Comtrade data here hold totals only (cmdCode TOTAL) or "
             "none were loaded")
HOW_TO_LOAD = ("load HS chapters: `multivector data import comtrade RESPONSE.json` with a Comtrade response for cmdCode "
               "AG2, or in Python multivector.sources.comtrade.fetch(folder, reporters=..., products=True)")


class NoProductDetail(MultivectorError):
    """The store holds no trade by product for the country."""


def product_concentration(country: str, partners: Iterable[str] | None = None, years: tuple[int, int] | None = None,
                          *, store=None) -> pl.DataFrame:
    """Concentration over HS chapters of ``country``'s exports to and imports from each partner
    (``partners``: ISO3 codes, default all in the data; ``W00`` is the world), as reported by each
    side. Raises :class:`NoProductDetail` (with what to do) when no product data are loaded."""
    from multivector.indices.dependence import product_concentration as _conc
    from multivector.panel.trade import product_flows

    code = str(country).upper()
    f = product_flows(code, store)
    if f is None or f.height == 0:
        raise NoProductDetail(NO_DETAIL.format(code=code) + f"\n  What to do: {HOW_TO_LOAD}")
    own = f.filter(pl.col("reporter") == code).select(
        pl.lit(code).alias("country"), "partner", "year",
        pl.when(pl.col("flow") == "X").then(pl.lit("exports")).otherwise(pl.lit("imports")).alias("flow"),
        pl.lit(code).alias("reported_by"), "cmd_code", "value_usd")
    mirror = f.filter((pl.col("partner") == code) & (pl.col("reporter") != code)).select(
        pl.lit(code).alias("country"), pl.col("reporter").alias("partner"), "year",
        pl.when(pl.col("flow") == "X").then(pl.lit("imports")).otherwise(pl.lit("exports")).alias("flow"),
        pl.col("reporter").alias("reported_by"), "cmd_code", "value_usd")
    d = pl.concat([own, mirror]).with_columns(pl.col("year").cast(pl.Int32))
    if partners is not None:
        keep = [str(p).upper() for p in partners]
        d = d.filter(pl.col("partner").is_in(keep))
    if years is not None:
        d = d.filter(pl.col("year").is_between(int(years[0]), int(years[1])))
    if d.height == 0:
        raise NoProductDetail(f"no HS product detail for {code} with these partners and years "
                              f"(the product table holds {f.height:,} rows for {code} in "
                              f"{f['year'].min()}–{f['year'].max()})\n  What to do: widen --partners/--years or {HOW_TO_LOAD}")
    out = _conc(d, by=("country", "partner", "year", "flow", "reported_by"), product="cmd_code", value="value_usd")
    out = out.rename({"total": "total_usd"})
    return out.select([c for c in COLUMNS if c in out.columns]).sort(["partner", "year", "flow", "reported_by"])
