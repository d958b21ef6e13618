"""Numeric claims in a text: money, percentages, tonnes and containers, with year, period,
subject, object and the quantity they measure (trade, exports, investment, loans, freight …).

Each claim is a :class:`Claim` with ``value`` in base units ("USD 44 billion" → 44 000 000 000,
"4,5 млн тонн" → 4 500 000 t, "21%" → 21). Written rules, English and Russian:

* number formats: 44, 43.8, 1,234.5 (English), 43,8 and 1 234,5 (Russian);
* magnitudes: thousand/million/billion/trillion, k/m/mn/bn/tn, тыс./млн/млрд/трлн;
* currencies before or after the number: $, US$, USD, €, EUR, £, ¥, CNY, RMB, yuan, ₸, KZT,
  tenge, ₽, RUB, roubles/rubles, долл./долларов (США), евро, юаней, тенге, рублей;
* the quantity is the nearest keyword in the sentence (trade turnover, exports, imports,
  investment, loans, freight/transit/cargo, GDP, debt, share), preferring one before the number;
* subject and object are the first two actors the sentence names; "exports to Y"/"экспорт в Y"
  and "imports from Y"/"импорт из Y" set the object; a possessive or "from X"/"из X" the subject;
* the year is the nearest four-digit year (1950–2049) that is not the value itself; the period
  is annual unless the sentence names part of a year (first half, nine months, January–July …),
  a cumulative total ("since 2005", "с 2005 года") or a target ("by 2030", "к 2030 году").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from multivector.text.gazetteer import Mention

_NUM = r"(?P<num>\d{1,3}(?:[ \u00a0\u202f,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
_MAG = (r"(?P<mag>trillion|tn|trn|billion|bn|b|million|mln|mn|m|thousand|k|"
        r"трлн\.?|триллион\w*|млрд\.?|миллиард\w*|млн\.?|миллион\w*|тыс\.?|тысяч\w*)")
_CUR_PRE = r"(?P<cpre>US\s?\$|USD|\$|€|EUR|£|GBP|¥|CNY|RMB|₸|KZT|₽|RUB)"
_CUR_POST = (r"(?P<cpost>US dollars|U\.S\. dollars|United States dollars|dollars|dollar|USD|euros?|EUR|yuan|renminbi|"
             r"RMB|CNY|tenge|KZT|roubles?|rubles?|RUB|"
             r"доллар\w*(?:\s?США)?|долл\.?(?:\s?США)?|евро|юан\w*|тенге|рубл\w*|руб\.?|\$)")
_UNIT_T = r"(?P<tonnes>tonnes|tons|metric tons|t\b|Mt\b|тонн\w*|т\.?(?=\s|$))"
_UNIT_TEU = r"(?P<teu>TEU|ДФЭ|containers|контейнер\w*)"
_UNIT_PCT = r"(?P<pct>%|per cent|percent|процент\w*)"

_CLAIM_PATTERN = (
    rf"(?:{_CUR_PRE}\s?{_NUM}(?:\s?{_MAG}\b)?)"
    rf"|(?:{_NUM.replace('<num>', '<num1>')}\s?(?:{_MAG.replace('<mag>', '<mag1>')}\.?\s?)?"
    rf"(?:{_CUR_POST}|{_UNIT_PCT}|{_UNIT_T}|{_UNIT_TEU}))"
)
CLAIM_RE = re.compile(_CLAIM_PATTERN, re.IGNORECASE)

MAGNITUDE = {
    "trillion": 1e12, "tn": 1e12, "trn": 1e12, "трлн": 1e12, "триллион": 1e12,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "млрд": 1e9, "миллиард": 1e9,
    "million": 1e6, "mln": 1e6, "mn": 1e6, "m": 1e6, "млн": 1e6, "миллион": 1e6,
    "thousand": 1e3, "k": 1e3, "тыс": 1e3, "тысяч": 1e3,
}
CURRENCY = [
    (re.compile(r"^(us\s?\$|usd|\$|us dollars?|u\.s\. dollars|united states dollars|dollars?|долл|доллар)", re.I), "USD"),
    (re.compile(r"^(€|eur|euro|евро)", re.I), "EUR"),
    (re.compile(r"^(£|gbp)", re.I), "GBP"),
    (re.compile(r"^(¥|cny|rmb|yuan|renminbi|юан)", re.I), "CNY"),
    (re.compile(r"^(₸|kzt|tenge|тенге)", re.I), "KZT"),
    (re.compile(r"^(₽|rub|roubles?|rubles?|руб)", re.I), "RUB"),
]
_YEAR = re.compile(r"(?<![\d.,])(19[5-9]\d|20[0-4]\d)(?![\d])")

QUANTITIES: list[tuple[str, re.Pattern]] = [
    ("exports", re.compile(r"\b(export\w*|экспорт\w*|вывоз\w*)", re.I)),
    ("imports", re.compile(r"\b(import\w*|импорт\w*|ввоз\w*)", re.I)),
    ("turnover", re.compile(r"\b(trade turnover|turnover|bilateral trade|trade volume|trade|traded|товарооборот\w*|"
                            r"торгов\w* оборот\w*|объ[её]м\w* (?:взаимной )?торговли|торговл\w*)", re.I)),
    ("fdi", re.compile(r"\b(foreign direct investment|FDI|investment\w*|invested|investor\w*|инвестиц\w*|ПИИ|"
                       r"вложени\w*|инвестир\w*)", re.I)),
    ("loans", re.compile(r"\b(loan\w*|credit\w*|lending|кредит\w*|за[её]м\w*|займ\w*)", re.I)),
    ("freight", re.compile(r"\b(cargo|freight|transit|shipment\w*|container\w*|груз\w*|перевоз\w*|транзит\w*|"
                           r"контейнер\w*)", re.I)),
    ("gdp", re.compile(r"\b(GDP|gross domestic product|ВВП)", re.I)),
    ("debt", re.compile(r"\b(debt\w*|долг\w*)", re.I)),
    ("share", re.compile(r"\b(share|proportion|доля|долю|доли)", re.I)),
]
PERIODS: list[tuple[str, re.Pattern]] = [
    ("target", re.compile(r"\b(by|until|target\w*|aim\w*|plan\w*|goal|к|до|цель\w*|план\w*|намерен\w*)\s+(?:of\s+)?(?:\w+\s+)?(20[2-4]\d)|"
                          r"\b(target|aim|goal|plan to|planned|intend|increase to|raise to|bring to|довести|увеличить до|"
                          r"нарастить до|планиру\w*|намерены)\b", re.I)),
    ("cumulative", re.compile(r"\b(since|from \d{4} to|between \d{4} and|cumulative\w*|in total|over the past|с \d{4} года|"
                              r"за последние|накопленн\w*|в общей сложности|за годы)", re.I)),
    ("H1", re.compile(r"\b(first half|H1|January[-–\s]+June|январ[ея][-–\s]+июн[ея]|первое полугодие|первом полугодии|"
                      r"первого полугодия|за полугодие)", re.I)),
    ("9M", re.compile(r"\b(nine months|9 months|9M|January[-–\s]+September|январ[ея][-–\s]+сентябр[ея]|девять месяцев|"
                      r"девяти месяцев|9 месяцев)", re.I)),
    ("10M", re.compile(r"\b(ten months|10 months|January[-–\s]+October|январ[ея][-–\s]+октябр[ея]|десять месяцев|"
                       r"10 месяцев)", re.I)),
    ("11M", re.compile(r"\b(eleven months|11 months|January[-–\s]+November|январ[ея][-–\s]+ноябр[ея]|11 месяцев)", re.I)),
    ("7M", re.compile(r"\b(seven months|7 months|January[-–\s]+July|январ[ея][-–\s]+июл[ея]|7 месяцев|семь месяцев)", re.I)),
    ("Q1", re.compile(r"\b(first quarter|Q1|первом квартале|первый квартал|I квартал)", re.I)),
]
_COMPARISON = re.compile(r"\b(on|than|over|versus|vs\.?|compared (?:to|with)|against|сравнению с|относительно|против)\s+(?:the\s+)?(?:same period of\s+|уровн\w+\s+)?$", re.I)
_GROWTH = re.compile(r"\b(up|down|grew|grow\w*|increas\w*|ris\w*|rose|fell|fall\w*|declin\w*|drop\w*|jump\w*|"
                     r"рост\w*|вырос\w*|увелич\w*|сниз\w*|сократ\w*|упал\w*|прирост\w*)\b", re.I)
_EXPORT_TO = re.compile(r"\b(to|into|в|во|на)\s*$", re.I)
_FROM = re.compile(r"\b(from|из|от)\s*$", re.I)
_WITH = re.compile(r"\b(with|с|со)\s*$", re.I)


@dataclass
class Claim:
    text: str
    value: float
    unit: str
    currency: str | None
    year: int | None
    period: str
    subject: str | None
    object: str | None
    quantity: str | None
    sentence: str = ""
    start: int = 0
    end: int = 0
    precision: float = 0.0
    """Half a unit of the last digit as written, in base units (used as rounding tolerance)."""
    attributed_to: str | None = None
    """The actor whose statistics the sentence cites ("China's customs", "по данным Казахстана")."""
    check: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        d = asdict(self)
        for k in ("start", "end", "precision"):
            d.pop(k)
        return d


def parse_number(num: str, language: str) -> tuple[float, float]:
    """(value, half a unit of the last written digit) of "1,234.5", "43,8", "1 234,5" …"""
    s = num.replace("\u00a0", " ").replace("\u202f", " ")
    if language == "ru":
        s = s.replace(" ", "")
        if s.count(",") == 1 and s.count(".") == 0:
            s = s.replace(",", ".")
        else:
            s = s.replace(",", "")
    else:
        s = s.replace(" ", "")
        if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", s):
            s = s.replace(",", "")
        elif s.count(",") == 1 and "." not in s:
            s = s.replace(",", ".")
    value = float(s)
    decimals = len(s.split(".", 1)[1]) if "." in s else 0
    return value, 0.5 * 10 ** (-decimals)


def _currency(text: str | None) -> str | None:
    if not text:
        return None
    t = text.strip()
    for pat, code in CURRENCY:
        if pat.match(t):
            return code
    return None


def _magnitude(text: str | None) -> float:
    if not text:
        return 1.0
    t = text.lower().rstrip(".")
    if t in MAGNITUDE:
        return MAGNITUDE[t]
    for k, v in MAGNITUDE.items():
        if len(k) > 3 and t.startswith(k):
            return v
    return 1.0


def _nearest(pattern_list, sentence: str, pos: int) -> str | None:
    best, best_d = None, 10**9
    for name, pat in pattern_list:
        for m in pat.finditer(sentence):
            d = pos - m.end() if m.end() <= pos else (m.start() - pos) * 1.5  # prefer words before the number
            if d < best_d:
                best, best_d = name, d
    return best


def extract(sentence: str, mentions: Sequence[Mention], language: str, offset: int = 0) -> list[Claim]:
    """Numeric claims of one sentence; ``mentions`` are its actor mentions (offsets in the document,
    ``offset`` = the sentence's start in the document)."""
    out: list[Claim] = []
    for m in CLAIM_RE.finditer(sentence):
        g = m.groupdict()
        num = g.get("num") or g.get("num1")
        mag = g.get("mag") or g.get("mag1")
        if num is None:
            continue
        value, half = parse_number(num, language)
        cur = _currency(g.get("cpre") or g.get("cpost"))
        unit, base = None, value * _magnitude(mag)
        if g.get("pct"):
            unit, base = "%", value
            mag = None
        elif g.get("tonnes"):
            unit = "t"
            if g["tonnes"].lower() == "mt":
                base = value * 1e6
        elif g.get("teu"):
            unit = "TEU"
        elif cur:
            unit = cur
        if unit is None:
            continue
        precision = half * (_magnitude(mag) if unit != "%" else 1.0)
        if unit == "t" and g["tonnes"].lower() == "mt":
            precision = half * 1e6
        span_start, span_end = m.start(), m.end()
        years = [(int(y.group(1)), y.start()) for y in _YEAR.finditer(sentence)
                 if not (span_start <= y.start() < span_end)]
        # a year of comparison ("up 32% on 2022", "по сравнению с 2022 годом") is not the claim's year
        own = [y for y in years if not _COMPARISON.search(sentence[max(0, y[1] - 25):y[1]])]
        years = own or years
        year = min(years, key=lambda y: abs(y[1] - span_start))[0] if years else None
        period = "annual"
        for name, pat in PERIODS:
            if pat.search(sentence):
                period = name
                break
        if year is None and period == "annual":
            period = "unspecified"
        quantity = _nearest(QUANTITIES, sentence, span_start)
        if unit == "%":
            after = sentence[span_end:span_end + 20]
            before = sentence[max(0, span_start - 30):span_start]
            if _GROWTH.search(before) or _GROWTH.search(after):
                quantity = "growth"
            elif quantity not in ("share", "gdp"):
                quantity = "share"
        if unit in ("t", "TEU") and quantity not in ("freight",):
            quantity = "freight"
        subject, obj = _subject_object(sentence, mentions, offset, quantity, span_start)
        out.append(Claim(
            text=sentence[span_start:span_end].strip(), value=base, unit="USD" if unit == "USD" else unit,
            currency=cur if unit not in ("%", "t", "TEU") else None, year=year, period=period,
            subject=subject, object=obj, quantity=quantity, sentence=sentence.strip(),
            start=offset + span_start, end=offset + span_end, precision=precision,
            attributed_to=_attributed(sentence, mentions, offset),
        ))
    return out


_SOURCE_WORDS = re.compile(r"(customs|statistic\w*|bureau|official data|figures|таможн\w*|статисти\w*|данны\w*|"
                           r"бюро|ведомств\w*)", re.I)


def _attributed(sentence: str, mentions: Sequence[Mention], offset: int) -> str | None:
    for sm in _SOURCE_WORDS.finditer(sentence):
        for men in mentions:
            s, e = men.start - offset, men.end - offset
            if abs(s - sm.end()) <= 25 or abs(sm.start() - e) <= 25:
                return men.code
    return None


_SEGMENT = re.compile(r";|\bwhile\b|\bwhereas\b|\bbut\b|, and\b|\bтогда как\b|\bпри этом\b|\bа\b|\bно\b|,")


def _subject_object(sentence: str, mentions: Sequence[Mention], offset: int, quantity: str | None, pos: int = 0):
    """Subject and object of the claim at ``pos``: actors of its own segment of the sentence first
    (the words since the last ";", "while", "but" or comma), then the rest of the sentence."""
    seg_start = 0
    for b in _SEGMENT.finditer(sentence, 0, pos):
        seg_start = b.end()
    nxt = _SEGMENT.search(sentence, pos)
    seg_end = nxt.start() if nxt else len(sentence)
    located = [(m.code, m.start - offset, m.possessive) for m in mentions]
    in_seg = [x for x in located if seg_start <= x[1] < seg_end]
    rest = [x for x in located if x not in in_seg]
    ordered = in_seg + rest
    if not ordered:
        return None, None
    subject = obj = None
    for code, s, _ in ordered:
        before = sentence[max(0, s - 12):s]
        if quantity == "exports" and _EXPORT_TO.search(before):
            obj = obj or code
        elif quantity == "imports" and _FROM.search(before):
            obj = obj or code
        elif quantity == "exports" and _FROM.search(before):
            subject = subject or code
        elif quantity in ("turnover", None) and _WITH.search(before):
            obj = obj or code  # "trade with China", "товарооборот с Китаем"
    others = [c for c, _, _ in ordered if c not in (subject, obj)]
    others = list(dict.fromkeys(others))
    if subject is None and others:
        subject = others.pop(0)
    if obj is None and others:
        obj = others.pop(0)
    return subject, obj
