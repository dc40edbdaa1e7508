"""MRZ text checks per second: docfraud against the `mrz` package (PyPI), same inputs, one run.

    ./dev bench mrz_check [--count 10000] [--seed 7] [--repeat 3]

Generates ``--count`` MRZs with docfraud's generator (all five formats, countries and names of
many kinds; one in five carries a single-character corruption), then times, for each library,
a full check of every MRZ (parse, every check digit, every rule the library has) and prints the
throughput of each and their ratio. It also counts where the two disagree on validity and prints
a sample of each kind of disagreement, so docs/benchmarks.md can say why.

The `mrz` package is GPL-3.0: a benchmark-only dependency (the `bench` extra), never a runtime one.
"""

from __future__ import annotations

import argparse
import collections
import platform
import random
import statistics
import sys
import time
from datetime import date, timedelta

from docfraud.mrz import parse
from docfraud.mrz.checkdigit import ALPHABET
from docfraud.mrz.generate import generate

AS_OF = date(2026, 11, 28)
COUNTRIES = ["UTO", "FRA", "D", "GBR", "JPN", "BRA", "NGA", "IND", "CAN", "XXA", "UKR", "ZAF",
             "MEX", "AUS", "CHN", "EGY", "SWE", "ESP", "ITA", "TUR"]
SURNAMES = ["Eriksson", "Müller", "O'Brien", "Nguyen", "García Márquez", "Коваленко", "Παπαδόπουλος",
            "Okonkwo", "Van der Berg", "Al-Hashimi", "Lindqvist", "Øvregård", "Dąbrowski"]
GIVEN = ["Anna Maria", "Jürgen", "Siobhán", "Thi Lan", "José Luis", "Ярослава", "Γιώργος",
         "Chidi", "Pieter Jan", "Fatima", "", "Åsa", "Zoë Élise"]
FORMATS = ["TD1", "TD2", "TD3", "MRV-A", "MRV-B"]


def make_inputs(count: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        fmt = FORMATS[i % len(FORMATS)] if rng.random() < 0.5 else "TD3"
        birth = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 30000))
        expiry = AS_OF + timedelta(days=rng.randrange(-3000, 3600))
        expiry = max(expiry, birth + timedelta(days=400))
        code = {"TD3": "P", "MRV-A": "V", "MRV-B": "V"}.get(fmt) or rng.choice("ACI")
        code += rng.choice("<<<<ABDOR")
        if fmt in ("TD1", "TD2") and code[1] in "V":
            code = code[0] + "<"
        nat = rng.choice(COUNTRIES)
        issuer = nat if nat != "XXA" else "UTO"
        number = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in
                         range(rng.randint(6, 9)))
        optional = "".join(rng.choice("0123456789") for _ in range(rng.choice([0, 0, 5, 7])))
        lines = generate(fmt, document_code=code, issuing_state=issuer, surname=rng.choice(SURNAMES),
                         given_names=rng.choice(GIVEN), document_number=number, nationality=nat,
                         birth_date=birth, sex=rng.choice("MFX<"), expiry_date=expiry,
                         optional_data=optional)
        if rng.random() < 0.2:  # a single substitution somewhere
            ln = rng.randrange(len(lines))
            pos = rng.randrange(len(lines[ln]))
            ch = rng.choice([c for c in ALPHABET if c != lines[ln][pos]])
            lines[ln] = lines[ln][:pos] + ch + lines[ln][pos + 1:]
        out.append((fmt, "\n".join(lines)))
    return out


def docfraud_check(fmt: str, text: str) -> bool:
    return parse(text, as_of=AS_OF).valid


def mrz_checkers():
    from mrz.checker.mrva import MRVACodeChecker
    from mrz.checker.mrvb import MRVBCodeChecker
    from mrz.checker.td1 import TD1CodeChecker
    from mrz.checker.td2 import TD2CodeChecker
    from mrz.checker.td3 import TD3CodeChecker
    return {"TD1": TD1CodeChecker, "TD2": TD2CodeChecker, "TD3": TD3CodeChecker,
            "MRV-A": MRVACodeChecker, "MRV-B": MRVBCodeChecker}


def mrz_check_factory():
    checkers = mrz_checkers()

    def check(fmt: str, text: str) -> bool:
        try:
            return bool(checkers[fmt](text))
        except Exception:  # the mrz package raises on some malformed input
            return False
    return check


def mrz_reasons(fmt: str, text: str) -> str:
    """What the mrz package's report marks false."""
    try:
        report = mrz_checkers()[fmt](text).report
        falses = sorted({str(x[0]) for x in report.falses})
    except Exception as exc:  # noqa: BLE001
        return f"exception {type(exc).__name__}"
    return " + ".join(falses) or "?"


def timed(fn, inputs, repeat: int) -> tuple[float, list[bool]]:
    best = float("inf")
    results: list[bool] = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        results = [fn(fmt, text) for fmt, text in inputs]
        best = min(best, time.perf_counter() - t0)
    return best, results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    try:
        import mrz  # noqa: F401
    except ImportError:
        sys.exit("the `mrz` package is not installed: run ./dev bench mrz_check (installs the "
                 "bench extra)")

    inputs = make_inputs(args.count, args.seed)
    td3 = [x for x in inputs if x[0] == "TD3"]
    mrz_check = mrz_check_factory()
    print(f"python {platform.python_version()} on {platform.machine()}, {args.count} MRZs "
          f"({len(td3)} TD3), seed {args.seed}, best of {args.repeat}")
    rows = []
    for label, subset in (("all formats", inputs), ("TD3 only", td3)):
        t_doc, r_doc = timed(docfraud_check, subset, args.repeat)
        t_mrz, r_mrz = timed(mrz_check, subset, args.repeat)
        rate_doc, rate_mrz = len(subset) / t_doc, len(subset) / t_mrz
        rows.append((label, rate_doc, rate_mrz))
        print(f"{label:12s} docfraud {rate_doc:9,.0f}/s   mrz {rate_mrz:9,.0f}/s   "
              f"ratio {rate_doc / rate_mrz:5.2f}x")
        if label == "all formats":
            results = (r_doc, r_mrz)

    r_doc, r_mrz = results
    disagree = collections.Counter()
    examples: dict[str, list[str]] = collections.defaultdict(list)
    for (fmt, text), a, b in zip(inputs, r_doc, r_mrz):
        if a == b:
            continue
        m = parse(text, as_of=AS_OF)
        if a and not b:
            key = f"docfraud valid, mrz invalid: mrz says {mrz_reasons(fmt, text)}"
            reason = "docfraud findings: " + (",".join(sorted({f.code for f in m.findings}))
                                              or "none")
        else:
            key = "docfraud invalid, mrz valid"
            reason = ",".join(sorted({f.code for f in m.errors()}))
        disagree[key] += 1
        if len(examples[key]) < 3:
            examples[key].append(f"{reason}\n      " + text.replace("\n", "\n      "))
    print(f"validity agreement: {len(inputs) - sum(disagree.values())}/{len(inputs)}")
    for key, n in disagree.most_common():
        print(f"  {n:5d}  {key}")
        for e in examples[key]:
            print(f"         e.g. {e}")
    per_call = statistics.mean([1e6 / r[1] for r in rows])
    print(f"docfraud mean time per check: {per_call:.1f} µs")


if __name__ == "__main__":
    main()
