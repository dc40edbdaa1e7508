"""Issuing state and nationality codes: ISO 3166-1 alpha-3 plus the codes ICAO 9303 Part 3 adds.

ISO codes come from pycountry. ICAO 9303 Part 3 (section 5) adds codes for Germany (``D``), the
classes of British nationals, United Nations bodies, other issuing organisations, persons without
a defined nationality, the European Union, Kosovo, and the specimen state Utopia.

>>> classify("UTO").kind
'specimen'
>>> classify("D").kind, classify("FRA").kind, classify("XXA").kind
('icao', 'iso', 'icao')
>>> classify("QZA").kind, classify("XYZ").kind, classify("ABC").kind
('user-assigned', 'user-assigned', 'unknown')
>>> classify("SI<").kind
'alpha-2'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pycountry

#: Codes ICAO 9303 Part 3 section 5 adds to ISO 3166-1 alpha-3, with their meaning.
ICAO_CODES: dict[str, str] = {
    "D": "Germany",
    "GBD": "British Overseas Territories Citizen",
    "GBN": "British National (Overseas)",
    "GBO": "British Overseas Citizen",
    "GBP": "British Protected Person",
    "GBS": "British Subject",
    "UNO": "United Nations Organization or one of its officials",
    "UNA": "United Nations specialized agency or one of its officials",
    "UNK": "Resident of Kosovo with a travel document issued by UNMIK",
    "XBA": "African Development Bank",
    "XIM": "African Export-Import Bank",
    "XCC": "Caribbean Community or one of its emissaries",
    "XCE": "Council of Europe",
    "XCO": "Common Market for Eastern and Southern Africa",
    "XEC": "Economic Community of West African States",
    "XPO": "International Criminal Police Organization (INTERPOL)",
    "XES": "Organization of Eastern Caribbean States",
    "XMP": "Parliamentary Assembly of the Mediterranean",
    "XOM": "Sovereign Military Order of Malta or one of its emissaries",
    "XDC": "Southern African Development Community",
    "XXA": "Stateless person (1954 Convention)",
    "XXB": "Refugee (1951 Convention and 1967 Protocol)",
    "XXC": "Refugee, other than as defined under XXB",
    "XXX": "Person of unspecified nationality",
    "EUE": "European Union",
    "RKS": "Republic of Kosovo",
}

#: ICAO's code for the fictional state used in its specimens.
SPECIMEN_CODES: dict[str, str] = {"UTO": "Utopia (ICAO specimen state)"}

#: Codes that only make sense as a nationality, never as the issuer.
NATIONALITY_ONLY = frozenset({"XXA", "XXB", "XXC", "XXX"})
#: Organisations that issue documents but are not a nationality.
ISSUER_ONLY = frozenset({"XBA", "XIM", "XCC", "XCE", "XCO", "XEC", "XPO", "XES", "XMP", "XDC",
                         "EUE"})

#: Non-standard codes that real issuers are known to print, with what is known about them.
KNOWN_VARIANTS: dict[str, str] = {
    "BDR": "printed as issuing state on Bundesdruckerei (German) specimen passports; "
           "Germany's ICAO code is D",
}


#: Document codes outside the ICAO pattern that real issuers print, with what is known of them.
KNOWN_DOCUMENT_CODES: dict[tuple[str, str], str] = {
    ("USA", "C1"): "printed on United States permanent resident cards (Form I-551)",
}


@dataclass(frozen=True)
class CodeInfo:
    """What a printed three-character code is.

    ``kind`` is one of ``iso`` (current ISO 3166-1 alpha-3), ``icao`` (added by ICAO 9303 Part 3),
    ``specimen`` (UTO), ``historic`` (withdrawn ISO code), ``user-assigned`` (ISO user-assigned
    range), ``alpha-2`` (an ISO alpha-2 code padded with ``<``), ``variant`` (a known non-standard
    code) or ``unknown``. ``code`` is the code without its padding.
    """

    code: str
    kind: str
    name: str | None = None
    note: str | None = None


def _user_assigned(code: str) -> bool:
    if len(code) != 3 or not code.isalpha():
        return False
    return (code[:2] == "AA" or ("QM" <= code[:2] <= "QZ") or code[0] == "X"
            or code[:2] == "ZZ") and code not in ICAO_CODES


@lru_cache(maxsize=4096)
def classify(printed: str) -> CodeInfo:
    """Classify a printed code (three characters, padded with ``<``)."""
    code = printed.rstrip("<")
    if code in SPECIMEN_CODES:
        return CodeInfo(code, "specimen", SPECIMEN_CODES[code])
    if code in ICAO_CODES:
        return CodeInfo(code, "icao", ICAO_CODES[code])
    if len(code) == 3:
        country = pycountry.countries.get(alpha_3=code)
        if country is not None:
            return CodeInfo(code, "iso", country.name)
        historic = pycountry.historic_countries.get(alpha_3=code)
        if historic is not None:
            return CodeInfo(code, "historic", historic.name,
                            note="withdrawn from ISO 3166-1; valid only on documents issued "
                                 "before its withdrawal")
        if code in KNOWN_VARIANTS:
            return CodeInfo(code, "variant", None, note=KNOWN_VARIANTS[code])
        if _user_assigned(code):
            return CodeInfo(code, "user-assigned", None,
                            note="ISO 3166-1 user-assigned code: a fictional, test or private-use "
                                 "code, not a state")
    if len(code) == 2 and code.isalpha():
        country = pycountry.countries.get(alpha_2=code)
        if country is not None:
            return CodeInfo(code, "alpha-2", country.name,
                            note=f"ISO alpha-2 code for {country.name} (ICAO: "
                                 f"{country.alpha_3}); printed by some issuers on older documents")
    return CodeInfo(code, "unknown")


def name(printed: str) -> str | None:
    """The name behind a code, or ``None``.

    >>> name("D<<")
    'Germany'
    """
    return classify(printed).name
