"""Trainees' answer files (CSV), read strictly with line-numbered errors.

The format (``trainee/answers-template.csv`` of a set is a filled-in example's start)::

    trainee,item,verdict,forgery_type,region,notes
    Ana,01,genuine,,,
    Ana,02,forged,1,portrait,the photo's edge looks cut

* a header line; column names in any case and order; ``,`` ``;`` or tab between fields;
* ``item`` (required): the item number (``2`` and ``02`` are the same);
* ``verdict`` (required column): ``genuine``/``g`` or ``forged``/``f``; empty: not answered
  (scored as wrong);
* ``trainee`` (optional column): who answered; where absent or empty, the file's name without
  ``.csv`` (one file per trainee);
* ``forgery_type`` (optional): the number from the worksheet, the type's id or its title;
* ``region`` (optional): zone ids or labels from the worksheet's maps, several separated by
  ``;`` or ``|``;
* any other column (``notes``) is ignored.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docfraud.errors import AnswerFileError
from docfraud.training.catalogue import KINDS
from docfraud.training.sheets import numbered_types

ALIASES = {"trainee": "trainee", "name": "trainee", "examiner": "trainee", "officer": "trainee",
           "item": "item", "no": "item", "number": "item", "document": "item",
           "verdict": "verdict", "answer": "verdict", "genuine_or_forged": "verdict",
           "forgery_type": "forgery_type", "type": "forgery_type", "feature": "forgery_type",
           "kind": "forgery_type", "kind_of_forgery": "forgery_type",
           "region": "region", "regions": "region", "zone": "region", "where": "region"}
VERDICTS = {"genuine": "genuine", "g": "genuine", "forged": "forged", "f": "forged",
            "forgery": "forged", "fake": "forged"}
MAX_SHOWN = 25


def norm(text: str) -> str:
    """A name compared loosely: lower case, runs of other characters as one ``_``."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


@dataclass
class Answer:
    trainee: str
    item: str
    verdict: str | None  # "genuine", "forged" or None (not answered)
    forgery_type: str | None = None
    regions: list[str] = field(default_factory=list)
    where: str = ""  # file:line


def region_names(spec: Any) -> dict[str, str]:
    """Every name a trainee may give a region of a specimen, to the zone id it means."""
    out: dict[str, str] = {}
    for z in spec.zones:
        out.setdefault(norm(z.id), z.id)
        out.setdefault(norm(z.label), z.id)
    return out


def truth_names(regions: list[dict[str, str]]) -> set[str]:
    """The names that count as naming one of an item's forged regions: each zone's id and label,
    and for an IR or UV zone of a feature (``surname_ir``) the feature's own id (``surname``)."""
    out: set[str] = set()
    for r in regions:
        out |= {norm(r["id"]), norm(r["label"])}
        m = re.fullmatch(r"(.+)_(ir|uv)", r["id"])
        if m and r.get("kind", "").startswith(("ir_", "uv_")):
            out.add(norm(m.group(1)))
    return out


def _items(key: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {int(it["item"]): it for it in key["items"]}


def _type_of(value: str, types: list[str]) -> str | None:
    v = value.strip()
    if not v:
        return None
    if v.isdigit():
        n = int(v)
        return types[n - 1] if 1 <= n <= len(types) else None
    for t in KINDS.values():
        if norm(v) in (norm(t.type), norm(t.title)):
            return t.type
    return None


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    first = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def read_file(path: Path, key: dict[str, Any], problems: list[str]) -> list[Answer]:
    """The answers of one file; problems (``FILE line N: ...``) are appended, not raised."""
    from docfraud.specimens import Library

    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        problems.append(f"{path}: no such file")
        return []
    except OSError as exc:
        problems.append(f"{path}: cannot be read ({exc.strerror or exc})")
        return []
    except UnicodeDecodeError as exc:
        problems.append(f"{path}: not UTF-8 text (byte {exc.start}): save it as CSV UTF-8")
        return []
    rows = list(csv.reader(io.StringIO(text), _dialect(text)))
    if not rows or not any(c.strip() for c in rows[0]):
        problems.append(f"{path} line 1: empty file or empty header; expected a header like "
                        "trainee,item,verdict,forgery_type,region")
        return []
    columns: dict[str, int] = {}
    for i, name in enumerate(rows[0]):
        canon = ALIASES.get(norm(name))
        if canon and canon not in columns:
            columns[canon] = i
    missing = [c for c in ("item", "verdict") if c not in columns]
    if missing:
        problems.append(f"{path} line 1: no column {' or '.join(missing)} in the header "
                        f"({', '.join(c.strip() for c in rows[0])})")
        return []
    items = _items(key)
    types = numbered_types(key)
    lib = Library()
    names = {sid: region_names(lib.get(sid)) for sid in {it["specimen"] for it in key["items"]}}
    span = f"{min(items):0{len(key['items'][0]['item'])}d} to " \
           f"{max(items):0{len(key['items'][0]['item'])}d}"
    out = []
    for lineno, row in enumerate(rows[1:], 2):
        if not any(c.strip() for c in row):
            continue
        where = f"{path} line {lineno}"

        def cell(name: str) -> str:
            i = columns.get(name)
            return row[i].strip() if i is not None and i < len(row) else ""

        raw_item = cell("item")
        if not raw_item.isdigit() or int(raw_item) not in items:
            problems.append(f"{where}: item {raw_item!r} is not in this set (items {span})")
            continue
        it = items[int(raw_item)]
        raw_verdict = cell("verdict")
        verdict = VERDICTS.get(raw_verdict.lower()) if raw_verdict else None
        if raw_verdict and verdict is None:
            problems.append(f"{where}: verdict {raw_verdict!r} is neither genuine nor forged")
            continue
        raw_type = cell("forgery_type")
        kind = _type_of(raw_type, types)
        if raw_type and kind is None:
            problems.append(f"{where}: forgery type {raw_type!r} is not a number from 1 to "
                            f"{len(types)} nor the name of a kind of forgery")
            continue
        regions = []
        bad = False
        for part in re.split(r"[;|]", cell("region")):
            if not part.strip():
                continue
            zid = names[it["specimen"]].get(norm(part))
            if zid is None:
                problems.append(f"{where}: region {part.strip()!r} is not a region of "
                                f"{it['specimen']} (see the worksheet's maps)")
                bad = True
                break
            regions.append(norm(part))
        if bad:
            continue
        trainee = cell("trainee") or path.stem
        out.append(Answer(trainee, it["item"], verdict, kind, regions, where))
    return out


def read_answers(paths: list[str | Path], key: dict[str, Any]) -> dict[str, dict[str, Answer]]:
    """Every trainee's answers, by item, from one or more files; raises
    :class:`AnswerFileError` (E701) listing every problem with its file and line."""
    if not paths:
        raise AnswerFileError("no answer files given")
    problems: list[str] = []
    out: dict[str, dict[str, Answer]] = {}
    for p in paths:
        for a in read_file(Path(p), key, problems):
            prev = out.setdefault(a.trainee, {}).get(a.item)
            if prev is not None:
                problems.append(f"{a.where}: item {a.item} answered twice by {a.trainee} "
                                f"(also at {prev.where})")
                continue
            out[a.trainee][a.item] = a
    if problems:
        more = f" (and {len(problems) - MAX_SHOWN} more)" if len(problems) > MAX_SHOWN else ""
        raise AnswerFileError(f"{len(problems)} problem(s) in the answer files:\n  "
                              + "\n  ".join(problems[:MAX_SHOWN]) + more,
                              hint="the format is in docs/training.md; "
                                   "trainee/answers-template.csv of the set is a start")
    if not out:
        raise AnswerFileError("the answer files hold no answers")
    return out
