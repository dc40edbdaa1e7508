"""A teaching view of an MRZ: field by field, with each check digit's arithmetic written out.

>>> from datetime import date
>>> from docfraud.mrz import parse
>>> m = parse("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\\n"
...           "L898902C36UTO7408122F1204159ZE184226B<<<<<10", as_of=date(2010, 1, 1))
>>> print(render_check(explain(m)["check_digits"][1]))
birth date check digit (line 2, position 20)
  data     7  4  0  8  1  2
  value    7  4  0  8  1  2
  weight   7  3  1  7  3  1
  product 49 12  0 56  3  2
  sum 122, 122 mod 10 = 2; printed 2: pass
"""

from __future__ import annotations

from typing import Any

from docfraud.mrz import checkdigit
from docfraud.mrz.model import MRZ

_LABELS = {
    "document_code": "document code", "issuing_state": "issuing state", "name": "name",
    "surname": "primary identifier (surname)", "given_names": "secondary identifier (given names)",
    "document_number": "document number", "nationality": "nationality",
    "birth_date": "birth date", "sex": "sex", "expiry_date": "expiry date",
    "optional_data": "optional data", "optional_data_1": "optional data 1",
    "optional_data_2": "optional data 2", "composite": "composite",
}


def label(name: str) -> str:
    return _LABELS.get(name, name.replace("_", " "))


def explain(m: MRZ) -> dict[str, Any]:
    """Fields in reading order and every check digit's arithmetic, as plain data."""
    fields = []
    for name, f in sorted(m.fields.items(), key=lambda kv: kv[1].span):
        if name == "name":
            continue
        value = f.value.iso() if hasattr(f.value, "iso") else f.value
        fields.append({"name": name, "label": label(name), "raw": f.raw,
                       "value": value.isoformat() if hasattr(value, "isoformat") else value,
                       "line": f.span[0] + 1, "start": f.span[1] + 1, "end": f.span[2]})
    checks = []
    for name, cd in m.check_digits.items():
        if cd.computed is None:
            arithmetic = None
        else:
            arithmetic = checkdigit.explain(cd.data)
        checks.append({"name": name, "label": label(name), "printed": cd.printed,
                       "computed": cd.computed, "ok": cd.ok, "line": cd.span[0] + 1,
                       "position": cd.span[1] + 1, "arithmetic": arithmetic})
    return {"format": m.format, "lines": list(m.lines), "fields": fields, "check_digits": checks}


def render_check(check: dict[str, Any]) -> str:
    """One check digit's arithmetic as aligned text."""
    head = f"{check['label']} check digit (line {check['line']}, position {check['position']})"
    a = check["arithmetic"]
    if a is None:
        return head + "\n  cannot be computed: the data holds characters outside the MRZ alphabet"
    w = max(3, max(len(str(p)) for p in a["products"]) + 1)

    def row(title: str, items: list[Any]) -> str:
        return f"  {title:<7}" + "".join(str(i).rjust(w) for i in items)

    verdict = "pass" if check["ok"] else "FAIL"
    return "\n".join([
        head,
        row("data", list(a["data"])),
        row("value", a["values"]),
        row("weight", a["weights"]),
        row("product", a["products"]),
        f"  sum {a['sum']}, {a['sum']} mod 10 = {a['digit']}; printed {check['printed']}: "
        f"{verdict}",
    ])


def render(m: MRZ) -> str:
    """The whole teaching view as plain text."""
    data = explain(m)
    out = [f"{data['format']} MRZ", ""]
    for i, line in enumerate(data["lines"], 1):
        out.append(f"  line {i}: {line}")
    out.append("")
    out.append("Fields (line, positions counted from 1):")
    for f in data["fields"]:
        out.append(f"  {f['label']:<36} {f['line']}:{f['start']:>2}-{f['end']:<2} "
                   f"{f['raw']:<16} -> {f['value']}")
    out.append("")
    out.append("Check digits: each character's value (0-9 as is, A=10 ... Z=35, '<'=0) times "
               "the weights 7, 3, 1 repeating; the sum modulo 10 is the check digit.")
    for c in data["check_digits"]:
        out.append("")
        out.append(render_check(c))
    out.append("")
    out.append("Check digits catch misreadings and careless alterations; anyone can compute "
               "them, so a passing check digit never proves a document genuine.")
    return "\n".join(out)
