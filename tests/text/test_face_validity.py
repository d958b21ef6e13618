"""Face validity on the real corpus: states in well-documented hostile dyads speak of each other
negatively in the years of their conflicts, and pairs with treaties of friendship positively.

Cases (speaker → partner, years) and why:

* Iran → Israel, 1990–2024: the Islamic Republic has not recognised Israel since 1979 and calls
  for its end (e.g. Sadjadpour 2008, *Reading Khamenei*, Carnegie); Israel → Iran, 2000–2024 over
  Iran's nuclear programme (Netanyahu's UN speeches, e.g. 2012's "red line").
* Azerbaijan ↔ Armenia, 1992–2024: the Nagorno-Karabakh wars of 1992–94, 2016, 2020 and 2023
  (de Waal 2013, *Black Garden*, 2nd ed.).
* Ukraine → Russia, 2014–2024 (annexation of Crimea, war in Donbas, 2022 invasion) and
  Russia → Ukraine, 2022–2024 (UN GA resolution ES-11/1, 2 March 2022).
* Pakistan → India, 2016–2019 and India → Pakistan, 2016–2024: the Uri (2016) and Pulwama (2019)
  attacks, the Balakot strike and the revocation of Article 370 (2019).
* Cyprus → Turkey, 1974–2024: the 1974 invasion and the division of the island (UN SC res. 353).
* Contrasts — France ↔ Germany, 1990–2024 (Élysée Treaty 1963, Aachen Treaty 2019); Russia →
  China, 2001–2024 (Treaty of Good-Neighbourliness and Friendly Cooperation, 2001).
"""

from __future__ import annotations

import polars as pl
import pytest

from multivector.sources import ungdc

HOSTILE = [("IRN", "ISR", 1990, 2024), ("ISR", "IRN", 2000, 2024), ("AZE", "ARM", 1992, 2024),
           ("ARM", "AZE", 1992, 2024), ("UKR", "RUS", 2014, 2024), ("RUS", "UKR", 2022, 2024),
           ("PAK", "IND", 2016, 2019), ("IND", "PAK", 2016, 2024), ("CYP", "TUR", 1974, 2024)]
FRIENDLY = [("FRA", "DEU", 1990, 2024), ("DEU", "FRA", 1990, 2024), ("RUS", "CHN", 2001, 2024)]


@pytest.fixture(scope="module")
def actor_year(ungdc_subset):
    frame = ungdc_subset
    # only the speeches of the years each case needs, to keep the test fast
    keep = pl.lit(False)
    for s, _, y0, y1 in HOSTILE + FRIENDLY + [("UKR", "RUS", 1992, 2013)]:
        keep = keep | ((pl.col("speaker") == s) & pl.col("year").is_between(y0, y1))
    frame = frame.filter(keep)
    return ungdc.derive(frame)["speech_actor_year"]


def mean_stance(t: pl.DataFrame, s: str, p: str, y0: int, y1: int) -> tuple[float, int]:
    d = t.filter((pl.col("speaker") == s) & (pl.col("partner") == p) & pl.col("year").is_between(y0, y1))
    d = d.filter(pl.col("speech_stance").is_not_null())
    return float(d["speech_stance"].mean()), d.height


@pytest.mark.parametrize("speaker, partner, y0, y1", HOSTILE)
def test_hostile_dyads_speak_negatively(actor_year, speaker, partner, y0, y1):
    m, n = mean_stance(actor_year, speaker, partner, y0, y1)
    assert n >= 3
    assert m < -0.1, f"{speaker}→{partner} {y0}–{y1}: mean stance {m:+.2f} over {n} speeches"


@pytest.mark.parametrize("speaker, partner, y0, y1", FRIENDLY)
def test_treaty_friends_speak_positively(actor_year, speaker, partner, y0, y1):
    m, n = mean_stance(actor_year, speaker, partner, y0, y1)
    assert n >= 3
    assert m > 0.1, f"{speaker}→{partner} {y0}–{y1}: mean stance {m:+.2f} over {n} speeches"


def test_ukraine_speaks_of_russia_worse_since_2014_than_before(actor_year):
    before, _ = mean_stance(actor_year, "UKR", "RUS", 1992, 2013)
    after, _ = mean_stance(actor_year, "UKR", "RUS", 2014, 2024)
    assert after < before - 0.2
