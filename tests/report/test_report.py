"""The country report: its numbers equal the API's, it is one offline file, any country works,
and the CLI writes it where it says."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

import multivector as mv
from multivector.report import build_report

POWERS = ["CHN", "RUS", "USA", "EU", "TUR"]


@pytest.fixture(scope="module")
def kaz():
    return build_report("KAZ")


@pytest.fixture(scope="module")
def kaz_html(kaz, tmp_path_factory) -> tuple[Path, str]:
    p = kaz.write_html(tmp_path_factory.mktemp("rep") / "kaz.html")
    return p, p.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def kaz_panel(kaz):
    return mv.dyad_years("KAZ", partners=POWERS, years=kaz.years).add_loaded()  # what the report reads


def test_the_report_runs_to_the_latest_year_any_channel_has(kaz):
    assert kaz.years == (1992, 2025)  # UN votes (session year 2025) are the newest channel in the starter pack


def test_report_balance_table_equals_the_balance_index_api(kaz, kaz_panel):
    from multivector.indices import balance_index

    from multivector.countries import region_of

    world = mv.dyad_years(None, partners=POWERS, years=kaz.years).add_loaded().df  # every state: the reference
    api = balance_index(world, "KAZ", POWERS, ci=True, peers=region_of())
    got = kaz.tables["balance"]
    assert got.columns == api.columns and got.height == api.height
    for c in got.columns:
        if got[c].dtype.is_float():  # equal up to the order of floating-point sums
            assert ((got[c] - api[c]).abs().fill_null(0) < 1e-12).all() and got[c].is_null().equals(api[c].is_null())
        else:
            assert got[c].equals(api[c]), c


def test_report_alignment_and_events_equal_the_panel(kaz, kaz_panel):
    from multivector.indices import event_tone

    df = kaz_panel.df.rename({"iso3_2": "partner"})
    a = kaz.tables["alignment"].join(df.select("year", "partner", "un_agree", "idealpoint_dist"), on=["year", "partner"],
                                     suffix="_api")
    assert a.height == kaz.tables["alignment"].height == 5 * (kaz.years[1] - kaz.years[0] + 1)
    assert a.select((pl.col("un_agree") == pl.col("un_agree_api")) | pl.col("un_agree").is_null()).to_series().all()
    tone = event_tone(kaz_panel.df).rename({"iso3_2": "partner"}).select("year", "partner", "net_coop")
    e = kaz.tables["events"].join(tone, on=["year", "partner"], suffix="_api")
    assert e.filter(pl.col("net_coop").is_not_null()).select((pl.col("net_coop") - pl.col("net_coop_api")).abs().max()).item() == 0


def test_report_claims_equal_the_claims_api(kaz):
    from polars.testing import assert_frame_equal

    from multivector.claims import bottom_line

    api = bottom_line("KAZ", focus="CHN", others=["RUS", "USA", "EU", "TUR"], dates=list(kaz.breaks))
    for claim in ("additive", "shift", "dependence"):
        assert_frame_equal(kaz.tables[f"claim_{claim}"], api.results[claim].table)
    assert [c["reading"] for c in kaz.bottom_line.claims] == [c["reading"] for c in api.claims]


def test_the_report_opens_with_the_bottom_line(kaz_html):
    _, html = kaz_html
    first = html.index('<section id="bottomline">')
    assert first < html.index('<section id="snapshot">') < html.index('<section id="claims">')
    for words in ("Are ties with CHN additive or subtractive?", "risk of dependence", "What would change it"):
        assert words in html[first:html.index('<section id="snapshot">')]


def test_every_chart_draws_the_numbers_of_its_table(kaz):
    fig = kaz.figures["balance"]
    comb = next(tr for tr in fig.data if tr.name and tr.name.startswith("Combined"))
    tbl = kaz.tables["balance"].filter((pl.col("channel") == "combined") & pl.col("balance").is_not_null()).sort("year")
    assert list(comb.x) == tbl["year"].to_list()
    assert list(comb.y) == pytest.approx(tbl["balance"].to_list())
    un = kaz.figures["un_agree"]
    chn = next(tr for tr in un.data if tr.name == "CHN")
    t = kaz.tables["alignment"].filter(pl.col("partner") == "CHN").sort("year")
    assert list(chn.y) == pytest.approx(t["un_agree"].to_list())
    shares = kaz.figures["shares"]
    assert {tr.name for tr in shares.data} == set(POWERS)


def test_partner_colours_are_the_same_in_every_chart(kaz):
    colours: dict[str, set[str]] = {}
    for key in ("un_agree", "idealpoint", "institutions", "tone", "volume", "trade", "shares"):
        for tr in kaz.figures[key].data:
            if tr.name in POWERS:
                c = tr.line.color if getattr(tr, "mode", None) and "lines" in (tr.mode or "") else tr.marker.color
                colours.setdefault(tr.name, set()).add(c)
    assert set(colours) == set(POWERS)
    assert all(len(v) == 1 for v in colours.values()), colours
    assert len({next(iter(v)) for v in colours.values()}) == len(POWERS)


def test_html_is_one_offline_file_with_plotly_embedded_once(kaz, kaz_html):
    _, html = kaz_html
    assert html.count("plotly.js v") >= 1
    assert len(re.findall(r"<script[^>]*\ssrc=", html)) == 0  # nothing loaded from elsewhere
    from multivector.report.render import plotly_js

    assert html.count(plotly_js()[:200]) == 1  # the plotly.js bundle is embedded exactly once
    rest = html.replace(plotly_js(), "")
    assert "cdn." not in rest and "fonts.googleapis" not in rest
    assert rest.count('class="plotly-graph-div"') == len(kaz.figures)


def test_html_has_every_section_and_states_coverage_gaps(kaz, kaz_html):
    _, html = kaz_html
    for sid in ("snapshot", "balance", "alignment", "security", "institutions", "events", "trade", "timeline",
                "claims", "speech", "bottomline", "coverage", "citations"):
        assert f'id="{sid}"' in html
    assert "COW IGO covers 1816–2014: no data for 2015–2025" in html
    assert "small and biased" in html  # GDELT flagged
    assert "China customs GACC" in html and "41.00" in html and "31.40" in html  # both sides of 2023 trade
    assert "@article{leedsetal2002atop" in html  # panel.cite()
    assert "https://" in html and "fact_sources" in kaz.tables


def test_trade_disagreements_are_side_by_side_not_averaged(kaz):
    d = kaz.tables["trade_disagreements"]
    row = d.filter((pl.col("power") == "CHN") & (pl.col("year") == 2023) & (pl.col("period") == "annual")).row(0, named=True)
    assert row["min_value"] == pytest.approx(31.4) and row["max_value"] == pytest.approx(41.0)
    assert row["reporter_min"] != row["reporter_max"]


def test_timeline_is_filtered_by_parties(kaz):
    tl = kaz.tables["timeline"]
    assert tl.height > 20
    assert tl["parties"].str.contains("KAZ").all()
    assert tl.filter(pl.col("row") == "CHN").height > 5


def test_report_for_uzbekistan(tmp_path):
    rep = build_report("Uzbekistan")
    assert rep.country == "UZB" and rep.partners == POWERS
    assert rep.tables["balance"]["country"].unique().to_list() == ["UZB"]
    out = rep.write_html(tmp_path / "uzb.html")
    html = out.read_text(encoding="utf-8")
    assert "Uzbekistan and the great powers" in html


def test_report_for_vietnam_with_a_custom_power_set_says_when_there_are_no_reported_figures(tmp_path):
    parts = ["CHN", "USA", "RUS", "JPN", "IND"]
    rep = build_report("VNM", partners=parts, years=(1995, 2019))
    assert rep.partners == parts and rep.focus == "CHN"
    assert set(rep.tables["engagement"]["partner"]) <= set(parts)
    assert rep.tables["trade_reported"].height == 0
    assert any("no reported trade figures" in n for n in rep.notes["trade"])
    html = rep.write_html(tmp_path / "vnm.html").read_text(encoding="utf-8")
    assert "no reported trade figures between VNM" in html
    assert "JPN" in html and "IND" in html


def test_a_power_that_is_the_country_itself_is_left_out():
    rep = build_report("TUR", years=(2000, 2010), charts=False)
    assert "TUR" not in rep.partners
    assert any("left out" in n for n in rep.notes["snapshot"])


def test_pdf_needs_chromium_and_says_so(monkeypatch, kaz, tmp_path):
    from multivector.errors import MultivectorError
    from multivector.report import pdf

    monkeypatch.setattr(pdf, "CHROMIUM", str(tmp_path / "no-such-chromium"))
    with pytest.raises(MultivectorError, match="needs Chromium"):
        kaz.write_pdf(tmp_path / "x.pdf")


# ----------------------------------------------------------------------------------- CLI

@pytest.fixture()
def runner():
    return CliRunner()


def test_cli_report_writes_the_default_file_and_prints_where(runner, tmp_path, monkeypatch):
    from multivector.cli import app

    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["report", "KAZ"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "multivector-report-KAZ.html").exists()
    assert "multivector-report-KAZ.html" in res.output.replace("\n", "")


def test_cli_report_with_partners_years_and_output(runner, tmp_path):
    from multivector.cli import app

    out = tmp_path / "vnm.html"
    res = runner.invoke(app, ["report", "VNM", "--partners", "CHN,USA,RUS,JPN,IND", "--years", "2000-2019", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "Vietnam" in out.read_text(encoding="utf-8")


def test_cli_unknown_country_is_a_clear_error(capsys):
    from multivector.cli import main

    with pytest.raises(SystemExit) as e:
        main(["report", "Narnia"])
    assert e.value.code == 2
    assert "unknown country" in capsys.readouterr().err


def test_cli_index_balance_writes_csv_and_parquet_equal_to_the_api(runner, tmp_path, kaz_panel):
    from multivector.cli import app
    from multivector.indices import balance_index

    csv = tmp_path / "b.csv"
    res = runner.invoke(app, ["index", "balance", "KAZ", "-o", str(csv)])
    assert res.exit_code == 0, res.output
    got = pl.read_csv(csv)
    from multivector.countries import region_of

    world = mv.dyad_years(None, partners=POWERS, years=(1992, 2025)).add_loaded().df
    api = balance_index(world, "KAZ", POWERS, ci=True, peers=region_of())
    assert got.height == api.height
    assert (got["balance"].fill_null(-1) - api["balance"].fill_null(-1)).abs().max() < 1e-12
    pq = tmp_path / "b.parquet"
    assert runner.invoke(app, ["index", "balance", "KAZ", "--no-ci", "-o", str(pq)]).exit_code == 0
    assert pl.read_parquet(pq).columns[:4] == ["country", "year", "channel", "balance"]


def test_cli_index_prints_a_table_without_output(runner):
    from multivector.cli import app

    res = runner.invoke(app, ["index", "balance", "KAZ", "--years", "2010-2011", "--no-ci"])
    assert res.exit_code == 0, res.output
    assert "combined" in res.output and "KAZ" in res.output
    res = runner.invoke(app, ["index", "alignment", "KAZ", "--years", "2010-2011"])
    assert res.exit_code == 0 and "CHN" in res.output
    res = runner.invoke(app, ["index", "dependence", "KAZ", "--years", "2010-2012"])
    assert res.exit_code == 0 and "Dependence risk of KAZ" in res.output and "Trade dependence of KAZ" in res.output


def test_cli_index_balance_for_every_state(runner, tmp_path):
    from multivector.cli import app

    out = tmp_path / "all.parquet"
    res = runner.invoke(app, ["index", "balance", "all", "--years", "2000-2001", "-o", str(out)])
    assert res.exit_code == 0, res.output
    df = pl.read_parquet(out)
    assert df["country"].n_unique() > 150 and set(df["year"]) == {2000, 2001}
