"""Claim checks: the reporter a figure agrees with, tolerance, and 'no data' with a reason.

Reference figures here are the starter pack's reported_trade rows (real, hand-compiled with
sources) or, for the long-table interface, a small frame each test builds and labels as test data.
"""

from __future__ import annotations

import polars as pl
import pytest

from multivector.text.checks import (
    ReferenceFigure,
    check_claim,
    classify_reporter,
    long_table_figures,
    store_reference_figures,
)
from multivector.text.claims import extract
from multivector.text.gazetteer import find_english


def claim(s: str):
    (c,) = extract(s, find_english(s), "en")
    return c


@pytest.fixture(scope="module")
def figures():
    return store_reference_figures()


def test_a_china_kazakhstan_figure_matches_the_reporter_it_agrees_with(figures):
    china = check_claim(claim("In 2023 trade between Kazakhstan and China reached $41 billion."), figures)
    assert china["verdict"] == "matches" and china["statistics_of"] == "CHN"
    assert any(o["statistics_of"] == "KAZ" and o["verdict"] == "contradicted" for o in china["others"])
    kaz = check_claim(claim("In 2023 trade between Kazakhstan and China reached $31.4 billion."), figures)
    assert kaz["verdict"] == "matches" and kaz["statistics_of"] == "KAZ"
    assert any(o["statistics_of"] == "CHN" and o["verdict"] == "contradicted" for o in kaz["others"])


def test_rounding_as_written_counts_as_a_match(figures):
    c = check_claim(claim("Trade between Kazakhstan and China reached USD 44 billion in 2024."), figures)
    assert c["verdict"] == "matches"
    assert c["reference_value"] == pytest.approx(43.82e9)
    assert c["source"] == "reported_trade"


def test_close_and_contradicted(figures):
    assert check_claim(claim("Kazakhstan-China trade grew to $40 billion in 2023."), figures)["verdict"] == "close"
    assert check_claim(claim("Trade between Kazakhstan and China was $35 billion in 2023."), figures)["verdict"] == "contradicted"


@pytest.mark.parametrize("text, reason", [
    ("Turkey and Kazakhstan aim to raise trade to $10 billion by 2030.", "target"),
    ("Trade with China reached $44bn.", "no year"),
    ("Trade between Kazakhstan and China reached €26 billion in 2022.", "EUR"),
    ("Trade between Kazakhstan and China reached $20 billion in 1995.", "no figure"),
])
def test_no_data_says_why(figures, text, reason):
    c = check_claim(claim(text), figures)
    assert c["verdict"] == "no data"
    assert reason in c["reason"]


def test_the_country_context_supplies_a_missing_side(figures):
    c = claim("Trade with China reached $31.4 billion in 2023.")
    assert check_claim(c, figures)["verdict"] == "no data"
    assert check_claim(c, figures, context="KAZ")["verdict"] == "matches"


def test_a_long_trade_table_plugs_in_and_mirror_flows_match():
    # test data: one reporter's exports and imports with one partner (values invented for the test)
    table = pl.DataFrame({
        "reporter": ["CHN", "CHN", "KAZ", "KAZ"], "partner": ["KAZ", "KAZ", "CHN", "CHN"],
        "year": [2021, 2021, 2021, 2021], "flow": ["exports", "imports", "exports", "imports"],
        "value_usd": [14.0e9, 11.0e9, 9.0e9, 8.0e9],
    })
    figs = long_table_figures(table, "test_table")
    assert any(f.flow == "turnover" and f.reporter == "CHN" and f.value == 25.0e9 for f in figs)
    c = check_claim(claim("Trade between Kazakhstan and China reached $25 billion in 2021."), figs)
    assert (c["verdict"], c["reporter"], c["source"]) == ("matches", "CHN", "test_table")
    # Kazakhstan's imports from China are China's exports to Kazakhstan (by each side's statistics)
    c = check_claim(claim("Kazakhstan's imports from China were $8 billion in 2021."), figs)
    assert (c["verdict"], c["reporter"]) == ("matches", "KAZ")
    c = check_claim(claim("Kazakhstan's imports from China were $14 billion in 2021."), figs)
    assert (c["verdict"], c["reporter"]) == ("matches", "CHN")


def test_official_statistics_are_preferred_when_both_match():
    base = dict(year=2024, flow="turnover", country="KAZ", partner="CHN", unit="USD")
    figs = [ReferenceFigure(source="t", reporter="a minister", statistics_of=None, value=44.0e9, primary=False, **base),
            ReferenceFigure(source="t", reporter="customs", statistics_of="CHN", value=43.8e9, primary=True, **base)]
    c = check_claim(claim("Trade between Kazakhstan and China reached $44 billion in 2024."), figs)
    assert c["reporter"] == "customs"


def test_reporter_classification():
    assert classify_reporter("China customs GACC (via Kazinform)") == ("CHN", True)
    assert classify_reporter("KAZ stats bureau") == ("KAZ", True)
    assert classify_reporter("KAZ govt (President Tokayev)") == (None, False)


def test_the_long_layout_accepts_millions_and_iso3_column_names():
    # test data: a DOTS-like table in US$ million (values invented for the test)
    table = pl.DataFrame({"reporter_iso3": ["KAZ"], "partner_iso3": ["CHN"], "year": [2019], "flow": ["Exports"],
                          "value_usd_mn": [8_500.0]})
    (fig,) = long_table_figures(table, "dots_like")
    assert (fig.reporter, fig.flow, fig.value) == ("KAZ", "exports", 8.5e9)
