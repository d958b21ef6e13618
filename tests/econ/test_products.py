"""Product concentration (HHI over HS chapters) when HS detail is loaded: on the recorded UN
Comtrade response in ``shared/data/comtradr`` (China with Argentina and Germany, 2010, totals only)
and on an HS-chapter response derived from it here (each TOTAL record split 60/30/10 over three
chapters — a constructed fixture, labelled as such)."""

from __future__ import annotations

import json

import polars as pl
import pytest

SAMPLE = "comtradr/comtrade_v1_get_C_A_HS_CHN_ARG_2010.json"


def _hs2_fixture(shared_data, tmp_path):
    doc = json.loads((shared_data / SAMPLE).read_text(encoding="utf-8"))
    out = []
    for rec in doc["data"]:
        for code, share in (("27", 0.6), ("26", 0.3), ("72", 0.1)):
            r = dict(rec, cmdCode=code, primaryValue=rec["primaryValue"] * share)
            out.append(r)
    doc["data"], doc["count"] = out, len(out)
    p = tmp_path / "comtrade_hs2_constructed.json"
    p.write_text(json.dumps(doc), encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, shared_data):
    """A store in its own home: first the recorded sample (what product_concentration says about
    it is kept), then the HS-chapter fixture derived from it."""
    from multivector.econ.products import NoProductDetail, product_concentration
    from multivector.sources import comtrade
    from multivector.store import Store

    home = tmp_path_factory.mktemp("products-home")
    store = Store(home / "multivector.duckdb")
    store.import_tables(comtrade.META, comtrade.derive(comtrade.read(shared_data / SAMPLE)))
    try:
        product_concentration("CHN", store=store)
        totals_only = None
    except NoProductDetail as exc:
        totals_only = exc
    store.import_tables(comtrade.META, comtrade.derive(comtrade.read(_hs2_fixture(shared_data, home))))
    return home, store, totals_only


def test_the_recorded_sample_has_totals_only_and_the_error_says_how_to_load_detail(loaded):
    _home, _store, totals_only = loaded
    assert totals_only is not None and "totals only" in str(totals_only) and "AG2" in str(totals_only)


def test_hhi_over_hs_chapters_from_both_reporters(loaded):
    from multivector.econ.products import product_concentration

    _home, store, _ = loaded
    df = product_concentration("CHN", store=store)
    assert df.height == 4 and set(df["partner"]) == {"ARG", "DEU"}
    assert df["hhi"].to_list() == pytest.approx([0.36 + 0.09 + 0.01] * 4)
    assert df["effective_products"].to_list() == pytest.approx([1 / 0.46] * 4)
    assert set(df["top_product"]) == {"27"} and df["top_share"].to_list() == pytest.approx([0.6] * 4)
    deu = df.filter((pl.col("partner") == "DEU") & (pl.col("flow") == "imports"))
    assert deu["total_usd"][0] == pytest.approx(74_251_272_075.0)
    assert deu["reported_by"][0] == "CHN"
    # seen from Argentina, China's reports are the mirror: ARG's exports to CHN = CHN's imports from ARG
    arg = product_concentration("ARG", store=store)
    assert set(arg["reported_by"]) == {"CHN"} and set(arg["partner"]) == {"CHN"}
    assert arg.filter(pl.col("flow") == "exports")["total_usd"][0] == pytest.approx(6_804_128_143.0)
    assert product_concentration("CHN", ["DEU"], (2010, 2010), store=store).height == 2


def test_index_products_on_the_command_line(loaded, tmp_path, monkeypatch, capsys):
    from multivector.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["index", "products", "KAZ"])            # the session store: no product detail
    assert exc.value.code == 2
    assert "no HS product detail" in capsys.readouterr().err
    monkeypatch.setenv("MULTIVECTOR_HOME", str(loaded[0]))
    out = tmp_path / "products.csv"
    main(["index", "products", "CHN", "--partners", "DEU", "--years", "2010", "-o", str(out)])
    df = pl.read_csv(out)
    assert df.height == 2 and df["hhi"].to_list() == pytest.approx([0.46, 0.46])
