"""Forgery detection on generated captures: detection rate per forgery type and capture, false
alarms on genuine captures, the finding codes that caught each type, time per examination, and
a ROC curve per check.

    ./dev bench detection [--per-cell 6] [--genuine 12] [--seed 9100] [--captures ...]

Documents of every shipped specimen are generated with seeds disjoint from those of the tests
(< 1000) and of calibration (7100), genuine and forged with every forgery type, captured as a
flatbed scan, a full-page reader (white, IR, UV) and a phone photo, and examined with the
specimens' calibrated thresholds. A document counts as detected when the verdict is anything
but "no anomalies found in the checks that ran" (for two-sided cards, on either side). Forgery
types whose flaws need IR or UV light count only where the capture has them.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]

from docfraud.compare.checks import CHECKS  # noqa: E402
from docfraud.examine.capture import Capture  # noqa: E402
from docfraud.examine.engine import examine_document  # noqa: E402
from docfraud.examine.model import NO_ANOMALIES  # noqa: E402
from docfraud.specimens import Library  # noqa: E402
from docfraud.synth.artwork import design_ids, get_design  # noqa: E402
from docfraud.synth.dataset import make_item  # noqa: E402
from docfraud.synth.forgery import NEEDS, TYPES  # noqa: E402


def to_capture(images: dict[str, np.ndarray], name: str, device: str | None = None) -> Capture:
    """The generated images (RGB) as the examination loads them (BGR), via JPEG as saved;
    ``device`` as the station taking them knows it (scanner or camera)."""
    out = {}
    for light, img in images.items():
        bgr = cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
        ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 92])
        dec = cv2.imdecode(buf, cv2.IMREAD_COLOR)
        out[light] = dec
    return Capture(out, {}, name, device=device)


def print_rates(rows: list[dict], types: list[str], captures: list[str], what: str) -> None:
    """The detection rate of each forgery type per capture kind, and the finding codes that
    caught each type."""
    print(f"Detection rate per {what} (documents whose flaws this capture can show):")
    print("  " + f"{what.split()[-1]:24s}" + "".join(f"{c:>14s}" for c in captures))
    for t in types:
        cells = []
        for cap in captures:
            f = [r for r in rows if r["type"] == t and r["capture"] == cap and r["detectable"]]
            d = sum(r["anomaly"] for r in f)
            cells.append(f"{d:3d}/{len(f):<3d}{d / len(f):6.0%}" if f else f"{'n/a':>14s}")
        print(f"  {t:24s}" + "".join(f"{c:>14s}" for c in cells))
    print()
    print(f"Finding codes that caught each {what.split()[-1]} (share of its detected documents):")
    for t in types:
        det = [r for r in rows if r["type"] == t and r["anomaly"]]
        cnt = collections.Counter(c for r in det for c in r["codes"])
        top = ", ".join(f"{c} {n / len(det):.0%}" for c, n in cnt.most_common(6)) if det else "-"
        print(f"  {t:24s} {top}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--per-cell", type=int, default=6, help="documents per specimen, capture "
                                                            "and type (genuine counts double)")
    ap.add_argument("--genuine", type=int, default=None,
                    help="genuine documents per specimen and capture (default: 2 x per-cell)")
    ap.add_argument("--seed", type=int, default=9100)
    ap.add_argument("--captures", default="scan,reader,phone")
    ap.add_argument("--specimens", default=",".join(design_ids()))
    ap.add_argument("--types", default=",".join(TYPES))
    # the plot is written only where asked: a small run (the timing run's two types) must not
    # replace the held-out seed's plot in docs/ (session 17's final timing run did)
    ap.add_argument("--roc", type=Path, default=None,
                    help="write the ROC plot here (with --replot: docs/detection_roc.png "
                         "by default)")
    ap.add_argument("--json", type=Path, help="write every examination's summary here")
    ap.add_argument("--replot", type=Path, help="only draw the ROC plot from a --json file")
    args = ap.parse_args()
    if args.replot:
        roc(json.loads(args.replot.read_text()), args.roc or ROOT / "docs" / "detection_roc.png")
        return
    warnings.simplefilter("ignore")
    lib = Library()
    captures = args.captures.split(",")
    types = args.types.split(",")
    rows = []
    t_start = time.perf_counter()
    for sid in args.specimens.split(","):
        design = get_design(sid)
        for cap in captures:
            # one stream per specimen and capture, so a subset run reproduces the full run's rows
            master = random.Random(f"{args.seed}:{sid}:{cap}")
            n_genuine = 2 * args.per_cell if args.genuine is None else args.genuine
            plan = [None] * n_genuine + [t for t in types for _ in range(args.per_cell)]
            for kind in plan:
                rng = random.Random(master.randrange(2**63))
                images, label = make_item(design, rng, forgery=kind, capture_kind=cap)
                verdicts, codes, scores = [], set(), {}
                device = "camera" if cap == "phone" else "scanner"  # a reader is a scanner
                sides = [to_capture(imgs, f"{sid}-{side}", device)
                         for side, imgs in images.items()]
                t0 = time.perf_counter()
                # the sides of a card together: the back's MRZ serves the front's VIZ checks
                exams = examine_document(sides, lib)
                times = [time.perf_counter() - t0]
                for ex in exams:
                    verdicts.append(ex.verdict)
                    codes |= {f.code for f in ex.findings if not f.code.startswith("MRZ2")
                              and f.code not in ("MRZ302", "MRZ505", "MRZ403", "MRZ601")}
                    for c in ex.checks:
                        if c.score is not None:
                            scores[f"{c.check}:{c.zone}"] = (c.score, c.threshold)
                anomaly = any(v != NO_ANOMALIES for v in verdicts)
                rows.append({"specimen": sid, "capture": cap, "type": kind or "genuine",
                             "anomaly": anomaly, "verdicts": verdicts, "codes": sorted(codes),
                             "detectable": label["detectable_here"],
                             "ms": [round(t * 1000, 1) for t in times], "sides": len(sides),
                             "lights": label["capture"]["lights"], "scores": scores,
                             "strength": (label["forgery"] or {}).get("strength"),
                             "quality": [ex.capture_quality.get("class") for ex in exams],
                             "details": (label["forgery"] or {}).get("details")})
            print(f"{sid} {cap}: {len(plan)} documents done "
                  f"({time.perf_counter() - t_start:.0f} s)", flush=True)

    print()
    print("False alarms on genuine documents (verdict other than 'no anomalies'):")
    for cap in captures:
        g = [r for r in rows if r["type"] == "genuine" and r["capture"] == cap]
        fa = sum(r["anomaly"] for r in g)
        print(f"  {cap:7s} {fa:3d}/{len(g):<3d} = {fa / max(len(g), 1):6.1%}")
    print()
    print_rates(rows, types, captures, "forgery type")
    print()
    print("Time per examination (median, per document: a card's two sides together; and per "
          "capture: a document's time over its sides, issue 5's target):")
    for cap in captures:
        ms = [m for r in rows if r["capture"] == cap for m in r["ms"]]
        per = [m / r.get("sides", 1) for r in rows if r["capture"] == cap for m in r["ms"]]
        lights = "white+IR+UV" if cap == "reader" else "white"
        print(f"  {cap:7s} ({lights:11s}) {statistics.median(ms):7.0f} ms   "
              f"p90 {np.percentile(ms, 90):7.0f} ms   per capture "
              f"{statistics.median(per):7.0f} ms")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=0))
    roc(rows, args.roc)


#: The forgery types each family of checks is built to see.
TARGETS = {
    "layout": {"layout_shift"}, "background": {"reprint"}, "microprint": {"reprint"},
    "portrait": {"portrait_substitution"}, "ghost": {"portrait_substitution"},
    "mrz": {"mrz_font", "mrz_alteration"},
    "viz": {"viz_alteration", "viz_mrz_mismatch", "mrz_alteration"},
    "ir": {"ir_failure", "reprint"}, "uv": {"uv_failure", "reprint"}, "print": {"reprint"},
}
#: Checks built for fewer types than their family: erasure shows only where a field was erased.
CHECK_TARGETS = {"viz.background": {"viz_alteration"}, "mrz.read": {"mrz_font"},
                 "viz.extent": {"viz_alteration", "viz_mrz_mismatch"}}


def roc(rows: list[dict], path: Path | None) -> None:
    """A ROC curve per check: genuine documents against the forgeries the check is built to
    see, scored by how far each document's worst zone is past (or short of) its threshold."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no ROC plot")
        return
    per_check: dict[str, tuple[list[float], list[float]]] = collections.defaultdict(
        lambda: ([], []))
    for r in rows:
        # per document and check, the worst zone (the one furthest toward failing)
        worst: dict[str, float] = {}
        for key, (score, thr) in r["scores"].items():
            check = key.split(":")[0]
            if check not in CHECKS:
                continue  # a rule (specimen.validity), not a calibrated score: no ROC
            direction = CHECKS[check][0]
            scale = abs(thr) if thr else 1.0
            s = ((thr - score) if direction == "min" else (score - thr)) / max(scale, 1e-6)
            worst[check] = max(worst.get(check, -np.inf), s)  # higher = more suspicious
        for check, s in worst.items():
            if r["type"] == "genuine":
                per_check[check][0].append(s)
            elif r["type"] in CHECK_TARGETS.get(check, TARGETS.get(check.split(".")[0], set())):
                per_check[check][1].append(s)
    checks = [c for c, (g, f) in per_check.items() if len(g) >= 3 and len(f) >= 3]
    if not checks:
        return
    cols = 4
    rows_n = (len(checks) + cols - 1) // cols
    fig, axes = plt.subplots(rows_n, cols, figsize=(3.2 * cols, 3.0 * rows_n), dpi=100)
    aucs = {}
    for ax, check in zip(np.ravel(axes), sorted(checks)):
        g, f = (np.array(v) for v in per_check[check])
        thr = np.unique(np.concatenate([g, f, [np.inf]]))
        tpr = [(f >= t).mean() for t in thr]
        fpr = [(g >= t).mean() for t in thr]
        auc = float(np.trapezoid(sorted(tpr), sorted(fpr))) if hasattr(np, "trapezoid") \
            else float(np.trapz(sorted(tpr), sorted(fpr)))
        aucs[check] = auc
        ax.plot(fpr, tpr, marker=".")
        ax.plot([0, 1], [0, 1], ls=":", c="grey")
        ax.set_title(f"{check}\nAUC {auc:.2f} ({len(g)} genuine, {len(f)} forged)", fontsize=8)
        ax.set_xlabel("false alarm rate", fontsize=7)
        ax.set_ylabel("detection rate", fontsize=7)
        ax.tick_params(labelsize=6)
    for ax in np.ravel(axes)[len(checks):]:
        ax.axis("off")
    print("\nROC AUC per check (genuine against the forgery types it is built to see):")
    for check, auc in sorted(aucs.items(), key=lambda kv: -kv[1]):
        g, f = per_check[check]
        print(f"  {check:22s} {auc:.2f}   ({len(g)} genuine, {len(f)} forged)")
    fig.suptitle("docfraud checks: ROC on generated documents, genuine against the forgery "
                 "types each check is built to see (score: distance past its threshold)",
                 fontsize=9)
    fig.tight_layout(rect=(0, 0, 1, 0.97))  # room for the title above the first row
    if path is None:
        plt.close(fig)
        print("(no --roc: the plot is not written)")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    print(f"wrote {path}")


if __name__ == "__main__":
    sys.exit(main())
