"""The actor gazetteer: names, adjectives, capitals as metonyms (not as places), leaders, groups,
blocked phrases, compounds and Russian inflection."""

from __future__ import annotations

import pytest

from multivector.text.gazetteer import find_english, find_russian, ru_tokens
from multivector.text.tokens import normalise


def codes(text: str) -> list[str]:
    return [m.code for m in find_english(normalise(text))]


def ru_codes(text: str) -> list[str]:
    return [m.code for m, _, _ in find_russian(ru_tokens(text))]


@pytest.mark.parametrize("text, expected", [
    ("Kazakhstan and the People's Republic of China signed a treaty.", ["KAZ", "CHN"]),
    ("The Democratic People's Republic of Korea and the Republic of Korea met.", ["PRK", "KOR"]),
    ("Russian pressure and Chinese loans", ["RUS", "CHN"]),
    ("Moscow insists that Washington and Brussels are wrong; Ankara disagrees.", ["RUS", "USA", "EU", "TUR"]),
    ("President Tokayev met Xi Jinping.", ["KAZ", "CHN"]),
    ("The SCO, the CSTO, CICA and the Eurasian Economic Union", ["SCO", "CSTO", "CICA", "EAEU"]),
    ("The Middle Corridor competes with the Belt and Road Initiative.", ["TITR", "BRI"]),
    ("Sino-Russian ties and Kazakh-Chinese trade", ["CHN", "RUS", "KAZ", "CHN"]),
    ("Russia's aggression", ["RUS"]),
    ("Türkiye and Turkey are the same state.", ["TUR", "TUR"]),
])
def test_english_mentions(text, expected):
    assert codes(text) == expected


@pytest.mark.parametrize("text", [
    "The summit was held in Moscow.",
    "We implement the Paris Agreement and the Beijing Platform for Action.",
    "The Astana Declaration was adopted.",
    "Cooperation in the Indian Ocean and in Latin America",
    "The treaty was worth 5 billion US dollars.",
    "LET US PRAY FOR PEACE.",
    "the inhabitants of Beijing, Seoul, Tokyo and beyond",
])
def test_places_documents_and_other_lookalikes_are_not_actors(text):
    assert codes(text) == []


def test_a_capital_names_the_government_after_a_political_noun():
    assert codes("the policy of Moscow toward its neighbours") == ["RUS"]


def test_possessive_is_marked():
    ms = find_english(normalise("China's loans and the United States' policy"))
    assert [(m.code, m.possessive) for m in ms] == [("CHN", True), ("USA", True)]


@pytest.mark.parametrize("text, expected", [
    ("Агрессия России против Украины осуждена.", ["RUS", "UKR"]),
    ("Товарооборот с Китаем и Казахстаном вырос.", ["CHN", "KAZ"]),
    ("Казахстанско-китайские отношения развиваются.", ["KAZ", "CHN"]),
    ("США и ЕС ввели санкции, ШОС и ОДКБ промолчали.", ["USA", "EU", "SCO", "CSTO"]),
    ("Путин позвонил Токаеву, Эрдоган — Мирзиёеву.", ["RUS", "KAZ", "TUR", "UZB"]),
    ("Москва заявила протест.", ["RUS"]),
    ("Средний коридор и Центральная Азия", ["TITR", "C5"]),
])
def test_russian_mentions_in_any_case_form(text, expected):
    assert ru_codes(text) == expected


def test_russian_capital_in_the_locative_is_a_place_and_togo_is_not_a_pronoun():
    assert ru_codes("Встреча прошла в Москве и в Пекине.") == []
    assert ru_codes("Кроме того, того же мнения придерживаются многие.") == []
