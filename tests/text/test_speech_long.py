"""The panel-ready long frame from speech_actor_year (a small frame built here, labelled as test data)."""

from __future__ import annotations

import polars as pl
import pytest

from multivector.text.speech import speech_stance_long

# test data: three speeches by Kazakhstan; values invented for the test
ACTOR = pl.DataFrame({
    "speaker": ["KAZ", "KAZ", "KAZ", "KAZ", "KAZ"],
    "partner": ["CHN", "EU", "DEU", "FRA", "CHN"],
    "year": [2010, 2010, 2010, 2010, 2012],
    "ccode1": [705] * 5, "ccode2": [710, None, 255, 220, 710],
    "speech_mentions": [2, 1, 3, 1, 1], "speech_sentences": [2, 1, 2, 1, 1],
    "speech_stance": [0.5, -0.2, 0.4, 0.1, -0.3],
    "speech_positive": [1, 0, 1, 0, 0], "speech_negative": [0, 0, 0, 0, 1],
    "speech_partner": [1, 0, 0, 0, 0], "speech_threat": [0, 0, 0, 0, 1],
}, schema_overrides={"year": pl.Int16, "ccode1": pl.Int16, "ccode2": pl.Int16, "speech_stance": pl.Float32,
                     "speech_sentences": pl.Int16, "speech_positive": pl.Int16, "speech_negative": pl.Int16,
                     "speech_partner": pl.Int16, "speech_threat": pl.Int16})
SPEECHES = pl.DataFrame({"speaker": ["KAZ", "KAZ", "KAZ"], "year": [2010, 2011, 2012]},
                        schema_overrides={"year": pl.Int16})


def test_years_with_a_speech_but_no_mention_have_zero_mentions_and_no_stance():
    out = speech_stance_long(ACTOR, "KAZ", ["CHN"], (2009, 2013), speeches=SPEECHES)
    assert out["year"].to_list() == [2010, 2011, 2012]  # 2009 and 2013: no speech, no row (null after a join)
    assert out["speech_mentions"].to_list() == [2, 0, 1]
    assert out["speech_stance"].to_list()[1] is None


def test_group_rules_for_the_eu():
    actor = speech_stance_long(ACTOR, "KAZ", ["EU"], (2010, 2010))
    assert actor["speech_stance"].to_list() == [pytest.approx(-0.2)]
    members = speech_stance_long(ACTOR, "KAZ", ["EU"], (2010, 2010), group_rule="members")
    # mention-weighted (sentences) mean over Germany and France: (0.4*2 + 0.1*1) / 3
    assert members["speech_stance"][0] == pytest.approx(0.3)
    assert members["speech_mentions"][0] == 4
    both = speech_stance_long(ACTOR, "KAZ", ["EU"], (2010, 2010), group_rule="both")
    assert both["speech_stance"][0] == pytest.approx((0.4 * 2 + 0.1 - 0.2) / 4)


def test_a_group_of_countries_expands_to_its_members():
    out = speech_stance_long(ACTOR, "C5", ["CHN"], (2010, 2012))
    assert set(out["country"]) == {"KAZ"}


def test_bad_group_rule():
    with pytest.raises(ValueError):
        speech_stance_long(ACTOR, "KAZ", ["EU"], group_rule="average")


def test_institutions_are_partners_too():
    frame = ACTOR.with_columns(pl.lit("NATO").alias("partner"))
    out = speech_stance_long(frame, "KAZ", "NATO,CHN")
    assert set(out["partner"]) == {"NATO"}
