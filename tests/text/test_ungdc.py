"""The UN General Debate Corpus source: the published .tgz read directly, session years, bad
archives, the derived tables, and identical results from every backend."""

from __future__ import annotations

import tarfile

import polars as pl
import pytest

from multivector import sources
from multivector.errors import DataError
from multivector.sources import ungdc


@pytest.fixture(scope="module")
def kaz(ungdc_subset):
    return ungdc_subset.filter(pl.col("speaker") == "KAZ")


def test_kazakhstan_speeches_carry_session_years(kaz):
    assert kaz.height == 33
    assert kaz["year"].min() == 1992 and kaz["year"].max() == 2024
    assert (kaz["year"] == kaz["session"] + 1945).all()
    last = kaz.filter(pl.col("year") == 2024)
    assert last["session"].item() == 79 and last["file"].item() == "KAZ_79_2024.txt"
    assert "Kazakhstan" in last["text"].item()


def test_a_folder_reads_like_the_archive(kaz, tmp_path):
    for r in kaz.head(3).iter_rows(named=True):
        d = tmp_path / "TXT" / f"Session {r['session']:02d} - {r['year']}"
        d.mkdir(parents=True, exist_ok=True)
        (d / r["file"]).write_text(r["text"], encoding="utf-8")
    assert ungdc.read(tmp_path).equals(kaz.head(3))


def test_session_and_year_must_agree(tmp_path):
    d = tmp_path / "TXT" / "Session 79 - 2023"
    d.mkdir(parents=True)
    (d / "KAZ_79_2023.txt").write_text("text")
    with pytest.raises(DataError, match="session S is the year S \\+ 1945"):
        ungdc.read(tmp_path)


def test_truncated_or_wrong_archives_are_named(ungdc_path, tmp_path):
    cut = tmp_path / "cut.tgz"
    with open(ungdc_path, "rb") as src, open(cut, "wb") as dst:
        dst.write(src.read(1_000_000))
    with pytest.raises(DataError, match="truncated"):
        ungdc.read(cut)
    fake = tmp_path / "fake.tgz"
    fake.write_text("not an archive")
    with pytest.raises(DataError):
        ungdc.read(fake)
    empty = tmp_path / "empty.tgz"
    with tarfile.open(empty, "w:gz"):
        pass
    with pytest.raises(DataError, match="no speeches"):
        ungdc.read(empty)


@pytest.fixture(scope="module")
def sample(ungdc_subset):
    return ungdc_subset.filter(pl.col("speaker").is_in(["KAZ", "CHN", "RUS", "UZB"]) & (pl.col("year") >= 2008))


@pytest.fixture(scope="module")
def tables(sample):
    return ungdc.derive(sample, backend="serial")


def test_the_backends_give_identical_tables(sample, tables):
    par = ungdc.derive(sample, backend="processes", workers=2)
    for name in tables:
        assert par[name].equals(tables[name]), name
    pytest.importorskip("dask")
    dsk = ungdc.derive(sample, backend="dask", workers=2)
    for name in tables:
        assert dsk[name].equals(tables[name]), name


def test_dyad_table_is_keyed_like_other_dyad_tables(tables):
    d = tables["speech_dyad_year"]
    assert d.columns[:5] == ["ccode1", "ccode2", "year", "iso3_1", "iso3_2"]
    assert not d.select("ccode1", "ccode2", "year").is_duplicated().any()
    assert (d["ccode1"] != d["ccode2"]).all()
    assert d["speech_stance"].drop_nulls().is_between(-1, 1).all()
    assert (d["speech_mentions"] >= d["speech_sentences"]).all()
    kaz_chn = d.filter((pl.col("iso3_1") == "KAZ") & (pl.col("iso3_2") == "CHN"))
    assert (kaz_chn["ccode1"] == 705).all() and (kaz_chn["ccode2"] == 710).all()


def test_groups_are_partners_in_the_actor_table(tables):
    a = tables["speech_actor_year"]
    assert not {"ccode1", "ccode2"} & set(a.columns)  # keyed by ISO3 and group codes: no COW join key to pack
    groups = set(a["partner"]) - set(tables["speech_dyad_year"]["iso3_2"])
    assert {"UN", "SCO"} <= groups
    assert a.filter(pl.col("partner") == pl.col("speaker")).height == 0


def test_speech_table_has_framing_and_lenses(tables, sample):
    s = tables["speeches"]
    assert s.height == sample.height and "ccode" not in s.columns
    for c in ("cooperation_vs_conflict", "partner_vs_threat"):
        assert s[c].drop_nulls().is_between(-1, 1).all()
    for c in ("realist", "liberal", "constructivist"):
        assert (s[c] >= 0).all() and s[c].sum() > 0


def test_meta_and_registry():
    mod = sources.get("ungdc")
    assert mod.META.licence.startswith("CC0")
    assert "Jankin" in mod.META.citation and "Baturo" in mod.META.citation and "Mikhaylov" in mod.META.citation
    assert set(mod.META.tables) == {"speech_dyad_year", "speech_actor_year", "speeches"}


def test_the_starter_pack_serves_the_speech_tables_offline():
    from multivector.starter_pack import manifest

    if "ungdc" not in manifest()["sources"]:
        pytest.skip("this starter pack was built before the ungdc source (rebuild with data-raw/build_starter_pack.py)")
    from multivector.text.speech import speech_stance

    df = speech_stance("KAZ", ["CHN", "RUS"], (1992, 2024))
    assert df.height > 0 and set(df["partner"]) <= {"CHN", "RUS"}
