"""The UN Secretariat's GA extracts (sessions 74–80, ES-10, ES-11): recorded votes to 2025.

Published checks: Kazakhstan's votes and the tallies of the six ES-11 resolutions on Ukraine, as in
the UN's verbatim records of the eleventh emergency special session (A/ES-11/PV.5, PV.9, PV.10,
PV.14, PV.15, PV.19; the extract's ``pv`` field names each record).
"""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest

from multivector.errors import DataError
from multivector.sources import unga_dgacm as U

EXTRACTS = "unga-dgacm-recorded-votes-s74-s80/data_extract"


@pytest.fixture(scope="module")
def votes(shared_data):
    return U.read(shared_data / EXTRACTS)


@pytest.fixture(scope="module")
def calls(votes):
    return U.derive(votes)["unga_rollcalls"]


# (symbol, date, UN meeting record, yes, no, abstain, Kazakhstan's vote)
ES11 = [
    ("A/RES/ES-11/1", date(2022, 3, 2), "A/ES-11/PV.5", 141, 5, 35, U.ABSTAIN),
    ("A/RES/ES-11/2", date(2022, 3, 24), "A/ES-11/PV.9", 140, 5, 38, U.ABSTAIN),
    ("A/RES/ES-11/3", date(2022, 4, 7), "A/ES-11/PV.10", 93, 24, 58, U.NO),  # suspension of Russia from the HRC
    ("A/RES/ES-11/4", date(2022, 10, 12), "A/ES-11/PV.14", 143, 5, 35, U.ABSTAIN),
    ("A/RES/ES-11/5", date(2022, 11, 14), "A/ES-11/PV.15", 94, 14, 73, U.ABSTAIN),
    ("A/RES/ES-11/6", date(2023, 2, 23), "A/ES-11/PV.19", 141, 7, 32, U.ABSTAIN),
]


@pytest.mark.parametrize("symbol,day,pv,yes,no,abstain,kaz", ES11)
def test_kazakhstan_votes_on_the_es11_resolutions_match_the_un_record(votes, calls, symbol, day, pv, yes, no, abstain, kaz):
    rc = calls.filter(pl.col("symbol") == symbol)
    assert rc.height == 1
    row = rc.row(0, named=True)
    assert (row["date"], row["yes"], row["no"], row["abstain"]) == (day, yes, no, abstain)
    k = votes.filter((pl.col("symbol") == symbol) & (pl.col("iso3") == "KAZ"))
    assert k["vote"].to_list() == [kaz]
    assert k["ccode"].to_list() == [705]


def test_emergency_votes_count_in_the_regular_session_in_progress(calls):
    es = {r["symbol"]: (r["session"], r["year"]) for r in calls.filter(pl.col("symbol").str.contains("ES-")).iter_rows(named=True)}
    assert es["A/RES/ES-11/1"] == (76, 2021)  # 2 March 2022: session 76 (opened 14 Sep 2021)
    assert es["A/RES/ES-11/4"] == (77, 2022)  # 12 October 2022: session 77
    assert es["A/RES/ES-10/24"] == (79, 2024)  # 18 September 2024: session 79 had opened on the 10th


def test_session_boundaries():
    assert U.session_of(date(2025, 9, 8)) == 79 and U.session_of(date(2025, 9, 9)) == 80
    assert U.session_of(date(2023, 9, 4)) == 77 and U.session_of(date(2023, 9, 5)) == 78
    assert U.session_of(date(2026, 6, 4)) == 80


def test_regular_session_records_lie_inside_their_session(calls):
    reg = calls.filter(~pl.col("symbol").str.contains("ES-"))
    for r in reg.iter_rows(named=True):
        assert U.session_of(r["date"]) == r["session"], r["symbol"]
    assert reg["year"].max() == 2025  # session 80 is 2025


def test_turkiye_in_five_spellings_is_one_state(shared_data, votes):
    spellings = set()
    for f in (shared_data / EXTRACTS).glob("*.json"):
        for line in f.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            for k in ("MS_in_favour", "MS_against", "MS_abstaining"):
                spellings |= {n for n in rec[k] if n.replace("Ü", "U").startswith("TUR") and "MENISTAN" not in n}
    assert spellings == {"TURKEY", "TURKIYE", "TÜRKIYE", "TÜRKİYE", "TÜRKÝYE"}
    tur = votes.filter(pl.col("iso3") == "TUR")
    assert tur["ccode"].unique().to_list() == [640]
    assert (tur["vote"] != U.ABSENT).sum() > 700


def test_absent_members_are_inferred_from_membership(votes, calls):
    assert votes.group_by("entry_id").len()["len"].unique().to_list() == [193]
    assert (calls["yes"] + calls["no"] + calls["abstain"] + calls["absent"]).unique().to_list() == [193]
    kaz = votes.filter((pl.col("iso3") == "KAZ") & (pl.col("session") == 75))
    # provenance: session 75, 87 yes / 2 no / 7 abstain; one record (A/RES/75/254 A-C) has no lists
    assert [(kaz["vote"] == v).sum() for v in (U.YES, U.NO, U.ABSTAIN)] == [87, 2, 7]


def test_repeated_uploads_count_once_and_non_votes_are_not_errors(votes, calls):
    assert calls.filter(pl.col("symbol") == "A/RES/79/290").height == 1
    assert calls["entry_id"].is_unique().all()
    assert U.NOTES["without a vote"] > 1000
    assert U.NOTES["empty adoption type"] == 4
    assert U.NOTES["repeated upload of the same roll call"] == 21


def test_multi_part_resolutions_are_keyed_on_the_entry(calls):
    parts = calls.filter(pl.col("symbol").str.contains(r" [A-Z]$"))
    assert parts.height > 0 and parts["entry_id"].is_unique().all()


# ------------------------------------------------------------------------ bad input (small files
# written by the tests from a real record of ES-11.json, then damaged on purpose)

def _record(shared_data) -> dict:
    return json.loads((shared_data / EXTRACTS / "ES-11.json").read_text(encoding="utf-8").splitlines()[0])


def _write(tmp_path, lines: list[str], name: str = "76.json"):
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_a_malformed_json_line_names_file_and_line(tmp_path, shared_data):
    good = json.dumps(_record(shared_data))
    p = _write(tmp_path, [good, good[: len(good) // 2]])
    with pytest.raises(DataError, match=r"76\.json.*JSON line 2 is not valid JSON"):
        U.read(p)


def test_unknown_member_names_are_all_listed(tmp_path, shared_data):
    rec = _record(shared_data)
    rec["MS_in_favour"] = [*rec["MS_in_favour"], "NARNIA", "RURITANIA"]
    with pytest.raises(DataError, match=r"2 member-state name\(s\).*NARNIA.*RURITANIA"):
        U.read(_write(tmp_path, [json.dumps(rec)]))


def test_a_state_in_two_lists_is_an_error(tmp_path, shared_data):
    rec = _record(shared_data)
    rec["MS_against"] = [*rec["MS_against"], rec["MS_in_favour"][0]]
    with pytest.raises(DataError, match="listed with two different votes"):
        U.read(_write(tmp_path, [json.dumps(rec)]))


def test_a_bad_date_names_the_field(tmp_path, shared_data):
    rec = _record(shared_data)
    rec["adoption_date"] = "the second of March"
    with pytest.raises(DataError, match="adoption_date"):
        U.read(_write(tmp_path, [json.dumps(rec)]))


def test_records_without_a_vote_are_skipped_but_a_file_with_none_is_an_error(tmp_path, shared_data):
    rec = _record(shared_data)
    quiet = dict(rec, adoption_type="Without a vote", MS_in_favour=[], MS_against=[], MS_abstaining=[])
    empty = dict(rec, adoption_type="")
    v = U.read(_write(tmp_path, [json.dumps(quiet), json.dumps(empty), json.dumps(rec)]))
    assert v["entry_id"].unique().to_list() == ["76:3"]
    with pytest.raises(DataError, match="no recorded votes"):
        U.read(_write(tmp_path, [json.dumps(quiet)], "77.json"))


def test_fetch_skips_unpublished_sessions(tmp_path, shared_data):
    """The live loader against the real extract files, served by an httpx mock transport."""
    import httpx

    served = {"74.json": (shared_data / EXTRACTS / "74.json").read_bytes(),
              "ES-11.json": (shared_data / EXTRACTS / "ES-11.json").read_bytes()}

    def handler(request: httpx.Request) -> httpx.Response:
        name = request.url.path.rsplit("/", 1)[-1]
        return httpx.Response(200, content=served[name]) if name in served else httpx.Response(404)

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        folder = U.fetch(tmp_path / "x", sessions=("74", "81", "ES-11"), client=client)
    assert sorted(f.name for f in folder.glob("*.json")) == ["74.json", "ES-11.json"]
    assert U.read(folder).filter(pl.col("symbol") == "A/RES/ES-11/3").height == 193
