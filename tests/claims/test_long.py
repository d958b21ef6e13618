"""The long engagement frame: user files are checked row by row; the project's panel becomes the
same frame with group partners folded by one rule per quantity."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from multivector.claims import read_long_panel, validate_long
from multivector.claims.long import FOLDING, LongPanel, group_members_mask, long_from_panel
from multivector.errors import DataError, PanelError


def _write(tmp_path, text, name="p.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_a_good_csv_is_read_with_types_and_a_default_measure(tmp_path):
    p = _write(tmp_path, "country,partner,year,channel,value\nKAZ,CHN,2010,economy,12.5\nKAZ,RUS,2010,economy,-3\n")
    lp = read_long_panel(p)
    f = lp.long()
    assert f.schema["year"] == pl.Int32 and f.schema["value"] == pl.Float64
    assert f["measure"].to_list() == ["value", "value"] and f["value"].to_list() == [12.5, -3.0]
    assert lp.source == str(p)


@pytest.mark.parametrize("text, line, field, words", [
    ("country,partner,year,value\nKAZ,CHN,2010,1\n", None, None, "missing column(s) channel"),
    ("country,partner,year,channel,value\nKAZ,CHN,2010,economy,1\nKAZ,RUS,20x0,economy,2\n", 3, "year", "not a whole year"),
    ("country,partner,year,channel,value\nKAZ,CHN,2010,economy,abc\n", 2, "value", "not a number"),
    ("country,partner,year,channel,value\nKAZ,CHN,2010,trade,1\n", 2, "channel", "unknown channel"),
    ("country,partner,year,channel,value\nKAZ,,2010,economy,1\n", 2, "partner", "empty value"),
    ("country,partner,year,channel,value\nKAZ,KAZ,2010,economy,1\n", 2, "partner", "both 'KAZ'"),
    ("country,partner,year,channel,value\nKAZ,CHN,2010,economy,1\nKAZ,CHN,2010,economy,2\n", 3, "year", "more than once"),
])
def test_bad_files_name_the_file_the_line_and_the_field(tmp_path, text, line, field, words):
    p = _write(tmp_path, text)
    with pytest.raises(DataError) as e:
        read_long_panel(p)
    msg = str(e.value)
    assert str(p) in msg and words in msg
    if line is not None:
        assert f"line {line}" in msg and f"field '{field}'" in msg


def test_parquet_errors_count_data_rows(tmp_path):
    p = tmp_path / "p.parquet"
    pl.DataFrame({"country": ["KAZ", "KAZ"], "partner": ["CHN", "RUS"], "year": [2010, 2010],
                  "channel": ["economy", "nonsense"], "value": [1.0, 2.0]}).write_parquet(p)
    with pytest.raises(DataError, match=r"row 2, field 'channel'"):
        read_long_panel(p)


def test_a_missing_file_and_an_unknown_type_are_clear_errors(tmp_path):
    with pytest.raises(DataError, match="not found"):
        read_long_panel(tmp_path / "none.csv")
    with pytest.raises(DataError, match="unsupported file type"):
        read_long_panel(_write(tmp_path, "x", "p.xlsx"))


def _members_panel():
    """SYNTHETIC rows: KAZ with China and two EU members (as states and as members of the EU
    partner), France without event data in 2011."""
    states = pl.DataFrame({
        "iso3_1": ["KAZ"] * 6, "iso3_2": ["DEU", "FRA", "DEU", "FRA", "CHN", "CHN"],
        "ccode1": [705] * 6, "ccode2": [255, 220, 255, 220, 710, 710], "year": [2010, 2010, 2011, 2011, 2010, 2011],
        "icews_verb_coop": [3, 5, 4, None, 9, 8], "icews_matl_coop": [1, 1, 0, None, 1, 2],
        "dyadigos": [50, 60, 52, 61, 30, 31],
    })

    class P:  # the two attributes long_from_panel reads from a DyadPanel
        frame = None
        members = pl.concat([
            states.with_columns(pl.lit(None, pl.Utf8).alias("_group")),
            states.filter(pl.col("iso3_2") != "CHN").with_columns(pl.lit("EU").alias("_group")),
        ])
    return P()


def test_group_partner_is_folded_by_one_rule_per_quantity_and_null_when_a_member_is_uncovered():
    lp = long_from_panel(_members_panel())
    ev = lp.cube("events", "cooperative_events")
    eu = ev.values[ev.country_index["KAZ"], ev.partner_index["EU"]]
    assert FOLDING["cooperative_events"] == "sum" and FOLDING["shared_igos"] == "mean"
    assert eu[0] == 3 + 1 + 5 + 1  # 2010: events with any member are events with the EU
    assert np.isnan(eu[1])  # 2011: France not covered — no value, never a partial sum
    ig = lp.cube("institutions", "shared_igos")
    assert ig.values[ig.country_index["KAZ"], ig.partner_index["EU"]].tolist() == [55.0, 56.5]
    assert "one rule per quantity" in lp.notes[0]


def test_the_alternative_folding_rule_changes_only_the_group():
    lp = long_from_panel(_members_panel(), fold={"cooperative_events": "mean"})
    ev = lp.cube("events", "cooperative_events")
    assert ev.values[ev.country_index["KAZ"], ev.partner_index["EU"], 0] == 5.0
    assert ev.values[ev.country_index["KAZ"], ev.partner_index["CHN"], 0] == 10.0


def test_naming_a_group_and_its_member_for_one_country_is_refused():
    lp = long_from_panel(_members_panel())
    cube = lp.cube("institutions", "shared_igos")
    with pytest.raises(PanelError, match="counted twice"):
        group_members_mask(lp, cube, ["EU"], "KAZ", explicit=["EU", "DEU"])
    mask, ever, notes = group_members_mask(lp, cube, ["EU"], "KAZ", explicit=["EU", "CHN"])
    assert ever == {"DEU", "FRA"} and notes and "dropped as separate partners" in notes[0]
    assert mask[cube.partner_index["DEU"]].all() and not mask[cube.partner_index["CHN"]].any()


def test_the_project_panel_becomes_cubes_with_a_long_view(project):
    ms = {c: project.measures(c) for c in project.channels}
    assert ms["diplomatic"] == ["agreement", "idealpoint"] and "shared_igos" in ms["institutions"]
    c = project.cube("institutions", "shared_igos")
    kaz = c.values[c.country_index["KAZ"], c.partner_index["CHN"]]
    years = c.years
    assert np.isnan(kaz[years > 2014]).all() and not np.isnan(kaz[(years >= 1993) & (years <= 2014)]).any()
    assert "EU" in c.partner_index  # the group partner is a column of its own


def test_validate_long_accepts_a_frame_built_in_python():
    lp = validate_long(pl.DataFrame({"country": ["a"], "partner": ["b"], "year": [2000], "channel": ["events"],
                                     "value": [1]}))
    assert isinstance(lp, LongPanel) and lp.long()["country"].to_list() == ["A"]
