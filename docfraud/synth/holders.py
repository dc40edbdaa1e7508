"""Random but consistent document holders: names from many cultures, dates, numbers.

Names are written as the holder's own script would write them (Latin with diacritics, Cyrillic,
Greek) or in their usual romanisation; the MRZ engine transliterates them as ICAO prescribes. Given
names carry a sex, so a holder's sex agrees with their name. Deterministic for a seed.

>>> h = make_holder(random.Random(4), issuer="UTO", as_of=date(2026, 1, 1))
>>> h.issue_date <= date(2026, 1, 1) < h.expiry_date
True
>>> h.birth_date < h.issue_date and h.sex in "MF"
True
"""

from __future__ import annotations

import random
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

from docfraud.mrz.names import transliterate
from docfraud.synth.artwork import Holder

# (surnames, female given names, male given names) by naming culture. Common names only.
CULTURES: dict[str, tuple[list[str], list[str], list[str]]] = {
    "nordic": (["Eriksson", "Lindqvist", "Haugen", "Jóhannsdóttir", "Øvregård", "Nieminen",
                "Sørensen"], ["Anna", "Åsa", "Sigrún", "Ingrid", "Aino", "Maja"],
               ["Lars", "Björn", "Jónas", "Eero", "Magnus", "Søren"]),
    "german": (["Müller", "Schröder", "Weiß", "Becker", "Köhler", "Hoffmann"],
               ["Lena", "Käthe", "Sophie", "Hannah", "Jana"],
               ["Jürgen", "Lukas", "Matthias", "Felix", "Jörg"]),
    "slavic": (["Коваленко", "Петренко", "Шевченко", "Dąbrowski", "Nowak", "Dvořák", "Popović",
                "Иванова"], ["Ярослава", "Олена", "Agnieszka", "Zuzana", "Milica", "Анастасия"],
               ["Дмитро", "Андрій", "Piotr", "Tomáš", "Miloš", "Сергей"]),
    "greek": (["Παπαδόπουλος", "Γεωργίου", "Οικονόμου", "Nikolaidis"],
              ["Ελένη", "Μαρία", "Δήμητρα"], ["Γιώργος", "Νίκος", "Κωνσταντίνος"]),
    "iberian": (["García Márquez", "Fernández", "Núñez", "Gonçalves", "Sánchez de la Cruz",
                 "Oliveira"], ["María José", "Lucía", "Inês", "Carmen", "Begoña"],
                ["José Luis", "Iñaki", "João", "Álvaro", "Joaquín"]),
    "french": (["Lefèvre", "Dupont", "Mercier", "Du Bois", "Girard"],
               ["Chloé", "Zoë Élise", "Amélie", "Océane"], ["François", "Loïc", "Jérôme", "Noël"]),
    "arabic": (["Al-Hashimi", "El Amrani", "Haddad", "Abdullah", "Ben Salah", "Mansour"],
               ["Fatima", "Aisha", "Layla", "Mariam", "Nour"],
               ["Mohammed", "Omar", "Youssef", "Karim", "Tariq"]),
    "west_african": (["Okonkwo", "Mensah", "Diallo", "Adeyemi", "Traoré", "Boateng"],
                     ["Chiamaka", "Ama", "Aminata", "Folake", "Nneka"],
                     ["Chidi", "Kwame", "Mamadou", "Babatunde", "Kofi"]),
    "east_african": (["Mwangi", "Otieno", "Kiplagat", "Haile", "Tesfaye"],
                     ["Wanjiru", "Amani", "Selam", "Achieng"], ["Baraka", "Juma", "Dawit"]),
    "south_asian": (["Sharma", "Patel", "Reddy", "Chowdhury", "Perera", "Khan"],
                    ["Priya", "Ananya", "Farzana", "Lakshmi"], ["Arjun", "Rahul", "Imran",
                                                               "Suresh"]),
    "east_asian": (["Nguyen", "Tran", "Wang", "Li", "Kim", "Park", "Tanaka", "Sato"],
                   ["Thi Lan", "Mei", "Ji-woo", "Yuki", "Xiaoling"],
                   ["Van Minh", "Wei", "Min-jun", "Haruto", "Jian"]),
    "turkic": (["Yılmaz", "Kaya", "Şahin", "Aliyev", "Öztürk"],
               ["Ayşe", "Elif", "Gülnara", "Zeynep"], ["Mehmet", "Emre", "Nurlan", "Çağrı"]),
    "latin_american": (["Rodríguez", "Quispe", "Mamani", "Silva", "Pérez"],
                       ["Guadalupe", "Ximena", "Camila", "Daniela"],
                       ["Juan Carlos", "Diego", "Thiago", "Mateo"]),
    "anglo": (["O'Brien", "Smith-Jones", "MacDonald", "Williams", "Taylor"],
              ["Siobhán", "Emily", "Charlotte", "Grace"], ["Liam", "Oliver", "Seán", "Jack"]),
}

PLACES = ["Aurora", "Port Meridian", "Eastvale", "Lakeshore", "Northwick", "Sunmere", "Valdoro",
          "Kestrel Bay", "Amberfield", "Stonebridge", "Palmira Nova", "Westhaven"]


def mrz_fields(holder: Holder) -> dict[str, Any]:
    """The values ``docfraud.mrz.generate.generate`` takes for a holder from :func:`make_holder`
    (its issuing state is kept in ``holder.extra``)."""
    return {"issuing_state": holder.extra.get("issuing_state", holder.nationality),
            "surname": holder.surname, "given_names": holder.given_names,
            "document_number": holder.document_number, "nationality": holder.nationality,
            "birth_date": holder.birth_date, "sex": holder.sex,
            "expiry_date": holder.expiry_date}


def to_dict(holder: Holder) -> dict[str, Any]:
    """A holder as JSON-ready data (for label files)."""
    d = asdict(holder)
    for k, v in d.items():
        if isinstance(v, date):
            d[k] = v.isoformat()
    return d


def _number(rng: random.Random, pattern: str) -> str:
    """A document number from a pattern: ``A`` a letter (no I, O), ``9`` a digit."""
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    return "".join(rng.choice(letters) if c == "A" else str(rng.randrange(10)) if c == "9" else c
                   for c in pattern)


def _latin(name: str) -> str:
    """A name in Latin script as printed: Cyrillic and Greek transliterated, Latin kept."""
    if all(ord(c) < 0x370 or c in " -'" for c in name):
        transliterate(name)  # raises if it cannot stand in an MRZ
        return name
    words = [transliterate(w).replace("<", " ") for w in name.split(" ")]
    return " ".join(w.capitalize() for w in words)


def make_holder(rng: random.Random, *, issuer: str = "UTO", nationality: str | None = None,
                as_of: date | None = None, validity_years: int = 10,
                number_pattern: str = "AA9999999", culture: str | None = None,
                min_age: int = 0, max_age: int = 90) -> Holder:
    """A random holder of a document issued by ``issuer`` and valid on ``as_of``.

    The naming culture and the issuer are kept in ``holder.extra``; ``portrait_seed`` draws the
    holder's own procedural portrait.
    """
    as_of = as_of or date(2026, 1, 1)
    seed = rng.randrange(2**31)
    culture = culture or rng.choice(sorted(CULTURES))
    surnames, female, male = CULTURES[culture]
    sex = rng.choice("MF")
    given_pool = female if sex == "F" else male
    given = rng.choice(given_pool)
    if rng.random() < 0.3:
        second = rng.choice(given_pool)
        if second != given:
            given = f"{given} {second}"
    surname = rng.choice(surnames)
    # the names must transliterate (every name above does); names in Cyrillic or Greek script
    # are printed in the visual zone in their Latin transliteration, as such documents do
    surname, given = _latin(surname), _latin(given)
    age_days = rng.randrange(min_age * 365 + 30, max_age * 365)
    birth = as_of - timedelta(days=age_days)
    # issued within the validity period before as_of, never before the holder was born
    latest_issue = as_of - timedelta(days=1)
    earliest_issue = max(birth + timedelta(days=30),
                         as_of - timedelta(days=int(validity_years * 365.25) - 30))
    span = max((latest_issue - earliest_issue).days, 0)
    issue = earliest_issue + timedelta(days=rng.randrange(span + 1))
    try:
        expiry = issue.replace(year=issue.year + validity_years) - timedelta(days=1)
    except ValueError:  # 29 February
        expiry = issue.replace(year=issue.year + validity_years, day=28)
    personal = "".join(str(rng.randrange(10)) for _ in range(rng.choice([0, 9, 11])))
    return Holder(surname=surname, given_names=given, document_number=_number(rng, number_pattern),
                  nationality=nationality or issuer, birth_date=birth, sex=sex,
                  expiry_date=expiry, issue_date=issue, place_of_birth=rng.choice(PLACES),
                  optional_data=personal,
                  extra={"culture": culture, "issuing_state": issuer}, portrait_seed=seed)
