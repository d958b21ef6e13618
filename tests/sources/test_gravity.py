"""Gravity cross-section (R package gravity) and the Yotov et al. (2016) Stata panel."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from multivector.config import shared_data_dir
from multivector.errors import DataError
from multivector.sources import gravity


def _data(sub: str) -> Path:
    d = shared_data_dir()
    if d is None or not (d / sub).exists():
        pytest.skip(f"shared/data/{sub} not available")
    return d / sub


@pytest.fixture(scope="module")
def zeros_raw():
    import pyreadr

    return pyreadr.read_r(str(_data("gravity/gravity_zeros.rdata")))["gravity_zeros"]


def _write_rdata(tmp_path: Path, pdf) -> Path:
    import pyreadr

    p = tmp_path / "gravity_bad.rdata"
    pyreadr.write_rdata(str(p), pdf, df_name="gravity_zeros")
    return p


def test_cross_section_has_the_documented_year_and_kazakhstan_both_ways():
    df = gravity.read(_data("gravity/gravity_zeros.rdata"))
    t = gravity.derive(df)["gravity_cross_section"]
    assert t.height == 22588
    assert t["year"].unique().to_list() == [gravity.CROSS_SECTION_YEAR]
    assert t.filter(pl.col("iso_o") == "KAZ").height > 0 and t.filter(pl.col("iso_d") == "KAZ").height > 0
    assert t.schema["flow"] == pl.Float64 and t.schema["rta"] == pl.Int8
    assert "ROU" in t["iso_o"].to_list() and "ROM" not in t["iso_o"].to_list()  # old CEPII code mapped
    no_zeros = gravity.read(_data("gravity/gravity_no_zeros.rdata"))
    assert no_zeros.height == 17088 and (no_zeros["flow"] > 0).all()


def test_cross_section_unknown_code_names_row_and_field(tmp_path, zeros_raw):
    bad = zeros_raw.head(100).copy()
    bad.loc[bad.index[6], "iso_d"] = "QQQ"
    with pytest.raises(DataError) as e:
        gravity.read(_write_rdata(tmp_path, bad))
    assert (e.value.row, e.value.field) == (7, "iso_d")


def test_cross_section_renamed_column_is_reported(tmp_path, zeros_raw):
    bad = zeros_raw.head(50).rename(columns={"distw": "dist_w"})
    with pytest.raises(DataError) as e:
        gravity.read(_write_rdata(tmp_path, bad))
    assert e.value.field == "distw" and "dist_w" in str(e.value)


def test_cross_section_csv_errors_give_the_editor_line(tmp_path, zeros_raw):
    p = tmp_path / "gravity.csv"
    zeros_raw.head(20).to_csv(p, index=False)
    lines = p.read_text().splitlines(keepends=True)
    fields = lines[5].split(",")
    fields[6] = "n/a"  # flow on line 6
    lines[5] = ",".join(fields)
    p.write_text("".join(lines))
    with pytest.raises(DataError) as e:
        gravity.read(p)
    assert (e.value.row, e.value.field) == (6, "flow")


def test_cross_section_duplicate_pair_is_rejected(tmp_path, zeros_raw):
    import pandas as pd

    bad = pd.concat([zeros_raw.head(30), zeros_raw.iloc[[2]]], ignore_index=True)
    with pytest.raises(DataError) as e:
        gravity.read(_write_rdata(tmp_path, bad))
    assert "duplicate" in str(e.value)


def test_yotov_panel_reads_with_rta_only_in_chapter_two():
    ch2 = gravity.read(_data("yotov-gravity/Chapter2Application2.dta"))
    assert ch2.height == 99981
    assert ch2["exporter"].n_unique() == 69
    assert (ch2["year"].min(), ch2["year"].max()) == (1986, 2006)
    assert ch2["rta"].is_not_null().all() and set(ch2["rta"].unique().to_list()) <= {0, 1}
    assert list(gravity.derive(ch2)) == ["yotov_gravity"]
    ch1 = gravity.read(_data("yotov-gravity/Chapter1Application1.dta"))
    assert ch1["rta"].is_null().all()
    # intra-national flows are part of the panel
    assert ch2.filter(pl.col("exporter") == pl.col("importer")).height == 69 * 21


def test_yotov_truncated_file_is_reported(tmp_path):
    src = _data("yotov-gravity/Chapter1Application1.dta")
    p = tmp_path / "cut.dta"
    p.write_bytes(src.read_bytes()[:5000])
    with pytest.raises(DataError) as e:
        gravity.read(p)
    assert e.value.file == str(p)


# --- the published structural-gravity result ------------------------------------------------------


def _ppml_hdfe(y, x, fixed_effects, tol=1e-9, max_iter=100):
    """PPML (Santos Silva & Tenreyro 2006) with high-dimensional fixed effects, one regressor.

    IRLS on the Poisson likelihood; each step partials the fixed effects out of the working
    variable and the regressor by weighted alternating projections (Frisch–Waugh–Lovell;
    Guimarães & Portugal 2010). Returns (beta, HC0 robust s.e., s.e. clustered on the last FE).
    Test-only code: just enough to check the data against the published estimate.
    """
    import numpy as np

    groups = [np.unique(g, return_inverse=True)[1] for g in fixed_effects]

    def demean(v, w):
        v = v.copy()
        for _ in range(1000):
            old = v.copy()
            for g in groups:
                v -= (np.bincount(g, weights=w * v) / np.bincount(g, weights=w))[g]
            if np.max(np.abs(v - old)) < 1e-10 * max(1.0, np.max(np.abs(v))):
                break
        return v

    mu = (y + y.mean()) / 2
    eta, beta = np.log(mu), np.inf
    for _ in range(max_iter):
        z, w = eta + (y - mu) / mu, mu
        zt, xt = demean(z, w), demean(x, w)
        b = np.sum(w * xt * zt) / np.sum(w * xt * xt)
        eta = z - (zt - b * xt)
        mu = np.exp(eta)
        if abs(b - beta) < tol:
            break
        beta = b
    e, h = y - mu, np.sum(mu * xt * xt)
    hc0 = np.sqrt(np.sum((xt * e) ** 2)) / h
    score = np.bincount(groups[-1], weights=xt * e)
    n_cl = len(score)
    clustered = np.sqrt(np.sum(score**2) * n_cl / (n_cl - 1)) / h
    return b, hc0, clustered


@pytest.mark.slow
def test_ppml_with_three_way_fixed_effects_reproduces_yotov_et_al_rta_estimate():
    """Yotov et al. (2016), ch. 2, application 1: PPML with exporter-year, importer-year and pair
    fixed effects on 4-year intervals, intra-national flows included: RTA = 0.557, N = 28,482."""
    import numpy as np

    df = gravity.read(_data("yotov-gravity/Chapter2Application2.dta")).filter(
        pl.col("year").is_in([1986, 1990, 1994, 1998, 2002, 2006])
    )
    codes = lambda s: s.cast(pl.Categorical).to_physical().to_numpy()  # noqa: E731
    exp_year = codes(df["exporter"] + df["year"].cast(pl.String))
    imp_year = codes(df["importer"] + df["year"].cast(pl.String))
    pair = df["pair_id"].to_numpy()
    y, x = df["trade"].to_numpy(), df["rta"].to_numpy().astype(float)
    # observations in a fixed-effect group whose flows are all zero carry no information (dropped)
    keep = np.ones(len(y), bool)
    changed = True
    while changed:
        changed = False
        for g in (exp_year, imp_year, pair):
            total = np.bincount(g[keep], weights=y[keep], minlength=g.max() + 1)
            drop = keep & (total[g] == 0)
            if drop.any():
                keep &= ~drop
                changed = True
    assert keep.sum() == 28482
    beta, hc0, clustered = _ppml_hdfe(y[keep], x[keep], [exp_year[keep], imp_year[keep], pair[keep]])
    assert beta == pytest.approx(0.557, abs=5e-4)
    assert hc0 == pytest.approx(0.056, abs=5e-4)  # heteroskedasticity-robust s.e.
    assert clustered == pytest.approx(0.102, abs=1e-3)  # clustered on country pairs
