"""``add_speech_stance()``: what side 1's leaders said about side 2 in the UN General Debate."""

from __future__ import annotations

import polars as pl

from multivector.panel import _join
from multivector.panel.base import null_outside

COLUMNS = ("speech_stance", "speech_mentions")


def add_speech_stance(panel, group_rule: str = "actor"):
    """Add ``speech_stance`` — the mean score of side 1's General Debate statement toward side 2 in
    [−1, 1] (positive = favourable; target-dependent sentence stance, see docs/text.md) — and
    ``speech_mentions`` (how often side 2 is named: names, adjectives, capitals as metonyms,
    leaders). By UN session year (year = session + 1945), 1946–2024 (UN General Debate Corpus;
    Jankin, Baturo & Dasandi; Baturo, Dasandi & Mikhaylov 2017).

    A year in which side 1 spoke without naming side 2 has 0 mentions and a null stance; a year
    without a speech is null (never 0). A group partner (the EU) is the group named as an actor
    ("the European Union", "Brussels", its institutions and leaders) with ``group_rule="actor"``;
    ``"members"`` pools the member states named, ``"both"`` the two.
    """
    from multivector.text.speech import speech_stance_long

    _join.need(panel, "dyad", "add_speech_stance")
    cov = _join.coverage(panel, "ungdc")
    frame = _join.frame_of(panel)
    grouped = "_group" in frame.columns
    # the partner a row speaks of: the group for member rows of a group partner, else side 2
    target = pl.coalesce("_group", "iso3_2") if grouped else pl.col("iso3_2")
    speakers = frame["iso3_1"].unique().drop_nulls().to_list()
    partners = frame.select(target.alias("t"))["t"].unique().drop_nulls().to_list()
    small = frame.height <= _join.SMALL_PANEL
    if small:  # read only these speakers' rows
        marks = ", ".join("?" * len(speakers))
        actor_year = panel.store.query(f"SELECT * FROM speech_actor_year WHERE speaker IN ({marks})", speakers)
        speeches = panel.store.query(f"SELECT speaker, year FROM speeches WHERE speaker IN ({marks})", speakers)
    else:
        actor_year, speeches = panel.store.table("speech_actor_year"), panel.store.table("speeches")
    long = speech_stance_long(actor_year, speakers if small else None, partners if small else None, panel.years,
                              speeches=speeches, group_rule=group_rule)
    long = long.select(pl.col("country").alias("_c"), pl.col("partner").alias("_p"), pl.col("year").cast(pl.Int32),
                       pl.col("speech_stance").cast(pl.Float64), pl.col("speech_mentions").cast(pl.Int32))
    frame = frame.drop([c for c in COLUMNS if c in frame.columns]).with_columns(target.alias("_p"))
    frame = frame.join(long, left_on=["iso3_1", "_p", "year"], right_on=["_c", "_p", "year"], how="left",
                       maintain_order="left").drop("_p")
    frame = null_outside(frame, COLUMNS, cov)
    return panel._with(frame, "ungdc", COLUMNS, cov)
