"""Packed join keys (multivector.keys): lossless inside the limits, impossible to overflow."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from multivector import keys as K
from multivector.errors import DataError
from multivector.store import Store


def test_the_overflow_the_issue_describes_is_real_arithmetic():
    """Why the limits matter: packed naively, (705, 739, 6096) IS Kazakhstan–Japan (705, 740) in 2000."""
    naive = lambda lo, hi, y: (lo * 1024 + hi) * 4096 + y  # noqa: E731
    assert naive(705, 739, 6096) == naive(705, 740, 2000)
    with pytest.raises(K.KeyRangeError, match="6096"):
        K.dyad_key([705], [739], [6096])


@pytest.mark.parametrize("codes,year", [((1024, 2), 2000), ((2, -1), 2000), ((2, 20), 4096), ((2, 20), -1),
                                        ((1500, 2), 1990)])
def test_every_packer_refuses_values_outside_the_limits(codes, year):
    c1, c2 = np.array([codes[0]]), np.array([codes[1]])
    y = np.array([year])
    with pytest.raises(K.KeyRangeError):
        K.dyad_key(c1, c2, y)
    with pytest.raises(K.KeyRangeError):
        K.directed_key(c1, c2, y)
    if not 0 <= codes[1] < 1024 or not 0 <= year < 4096:
        with pytest.raises(K.KeyRangeError):
            K.state_key(c2, y)
    assert pl.select(K.directed_key_expr(pl.lit(codes[0]), pl.lit(codes[1]), pl.lit(year))).item() is None


def test_missing_rows_get_a_key_that_matches_nothing():
    key = K.state_key(np.array([2, 0]), np.array([2000, 2000]), missing=np.array([False, True]))
    assert key[0] == 2 * 4096 + 2000 and key[1] == -1


def test_keys_are_lossless_and_the_dyad_key_ignores_order():
    rng = np.random.default_rng(7)
    c1, c2 = rng.integers(0, 1024, 5000), rng.integers(0, 1024, 5000)
    y = rng.integers(0, 4096, 5000)
    k = K.dyad_key(c1, c2, y)
    assert np.array_equal(k, K.dyad_key(c2, c1, y))
    lo, hi = K.key_codes(k)
    assert np.array_equal(lo, np.minimum(c1, c2)) and np.array_equal(hi, np.maximum(c1, c2))
    assert np.array_equal(K.key_year(k), y)
    d = K.directed_key(c1, c2, y)
    assert np.array_equal(K.key_codes(d)[0], c1) and np.array_equal(K.key_codes(d)[1], c2)
    assert len(np.unique(d)) == len(np.unique(np.stack([c1, c2, y]), axis=1).T)  # distinct triples, distinct keys


@pytest.fixture()
def store(tmp_path):
    s = Store(tmp_path / "multivector.duckdb")
    s.initialize()
    return s


def _kaz_jpn_2000(store: Store) -> pl.DataFrame:
    import multivector as mv

    return (mv.dyad_years("KAZ", partners="JPN", years=(2000, 2000), store=store).add_alliances().df
            .select("iso3_1", "iso3_2", "year", "atop_defense"))


def test_store_refuses_the_atop_row_that_would_give_kazakhstan_japan_a_pact(store):
    """The reader refuses such a row first; the store checks again, whatever the caller hands it."""
    from multivector.sources.atop import KINDS, META

    before = _kaz_jpn_2000(store)
    assert before["atop_defense"].to_list() == [0]  # no defence pact between Kazakhstan and Japan in 2000
    atop = store.table("atop_dyad_year").drop("_dkey")
    bad_row = pl.DataFrame({"ccode1": [705], "ccode2": [739], "year": [6096], **{k: [1] for k in KINDS}},
                           schema=atop.schema)
    with pytest.raises(DataError) as err:
        store.import_tables(META, {"atop_dyad_year": pl.concat([atop, bad_row])})
    assert err.value.field == "year" and err.value.row == atop.height + 1 and "6096" in str(err.value)
    fresh = Store(store.path)
    assert _kaz_jpn_2000(fresh).equals(before)
    assert fresh.table("atop_dyad_year").height == atop.height
    assert fresh.provenance().filter(pl.col("source") == "atop")["origin"].to_list() == ["starter pack"]


@pytest.mark.parametrize("column,value", [("ccode", 1500), ("ccode", -1), ("year", 99999), ("ccode", None)])
def test_store_refuses_unpackable_state_year_rows(store, column, value):
    from multivector.sources.cow_nmc import META

    nmc = store.table("nmc_state_year").drop("_skey")
    row = nmc.head(1).with_columns(pl.lit(value, dtype=nmc.schema[column]).alias(column))
    with pytest.raises(DataError) as err:
        store.import_tables(META, {"nmc_state_year": pl.concat([nmc.head(10), row])})
    assert err.value.field == column and err.value.row == 11


def test_a_state_list_with_code_1500_cannot_break_every_panel(store):
    """A cow_states table with code 1500 (imported through the Python API, past the reader) is
    refused by the store, because cow_system with it cannot be packed."""
    from multivector.sources.cow_states import META

    states = store.table("cow_states")
    system = store.table("cow_system").drop("_skey")
    bad = pl.concat([system, pl.DataFrame({"ccode": [1500], "year": [1990]}, schema=system.schema)])
    with pytest.raises(DataError, match="1500"):
        store.import_tables(META, {"cow_states": states, "cow_system": bad})
    assert Store(store.path).code_layout()[1] == states["ccode"].n_unique()
