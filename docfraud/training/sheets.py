"""The printable sheets of a workshop set: trainee worksheet, trainer sheet, answer template.

Self-contained HTML (pictures embedded) with print CSS for A4; PDF by printing the HTML with a
headless Chromium where one is installed (``chromium``, ``chromium-browser``, ``google-chrome``
on PATH, or ``$DOCFRAUD_CHROMIUM``), otherwise HTML only, and the set says so.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw

from docfraud.findings import REGISTRY
from docfraud.training.catalogue import KINDS
from docfraud.training.notes import font

#: Zone kinds drawn on the worksheet's region maps (UV and IR zones are listed beneath them).
MAP_KINDS = ("portrait", "ghost_portrait", "mrz", "viz_field", "background", "signature", "ove",
             "barcode_2d")
LISTED_KINDS = (*MAP_KINDS, "uv_pattern", "uv_dull", "ir_visible", "ir_dropout", "microprint")
TEMPLATE_COLUMNS = ("trainee", "item", "verdict", "forgery_type", "region", "notes")

CSS = """
*{box-sizing:border-box}
body{font-family:"DejaVu Sans",system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
font-size:10.5pt;color:#1b1b1b;margin:0;background:#fff}
main{max-width:190mm;margin:0 auto;padding:8mm 0}
h1{font-size:18pt;margin:0 0 2mm}h2{break-after:avoid;page-break-after:avoid;font-size:13pt;margin:7mm 0 2mm;border-bottom:1.5px solid #bbb;
padding-bottom:1mm}h3{font-size:11pt;margin:4mm 0 1mm}
.meta{color:#555;font-size:9.5pt}
.fill{display:flex;gap:8mm;margin:4mm 0}.fill span{flex:1;border-bottom:1px solid #555;
padding-top:6mm;font-size:9pt;color:#555}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #aaa;padding:1.5mm 2mm;text-align:left;vertical-align:top}
th{background:#eee;font-size:9.5pt}
thead{display:table-header-group}
tr{break-inside:avoid;page-break-inside:avoid}
.num{font-size:15pt;font-weight:700;text-align:center;width:12mm}
.thumb{width:44mm}.thumb img{max-width:42mm;max-height:30mm;display:block;border:1px solid #ccc}
.answers th:nth-child(4){width:24mm}.answers th:nth-child(5){width:18mm}.answers th:nth-child(6){width:30mm}.answers th:nth-child(7){width:24mm}
.box{display:inline-block;width:3.4mm;height:3.4mm;border:1.4px solid #222;margin:0 1.2mm 0 0;
vertical-align:-0.5mm}
.opt{white-space:nowrap;display:block;margin:1mm 0}
.blank{min-height:11mm}
.small{font-size:8.5pt;color:#444}
.vocab td:first-child{width:8mm;text-align:center;font-weight:700}
figure{margin:3mm 0;break-inside:avoid;page-break-inside:avoid}
figure img{max-width:100%;border:1px solid #ccc}
figcaption{font-size:9pt;color:#444}
.zones{columns:2;font-size:8.5pt;column-gap:6mm}
.zones div{break-inside:avoid}
.card{border:1px solid #bbb;border-radius:2mm;padding:3mm 4mm;margin:4mm 0;break-inside:avoid;
page-break-inside:avoid}
.card h3{margin:0 0 2mm}
.forged{color:#b71c1c}.genuine{color:#2e7d32}
.tag{display:inline-block;background:#eee;border-radius:1mm;padding:0 1.5mm;margin:0 1mm 1mm 0;
font-size:9pt}
.card img{display:block;max-width:100%;max-height:95mm;border:1px solid #ccc;margin:2mm 0}
ul{margin:1mm 0 1mm 5mm;padding:0}
.page{break-before:page;page-break-before:always}
@page{size:A4;margin:12mm 11mm}
@media print{main{max-width:none;padding:0}a{color:inherit;text-decoration:none}
th{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""


class NoPdf(Exception):
    """No PDF could be written (why, in the message)."""


def _e(text: Any) -> str:
    return html.escape(str(text))


def data_uri(img: np.ndarray | Image.Image, fmt: str = "JPEG", quality: int = 80) -> str:
    """An RGB picture as a data: URI."""
    pil = img if isinstance(img, Image.Image) else Image.fromarray(img)
    buf = io.BytesIO()
    pil.save(buf, fmt, quality=quality) if fmt == "JPEG" else pil.save(buf, fmt, optimize=True)
    mime = "image/jpeg" if fmt == "JPEG" else "image/png"
    return f"data:{mime};base64,{base64.b64encode(buf.getvalue()).decode()}"


def _page(title: str, body: str) -> str:
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{_e(title)}"
            f"</title><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
            f"<style>{CSS}</style></head><body><main>{body}</main></body></html>\n")


def numbered_types(key: dict[str, Any]) -> list[str]:
    """The forgery types of a set in worksheet order (the trainee may answer with the number)."""
    return [t for t in KINDS if t in key["forgery_types"]]


def _zone_map(spec: Any, side: str) -> Image.Image:
    """The reference image with the answerable zones outlined and named by id."""
    from docfraud.specimens.render import KIND_COLOURS

    path = spec.side(side).images["white"]
    with Image.open(path) as im:
        base = im.convert("RGB")
    scale = 1100 / base.width
    base = base.resize((1100, round(base.height * scale)), Image.Resampling.LANCZOS)
    base = Image.blend(base, Image.new("RGB", base.size, (255, 255, 255)), 0.45)
    draw = ImageDraw.Draw(base, "RGBA")
    k = spec.px_per_mm * scale
    f = font(17, bold=True)
    zones = [z for z in spec.zones_of(side=side) if z.kind in MAP_KINDS]
    zones.sort(key=lambda z: -z.bbox_mm[2] * z.bbox_mm[3])  # big zones first, small on top
    for z in zones:
        colour = KIND_COLOURS.get(z.kind, (0, 0, 0))
        pts = [(x * k, y * k) for x, y in z.polygon_mm]
        dash = z.kind == "background"
        draw.polygon(pts, outline=colour + (200 if dash else 255,), width=2 if dash else 3)
    for z in zones:
        colour = KIND_COLOURS.get(z.kind, (0, 0, 0))
        x0 = min(p[0] for p in z.polygon_mm) * k
        y0 = min(p[1] for p in z.polygon_mm) * k
        if z.kind == "background":
            x1 = max(p[0] for p in z.polygon_mm) * k
            y1 = max(p[1] for p in z.polygon_mm) * k
            box = draw.textbbox((0, 0), z.id, font=f)
            x0, y0 = x1 - (box[2] - box[0]) - 8, y1 - (box[3] - box[1]) - 8
        box = draw.textbbox((x0 + 4, y0 + 3), z.id, font=f)
        draw.rectangle((box[0] - 2, box[1] - 1, box[2] + 2, box[3] + 1), fill=(255, 255, 255, 225))
        draw.text((x0 + 4, y0 + 3), z.id, fill=colour + (255,), font=f)
    return base


def _thumb(root: Path, item: dict[str, Any]) -> str:
    first = next(iter(item["files"].values()))
    img = cv2.imread(str(root / first["white"]), cv2.IMREAD_COLOR)
    if img is None:
        return ""
    s = 320 / img.shape[1]
    small = cv2.resize(img, (320, max(1, round(img.shape[0] * s))), interpolation=cv2.INTER_AREA)
    return data_uri(cv2.cvtColor(small, cv2.COLOR_BGR2RGB), quality=72)


def _specimen_sides(key: dict[str, Any]) -> list[tuple[Any, str]]:
    from docfraud.specimens import Library

    lib = Library()
    out = []
    for sid in sorted({it["specimen"] for it in key["items"]}):
        spec = lib.get(sid)
        out += [(spec, s.name) for s in spec.sides]
    return out


LIGHT_NAMES = {"white": "white light", "ir": "infrared", "uv": "ultraviolet"}


def worksheet_html(key: dict[str, Any], root: Path) -> str:
    """The trainee worksheet: instructions, forgery types, region maps, one row per item. It is
    built from what a trainee may know (number, files, document type, lights) only."""
    types = numbered_types(key)
    rows = []
    for it in key["items"]:
        files = ", ".join(Path(side["white"]).name for side in it["files"].values())
        lights = ", ".join(LIGHT_NAMES[x] for x in ("white", "ir", "uv") if x in it["lights"])
        thumb = _thumb(root, it)
        img = f'<img alt="" src="{thumb}">' if thumb else ""
        rows.append(
            f'<tr class="item" data-item="{_e(it["item"])}"><td class="num">{_e(it["item"])}</td>'
            f'<td class="thumb">{img}</td>'
            f'<td>{_e(it["specimen_name"])}<div class="small">{_e(lights)}<br>{_e(files)}</div>'
            f'</td><td><span class="opt"><span class="box"></span>genuine</span>'
            f'<span class="opt"><span class="box"></span>forged</span></td>'
            f'<td class="blank"></td><td class="blank"></td><td class="blank"></td></tr>')
    vocab = "".join(f"<tr><td>{i}</td><td><b>{_e(KINDS[t].title)}</b> <span class=\"small\">"
                    f"({_e(t)})</span><br><span class=\"small\">{_e(KINDS[t].description)}"
                    f"</span></td></tr>" for i, t in enumerate(types, 1))
    maps = []
    for spec, side in _specimen_sides(key):
        listed = [z for z in spec.zones_of(side=side) if z.kind in LISTED_KINDS]
        zl = "".join(f"<div><b>{_e(z.id)}</b>: {_e(z.label)}</div>" for z in listed)
        side_name = "" if len(spec.sides) == 1 else f", {side}"
        maps.append(f'<figure><img alt="zones of {_e(spec.id)}" '
                    f'src="{data_uri(_zone_map(spec, side), quality=82)}"><figcaption>'
                    f'{_e(spec.name)}{_e(side_name)}: the regions to name</figcaption></figure>'
                    f'<div class="zones">{zl}</div>')
    body = f"""
<h1>{_e(key['title'])}: worksheet</h1>
<p class="meta">{len(key['items'])} documents. Examiner's worksheet: fill in one row per
document.</p>
<div class="fill"><span>Name</span><span>Agency / country</span><span>Date</span></div>
<h2>What to do</h2>
<p>Examine each document in the <code>images</code> folder (the number is its file name;
<code>.ir.jpg</code> and <code>.uv.jpg</code> files beside some are the same page under
infrared and ultraviolet light; <code>-front</code> and <code>-back</code> are the two sides of a card). For each one,
answer three questions:</p>
<ol><li><b>Genuine or forged?</b> Tick one box.</li>
<li><b>Which feature?</b> If forged, the kind of forgery: write its number from the list below.</li>
<li><b>Which region?</b> Where you see it: write the region's name from the maps below (for
example <code>portrait</code>, <code>mrz</code>, <code>birth_date</code>).</li></ol>
<p class="small">Every document is of a fictional issuer, made for training. The answers may also
be typed into <code>answers-template.csv</code> (verdict <code>genuine</code> or
<code>forged</code>, forgery type by number or name, region by name).</p>
<h2>Kinds of forgery</h2>
<table class="vocab"><tbody>{vocab}</tbody></table>
<h2 class="page">Regions</h2>
{''.join(maps)}
<h2 class="page">Answers</h2>
<table class="answers"><thead><tr><th>No.</th><th>Document</th><th>Type, light, files</th>
<th>Genuine or forged?</th><th>Kind of forgery (no.)</th><th>Region</th><th>Notes</th></tr>
</thead><tbody>{''.join(rows)}</tbody></table>
"""
    return _page(f"{key['title']}: worksheet", body)


def _code_list(codes: list[str]) -> str:
    return "".join(f'<span class="tag" title="{_e(REGISTRY[c].title) if c in REGISTRY else ""}">'
                   f"{_e(c)}</span>" for c in codes) or "none"


def trainer_html(key: dict[str, Any], root: Path) -> str:
    """The trainer sheet: the answer key in a table, then a card of notes per item."""
    rows, cards = [], []
    for it in key["items"]:
        forged = it["truth"] == "forged"
        regions = ", ".join(r["id"] for r in it["regions"][:5]) + \
            (" …" if len(it["regions"]) > 5 else "")
        df = it.get("docfraud")
        verdict = df["verdict"] if df else "not examined"
        rows.append(f'<tr><td class="num">{_e(it["item"])}</td><td class="{it["truth"]}">'
                    f'<b>{_e(it["truth"])}</b></td><td>{_e(it["forgery_title"] or "")}</td>'
                    f'<td>{_e(regions)}</td><td>{_e(it["capture"])}</td>'
                    f'<td>{_e(verdict)}<br>{_code_list(df["codes"]) if df else ""}</td></tr>')
        pic = ""
        if it["note"].get("picture"):
            with Image.open(root / it["note"]["picture"]) as im:
                pic = f'<img alt="questioned zone beside the reference" ' \
                      f'src="{data_uri(im.convert("RGB"), quality=85)}">'
        look = "".join(f"<li>{_e(x)}</li>" for x in it["look_at"])
        df_html = "docfraud was not run on this set."
        if df:
            titles = "".join(f"<li><b>{_e(c)}</b> {_e(REGISTRY[c].title)}</li>"
                             for c in df["codes"] if c in REGISTRY)
            df_html = (f"<b>{_e(df['verdict'])}</b>"
                       + (f"<ul>{titles}</ul>" if titles else " (no finding codes)"))
        strength = f" (strength {it['strength']:.2f}: 0 subtle, 1 crude)" if forged else ""
        hidden = "" if it.get("detectable", True) else \
            " <b>Not visible in these captures</b> (needs IR/UV)."
        cards.append(
            f'<div class="card"><h3>Item {_e(it["item"])}: <span class="{it["truth"]}">'
            f'{_e(it["truth"].upper())}</span>{" · " + _e(it["forgery_title"]) if forged else ""}'
            f'</h3><div class="small">{_e(it["specimen_name"])}; {_e(it["capture"])} capture; '
            f'{_e(", ".join(LIGHT_NAMES[x] for x in ("white", "ir", "uv") if x in it["lights"]))}'
            f'{_e(strength)}</div>'
            f'<p>{_e(it["note"]["text"])}{hidden}</p>'
            + (f'<p><b>Regions:</b> ' + ", ".join(f"{_e(r['id'])} ({_e(r['label'])})"
                                                 for r in it["regions"]) + "</p>"
               if it["regions"] else "")
            + pic + (f"<b>What to look at</b><ul>{look}</ul>" if look else "")
            + f"<p><b>docfraud reports:</b> {df_html}</p></div>")
    pdf = key.get("pdf") or {}
    body = f"""
<h1>{_e(key['title'])}: answer key</h1>
<p class="meta">Trainer's copy: do not hand out. Seed {_e(key['seed'])}, difficulty
{_e(key['difficulty'])} ({_e(key['difficulty_means'])}), {len(key['items'])} items,
{sum(it['truth'] == 'forged' for it in key['items'])} forged. Made by {_e(key['generator'])}
on {_e(key['created'][:10])}. docfraud's own verdicts never say "genuine": "no anomalies found in
the checks that ran" is the best it reports.</p>
<table><thead><tr><th>No.</th><th>Truth</th><th>Forgery</th><th>Region</th><th>Capture</th>
<th>docfraud reports</th></tr></thead><tbody>{''.join(rows)}</tbody></table>
<h2 class="page">Trainer notes</h2>
{''.join(cards)}
"""
    return _page(f"{key['title']}: answer key", body)


def write_worksheet(path: Path, key: dict[str, Any], root: Path) -> Path:
    path.write_text(worksheet_html(key, root), encoding="utf-8")
    return path


def write_trainer_sheet(path: Path, key: dict[str, Any], root: Path) -> Path:
    path.write_text(trainer_html(key, root), encoding="utf-8")
    return path


def write_template(path: Path, key: dict[str, Any]) -> Path:
    """The answer template: the header and one row per item, to fill in."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(TEMPLATE_COLUMNS)
        for it in key["items"]:
            w.writerow(["", it["item"], "", "", "", ""])
    return path


def find_chromium() -> str | None:
    env = os.environ.get("DOCFRAUD_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(path: Path, timeout: float = 180) -> Path:
    """Print an HTML file to PDF (A4, as its CSS says) with headless Chromium."""
    exe = find_chromium()
    if exe is None:
        raise NoPdf("no headless Chromium found (chromium, chromium-browser, google-chrome or "
                    "$DOCFRAUD_CHROMIUM): HTML only; print it from a browser")
    pdf = path.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix="docfraud-pdf-") as profile:
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-extensions",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-first-run", f"--user-data-dir={profile}", "--no-pdf-header-footer",
               f"--print-to-pdf={pdf}", path.resolve().as_uri()]
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise NoPdf(f"Chromium could not print {path.name}: {exc}") from None
    if not pdf.exists() or pdf.stat().st_size < 500 or not pdf.read_bytes().startswith(b"%PDF"):
        raise NoPdf(f"Chromium wrote no PDF for {path.name}: HTML only")
    return pdf
