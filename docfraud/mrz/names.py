"""Names in the MRZ: splitting the name field, and ICAO transliteration for generating it.

The name field holds the primary identifier (surname), the separator ``<<`` and the secondary
identifier (given names), components separated by ``<``, padded with ``<``.

>>> split_name("ERIKSSON<<ANNA<MARIA<<<<<<<<")
('ERIKSSON', 'ANNA MARIA')
>>> transliterate("Ævarsdóttir Þuríður Ösp")
'AEVARSDOTTIR<THURIDUR<OESP'
>>> transliterate("Müller-Lüdenscheidt", umlauts="plain")
'MULLER<LUDENSCHEIDT'
>>> transliterate("Ярослава Іванівна")
'IAROSLAVA<IVANIVNA'
>>> encode_name("Eriksson", "Anna María", 39)
'ERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<'
"""

from __future__ import annotations

import unicodedata

from docfraud.errors import MRZFieldError

# ICAO 9303 Part 3, section 6: recommended transliteration of multinational Latin characters.
# Where ICAO gives two options (Ä: AE or A), the recommended expanded form is listed here and the
# plain form is the character without its diacritic (umlauts="plain").
_LATIN = {
    "Ä": "AE", "Å": "AA", "Æ": "AE", "Ö": "OE", "Ø": "OE", "Œ": "OE", "Ü": "UE",
    "ß": "SS", "Þ": "TH", "Ð": "D", "Đ": "D", "Ħ": "H", "Ĳ": "IJ", "Ł": "L", "Ŀ": "L",
    "Ŋ": "N", "ı": "I", "ſ": "S", "Ŧ": "T",
}
_EXPANDABLE = {"Ä": "A", "Ö": "O", "Ü": "U", "Å": "A"}

# ICAO 9303 Part 3, section 6: Cyrillic (with the Belarusian, Macedonian, Serbian and Ukrainian
# letters).
_CYRILLIC = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Ґ": "G", "Д": "D", "Ѓ": "G", "Ђ": "D", "Е": "E",
    "Ё": "E", "Є": "IE", "Ж": "ZH", "З": "Z", "Ѕ": "DZ", "И": "I", "І": "I", "Ї": "I", "Й": "I",
    "Ј": "J", "К": "K", "Л": "L", "Љ": "LJ", "М": "M", "Н": "N", "Њ": "NJ", "О": "O", "П": "P",
    "Р": "R", "С": "S", "Т": "T", "Ќ": "K", "Ћ": "C", "У": "U", "Ў": "U", "Ф": "F", "Х": "KH",
    "Ц": "TS", "Ч": "CH", "Џ": "DZ", "Ш": "SH", "Щ": "SHCH", "Ъ": "IE", "Ы": "Y", "Ь": "",
    "Э": "E", "Ю": "IU", "Я": "IA",
}

# ICAO 9303 Part 3, section 6: Greek, letter by letter (accents dropped first).
_GREEK = {
    "Α": "A", "Β": "V", "Γ": "G", "Δ": "D", "Ε": "E", "Ζ": "Z", "Η": "I", "Θ": "TH", "Ι": "I",
    "Κ": "K", "Λ": "L", "Μ": "M", "Ν": "N", "Ξ": "X", "Ο": "O", "Π": "P", "Ρ": "R", "Σ": "S",
    "Τ": "T", "Υ": "Y", "Φ": "F", "Χ": "CH", "Ψ": "PS", "Ω": "O",
}

_SEPARATORS = set(" -\u2010\u2011\u2012\u2013\u2014,\t")
_DROPPED = set("'\u2019\u2018`.\u02bc\u02bb")


def split_name(field: str) -> tuple[str, str]:
    """Split a name field into primary and secondary identifiers, ``<`` read as spaces."""
    body = field.rstrip("<")
    primary, sep, secondary = body.partition("<<")
    primary = " ".join(p for p in primary.split("<") if p)
    secondary = " ".join(s for s in secondary.split("<") if s) if sep else ""
    return primary, secondary


def transliterate(text: str, *, umlauts: str = "expand") -> str:
    """Transliterate a name (Latin, Cyrillic or Greek script) into MRZ characters.

    Spaces and hyphens become ``<``; apostrophes and full stops are dropped (ICAO 9303 Part 3,
    section 6). ``umlauts`` is ``expand`` (Ä→AE, Ö→OE, Ü→UE, Å→AA, ICAO's recommendation) or
    ``plain`` (Ä→A...). A character with no transliteration raises :class:`MRZFieldError`.
    """
    if umlauts not in ("expand", "plain"):
        raise MRZFieldError(f"umlauts must be 'expand' or 'plain', not {umlauts!r}")
    out: list[str] = []
    for ch in text.upper():
        if "A" <= ch <= "Z" or "0" <= ch <= "9":
            out.append(ch)
        elif ch in _SEPARATORS or ch == "<":
            out.append("<")
        elif ch in _DROPPED:
            continue
        elif umlauts == "plain" and ch in _EXPANDABLE:
            out.append(_EXPANDABLE[ch])
        elif ch in _LATIN:
            out.append(_LATIN[ch])
        elif ch in _CYRILLIC:
            out.append(_CYRILLIC[ch])
        else:
            base = unicodedata.normalize("NFD", ch)[0]
            if "A" <= base <= "Z":
                out.append(base)
            elif base in _GREEK:
                out.append(_GREEK[base])
            elif base in _CYRILLIC:
                out.append(_CYRILLIC[base])
            elif base in _LATIN:
                out.append(_LATIN[base])
            else:
                raise MRZFieldError(f"no ICAO transliteration for the character {ch!r} "
                                    f"(U+{ord(ch):04X})")
    joined = "".join(out)
    while "<<" in joined:  # separators collapse to one filler inside an identifier
        joined = joined.replace("<<", "<")
    return joined.strip("<")


def encode_name(primary: str, secondary: str, width: int, *, umlauts: str = "expand") -> str:
    """Encode the name field of ``width`` characters, truncating as ICAO 9303 Part 3 allows.

    When the name does not fit, it is cut at the end of the field; when the cut falls on a
    filler, the last kept component is shortened so that the first letters of the next one fit,
    and the truncated field ends in a letter (the sign of truncation). Only where too little of
    the name is left for that are the trailing components dropped whole.
    """
    p = transliterate(primary, umlauts=umlauts)
    s = transliterate(secondary, umlauts=umlauts) if secondary else ""
    if not p:
        raise MRZFieldError("the primary identifier (surname) is empty after transliteration")
    if any(c.isdigit() for c in p + s):
        raise MRZFieldError("names cannot hold digits")
    full = p + ("<<" + s if s else "")
    if len(full) <= width:
        return full + "<" * (width - len(full))
    cut = full[:width]
    if cut.endswith("<"):
        # The cut falls on a separator: shorten the last kept component so that the next
        # component's first letters fit, and the field still ends in a letter.
        k = width - 1
        while k > 0 and full[k - 1] == "<":
            k -= 1
        j = width - 1
        while full[j] == "<":
            j += 1
        sep = full[k:j]
        prefix = full[:max(width - len(sep) - 1, 1)].rstrip("<")
        cut = prefix + sep + full[j:j + width - len(prefix) - len(sep)]
        # too little left to fill, a one-letter component shortened away, or the next
        # component's first letters ending on its own filler: drop the trailing components
        # instead
        if len(cut) < width or prefix.count("<") < full[:k].count("<") or cut.endswith("<"):
            cut = full[:width].rstrip("<").ljust(width, "<")
    return cut
