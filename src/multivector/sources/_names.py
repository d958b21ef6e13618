"""Country names as publishers print them → ISO3, in one place.

Each publisher spells countries its own way: the UN Secretariat's vote lists (``TÜRKİYE``,
``TÜRKÝYE``, ``TURKIYE``, ``TURKEY``…), the IMF's DOTS labels (``Kazakhstan, Rep. of``,
``China, P.R.: Mainland``), Kazakhstan's and Kyrgyzstan's bureaus in Russian (``Китай``,
``Соединенные Штаты Америки``). :class:`NameTable` turns such labels into ISO3 codes through
explicit alias tables (checked against the real files in ``tests/sources``) and, for English labels,
the project's country resolver (:func:`multivector.countries.resolve`, country_converter). Rows
that are groups or aggregates ("World", "Страны СНГ", "Countries & Areas not specified") are
recognised as such and never mistaken for a country; a label that is neither is *unknown* and the
reader lists every unknown label in its error instead of dropping rows silently.

Historical states take the ISO3 code the COW state list gives them (USSR → RUS, Yugoslavia and
Serbia and Montenegro → SRB, Czechoslovakia → CSK, East Germany → DDR, South Yemen → YMD), so that
they join the state system by year.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

#: marker for a row that is a group, region or "not specified" line rather than a country
AGGREGATE = "<aggregate>"

_SPECIAL = str.maketrans({"İ": "I", "ı": "i", "Ý": "I", "ý": "i", "ё": "е", "Ё": "Е", "’": "'", "‘": "'", "`": "'"})


@lru_cache(maxsize=65536)
def _normalise(name: str) -> str:
    return _normalise_uncached(name)


def normalise(name: object) -> str:
    """Case-folded label without accents, footnote digits or repeated spaces ("TÜRKİYE" → "turkiye";
    "Всего 2" → "всего"). Cyrillic letters are kept (only ё → е)."""
    return _normalise(str(name))


def _normalise_uncached(name: str) -> str:
    """Case-folded label without accents, footnote digits or repeated spaces ("TÜRKİYE" → "turkiye";
    "Всего 2" → "всего"). Cyrillic letters are kept (only ё → е)."""
    s = str(name).translate(_SPECIAL)
    s = unicodedata.normalize("NFKD", s)
    # drop combining marks, except the Cyrillic breve of й (й decomposes to и + U+0306)
    s = "".join(ch for ch in s if not unicodedata.combining(ch) or ch == "\u0306")
    s = unicodedata.normalize("NFKC", s).casefold()
    s = s.replace("\u00a0", " ").replace("&", " and ")
    s = re.sub(r"\s+\d+\s*$", "", s)  # trailing footnote marks: "Всего 2", "2023 1"
    s = re.sub(r"\s+", " ", s).strip(" .,:;")
    return s


# ---------------------------------------------------------------------------------------------
# The UN Secretariat's vote lists (upper-case English names as printed)

UN_ALIASES: dict[str, str] = {
    normalise(k): v for k, v in {
        "TURKEY": "TUR", "TURKIYE": "TUR", "TÜRKIYE": "TUR", "TÜRKİYE": "TUR", "TÜRKÝYE": "TUR",
        "NETHERLANDS (KINGDOM OF THE)": "NLD", "NETHERLANDS": "NLD",
        "CÔTE D'IVOIRE": "CIV", "COTE D'IVOIRE": "CIV",
        "REPUBLIC OF KOREA": "KOR", "DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA": "PRK",
        "REPUBLIC OF MOLDOVA": "MDA", "CONGO": "COG", "DEMOCRATIC REPUBLIC OF THE CONGO": "COD",
        "MICRONESIA (FEDERATED STATES OF)": "FSM", "NIGER": "NER", "NIGERIA": "NGA",
        "GUINEA": "GIN", "GUINEA-BISSAU": "GNB", "EQUATORIAL GUINEA": "GNQ", "PAPUA NEW GUINEA": "PNG",
        "DOMINICA": "DMA", "DOMINICAN REPUBLIC": "DOM", "SUDAN": "SDN", "SOUTH SUDAN": "SSD",
        "UNITED STATES": "USA", "UNITED KINGDOM": "GBR", "UNITED REPUBLIC OF TANZANIA": "TZA",
        "ESWATINI": "SWZ", "CZECHIA": "CZE", "NORTH MACEDONIA": "MKD", "VIET NAM": "VNM",
        "LAO PEOPLE'S DEMOCRATIC REPUBLIC": "LAO", "SYRIAN ARAB REPUBLIC": "SYR",
        "IRAN (ISLAMIC REPUBLIC OF)": "IRN", "BOLIVIA (PLURINATIONAL STATE OF)": "BOL",
        "VENEZUELA (BOLIVARIAN REPUBLIC OF)": "VEN", "RUSSIAN FEDERATION": "RUS", "CABO VERDE": "CPV",
        "TIMOR-LESTE": "TLS", "BRUNEI DARUSSALAM": "BRN", "SAO TOME AND PRINCIPE": "STP",
    }.items()
}

# ---------------------------------------------------------------------------------------------
# IMF DOTS labels

IMF_ALIASES: dict[str, str] = {
    normalise(k): v for k, v in {
        "USSR": "RUS", "Czechoslovakia": "CSK", "Eastern Germany": "DDR", "Yugoslavia": "SRB",
        "Serbia and Montenegro": "SRB", "Serbia, Rep. of": "SRB", "Montenegro": "MNE",
        "Yemen Arab Rep.": "YEM", "Yemen, People's Dem. Rep. of": "YMD", "Yemen, Rep. of": "YEM",
        "Belgium-Luxembourg": "BEL", "Netherlands Antilles": "ANT", "Malaysia, West": "MYS",
        "China, P.R.: Mainland": "CHN", "China, P.R.: Hong Kong": "HKG", "China, P.R.: Macao": "MAC",
        "Taiwan Province of China": "TWN", "Kosovo, Rep. of": "XKX", "West Bank and Gaza": "PSE",
        "Curaçao, Kingdom of the Netherlands": "CUW", "Sint Maarten, Kingdom of the Netherlands": "SXM",
        "Aruba, Kingdom of the Netherlands": "ABW", "Korea, Rep. of": "KOR", "Korea, Dem. People's Rep. of": "PRK",
        "Congo, Rep. of": "COG", "Congo, Dem. Rep. of the": "COD", "Niger": "NER", "Nigeria": "NGA",
        "Guinea": "GIN", "Guinea-Bissau": "GNB", "Equatorial Guinea, Rep. of": "GNQ", "Papua New Guinea": "PNG",
        "Dominica": "DMA", "Dominican Rep.": "DOM", "Sudan": "SDN", "South Sudan, Rep. of": "SSD",
        "Holy See": "VAT", "Kazakhstan, Rep. of": "KAZ", "Kyrgyz Rep.": "KGZ", "Tajikistan, Rep. of": "TJK",
        "Uzbekistan, Rep. of": "UZB", "Turkmenistan": "TKM", "Russian Federation": "RUS", "Turkey": "TUR",
        "United States": "USA", "United Kingdom": "GBR", "Central African Rep.": "CAF",
        "Micronesia, Federated States of": "FSM", "Marshall Islands, Rep. of the": "MHL",
        "São Tomé and Príncipe, Dem. Rep. of": "STP", "Eswatini, Kingdom of": "SWZ",
        "Lao People's Dem. Rep.": "LAO", "Falkland Islands (Malvinas)": "FLK", "Timor-Leste, Dem. Rep. of": "TLS",
        "Vietnam": "VNM", "Venezuela, Rep. Bolivariana de": "VEN", "Iran, Islamic Rep. of": "IRN",
        "Egypt, Arab Rep. of": "EGY", "Syrian Arab Rep.": "SYR", "North Macedonia, Republic of": "MKD",
        "Czech Rep.": "CZE", "Slovak Rep.": "SVK", "Gambia, The": "GMB", "Bahamas, The": "BHS",
        "St. Kitts and Nevis": "KNA", "St. Lucia": "LCA", "St. Vincent and the Grenadines": "VCT",
        "Netherlands, The": "NLD", "Comoros, Union of the": "COM", "Mauritania, Islamic Rep. of": "MRT",
        "Afghanistan, Islamic Rep. of": "AFG", "Eritrea, The State of": "ERI",
        "Ethiopia, The Federal Dem. Rep. of": "ETH", "Tanzania, United Rep. of": "TZA",
        "Moldova, Rep. of": "MDA", "Palau, Rep. of": "PLW", "Nauru, Rep. of": "NRU", "San Marino, Rep. of": "SMR",
        "Côte d'Ivoire": "CIV", "Lesotho, Kingdom of": "LSO", "Bahrain, Kingdom of": "BHR",
        "Madagascar, Rep. of": "MDG", "Mozambique, Rep. of": "MOZ", "Fiji, Rep. of": "FJI",
        "Croatia, Rep. of": "HRV", "Slovenia, Rep. of": "SVN", "Estonia, Rep. of": "EST", "Poland, Rep. of": "POL",
        "Armenia, Rep. of": "ARM", "Azerbaijan, Rep. of": "AZE", "Belarus, Rep. of": "BLR",
    }.items()
}

IMF_AGGREGATES: frozenset[str] = frozenset(normalise(x) for x in (
    "World", "Advanced Economies", "Emerging and Developing Economies", "Emerging and Developing Asia",
    "Emerging and Developing Europe", "Africa", "Sub-Saharan Africa", "Middle East",
    "Middle East and Central Asia", "Euro Area", "European Union", "Western Hemisphere",
    "Other Countries not included elsewhere", "Countries & Areas not specified",
    "Emerging Market and Developing Economies by Source of Export Earnings: Fuel",
    "Emerging Market and Developing Economies by Source of Export Earnings: Nonfuel",
    "South African Common Customs Area (SACCA)", "Africa not specified", "Asia not specified",
    "Europe not specified", "Middle East and Central Asia not specified", "Western Hemisphere not specified",
    "Special Categories", "Memorandum Items",
))

# ---------------------------------------------------------------------------------------------
# Russian labels (Kazakhstan's Bureau of National Statistics; Kyrgyzstan's NSC)

RU_ALIASES: dict[str, str] = {normalise(k): v for k, v in {
    # country names as in CLDR (Unicode Common Locale Data Repository, Russian territory names)
    "австралия": "AUS", "австрия": "AUT", "азербайджан": "AZE", "албания": "ALB", "алжир": "DZA",
    "американское самоа": "ASM", "ангилья": "AIA", "ангола": "AGO", "андорра": "AND",
    "антигуа и барбуда": "ATG", "аргентина": "ARG", "армения": "ARM", "аруба": "ABW", "афганистан": "AFG",
    "багамы": "BHS", "бангладеш": "BGD", "барбадос": "BRB", "бахрейн": "BHR", "беларусь": "BLR",
    "белиз": "BLZ", "бельгия": "BEL", "бенин": "BEN", "болгария": "BGR", "боливия": "BOL",
    "босния и герцеговина": "BIH", "ботсвана": "BWA", "бразилия": "BRA",
    "британская территория в индийском океане": "IOT", "бруней": "BRN", "буркина-фасо": "BFA",
    "бурунди": "BDI", "бутан": "BTN", "вануату": "VUT", "ватикан": "VAT", "великобритания": "GBR",
    "венгрия": "HUN", "венесуэла": "VEN", "вьетнам": "VNM", "габон": "GAB", "гаити": "HTI", "гайана": "GUY",
    "гамбия": "GMB", "гана": "GHA", "гваделупа": "GLP", "гватемала": "GTM", "гвинея": "GIN",
    "гвинея-бисау": "GNB", "германия": "DEU", "гернси": "GGY", "гибралтар": "GIB", "гондурас": "HND",
    "гренада": "GRD", "гренландия": "GRL", "греция": "GRC", "грузия": "GEO", "гуам": "GUM", "дания": "DNK",
    "джерси": "JEY", "джибути": "DJI", "доминика": "DMA", "доминиканская республика": "DOM", "египет": "EGY",
    "замбия": "ZMB", "западная сахара": "ESH", "зимбабве": "ZWE", "израиль": "ISR", "индия": "IND",
    "индонезия": "IDN", "иордания": "JOR", "ирак": "IRQ", "иран": "IRN", "ирландия": "IRL", "исландия": "ISL",
    "испания": "ESP", "италия": "ITA", "йемен": "YEM", "кабо-верде": "CPV", "казахстан": "KAZ",
    "камбоджа": "KHM", "камерун": "CMR", "канада": "CAN", "катар": "QAT", "кения": "KEN", "кипр": "CYP",
    "кирибати": "KIR", "китай": "CHN", "колумбия": "COL", "коста-рика": "CRI", "куба": "CUB", "кувейт": "KWT",
    "кюрасао": "CUW", "латвия": "LVA", "лесото": "LSO", "либерия": "LBR", "ливан": "LBN", "ливия": "LBY",
    "литва": "LTU", "лихтенштейн": "LIE", "люксембург": "LUX", "маврикий": "MUS", "мавритания": "MRT",
    "мадагаскар": "MDG", "майотта": "MYT", "малави": "MWI", "малайзия": "MYS", "мали": "MLI",
    "мальдивы": "MDV", "мальта": "MLT", "марокко": "MAR", "мартиника": "MTQ", "мексика": "MEX",
    "мозамбик": "MOZ", "молдова": "MDA", "монако": "MCO", "монголия": "MNG", "монтсеррат": "MSR",
    "намибия": "NAM", "науру": "NRU", "непал": "NPL", "нигер": "NER", "нигерия": "NGA", "нидерланды": "NLD",
    "никарагуа": "NIC", "ниуэ": "NIU", "новая зеландия": "NZL", "новая каледония": "NCL", "норвегия": "NOR",
    "оаэ": "ARE", "оман": "OMN", "пакистан": "PAK", "палау": "PLW", "панама": "PAN", "парагвай": "PRY",
    "перу": "PER", "польша": "POL", "португалия": "PRT", "пуэрто-рико": "PRI", "республика корея": "KOR",
    "реюньон": "REU", "россия": "RUS", "руанда": "RWA", "румыния": "ROU", "сальвадор": "SLV", "самоа": "WSM",
    "сан-марино": "SMR", "сан-томе и принсипи": "STP", "саудовская аравия": "SAU",
    "северная македония": "MKD", "сен-бартелеми": "BLM", "сенегал": "SEN", "сент-винсент и гренадины": "VCT",
    "сент-китс и невис": "KNA", "сент-люсия": "LCA", "сербия": "SRB", "сингапур": "SGP", "сирия": "SYR",
    "словакия": "SVK", "словения": "SVN", "сомали": "SOM", "судан": "SDN", "суринам": "SUR",
    "сьерра-леоне": "SLE", "таджикистан": "TJK", "таиланд": "THA", "тайвань": "TWN", "танзания": "TZA",
    "того": "TGO", "токелау": "TKL", "тонга": "TON", "тринидад и тобаго": "TTO", "тувалу": "TUV",
    "тунис": "TUN", "туркменистан": "TKM", "турция": "TUR", "уганда": "UGA", "узбекистан": "UZB",
    "украина": "UKR", "уоллис и футуна": "WLF", "уругвай": "URY", "фиджи": "FJI", "филиппины": "PHL",
    "финляндия": "FIN", "франция": "FRA", "французская гвиана": "GUF", "французская полинезия": "PYF",
    "французские южные территории": "ATF", "хорватия": "HRV", "центрально-африканская республика": "CAF",
    "чад": "TCD", "черногория": "MNE", "чехия": "CZE", "чили": "CHL", "швейцария": "CHE", "швеция": "SWE",
    "шри-ланка": "LKA", "эквадор": "ECU", "экваториальная гвинея": "GNQ", "эритрея": "ERI",
    "эсватини": "SWZ", "эстония": "EST", "эфиопия": "ETH", "южно-африканская республика": "ZAF",
    "южный судан": "SSD", "ямайка": "JAM", "япония": "JPN",
    # the bureaus' own spellings (checked against the 2018–2023 BNS and 1994–2023 NSC tables)
    "аландские острова": "ALA", "ангилья (брит.)": "AIA", "багамские острова": "BHS",
    "бермудские острова": "BMU", "бермуды": "BMU", "боствана": "BWA", "британские виргинские острова": "VGB",
    "британско- виргинские острова": "VGB", "британско-виргинские острова": "VGB", "бруней-даруссалам": "BRN",
    "буве": "BVT", "остров буве": "BVT", "буркино фасо": "BFA", "ватикан, государство-город": "VAT",
    "великобритания (соединенное королевство)": "GBR", "соединенное королевство": "GBR",
    "виргинские острова (брит.)": "VGB", "виргинские острова (сша)": "VIR",
    "виргинские острова соединенных штатов": "VIR", "виргинские острова, сша": "VIR",
    "восточное самоа": "ASM", "гвинея - бисау": "GNB", "гибралтар (брит.)": "GIB", "гонконг": "HKG",
    "китай (сар гонконг)": "HKG", "государство палестина": "PSE", "палестина, государство": "PSE",
    "гуам (сша)": "GUM", "демократическая республика конго": "COD", "заир": "COD",
    "ирак, республика ирак": "IRQ", "иран, исламская республика": "IRN", "кайман острова": "CYM",
    "каймановы острова": "CYM", "каймановы острова (брит.)": "CYM", "кокосовые (килинг) острова": "CCK",
    "кокосовые осторова": "CCK", "кокосовых островов": "CCK", "коморские острова": "COM", "конго": "COG",
    "корейская народно-демократическая республика": "PRK", "корея, народно-демократическая республика": "PRK",
    "корея (кндр)": "PRK", "корея": "KOR", "коста рика": "CRI", "кот-д'ивуар": "CIV", "котд ивуар": "CIV",
    "котд'ивуар": "CIV", "кыргызстан": "KGZ", "лаосская народно-демократическая республика": "LAO",
    "ливийская арабская джамахирия": "LBY", "макао": "MAC", "макао (макао)": "MAC", "македония": "MKD",
    "республика македония": "MKD", "малые тихоокеан. отдален. острова сша": "UMI",
    "малые тихоокеан. отдаленные остроа сша": "UMI", "малые тихоокеан.отдален.ост-ва с.ш": "UMI",
    "мальдивские острова": "MDV", "маршалловы острова": "MHL", "микронезия, федеративные штаты": "FSM",
    "молдова, республика": "MDA", "республика молдова": "MDA", "мьянма": "MMR",
    "нидерландские антильские острова": "ANT", "объединенная республика танзания": "TZA",
    "танзания, объединенная республика": "TZA", "объединенные арабские эмираты": "ARE",
    "остров майотта": "MYT", "остров мэн": "IMN", "остров рождества": "CXR", "остров святой елены": "SHN",
    "остров херд и острова макдональд": "HMD", "острова кука": "COK", "острова кука (н.зел.)": "COK",
    "острова свальбард и ян-майен": "SJM", "острова теркс и кайкос": "TCA", "острова уоллис и футуна": "WLF",
    "папуа-новая гвинея": "PNG", "питкерн": "PCN", "питкэрн": "PCN", "республика латвия": "LVA",
    "самоа, независимое государство": "WSM", "сан марино": "SMR", "свазиленд": "SWZ",
    "северные марианские острова": "MNP", "сейшелы": "SYC", "сейшельские острова": "SYC",
    "сирийская арабская республика": "SYR", "соединенные штаты америки": "USA", "сша": "USA",
    "соломоновы острова": "SLB", "сьерра леоне": "SLE", "тайвань (китай)": "TWN",
    "тайвань. китайская провинция": "TWN", "тимор-лесте": "TLS", "тимор-лешти": "TLS",
    "фарерские острова": "FRO", "фолклендские острова (мальвинские)": "FLK",
    "французкие южные территории": "ATF", "южные земли (французская заморская территория)": "ATF",
    "цар": "CAF", "центральноафриканская республика": "CAF", "черногория (монтенегро)": "MNE",
    "чешская республика": "CZE", "эль-сальвадор": "SLV", "юар": "ZAF", "южная африка": "ZAF",
    "южн.джорджия и южн.сандвич.острова": "SGS",
}.items()}

RU_AGGREGATES: frozenset[str] = frozenset(normalise(x) for x in (
    "Всего", "Всего в том числе", "в том числе", "по странам:", "Страны СНГ", "СНГ", "вне СНГ",
    "Страны ЕАЭС", "ЕАЭС", "Страны вне ЕАЭС", "Страны ЕС", "ЕС", "Европейский союз (ЕС)", "Страны вне ЕС",
    "ШОС", "Европа", "Азия", "Африка", "Америка", "Австралия и Океания", "Остальные страны мира",
    "Другие страны", "Неопределенная страна", "ООН", "Нормандские острова",
))


# ---------------------------------------------------------------------------------------------


class NameTable:
    """Resolve a publisher's labels; collect the ones it does not know.

    ``aliases`` (normalised label → ISO3) are tried first, then ``aggregates`` (→ :data:`AGGREGATE`),
    then, with ``english=True``, the project's resolver on the label as printed.
    """

    def __init__(self, aliases: dict[str, str], aggregates: Iterable[str] = (), *, english: bool = False) -> None:
        self.aliases = aliases
        self.aggregates = frozenset(aggregates)
        self.english = english
        self.unknown: dict[str, tuple] = {}
        self._cache: dict[str, str | None] = {}

    def resolve(self, label: object, where: tuple = ()) -> str | None:
        """ISO3, :data:`AGGREGATE`, or None (unknown: remembered with ``where`` for the error)."""
        raw = str(label).strip()
        if raw in self._cache:
            out = self._cache[raw]
        else:
            out = self._lookup(raw)
            self._cache[raw] = out
        if out is None and raw not in self.unknown:
            self.unknown[raw] = where
        return out

    def _lookup(self, raw: str) -> str | None:
        key = normalise(raw)
        if key in self.aliases:
            return self.aliases[key]
        if key in self.aggregates:
            return AGGREGATE
        if self.english:
            return _english(raw)
        return None


@lru_cache(maxsize=4096)
def _english(raw: str) -> str | None:
    from multivector.countries import resolve
    from multivector.errors import UnknownCountryError

    try:
        iso = resolve(raw, allow_groups=False)
    except UnknownCountryError:
        return None
    return iso if isinstance(iso, str) and len(iso) == 3 else None


def un_table() -> NameTable:
    return NameTable(UN_ALIASES, english=True)


def imf_table() -> NameTable:
    return NameTable(IMF_ALIASES, IMF_AGGREGATES, english=True)


def ru_table() -> NameTable:
    return NameTable(RU_ALIASES, RU_AGGREGATES)
