"""Voeten's votes joined to the UN's extracts: no double counting of session 74, no jump at the seam."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from multivector.sources import unga_dgacm, unvotes

EXTRACTS = "unga-dgacm-recorded-votes-s74-s80/data_extract"


@pytest.fixture(scope="module")
def real(shared_data):
    voeten = unvotes.read(shared_data / "unvotes" / "un_votes.rda")
    recent = unga_dgacm.read(shared_data / EXTRACTS)
    return voeten, recent, unvotes.combine(voeten, recent)


def _agree(votes: pl.DataFrame) -> pl.DataFrame:
    return unvotes.agreement(votes)


def test_session_74_is_counted_once(real):
    voeten, recent, both = real
    v74 = voeten.filter(pl.col("year") == 2019)["rcid"].n_unique()
    assert v74 == 91
    assert recent.filter(pl.col("year") == 2019)["entry_id"].n_unique() == 90
    # every extract roll call of session 74 is one Voeten has: none is added
    assert both.filter(pl.col("year") == 2019)["rcid"].n_unique() == 91
    assert both.filter((pl.col("year") == 2019) & (pl.col("origin") == "un_dgacm")).height == 0
    assert both.select("rcid", "ccode").is_unique().all()


def test_the_two_sources_agree_vote_for_vote_in_the_overlap(real):
    """The seam on real data: the 90 roll calls of session 74 held by both sources give the same
    votes for every member, so every dyad's 2019 agreement is identical from either source."""
    voeten, recent, _ = real
    v = voeten.filter((pl.col("year") == 2019) & (pl.col("symbol") != "A/RES/74/267"))
    r = recent.filter((pl.col("year") == 2019) & (pl.col("vote") <= 3)).with_columns(
        pl.col("entry_id").rank("dense").cast(pl.Int32).alias("rcid"))
    joined = v.select("symbol", "ccode", "vote").join(r.select("symbol", "ccode", pl.col("vote").alias("v2")),
                                                     on=["symbol", "ccode"], how="full")
    assert joined.height == v.height == r.height
    assert (joined["vote"] == joined["v2"]).all()
    a, b = _agree(v), _agree(r)
    j = a.join(b, on=["ccode1", "ccode2", "year"], suffix="_x")
    assert j.height == a.height > 18_000
    assert np.allclose(j["agree"].to_numpy(), j["agree_x"].to_numpy())


def test_voeten_has_one_roll_call_per_resolution_next_to_the_seam(real):
    voeten, _, _ = real
    near = voeten.filter(pl.col("year").is_in([2018, 2019])).select("year", "rcid", "symbol").unique()
    assert near.group_by("year", "symbol").len()["len"].max() == 1


def test_agreement_runs_to_2025_for_kazakhstan(real):
    _, _, both = real
    a = _agree(both).filter(((pl.col("ccode1") == 705) & (pl.col("ccode2") == 710))
                            | ((pl.col("ccode1") == 2) & (pl.col("ccode2") == 705)))
    years = sorted(a.filter(pl.col("year") >= 2020)["year"].unique().to_list())
    assert years == [2020, 2021, 2022, 2023, 2024, 2025]
    assert a.filter(pl.col("year") >= 2020)["agree"].is_between(0, 1).all()


# ------------------------------------------------------ the method on synthetic data (labelled)

def _synthetic(seed: int = 3):
    """Synthetic votes for 30 states in sessions 72–76 (years 2017–2021) from one fixed process:
    each state has a latent position, each roll call a cut point; the probability of each vote is
    constant over time. 'Voeten' holds 2017–2019; the 'extracts' hold 2019–2021 with the same
    2019 roll calls (same symbols, same votes) — the overlap of session 74."""
    rng = np.random.default_rng(seed)
    states = np.arange(2, 32, dtype=np.int32)
    pos = rng.normal(size=states.size)
    rows_v, rows_r = [], []
    for year in range(2017, 2022):
        for k in range(40):
            cut = rng.normal()
            v = np.where(pos > cut + 0.5, 1, np.where(pos < cut - 0.5, 3, 2)).astype(np.int8)
            flip = rng.random(states.size) < 0.1
            v[flip] = rng.integers(1, 4, flip.sum())
            sym = f"A/RES/{year - 1945}/{k + 1}"
            for c, x in zip(states, v):
                if year <= 2019:
                    rows_v.append((year * 100 + k, year, int(c), int(x), sym))
                if year >= 2019:
                    rows_r.append((f"{year - 1945}:{k + 1}", sym, year, int(c), int(x)))
    voeten = pl.DataFrame(rows_v, schema={"rcid": pl.Int32, "year": pl.Int32, "ccode": pl.Int32, "vote": pl.Int8,
                                          "symbol": pl.String}, orient="row").with_columns(
        pl.lit(False).alias("important"), *[pl.lit(False).alias(c) for c in unvotes.ISSUES])
    recent = pl.DataFrame(rows_r, schema={"entry_id": pl.String, "symbol": pl.String, "year": pl.Int32, "ccode": pl.Int32,
                                          "vote": pl.Int8}, orient="row").with_columns(
        pl.date(pl.col("year"), 12, 1).alias("date"))
    return voeten, recent


def test_combining_counts_each_roll_call_once_and_makes_no_jump():
    voeten, recent = _synthetic()
    both = unvotes.combine(voeten, recent)
    per_year = both.group_by("year").agg(pl.col("rcid").n_unique()).sort("year")
    assert per_year["rcid"].to_list() == [40, 40, 40, 40, 40]  # 2019 once, not 80
    a = _agree(both)
    mean = a.group_by("year").agg(pl.col("agree").mean()).sort("year")["agree"].to_numpy()
    # the process is constant: the year-to-year change across the seam (2019 → 2020) is no larger
    # than the changes within each source
    steps = np.abs(np.diff(mean))
    assert steps[2] <= 1.5 * max(steps[0], steps[1], steps[3]) + 0.02
    # the overlap year is computed exactly as from either source alone
    only_v = _agree(voeten.filter(pl.col("year") == 2019))
    j = only_v.join(a.filter(pl.col("year") == 2019), on=["ccode1", "ccode2", "year"], suffix="_c")
    assert np.allclose(j["agree"].to_numpy(), j["agree_c"].to_numpy())
    assert (j["joint_votes_c"] == 40).all()


def test_naive_concatenation_would_double_count_and_the_test_would_see_it():
    voeten, recent = _synthetic()
    naive = pl.concat([voeten.select("rcid", "year", "ccode", "vote"),
                       recent.with_columns(pl.col("entry_id").rank("dense").cast(pl.Int32) + 10_000_000)
                       .select(pl.col("entry_id").alias("rcid"), "year", "ccode", "vote")])
    assert _agree(naive).filter(pl.col("year") == 2019)["joint_votes"].max() == 80


def test_without_symbols_voeten_years_are_never_topped_up():
    voeten, recent = _synthetic()
    both = unvotes.combine(voeten.drop("symbol"), recent)
    assert both.filter(pl.col("year") == 2019)["rcid"].n_unique() == 40


# --- chance-corrected agreement (Häge 2011) to 2025 -----------------------------------------------

@pytest.mark.parametrize(("a", "b", "year"), [(705, 710, 1995), (705, 2, 2019), (705, 365, 2022), (705, 710, 2025),
                                              (2, 365, 2025), (640, 705, 2024)])
def test_the_panels_kappa_and_pi_equal_hages_formula_on_the_raw_votes(real, a, b, year):
    """Computed independently: the two states' vote vectors on their joint roll calls, then
    :func:`cohens_kappa` / :func:`scotts_pi` on them; the panel reads the store's margins."""
    import multivector as mv
    from multivector.countries import from_ccode
    from multivector.indices import cohens_kappa, scotts_pi

    _, _, both = real
    y = both.filter(pl.col("year") == year)
    va = y.filter(pl.col("ccode") == a).select("rcid", pl.col("vote").alias("va"))
    vb = y.filter(pl.col("ccode") == b).select("rcid", pl.col("vote").alias("vb"))
    joint = va.join(vb, on="rcid").filter(pl.col("va").is_in([1, 2, 3]) & pl.col("vb").is_in([1, 2, 3]))
    assert joint.height >= 20
    kappa = cohens_kappa(joint["va"].to_numpy(), joint["vb"].to_numpy())
    pi = scotts_pi(joint["va"].to_numpy(), joint["vb"].to_numpy())
    iso_a, iso_b = from_ccode(a, year), from_ccode(b, year)
    row = mv.dyad_years(iso_a, partners=[iso_b], years=(year, year)).add_un_votes().df.row(0, named=True)
    assert row["un_joint_votes"] == joint.height
    assert row["un_kappa"] == pytest.approx(kappa, abs=1e-9)
    assert row["un_pi"] == pytest.approx(pi, abs=1e-9)


def test_kappa_and_pi_over_every_dyad_year_bounds_symmetry_and_order():
    """Every dyad-year 1946–2025: κ, π ≤ 1; the same for (a, b) and (b, a); π ≤ κ (with the
    absolute metric the pooled margins never expect more disagreement than the separate ones);
    both are 1 exactly where agreement is 1 and the sides did not always cast one same choice."""
    import multivector as mv

    p = mv.dyad_years("KAZ", partners=["CHN", "RUS", "USA", "TUR", "DEU", "IND"], years=(1992, 2025)).add_un_votes()
    q = mv.dyad_years("CHN", partners=["KAZ"], years=(1992, 2025)).add_un_votes()
    d = p.df.drop_nulls("un_kappa")
    assert d.height > 150
    assert (d["un_kappa"] <= 1 + 1e-12).all() and (d["un_pi"] <= 1 + 1e-12).all()
    assert (d["un_pi"] <= d["un_kappa"] + 1e-12).all()
    assert (d["un_kappa"] < d["un_agree"]).all()  # chance takes something away from every raw score here
    kc = d.filter(pl.col("iso3_2") == "CHN").select("year", "un_kappa", "un_pi")
    ck = q.df.drop_nulls("un_kappa").select("year", pl.col("un_kappa").alias("k2"), pl.col("un_pi").alias("p2"))
    both = kc.join(ck, on="year")
    assert both.height == kc.height and np.allclose(both["un_kappa"], both["k2"]) and np.allclose(both["un_pi"], both["p2"])
    # no jump at the seam of the two sources: 2018–2021 κ with China stays within its usual range
    seam = kc.filter(pl.col("year").is_between(2016, 2023))["un_kappa"]
    assert seam.max() - seam.min() < 0.35


def test_kappa_separates_what_raw_agreement_cannot():
    """A constructed case (labelled as such): two states that vote yes on almost everything agree
    90 % of the time by construction; κ says that is no more than chance, while a pair that shares
    the same splits reaches κ near 1."""
    rng = np.random.default_rng(3)
    n = 400
    lean = np.where(rng.random(n) < 0.9, 1, 3)
    other = np.where(rng.random(n) < 0.9, 1, 3)  # independent of the first
    votes = pl.DataFrame({
        "rcid": np.tile(np.arange(n), 3), "year": 2000,
        "ccode": np.repeat([2, 20, 200], n).astype(np.int32),
        "vote": np.concatenate([lean, other, lean]).astype(np.int8),
    })
    t = unvotes.agreement(votes)
    from multivector.panel.add_un_votes import chance_corrected

    out = t.with_columns(chance_corrected())
    indep = out.filter((pl.col("ccode1") == 2) & (pl.col("ccode2") == 20)).row(0, named=True)
    same = out.filter((pl.col("ccode1") == 2) & (pl.col("ccode2") == 200)).row(0, named=True)
    assert indep["agree"] > 0.8 and abs(indep["un_kappa"]) < 0.12 and abs(indep["un_pi"]) < 0.12
    assert same["agree"] == 1.0 and same["un_kappa"] == pytest.approx(1.0) and same["un_pi"] == pytest.approx(1.0)


def test_votes_imported_without_the_margins_give_null_kappa_and_say_how_to_fix_it(tmp_path):
    """A store holding UN votes imported by an older version (no margins): agreement still works,
    κ and π are null (never 0 or a guess), and a warning says to import the votes again."""
    import multivector as mv
    from multivector.store import Store

    store = Store(tmp_path / "multivector.duckdb")
    old = store.table("un_agreement_dyad_year").select("ccode1", "ccode2", "year", "joint_votes", "agree_pts2")
    store.import_tables(unvotes.META, {"un_agreement_dyad_year": old}, coverage=(1946, 2025))
    with pytest.warns(UserWarning, match="import them again"):
        p = mv.dyad_years("KAZ", partners=["CHN"], years=(2020, 2021), store=store).add_un_votes()
    assert p.df["un_agree"].is_not_null().all()
    assert p.df["un_kappa"].is_null().all() and p.df["un_pi"].is_null().all()
