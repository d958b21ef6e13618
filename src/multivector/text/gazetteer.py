"""The actor gazetteer: which states, groups and institutions a text names, and where.

Built from :mod:`multivector.countries` (every state's short name from country_converter, every
group's label) plus ``lexicons/actors_en.tsv`` and ``actors_ru.tsv``: official and former names,
adjectives, capitals used as metonyms ("Moscow insists"), leaders, and the groups, institutions
and initiatives of the region (SCO, CICA, EAEU, CSTO, BRI, C5+1, the Middle Corridor …). Phrases
that contain an actor word without naming the actor ("Indian Ocean", "Paris Agreement", "Latin
America", "Beijing Platform") are listed as blocks.

Rules (documented in docs/text.md):

* the longest match wins ("Democratic People's Republic of Korea" is PRK, not KOR);
* a capital is the state only as a metonym: not after "in"/"at"/"near" (the meeting *in* Moscow),
  not before a document or event noun (the Paris Agreement, the Astana format), and in Russian
  not in the locative case ("в Москве");
* English terms are case-sensitive (Turkey, not turkey); Russian terms match any case form by
  lemma, names only when capitalised; abbreviations as written (США, ЕС);
* compounds are split at the hyphen: "Sino-Russian" names China and Russia,
  "казахстанско-китайские" Kazakhstan and China.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from multivector.text import lexicon
from multivector.text.tokens import RU_TOKEN

_CAP = "A-ZÀ-ÖØ-Þ"
#: capitalised phrases: a capitalised word followed by more capitalised words or linking words
_CHUNK = re.compile(
    rf"[{_CAP}][\w’'.+\-–]*"
    rf"(?:(?:\s+|-)(?:of|the|and|de|du|da|del|d['’]\w+|von|der|al-\w+|[{_CAP}0-9][\w’'.+\-–]*))*"
)
_TRAIL = ".,;:!?)]}\"”’'"
_POSSESSIVE = ("'s", "’s", "s'", "s’")

#: nouns after which a capital names a document or event, not a government
EVENT_NOUNS = frozenset(
    "Declaration Declarations Agreement Agreements Accord Accords Convention Conference Summit Process Protocol "
    "Platform Programme Program Plan Principles Statute Treaty Round Format Group Forum Initiative Document "
    "Charter Communiqué Communique Rules Commission Pact Framework Talks Action Agenda Consensus Olympics Olympic "
    "Games Memorandum Club University Institute Stock Metro Airport Plus Commitment Commitments Outcome Mechanism "
    "Strategy Call Appeal Peace Consultations Meeting Dialogue Understanding Principle Spirit Ministerial".split()
)
_LOCATIVE_EN = frozenset({"in", "at", "near", "inside", "outside", "from"})
_MOTION_EN = frozenset({"visit", "visits", "visited", "trip", "travel", "travelled", "traveled", "flight", "flights",
                        "arrived", "returned", "journey", "mission"})
_CURRENCY_AFTER = re.compile(r"\s*(?:\$|dollars?\b|cents?\b)")
_LOCATIVE_RU = frozenset({"в", "во", "из", "под", "около", "возле"})


@dataclass(frozen=True)
class Term:
    code: str
    kind: str
    tokens: tuple[str, ...]
    first: int | None = None
    last: int | None = None


@dataclass(frozen=True)
class Mention:
    """One place where a text names an actor."""

    code: str
    kind: str
    start: int
    """Character offsets in the (normalised) text."""
    end: int
    possessive: bool = False
    text: str = ""


# ---------------------------------------------------------------------------------------------
# English


def _state_codes() -> set[str]:
    from multivector import countries

    codes = set(countries.cow_spells()["iso3"].drop_nulls().to_list())
    return codes | {"PSE", "VAT", "XKX", "TWN"}


@lru_cache(maxsize=1)
def english_terms() -> tuple[Term, ...]:
    """Every English term: the TSV plus the country names and group labels of multivector.countries."""
    from multivector import countries

    terms: list[Term] = []
    for row in lexicon.lexicon_rows("actors_en.tsv"):
        code, kind, text = row[0].strip(), row[1].strip(), row[2].strip()
        first = int(row[3]) if len(row) > 3 and row[3].strip() else None
        last = int(row[4]) if len(row) > 4 and row[4].strip() else None
        terms.append(Term(code, kind, tuple(text.split()), first, last))
    states = _state_codes()
    for iso3, info in countries._iso_table().items():
        name = info["name"]
        if iso3 in states and name and "," not in name and "(" not in name:
            terms.append(Term(iso3, "name", tuple(name.split())))
    for key, grp in countries.groups().items():
        label = re.sub(r"\s*\(.*\)\s*$", "", grp.label)
        terms.append(Term(key, "group", tuple(label.split())))
    return tuple(dict.fromkeys(terms))


@lru_cache(maxsize=1)
def _english_index() -> dict[str, tuple[Term, ...]]:
    """First word (trailing punctuation removed: "U.S." is "U.S") → terms, longest first."""
    index: dict[str, list[Term]] = {}
    for t in english_terms():
        toks = tuple(_strip(w) for w in t.tokens)
        index.setdefault(toks[0], []).append(Term(t.code, t.kind, toks, t.first, t.last))
    return {k: tuple(sorted(v, key=lambda t: -len(t.tokens))) for k, v in index.items()}


@lru_cache(maxsize=1)
def _first_keys() -> frozenset[str]:
    """Every first word as it may appear in running text — bare, possessive, followed by
    punctuation — so that one C-level ``isdisjoint`` rules out most capitalised phrases."""
    keys = set()
    for k in _english_index():
        for form in (k, k + "'s", k + "’s", k + "'", k + "’", k + "."):
            keys.add(form)
            for p in ",.;:!?)]}\"”'’":
                keys.add(form + p)
    return frozenset(keys)


def _strip(tok: str) -> str:
    return tok.rstrip(_TRAIL)


def _unpossess(tok: str) -> tuple[str, bool]:
    for p in _POSSESSIVE:
        if tok.endswith(p) and len(tok) > len(p) + 1:
            base = tok[: -len(p)] if p in ("'s", "’s") else tok[:-1]
            return base, True
    return tok, False


def _match_at(words: Sequence[str], i: int, index: dict[str, tuple[Term, ...]]) -> tuple[Term, int, bool] | None:
    """The longest term starting at word i: (term, words used, possessive)."""
    first = words[i]
    cands = index.get(first)
    poss_first = None
    if cands is None:
        base, poss = _unpossess(first)
        cands = index.get(base)
        if cands is None:
            return None
        poss_first = base
    for term in cands:
        n = len(term.tokens)
        if i + n > len(words):
            continue
        if n == 1:
            if poss_first is not None:
                return term, 1, True
            return term, 1, False
        if poss_first is not None:
            continue
        ok = all(words[i + j] == term.tokens[j] for j in range(1, n - 1))
        if not ok:
            continue
        last = words[i + n - 1]
        if last == term.tokens[-1]:
            return term, n, False
        base, poss = _unpossess(last)
        if poss and base == term.tokens[-1]:
            return term, n, True
    return None


def _prev_words(text: str, pos: int, n: int = 2) -> list[str]:
    """The n words before character ``pos`` (lower case, nearest last)."""
    seg = text[max(0, pos - 40):pos]
    return [w.lower() for w in re.findall(r"[A-Za-z]+", seg)[-n:]]


#: nouns after which "of <capital>" still names the government ("the policy of Moscow")
_POLITICAL_NOUNS = frozenset(
    "policy policies position positions stance decision decisions attitude actions role interests view views "
    "approach response support pressure influence ambitions claims demands line intentions leadership".split())


def find_english(text: str, year: int | None = None) -> list[Mention]:
    """Actor mentions in normalised English text, in order of appearance."""
    if "’" in text:
        text = text.replace("’", "'")  # one apostrophe for matching (same length: offsets unchanged)
    index = _english_index()
    last_place_end = -10
    first = _first_keys()
    out: list[Mention] = []
    for m in _CHUNK.finditer(text):
        chunk = m.group(0)
        raw = chunk.split()
        # most capitalised words are not actors ("The", "We"): skip them at the cost of a set look-up
        if first.isdisjoint(raw) and "-" not in chunk and "–" not in chunk:
            continue
        words = [w.rstrip(_TRAIL) for w in raw]
        # offsets of the words inside the chunk
        offs = []
        p = 0
        for w in raw:
            p = chunk.index(w, p)
            offs.append(m.start() + p)
            p += len(w)
        i = 0
        while i < len(words):
            w = words[i]
            if w not in first and "-" not in w and "–" not in w and "'" not in w and "’" not in w:
                i += 1
                continue
            hit = _match_at(words, i, index)
            if hit is None:
                w = words[i]
                if ("-" in w or "–" in w) and len(w) > 3:
                    # a compound: Sino-Russian, Kazakh-Chinese, U.S.-China
                    pos = offs[i]
                    for part in re.split(r"[-–]", w):
                        part_s = _strip(part)
                        hit_p = _match_at([part_s], 0, index) if part_s else None
                        if hit_p and hit_p[0].code != "-" and len(hit_p[0].tokens) == 1:
                            start = offs[i] + w.find(part, pos - offs[i])
                            out.append(Mention(hit_p[0].code, hit_p[0].kind, start, start + len(part_s), False, part_s))
                        pos += len(part) + 1
                i += 1
                continue
            term, n, poss = hit
            start, end = offs[i], offs[i + n - 1] + len(words[i + n - 1])
            poss = poss or raw[i + n - 1].rstrip(",.;:!?)").endswith(("s'", "s’"))
            i += n
            if term.code == "-":
                continue
            if term.kind == "capital" and (_capital_is_place(text, start, words, i, raw)
                                           or (start - last_place_end <= 6 and text[last_place_end:start].strip() in (",", "and", ", and"))):
                last_place_end = end  # "in Moscow", and "… of Beijing, Seoul, Tokyo" as a list of places
                continue
            if term.tokens == ("US",) and _in_capitals_run(text, start, end):
                continue
            if term.code == "USA" and _CURRENCY_AFTER.match(text, end):
                continue  # "US$ 44 billion", "United States dollars": a currency, not the state
            out.append(Mention(term.code, term.kind, start, end, poss, text[start:end]))
    return out


def _capital_is_place(text: str, start: int, words: Sequence[str], next_i: int, raw: Sequence[str]) -> bool:
    prev = _prev_words(text, start, 2)
    if prev and prev[-1] in _LOCATIVE_EN:
        return True
    if len(prev) == 2 and prev[-1] == "to" and prev[0] in _MOTION_EN:
        return True
    if next_i < len(words) and words[next_i] in EVENT_NOUNS:
        return True
    # "Treaty of Moscow", "the inhabitants of Beijing" (but "the policy of Moscow" names the government)
    before = text[max(0, start - 30):start].split()
    if len(before) >= 2 and before[-1] == "of" and before[-2].strip(",").lower() not in _POLITICAL_NOUNS:
        return True
    return False


def _in_capitals_run(text: str, start: int, end: int) -> bool:
    """"US" inside a run of capitals ("LET US") is the pronoun."""
    before = text[max(0, start - 12):start].split()
    after = text[end:end + 12].split()
    near = [w.strip(_TRAIL) for w in (before[-1:] + after[:1])]
    return any(len(w) > 1 and w.isalpha() and w.isupper() for w in near)


# ---------------------------------------------------------------------------------------------
# Russian


@dataclass(frozen=True)
class RuToken:
    text: str
    lemma: str
    pos: str
    case: str
    start: int
    end: int

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


def ru_tokens(text: str) -> list[RuToken]:
    """Words and clause punctuation of Russian text with lemma, part of speech and case."""
    out = []
    for m in RU_TOKEN.finditer(text):
        w = m.group(0)
        if w in ";:()":
            out.append(RuToken(w, w, "PNCT", "", m.start(), m.end()))
            continue
        lem, pos, case = lexicon.analyse_word(w)
        out.append(RuToken(w, lem, pos, case, m.start(), m.end()))
    return out


def _ru_spec(word: str) -> tuple[str, str, bool]:
    """How one word of a Russian term is matched: (mode, key, must be capitalised)."""
    if word.startswith("~"):
        return "prefix", word[1:], True
    if word.startswith("="):
        return "exact", word[1:], False
    if (len(word) > 1 and word.isupper()) or any(ch.isdigit() for ch in word):
        return "exact", word, False
    return "lemma", lexicon.lemma(word), word[:1].isupper()


@dataclass(frozen=True)
class RuTerm:
    code: str
    kind: str
    specs: tuple[tuple[str, str, bool], ...]
    first: int | None = None
    last: int | None = None


@lru_cache(maxsize=1)
def russian_terms() -> tuple[RuTerm, ...]:
    from multivector.text.tokens import RU_WORD

    out = []
    for row in lexicon.lexicon_rows("actors_ru.tsv"):
        code, kind, text = row[0].strip(), row[1].strip(), row[2].strip()
        first = int(row[3]) if len(row) > 3 and row[3].strip() else None
        last = int(row[4]) if len(row) > 4 and row[4].strip() else None
        if kind == "prefix":
            out.append(RuTerm(code, kind, (("prefix-part", text.lower(), False),), first, last))
            continue
        words = [w.group(0) for w in re.finditer(r"[~=]?" + RU_WORD.pattern + r"|[–—]", text)]
        specs = tuple(_ru_spec(w) for w in words if w not in "–—")
        out.append(RuTerm(code, kind, specs, first, last))
    return tuple(out)


@lru_cache(maxsize=1)
def _ru_index():
    by_lemma: dict[str, list[RuTerm]] = {}
    by_exact: dict[str, list[RuTerm]] = {}
    prefixes: list[RuTerm] = []
    parts: dict[str, RuTerm] = {}
    for t in russian_terms():
        mode, key, _ = t.specs[0]
        if mode == "prefix-part":
            parts[key] = t
        elif mode == "lemma":
            by_lemma.setdefault(key, []).append(t)
        elif mode == "exact":
            by_exact.setdefault(key, []).append(t)
        else:
            prefixes.append(t)
    srt = lambda v: tuple(sorted(v, key=lambda t: -len(t.specs)))  # noqa: E731
    stems = sorted({t.specs[0][1] for t in prefixes}, key=len, reverse=True)
    stem_re = re.compile("^(?:" + "|".join(map(re.escape, stems)) + ")") if stems else None
    return ({k: srt(v) for k, v in by_lemma.items()}, {k: srt(v) for k, v in by_exact.items()},
            srt(prefixes), stem_re, parts)


def _ru_token_matches(tok: RuToken, spec: tuple[str, str, bool]) -> bool:
    mode, key, cap = spec
    if cap and not tok.capitalised:
        return False
    if mode == "lemma":
        return tok.lemma == key
    if mode == "exact":
        return tok.text == key
    if mode == "prefix":
        return tok.text.startswith(key)
    return False


def find_russian(tokens: Sequence[RuToken]) -> list[tuple[Mention, int, int]]:
    """Actor mentions in Russian tokens: (mention, first token, last token + 1)."""
    by_lemma, by_exact, prefixes, stem_re, parts = _ru_index()
    out: list[tuple[Mention, int, int]] = []
    words = [t for t in tokens]
    i = 0
    while i < len(words):
        tok = words[i]
        if tok.pos == "PNCT":
            i += 1
            continue
        cands: list[RuTerm] = []
        cands += by_exact.get(tok.text, ())
        cands += by_lemma.get(tok.lemma, ())
        if stem_re is not None and tok.capitalised and stem_re.match(tok.text):
            cands += [t for t in prefixes if tok.text.startswith(t.specs[0][1])]
        best = None
        for term in sorted(cands, key=lambda t: -len(t.specs)):
            n = len(term.specs)
            if i + n > len(words):
                continue
            if all(_ru_token_matches(words[i + j], term.specs[j]) for j in range(n)):
                best = (term, n)
                break
        if best is None:
            if "-" in tok.text or "–" in tok.text:
                for part in re.split(r"[-–]", tok.text):
                    low = part.lower()
                    hit = parts.get(low)
                    if hit is None:
                        lem = lexicon.lemma(part)
                        for t in by_lemma.get(lem, ()):
                            if len(t.specs) == 1 and t.code != "-" and (not t.specs[0][2] or part[:1].isupper()):
                                hit = t
                                break
                    if hit is not None and hit.code != "-":
                        s = tok.start + tok.text.find(part)
                        out.append((Mention(hit.code, "adjective", s, s + len(part), False, part), i, i + 1))
            i += 1
            continue
        term, n = best
        if term.code != "-" and not (term.kind == "capital" and _ru_capital_is_place(words, i)):
            s, e = words[i].start, words[i + n - 1].end
            m = Mention(term.code, term.kind, s, e, False, " ".join(w.text for w in words[i:i + n]))
            out.append((m, i, i + n))
        i += n
    return out


def _ru_capital_is_place(words: Sequence[RuToken], i: int) -> bool:
    if words[i].case == "loct":
        return True
    return i > 0 and words[i - 1].text.lower() in _LOCATIVE_RU


@lru_cache(maxsize=1)
def institution_codes() -> frozenset[str]:
    """Codes of the groups, institutions and initiatives the gazetteer knows that are not states
    or multivector.countries groups (UN, NATO, BRI, TITR, C5+1, OTS …)."""
    from multivector import countries

    codes = {row[0].strip() for name in ("actors_en.tsv", "actors_ru.tsv") for row in lexicon.lexicon_rows(name)}
    return frozenset(c for c in codes if c != "-" and not countries.is_known_iso3(c) and not countries.is_group(c))


def resolve_actor(query: object) -> str:
    """An actor code from a name or code: states and groups through multivector.countries, and the
    text channel's institutions (UN, NATO, BRI, TITR, C5+1 …) as written."""
    from multivector import countries

    text = str(query).strip()
    if text.upper() in institution_codes():
        return text.upper()
    return countries.resolve(text)


def actor_codes(mentions: Iterable[Mention]) -> list[tuple[str, int]]:
    """(code, mentions) in order of first appearance."""
    counts: dict[str, int] = {}
    for m in mentions:
        counts[m.code] = counts.get(m.code, 0) + 1
    return list(counts.items())
