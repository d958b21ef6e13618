"""Target-dependent stance: how a sentence speaks of each actor it names, in [−1, 1].

The method is a lexicon and a handful of rules, the same for English and Russian (documented and
measured in docs/text.md):

1. Polar words come from the stance lexicon (VADER's lexicon for general English words, Hutto &
   Gilbert 2014; the project's diplomatic vocabulary for both languages). Each has a valence v on
   VADER's −4..4 scale and a *type*: ``act`` (aggression, aid), ``oppose`` (condemn), ``support``
   (thank), ``demand`` (must, withdraw), ``eval`` (reliable, regime), ``rel`` (cooperation,
   conflict) or ``general``.
2. A polar word reaches an actor in the same clause through the actor's *role* toward it:
   modifier ("Russian aggression", "China's support"), subject, object, "of X", "by X",
   "against X", "in X", "with X", "to/for X" or merely near (Russian: preposition, else the
   grammatical case from pymorphy3). A factor per (type, role) says how much of the valence the
   actor receives: the agent of an aggression gets all of it, its victim ("against Ukraine",
   "the invasion of Cyprus") none; the object of a condemnation gets all of it, its subject none.
3. Negation within three words before the polar word multiplies it by −0.74 (VADER's constant);
   an intensifier by 1.25. The weight decays with distance: 1 / (1 + 0.15·(d − 1)).
4. The sentence score of an actor is s = x / √(x² + α) for the sum x of its weighted valences
   (VADER's normalisation, α = 4 on this scale), so s ∈ (−1, 1); labels use ±τ (0.2).

A document's stance toward an actor is the mean of its sentence scores (sentences naming it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from multivector.text import lexicon

ALPHA = 4.0
TAU = 0.2
DOC_TAU = 0.15
DECAY = 0.15
MAX_DISTANCE = 18
#: share left to other actors of a word that one actor modifies ("Russian pressure")
OWNED_FACTOR = 0.25

# roles of an actor toward a polar word
MOD, SUBJ, OBJ, OF, BY, AGAINST, IN, WITH, TO, NEAR, SELF = (
    "mod", "subj", "obj", "of", "by", "against", "in", "with", "to", "near", "self")

#: share of a polar word's valence that reaches an actor in each role, by word type; where a
#: pair is given, the first applies to negative words and the second to positive ones
FACTORS: dict[str, dict[str, float | tuple[float, float]]] = {
    "act": {MOD: 1.0, SUBJ: 1.0, BY: 1.0, OBJ: (0.0, 0.4), AGAINST: (0.0, 0.3), IN: (0.05, 0.4), WITH: 0.5,
            TO: (0.0, 0.6), NEAR: 0.3, SELF: 1.0},
    "oppose": {MOD: 0.0, SUBJ: 0.0, BY: 0.3, OBJ: 1.0, OF: 1.0, AGAINST: 1.0, IN: 0.3, WITH: 0.5, TO: 1.0,
               NEAR: 0.35, SELF: 1.0},
    "support": {MOD: 0.6, SUBJ: 0.3, BY: 0.5, OBJ: 1.0, OF: 0.7, AGAINST: 0.0, IN: 0.5, WITH: 1.0, TO: 1.0,
                NEAR: 0.4, SELF: 1.0},
    "demand": {MOD: 1.0, SUBJ: 1.0, BY: 0.5, OBJ: 1.0, OF: 1.0, AGAINST: 0.0, IN: 0.2, WITH: 0.3, TO: 0.5,
               NEAR: 0.3, SELF: 1.0},
    "eval": {MOD: 1.0, SUBJ: 1.0, BY: 0.5, OBJ: 0.8, OF: 1.0, AGAINST: 0.0, IN: (0.1, 0.4), WITH: 0.8,
             TO: (0.0, 0.8), NEAR: 0.5, SELF: 1.0},
    "rel": {MOD: 1.0, SUBJ: 0.8, BY: 0.5, OBJ: 0.8, OF: 0.8, AGAINST: (0.0, 0.5), IN: 0.2, WITH: 1.0, TO: 0.8,
            NEAR: 0.5, SELF: 1.0},
    "general": {MOD: 0.35, SUBJ: 0.35, BY: 0.3, OBJ: 0.25, OF: 0.25, AGAINST: 0.0, IN: 0.1, WITH: 0.3, TO: 0.1,
                NEAR: 0.2, SELF: 0.35},
}

PREP_EN = {
    "against": AGAINST, "on": AGAINST, "upon": AGAINST, "into": AGAINST, "at": AGAINST, "targeting": AGAINST,
    "in": IN, "inside": IN, "within": IN, "throughout": IN, "across": IN,
    "of": OF, "by": BY, "from": BY,
    "with": WITH, "between": WITH, "among": WITH, "amongst": WITH,
    "to": TO, "for": TO, "towards": TO, "toward": TO,
    "about": NEAR, "over": NEAR, "like": NEAR, "unlike": NEAR, "including": NEAR, "as": NEAR, "than": NEAR,
}
PREP_RU = {
    "против": AGAINST, "на": AGAINST, "по": AGAINST,
    "в": IN, "во": IN, "из": IN, "у": NEAR, "при": NEAR, "без": NEAR, "о": NEAR, "об": NEAR, "про": NEAR,
    "с": WITH, "со": WITH, "между": WITH, "среди": WITH,
    "к": TO, "ко": TO, "для": TO, "перед": TO, "отношение": TO,
    "от": BY, "сторона": BY,
}
#: words skipped between a preposition and the actor ("against the brotherly people of …")
SKIP_EN = frozenset(
    "the a an its their our his her this that these those all both fellow whole entire brotherly fraternal "
    "sister friendly neighbouring neighboring so-called small great".split())
#: nouns through which "N of X" makes X's role that of the whole phrase ("the people of Ukraine")
ABSORB_EN = frozenset(
    "people peoples population populations citizens children women civilians refugees inhabitants victims "
    "nation territory territories sovereignty independence integrity rights right cities lands land "
    "government governments president leadership authorities minister ministers forces army troops "
    "delegation state republic kingdom side part".split())
ABSORB_RU = frozenset(
    "народ население гражданин житель ребёнок ребенок женщина беженец жертва территория суверенитет независимость "
    "целостность право город земля правительство президент руководство власть министр войско армия сила "
    "делегация государство республика сторона".split())
FUNCTION_EN = frozenset(
    "is are was were be been being has have had will would shall should must can could may might do does did "
    "and or but that which who whom whose to of in for with on at by from as than not no".split())
BE_EN = frozenset("is are was were be been being".split())


@dataclass(slots=True)
class Tok:
    key: str
    """Lexicon key: lower-case form (English) or lemma (Russian)."""
    low: str
    pos: str = ""
    case: str = ""


@dataclass(slots=True)
class SentenceMention:
    code: str
    kind: str
    t0: int
    t1: int
    """Token range [t0, t1) of the mention."""
    possessive: bool = False


def _factor(kind: str, role: str, valence: float) -> float:
    f = FACTORS[kind].get(role, FACTORS[kind][NEAR])
    if isinstance(f, tuple):
        return f[0] if valence < 0 else f[1]
    return f


def _clauses(tokens: Sequence[Tok], lang: str) -> list[int]:
    breaks = lexicon.CLAUSE_BREAKS[lang]
    out, c = [], 0
    for t in tokens:
        if t.key in (";", ":") or t.low in breaks:
            c += 1
        out.append(c)
    return out


def _is_prep(tok: Tok, lang: str) -> str | None:
    if lang == "ru":
        if tok.pos == "PREP" or tok.low in PREP_RU:
            return PREP_RU.get(tok.low) or PREP_RU.get(tok.key)
        if tok.key in ("сторона", "отношение"):
            return PREP_RU[tok.key]
        return None
    return PREP_EN.get(tok.low)


def _before(tokens: Sequence[Tok], t0: int, lang: str) -> int:
    """Index of the token that governs the actor starting at t0: skip determiners/adjectives and
    absorb "people of" / "народ …" so that the phrase's own preposition is found."""
    j = t0 - 1
    while True:
        while j >= 0 and ((lang == "en" and tokens[j].low in SKIP_EN) or (lang == "ru" and tokens[j].pos in ("ADJF", "PRTF", "NUMR"))):
            j -= 1
        if lang == "en" and j >= 1 and tokens[j].low == "of" and tokens[j - 1].low in ABSORB_EN:
            j -= 2
            continue
        if lang == "ru" and j >= 0 and tokens[j].key in ABSORB_RU and tokens[j].pos == "NOUN":
            j -= 1
            continue
        return j


def _role(tokens: Sequence[Tok], m: SentenceMention, i: int, lang: str, passive: bool) -> str:
    if m.t0 <= i < m.t1:
        return SELF
    j = _before(tokens, m.t0, lang)
    prep = _is_prep(tokens[j], lang) if j >= 0 else None
    modifier = m.possessive or m.kind in ("adjective", "demonym", "prefix")
    if lang == "ru":
        return _role_ru(tokens, m, i, j, prep, modifier)
    if i < m.t0:
        # the polar word comes first
        if prep is not None and j > i:
            return prep
        if j == i or (m.t0 - i <= 3 and not any(_is_prep(tokens[k], lang) for k in range(i + 1, m.t0))):
            return SUBJ if passive else OBJ
        return NEAR
    # the actor comes first
    gap = range(m.t1, i)
    if modifier and len(gap) <= 2 and not any(tokens[k].low in FUNCTION_EN for k in gap):
        return MOD
    if m.kind == "name" and len(gap) == 0:
        return MOD
    if prep is not None:
        return prep
    return OBJ if passive else SUBJ


def _role_ru(tokens: Sequence[Tok], m: SentenceMention, i: int, j: int, prep: str | None, modifier: bool) -> str:
    head = tokens[m.t0]
    if modifier and m.t1 <= i and i - m.t1 <= 2:
        return MOD
    if prep == IN and head.case == "accs":
        prep = TO  # "в Афганистан": a direction, not a place
    if prep is not None and (j > i or m.t0 < i):
        return prep
    if modifier:
        return NEAR
    case = head.case
    if case == "gent":
        return OF if i < m.t0 else NEAR
    if case == "ablt":
        return BY
    if case == "datv":
        return TO
    if case == "nomn":
        return SUBJ
    if case == "accs":
        return OBJ
    return NEAR


def _passive(tokens: Sequence[Tok], i: int) -> bool:
    w = tokens[i].low
    if not (w.endswith("ed") or w.endswith("en")):
        return False
    k = i - 1
    while k >= 0 and tokens[k].low.endswith("ly"):
        k -= 1
    return k >= 0 and tokens[k].low in BE_EN


def score_sentence(tokens: Sequence[Tok], mentions: Sequence[SentenceMention], lang: str,
                   alpha: float = ALPHA, decay: float = DECAY) -> dict[str, float]:
    """Stance score in (−1, 1) of the sentence toward each actor it names."""
    if not mentions:
        return {}
    clause = _clauses(tokens, lang)
    negators = lexicon.NEGATORS[lang]
    boosters = lexicon.BOOSTERS[lang]
    raw: dict[str, float] = {m.code: 0.0 for m in mentions}
    mention_tokens = set()
    for m in mentions:
        mention_tokens.update(range(m.t0, m.t1))
    for i, tok in enumerate(tokens):
        pol = lexicon.polarity(lang, tok.key)
        if pol is None:
            continue
        if i in mention_tokens and pol.kind != "eval":
            continue  # "Peace" in a name, the "Union" of a group …
        v = pol.valence
        for k in range(max(0, i - 3), i):
            if clause[k] != clause[i]:
                continue
            if tokens[k].low in negators or tokens[k].key in negators:
                v *= lexicon.NEGATION_SCALAR
                break
        if i > 0 and (tokens[i - 1].low in boosters or tokens[i - 1].key in boosters):
            v *= lexicon.BOOST
        passive = lang == "en" and _passive(tokens, i)
        roles = {}
        for n, m in enumerate(mentions):
            if clause[m.t0] != clause[i] and not (m.t0 <= i < m.t1):
                continue
            d = (m.t0 - i) if i < m.t0 else (i - m.t1 + 1) if i >= m.t1 else 0
            if d > MAX_DISTANCE:
                continue
            roles[n] = (_role(tokens, m, i, lang, passive), d)
        # a word an actor modifies ("Russian pressure") belongs to that actor: others nearby get less
        owned = any(r in (MOD, SELF) for r, _ in roles.values())
        for n, (role, d) in roles.items():
            m = mentions[n]
            if role == OF:
                if pol.of_role == "patient":
                    role = AGAINST if v < 0 else TO
                elif pol.of_role == "agent":
                    role = BY if pol.kind in ("act", "demand") else MOD
            f = _factor(pol.kind, role, v)
            if owned and role in (SUBJ, OBJ, NEAR):
                f *= OWNED_FACTOR
            if f == 0.0:
                continue
            raw[m.code] += f * v / (1.0 + decay * max(0, d - 1))
    return {code: x / math.sqrt(x * x + alpha) for code, x in raw.items()}


def label(score: float, tau: float = TAU) -> str:
    """positive / neutral / negative for a score in [−1, 1]."""
    if score >= tau:
        return "positive"
    if score <= -tau:
        return "negative"
    return "neutral"
