"""docfraud.mrz: the machine-readable zone as text (ICAO 9303 Parts 3 to 7).

Pure text, no images: parse and check an MRZ, explain its check digits, and generate one from
fields.

>>> from datetime import date
>>> m = parse("I<UTOD231458907<<<<<<<<<<<<<<<\\n7408122F1204159UTO<<<<<<<<<<<6\\n"
...           "ERIKSSON<<ANNA<MARIA<<<<<<<<<<", as_of=date(2010, 1, 1))
>>> m.format, m.valid, m.value("document_number")
('TD1', True, 'D23145890')
"""

from __future__ import annotations

from docfraud.mrz.checkdigit import compute as check_digit
from docfraud.mrz.dates import PartialDate
from docfraud.mrz.formats import FORMATS
from docfraud.mrz.model import MRZ, SCHEMA_VERSION, CheckDigit, Field
from docfraud.mrz.parse import parse

__all__ = ["FORMATS", "MRZ", "SCHEMA_VERSION", "CheckDigit", "Field", "PartialDate",
           "check_digit", "parse"]
