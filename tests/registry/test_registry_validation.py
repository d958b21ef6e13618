"""What the registry refuses at the door: dates, states, identifiers, text and URLs."""

from __future__ import annotations

import pytest

from multivector.registry import validation as v


@pytest.mark.parametrize("good", ["2023", "2023-05", "2023-05-19", "2024-02-29", "1991-12-08"])
def test_partial_dates_that_exist_are_accepted(good):
    assert v.check_partial_date(good) == good


@pytest.mark.parametrize("bad, why", [
    ("2023-02-30", "has 28 days"), ("2023-13", "no month 13"), ("2023-5-19", "YYYY-MM-DD"),
    ("19/05/2023", "YYYY-MM-DD"), ("2023-05-19T10:00", "YYYY-MM-DD"), ("1700", "outside"), ("2101-01-01", "outside"),
    ("", "YYYY-MM-DD"), ("2023-00", "no month 00"), ("2023-04-31", "has 30 days"),
])
def test_impossible_dates_are_refused_with_what_to_write(bad, why):
    with pytest.raises(ValueError, match=why):
        v.check_partial_date(bad)


def test_partial_dates_compare_at_the_precision_both_give():
    assert v.partial_date_le("2024", "2024-03-01")
    assert v.partial_date_le("2024-03", "2024")
    assert not v.partial_date_le("2025", "2024-12-31")


def test_states_are_iso3_codes_or_group_parties():
    assert v.check_state("kaz") == "KAZ"
    assert v.check_state("EU") == "EU"
    with pytest.raises(ValueError, match="unknown state"):
        v.check_state("EU", allow_groups=False)
    with pytest.raises(ValueError, match="unknown state 'Kazakstan'.*did you mean Kazakhstan"):
        v.check_state("Kazakstan")
    with pytest.raises(ValueError, match="unknown state"):
        v.check_state("KAZ' OR '1'='1")


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>", "Khorgos <img src=x onerror=alert(1)>", "a <b>bold</b> claim",
    "javascript:alert(1)", "&#60;script&#62;", "x\" onmouseover=\"alert(1)",
])
def test_html_markup_is_refused(text):
    with pytest.raises(ValueError, match="HTML|markup"):
        v.check_text(text, field_max=300)


@pytest.mark.parametrize("text", [
    "x'; DROP TABLE projects; --", "' OR '1'='1", "1 UNION SELECT digest FROM api_tokens",
    "name'); DELETE FROM audit_log;--", "a' AND 1=1 --", "x'; SELECT pg_sleep(5); --",
])
def test_sql_injection_payloads_are_refused(text):
    with pytest.raises(ValueError, match="SQL"):
        v.check_text(text, field_max=300)


@pytest.mark.parametrize("text", [
    "Xi'an summit; China's pledges", "Dostyk–Moyynty second track (836 km)", "O'Brien and D'Souza",
    "capacity < 10 Mt, > 5 Mt", "Kazakhstan — Türkiye: 'enhanced' partnership", "select the route from Aktau",
])
def test_ordinary_text_with_quotes_and_symbols_passes(text):
    assert v.check_text(text, field_max=300) == text


def test_text_limits_and_control_characters():
    with pytest.raises(ValueError, match="limit is 10"):
        v.check_text("x" * 11, field_max=10)
    with pytest.raises(ValueError, match="control characters"):
        v.check_text("a\x00b", field_max=10)
    with pytest.raises(ValueError, match="one line"):
        v.check_text("a\nb", field_max=10)
    assert v.check_text("a\nb", field_max=10, multiline=True) == "a\nb"
    with pytest.raises(ValueError, match="empty"):
        v.check_text("   ", field_max=10)


def test_urls_and_slugs():
    assert v.check_url("http://example.org/People's%20Republic") .startswith("http://")
    for bad in ("ftp://x.org", "javascript:alert(1)", "http://x.org/a b", "http://x.org/<script>"):
        with pytest.raises(ValueError):
            v.check_url(bad)
    assert v.check_slug("khorgos-altynkol") == "khorgos-altynkol"
    for bad in ("Khorgos", "-x", "x-", "a;drop", "a" * 65, "x"):
        with pytest.raises(ValueError, match="lower-case"):
            v.check_slug(bad)
