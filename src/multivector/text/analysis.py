"""Analyse one text: actors, stance toward each, framing, IR lenses and numeric claims.

:func:`analyse_text` is the full analysis behind ``multivector read`` (with evidence sentences and
claim checks); :func:`speech_profile` is the lean version the corpus reader runs on 10,000
speeches (counts and scores only). Both share :func:`_core`.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from multivector.text import claims as claims_mod
from multivector.text import gazetteer, lexicon, stance
from multivector.text.tokens import EN_TOKEN, normalise, sentence_spans

_EN_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")


@dataclass
class ActorTally:
    mentions: int = 0
    scores: list[float] = field(default_factory=list)
    partner: int = 0
    threat: int = 0
    kinds: Counter = field(default_factory=Counter)
    evidence: list[tuple[float, int]] = field(default_factory=list)
    """(score, sentence index) of the sentences that name the actor."""


@dataclass
class Core:
    language: str
    text: str
    sentences: list[tuple[int, int]]
    words: int
    actors: dict[str, ActorTally]
    frames: Counter
    frame_terms: dict[str, Counter]
    frame_sentences: dict[str, Counter]
    claims: list


def _frame_phrases(lang: str) -> tuple[re.Pattern | None, dict[str, tuple[str, ...]]]:
    lex = lexicon.frame_lexicon(lang)
    if not lex.phrases:
        return None, {}
    joined = {" ".join(k): v for k, v in lex.phrases.items()}
    pat = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, joined), key=len, reverse=True)) + r")\b")
    return pat, joined


_PHRASES: dict[str, tuple] = {}


def _phrases(lang: str):
    if lang not in _PHRASES:
        _PHRASES[lang] = _frame_phrases(lang)
    return _PHRASES[lang]


def _count_frames(keys: Sequence[str], joined_text: str, lang: str, frames: Counter,
                  terms: dict[str, Counter] | None) -> None:
    fm = lexicon.frame_map(lang)
    counts = Counter(keys)
    for word in [w for w in counts if w not in fm]:
        lexicon.frame_fill(lang, word)
    vocab = lexicon.frame_vocab(lang)
    for word in [w for w in counts if w in vocab]:
        n = counts[word]
        cats = fm[word]
        if cats:
            for cat in cats:
                frames[cat] += n
                if terms is not None:
                    terms.setdefault(cat, Counter())[word] += n
    _, joined = _phrases(lang)
    for phrase, cats in joined.items():
        n = joined_text.count(phrase)
        if n:
            for cat in cats:
                frames[cat] += n
                if terms is not None:
                    terms.setdefault(cat, Counter())[phrase] += n


def _tally(actors, scores: dict, partner: int, threat: int, evidence_key) -> None:
    """Add one sentence's stance scores and partner/threat words to each actor it names (and the
    sentence as evidence when ``evidence_key`` is given)."""
    for code, sc in scores.items():
        tally = actors[code]
        tally.scores.append(sc)
        tally.partner += partner
        tally.threat += threat
        if evidence_key is not None:
            tally.evidence.append((sc, evidence_key))


def _partner_threat(keys: Sequence[str], lang: str) -> tuple[int, int]:
    fm = lexicon.frame_map(lang)
    vocab = lexicon.frame_vocab(lang)
    p = t = 0
    for k in keys:
        if k not in vocab:
            continue
        c = fm[k]
        if c:
            if "partner" in c:
                p += 1
            if "threat" in c:
                t += 1
    return p, t


def _core(text: str, lang: str, *, want_claims: bool, want_evidence: bool, speaker: str | None = None) -> Core:
    if lang == "ru":
        return _core_ru(text, want_claims=want_claims, want_evidence=want_evidence, speaker=speaker)
    return _core_en(text, want_claims=want_claims, want_evidence=want_evidence, speaker=speaker)


def _core_en(text: str, *, want_claims: bool, want_evidence: bool, speaker: str | None = None) -> Core:
    text = normalise(text)
    spans = sentence_spans(text, "en")
    starts = [s for s, _ in spans]
    mentions = gazetteer.find_english(text)
    by_sentence: dict[int, list[gazetteer.Mention]] = {}
    for m in mentions:
        k = bisect.bisect_right(starts, m.start) - 1
        by_sentence.setdefault(max(k, 0), []).append(m)
    actors: dict[str, ActorTally] = {}
    frame_sent: dict[str, Counter] = {}
    claims: list = []
    low = text.lower()
    if len(low) != len(text):  # a character whose lower case is longer (rare): keep offsets aligned
        low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    words = _EN_WORD.findall(low)
    frames: Counter = Counter()
    terms: dict[str, Counter] | None = {} if want_evidence else None
    _count_frames(words, low, "en", frames, terms)
    findall = EN_TOKEN.findall
    finditer = EN_TOKEN.finditer
    for k, ms in by_sentence.items():
        s, e = spans[k]
        found = [(t.group(), t.start()) for t in finditer(low, s, e)]
        keys = [t[0] for t in found]
        tstarts = [t[1] for t in found]
        sms = []
        for m in ms:
            tally = actors.get(m.code)
            if tally is None:
                tally = actors[m.code] = ActorTally()
            tally.mentions += 1
            tally.kinds[m.kind] += 1
            # the token that holds the mention's first character ("sino-russian" holds "Russian")
            t0 = max(bisect.bisect_right(tstarts, m.start) - 1, 0)
            t1 = t0 + max(1, len(findall(low, m.start, m.end)))
            if t0 < len(keys):
                sms.append(stance.SentenceMention(m.code, m.kind, t0, min(t1, len(keys)), m.possessive))
        scores = stance.score_sentence(keys, sms, "en", speaker=speaker)
        p, t = _partner_threat(keys, "en")
        _tally(actors, scores, p, t, (k if want_evidence else None))
        if want_claims and any(ch.isdigit() for ch in text[s:e]):
            claims += claims_mod.extract(text[s:e], ms, "en", offset=s)
    if want_claims:
        # sentences without actors can still carry figures ("Trade reached $44 billion in 2024")
        for k, (s, e) in enumerate(spans):
            if k not in by_sentence and any(ch.isdigit() for ch in text[s:e]):
                claims += claims_mod.extract(text[s:e], [], "en", offset=s)
        claims.sort(key=lambda c: c.start)
    if want_evidence:
        frame_sent = _lens_sentences_en(low, spans)
    return Core("en", text, spans, len(words), actors, frames, terms or {}, frame_sent, claims)


def _lens_sentences_en(low: str, spans) -> dict[str, Counter]:
    """For each lens/frame category, how many of its words each sentence holds (for examples)."""
    out: dict[str, Counter] = {}
    for k, (s, e) in enumerate(spans):
        for w in _EN_WORD.findall(low, s, e):
            for cat in lexicon.frame_categories("en", w):
                out.setdefault(cat, Counter())[k] += 1
    return out


def _core_ru(text: str, *, want_claims: bool, want_evidence: bool, speaker: str | None = None) -> Core:
    text = normalise(text)
    spans = sentence_spans(text, "ru")
    starts = [s for s, _ in spans]
    toks = gazetteer.ru_tokens(text)
    found = gazetteer.find_russian(toks)
    tok_sent = [max(bisect.bisect_right(starts, t.start) - 1, 0) for t in toks]
    sent_tokens: dict[int, list[int]] = {}
    for i, k in enumerate(tok_sent):
        sent_tokens.setdefault(k, []).append(i)
    by_sentence: dict[int, list[tuple[gazetteer.Mention, int, int]]] = {}
    for m, a, b in found:
        by_sentence.setdefault(tok_sent[a], []).append((m, a, b))
    actors: dict[str, ActorTally] = {}
    claims: list = []
    lemmas = [t.lemma for t in toks if t.pos != "PNCT"]
    frames: Counter = Counter()
    terms: dict[str, Counter] | None = {} if want_evidence else None
    _count_frames(lemmas, " ".join(lemmas), "ru", frames, terms)
    for k, ms in by_sentence.items():
        idx = sent_tokens[k]
        base = idx[0]
        keys = [toks[i].lemma for i in idx]
        lows = [lexicon.fold_yo(toks[i].text.lower()) for i in idx]
        sms = []
        for m, a, b in ms:
            sms.append(stance.SentenceMention(m.code, m.kind, a - base, b - base, False))
            tally = actors.setdefault(m.code, ActorTally())
            tally.mentions += 1
            tally.kinds[m.kind] += 1
        scores = stance.score_sentence(keys, sms, "ru", lows=lows, pos=[toks[i].pos for i in idx],
                                       case=[toks[i].case for i in idx], speaker=speaker)
        p, t = _partner_threat(keys, "ru")
        _tally(actors, scores, p, t, (k if want_evidence else None))
    frame_sent: dict[str, Counter] = {}
    if want_claims or want_evidence:
        for k, (s, e) in enumerate(spans):
            if want_claims and any(ch.isdigit() for ch in text[s:e]):
                ms = [m for m, _, _ in by_sentence.get(k, [])]
                claims += claims_mod.extract(text[s:e], ms, "ru", offset=s)
            if want_evidence:
                for i in sent_tokens.get(k, []):
                    for cat in lexicon.frame_categories("ru", toks[i].lemma):
                        frame_sent.setdefault(cat, Counter())[k] += 1
    return Core("ru", text, spans, len(lemmas), actors, frames, terms or {}, frame_sent, claims)


# ---------------------------------------------------------------------------------------------
# Scores


def framing_scores(frames: Counter, words: int) -> dict[str, float | None]:
    """Per 1,000 words, and the two balances in [−1, 1]:
    cooperation_vs_conflict = (c − k) / (c + k), partner_vs_threat = (p − t) / (p + t)."""
    per = 1000.0 / words if words else 0.0

    def bal(a: str, b: str) -> float | None:
        x, y = frames[a], frames[b]
        return round((x - y) / (x + y), 4) if x + y else None

    return {
        "cooperation": round(frames["cooperation"] * per, 3),
        "conflict": round(frames["conflict"] * per, 3),
        "cooperation_vs_conflict": bal("cooperation", "conflict"),
        "partner": round(frames["partner"] * per, 3),
        "threat": round(frames["threat"] * per, 3),
        "partner_vs_threat": bal("partner", "threat"),
    }


def lens_scores(frames: Counter, words: int) -> dict[str, dict[str, float]]:
    """Each IR lens: terms per 1,000 words and its share of the three lenses' terms."""
    per = 1000.0 / words if words else 0.0
    total = sum(frames[l] for l in lexicon.LENSES)
    return {l: {"score": round(frames[l] * per, 3), "share": round(frames[l] / total, 4) if total else None}
            for l in lexicon.LENSES}


def mean(xs: Sequence[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


# ---------------------------------------------------------------------------------------------
# Public entry points


def speech_profile(text: str, language: str = "en", speaker: str | None = None) -> dict:
    """Counts and scores of one speech, for the corpus tables (no evidence, no claims).
    ``speaker`` (ISO3) is the speaking state: its own relations count in full (see stance)."""
    core = _core(text, language, want_claims=False, want_evidence=False, speaker=speaker)
    actors = {}
    for code, t in core.actors.items():
        pos = sum(1 for s in t.scores if s >= stance.TAU)
        neg = sum(1 for s in t.scores if s <= -stance.TAU)
        actors[code] = (t.mentions, len(t.scores), mean(t.scores), pos, neg, t.partner, t.threat)
    return {"words": core.words, "sentences": len(core.sentences), "actors": actors, "frames": dict(core.frames)}


def _snippet(text: str, span: tuple[int, int], limit: int = 320) -> str:
    s = text[span[0]:span[1]].strip()
    return s if len(s) <= limit else s[: limit - 1].rstrip() + "…"


LINKED_TESTS = [
    ("additive_or_subtractive", "multivector.claims.additive_or_subtractive",
     "closer ties with one power come (or do not come) at the expense of the others",
     re.compile(r"at the expense of|zero-sum|zero sum|additive|subtractive|crowd(?:s|ed|ing)? out|not instead of|"
                r"в ущерб|за сч[её]т друг|с нулевой суммой|не в ущерб|взаимодополня", re.I)),
    ("shift_over_time", "multivector.claims.shift_over_time",
     "a relation changed at a point in time (e.g. trust replaced threat perception)",
     re.compile(r"(?:trust|confidence) (?:has )?replaced|replaced (?:the )?(?:threat|fear|suspicion)|"
                r"no longer (?:seen as |regarded as |perceived as )?a threat|from (?:threat|suspicion) to (?:trust|partnership)|"
                r"turning point|доверие (?:пришло|сменило|заменило)|больше не (?:считает|видит|воспринимает)\w*.{0,40}угроз|"
                r"от (?:угрозы|подозрительности) к (?:доверию|партн[её]рству)|переломн", re.I)),
    ("dependence_risk", "multivector.claims.dependence_risk",
     "dependence on one partner is a risk",
     re.compile(r"dependen\w*|reliance on|over-?reliance|vulnerab\w*|debt[- ]trap|leverage over|"
                r"зависимост\w*|зависим\w* от|долгов\w* ловушк\w*|уязвим\w*", re.I)),
]


def linked_tests(text: str, spans, actors_by_sentence: dict[int, list[str]] | None = None) -> list[dict]:
    """Qualitative claims the project can test: sentences that state one, and the test to run."""
    out = []
    for k, (s, e) in enumerate(spans):
        sent = text[s:e]
        for name, func, what, pat in LINKED_TESTS:
            if pat.search(sent):
                out.append({"test": name, "function": func, "claim": what, "sentence": _snippet(text, (s, e)),
                            "actors": (actors_by_sentence or {}).get(k, [])})
    return out


def analyse_text(text: str, language: str, *, check: bool = True, figures=None, context: str | None = None,
                 store=None) -> dict:
    """The full analysis of one English or Russian text (the ``multivector read`` JSON fields)."""
    from multivector import countries

    core = _core(text, language, want_claims=True, want_evidence=True)
    actors_out = []
    stance_out = []
    for code, t in sorted(core.actors.items(), key=lambda kv: (-kv[1].mentions, kv[0])):
        actors_out.append({"code": code, "name": countries.name(code), "mentions": t.mentions,
                           "kinds": dict(sorted(t.kinds.items()))})
        sc = mean(t.scores)
        if sc is None:
            continue
        ev = sorted(t.evidence, key=lambda x: -abs(x[0]))[:2]
        stance_out.append({
            "actor": code, "score": round(sc, 4), "label": stance.label(sc, stance.DOC_TAU),
            "sentences": len(t.scores),
            "positive_sentences": sum(1 for s in t.scores if s >= stance.TAU),
            "negative_sentences": sum(1 for s in t.scores if s <= -stance.TAU),
            "evidence": [{"sentence": _snippet(core.text, core.sentences[k]), "score": round(s, 3)} for s, k in ev],
        })
    framing = framing_scores(core.frames, core.words)
    framing["by_actor"] = {code: {"partner": t.partner, "threat": t.threat}
                           for code, t in core.actors.items() if t.partner or t.threat}
    lenses = lens_scores(core.frames, core.words)
    for lens, d in lenses.items():
        d["terms"] = [{"term": w, "count": n} for w, n in core.frame_terms.get(lens, Counter()).most_common(6)]
        best = core.frame_sentences.get(lens, Counter()).most_common(2)
        d["evidence"] = [_snippet(core.text, core.sentences[k]) for k, _ in best]
    claims = core.claims
    if check and claims:
        from multivector.text.checks import check_claims

        check_claims(claims, figures, context=context, store=store)
    by_sentence: dict[int, list[str]] = {}
    for code, t in core.actors.items():
        for _, k in t.evidence:
            by_sentence.setdefault(k, []).append(code)
    return {
        "language": language,
        "words": core.words,
        "sentences": len(core.sentences),
        "actors": actors_out,
        "stance": stance_out,
        "framing": framing,
        "lenses": lenses,
        "claims": [c.as_dict() for c in claims],
        "linked_tests": linked_tests(core.text, core.sentences, by_sentence),
    }
