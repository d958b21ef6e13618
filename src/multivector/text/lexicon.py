"""The word lists behind the text channel, loaded once per process.

* :func:`stance_lexicon` — term → :class:`Polarity` (valence on VADER's −4..4 scale, type, of-role):
  the VADER lexicon (Hutto & Gilbert 2014, shipped in ``vaderSentiment``) as *general* words,
  overridden by the diplomatic vocabulary in ``lexicons/stance_en.tsv`` / ``stance_ru.tsv``.
* :func:`frame_lexicon` — word/lemma → the framing and IR-lens categories it signals
  (``lexicons/frames.tsv``), with multi-word phrases kept apart.
* :func:`lemma` / :func:`analyse_word` — Russian morphology with pymorphy3 (Korobov 2015), cached
  per word form (pymorphy3 is used directly: natasha's lemmatiser would pull in pkg_resources).

Everything here is data plus lookups; no model is downloaded.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

LEXICON_DIR = Path(__file__).resolve().parent / "lexicons"

#: words that flip the valence of a polar word within the three words before it
NEGATORS = {
    "en": frozenset("not no never neither nor without cannot can't won't don't doesn't didn't isn't aren't "
                    "wasn't weren't hasn't haven't hadn't nothing none nobody lack lacks absence few hardly barely "
                    "rarely seldom little".split()),
    "ru": frozenset("не нет ни без никогда отсутствие ничто никто мало едва вряд".split()),
}
#: VADER's negation scalar (Hutto & Gilbert 2014): a negated word keeps −0.74 of its valence
NEGATION_SCALAR = -0.74
#: intensifiers multiply the next polar word
BOOSTERS = {
    "en": frozenset("very deeply strongly gravely extremely highly greatly truly particularly especially sincerely "
                    "utterly most categorically unequivocally firmly flagrant blatant profoundly".split()),
    "ru": frozenset("очень крайне глубоко решительно весьма особенно искренне категорически резко "
                    "глубокий решительный".split()),
}
BOOST = 1.25
#: words that end one clause and start another (stance does not cross them)
CLAUSE_BREAKS = {
    "en": frozenset("but however whereas while although though yet nevertheless meanwhile".split()),
    "ru": frozenset("но однако хотя зато тогда а".split()),
}


@dataclass(frozen=True)
class Polarity:
    valence: float
    """VADER scale, −4 … 4."""
    kind: str
    """act | oppose | support | eval | rel | general (see lexicons/stance_en.tsv)."""
    of_role: str = "-"
    """agent | patient | - : what "N of X" (Russian: N + genitive X) makes X."""


def _rows(name: str) -> list[list[str]]:
    with open(LEXICON_DIR / name, encoding="utf-8", newline="") as fh:
        return [r for r in csv.reader(fh, delimiter="\t") if r and r[0] and not r[0].startswith("#")]


# ---------------------------------------------------------------------------------------------
# Russian morphology


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=400_000)
def analyse_word(word: str) -> tuple[str, str, str]:
    """(lemma, part of speech, case) of a Russian word form (pymorphy3's most likely parse).

    All-capital abbreviations (США, ЕС, ШОС) keep their written form as the lemma: pymorphy3
    guesses strange normal forms for unknown ones (СВМДА → "свмд")."""
    if len(word) > 1 and word.isupper():
        return word, "ABBR", ""
    p = _morph().parse(word)[0]
    return p.normal_form.replace("ё", "е"), str(p.tag.POS or ""), str(p.tag.case or "")


def lemma(word: str) -> str:
    return analyse_word(word)[0]


def lemmatise_phrase(text: str) -> tuple[str, ...]:
    """Lemmas of the words of a Russian phrase (ё written as е, as in the analyser's output)."""
    from multivector.text.tokens import RU_WORD

    return tuple(lemma(m.group(0)) for m in RU_WORD.finditer(text))


def fold_yo(text: str) -> str:
    return text.replace("ё", "е").replace("Ё", "Е")


# ---------------------------------------------------------------------------------------------
# Stance


@lru_cache(maxsize=1)
def _vader() -> dict[str, float]:
    out: dict[str, float] = {}
    ref = resources.files("vaderSentiment") / "vader_lexicon.txt"
    with ref.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2 and parts[0].isalpha():
                try:
                    out[parts[0]] = float(parts[1])
                except ValueError:
                    continue
    return out


@dataclass(frozen=True)
class StanceLexicon:
    words: dict[str, Polarity]
    """The project's own words (they override the general ones)."""
    prefixes: tuple[tuple[str, Polarity], ...]
    phrases: dict[tuple[str, ...], Polarity]
    general: dict[str, Polarity]
    """General sentiment words (English: VADER)."""


@lru_cache(maxsize=200_000)
def _lookup_cached(lang: str, word: str) -> Polarity | None:
    """Own exact word, else own prefix (aggress*), else a general (VADER) word."""
    lex = stance_lexicon(lang)
    hit = lex.words.get(word)
    if hit is not None:
        return hit
    for prefix, pol in lex.prefixes:
        if word.startswith(prefix):
            return pol
    return lex.general.get(word)


@lru_cache(maxsize=2)
def stance_lexicon(lang: str) -> StanceLexicon:
    """The stance lexicon of ``lang`` ("en" or "ru")."""
    words: dict[str, Polarity] = {}
    prefixes: list[tuple[str, Polarity]] = []
    phrases: dict[tuple[str, ...], Polarity] = {}
    general: dict[str, Polarity] = {}
    if lang == "en":
        for w, v in _vader().items():
            general[w] = Polarity(v, "general")
    for row in _rows(f"stance_{lang}.tsv"):
        term, valence, kind = row[0].strip(), float(row[1]), row[2].strip()
        role = row[3].strip() if len(row) > 3 else "-"
        pol = Polarity(valence, kind, role)
        if lang == "ru":
            parts = lemmatise_phrase(term)
            if len(parts) > 1:
                phrases[parts] = pol
            elif parts:
                words[parts[0]] = pol
            continue
        if " " in term:
            phrases[tuple(term.split())] = pol
        elif term.endswith("*"):
            prefixes.append((term[:-1], pol))
        else:
            words[term] = pol
    # longer prefixes first, so that "neocolonial*" beats "colonial"
    prefixes.sort(key=lambda p: -len(p[0]))
    return StanceLexicon(words, tuple(prefixes), phrases, general)


def polarity(lang: str, word: str) -> Polarity | None:
    """The polarity of a lower-case word (English) or lemma (Russian), or None."""
    return _lookup_cached(lang, word)


_POLARITY_MAPS: dict[str, dict] = {}
_FRAME_MAPS: dict[str, dict] = {}
MISSING = object()


def polarity_map(lang: str) -> dict:
    """A plain dict cache word → :func:`polarity`; fill misses with :func:`polarity_fill`."""
    m = _POLARITY_MAPS.get(lang)
    if m is None:
        m = _POLARITY_MAPS[lang] = {}
    return m


def polarity_fill(lang: str, word: str) -> Polarity | None:
    value = polarity_map(lang)[word] = _lookup_cached(lang, word)
    return value


def frame_map(lang: str) -> dict:
    """A plain dict cache word → :func:`frame_categories`; fill misses with :func:`frame_fill`."""
    m = _FRAME_MAPS.get(lang)
    if m is None:
        m = _FRAME_MAPS[lang] = {}
    return m


_FRAME_VOCAB: dict[str, set[str]] = {}


def frame_fill(lang: str, word: str) -> tuple[str, ...]:
    value = frame_map(lang)[word] = frame_categories(lang, word)
    if value:
        frame_vocab(lang).add(word)
    return value


def frame_vocab(lang: str) -> set[str]:
    """The words seen so far that carry a frame category (grows as :func:`frame_fill` is called)."""
    v = _FRAME_VOCAB.get(lang)
    if v is None:
        v = _FRAME_VOCAB[lang] = set()
    return v


# ---------------------------------------------------------------------------------------------
# Frames and lenses

FRAME_CATEGORIES = ("cooperation", "conflict", "partner", "threat", "realist", "liberal", "constructivist")
LENSES = ("realist", "liberal", "constructivist")


@dataclass(frozen=True)
class FrameLexicon:
    words: dict[str, tuple[str, ...]]
    prefixes: tuple[tuple[str, tuple[str, ...]], ...]
    phrases: dict[tuple[str, ...], tuple[str, ...]]


@lru_cache(maxsize=2)
def frame_lexicon(lang: str) -> FrameLexicon:
    words: dict[str, list[str]] = {}
    prefixes: dict[str, list[str]] = {}
    phrases: dict[tuple[str, ...], list[str]] = {}
    for row in _rows("frames.tsv"):
        cat, lg, term = row[0].strip(), row[1].strip(), row[2].strip()
        if lg != lang:
            continue
        if cat not in FRAME_CATEGORIES:
            raise ValueError(f"frames.tsv: unknown category {cat!r}")
        if lang == "ru":
            parts = lemmatise_phrase(term)
            if len(parts) > 1:
                phrases.setdefault(parts, []).append(cat)
            else:
                words.setdefault(parts[0], []).append(cat)
            continue
        if " " in term:
            phrases.setdefault(tuple(term.split()), []).append(cat)
        elif term.endswith("*"):
            prefixes.setdefault(term[:-1], []).append(cat)
        else:
            words.setdefault(term, []).append(cat)
    return FrameLexicon(
        {k: tuple(v) for k, v in words.items()},
        tuple(sorted(((k, tuple(v)) for k, v in prefixes.items()), key=lambda p: -len(p[0]))),
        {k: tuple(v) for k, v in phrases.items()},
    )


@lru_cache(maxsize=300_000)
def frame_categories(lang: str, word: str) -> tuple[str, ...]:
    """Categories of one word (English form or Russian lemma); () if none."""
    lex = frame_lexicon(lang)
    hit = lex.words.get(word)
    if hit is not None:
        return hit
    for prefix, cats in lex.prefixes:
        if word.startswith(prefix):
            return cats
    return ()


def lexicon_rows(name: str) -> list[list[str]]:
    """The rows of a lexicon file (for the gazetteer and the docs)."""
    return _rows(name)
