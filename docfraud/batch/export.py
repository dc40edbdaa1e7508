"""Exports of a results store: CSV, JSON Lines, Parquet, GraphML.

``captures``: one row per capture (its current result) with the main MRZ fields, the verdict,
the finding codes (WAT001 added for a watch-list hit), the source and the report file; the JSON
Lines rows carry the whole JSON report too. ``links``: one row per capture in a linkage group.
GraphML: the linkage graph (capture and group nodes) for analysts' tools (Gephi, yEd, Neo4j).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Iterator

from docfraud.batch.store import MRZ_COLUMNS, Store, report_of
from docfraud.errors import MissingDependencyError, UsageError

FORMATS = ("csv", "jsonl", "parquet", "graphml")
CAPTURE_FIELDS = ("key", "source", "name", "status", "verdict", "specimen", "side",
                  *[c for c in MRZ_COLUMNS if c != "mrz"], "mrz", "finding_codes", "watchlist",
                  "error_code", "error_message", "docfraud_version", "specimen_version",
                  "report_file", "examined_at")
LINK_FIELDS = ("group", "kind", "label", "key", "name", "source", "verdict", "issuer",
               "document_number", "surname", "given_names", "birth_date")


def final_verdict(verdict: str | None, hit: dict[str, Any] | None) -> str | None:
    """The verdict with a watch-list hit taken in: at least "refer to second line"."""
    from docfraud.examine.model import NO_ANOMALIES, REFER

    if hit is not None and verdict in (None, NO_ANOMALIES):
        return REFER
    return verdict


def capture_rows(store: Store, *, full: bool = False) -> Iterator[dict[str, Any]]:
    """The current row of every capture, examined or not, as export records (streamed)."""
    hits = store.watch_hits()
    for r in store.rows():
        hit = hits.get(r["key"])
        codes = json.loads(r["finding_codes"] or "[]")
        if hit is not None:
            codes = sorted(set(codes) | {"WAT001"})
        rec: dict[str, Any] = {f: r[f] for f in CAPTURE_FIELDS
                               if f not in ("finding_codes", "watchlist")}
        rec["verdict"] = final_verdict(r["verdict"], hit) if r["status"] == "done" else None
        rec["finding_codes"] = " ".join(codes)
        rec["watchlist"] = hit["status"] if hit else None
        if full:
            report = report_of(r)
            if report is not None and hit is not None:
                from docfraud.batch.watchlist import finding

                report["findings"].append(finding(hit))
                if report["verdict"] != rec["verdict"]:
                    report["reasons"].append("WAT001: the document is on the watch list")
                report["verdict"] = rec["verdict"]
            rec["report"] = report
        yield rec
    for e in store.input_errors():  # inputs that never became a capture
        rec = {f: None for f in CAPTURE_FIELDS}
        rec.update(source=e["source"], status="error", error_code=e["error_code"],
                   error_message=e["error_message"], finding_codes="")
        yield rec


def link_rows(store: Store) -> Iterator[dict[str, Any]]:
    from docfraud.batch.linkage import find_groups, load_rows

    rows = load_rows(store)
    for g in find_groups(store, rows):
        for k in g.members:
            r = rows[k]
            yield {"group": g.id, "kind": g.kind, "label": g.label, "key": k,
                   **{f: r.get(f) for f in LINK_FIELDS[4:]}}


def export(folder: str | Path, fmt: str, *, what: str = "captures",
           output: str | Path | None = None) -> Path:
    """Write an export of the store in ``folder``; returns the file written."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    if what not in ("captures", "links"):
        raise UsageError(f"--what must be captures or links, not {what!r}")
    if fmt == "graphml":
        what = "links"
    with Store(folder, create=False) as store:
        out = Path(output) if output else store.folder / "export" / f"{what}.{fmt}"
        out.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "graphml":
            write_graphml(store, out)
            return out
        fields = CAPTURE_FIELDS if what == "captures" else LINK_FIELDS
        rows = capture_rows(store, full=fmt == "jsonl") if what == "captures" \
            else link_rows(store)
        if fmt == "csv":
            with out.open("w", encoding="utf-8", newline="") as fh:
                w = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
                w.writeheader()
                for rec in rows:
                    w.writerow(rec)
        elif fmt == "jsonl":
            with out.open("w", encoding="utf-8") as fh:
                for rec in rows:
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        else:
            write_parquet(rows, fields, out)
    return out


def write_parquet(rows: Iterator[dict[str, Any]], fields: tuple[str, ...], out: Path,
                  chunk: int = 10_000) -> None:
    """Stream rows into a Parquet file in row groups of ``chunk`` (bounded memory)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingDependencyError("Parquet export needs pyarrow",
                                     hint="pip install 'docfraud[batch]'") from None
    schema = pa.schema([(f, pa.float64() if f == "seconds" else pa.string()) for f in fields])
    with pq.ParquetWriter(out, schema) as writer:
        buf: list[dict[str, Any]] = []
        for rec in rows:
            buf.append({f: (None if rec.get(f) is None else str(rec.get(f))) for f in fields})
            if len(buf) >= chunk:
                writer.write_table(pa.Table.from_pylist(buf, schema=schema))
                buf = []
        if buf:
            writer.write_table(pa.Table.from_pylist(buf, schema=schema))


def write_graphml(store: Store, out: Path) -> None:
    import networkx as nx

    from docfraud.batch.linkage import find_groups, graph, load_rows

    rows = load_rows(store)
    nx.write_graphml(graph(find_groups(store, rows), rows), out)
