"""The Kazakhstan panel to the present: votes to 2025 (session years), ideal points to 2024
(calendar years), trade from both sides to 2023, GDP in current US$, Chinese finance."""

from __future__ import annotations

import polars as pl
import pytest

import multivector as mv
from multivector.errors import PanelError

GP = ["CHN", "RUS", "USA", "EU", "TUR"]


@pytest.fixture(scope="module")
def kaz():
    return mv.dyad_years("KAZ", partners=GP, years=(1992, 2025)).add_un_votes().add_trade().add_gdp().add_chinese_finance()


def _row(p, partner, year):
    return p.df.filter((pl.col("iso3_2") == partner) & (pl.col("year") == year)).row(0, named=True)


def test_vote_agreement_runs_to_2025_in_session_years(kaz):
    for partner in GP:
        s = kaz.df.filter((pl.col("iso3_2") == partner) & pl.col("year").is_between(2020, 2025))
        assert s.height == 6 and s["un_agree"].is_not_null().all() and s["un_agree"].is_between(0, 1).all()
    assert kaz.coverage().filter(pl.col("source") == "unvotes")["coverage_end"][0] == 2025


def test_ideal_points_reach_2024_and_are_null_after(kaz):
    assert _row(kaz, "CHN", 2024)["idealpoint1"] == pytest.approx(-0.506, abs=5e-4)  # Kazakhstan, idealpointfp
    assert _row(kaz, "CHN", 2024)["idealpoint2"] == pytest.approx(-0.854, abs=5e-4)
    assert _row(kaz, "CHN", 2025)["idealpoint_dist"] is None


def test_the_legacy_series_is_there_for_comparison():
    p = mv.dyad_years("KAZ", partners=["CHN"], years=(2021, 2021)).add_un_votes(idealpoint="legacy")
    assert p.df["idealpoint1"][0] == pytest.approx(-0.5095, abs=1e-3)
    with pytest.raises(PanelError, match="idealpoint must be one of"):
        mv.dyad_years("KAZ", partners=["CHN"], years=(2021, 2021)).add_un_votes(idealpoint="median")


def test_trade_from_both_sides_where_each_reported(kaz):
    df = kaz.df.filter(pl.col("year").is_between(1995, 2023))
    for partner in GP:
        s = df.filter(pl.col("iso3_2") == partner)
        assert s["trade_total"].is_not_null().all(), partner  # Kazakhstan reported every year 1995–2023
    # the partners' own reports reach 2020 (DOTS); after that only where a national table exists
    chn = df.filter(pl.col("iso3_2") == "CHN")
    assert chn.filter(pl.col("year") <= 2020)["mirror_total"].is_not_null().all()
    assert chn.filter(pl.col("year") >= 2021)["mirror_total"].is_null().all()


def test_mirror_columns_are_the_partners_report_in_kazakhstans_direction(kaz):
    from multivector.store import default_store

    t = default_store().table("trade_by_partner")
    chn = t.filter((pl.col("iso3_1") == "CHN") & (pl.col("iso3_2") == "KAZ") & (pl.col("year") == 2019)).row(0, named=True)
    kz = t.filter((pl.col("iso3_1") == "KAZ") & (pl.col("iso3_2") == "CHN") & (pl.col("year") == 2019)).row(0, named=True)
    r = _row(kaz, "CHN", 2019)
    assert r["trade_exports"] == kz["exports_usd"] and r["trade_imports"] == kz["imports_usd"]
    assert r["mirror_exports"] == chn["imports_usd"]  # China's imports from Kazakhstan
    assert r["mirror_imports"] == chn["exports_usd"]  # China's exports to Kazakhstan
    assert r["trade_gap"] == pytest.approx(r["mirror_total"] - r["trade_total"])
    assert r["trade_source"] == "kaz_bns 2020 edition" and r["mirror_source"] == "dots 2022-02"


def test_no_zero_stands_in_for_a_missing_report(kaz):
    after = kaz.df.filter(pl.col("year") >= 2024)
    for c in ("trade_exports", "trade_total", "mirror_total", "trade_gap"):
        assert after[c].is_null().all()
    assert (kaz.df["trade_total"].drop_nulls() > 0).all()


def test_the_eu_is_the_sum_of_its_members_in_the_year(kaz):
    members = kaz.members.filter((pl.col("_group") == "EU") & (pl.col("year") == 2019))
    assert members.height == 28  # the UK is still a member in 2019
    eu = _row(kaz, "EU", 2019)
    assert eu["trade_total"] == pytest.approx(members["trade_total"].sum())
    assert eu["partner_members"] == 28
    assert _row(kaz, "EU", 2021)["partner_members"] == 27


def test_gdp_in_current_dollars_for_ratios(kaz):
    r = _row(kaz, "CHN", 2019)
    assert r["gdp_usd1"] == pytest.approx(181.7e9, rel=2e-3)
    assert r["trade_total"] / r["gdp_usd1"] == pytest.approx(0.0814, abs=0.001)
    assert _row(kaz, "CHN", 2024)["gdp_usd1"] is None


def test_chinese_finance_on_the_china_rows_only(kaz):
    # 2008: US$ 12.55 bn of OOF-like loans (AidData) plus smaller ODA-like and vague flows
    assert 12.55 <= _row(kaz, "CHN", 2008)["cn_finance_commitments_usd2021"] / 1e9 < 12.55 * 1.05
    assert _row(kaz, "RUS", 2008)["cn_finance_commitments_usd2021"] is None
    assert _row(kaz, "CHN", 2022)["cn_finance_commitments_usd2021"] is None  # after GCDF 3.0's last year
    kaz_chn = kaz.df.filter((pl.col("iso3_2") == "CHN") & pl.col("year").is_between(2000, 2021))
    assert kaz_chn["cn_finance_commitments_usd2021"].sum() / 1e9 == pytest.approx(64.15, abs=0.01)


def test_chinese_finance_on_a_state_panel_is_zero_inside_coverage_for_recipients():
    sp = mv.state_years(["KAZ", "DEU"], years=(2000, 2001)).add_chinese_finance()
    kaz = sp.df.filter(pl.col("iso3") == "KAZ").sort("year")["cn_finance_commitments_usd2021"].to_list()
    assert kaz[0] > 0 and kaz[1] == 0  # Kazakhstan: a recipient, no commitment recorded in 2001
    assert sp.df.filter(pl.col("iso3") == "DEU")["cn_finance_commitments_usd2021"].is_null().all()


def test_trade_without_the_source_says_how_to_load_it(tmp_path):
    from multivector.store import Store

    store = Store(tmp_path / "s.duckdb")
    store.initialize()
    with store.connect(write=True) as con:
        con.execute("DELETE FROM _provenance WHERE source = 'trade'")
    with pytest.raises(PanelError, match="data import trade"):
        mv.dyad_years("KAZ", partners=["CHN"], years=(2019, 2019), store=store).add_trade()


def test_the_done_criterion_command(tmp_path):
    """`multivector panel KAZ --partners CHN,RUS,USA,EU,TUR --years 1992-2025` in a new process."""
    import os
    import subprocess
    import sys

    out = tmp_path / "kaz.parquet"
    r = subprocess.run([sys.executable, "-m", "multivector", "panel", "KAZ", "--partners", "CHN,RUS,USA,EU,TUR",
                        "--years", "1992-2025", "-o", str(out)], capture_output=True, text=True, env=dict(os.environ), timeout=120)
    assert r.returncode == 0, r.stderr
    df = pl.read_parquet(out)
    assert df.height == 170
    assert df.filter(pl.col("year") >= 2020)["un_agree"].is_not_null().all()
    assert df.filter(pl.col("year") == 2024)["idealpoint_dist"].is_not_null().all()
    assert df.filter(pl.col("year").is_between(1995, 2023))["trade_total"].is_not_null().all()
    assert "mirror_total" in df.columns and "cn_finance_commitments_usd2021" in df.columns
