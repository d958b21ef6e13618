"""Numeric claims: value in base units, currency, unit, year, period, quantity, subject, object."""

from __future__ import annotations

import pytest

from multivector.text.claims import extract, parse_number
from multivector.text.gazetteer import find_english, find_russian, ru_tokens


def en(s):
    return extract(s, find_english(s), "en")


def ru(s):
    return extract(s, [m for m, _, _ in find_russian(ru_tokens(s))], "ru")


@pytest.mark.parametrize("text, value, unit", [
    ("Trade reached USD 44 billion in 2024.", 44e9, "USD"),
    ("Trade reached $44bn in 2024.", 44e9, "USD"),
    ("Trade reached US$ 31.4 bn in 2023.", 31.4e9, "USD"),
    ("Investment of 1,250 million dollars in 2021.", 1.25e9, "USD"),
    ("A loan of €2.5 billion in 2019.", 2.5e9, "EUR"),
    ("Cargo of 4.5 million tonnes in 2024.", 4.5e6, "t"),
    ("China's share was 21.3% in 2023.", 21.3, "%"),
])
def test_english_values_in_base_units(text, value, unit):
    (c,) = en(text)
    assert c.value == pytest.approx(value)
    assert c.unit == unit


@pytest.mark.parametrize("text, value, unit", [
    ("Товарооборот в 2024 году составил 43,8 млрд долларов.", 43.8e9, "USD"),
    ("Экспорт в 2023 году достиг 14,7 млрд долл.", 14.7e9, "USD"),
    ("Перевезено 2,76 млн тонн грузов в 2023 году.", 2.76e6, "t"),
    ("Инвестиции в 2022 году составили 1 250 млн долларов США.", 1.25e9, "USD"),
    ("Доля составила 18,6% в 2023 году.", 18.6, "%"),
])
def test_russian_values_in_base_units(text, value, unit):
    (c,) = ru(text)
    assert c.value == pytest.approx(value)
    assert c.unit == unit


def test_subject_object_year_quantity():
    (c,) = en("Kazakhstan's exports to China reached $14.7 billion in 2023.")
    assert (c.subject, c.object, c.year, c.quantity, c.period) == ("KAZ", "CHN", 2023, "exports", "annual")
    (c,) = ru("Импорт Казахстана из Китая в 2022 году составил 11 млрд долларов.")
    assert (c.subject, c.object, c.year, c.quantity) == ("KAZ", "CHN", 2022, "imports")


def test_a_comparison_year_is_not_the_claims_year():
    claims = en("In 2023 China–Kazakhstan trade hit $41 billion, up 32% on 2022.")
    assert [c.year for c in claims] == [2023, 2023]
    assert claims[1].quantity == "growth"


def test_periods_targets_and_missing_years():
    assert en("In the first half of 2023 trade with China was $13.6 billion.")[0].period == "H1"
    assert en("Turkey and Kazakhstan aim to raise trade to $10 billion by 2030.")[0].period == "target"
    c = en("Trade with China reached $44bn.")[0]
    assert c.year is None and c.period == "unspecified"


def test_plain_numbers_and_years_are_not_claims():
    assert en("In 2023, 12 ministers met for 3 days.") == []


def test_number_formats():
    assert parse_number("1,234.5", "en") == (1234.5, 0.05)
    assert parse_number("43,8", "ru") == (43.8, 0.05)
    assert parse_number("1 234,5", "ru")[0] == 1234.5
    assert parse_number("44", "en") == (44.0, 0.5)
