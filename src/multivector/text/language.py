"""Language identification with lingua (Stahl, lingua-language-detector: n-gram models shipped in
the wheel, so it runs offline), restricted to the languages a user's files are likely to be in (low-accuracy mode: trigram
models, 0.2 s to load).

English and Russian are analysed; Kazakh is recognised and reported as not yet analysed, as are
the other languages in :data:`CANDIDATES` (so that a mislabelled or foreign file is named, not
silently read as English).
"""

from __future__ import annotations

import re
from functools import lru_cache

ANALYSED = ("en", "ru")
#: ISO 639-1 codes lingua is asked to choose from
CANDIDATES = ("en", "ru", "kk", "uk", "be", "tr", "az", "de", "fr", "es", "zh", "ar")
NAMES = {"en": "English", "ru": "Russian", "kk": "Kazakh", "uk": "Ukrainian", "be": "Belarusian", "tr": "Turkish",
         "az": "Azerbaijani", "de": "German", "fr": "French", "es": "Spanish", "zh": "Chinese", "ar": "Arabic"}
SAMPLE_CHARS = 3000
_KAZAKH_LETTERS = re.compile(r"[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")


@lru_cache(maxsize=1)
def _detector():
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    langs = []
    for code in CANDIDATES:
        iso = getattr(IsoCode639_1, code.upper(), None)
        if iso is None:
            continue
        try:
            langs.append(Language.from_iso_code_639_1(iso))
        except Exception:  # a lingua build without this language
            continue
    # low-accuracy mode (trigram models only) loads in 0.2 s instead of 4 s and is as good on
    # texts of more than a sentence or two, which is what it is given
    return LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()


def detect(text: str) -> tuple[str | None, float]:
    """(ISO 639-1 code, confidence in [0, 1]) of the text's main language; (None, 0) when the text
    has too few letters to tell."""
    sample = text[:SAMPLE_CHARS]
    letters = sum(ch.isalpha() for ch in sample)
    if letters < 3:
        return None, 0.0
    if letters < 20:
        # too short for n-grams: decide by script
        cyr = sum("а" <= ch.lower() <= "я" or ch in "ёЁ" for ch in sample)
        if cyr / letters > 0.5:
            return ("kk" if _KAZAKH_LETTERS.search(sample) else "ru"), 0.5
        return "en", 0.5
    values = _detector().compute_language_confidence_values(sample)
    if not values:
        return None, 0.0
    best = values[0]
    code = best.language.iso_code_639_1.name.lower()
    return code, float(best.value)


def name(code: str | None) -> str:
    return NAMES.get(code or "", code or "unknown")
