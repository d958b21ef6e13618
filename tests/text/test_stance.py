"""Target-dependent stance: the same sentence can be negative toward one actor and not toward
another; negation, third-party relations; scores stay in (−1, 1)."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from multivector.text import stance
from multivector.text.analysis import _core


def scores(text: str, lang: str = "en", speaker: str | None = None) -> dict[str, float]:
    core = _core(text, lang, want_claims=False, want_evidence=False, speaker=speaker)
    return {c: sum(t.scores) / len(t.scores) for c, t in core.actors.items() if t.scores}


def test_the_aggressor_is_negative_and_the_victim_is_not():
    s = scores("We condemn Russia's aggression against Ukraine.")
    assert s["RUS"] < -stance.TAU
    assert s["UKR"] > -stance.TAU


def test_the_occupier_is_negative_and_the_occupied_is_not():
    s = scores("The Turkish invasion of Cyprus and the occupation of its territory continue.")
    assert s["TUR"] < -stance.TAU
    assert s["CYP"] > -stance.TAU


def test_gratitude_and_support_are_positive_toward_their_object():
    s = scores("We thank Japan for its generous assistance and express solidarity with Afghanistan.")
    assert s["JPN"] > stance.TAU
    assert s["AFG"] > stance.TAU


def test_negated_threat_is_not_negative():
    s = scores("Kazakhstan does not consider China a threat.")
    assert s["CHN"] > -stance.TAU


def test_the_experiencer_of_alarm_is_not_its_target():
    s = scores("Russia's annexation of Crimea alarmed Kazakh officials.")
    assert s["RUS"] < -stance.TAU
    assert s["KAZ"] > -stance.TAU


def test_a_relation_counts_in_full_only_when_it_is_the_speakers_own():
    own = scores("Our cooperation with Uzbekistan is growing.", speaker="KAZ")["UZB"]
    theirs = scores("The cooperation between Kyrgyzstan and Uzbekistan is growing.")["UZB"]
    assert own > theirs > 0


def test_russian_target_dependent_stance():
    s = scores("Казахстан осуждает агрессию России против Украины.", "ru")
    assert s["RUS"] < -stance.TAU
    assert s["UKR"] > -stance.TAU
    s = scores("Пекин остаётся надёжным партнёром.", "ru")
    assert s["CHN"] > stance.TAU


def test_a_sentence_without_polar_words_is_neutral():
    s = scores("Kazakhstan and China held talks in 2024.")
    assert s == {"KAZ": 0.0, "CHN": 0.0}


WORDS = ["aggression", "cooperation", "against", "with", "not", "thank", "condemn", "the", "partner", "threat",
         "Russia", "China", "Ukraine", "friendly", "hostile", "of", "by", "we", "sanctions", "support"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=30))
def test_scores_are_always_strictly_inside_minus_one_one(words):
    for v in scores(" ".join(words) + ".").values():
        assert -1.0 < v < 1.0


def test_labels_follow_the_threshold():
    assert stance.label(0.5) == "positive"
    assert stance.label(-0.5) == "negative"
    assert stance.label(0.0) == "neutral"
