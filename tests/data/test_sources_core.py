"""Readers of the core peace-science sources, on the real files and on broken copies of them."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from multivector import sources
from multivector.errors import DataError, OfflineError
from multivector.sources import unvotes


def test_cow_states_reproduce_peacesciencer_false_dyads(shared_data):
    """The day-level spells give exactly the 60 'false dyads' peacesciencer ships."""
    import pyreadr

    from multivector.sources import cow_states

    derived = cow_states.derive(cow_states.read(shared_data / "peacesciencer/cow_states.rda"))["cow_false_dyads"]
    shipped = pl.from_pandas(pyreadr.read_r(str(shared_data / "peacesciencer/false_cow_dyads.rda"))["false_cow_dyads"])
    shipped = shipped.select(pl.col("ccode1", "ccode2", "year").cast(pl.Int32)).sort(["year", "ccode1", "ccode2"])
    assert derived.sort(["year", "ccode1", "ccode2"]).equals(shipped)


@pytest.mark.parametrize(
    "key,path,table,rows",
    [
        ("atop", "peacesciencer/atop_alliance.rda", "atop_dyad_year", None),
        ("cow_igo", "peacesciencer/cow_igo_ndy.rda", "igo_dyad_year", 917_695),
        ("cow_nmc", "peacesciencer/cow_nmc.rda", "nmc_state_year", 17_121),
        ("cow_distance", "peacesciencer/cow_mindist.rda", "mindist_dyad_year", 952_244),
        ("cow_contiguity", "peacesciencer/cow_contdir.rda", "contiguity_dyad_year", None),
        ("gdp", "isard/cw_gdppop.rda", "gdp_state_year", 16_536),
        ("idealpoints", "UNIdealPointsJulia/IdealpointestimatesAll_Apr2020.csv", "idealpoint_state_year", None),
    ],
)
def test_reader_and_derive_on_the_real_file(shared_data, key, path, table, rows):
    mod = sources.get(key)
    tables = mod.derive(mod.read(shared_data / path))
    assert set(tables) == set(mod.META.tables)
    df = tables[table]
    assert df.height > 0
    if rows is not None:
        assert df.height == rows
    if "ccode1" in df.columns:
        assert (df["ccode1"] < df["ccode2"]).all(), "dyad tables keep one row per unordered pair"
    assert mod.META.citation and mod.META.bibtex.startswith("@") and mod.META.licence


def test_kazakhstan_china_ideal_points_exist_from_1992(shared_data):
    ip = sources.get("idealpoints")
    df = ip.derive(ip.read(shared_data / "UNIdealPointsJulia/IdealpointestimatesAll_Apr2020.csv"))["idealpoint_state_year"]
    kaz = df.filter(pl.col("ccode") == 705)
    assert kaz["year"].min() == 1992


# -- UN votes -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def votes(shared_data):
    return unvotes.read(shared_data / "unvotes")


def test_unvotes_package_file_has_all_votes(votes):
    assert votes.height == 870_109
    assert set(votes["vote"].unique().to_list()) == {1, 2, 3}
    assert votes["year"].min() == 1946 and votes["year"].max() == 2019


def _reference_agreement(votes: pl.DataFrame, a: int, b: int, year: int) -> tuple[int, float]:
    """Straight from the definition, one roll call at a time."""
    va = dict(votes.filter((pl.col("ccode") == a) & (pl.col("year") == year)).select("rcid", "vote").iter_rows())
    vb = dict(votes.filter((pl.col("ccode") == b) & (pl.col("year") == year)).select("rcid", "vote").iter_rows())
    both = sorted(set(va) & set(vb))
    return len(both), float(np.mean([1 - abs(va[r] - vb[r]) / 2 for r in both]))


@pytest.mark.parametrize("a,b,year", [(2, 705, 2010), (705, 710, 2015), (2, 365, 1970), (640, 705, 1995)])
def test_agreement_matches_the_definition(votes, a, b, year):
    ag = unvotes.agreement(votes.filter(pl.col("year") == year))
    row = ag.filter((pl.col("ccode1") == min(a, b)) & (pl.col("ccode2") == max(a, b)))
    joint, agree = _reference_agreement(votes, a, b, year)
    assert row["joint_votes"][0] == joint
    assert row["agree"][0] == pytest.approx(agree, abs=1e-12)


def test_agreement_is_bounded(votes):
    ag = unvotes.agreement(votes.filter(pl.col("year").is_between(1990, 1995)))
    assert ag["agree"].min() >= 0 and ag["agree"].max() <= 1
    assert (ag["ccode1"] < ag["ccode2"]).all()


def test_voeten_raw_file_reads_with_absent_and_nonmembers_dropped(shared_data):
    raw = unvotes.read(shared_data / "unvotes/UNVotesPublished.RData")
    assert set(raw["vote"].unique().to_list()) <= {1, 2, 3}
    assert raw.height < 1_066_613  # 8 (absent) and 9 (not a member) removed


# -- bad input -------------------------------------------------------------------------------------


def _csv_of(shared_data, tmp_path, n=50):
    src = shared_data / "UNIdealPointsJulia/IdealpointestimatesAll_Apr2020.csv"
    lines = src.read_bytes().decode("latin-1").splitlines()[: n + 1]
    return lines


def test_missing_column_is_named_with_a_hint(shared_data, tmp_path):
    lines = _csv_of(shared_data, tmp_path)
    lines[0] = lines[0].replace("IdealPoint", "IdealPt")
    bad = tmp_path / "renamed.csv"
    bad.write_text("\n".join(lines))
    with pytest.raises(DataError) as err:
        sources.get("idealpoints").read(bad)
    msg = str(err.value)
    assert "renamed.csv" in msg and "'IdealPoint'" in msg and "IdealPt" in msg


def test_non_numeric_code_names_line_and_field(shared_data, tmp_path):
    lines = _csv_of(shared_data, tmp_path)
    cells = lines[5].split(",")
    cells[1] = "KAZ"  # ccode column
    lines[5] = ",".join(cells)
    bad = tmp_path / "nonnumeric.csv"
    bad.write_text("\n".join(lines))
    with pytest.raises(DataError) as err:
        sources.get("idealpoints").read(bad)
    assert err.value.row == 6 and err.value.field == "ccode"
    assert "nonnumeric.csv, line 6, field 'ccode'" in str(err.value)  # a CSV row is the line an editor shows


def test_duplicate_key_is_reported(shared_data, tmp_path):
    lines = _csv_of(shared_data, tmp_path)
    lines.append(lines[3])
    bad = tmp_path / "dup.csv"
    bad.write_text("\n".join(lines))
    with pytest.raises(DataError, match="duplicate key"):
        sources.get("idealpoints").read(bad)


def test_truncated_r_file_fails_cleanly(shared_data, tmp_path):
    data = (shared_data / "peacesciencer/atop_alliance.rda").read_bytes()
    bad = tmp_path / "atop_alliance.rda"
    bad.write_bytes(data[: len(data) // 3])
    with pytest.raises(DataError) as err:
        sources.get("atop").read(bad)
    assert "atop_alliance.rda" in str(err.value) and "truncated" in str(err.value)


def test_missing_file_says_how_to_get_it(tmp_path):
    with pytest.raises(DataError, match="data fetch atop"):
        sources.get("atop").read(tmp_path / "nope.rda")


def test_unknown_source_key_suggests():
    from multivector.errors import MultivectorError

    with pytest.raises(MultivectorError, match="Did you mean unvotes"):
        sources.get("unvote")


def test_fetch_fails_fast_when_offline(tmp_path):
    """This machine has no internet: fetch must say so at once, not hang."""
    import time

    t = time.monotonic()
    try:
        path = sources.get("atop").fetch(tmp_path)
    except OfflineError as err:
        assert "multivector data import atop" in str(err)
        assert time.monotonic() - t < 15
    else:  # a developer with internet gets the real file
        assert sources.get("atop").read(path).height > 0
