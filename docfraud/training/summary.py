"""The class summary and the comparison with docfraud: HTML with inline SVG charts (no plotting
library needed), plus the scores as JSON and CSV."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from docfraud.training.catalogue import KINDS
from docfraud.training.sheets import _e, _page

COLOURS = {"class": "#1565c0", "docfraud": "#ef6c00"}
EXTRA_CSS = """
.chart{margin:2mm 0 5mm}.legend span{display:inline-block;margin-right:5mm;font-size:9pt}
.legend i{display:inline-block;width:3mm;height:3mm;margin-right:1.5mm;vertical-align:-0.3mm}
.bar{background:#e3e3e3;height:2.4mm;width:28mm;display:inline-block;vertical-align:middle;
margin-right:2mm}.bar b{display:block;height:100%;background:#1565c0;
-webkit-print-color-adjust:exact;print-color-adjust:exact}
td.r{text-align:right;white-space:nowrap}.differ{background:#fff3e0}
svg{-webkit-print-color-adjust:exact;print-color-adjust:exact}
"""


def pct(v: float | None) -> str:
    return "–" if v is None else f"{100 * v:.0f}%"


def svg_bars(labels: list[str], series: dict[str, list[float | None]], *,
             width: int = 680) -> str:
    """A horizontal bar chart of shares (0..1): one group of bars per label, one bar per series."""
    left, right, bar, gap = 250, 50, 14, 10
    n = len(series)
    group = n * bar + gap
    height = 24 + group * len(labels) + 6
    plot = width - left - right
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" font-family="DejaVu Sans,sans-serif" '
           f'font-size="12">']
    for t in (0, 0.25, 0.5, 0.75, 1.0):
        x = left + plot * t
        out.append(f'<line x1="{x:.1f}" y1="16" x2="{x:.1f}" y2="{height - 6}" stroke="#ddd"/>'
                   f'<text x="{x:.1f}" y="12" text-anchor="middle" fill="#666" font-size="10">'
                   f'{t:.0%}</text>')
    for i, label in enumerate(labels):
        y0 = 20 + i * group
        text = label if len(label) <= 38 else label[:36] + "…"
        out.append(f'<text x="{left - 8}" y="{y0 + n * bar / 2 + 4:.1f}" text-anchor="end" '
                   f'fill="#222">{_e(text)}</text>')
        for j, (name, values) in enumerate(series.items()):
            v = values[i]
            y = y0 + j * bar
            colour = COLOURS.get(name, "#555")
            if v is None:
                out.append(f'<text x="{left + 4}" y="{y + bar - 3}" fill="#888" font-size="10">'
                           f'no data</text>')
                continue
            w = max(plot * v, 1.0)
            out.append(f'<rect x="{left}" y="{y + 1}" width="{w:.1f}" height="{bar - 2}" '
                       f'fill="{colour}"><title>{_e(name)}: {pct(v)}</title></rect>'
                       f'<text x="{left + w + 4:.1f}" y="{y + bar - 3}" font-size="10" '
                       f'fill="#333">{pct(v)}</text>')
    out.append("</svg>")
    return "".join(out)


def _legend(names: list[str]) -> str:
    return '<div class="legend">' + "".join(
        f'<span><i style="background:{COLOURS.get(n, "#555")}"></i>{_e(n)}</span>'
        for n in names) + "</div>"


def _types_sorted(result: dict[str, Any], table: str = "by_type") -> list[str]:
    """Forgery types, the hardest for the class (lowest share found) first."""
    rows = result[table]
    return sorted((t for t in rows if t != "genuine"),
                  key=lambda t: (rows[t]["right_rate"] if rows[t]["right_rate"] is not None
                                 else 2, t))


def _bar(v: float | None) -> str:
    return "" if v is None else f'<span class="bar"><b style="width:{100 * v:.0f}%"></b></span>'


def summary_html(key: dict[str, Any], result: dict[str, Any], *, compare: bool = False) -> str:
    """The class summary (``compare``: docfraud beside the class, or alone without trainees)."""
    has_class = bool(result["trainees"])
    base = "by_type" if has_class else "docfraud_by_type"
    types = _types_sorted(result, base)
    series: dict[str, list[float | None]] = {}
    region: dict[str, list[float | None]] = {}
    if has_class:
        series["class"] = [result["by_type"][t]["right_rate"] for t in types]
        region["class"] = [result["by_type"][t]["region_accuracy"] for t in types]
    if compare:
        series["docfraud"] = [result["docfraud_by_type"][t]["right_rate"] for t in types]
        region["docfraud"] = [result["docfraud_by_type"][t]["region_accuracy"] for t in types]
    labels = [f"{result[base][t]['title']} ({result[base][t]['items']})" for t in types]
    g = result[base].get("genuine")
    genuine_line = ""
    if g:
        parts = []
        if has_class:
            parts.append(f"the class judged {pct(result['by_type']['genuine']['right_rate'])} "
                         "of its answers on them right")
        if compare:
            parts.append(f"docfraud found no anomalies on "
                         f"{pct(result['docfraud_by_type']['genuine']['right_rate'])}")
        genuine_line = (f"<p>{g['items']} genuine documents: " + "; ".join(parts) +
                        " (the rest are false alarms).</p>")
    body = [f"<h1>{_e(key['title'])}: {'class and docfraud' if compare else 'class summary'}</h1>",
            f'<p class="meta">{result["items"]} items; {len(result["trainees"])} trainee(s); '
            f'difficulty {_e(key["difficulty"])}; set made {_e(key["created"][:10])}.</p>']
    if has_class:
        c = result["class"]
        body.append(f"<p>Class mean: accuracy <b>{pct(c['mean_accuracy'])}</b>, forgeries found "
                    f"{pct(c['mean_found_rate'])}, false alarms "
                    f"{pct(c['mean_false_alarm_rate'])}, kind named right "
                    f"{pct(c['mean_type_accuracy'])} and region named right "
                    f"{pct(c['mean_region_accuracy'])} of the forgeries found.</p>")
    if compare:
        d = result["docfraud"]
        body.append(f"<p>docfraud: accuracy <b>{pct(d['accuracy'])}</b>, forgeries flagged "
                    f"{pct(d['found_rate'])}, false alarms {pct(d['false_alarm_rate'])}, region "
                    f"right {pct(d['region_accuracy'])} of those flagged (docfraud names no kind "
                    "of forgery).</p>")
    body.append("<h2>Forgeries found, by kind (hardest first)</h2>" + _legend(list(series))
                + f'<div class="chart">{svg_bars(labels, series)}</div>{genuine_line}')
    body.append("<h2>Region named right, of the forgeries found</h2>" + _legend(list(region))
                + f'<div class="chart">{svg_bars(labels, region)}</div>')
    if has_class:
        rows = []
        for name, s in result["trainees"].items():
            rows.append(f"<tr><td>{_e(name)}</td><td class=\"r\">{_bar(s['accuracy'])}"
                        f"{pct(s['accuracy'])}</td><td class=\"r\">{s['found']}/{s['forged']}"
                        f"</td><td>{_e(', '.join(s['missed']) or '–')}</td>"
                        f"<td>{_e(', '.join(s['false_alarms']) or '–')}</td>"
                        f"<td class=\"r\">{pct(s['type_accuracy'])}</td>"
                        f"<td class=\"r\">{pct(s['region_accuracy'])}</td>"
                        f"<td class=\"r\">{s['answered']}/{s['items']}</td></tr>")
        body.append("<h2>Trainees</h2><table><thead><tr><th>Trainee</th><th>Accuracy</th>"
                    "<th>Found</th><th>Missed forgeries</th><th>False alarms</th><th>Kind right"
                    "</th><th>Region right</th><th>Answered</th></tr></thead><tbody>"
                    + "".join(rows) + "</tbody></table>")
    rows = []
    for r in result["per_item"]:
        t = r["forgery_type"]
        differ = compare and has_class and r["class_right_rate"] is not None and \
            (r["class_right_rate"] >= 0.5) != r["docfraud_right"]
        cls = ' class="differ"' if differ else ""
        rows.append(f"<tr{cls}><td>{_e(r['item'])}</td>"
                    f"<td>{_e(r['truth'])}</td><td>{_e(_kind_title(t))}</td>"
                    + (f"<td class=\"r\">{_bar(r['class_right_rate'])}"
                       f"{pct(r['class_right_rate'])}</td>" if has_class else "")
                    + f"<td>{_e(r['docfraud'] or 'not examined')}"
                    + (f" ({'right' if r['docfraud_right'] else 'wrong'})" if compare else "")
                    + "</td></tr>")
    note = ("<p class=\"small\">Highlighted: items where docfraud and the class majority "
            "differ.</p>" if compare and has_class else "")
    body.append("<h2>Items</h2>" + note + "<table><thead><tr><th>No.</th><th>Truth</th>"
                "<th>Forgery</th>" + ("<th>Class right</th>" if has_class else "")
                + "<th>docfraud reports</th></tr></thead><tbody>" + "".join(rows)
                + "</tbody></table>")
    html = _page(f"{key['title']}: summary", "".join(body))
    return html.replace("</style>", EXTRA_CSS + "</style>", 1)


def _kind_title(t: str | None) -> str:
    return KINDS[t].title if t else ""


def write_outputs(out: str | Path, key: dict[str, Any], result: dict[str, Any], *,
                  compare: bool = False) -> dict[str, Path]:
    """Write the summary HTML, the scores as JSON and per participant as CSV into ``out``."""
    from docfraud.errors import WorkshopFolderError

    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkshopFolderError(f"cannot create {out}: {exc.strerror or exc}") from None
    stem = "compare" if compare else "class-summary"
    paths = {"html": out / f"{stem}.html", "json": out / f"{stem}.json",
             "csv": out / f"{stem}.csv"}
    paths["html"].write_text(summary_html(key, result, compare=compare), encoding="utf-8")
    paths["json"].write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    people = dict(result["trainees"])
    if compare:
        people["docfraud"] = result["docfraud"]
    with paths["csv"].open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["participant", "accuracy", "found", "forged", "missed", "false_alarms",
                    "type_accuracy", "region_accuracy", "answered", "items"])
        for name, s in people.items():
            w.writerow([name, s["accuracy"], s["found"], s["forged"], " ".join(s["missed"]),
                        " ".join(s["false_alarms"]), s["type_accuracy"], s["region_accuracy"],
                        s["answered"], s["items"]])
    return paths
