"""Target-dependent stance: how a sentence speaks of each actor it names, in [−1, 1].

The method is a lexicon and a set of written rules, the same for English and Russian
(documented and measured in docs/text.md):

1. Polar words come from the stance lexicon (VADER's lexicon for general English words, Hutto &
   Gilbert 2014; the project's diplomatic vocabulary for both languages). Each has a valence v on
   VADER's −4..4 scale and a *type*: ``act`` (aggression, aid), ``oppose`` (condemn), ``support``
   (thank), ``psych`` (alarm, worry), ``demand`` (must, withdraw), ``eval`` (reliable, regime),
   ``rel`` (cooperation, conflict) or ``general``.
2. A polar word reaches an actor in the same clause through the actor's *role* toward it:
   modifier ("Russian aggression", "China's support"), subject, object, "of X", "by X",
   "against X", "in X", "with X", "to/for X" or merely near (Russian: the preposition, else the
   grammatical case from pymorphy3). A factor per (type, role) — :data:`FACTORS` — says how much of
   the valence the actor receives: the agent of an aggression gets all of it, its victim ("against
   Ukraine", "the invasion of Cyprus") none; the object of a condemnation gets all of it, its
   subject none; the experiencer of alarm ("alarmed Kazakh officials") none.
3. Relations between *other* parties are reported, not the speaker's own: a relation word
   (cooperation, conflict, partner of X) counts in full only when the clause involves the speaker
   (its own name, or "we/our", "мы/наш"), else at :data:`THIRD_PARTY` (0.5).
4. Negation within four words before a polar word multiplies a positive word by −0.74 (VADER's
   constant) and a negative one by −0.2 ("not a threat" is not praise); "never … closer" is an
   idiom of closeness, not a negation. An intensifier multiplies by 1.25; a negative adjective
   before a positive noun ("a poor partner") cancels the noun. The weight decays with distance:
   1 / (1 + δ·(d − 1)), δ = 0.05, up to 15 words away.
5. The sentence score of an actor is s = x / √(x² + α) for the sum x of its weighted valences
   (VADER's normalisation, α = 4), so s ∈ (−1, 1); labels use ±τ (τ = 0.2 for a sentence, 0.15 for
   the mean over a document).

A document's stance toward an actor is the mean of its sentence scores (sentences naming it).
The free parameters (α, τ, δ, the third-party share) were set on the ``dev`` half of the
evaluation set; figures are reported on ``test`` (docs/text.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from multivector.text import lexicon

ALPHA = 4.0
TAU = 0.2
DOC_TAU = 0.15
DECAY = 0.05
MAX_DISTANCE = 15
#: share left to other actors of a word that one actor modifies ("Russian pressure")
OWNED_FACTOR = 0.25
#: share of a relation word when the relation does not involve the speaker
THIRD_PARTY = 0.5
#: share of an act noun ("attack", "aggression") that reaches the subject of the clause
NOUN_SUBJECT = 0.4
NEGATE_POSITIVE = lexicon.NEGATION_SCALAR
NEGATE_NEGATIVE = -0.2
NEGATION_WINDOW = 4

# roles of an actor toward a polar word
MOD, SUBJ, OBJ, OF, BY, AGAINST, IN, WITH, TO, NEAR, SELF, INNER = (
    "mod", "subj", "obj", "of", "by", "against", "in", "with", "to", "near", "self", "inner")
#: INNER: the actor sits in a phrase that belongs to a nearer polar word ("condemn [the aggression
#: against Ukraine]"): the outer word is about that phrase, not about the actor

#: share of a polar word's valence that reaches an actor in each role, by word type; where a
#: pair is given, the first applies to negative words and the second to positive ones
FACTORS: dict[str, dict[str, float | tuple[float, float]]] = {
    "act": {MOD: 1.0, SUBJ: 1.0, BY: 1.0, OBJ: (0.0, 0.4), OF: (0.0, 0.3), AGAINST: (0.0, 0.3), IN: (0.0, 0.4),
            WITH: 0.5, TO: (0.0, 0.6), NEAR: 0.3, SELF: 1.0},
    "oppose": {MOD: 0.0, SUBJ: 0.0, BY: 0.3, OBJ: 1.0, OF: 1.0, AGAINST: 1.0, IN: 0.0, WITH: 0.5, TO: 1.0,
               NEAR: 0.35, SELF: 1.0},
    "support": {MOD: 0.6, SUBJ: 0.3, BY: 0.5, OBJ: 1.0, OF: 0.7, AGAINST: 0.0, IN: 0.3, WITH: 1.0, TO: 1.0,
                NEAR: 0.4, SELF: 1.0},
    "psych": {MOD: 0.8, SUBJ: 0.6, BY: 1.0, OBJ: 0.0, OF: 0.6, AGAINST: 0.0, IN: 0.0, WITH: 0.3, TO: 0.0,
              NEAR: 0.5, SELF: 1.0},
    "demand": {MOD: 1.0, SUBJ: 1.0, BY: 0.5, OBJ: 1.0, OF: 1.0, AGAINST: 0.0, IN: 0.2, WITH: 0.3, TO: 0.5,
               NEAR: 0.3, SELF: 1.0},
    "eval": {MOD: 1.0, SUBJ: 1.0, BY: 0.5, OBJ: 0.8, OF: 1.0, AGAINST: 0.0, IN: 0.1, WITH: 0.8,
             TO: (0.0, 0.8), NEAR: 0.5, SELF: 1.0},
    "rel": {MOD: 1.0, SUBJ: 0.8, BY: 0.5, OBJ: 0.8, OF: 0.8, AGAINST: (0.0, 0.5), IN: 0.2, WITH: 1.0, TO: 0.8,
            NEAR: 0.5, SELF: 1.0},
    "general": {MOD: 0.35, SUBJ: 0.35, BY: 0.3, OBJ: 0.25, OF: 0.1, AGAINST: 0.0, IN: 0.1, WITH: 0.3, TO: 0.1,
                NEAR: 0.2, SELF: 0.35},
}
#: roles in which an evaluative word describes the *other* party of a relation ("partner of X")
_OTHER_PARTY = frozenset({OF, TO, WITH})

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
    "народ население гражданин житель ребенок женщина беженец жертва территория суверенитет независимость "
    "целостность право город земля правительство президент руководство власть министр войско армия сила "
    "делегация государство республика сторона".split())
FUNCTION_EN = frozenset(
    "is are was were be been being has have had will would shall should must can could may might do does did "
    "and or but that which who whom whose to of in for with on at by from as than not no".split())
BE_EN = frozenset("is are was were be been being".split())
FIRST_PERSON = {
    "en": frozenset("we our us ours my".split()),
    "ru": frozenset("мы наш мой".split()),
}
#: verbs that make their subject the cause of the attitude that follows ("drew criticism")
CAUSATIVE = {
    "en": frozenset("cause causes caused provoke provokes provoked draw draws drew drawn spark sparks sparked trigger "
                    "triggers triggered prompt prompts prompted earn earns earned win wins won deserve deserves "
                    "deserved attract attracts attracted".split()),
    "ru": frozenset("вызывать вызвать спровоцировать провоцировать заслуживать заслужить снискать".split()),
}
#: quantifiers that negate only at the start of a clause
_CLAUSE_INITIAL_NEGATORS = frozenset({"few", "little", "мало"})
_ADJ_SUFFIXES = ("al", "ic", "ive", "ous", "ful", "ing", "ed", "ary", "ian", "ent", "ant", "less", "ist", "ese", "ish",
                 "ern", "ible", "able")


@dataclass(slots=True)
class Tok:
    """A token for :func:`score_tokens` (convenience; the fast path passes parallel lists)."""

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


class _Sentence:
    """Parallel lists of one sentence's tokens: lexicon keys, lower-case forms, and for Russian
    the part of speech and case of each word."""

    __slots__ = ("keys", "lows", "pos", "case", "lang", "polar")

    def __init__(self, keys, lows, pos, case, lang, polar=frozenset()):
        self.keys, self.lows, self.pos, self.case, self.lang = keys, lows, pos, case, lang
        self.polar = polar
        """Indices of the polar words (a preposition attaches to the nearest of them)."""

    def nearer_head(self, i: int, j: int) -> bool:
        """Is there a polar word between i and the preposition at j ("condemn the aggression against X")?"""
        return any(i < k < j for k in self.polar)


def _factor(kind: str, role: str, valence: float) -> float:
    if role == INNER:
        return 0.1 if kind == "general" else 0.0
    f = FACTORS[kind].get(role, FACTORS[kind][NEAR])
    if isinstance(f, tuple):
        return f[0] if valence < 0 else f[1]
    return f


_BREAKS = {lang: frozenset(words) | {";", ":"} for lang, words in lexicon.CLAUSE_BREAKS.items()}


def _clauses(s: _Sentence) -> list[int] | None:
    """Clause number of each token (None when the sentence is one clause)."""
    breaks = _BREAKS[s.lang]
    idx = [k for k, low in enumerate(s.lows) if low in breaks]
    if not idx:
        return None
    out, c, nxt = [], 0, 0
    for k in range(len(s.lows)):
        if nxt < len(idx) and idx[nxt] == k:
            c += 1
            nxt += 1
        out.append(c)
    return out


def _is_prep(s: _Sentence, j: int) -> str | None:
    low = s.lows[j]
    if s.lang == "ru":
        key = s.keys[j]
        if key in ("сторона", "отношение") and j > 0 and s.lows[j - 1] in ("со", "в", "по"):
            return PREP_RU[key]
        if s.pos[j] == "PREP" or low in PREP_RU:
            return PREP_RU.get(low)
        return None
    return PREP_EN.get(low)


def _before(s: _Sentence, t0: int) -> int:
    """Index of the token that governs the actor starting at t0: skip determiners/adjectives and
    absorb "people of" / "народ …" so that the phrase's own preposition is found."""
    j = t0 - 1
    lows = s.lows
    if s.lang == "en":
        while True:
            while j >= 0 and (lows[j] in SKIP_EN or (lows[j].endswith(_ADJ_SUFFIXES) and lows[j] not in PREP_EN
                                                     and lows[j] not in FUNCTION_EN)):
                j -= 1
            if j >= 1 and lows[j] == "of" and lows[j - 1] in ABSORB_EN:
                j -= 2
                continue
            return j
    pos = s.pos
    while True:
        while j >= 0 and pos[j] in ("ADJF", "PRTF", "NUMR"):
            j -= 1
        if j >= 0 and s.keys[j] in ABSORB_RU and pos[j] == "NOUN":
            j -= 1
            continue
        return j


def _adjective_like(s: _Sentence, k: int) -> bool:
    if s.lang == "ru":
        return s.pos[k] in ("ADJF", "PRTF", "ADVB")
    w = s.lows[k]
    return w.endswith(_ADJ_SUFFIXES) or lexicon.polarity("en", w) is not None


def _role(s: _Sentence, m: SentenceMention, i: int, passive: bool) -> str:
    if m.t0 <= i < m.t1:
        return SELF
    j = _before(s, m.t0)
    prep = _is_prep(s, j) if j >= 0 else None
    modifier = m.possessive or m.kind in ("adjective", "demonym", "prefix")
    if s.lang == "ru":
        return _role_ru(s, m, i, j, prep, modifier)
    if i < m.t0:
        # the polar word comes first; the preposition belongs to the nearest polar word before it
        if prep is not None and j > i:
            return INNER if s.nearer_head(i, j) else prep
        if j == i or (m.t0 - i <= 3 and not any(_is_prep(s, k) for k in range(i + 1, m.t0))):
            return SUBJ if passive else OBJ
        return NEAR
    # the actor comes first: a modifier of the polar word itself, or of a phrase before it
    if modifier and all(_adjective_like(s, k) for k in range(m.t1, i)) and i - m.t1 <= 2:
        return MOD
    if m.kind == "name" and i == m.t1:
        return MOD
    if prep is not None and prep != OF:
        return prep
    if prep == OF and j > 0 and lexicon.polarity("en", s.lows[j - 1]) is not None:
        return NEAR  # "the bombardment of Gaza has killed …": Gaza is what was bombarded, not the subject
    # "the attitude of the United Kingdom constitutes a violation": the possessor of the subject
    return OBJ if passive else SUBJ


def _role_ru(s: _Sentence, m: SentenceMention, i: int, j: int, prep: str | None, modifier: bool) -> str:
    head = j + 1 if j + 1 < m.t0 else m.t0  # an absorbed phrase ("власти Таджикистана") takes its head's case
    case = s.case[head]
    if modifier and m.t1 <= i and i - m.t1 <= 2 and all(_adjective_like(s, k) for k in range(m.t1, i)):
        return MOD
    if prep == IN and case == "accs":
        prep = TO  # "в Афганистан": a direction, not a place
    if prep is not None and j > i and s.nearer_head(i, j):
        return INNER
    if prep is not None and (j > i or m.t0 < i):
        return prep
    if modifier and m.t1 <= i:
        return NEAR
    # a name, or an adjective after the polar word: its case says its role ("встревожила казахстанских чиновников")
    if case == "gent":
        if i < m.t0:
            return OF
        # "Политика Китая вызывает …": the possessor of the subject
        return SUBJ if j >= 0 and s.pos[j] == "NOUN" and s.case[j] == "nomn" else NEAR
    if case == "ablt":
        return BY
    if case == "datv":
        return TO
    if case == "nomn":
        return SUBJ
    if case == "accs":
        return OBJ
    return NEAR


def _passive(lows: Sequence[str], i: int) -> bool:
    w = lows[i]
    if not (w.endswith("ed") or w.endswith("en")):
        return False
    k = i - 1
    while k >= 0 and lows[k].endswith("ly"):
        k -= 1
    return k >= 0 and lows[k] in BE_EN


def score_tokens(tokens: Sequence[Tok], mentions: Sequence[SentenceMention], lang: str, **kw) -> dict[str, float]:
    """:func:`score_sentence` for a list of :class:`Tok`."""
    return score_sentence([t.key for t in tokens], mentions, lang, lows=[t.low for t in tokens],
                          pos=[t.pos for t in tokens], case=[t.case for t in tokens], **kw)


def _valence(s: _Sentence, i: int, pol: lexicon.Polarity, clause: Sequence[int]) -> float:
    """The polar word's valence after negation, idioms, intensifiers and adjective-noun composition."""
    keys, lows = s.keys, s.lows
    negators = lexicon.NEGATORS[s.lang]
    v = pol.valence
    ci = clause[i]
    for k in range(max(0, i - NEGATION_WINDOW), i):
        if clause[k] == ci and (lows[k] in negators or keys[k] in negators):
            if lows[k] in _CLAUSE_INITIAL_NEGATORS and k > 0 and clause[k - 1] == ci:
                continue  # "few genuine success stories" is not a negation; "Few Kazakhs trust …" is
            never = lows[k] in ("never", "никогда") or (k > 0 and lows[k - 1] == "никогда")
            comparative = lows[i].endswith("er") or (i > 0 and lows[i - 1] in ("так", "настолько", "more", "more"))
            if never and comparative and v > 0:
                v *= lexicon.BOOST  # "have never been closer"
            else:
                v *= NEGATE_POSITIVE if v > 0 else NEGATE_NEGATIVE
            break
    if i > 0:
        prev_low, prev_key = lows[i - 1], keys[i - 1]
        if prev_low in lexicon.BOOSTERS[s.lang] or prev_key in lexicon.BOOSTERS[s.lang]:
            v *= lexicon.BOOST
        elif v > 0 and pol.kind in ("eval", "rel"):
            prev = lexicon.polarity(s.lang, prev_key)
            if prev is not None and prev.valence < 0 and prev.kind in ("eval", "general"):
                v = 0.0  # "a poor partner": the adjective carries the judgement
    return v


def score_sentence(keys: Sequence[str], mentions: Sequence[SentenceMention], lang: str, *,
                   lows: Sequence[str] | None = None, pos: Sequence[str] | None = None,
                   case: Sequence[str] | None = None, speaker: str | None = None,
                   alpha: float = ALPHA, decay: float = DECAY, third_party: float = THIRD_PARTY) -> dict[str, float]:
    """Stance score in (−1, 1) of one sentence toward each actor it names.

    ``keys`` are the lexicon keys of the tokens (lower-case words in English, lemmas in Russian);
    ``lows`` their lower-case forms (default: ``keys``); Russian also needs ``pos`` and ``case``.
    ``speaker`` (an ISO3 code) marks the speaker's own mentions, which make a relation its own.
    """
    if not mentions:
        return {}
    get = lexicon.polarity_map(lang).get
    missing = lexicon.MISSING
    polar = []
    for i, k in enumerate(keys):
        p = get(k, missing)
        if p is missing:
            p = lexicon.polarity_fill(lang, k)
        if p is not None:
            polar.append((i, p))
    raw: dict[str, float] = {m.code: 0.0 for m in mentions}
    if not polar:
        return raw
    s = _Sentence(keys, lows if lows is not None else keys, pos, case, lang, frozenset(i for i, _ in polar))
    clause = _clauses(s) or [0] * len(keys)
    lows_ = s.lows
    first_person = FIRST_PERSON[lang]
    causative = CAUSATIVE[lang]
    # clauses in which the speaker takes part ("we", "our", or its own name)
    own = {clause[k] for k, w in enumerate(keys) if w in first_person or lows_[k] in first_person}
    if speaker:
        own |= {clause[m.t0] for m in mentions if m.code == speaker}
    # victims: actors that are the patient of a hostile act in their clause ("the invasion of
    # Cyprus", "aggression against Ukraine") take no share of the other hostile words nearby
    victims: set[int] = set()
    for i, pol in polar:
        if pol.kind == "act" and pol.valence < 0:
            for n, m in enumerate(mentions):
                if i < m.t0 and clause[m.t0] == clause[i] and m.t0 - i <= MAX_DISTANCE:
                    r = _role(s, m, i, lang == "en" and _passive(lows_, i))
                    if r == AGAINST or (r == OF and pol.of_role == "patient") or (r == OBJ and pol.of_role == "-"):
                        victims.add(n)
    for i, pol in polar:
        if pol.kind != "eval" and any(m.t0 <= i < m.t1 for m in mentions):
            continue  # "Peace" in a name, the "Union" of a group …
        v = _valence(s, i, pol, clause)
        if v == 0.0:
            continue
        ci = clause[i]
        passive = lang == "en" and _passive(lows_, i)
        caused = pol.kind in ("oppose", "support", "psych") and any(
            clause[k] == ci and (keys[k] in causative or lows_[k] in causative) for k in range(max(0, i - 4), i))
        is_noun = pol.of_role != "-" if lang == "en" else (pos is not None and pos[i] == "NOUN")
        roles = []
        owned = False
        against = False
        for n, m in enumerate(mentions):
            inside = m.t0 <= i < m.t1
            if clause[m.t0] != ci and not inside:
                continue
            if n in victims and pol.kind == "act" and pol.valence < 0 and not inside:
                d = 0
                roles.append((m, AGAINST, d))
                continue
            d = (m.t0 - i) if i < m.t0 else (i - m.t1 + 1) if i >= m.t1 else 0
            if d > MAX_DISTANCE:
                continue
            role = _role(s, m, i, passive)
            owned = owned or role in (MOD, SELF)
            against = against or (role == AGAINST and i < m.t0)
            roles.append((m, role, d))
        kind = pol.kind
        if kind == "rel" and v < 0 and against:
            kind = "act"  # "Moscow's war against Ukraine": an aggression, not a quarrel between two
        third = ci not in own
        verb_ru = lang == "ru" and pos is not None and pos[i] in ("VERB", "INFN", "PRTS", "GRND")
        for m, role, d in roles:
            if role == OF and verb_ru:
                role = OBJ  # a verb has no genitive complement of its own: the case is the object's
            if role == OF:
                if pol.of_role == "patient":
                    role = AGAINST if v < 0 else TO
                elif pol.of_role == "agent":
                    role = BY if kind in ("act", "demand") else MOD
            if caused and role in (SUBJ, MOD):
                f = 1.0  # "China's policy provokes outrage": the subject is the cause
            elif caused and role == IN:
                f = 0.0  # "… outrage in Kazakhstan": where the attitude is held
            else:
                f = _factor(kind, role, v)
            if kind == "act" and is_noun and role == SUBJ:
                f *= NOUN_SUBJECT  # the subject of the clause is not necessarily the noun's agent
            if owned and role in (SUBJ, OBJ, NEAR):
                f *= OWNED_FACTOR
            if third and (kind == "rel" or (kind == "eval" and role in _OTHER_PARTY)):
                f *= third_party
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
