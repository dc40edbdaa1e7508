"""A self-contained HTML report: opens offline (images embedded), prints well."""

from __future__ import annotations

import base64
import html
from typing import Any

import cv2
import numpy as np

from docfraud.examine.model import NO_ANOMALIES, REFER, STRONG, Examination
from docfraud.report.json import personal_strings, scrub, to_dict
from docfraud.report.png import (_spec, annotated, box_crops, close_up_box, redact_image,
                                 zone_crops, zone_status)

FINDINGS_DOC = "https://github.com/docfraud/docfraud/blob/main/docs/findings.md"
BANNER = {NO_ANOMALIES: ("#2e7d32", "No anomalies found in the checks that ran"),
          REFER: ("#ef6c00", "Refer to second line"),
          STRONG: ("#c62828", "Strong indicators of forgery")}
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1b1b;
background:#fafafa}
main{max-width:1100px;margin:0 auto;padding:0 18px 40px}
.banner{color:#fff;padding:18px 22px;font-size:26px;font-weight:700;border-radius:0 0 8px 8px}
.banner small{display:block;font-size:15px;font-weight:400;opacity:.95;margin-top:4px}
h2{font-size:19px;border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:28px}
table{border-collapse:collapse;width:100%;font-size:14px;background:#fff}
th,td{border:1px solid #ddd;padding:5px 7px;text-align:left;vertical-align:top}
th{background:#f0f0f0}
.error{color:#b71c1c;font-weight:600}.warning{color:#e65100;font-weight:600}.info{color:#546e7a}
.failed{color:#b71c1c;font-weight:600}.passed{color:#2e7d32}.not_run{color:#757575}
img{max-width:100%;border:1px solid #ccc;background:#fff}
.mrz{font-family:"OCR-B","OCR B",Consolas,monospace;font-size:19px;letter-spacing:2px;
background:#fff;padding:8px 10px;border:1px solid #ccc;display:inline-block}
.mrz .c{background:#ffe082}.mrz .u{background:#ffab91}
.zone{display:grid;grid-template-columns:1fr 1fr 1fr;gap:8px;margin:10px 0 18px;
page-break-inside:avoid}
.zone figure{margin:0}.zone figcaption{font-size:12px;color:#555}
.meta{font-size:13px;color:#555}
@media print{body{background:#fff}.banner{border-radius:0;-webkit-print-color-adjust:exact;
print-color-adjust:exact}h2{page-break-after:avoid}}
"""


def _img(arr: np.ndarray, fmt: str = ".jpg") -> str:
    params = [cv2.IMWRITE_JPEG_QUALITY, 88] if fmt == ".jpg" else []
    ok, buf = cv2.imencode(fmt, arr, params)
    mime = "image/jpeg" if fmt == ".jpg" else "image/png"
    return f"data:{mime};base64,{base64.b64encode(buf.tobytes()).decode()}"


def _e(text: Any) -> str:
    return html.escape(str(text))


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.3g}"
    if isinstance(v, (list, tuple)):
        shown = ", ".join(_value(x) for x in v[:6])
        return f"[{shown}{', …' if len(v) > 6 else ''}]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_value(x)}" for k, x in list(v.items())[:6]) + "}"
    return str(v)


def evidence_text(ev: dict[str, Any]) -> str:
    """A finding's evidence in a line a person reads: the measured value against what it was
    held to first ("0.133, at least 0.586 (calibrated)"), then the rest of it.

    >>> evidence_text({"measured": 7.0, "threshold": 2.0, "direction": "max",
    ...                "calibrated": False, "zone": "portrait_uv"})
    '7, at most 2 (default)'
    >>> evidence_text({"printed": "3", "computed": "5"})
    'printed 3 · computed 5'
    """
    ev = dict(ev)
    head = ""
    if "measured" in ev and "threshold" in ev:
        bound = {"min": "at least", "max": "at most"}.get(ev.pop("direction", ""), "held to")
        cal = ev.pop("calibrated", None)
        head = (f"{_value(ev.pop('measured'))}, {bound} {_value(ev.pop('threshold'))}"
                + ("" if cal is None else " (calibrated)" if cal else " (default)"))
    ev.pop("zone", None)  # the table's "where" column
    rest = " · ".join(f"{k.replace('_', ' ')} {_value(v)}" for k, v in ev.items())
    return " · ".join(p for p in (head, rest) if p)


def _mrz_html(ex: Examination, secrets: list[str] | None) -> str:
    r = ex.reading
    if r is None:
        return "<p>No MRZ was read.</p>"
    corrected = {(c.line, c.pos) for c in getattr(r, "corrections", [])}
    conf = getattr(r, "char_confidences", [])
    rows = []
    for ln, line in enumerate(r.lines):
        if secrets is not None:
            line = scrub(line, secrets)
        cells = []
        for i, ch in enumerate(line):
            p = conf[ln][i] if ln < len(conf) and i < len(conf[ln]) else 1.0
            cls = "c" if (ln, i) in corrected else ("u" if p < 0.6 else "")
            cells.append(f'<span class="{cls}">{_e(ch)}</span>' if cls else _e(ch))
        rows.append("".join(cells))
    legend = ('<p class="meta"><span style="background:#ffe082">corrected by the MRZ structure'
              '</span> &nbsp; <span style="background:#ffab91">read with low confidence</span>'
              '</p>')
    return f'<div class="mrz">{"<br>".join(rows)}</div>{legend}'


def _crop_row(crops: tuple[np.ndarray, np.ndarray, np.ndarray], personal: bool) -> str:
    """The questioned crop, the specimen's and their difference side by side; blurred past
    reading where ``personal`` (a redacted report's names, numbers and portraits)."""
    if personal:
        crops = tuple(cv2.GaussianBlur(c, (0, 0), 10) for c in crops)
    q, r, heat = crops
    return (f"<div class='zone'><figure><img src='{_img(q)}'><figcaption>questioned"
            f"</figcaption></figure><figure><img src='{_img(r)}'><figcaption>reference "
            f"specimen</figcaption></figure><figure><img src='{_img(heat)}'><figcaption>"
            f"difference</figcaption></figure></div>")


def to_html(ex: Examination, *, redact: bool = False) -> str:
    """The report as one HTML page (images embedded as data URLs)."""
    data = to_dict(ex, redact=redact)
    secrets = personal_strings(ex) if redact else None
    colour, title = BANNER.get(ex.verdict, ("#455a64", ex.verdict))
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
             f"<title>docfraud: {_e(ex.name)}</title><style>{CSS}</style></head><body>",
             f"<div class='banner' style='background:{colour}'>{_e(title)}"
             f"<small>{_e(ex.name)} · specimen {_e(ex.specimen or 'none')}"
             f"{' · side ' + _e(ex.side) if ex.side else ''} · lights "
             f"{_e(', '.join(ex.lights))}{' · redacted' if redact else ''}</small></div><main>"]
    parts.append("<h2>Why</h2><ul>" + "".join(f"<li>{_e(r)}</li>" for r in data["reasons"])
                 + "</ul><p class='meta'>docfraud never says a document is genuine: this is what "
                   "the checks that ran found. The coverage below lists what did not run.</p>")
    if ex.images:
        parts.append("<h2>The document</h2><p class='meta'>Zones outlined by result: "
                     "<span class='passed'>passed</span>, <span class='failed'>failed</span>, "
                     "<span class='not_run'>not checked</span>.</p>")
        parts.append(f"<img alt='capture with zones' src='{_img(annotated(ex, redact=redact))}'>")
    parts.append("<h2>Machine-readable zone</h2>" + _mrz_html(ex, secrets))
    m = data.get("mrz")
    if m:
        rows = "".join(f"<tr><td>{_e(k.replace('_', ' '))}</td><td>{_e(v)}</td></tr>"
                       for k, v in m["fields"].items())
        cds = "".join(f"<tr><td>{_e(k.replace('_', ' '))}</td><td>{_e(v['printed'])}</td>"
                      f"<td>{_e(v['computed'])}</td><td class='{'passed' if v['ok'] else 'failed'}'>"
                      f"{'pass' if v['ok'] else 'FAIL'}</td></tr>"
                      for k, v in m["check_digits"].items())
        parts.append(f"<table><tr><th>field</th><th>value</th></tr>{rows}</table><br>"
                     f"<table><tr><th>check digit</th><th>printed</th><th>computed</th>"
                     f"<th>result</th></tr>{cds}</table>")
    parts.append("<h2>Findings</h2>")
    order = {"error": 0, "warning": 1, "info": 2}
    fs = sorted(data["findings"], key=lambda f: order[f["severity"]])
    if fs:
        parts.append("<table><tr><th>code</th><th>severity</th><th>where</th><th>what</th>"
                     "<th>evidence</th><th>look at</th></tr>" + "".join(
                         f"<tr><td><a href='{FINDINGS_DOC}#{f['code'].lower()}'>{_e(f['code'])}"
                         f"</a></td><td class='{f['severity']}'>{f['severity']}</td>"
                         f"<td>{_e(f['field'] or '')}</td><td>{_e(f['message'])}</td>"
                         f"<td class='meta'>{_e(evidence_text(f['evidence']))}</td>"
                         f"<td>{_e(f['look_at'])}</td></tr>" for f in fs) + "</table>")
    else:
        parts.append("<p>None.</p>")
    status = zone_status(ex)
    failed = [z for z, st in status.items() if st == "failed"]
    if failed and ex.images:
        parts.append("<h2>Zones that failed, beside the specimen</h2>")
        spec = _spec(ex)
        for zid in failed:
            light = "white"
            kinds = {c.check.split(".")[0] for c in ex.checks if c.zone == zid}
            if kinds & {"ir"}:
                light = "ir"
            elif kinds & {"uv"}:
                light = "uv"
            crops = zone_crops(ex, zid, light)
            if crops is None:
                continue
            personal = redact and spec is not None and spec.zone(zid).kind in (
                "viz_field", "mrz", "portrait", "ghost_portrait", "signature")
            why = "; ".join(f"{c.check} {c.score:.3g} (threshold {c.threshold:.3g})"
                            for c in ex.checks if c.zone == zid and c.status == "failed")
            parts.append(f"<h3>{_e(zid)} <span class='meta'>({_e(light)} light: {_e(why)})"
                         f"</span></h3>" + _crop_row(crops, personal))
            # where a failed check names a small part of the zone (a character, the strips
            # across an edge), that part close up
            for c in ex.checks:
                if c.zone != zid or c.status != "failed" or c.finding is None or spec is None:
                    continue
                box = close_up_box(c.finding.region, spec.zone(zid).bbox_mm)
                near = box_crops(ex, box, light, pad_mm=0.3, height=180) if box else None
                if near is not None:
                    parts.append(f"<p class='meta'>close up where {_e(c.check)} failed "
                                 f"({_e(c.finding.code)})</p>" + _crop_row(near, personal))
    cov = data["coverage"]
    parts.append(f"<h2>Coverage</h2><p class='meta'>{len(cov['passed'])} passed, "
                 f"{len(cov['failed'])} failed, {len(cov['not_run'])} not run.</p>")
    rows = []
    for st in ("failed", "not_run", "passed"):
        for c in cov[st]:
            score = (f"{c['score']:.3g} / {c['threshold']:.3g}"
                     if "score" in c and "threshold" in c else "")
            rows.append(f"<tr><td class='{st}'>{st.replace('_', ' ')}</td><td>{_e(c['check'])}"
                        f"</td><td>{_e(c['zone'] or 'page')}</td><td>{_e(score)}</td>"
                        f"<td>{_e(c.get('reason', ''))}</td></tr>")
    parts.append("<table><tr><th>outcome</th><th>check</th><th>zone</th><th>score / threshold"
                 "</th><th>why not run</th></tr>" + "".join(rows) + "</table>")
    parts.append(f"<p class='meta'>docfraud {_e(data['docfraud_version'])} · report schema "
                 f"{_e(data['schema_version'])} · {_e(data['timings_ms'].get('total', ''))} ms"
                 "</p></main></body></html>")
    _ = redact_image  # pictures are redacted inside annotated()
    return "".join(parts)
