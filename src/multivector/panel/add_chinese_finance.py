"""``add_chinese_finance()``: Chinese official development finance (AidData GCDF 3.0)."""

from __future__ import annotations

import polars as pl

from multivector.panel import _join

COLUMN = "cn_finance_commitments_usd2021"


def add_chinese_finance(panel):
    """Add ``cn_finance_commitments_usd2021``: China's official-sector development finance committed to
    a state in the year (ODA-like + OOF-like + vague official finance, constant 2021 US$; AidData GCDF
    3.0, Custer et al. 2023). Dyad-years: on rows whose other side is China (KAZ–CHN and CHN–KAZ both
    carry Kazakhstan's receipts); null elsewhere. State-years: the state's receipts. Inside 2000–2021 a
    recipient without commitments that year has 0; a state GCDF never covers (high-income states) and
    years outside 2000–2021 are null."""
    cov = _join.coverage(panel, "cn_finance")
    table = panel.store.table("cn_finance_state_year")
    recipients = table["ccode"].unique().to_list()
    inside = pl.col("year").is_between(*cov)
    if panel.kind == "state":
        frame = _join.by_state(panel, _join.frame_of(panel), "cn_finance_state_year", {"commitments_usd2021": COLUMN}, cov)
        frame = frame.with_columns(
            pl.when(inside & pl.col("ccode").is_in(recipients)).then(pl.col(COLUMN).fill_null(0)).otherwise(pl.col(COLUMN)).alias(COLUMN))
        return panel._with(frame, "cn_finance", [COLUMN], cov)
    _join.need(panel, "dyad", "add_chinese_finance")
    frame = _join.by_state(panel, _join.frame_of(panel), "cn_finance_state_year", {"commitments_usd2021": "_cn"}, cov)

    def received(side: str) -> pl.Expr:
        v = pl.col(f"_cn{side}")
        return pl.when(inside & pl.col(f"ccode{side}").is_in(recipients)).then(v.fill_null(0)).otherwise(v)

    frame = frame.with_columns(
        pl.when(pl.col("iso3_2") == "CHN").then(received("1"))
        .when(pl.col("iso3_1") == "CHN").then(received("2"))
        .otherwise(None).cast(pl.Float64).alias(COLUMN)
    ).drop("_cn1", "_cn2")
    return panel._with(frame, "cn_finance", [COLUMN], cov)
