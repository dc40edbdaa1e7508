"""The summary of a results store as one self-contained HTML page (inline SVG plots).

Counts by verdict, issuer and document type; finding-code frequencies; the distribution of each
check's scores in units of its threshold; watch-list hits; linkage groups as a table and a
graph; the captures to look at (referred or strong indicators) and the inputs that could not be
read, each capture linked to its own report. Streams the store: the counts and histograms are
bounded whatever its size; long tables are cut at :data:`MAX_ROWS` rows (the exports have all).
"""

from __future__ import annotations

import html
import json
import math
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from docfraud import __version__
from docfraud.batch.export import final_verdict
from docfraud.batch.linkage import KIND_TITLES, KINDS, Group, find_groups, graph, load_rows
from docfraud.batch.store import Store, now
from docfraud.examine.model import NO_ANOMALIES, REFER, STRONG
from docfraud.findings import REGISTRY

MAX_ROWS = 500
BINS = 30  # histogram bins of score / threshold over [0, 3)
VERDICT_COLOURS = {NO_ANOMALIES: "#2e7d32", REFER: "#ef6c00", STRONG: "#c62828",
                   "not examined": "#757575"}
SHORT = {NO_ANOMALIES: "no anomalies", REFER: "refer", STRONG: "strong indicators",
         "not examined": "not examined"}
KIND_COLOURS = {"document_number": "#1565c0", "portrait": "#6a1b9a", "mrz": "#00838f",
                "signature": "#ad1457"}

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1b1b;
background:#fafafa}
header{background:#263238;color:#fff;padding:16px 24px}
header h1{margin:0;font-size:24px}header p{margin:4px 0 0;opacity:.85;font-size:14px}
main{max-width:1180px;margin:0 auto;padding:0 18px 40px}
h2{font-size:19px;border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:30px}
table{border-collapse:collapse;font-size:13.5px;background:#fff;margin:6px 0}
th,td{border:1px solid #ddd;padding:4px 7px;text-align:left;vertical-align:top}
th{background:#f0f0f0}td.n{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin-top:16px}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 16px;min-width:120px}
.card b{display:block;font-size:26px}.card span{font-size:13px;color:#555}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:14px}
.two{display:grid;grid-template-columns:minmax(300px,1fr) 2fr;gap:14px;align-items:start}
.two table{width:100%}
.plot{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px}
.plot h3{font-size:14px;margin:0 0 4px}
.v{display:inline-block;padding:1px 6px;border-radius:3px;color:#fff;font-size:12px;
white-space:nowrap}
.note{font-size:13px;color:#555}
svg text{font-family:system-ui,sans-serif}
"""


def _e(x: Any) -> str:
    return html.escape("" if x is None else str(x))


def _badge(verdict: str | None) -> str:
    v = verdict or "not examined"
    return (f'<span class="v" style="background:{VERDICT_COLOURS.get(v, "#555")}">'
            f"{_e(SHORT.get(v, v))}</span>")


def bar_chart(items: list[tuple[str, int, str]], width: int = 520, unit: str = "") -> str:
    """Horizontal bars: (label, value, colour)."""
    if not items:
        return '<p class="note">none</p>'
    row, label_w = 22, min(230, 12 + 7 * max(len(lbl) for lbl, _, _ in items))
    top = max(v for _, v, _ in items) or 1
    h = row * len(items) + 6
    span = width - label_w - 60
    out = [f'<svg viewBox="0 0 {width} {h}" width="100%" style="max-width:{width}px" '
           'role="img">']
    for i, (label, value, colour) in enumerate(items):
        y = 3 + i * row
        w = max(1.0, span * value / top)
        out.append(f'<text x="{label_w - 6}" y="{y + 15}" font-size="12" text-anchor="end">'
                   f"{_e(label)}</text>")
        out.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 7}" '
                   f'fill="{colour}" rx="2"/>')
        out.append(f'<text x="{label_w + w + 5:.1f}" y="{y + 15}" font-size="12">{value}{unit}'
                   f"</text>")
    out.append("</svg>")
    return "".join(out)


def histogram(counts: list[int], width: int = 360, height: int = 130) -> str:
    """A histogram of score / threshold over [0, 3): bins past 1 (failing) in red."""
    top = max(counts) or 1
    left, bottom = 34, 22
    bw = (width - left - 8) / len(counts)
    out = [f'<svg viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" '
           'role="img">']
    for i, c in enumerate(counts):
        if not c:
            continue
        hh = (height - bottom - 8) * math.sqrt(c / top)
        x = left + i * bw
        colour = "#c62828" if (i + 0.5) * 3 / len(counts) > 1 else "#546e7a"
        out.append(f'<rect x="{x:.1f}" y="{height - bottom - hh:.1f}" width="{bw - 1:.1f}" '
                   f'height="{hh:.1f}" fill="{colour}"><title>{c}</title></rect>')
    x1 = left + (width - left - 8) / 3
    out.append(f'<line x1="{x1:.1f}" x2="{x1:.1f}" y1="4" y2="{height - bottom}" '
               'stroke="#000" stroke-dasharray="3,3"/>')
    for v in (0, 1, 2, 3):
        x = left + (width - left - 8) * v / 3
        out.append(f'<text x="{x:.1f}" y="{height - 6}" font-size="11" text-anchor="middle">'
                   f'{v}{"+" if v == 3 else ""}</text>')
    out.append(f'<text x="2" y="12" font-size="10">{top}</text>')
    out.append(f'<line x1="{left}" x2="{width - 8}" y1="{height - bottom}" '
               f'y2="{height - bottom}" stroke="#999"/></svg>')
    return "".join(out)


def graph_svg(groups: list[Group], rows: dict[str, dict[str, Any]], links: dict[str, str],
              width: int = 1100, height: int = 520, max_groups: int = 120) -> str:
    """The linkage graph: captures (circles, coloured by verdict) joined to the groups that
    link them (squares, coloured by kind), laid out by force."""
    import networkx as nx

    shown = groups[:max_groups]
    if not shown:
        return '<p class="note">No linkage groups.</p>'
    g = graph(shown, rows)
    # each connected component laid out by force in a cell of its own, largest first
    comps = sorted(nx.connected_components(g), key=lambda c: (-len(c), sorted(c)))
    cols = max(1, min(len(comps), round(math.sqrt(len(comps) * width / height))))
    nrows = math.ceil(len(comps) / cols)
    height = max(height, 170 * nrows + 40) if nrows > 3 else height
    cw, ch = width / cols, (height - 34) / nrows
    placed: dict[str, tuple[float, float]] = {}
    for i, comp in enumerate(comps):
        sub = g.subgraph(comp)
        p = nx.spring_layout(sub, seed=7, iterations=200) if len(comp) > 2 else \
            {n: (j - 0.5, 0.0) for j, n in enumerate(sorted(comp))}
        xs = [v[0] for v in p.values()]
        ys = [v[1] for v in p.values()]
        cx, cy = (i % cols) * cw, (i // cols) * ch
        for n, (x, y) in p.items():
            fx = (x - min(xs)) / max(max(xs) - min(xs), 1e-9) if len(xs) > 1 else 0.5
            fy = (y - min(ys)) / max(max(ys) - min(ys), 1e-9) if max(ys) > min(ys) else 0.5
            placed[n] = (cx + 45 + fx * (cw - 110), cy + 28 + fy * (ch - 56))

    def at(n: str) -> tuple[float, float]:
        return placed[n]

    out = [f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" '
           'style="background:#fff;border:1px solid #ddd;border-radius:6px">']
    for a, b, d in g.edges(data=True):
        (ax, ay), (bx, by) = at(a), at(b)
        out.append(f'<line x1="{ax:.1f}" y1="{ay:.1f}" x2="{bx:.1f}" y2="{by:.1f}" '
                   f'stroke="{KIND_COLOURS.get(d["kind"], "#999")}" stroke-width="2" '
                   'opacity=".7"/>')
    for n, d in g.nodes(data=True):
        x, y = at(n)
        if d["type"] == "group":
            c = KIND_COLOURS.get(d["kind"], "#999")
            out.append(f'<rect x="{x - 11:.1f}" y="{y - 11:.1f}" width="22" height="22" rx="3" '
                       f'fill="{c}"><title>{_e(d["label"])}</title></rect>'
                       f'<text x="{x:.1f}" y="{y + 4:.1f}" font-size="10" fill="#fff" '
                       f'text-anchor="middle" font-weight="700">{_e(n)}</text>')
        else:
            c = VERDICT_COLOURS.get(d["verdict"] or "not examined", "#555")
            link = links.get(n, "")
            node = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8" fill="{c}" stroke="#fff" '
                    f'stroke-width="1.5"><title>{_e(d["label"])}: '
                    f'{_e(SHORT.get(d["verdict"], d["verdict"]))}</title></circle>'
                    f'<text x="{x + 10:.1f}" y="{y - 8:.1f}" font-size="11" fill="#333">'
                    f'{_e(d["label"])}</text>')
            out.append(f'<a href="{_e(link)}">{node}</a>' if link else node)
    lx = 10
    for kind in KINDS:
        out.append(f'<rect x="{lx}" y="{height - 22}" width="12" height="12" '
                   f'fill="{KIND_COLOURS[kind]}"/><text x="{lx + 16}" y="{height - 12}" '
                   f'font-size="11">{_e(KIND_TITLES[kind])}</text>')
        lx += 30 + 6.2 * len(KIND_TITLES[kind])
    out.append("</svg>")
    if len(groups) > max_groups:
        out.append(f'<p class="note">The graph shows the first {max_groups} of {len(groups)} '
                   "groups; the GraphML export has them all.</p>")
    return "".join(out)


def collect(store: Store) -> dict[str, Any]:
    """Counts and histograms of the whole store, streamed."""
    hits = store.watch_hits()
    c: dict[str, Any] = {"verdict": Counter(), "issuer": Counter(), "type": Counter(),
                         "codes": Counter(), "errors": Counter(), "total": 0, "examined": 0,
                         "hist": defaultdict(lambda: [0] * BINS), "flagged": [],
                         "flagged_total": 0, "seconds": []}
    for r in store.rows(columns="key, status, verdict, issuer, specimen, finding_codes, scores, "
                                "name, source, report_file, error_code, document_code"):
        c["total"] += 1
        if r["status"] != "done":
            c["errors"][r["error_code"]] += 1
            c["verdict"]["not examined"] += 1
            continue
        c["examined"] += 1
        hit = hits.get(r["key"])
        verdict = final_verdict(r["verdict"], hit)
        c["verdict"][verdict] += 1
        c["issuer"][(r["issuer"] or "none read").rstrip("<")] += 1
        c["type"][r["specimen"] or "no specimen matched"] += 1
        codes = set(json.loads(r["finding_codes"] or "[]")) | ({"WAT001"} if hit else set())
        c["codes"].update(codes)
        for check, _zone, score, threshold, *rest in json.loads(r["scores"] or "[]"):
            direction = rest[0] if rest else "max"
            if score is None or threshold is None:
                continue
            if direction == "min":
                ratio = threshold / score if score > 0 else 3.0
            else:
                ratio = score / threshold if threshold > 0 else 3.0
            c["hist"][check][min(BINS - 1, max(0, int(ratio / 3 * BINS)))] += 1
        if verdict in (REFER, STRONG):
            c["flagged_total"] += 1
            if len(c["flagged"]) < MAX_ROWS:
                c["flagged"].append({**dict(r), "verdict": verdict, "hit": hit,
                                     "codes": sorted(codes)})
    return c


def render(store: Store) -> str:
    c = collect(store)
    rows = load_rows(store)
    hits = store.watch_hits()
    for k, r in rows.items():  # the verdict with a watch-list hit taken in
        r["verdict"] = final_verdict(r.get("verdict"), hits.get(k))
    groups = find_groups(store, rows)
    links = {k[:16]: r["report_file"] for k, r in rows.items() if r.get("report_file")}
    input_errors = store.input_errors()
    parts = [f"<!doctype html><html lang=en><head><meta charset=utf-8>"
             f"<title>docfraud batch summary</title><style>{CSS}</style></head><body>",
             f"<header><h1>Batch summary: {_e(store.folder.name)}</h1><p>docfraud "
             f"{_e(__version__)} · written {_e(now())} UTC · {c['total']} captures, "
             f"{len(input_errors)} unreadable inputs · verdicts say what the checks that ran "
             f"found, never that a document is genuine</p></header><main>"]
    cards = [(c["total"], "captures"), (c["examined"], "examined"),
             (c["verdict"].get(STRONG, 0), "strong indicators"),
             (c["verdict"].get(REFER, 0), "referred"),
             (c["verdict"].get(NO_ANOMALIES, 0), "no anomalies"),
             (c["total"] - c["examined"] + len(input_errors), "could not be examined"),
             (len(groups), "linkage groups"), (len(hits), "watch-list hits")]
    parts.append('<div class="cards">' + "".join(
        f'<div class="card"><b>{n}</b><span>{_e(t)}</span></div>' for n, t in cards) + "</div>")

    parts.append('<h2>Counts</h2><div class="grid">')
    order = [NO_ANOMALIES, REFER, STRONG, "not examined"]
    parts.append('<div class="plot"><h3>By verdict</h3>' + bar_chart(
        [(SHORT[v], c["verdict"][v], VERDICT_COLOURS[v]) for v in order if c["verdict"][v]])
        + "</div>")
    parts.append('<div class="plot"><h3>By issuer (MRZ)</h3>' + bar_chart(
        [(k, n, "#455a64") for k, n in c["issuer"].most_common(15)]) + "</div>")
    parts.append('<div class="plot"><h3>By document type (specimen)</h3>' + bar_chart(
        [(k, n, "#455a64") for k, n in c["type"].most_common(15)]) + "</div>")
    if c["errors"]:
        parts.append('<div class="plot"><h3>Captures not examined, by error</h3>' + bar_chart(
            [(k or "?", n, "#757575") for k, n in c["errors"].most_common(10)]) + "</div>")
    parts.append("</div>")

    parts.append("<h2>Finding codes</h2>")
    if c["codes"]:
        parts.append('<div class="two"><div class="plot">' + bar_chart(
            [(code, n, "#b71c1c" if REGISTRY.get(code) and REGISTRY[code].severity == "error"
              else "#ef6c00" if REGISTRY.get(code) and REGISTRY[code].severity == "warning"
              else "#78909c") for code, n in c["codes"].most_common(25)]) + "</div><div>"
            "<table><tr><th>code</th><th>title</th><th>severity</th><th>captures</th></tr>"
            + "".join(f"<tr><td>{_e(code)}</td><td>{_e(REGISTRY[code].title if code in REGISTRY else '')}"
                      f"</td><td>{_e(REGISTRY[code].severity if code in REGISTRY else '')}</td>"
                      f'<td class="n">{n}</td></tr>' for code, n in c["codes"].most_common(40))
            + "</table></div></div>")
    else:
        parts.append('<p class="note">No findings.</p>')

    parts.append("<h2>Score distributions</h2><p class=note>Each check's scores in units of its "
                 "threshold (1 = the threshold; past the dashed line the check fails, in red); "
                 "bar heights on a square-root scale.</p><div class=grid>")
    for check in sorted(c["hist"]):
        counts = c["hist"][check]
        parts.append(f'<div class="plot"><h3>{_e(check)} <span class=note>({sum(counts)} '
                     f"scores, {sum(counts[BINS // 3:])} failing)</span></h3>"
                     f"{histogram(counts)}</div>")
    parts.append("</div>")

    parts.append("<h2>Linkage groups</h2>")
    if groups:
        parts.append("<p class=note>Captures linked by a shared document number with different "
                     "holders, the same portrait under different identities, an identical MRZ "
                     "on different documents, or the same forgery signature (docs/batch.md). "
                     "Click a capture to open its report.</p>")
        parts.append(graph_svg(groups, rows, links))
        parts.append("<table><tr><th>group</th><th>link</th><th>what links them</th>"
                     "<th>captures</th></tr>")
        for g in groups[:MAX_ROWS]:
            members = []
            for k in g.members[:40]:
                r = rows[k]
                name = _e(r.get("name") or k[:12])
                who = _e(" ".join(x for x in (r.get("surname"), r.get("given_names"),
                                              r.get("birth_date")) if x))
                ref = f'<a href="{_e(r["report_file"])}">{name}</a>' if r.get("report_file") \
                    else name
                members.append(f"{ref} {_badge(r.get('verdict'))} <span class=note>{who}"
                               "</span>")
            more = f"<br>… and {len(g.members) - 40} more" if len(g.members) > 40 else ""
            parts.append(f'<tr><td><b style="color:{KIND_COLOURS[g.kind]}">{_e(g.id)}</b></td>'
                         f"<td>{_e(KIND_TITLES[g.kind])}</td><td>{_e(g.label)}</td>"
                         f"<td>{'<br>'.join(members)}{more}</td></tr>")
        parts.append("</table>")
    else:
        parts.append('<p class="note">No linkage groups.</p>')

    if hits:
        parts.append("<h2>Watch-list hits</h2><table><tr><th>capture</th><th>status</th>"
                     "<th>reported</th><th>reference</th></tr>")
        by_key = {r["key"]: r for r in store.rows("key IN (SELECT key FROM watch_hits)",
                                                  columns="key, name, report_file")}
        for k, e in list(hits.items())[:MAX_ROWS]:
            r = by_key.get(k)
            name = _e(r["name"] if r else k[:12])
            ref = f'<a href="{_e(r["report_file"])}">{name}</a>' if r and r["report_file"] \
                else name
            parts.append(f"<tr><td>{ref}</td><td>{_e(e['status'])}</td>"
                         f"<td>{_e(e.get('reported_on'))}</td><td>{_e(e.get('reference'))}"
                         "</td></tr>")
        parts.append("</table>")

    parts.append(f"<h2>Captures to look at ({c['flagged_total']})</h2>")
    if c["flagged"]:
        parts.append("<table><tr><th>capture</th><th>verdict</th><th>type</th><th>findings</th>"
                     "<th>source</th></tr>")
        order_v = {STRONG: 0, REFER: 1}
        for r in sorted(c["flagged"], key=lambda r: (order_v.get(r["verdict"], 2), r["name"])):
            name = _e(r["name"])
            ref = f'<a href="{_e(r["report_file"])}">{name}</a>' if r["report_file"] else name
            parts.append(f"<tr><td>{ref}</td><td>{_badge(r['verdict'])}</td>"
                         f"<td>{_e(r['specimen'] or '')}</td><td>{_e(' '.join(r['codes']))}</td>"
                         f"<td class=note>{_e(r['source'])}</td></tr>")
        parts.append("</table>")
        if c["flagged_total"] > len(c["flagged"]):
            parts.append(f'<p class="note">The first {len(c["flagged"])}; the exports list '
                         "all.</p>")
    else:
        parts.append('<p class="note">None.</p>')

    errs = [r for r in store.rows("status != 'done'", columns="name, source, error_code, "
                                                               "error_message")]
    if errs or input_errors:
        parts.append(f"<h2>Not examined ({len(errs) + len(input_errors)})</h2><table><tr>"
                     "<th>source</th><th>error</th><th>message</th></tr>")
        for r in (list(input_errors) + errs)[:MAX_ROWS]:
            parts.append(f"<tr><td class=note>{_e(r['source'])}</td><td>{_e(r['error_code'])}"
                         f"</td><td>{_e(r['error_message'])}</td></tr>")
        parts.append("</table>")
    parts.append("</main></body></html>")
    return "\n".join(parts)


def write_summary(store: Store, output: str | Path | None = None) -> Path:
    """Write the summary page (default ``DIR/summary.html``); report links are relative to
    the results folder."""
    out = Path(output) if output else store.folder / "summary.html"
    text = render(store)
    if out.resolve().parent != store.folder.resolve():  # links relative to the page
        import os

        rel = os.path.relpath(store.folder.resolve(), out.resolve().parent)
        text = text.replace('href="reports/', f'href="{rel}/reports/')
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out
