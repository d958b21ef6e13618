"""The multi-vector balance index (this project's construction): chance-corrected positions, Gini's
mean difference, a fixed channel set for "combined", and known-group checks on real data."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from multivector.errors import PanelError
from multivector.indices import (
    balance,
    balance_bootstrap_ci,
    balance_from_long,
    balance_index,
    evenness,
    relative_positions,
    tilt,
)

POWERS = ["CHN", "RUS", "USA", "EU", "TUR"]
positions = st.lists(st.floats(min_value=0, max_value=1, allow_nan=False), min_size=2, max_size=8)
amounts = st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=2, max_size=8).filter(
    lambda xs: sum(xs) > 1e-6)


# ------------------------------------------------------------------------------ the one formula

@settings(deadline=None)
@given(positions)
def test_balance_is_between_zero_and_one(xs):
    assert 0 <= balance(xs, kind="position") <= 1
    assert 0 <= balance(xs) <= 1 or sum(xs) == 0


@settings(deadline=None)
@given(st.integers(2, 12), st.floats(0, 1))
def test_balance_is_one_when_every_position_is_the_same(k, v):
    assert balance([v] * k, kind="position") == pytest.approx(1.0)
    assert balance([v + 1] * k) == pytest.approx(1.0)


@settings(deadline=None)
@given(st.integers(2, 12))
def test_balance_is_zero_when_half_the_powers_are_at_the_top_and_half_at_the_bottom(k):
    x = [1.0] * (k // 2) + [0.0] * (k - k // 2)
    assert balance(x, kind="position") == pytest.approx(0.0, abs=1e-12)
    one = [0.0] * k
    one[0] = 5.0
    assert balance(one) == pytest.approx(0.0, abs=1e-12)


@settings(deadline=None)
@given(positions, st.randoms())
def test_balance_does_not_depend_on_the_order_of_the_powers(xs, rnd):
    ys = xs[:]
    rnd.shuffle(ys)
    assert balance(ys, kind="position") == pytest.approx(balance(xs, kind="position"), abs=1e-12)


@settings(deadline=None)
@given(amounts, st.floats(1e-3, 1e3))
def test_amount_balance_does_not_depend_on_scale(xs, c):
    assert balance([c * x for x in xs]) == pytest.approx(balance(xs), abs=1e-9)


def test_gini_mean_difference_matches_its_published_definition():
    # Gini's mean difference of (1, 2, 3, 4, 5) is Σ|x_i − x_j| / (n(n − 1)) = 40 / 20 = 2
    # (Yitzhaki 2003, eq. 1); on positions x/5 it is 0.4, and G_max for K = 5 is 6/10.
    x = np.array([1, 2, 3, 4, 5]) / 5
    assert balance(x, kind="position") == pytest.approx(1 - 0.4 / 0.6)
    # amounts: B = 1 − Gini·K/(K − 1), Gini = Σ|s_i − s_j| / (2 n² s̄) (the Gini coefficient)
    s = np.array([1, 2, 3, 4, 5], dtype=float)
    gini = np.abs(s[:, None] - s[None, :]).sum() / (2 * len(s) ** 2 * s.mean())
    assert balance(s) == pytest.approx(1 - gini * len(s) / (len(s) - 1))


def test_missing_powers_are_left_out_not_read_as_zero():
    assert balance([0.4, np.nan, 0.4], kind="position") == pytest.approx(1.0)
    assert np.isnan(balance([0.4, np.nan]))
    with pytest.raises(PanelError, match=r"\[0, 1\]"):
        balance([0.5, 2.0], kind="position")
    with pytest.raises(PanelError, match="non-negative"):
        balance([1.0, -1.0])


def test_amounts_placed_among_other_states_give_the_position_balance():
    """The simulator's case: engagement of one middle power placed among every simulated one."""
    rng = np.random.default_rng(0)
    among = rng.uniform(0.2, 0.8, size=(50, 4))
    x = np.array([0.9, 0.5, 0.5, 0.1])
    from scipy.special import ndtr

    pos = ndtr((x - among.mean(axis=0)) / among.std(axis=0, ddof=1))
    assert balance(x, among=among) == pytest.approx(balance(pos, kind="position"))
    assert balance(x, among=among[:1]) == pytest.approx(balance(x))  # one state: nothing to place it among
    batch = np.stack([x, x[::-1]])
    assert balance(batch, among=among).shape == (2,)


def test_tilt_names_the_highest_power_joins_near_ties_and_is_none_when_even():
    pos = dict(kind="position")
    assert tilt([0.9, 0.2, 0.3], ["CHN", "RUS", "USA"], **pos) == ("CHN", pytest.approx(0.9 - (1.4 / 3)))
    assert tilt([0.9, 0.88, 0.1], ["CHN", "RUS", "USA"], **pos)[0] == "CHN+RUS"
    assert tilt([0.5, 0.52, 0.49], ["CHN", "RUS", "USA"], **pos)[0] is None
    assert tilt([10, 30, 10], ["CHN", "RUS", "USA"])[0] == "RUS"  # amounts by default


def test_evenness_is_the_earlier_entropy_index():
    assert evenness([1, 1, 1]) == pytest.approx(1.0)
    assert evenness([1, 0, 0]) == pytest.approx(0.0)


# --------------------------------------------------------------------------- positions (frames)

def _long(n=40, seed=0):
    """SYNTHETIC: n states' engagement with three powers in one year."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        for p, (m, s) in {"CHN": (10, 2), "RUS": (5, 1), "USA": (50, 20)}.items():
            rows.append({"country": f"S{i:02d}", "year": 2000, "channel": "diplomatic", "partner": p,
                         "value": float(m + s * rng.normal())})
    return pl.DataFrame(rows)


def test_positions_are_chance_corrected_per_power_and_invariant_to_its_scale():
    d = _long()
    a = relative_positions(d).sort(["country", "partner"])
    scaled = d.with_columns(pl.when(pl.col("partner") == "USA").then(pl.col("value") * 7 + 3).otherwise(pl.col("value")))
    b = relative_positions(scaled).sort(["country", "partner"])
    assert np.allclose(a["position"].to_numpy(), b["position"].to_numpy())
    means = a.group_by("partner").agg(pl.col("position").mean())
    assert means["position"].is_between(0.4, 0.6).all()  # every power's positions centre on the middle


def test_positions_need_enough_reference_states():
    d = _long(n=10)
    assert relative_positions(d)["position"].null_count() == d.height


def test_balance_from_long_of_every_state_matches_the_position_formula():
    d = _long()
    out = balance_from_long(d, by=("country", "year", "channel"), value="value")
    pos = relative_positions(d)
    one = pos.filter(pl.col("country") == "S03").sort("partner")["position"].to_numpy()
    assert out.filter(pl.col("country") == "S03")["balance"][0] == pytest.approx(balance(one, kind="position"))


def test_bootstrap_interval_is_for_samples_and_contains_the_estimate_mostly():
    rng = np.random.default_rng(1)
    refs = [rng.dirichlet([2, 2, 2], size=80)[:, k] for k in range(3)]
    lo, hi = balance_bootstrap_ci([120, 40, 40], refs, n_boot=500)
    assert 0 <= lo <= hi <= 1
    lo2, hi2 = balance_bootstrap_ci([1200, 400, 400], refs, n_boot=500)
    assert hi2 - lo2 < hi - lo  # more events, narrower interval


# ------------------------------------------------------------------------- real data (starter pack)

@pytest.fixture(scope="module")
def world():
    import multivector as mv

    p = mv.dyad_years(None, partners=POWERS, years=(2010, 2019)).add_un_votes().add_alliances().add_igos().add_events()
    return p.df


@pytest.fixture(scope="module")
def table(world):
    return balance_index(world, None, POWERS, details=True)


def _at(table, channel, year):
    return table.filter((pl.col("channel") == channel) & (pl.col("year") == year) & pl.col("balance").is_not_null())


def test_balance_spreads_states_apart_on_every_channel(table):
    for ch, year in (("diplomatic", 2019), ("security", 2018), ("institutions", 2014), ("events", 2014)):
        b = _at(table, ch, year)["balance"]
        assert b.len() > 100
        assert b.quantile(0.9) - b.quantile(0.1) >= 0.25, ch


# Known groups (diplomatic channel, UN votes). Sources: U.S. Department of State, "Voting Practices
# in the United Nations" (annual report to Congress; Israel, the Marshall Islands, Micronesia, Canada,
# the UK and Australia are every year among the states that vote most often with the US); the
# Belarus–Russia Union State treaty (1999) and Collective Security Treaty (1992; Armenia, Belarus);
# Cuba, Syria, Nicaragua, Venezuela and Iran as documented opponents of US positions in the same
# reports; EU Common Foreign and Security Policy coordination (Norway and Switzerland align with
# most EU declarations: EEAS, "Alignment of third countries with CFSP declarations").
KNOWN = [
    (["ISR", "MHL", "FSM", "CAN", "GBR", "AUS"], {"USA"}, set()),
    (["BLR", "ARM"], {"RUS"}, {"USA", "EU"}),
    (["CUB", "SYR", "NIC", "VEN", "IRN"], {"CHN", "RUS"}, {"USA", "EU"}),
    (["NOR", "POL", "CHE"], {"EU"}, {"CHN", "RUS"}),
]


@pytest.mark.parametrize("states, tilted_to, never", KNOWN)
def test_states_whose_alignment_is_documented_tilt_the_documented_way(table, states, tilted_to, never):
    for year in (2012, 2015, 2019):
        t = _at(table, "diplomatic", year).filter(pl.col("country").is_in(states))
        assert t.height == len(states)
        for c, who in zip(t["country"], t["tilt_partner"]):
            got = set((who or "").split("+"))
            assert got & tilted_to, (c, year, who)
            assert not got & never, (c, year, who)


def test_north_korea_and_japan_are_not_more_balanced_than_kazakhstan(table):
    # the review: the entropy index put North Korea (0.985) and Japan (0.986) above Kazakhstan (0.963)
    d = _at(table, "diplomatic", 2019)
    b = dict(zip(d["country"], d["balance"]))
    assert b["PRK"] < b["KAZ"] and b["JPN"] < b["KAZ"]


def test_combined_uses_a_fixed_channel_set_and_is_null_when_one_is_missing(table):
    comb = table.filter((pl.col("channel") == "combined") & (pl.col("country") == "KAZ")).sort("year")
    assert comb["n_channels"].unique().to_list() == [4]
    have = comb.filter(pl.col("balance").is_not_null())["year"].to_list()
    assert have == list(range(2010, 2015))  # events and IGOs end in 2014: no combined value after


def test_the_tilt_does_not_move_when_a_source_ends(world):
    b = balance_index(world, "KAZ", POWERS, channels=["diplomatic", "security"])
    comb = b.filter(pl.col("channel") == "combined").sort("year")
    assert comb.filter(pl.col("year") == 2019)["balance"][0] is None  # ATOP ends in 2018: no silent one-channel value
    assert comb.filter(pl.col("year") == 2018)["balance"][0] is not None


def test_percentiles_among_all_states_and_peers(table):
    k = table.filter((pl.col("country") == "KAZ") & (pl.col("year") == 2019) & (pl.col("channel") == "diplomatic"))
    r = k.row(0, named=True)
    assert 0 <= r["percentile_all"] <= 1 and 0 <= r["percentile_peers"] <= 1
    assert r["peer_group"] == "Central Asia" and r["n_peers"] == 5


def test_one_country_and_all_states_agree(world, table):
    one = balance_index(world, "KAZ", POWERS, details=True)
    j = one.join(table, on=["country", "year", "channel"], suffix="_all")
    ok = j.filter(pl.col("balance").is_not_null())
    assert ok.height > 20 and (ok["balance"] - ok["balance_all"]).abs().max() < 1e-12


def test_intervals_only_where_the_data_are_a_sample(world):
    b = balance_index(world, "KAZ", POWERS, ci=True)
    has = b.filter(pl.col("balance_ci_low").is_not_null())
    assert set(has["channel"]) == {"events"}
    inside = has.filter((pl.col("balance_ci_low") <= pl.col("balance")) & (pl.col("balance") <= pl.col("balance_ci_high")))
    assert inside.height >= 0.8 * has.height


def test_a_panel_without_the_reference_states_gives_null_balance_and_says_why():
    import multivector as mv

    p = mv.dyad_years("KAZ", partners=POWERS, years=(2010, 2012)).add_un_votes().df
    b = balance_index(p, "KAZ", POWERS, details=True)
    assert b["balance"].null_count() == b.height
    assert "every state as reference" in b["note"][0]


def test_wrong_input_is_explained(world):
    with pytest.raises(PanelError, match="at least two"):
        balance_index(world, "KAZ", ["CHN"])
    with pytest.raises(PanelError, match="unknown channel"):
        balance_index(world, "KAZ", POWERS, channels=["trade"])
    with pytest.raises(PanelError, match="combined_channels"):
        balance_index(world, "KAZ", POWERS, channels=["diplomatic"], combined_channels=["security"])
