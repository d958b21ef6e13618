"""Dyad-year and state-year panels and their add_* verbs."""

from __future__ import annotations

import polars as pl
import pytest

import multivector as mv
from multivector.errors import PanelError, UnknownCountryError

GP = ["CHN", "RUS", "USA", "EU", "TUR"]


@pytest.fixture(scope="module")
def all_dyads():
    return mv.dyad_years(years=(1946, 2019)).add_alliances().add_igos().add_capabilities().add_distance()


@pytest.fixture(scope="module")
def kaz():
    return (
        mv.dyad_years("KAZ", partners=GP, years=(1992, 2019))
        .add_un_votes().add_alliances().add_igos().add_capabilities().add_gdp().add_events().add_distance()
    )


def test_all_directed_dyad_years_match_peacesciencer_row_count(all_dyads):
    # peacesciencer 1.2.9: create_dyadyears(subset_years = 1946:2019) gives 1,785,430 rows
    assert all_dyads.df.height == 1_785_430
    assert all_dyads.df.select(pl.col("ccode1") != pl.col("ccode2")).to_series().all()


def test_undirected_panel_has_half_the_rows():
    und = mv.dyad_years(years=(1990, 1991), directed=False).df
    dire = mv.dyad_years(years=(1990, 1991)).df
    assert und.height * 2 == dire.height
    assert (und["ccode1"] < und["ccode2"]).all()


def test_verb_values_equal_the_source_tables(all_dyads, shared_data):
    import pyreadr

    atop = pl.from_pandas(pyreadr.read_r(str(shared_data / "peacesciencer/atop_alliance.rda"))["atop_alliance"])
    atop = atop.with_columns(pl.all().cast(pl.Int32))
    usa_gbr = atop.filter((pl.col("ccode1") == 2) & (pl.col("ccode2") == 200) & pl.col("year").is_between(1946, 2018))
    mine = all_dyads.df.filter((pl.col("ccode1") == 2) & (pl.col("ccode2") == 200) & (pl.col("year") <= 2018))
    joined = mine.join(usa_gbr, on="year", suffix="_src")
    assert joined.height == usa_gbr.height
    assert (joined["atop_defense"].cast(pl.Int32) == joined["atop_defense_src"]).all()
    nmc = pl.from_pandas(pyreadr.read_r(str(shared_data / "peacesciencer/cow_nmc.rda"))["cow_nmc"])
    kaz2010 = nmc.filter((pl.col("ccode") == 705) & (pl.col("year") == 2010))["cinc"][0]
    row = all_dyads.df.filter((pl.col("ccode1") == 705) & (pl.col("year") == 2010))
    assert row["cinc1"].unique().to_list() == [pytest.approx(kaz2010)]


def test_years_outside_coverage_are_null_never_zero(kaz):
    df = kaz.df
    assert df.filter(pl.col("year") == 2019)["atop_defense"].null_count() == df.filter(pl.col("year") == 2019).height
    assert df.filter(pl.col("year") == 2015)["dyadigos"].is_null().all()
    assert df.filter(pl.col("year") == 2014)["dyadigos"].is_not_null().all()
    assert df.filter(pl.col("year") < 2002)["icews_verb_coop"].is_null().all()
    assert df.filter(pl.col("year") > 2014)["icews_verb_coop"].is_null().all()
    # inside coverage a missing alliance is a real 0
    assert df.filter((pl.col("iso3_2") == "USA") & (pl.col("year") == 2010))["atop_defense"][0] == 0


def test_coverage_report_names_the_null_years(kaz):
    cov = kaz.coverage()
    igo = cov.filter(pl.col("source") == "cow_igo").row(0, named=True)
    assert igo["panel_years_null"] == "2015-2019"
    assert cov.filter(pl.col("source") == "unvotes")["panel_years_null"][0] == "none"


def test_kazakhstan_agreement_series_with_each_power(kaz):
    df = kaz.df
    for partner in ["CHN", "RUS", "USA", "TUR", "EU"]:
        s = df.filter(pl.col("iso3_2") == partner).sort("year")
        assert s["year"].to_list() == list(range(1992, 2020))
        assert s["un_agree"].is_not_null().all()
        assert s["un_agree"].is_between(0, 1).all()
    mean = df.group_by("iso3_2").agg(pl.col("un_agree").mean()).sort("un_agree")
    # Kazakhstan votes far more often with China and Russia than with the United States
    assert mean["iso3_2"][0] == "USA"
    assert set(mean["iso3_2"][-2:].to_list()) <= {"CHN", "RUS", "TUR"}


def test_eu_partner_is_aggregated_from_members(kaz):
    eu = kaz.df.filter((pl.col("iso3_2") == "EU") & (pl.col("year") == 2010)).row(0, named=True)
    members = kaz.members.filter((pl.col("_group") == "EU") & (pl.col("year") == 2010))
    assert eu["partner_members"] == members.height == 27
    assert eu["un_joint_votes"] == members["un_joint_votes"].sum()
    w = (members["un_agree"] * members["un_joint_votes"]).sum() / members["un_joint_votes"].sum()
    assert eu["un_agree"] == pytest.approx(w)
    assert eu["atop_defense"] == members["atop_defense"].max()
    assert eu["ccode2"] is None


def test_brexit_changes_eu_membership_in_the_panel():
    p = mv.dyad_years("KAZ", partners="EU", years=(2019, 2020))
    m = p.members
    assert "GBR" in m.filter(pl.col("year") == 2019)["iso3_2"].to_list()
    assert "GBR" not in m.filter(pl.col("year") == 2020)["iso3_2"].to_list()


def test_cite_returns_bibtex_for_exactly_the_sources_used():
    p = mv.dyad_years("KAZ", partners="CHN", years=(2000, 2001)).add_alliances()
    bib = p.cite()
    assert "leedsetal2002atop" in bib and "cowstates2016" in bib and "miller2022peacesciencer" in bib
    assert "pevehouse" not in bib and "voeten" not in bib.lower()


def test_state_years_with_capabilities_and_gdp():
    s = mv.state_years(["KAZ", "CHN"], years=(2000, 2019)).add_capabilities().add_gdp().add_un_votes()
    df = s.df
    assert df.height == 40
    assert df.filter(pl.col("year") <= 2016)["cinc"].is_not_null().all()
    assert df["idealpoint"].is_not_null().all()
    with pytest.raises(PanelError, match="dyad-year"):
        from multivector.panel.add_alliances import add_alliances

        add_alliances(s)
    assert not hasattr(s, "add_alliances")  # a state panel offers only the state-year verbs


def test_group_countries_expand_to_members():
    p = mv.dyad_years("C5", partners="CHN", years=2010)
    assert sorted(p.df["iso3_1"].to_list()) == ["KAZ", "KGZ", "TJK", "TKM", "UZB"]


def test_bad_arguments_get_clear_errors():
    with pytest.raises(PanelError, match="first year"):
        mv.dyad_years("KAZ", years=(2019, 1992))
    with pytest.raises(PanelError, match="not a state-system member"):
        mv.dyad_years("KAZ", partners="CHN", years=(1950, 1960))
    with pytest.raises(UnknownCountryError, match="did you mean"):
        mv.dyad_years("Kazahstan")


def test_to_pandas_and_write(tmp_path, kaz):
    pdf = kaz.to_pandas()
    assert len(pdf) == kaz.df.height
    out = kaz.write(tmp_path / "p.parquet")
    assert pl.read_parquet(out).equals(kaz.df)
    with pytest.raises(PanelError):
        kaz.write(tmp_path / "p.xlsx")


def test_trade_without_data_says_how_to_load_it(kaz):
    if kaz.store.coverage("trade") is not None:
        pytest.skip("trade by partner is in the store (starter pack); see tests/data/test_panel_present.py")
    with pytest.raises(PanelError, match="data import trade"):
        kaz.add_trade()


def test_group_weighted_mean_is_null_not_nan_without_weights():
    """Small synthetic member rows (labelled as such): no member has joint votes in a year."""
    from multivector.panel.base import _fold_groups

    rows = pl.DataFrame({
        "iso3_1": ["KAZ", "KAZ"], "iso3_2": ["FRA", "DEU"], "ccode1": [705, 705], "ccode2": [220, 255],
        "year": [2020, 2020], "_group": ["EU", "EU"],
        "un_joint_votes": pl.Series([None, None], dtype=pl.Int32), "un_agree": pl.Series([None, None], dtype=pl.Float64),
    })
    eu = _fold_groups(rows).row(0, named=True)
    assert eu["iso3_2"] == "EU" and eu["partner_members"] == 2
    assert eu["un_agree"] is None and eu["un_joint_votes"] is None
