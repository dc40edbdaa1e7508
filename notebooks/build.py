"""Write the teaching notebooks (``python notebooks/build.py``), without outputs.

The notebooks are kept as source here so that a change to one is a readable diff; the ``.ipynb``
files beside this script are what trainers open, and ``tests/test_training_notebooks.py``
executes every one of them top to bottom.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

SETUP = """\
from pathlib import Path
from datetime import date

import cv2
import matplotlib.pyplot as plt
import numpy as np

ROOT = Path.cwd().parent if Path.cwd().name == "notebooks" else Path.cwd()
SAMPLES = ROOT / "samples"
AS_OF = date(2026, 11, 28)  # the bundled samples' "today"
plt.rcParams["figure.dpi"] = 90

def show(images, titles, size=4.0, cmap=None):
    \"\"\"Pictures side by side (BGR or grey arrays).\"\"\"
    fig, axes = plt.subplots(1, len(images), figsize=(size * len(images), size * 0.75))
    for ax, img, title in zip(np.atleast_1d(axes), images, titles):
        if img.ndim == 3:
            img = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
        # fixed 0-255 range: a faded infrared print must look faded, not be stretched to black
        ax.imshow(img, cmap=cmap or ("gray" if img.ndim == 2 else None), vmin=0, vmax=255)
        ax.set_title(title, fontsize=10)
        ax.axis("off")
    plt.tight_layout()
    plt.show()
"""

MRZ = [
    new_markdown_cell("""\
# 1. MRZ anatomy

The machine-readable zone (MRZ) is the two or three lines of OCR-B text at the foot of a passport
data page, a visa or the back of an identity card (ICAO Doc 9303). This notebook takes one apart:
its formats, its fields, its check digits worked by hand, and why correct check digits do **not**
prove a document is authentic.

Everything here is of fictional issuers (`UTO`, Utopia, ICAO's specimen state)."""),
    new_code_cell(SETUP + """
from docfraud.mrz import FORMATS, check_digit, parse
from docfraud.mrz.checkdigit import WEIGHTS, value"""),
    new_markdown_cell("""\
## The five formats

Each format fixes the number of lines and their length; the first character of the document
code says what kind of document it is (`P` passport, `I`/`A`/`C` identity cards, `V` visas)."""),
    new_code_cell("""\
for f in FORMATS.values():
    print(f"{f.name:6s} {f.lines} lines of {f.length} characters   document codes "
          f"{f.document_types!r:8s} {f.reference}")"""),
    new_markdown_cell("""\
## A passport's MRZ, field by field

ICAO's own example passport (TD3: two lines of 44). Each field has a fixed place; the colours
below show where each one stands, and the check digits are in red."""),
    new_code_cell("""\
text = (SAMPLES / "mrz" / "icao-td3-passport.txt").read_text()
m = parse(text, as_of=AS_OF)
print(text)
for name, f in m.fields.items():
    print(f"{name:18s} line {f.span[0] + 1}, columns {f.span[1] + 1:2d}-{f.span[2]:2d}  "
          f"{f.raw!r:34s} -> {f.value}")"""),
    new_code_cell("""\
colours = plt.cm.tab20(np.linspace(0, 1, 20))
checks = {(cd.span[0], i) for cd in m.check_digits.values()
          for i in range(cd.span[1], cd.span[2])}
fig, ax = plt.subplots(figsize=(13, 1.6))
for n, (name, f) in enumerate(m.fields.items()):
    line, start, end = f.span
    for i in range(start, end):
        c = "#e53935" if (line, i) in checks else colours[n % 20]
        ax.add_patch(plt.Rectangle((i, -line - 1), 1, 0.9, color=c, alpha=0.45))
for line, text_line in enumerate(m.lines):
    for i, ch in enumerate(text_line):
        ax.text(i + 0.5, -line - 0.55, ch, ha="center", va="center", family="monospace",
                fontsize=12)
ax.set_xlim(0, len(m.lines[0])); ax.set_ylim(-len(m.lines) - 0.1, 0); ax.axis("off")
ax.set_title("TD3 passport MRZ: one colour per field, check digits in red")
plt.show()"""),
    new_markdown_cell("""\
## A check digit by hand

Each character has a value (`0`-`9` are themselves, `A`=10 ... `Z`=35, the filler `<` is 0).
Multiply the values by the weights 7, 3, 1, 7, 3, 1, ... add them up, and keep the last digit
(the sum modulo 10)."""),
    new_code_cell("""\
data = m.fields["document_number"].raw
total = 0
print("char  value  weight  product")
for i, ch in enumerate(data):
    w = WEIGHTS[i % 3]
    total += value(ch) * w
    print(f"  {ch}    {value(ch):3d}     {w}     {value(ch) * w:4d}")
print(f"sum {total}, modulo 10 = {total % 10}")
cd = m.check_digits["document_number"]
print(f"printed check digit: {cd.printed}; docfraud computes {check_digit(data)}; ok: {cd.ok}")"""),
    new_code_cell("""\
for cd in m.check_digits.values():
    print(f"{cd.name:18s} printed {cd.printed}  computed {cd.computed}  "
          f"{'ok' if cd.ok else 'FAILS'}   over {cd.data!r}")"""),
    new_markdown_cell("""\
## Why check digits do not prove authenticity

A check digit catches a **misreading** or a careless alteration. Anyone can compute one: a forger
who changes the birth date and recomputes the digits gets an MRZ that passes every arithmetic
check. Compare the two alterations of the same passport:"""),
    new_code_cell("""\
for name in ("utopia-passport-valid.txt", "altered-birth-date.txt",
             "altered-recomputed-check-digits.txt"):
    mm = parse((SAMPLES / "mrz" / name).read_text(), as_of=AS_OF)
    errors = [f.code for f in mm.findings if f.severity == "error"]
    print(f"{name:38s} birth date {mm.value('birth_date')}  valid: {mm.valid}  errors: {errors}")"""),
    new_markdown_cell("""\
The third one is valid text, yet forged. What gives it away is the **document**: the MRZ must
agree with the visual zone, be printed in OCR-B at 10 characters per inch, in IR-absorbing ink.
Sample `0003` is a passport whose MRZ was re-printed with recomputed check digits; docfraud's
examination reads the MRZ (valid) and compares it with the printed data page:"""),
    new_code_cell("""\
from docfraud.examine.capture import load_capture
from docfraud.examine.engine import examine
from docfraud.report.png import annotated

ex = examine(load_capture(SAMPLES / "captures" / "0003.jpg"), as_of=AS_OF)
print("MRZ text valid:", ex.mrz.valid if ex.mrz else None)
print("docfraud:", ex.verdict)
for f in ex.findings:
    if f.severity != "info":
        print(f"  {f.code} {f.message}")
show([annotated(ex, width=900)], ["0003: examined against its specimen"], size=9)"""),
]

SECURITY = [
    new_markdown_cell("""\
# 2. Security features in white, infrared and ultraviolet light

A reference specimen describes each region of a document (its *zones*) by kind: the portrait,
the fine-line background, microprint, fields printed in IR-absorbing ink, a motif that glows
under UV... This notebook shows one zone of each kind of the fictional Utopia passport in the
three lights, then how docfraud compares a capture with the specimen, zone by zone, with the
difference heatmaps."""),
    new_code_cell(SETUP + """
from docfraud.specimens import Library
from docfraud.specimens.model import ZONE_KINDS

spec = Library().get("UTO/P-2024")
refs = {light: cv2.imread(str(p), cv2.IMREAD_COLOR) for light, p in spec.side("page").images.items()}
k = spec.px_per_mm

def crop(img, zone, pad=1.0):
    x, y, w, h = zone.bbox_mm
    return img[max(int((y - pad) * k), 0):int((y + h + pad) * k),
               max(int((x - pad) * k), 0):int((x + w + pad) * k)]

print(spec.name, "-", len(spec.zones), "zones")"""),
    new_markdown_cell("""\
## One zone of each kind, in each light

Read across a row: in infrared (about 900 nm) only carbon-based inks stay dark, so the MRZ and
the data printed in IR-absorbing ink remain while the decorative background drops out; under UV
(365 nm) security paper stays dull and only the fluorescent motif glows."""),
    new_code_cell("""\
kinds = [kd for kd in ZONE_KINDS if spec.zones_of(kind=kd)]
chosen = {}
for kind in kinds:
    zone = max(spec.zones_of(kind=kind), key=lambda z: z.bbox_mm[2] * z.bbox_mm[3])
    if kind in ("background", "uv_pattern"):
        zone = spec.zones_of(kind=kind)[-1]  # a compact one: the whole page is not a crop
    pad = 2.5 if zone.bbox_mm[3] < 4 else 1.0  # thin lines (microprint) need room
    chosen[kind] = [crop(refs[light], zone, pad) for light in ("white", "ir", "uv")]
    chosen[kind].append(zone.id)
ratios = [min(max(c[0].shape[0] / c[0].shape[1], 0.12), 1.3) for c in chosen.values()]
fig, axes = plt.subplots(len(kinds), 3, figsize=(11, 11 / 3 * sum(ratios) + 1.2),
                         gridspec_kw={"height_ratios": ratios})
for row, (kind, (*crops, zone_id)) in zip(axes, chosen.items()):
    for ax, img in zip(row, crops):
        ax.imshow(cv2.cvtColor(img, cv2.COLOR_BGR2RGB), aspect="auto")
        ax.set_xticks([]); ax.set_yticks([])
    row[0].set_ylabel(f"{kind}\\n({zone_id})", fontsize=8, rotation=0, ha="right", va="center")
for ax, light in zip(axes[0], ("white light", "infrared", "ultraviolet")):
    ax.set_title(light)
plt.tight_layout()
plt.show()
for kind in kinds:
    print(f"{kind:15s} {ZONE_KINDS[kind]}")"""),
    new_markdown_cell("""\
## How docfraud compares each kind

`docfraud.compare.checks.BY_KIND` holds one comparison per kind. Each check gives a score and
the threshold it is held to (calibrated on generated genuine captures). On the genuine reader
capture `0001` every check that ran should pass:"""),
    new_code_cell("""\
from docfraud.examine.capture import load_capture
from docfraud.examine.engine import examine
from docfraud.report.png import zone_crops

genuine = examine(load_capture(SAMPLES / "captures" / "0001.jpg"), as_of=AS_OF)
print("0001:", genuine.verdict)
seen = set()
for c in genuine.checks:
    if c.check in seen or c.score is None:
        continue
    seen.add(c.check)
    kind = next((z.kind for z in spec.zones if z.id == c.zone), "whole page")
    limit = "" if c.threshold is None else \
        f"{'>=' if c.direction == 'min' else '<='} {c.threshold:8.3f}"
    print(f"{kind:14s} {c.check:28s} on {c.zone or '-':24s} score {c.score:8.3f} "
          f"{limit:12s} {c.status}")"""),
    new_markdown_cell("""\
## Where a forgery differs: the heatmaps

`0004` is a counterfeit reprint and `0006` a UV failure. For each, the questioned zone beside the
reference and their difference (bright = different): the reprint's fine lines are lost, the UV
motif is missing."""),
    new_code_cell("""\
for name, zone_id, light in (("0004", "guilloche_rosette", "white"),
                             ("0006", "uv_motif", "uv")):
    ex = examine(load_capture(SAMPLES / "captures" / f"{name}.jpg"), as_of=AS_OF)
    failed = sorted({f.code for f in ex.findings if f.severity == "error"})
    q, r, heat = zone_crops(ex, zone_id, light, height=220)
    print(f"{name}: {ex.verdict}; error findings {failed}")
    show([q, r, heat], [f"{name} {zone_id} ({light})", "reference", "difference"], size=4.2)"""),
]

GALLERY = [
    new_markdown_cell("""\
# 3. Forgery types: a gallery

docfraud's generator makes nine kinds of forgery of the fictional specimens. Each one below is
shown beside the genuine document of the same holder, in the light its flaw is seen in, with the
findings docfraud reports on it and the ones built to catch that kind (their *look at* advice is
what an examiner should check). The forgeries are rendered straight from the artwork (no capture
noise) at strength 0.8: fairly crude, so the flaws are visible."""),
    new_code_cell(SETUP + """
import random

from docfraud.examine.capture import Capture
from docfraud.examine.engine import examine
from docfraud.findings import REGISTRY
from docfraud.specimens import Library
from docfraud.synth.artwork import get_design
from docfraud.synth.dataset import holder_for
from docfraud.synth.forgery import TYPES, forge, genuine
from docfraud.training.catalogue import KINDS
from docfraud.training.notes import LIGHT, PAD_MM

design = get_design("UTO/P-2024")
spec = Library().get("UTO/P-2024")
holder = holder_for(design, random.Random(7), AS_OF)
SEED = 1234
real = genuine(design, holder, SEED)["page"]
k = spec.px_per_mm

def bgr(img):
    return img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2BGR)

def crop(img, zone, pad):
    x, y, w, h = zone.bbox_mm
    return img[max(int((y - pad) * k), 0):int((y + h + pad) * k),
               max(int((x - pad) * k), 0):int((x + w + pad) * k)]"""),
    new_code_cell("""\
results = {}
for kind in TYPES:
    pages, label = forge(kind, design, holder, random.Random(3), strength=0.8, seed=SEED)
    page = pages["page"]
    light = LIGHT.get(kind, "white")
    zones = [z for z in label["regions"] if z != "background"] or label["regions"]
    zone = spec.zone(zones[0])
    pad = PAD_MM.get(kind, 1.0)
    ex = examine(Capture({l: bgr(page[l]) for l in ("white", "ir", "uv")}, name=kind),
                 as_of=AS_OF)
    codes = sorted({f.code for f in ex.findings if f.severity != "info" and f.code != "MRZ204"})
    results[kind] = (ex.verdict, codes)
    show([bgr(crop(real[light], zone, pad)), bgr(crop(page[light], zone, pad))],
         [f"genuine: {zone.id} ({light})", f"{KINDS[kind].title}"], size=4.5)
    print(f"{KINDS[kind].title}: {KINDS[kind].description}")
    print(f"  docfraud: {ex.verdict}; findings {codes}")
    print(f"  built to catch it: " + ", ".join(f"{c} ({REGISTRY[c].title})"
                                               for c in KINDS[kind].codes))"""),
    new_markdown_cell("""\
## Summary: which findings caught which forgery

A forgery is *caught* here when docfraud's verdict is not "no anomalies found"; the codes marked
`*...*` are among those built for that kind. Subtle forgeries (strength near 0) and poor captures
are harder: `docfraud training make-set --difficulty hard` makes a set of those."""),
    new_code_cell("""\
print(f"{'forgery':36s} {'docfraud verdict':42s} findings")
for kind, (verdict, codes) in results.items():
    marked = [f"*{c}*" if c in KINDS[kind].codes else c for c in codes]
    print(f"{KINDS[kind].title:36s} {verdict:42s} {' '.join(marked) or '-'}")"""),
]

BATCH = [
    new_markdown_cell("""\
# 4. Batch triage

An investigator receives a folder of seized document images. `docfraud batch` examines every one
into a results store, writes a summary page, and finds **linkage groups**: documents that share a
number, a portrait, an MRZ, or one forger's flaws, the leads that point to one network
(docs/batch.md).

Here a small "seizure" is generated: a few ordinary documents plus *planted* groups, as a fraud
network leaves them (one document number reused on different holders, one forger's MRZ font on
several passports, one impostor's photo in several passports). We run the batch, read the summary,
and check which planted links it found."""),
    new_code_cell(SETUP + """
import tempfile
from collections import Counter

from docfraud.synth.dataset import make_set

import os

# a fresh folder for the seizure and the results ($DOCFRAUD_TRIAGE_DIR if set: the tests use it)
work = Path(os.environ.get("DOCFRAUD_TRIAGE_DIR") or tempfile.mkdtemp(prefix="docfraud-triage-"))
labels = make_set(work / "seized", specimens=["UTO/P-2024", "UTO/V-2024"], count=1,
                  forgeries=["reprint"], forgery_rate=1.0, captures=["scan"], seed=4, plant=2)
print(len(labels["items"]), "documents in", work / "seized")
print(sorted(p.name for p in (work / "seized").glob("*.jpg")))"""),
    new_markdown_cell("""\
## Running the batch

The same as `docfraud batch seized/ --out results/ --workers 1` on the command line. Running it
again skips what is already stored; `--recheck` examines again after an upgrade."""),
    new_code_cell("""\
from docfraud.batch.run import Options, run

stats = run(Options([work / "seized"], work / "results", workers=1))
print(f"examined {stats.examined}, skipped {stats.skipped}, failed {stats.failed} "
      f"in {stats.seconds:.1f} s ({stats.executor})")
again = run(Options([work / "seized"], work / "results", workers=1))
print(f"second run: examined {again.examined}, skipped {again.skipped}")"""),
    new_markdown_cell("""\
## Reading the summary

`results/summary.html` is the page to open in a browser; the same counts are in the store. The
verdicts say which documents to look at first; the finding codes say why."""),
    new_code_cell("""\
from docfraud.batch.store import Store
from docfraud.batch.summary import collect

store = Store(work / "results", create=False)
c = collect(store)
print("summary page:", work / "results" / "summary.html")
fig, (a, b) = plt.subplots(1, 2, figsize=(12, 3.2))
verdicts = c["verdict"].most_common()
a.barh([v for v, _ in verdicts], [n for _, n in verdicts], color="#1565c0")
a.set_title("captures by verdict"); a.invert_yaxis()
codes = c["codes"].most_common(10)
b.barh([k for k, _ in codes], [n for _, n in codes], color="#ef6c00")
b.set_title("finding codes (captures)"); b.invert_yaxis()
plt.tight_layout(); plt.show()
for r in c["flagged"]:
    print(f"{Path(r['source']).name:10s} {r['verdict']:32s} {' '.join(r['codes'])}")"""),
    new_markdown_cell("""\
## Linkage groups

Each group is a lead for an examiner to compare, not a conclusion. Below, each group's members
side by side. Documents of a group may each pass every check on their own: a number reused on
two clean prints is only visible across documents."""),
    new_code_cell("""\
from docfraud.batch.linkage import find_groups, load_rows

rows = load_rows(store)
groups = find_groups(store, rows)
for g in groups:
    names = [Path(rows[m]["source"]).name for m in g.members]
    print(f"{g.id} {g.kind:16s} {g.label}: {', '.join(names)}")
    imgs = [cv2.imread(rows[m]["source"]) for m in g.members]
    show(imgs, [f"{g.id}: {n}" for n in names], size=3.6)
if not groups:
    print("no linkage groups found")"""),
    new_markdown_cell("""\
## Checking against the truth

The generator's `labels.json` says which documents were planted in which group. A planted group
is *found* when one linkage group holds all its documents."""),
    new_code_cell("""\
planted = {}
for it in labels["items"]:
    if it.get("planted"):
        planted.setdefault(it["planted"], set()).add(f"{it['id']}.jpg")
found = [{Path(rows[m]["source"]).name for m in g.members} for g in groups]
for name, members in planted.items():
    hit = any(members <= f for f in found)
    print(f"{name:16s} {sorted(members)}  {'found' if hit else 'NOT found'}")
truth = Counter("genuine" if it["genuine"] else it["forgery"]["type"] for it in labels["items"])
print("what the seizure held:", dict(truth))"""),
]


def notebook(cells: list) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


NOTEBOOKS = {"1-mrz-anatomy.ipynb": MRZ, "2-security-features.ipynb": SECURITY,
             "3-forgery-types.ipynb": GALLERY, "4-batch-triage.ipynb": BATCH}


def main(argv: list[str]) -> None:
    for name, cells in NOTEBOOKS.items():
        if argv and name not in argv:
            continue
        nbformat.write(notebook(cells), HERE / name)
        print(f"wrote {HERE / name}")


if __name__ == "__main__":
    main(sys.argv[1:])
