"""Trade agreements of Central Asia and its partners, dated to the day they entered into force.

Each agreement is a list of parties with the date it entered into force *for that party*; a pair
is covered from the later of its two parties' dates (and until the earlier of their end dates).
The gravity panel turns the dates into annual dummies with one rule, written down here once:

    a pair counts as covered in calendar year t when the agreement was in force for both parties
    on 1 July of t (i.e. for at least half of the year).

So Kazakhstan's WTO accession of 30 November 2015 counts from 2016 and Kyrgyzstan's EAEU
accession of 12 August 2015 from 2016, while the Customs Union of 1 January 2010 counts from 2010.
The accession *year* (2015 for both) is kept beside the effective year in :func:`agreement_table`.

Sources: WTO, "Members and Observers" (accession dates); WTO Regional Trade Agreements Database
(entry into force of the free trade agreements); the Treaty on the Eurasian Economic Union and the
Decision of the Interstate Council of the Customs Union of 27 November 2009 (common external
tariff from 1 January 2010); the CIS Treaty on a Free Trade Area of 18 October 2011 (entry into
force per party as notified to the CIS Executive Committee). China has **no** free trade
agreement with any Central Asian state (its FTA partners near the region are Georgia, from 2018,
and Pakistan): China–Central Asia trade costs are carried by the pair fixed effects and, where both
are members, by the WTO dummy.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

#: The United Kingdom shares the EU's external agreements while it was a member (to 31 January 2020).
GBR_LEFT_EU = _dt.date(2020, 1, 31)


@dataclass(frozen=True)
class Party:
    """One party of an agreement, in force from ``start`` (to ``end``, exclusive, if it ended)."""

    code: str
    start: _dt.date
    end: _dt.date | None = None
    note: str = ""
    year_only: bool = False
    """Only the year of entry into force is recorded: counted from the following year."""

    @property
    def first_year(self) -> int:
        return self.start.year + 1 if self.year_only else effective_year(self.start)

    @property
    def in_force(self) -> str:
        return str(self.start.year) if self.year_only else self.start.isoformat()


@dataclass(frozen=True)
class Agreement:
    """A dated agreement: its dummy's name, what it is, its parties and where the dates come from.

    ``pairs_only`` restricts a plurilateral list to the pairs named (e.g. bilateral FTAs kept in
    one dummy); ``suspended`` lists pairs for which it stopped applying, with the date."""

    dummy: str
    name: str
    parties: tuple[Party, ...]
    source: str
    pairs_only: tuple[tuple[str, str], ...] = ()
    suspended: tuple[tuple[str, str, _dt.date, str], ...] = ()
    note: str = ""
    accession_years: dict[str, int] = field(default_factory=dict)


def _d(y: int, m: int, d: int) -> _dt.date:
    return _dt.date(y, m, d)


#: The Customs Union of Belarus, Kazakhstan and Russia (common external tariff from 1 January 2010)
#: and its successor the Eurasian Economic Union (treaty in force 1 January 2015; Armenia from
#: 2 January 2015, Kyrgyzstan from 12 August 2015).
EAEU = Agreement(
    "EAEU", "Eurasian Economic Union (and its Customs Union from 2010)",
    (Party("BLR", _d(2010, 1, 1), note="Customs Union common external tariff; EAEU treaty 1 Jan 2015"),
     Party("KAZ", _d(2010, 1, 1), note="Customs Union common external tariff; EAEU treaty 1 Jan 2015"),
     Party("RUS", _d(2010, 1, 1), note="Customs Union common external tariff; EAEU treaty 1 Jan 2015"),
     Party("ARM", _d(2015, 1, 2)), Party("KGZ", _d(2015, 8, 12))),
    "Treaty on the Eurasian Economic Union (29 May 2014); Decision No. 130 of the Interstate Council of the Customs "
    "Union (27 Nov 2009): common customs tariff from 1 Jan 2010; accession treaties of Armenia and Kyrgyzstan "
    "(eaeunion.org)",
    note="The founding three count from the Customs Union's common external tariff (1 January 2010), when their trade "
         "regime changed; gravity_panel(eaeu_start='treaty') dates them from the EAEU treaty (1 January 2015) instead.",
    accession_years={"BLR": 2015, "KAZ": 2015, "RUS": 2015, "ARM": 2015, "KGZ": 2015},
)

#: Treaty on a Free Trade Area of the CIS (signed 18 October 2011). It replaced a network of
#: bilateral CIS free trade agreements of the 1990s, so its dummy measures the change of regime,
#: not trade liberalisation from scratch.
CIS_FTA = Agreement(
    "CIS_FTA", "CIS Treaty on a Free Trade Area (2011)",
    (Party("RUS", _d(2012, 9, 20)), Party("BLR", _d(2012, 9, 20)), Party("UKR", _d(2012, 9, 20)),
     Party("ARM", _d(2012, 10, 17)), Party("KAZ", _d(2012, 12, 8)), Party("MDA", _d(2012, 12, 9)),
     Party("KGZ", _d(2013, 12, 13)),
     Party("UZB", _d(2014, 1, 1), year_only=True,
           note="Protocol on the application of the Treaty to Uzbekistan (31 May 2013), in force for it in 2014 "
                "(day not recorded here, so counted from 2015)"),
     Party("TJK", _d(2015, 12, 24))),
    "CIS Treaty on a Free Trade Area of 18 October 2011, entry into force per party (CIS Executive Committee, "
    "e-cis.info); Russia's suspension for Ukraine: federal law of 30 December 2015",
    suspended=(("RUS", "UKR", _d(2016, 1, 1), "Russia suspended the treaty for Ukraine from 1 January 2016"),),
    note="Before 2012 most of these pairs already traded under bilateral CIS FTAs (absorbed by the pair fixed effects).",
    accession_years={"RUS": 2012, "BLR": 2012, "UKR": 2012, "ARM": 2012, "KAZ": 2012, "MDA": 2012, "KGZ": 2013,
                     "UZB": 2014, "TJK": 2015},
)

#: WTO membership (dummy = both members). Founding members (1 January 1995) among the panel's
#: countries: the EU and its members, the UK, the US, Japan, Korea, India; Türkiye 26 March 1995.
#: Not members: Azerbaijan, Belarus, Turkmenistan, Uzbekistan. The rest-of-world aggregate counts
#: as a member (most of its trade is with members).
WTO = Agreement(
    "WTO", "World Trade Organization (both members)",
    (Party("EU", _d(1995, 1, 1)), Party("GBR", _d(1995, 1, 1)), Party("USA", _d(1995, 1, 1)),
     Party("JPN", _d(1995, 1, 1)), Party("KOR", _d(1995, 1, 1)), Party("IND", _d(1995, 1, 1)),
     Party("TUR", _d(1995, 3, 26)), Party("KGZ", _d(1998, 12, 20)), Party("GEO", _d(2000, 6, 14)),
     Party("CHN", _d(2001, 12, 11)), Party("ARM", _d(2003, 2, 5)), Party("UKR", _d(2008, 5, 16)),
     Party("RUS", _d(2012, 8, 22)), Party("TJK", _d(2013, 3, 2)), Party("KAZ", _d(2015, 11, 30)),
     Party("MDA", _d(2001, 7, 26)), Party("ROW", _d(1995, 1, 1), note="aggregate: counted as a member")),
    "WTO, Members and Observers (wto.org/english/thewto_e/whatis_e/tif_e/org6_e.htm)",
    accession_years={"KGZ": 1998, "GEO": 2000, "CHN": 2001, "ARM": 2003, "UKR": 2008, "RUS": 2012, "TJK": 2013,
                     "KAZ": 2015},
)

#: Other free trade agreements between the panel's countries that entered into force in the
#: panel's years (agreements in force throughout are absorbed by the pair fixed effects).
RTA_OTHER = Agreement(
    "RTA_OTHER", "Other free trade agreements between the panel's countries",
    (),
    "WTO Regional Trade Agreements Database (rtais.wto.org), entry into force (provisional application for the EU's)",
    note="Pairs listed with their own dates.",
)
OTHER_FTAS: tuple[tuple[str, str, _dt.date, str], ...] = (
    ("IND", "KOR", _d(2010, 1, 1), "India–Korea CEPA"),
    ("EU", "KOR", _d(2011, 7, 1), "EU–Korea FTA (provisional application)"),
    ("GBR", "KOR", _d(2011, 7, 1), "EU–Korea FTA (the UK as an EU member)"),
    ("IND", "JPN", _d(2011, 8, 1), "India–Japan CEPA"),
    ("KOR", "USA", _d(2012, 3, 15), "KORUS FTA"),
    ("KOR", "TUR", _d(2013, 5, 1), "Korea–Türkiye FTA"),
    ("TUR", "GEO", _d(2008, 11, 1), "Türkiye–Georgia FTA"),
    ("EU", "GEO", _d(2014, 9, 1), "EU–Georgia DCFTA (provisional application)"),
    ("GBR", "GEO", _d(2014, 9, 1), "EU–Georgia DCFTA (the UK as an EU member)"),
    ("CHN", "KOR", _d(2015, 12, 20), "China–Korea FTA"),
    ("EU", "UKR", _d(2016, 1, 1), "EU–Ukraine DCFTA (provisional application)"),
    ("GBR", "UKR", _d(2016, 1, 1), "EU–Ukraine DCFTA (the UK as an EU member)"),
    ("CHN", "GEO", _d(2018, 1, 1), "China–Georgia FTA"),
    ("EU", "JPN", _d(2019, 2, 1), "EU–Japan EPA"),
    ("GBR", "JPN", _d(2019, 2, 1), "EU–Japan EPA (the UK as an EU member)"),
)
#: the UK's EU-era agreements stop when it left (its rollover agreements from 2021 are not coded)
OTHER_FTA_END = {"GBR": GBR_LEFT_EU}

#: Pair-specific trade shocks that are not agreements but would otherwise load on them
#: (controls): sanctions regimes and trade embargoes / armed conflict, with start and end dates.
SANCTIONS: tuple[tuple[str, str, _dt.date, _dt.date | None, str], ...] = (
    ("RUS", "EU", _d(2014, 7, 31), None, "EU sectoral sanctions (31 Jul 2014) and Russia's counter-embargo (7 Aug 2014)"),
    ("RUS", "GBR", _d(2014, 7, 31), None, "EU sectoral sanctions (the UK as an EU member) and Russia's counter-embargo"),
    ("RUS", "USA", _d(2014, 7, 16), None, "US sectoral sanctions (16 Jul 2014) and Russia's counter-embargo"),
)
CONFLICT: tuple[tuple[str, str, _dt.date, _dt.date | None, str], ...] = (
    ("RUS", "GEO", _d(2006, 3, 27), _d(2013, 6, 6), "Russian embargo on Georgian goods (2006), war (2008); lifted 2013"),
    ("RUS", "UKR", _d(2014, 2, 27), None, "annexation of Crimea and war in Donbas (2014–)"),
)

AGREEMENTS: tuple[Agreement, ...] = (EAEU, CIS_FTA, WTO)
DUMMIES = ("EAEU", "CIS_FTA", "WTO", "RTA_OTHER", "SANCTIONS", "CONFLICT")
"""The agreement and control dummies the Central Asia gravity panel carries."""


def effective_year(date: _dt.date) -> int:
    """First calendar year counted as covered: the year itself if in force on 1 July, else the next."""
    return date.year if date <= _dt.date(date.year, 7, 1) else date.year + 1


def last_year(end: _dt.date | None) -> int | None:
    """Last calendar year counted as covered for something that stopped applying on ``end``
    (exclusive): covered in t when still in force on 1 July of t."""
    if end is None:
        return None
    return end.year if end > _dt.date(end.year, 7, 1) else end.year - 1


def _covered(start: _dt.date, end: _dt.date | None, year: int) -> bool:
    first = effective_year(start)
    last = last_year(end)
    return year >= first and (last is None or year <= last)


def _with_eaeu_start(ag: Agreement, eaeu_start: str) -> Agreement:
    if eaeu_start == "customs-union":
        return ag
    if eaeu_start != "treaty":
        raise ValueError(f"eaeu_start must be 'customs-union' or 'treaty', not {eaeu_start!r}")
    parties = tuple(Party(p.code, _d(2015, 1, 1), p.end, "EAEU treaty in force 1 Jan 2015") if p.code in ("BLR", "KAZ", "RUS") else p
                    for p in ag.parties)
    return Agreement(ag.dummy, "Eurasian Economic Union (from the 2015 treaty)", parties, ag.source,
                     suspended=ag.suspended, note=ag.note, accession_years=ag.accession_years)


def pair_dummy(dummy: str, a: str, b: str, year: int, *, eaeu_start: str = "customs-union") -> int:
    """1 if the (unordered) pair ``a``–``b`` is covered by ``dummy`` in ``year`` (rule above), else 0.

    Domestic pairs (``a == b``) are never covered.
    """
    if a == b:
        return 0
    if dummy in ("EAEU", "CIS_FTA", "WTO"):
        ag = {"EAEU": _with_eaeu_start(EAEU, eaeu_start), "CIS_FTA": CIS_FTA, "WTO": WTO}[dummy]
        pa = {p.code: p for p in ag.parties}
        if a not in pa or b not in pa:
            return 0
        first = max(pa[a].first_year, pa[b].first_year)
        ends = [e for e in (pa[a].end, pa[b].end) if e is not None]
        for x, y, when, _why in ag.suspended:
            if {x, y} == {a, b}:
                ends.append(when)
        last = last_year(min(ends)) if ends else None
        return int(year >= first and (last is None or year <= last))
    if dummy == "RTA_OTHER":
        for x, y, when, _name in OTHER_FTAS:
            if {x, y} == {a, b}:
                end = OTHER_FTA_END.get(x) or OTHER_FTA_END.get(y)
                if _covered(when, end, year):
                    return 1
        return 0
    table = {"SANCTIONS": SANCTIONS, "CONFLICT": CONFLICT}.get(dummy)
    if table is None:
        raise ValueError(f"unknown agreement dummy {dummy!r}; known: {', '.join(DUMMIES)}")
    for x, y, start, end, _why in table:
        if {x, y} == {a, b} and _covered(start, end, year):
            return 1
    return 0


def agreement_table(countries: Iterable[str] | None = None, *, eaeu_start: str = "customs-union") -> list[dict]:
    """Every dated entry (agreement, party or pair, date in force, first and last year counted,
    accession year, source): what the panel's dummies are built from."""
    keep = set(countries) if countries is not None else None
    rows: list[dict] = []
    for ag in (_with_eaeu_start(EAEU, eaeu_start), CIS_FTA, WTO):
        for p in ag.parties:
            if keep is not None and p.code not in keep:
                continue
            rows.append({"dummy": ag.dummy, "agreement": ag.name, "party": p.code, "pair": "",
                         "in_force": p.in_force, "first_year": p.first_year,
                         "ended": p.end.isoformat() if p.end else "", "last_year": last_year(p.end),
                         "accession_year": ag.accession_years.get(p.code), "note": p.note, "source": ag.source})
        for x, y, when, why in ag.suspended:
            rows.append({"dummy": ag.dummy, "agreement": ag.name, "party": "", "pair": f"{x}–{y}",
                         "in_force": "", "first_year": None, "ended": when.isoformat(), "last_year": last_year(when),
                         "accession_year": None, "note": why, "source": ag.source})
    for x, y, when, name in OTHER_FTAS:
        if keep is not None and not {x, y} <= keep:
            continue
        end = OTHER_FTA_END.get(x) or OTHER_FTA_END.get(y)
        rows.append({"dummy": "RTA_OTHER", "agreement": name, "party": "", "pair": f"{x}–{y}",
                     "in_force": when.isoformat(), "first_year": effective_year(when),
                     "ended": end.isoformat() if end else "", "last_year": last_year(end), "accession_year": None,
                     "note": "", "source": RTA_OTHER.source})
    for dummy, table in (("SANCTIONS", SANCTIONS), ("CONFLICT", CONFLICT)):
        for x, y, start, end, why in table:
            if keep is not None and not {x, y} <= keep:
                continue
            rows.append({"dummy": dummy, "agreement": why, "party": "", "pair": f"{x}–{y}",
                         "in_force": start.isoformat(), "first_year": effective_year(start),
                         "ended": end.isoformat() if end else "", "last_year": last_year(end), "accession_year": None,
                         "note": "control, not an agreement", "source": "dates as given"})
    return rows


def dummies_for(exporters: Sequence[str], importers: Sequence[str], years: Sequence[int], *,
                eaeu_start: str = "customs-union") -> dict[str, list[int]]:
    """The six dummies (:data:`DUMMIES`) for rows (exporter, importer, year)."""
    cache: dict[tuple[str, str, str, int], int] = {}
    out: dict[str, list[int]] = {d: [] for d in DUMMIES}
    for e, m, y in zip(exporters, importers, years):
        a, b = (e, m) if e <= m else (m, e)
        for d in DUMMIES:
            key = (d, a, b, int(y))
            if key not in cache:
                cache[key] = pair_dummy(d, a, b, int(y), eaeu_start=eaeu_start)
            out[d].append(cache[key])
    return out
