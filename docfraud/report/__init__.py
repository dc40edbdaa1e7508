"""Reports of an examination: JSON (versioned schema), an annotated PNG, self-contained HTML.

Every output can be redacted (``redact=True``): the holder's names, numbers and dates are masked
in every string, and the portrait zones are blurred out in every picture.
"""

from __future__ import annotations

from docfraud.report.json import SCHEMA_VERSION, to_dict
from docfraud.report.png import annotated
from docfraud.report.html import to_html

__all__ = ["SCHEMA_VERSION", "annotated", "to_dict", "to_html"]
