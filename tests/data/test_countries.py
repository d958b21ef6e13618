"""Country identity: ISO3 for people, COW/GW codes for joins, groups with dates."""

from __future__ import annotations

import pytest

from multivector import countries as C
from multivector.errors import UnknownCountryError


@pytest.mark.parametrize("query", ["Kazakhstan", "KZ", "KAZ", "kaz", 705, "705", "Republic of Kazakhstan"])
def test_kazakhstan_resolves_from_every_form(query):
    assert C.resolve(query) == "KAZ"


def test_unknown_name_suggests_close_matches():
    with pytest.raises(UnknownCountryError) as err:
        C.resolve("Kazahstan")
    assert "Kazakhstan (KAZ)" in str(err.value)


def test_unknown_cow_code_is_an_error():
    with pytest.raises(UnknownCountryError):
        C.resolve(9999)


def test_cow_code_depends_on_year_for_germany():
    assert C.to_ccode("DEU", 1980) == 260
    assert C.to_ccode("DEU", 2000) == 255
    assert C.resolve(260) == "DEU"
    assert C.resolve(265) == "DDR"


def test_gleditsch_ward_codes_are_carried():
    assert C.to_gwcode("KAZ") == 705
    assert C.to_gwcode("DEU", 2000) == 260  # GW keeps 260 for unified Germany


def test_central_asia_is_the_five_states():
    assert C.group_members("C5") == ["KAZ", "KGZ", "TJK", "TKM", "UZB"]


def test_eu_membership_follows_accession_and_brexit():
    assert "GBR" in C.group_members("EU", 2015)
    assert "GBR" not in C.group_members("EU", 2021)
    assert "HRV" not in C.group_members("EU", 2012) and "HRV" in C.group_members("EU", 2013)
    assert len(C.group_members("EU", 1958)) == 6
    assert len(C.group_members("EU", 2015)) == 28


def test_eaeu_and_sco_have_dates():
    assert C.group_members("EAEU", 2014) == []
    assert set(C.group_members("EAEU", 2016)) == {"ARM", "BLR", "KAZ", "KGZ", "RUS"}
    assert "IND" not in C.group_members("SCO", 2016) and "IND" in C.group_members("SCO", 2018)
    assert "KAZ" in C.group_members("SCO", 2001)


def test_default_great_powers_and_override(monkeypatch):
    assert C.great_powers() == ["CHN", "RUS", "USA", "EU", "TUR"]
    monkeypatch.setenv("MULTIVECTOR_GREAT_POWERS", "CHN,USA,Japan")
    assert C.great_powers() == ["CHN", "USA", "JPN"]
    assert C.great_powers("China, India") == ["CHN", "IND"]


def test_resolve_many_keeps_order_and_drops_repeats():
    assert C.resolve_many(["RUS", "China", "RU", "CHN"]) == ["RUS", "CHN"]


def test_voeten_names_map_to_cow_codes():
    names = ["Czechoslovakia", "Federal Republic of Germany", "Yemen Arab Republic", "German Democratic Republic"]
    assert C.ccodes_for(names, [1980] * 4) == [315, 260, 678, 265]
