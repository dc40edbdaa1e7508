"""Benchmark of docfraud batch: throughput with 1 and 2 workers, a local Dask cluster against the
process pool, peak memory per worker, and the cost of resuming after a kill -9.

    ./dev bench batch [--count 24] [--seed 11]

Generates (once, cached in out/bench-batch/set-SEED-COUNT) a set of captures of the three
fictional specimens, genuine and forged, scanned and read with IR/UV, then runs the batch on it
several times into fresh results folders. Every figure is wall-clock on this machine, measured
in the same run as the peer it is compared with. Prints a Markdown table for
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "out" / "bench-batch"
AS_OF = "2026-11-28"


def make_set(count: int, seed: int) -> Path:
    from docfraud.synth.dataset import make_set as synth

    folder = OUT / f"set-{seed}-{count}"
    if not (folder / "labels.json").exists():
        print(f"generating {count} documents into {folder} ...", flush=True)
        synth(folder, specimens=["UTO/P-2024", "UTO/V-2024", "ZZA/ID-2023"], count=count,
              forgeries=["portrait_substitution", "mrz_font", "reprint", "viz_alteration"],
              forgery_rate=0.5, captures=["scan", "reader"], seed=seed)
    return folder


def _children_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed_run(inputs: Path, out: Path, **kw):  # type: ignore[no-untyped-def]
    """(wall seconds, stats); ``stats.cpu`` is the CPU time the workers got (processes that
    ended during the run), which shows how much of the machine the run had."""
    from docfraud.batch.run import Options, run

    if out.exists():
        import shutil

        shutil.rmtree(out)
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    stats = run(Options([inputs], out, as_of=AS_OF, summary=False, **kw))
    wall = time.perf_counter() - t0
    stats.cpu = _children_cpu() - cpu0  # type: ignore[attr-defined]
    return wall, stats


def killed_then_resumed(inputs: Path, out: Path, fraction: float) -> tuple[int, int, float]:
    """Run with 2 workers in a subprocess, kill -9 the whole process group once ``fraction``
    of the captures are stored, then resume; (stored before the kill, total, resume seconds)."""
    import shutil

    from docfraud.batch.inputs import Unit, walk

    total = sum(len(u.keys) for u in walk([inputs]) if isinstance(u, Unit))
    if out.exists():
        shutil.rmtree(out)
    cmd = [sys.executable, "-m", "docfraud", "batch", str(inputs), "--out", str(out),
           "--workers", "2", "--as-of", AS_OF, "--quiet"]
    proc = subprocess.Popen(cmd, start_new_session=True)
    stored = 0
    while proc.poll() is None:
        if (out / "results.sqlite").exists():
            try:
                db = sqlite3.connect(out / "results.sqlite")
                stored = db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
                db.close()
            except sqlite3.OperationalError:
                pass
            if stored >= fraction * total:
                os.killpg(proc.pid, signal.SIGKILL)
                break
        time.sleep(0.05)
    proc.wait()
    t0 = time.perf_counter()
    from docfraud.batch.run import Options, run

    stats = run(Options([inputs], out, workers=2, as_of=AS_OF, summary=False))
    seconds = time.perf_counter() - t0
    assert stats.examined + stats.skipped == total, (stats, total)
    return stored, total, seconds


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=24, help="documents to generate")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args(argv)
    inputs = make_set(args.count, args.seed)
    OUT.mkdir(parents=True, exist_ok=True)

    load0 = os.getloadavg()[0]
    t1, s1 = timed_run(inputs, OUT / "w1", workers=1)
    t2, s2 = timed_run(inputs, OUT / "w2", workers=2)
    td, sd = timed_run(inputs, OUT / "dask2", dask_local=2)
    n = s1.examined
    assert s2.examined == n and sd.examined == n, (s1, s2, sd)
    t_skip, s_skip = timed_run_again(inputs, OUT / "w2")
    stored, total, t_resume = killed_then_resumed(inputs, OUT / "killed", 0.5)
    expected = (total - stored) * t2 / n  # the remaining captures at the 2-worker rate

    def rate(t: float) -> float:
        return n / t

    def peak(stats) -> str:  # type: ignore[no-untyped-def]
        vals = [v for pid, v in stats.workers.items() if pid]
        return f"{max(vals):.0f}" if vals else "?"

    load1 = os.getloadavg()[0]

    def cores(t: float, stats) -> str:  # type: ignore[no-untyped-def]
        return f"{stats.cpu / t:.2f} cores busy" if stats.cpu else "cores busy not measured"

    print()
    print(f"Load average (1 min) before {load0:.1f}, after {load1:.1f}, on {os.cpu_count()} "
          "cores; 'cores busy' is the workers' CPU time over the wall time: what the run got "
          "of a machine it shares.")
    print()
    print(f"| measure ({n} captures, {os.cpu_count()} cores) | value |")
    print("| --- | --- |")
    print(f"| process pool, 1 worker | {rate(t1):.2f} captures/s ({t1:.1f} s; "
          f"{cores(t1, s1)}) |")
    print(f"| process pool, 2 workers | {rate(t2):.2f} captures/s ({t2:.1f} s; "
          f"{cores(t2, s2)}) |")
    print(f"| speed-up, 2 workers against 1 | **{t1 / t2:.2f}x** |")
    print(f"| local Dask cluster, 2 workers | {rate(td):.2f} captures/s ({td:.1f} s; "
          f"{cores(td, sd)}) |")
    print(f"| Dask overhead against the 2-worker pool | **{(td - t2) / t2 * 100:+.1f}%** |")
    print(f"| peak memory per worker (RSS) | pool {peak(s2)} MB, Dask {peak(sd)} MB |")
    print(f"| re-run over a complete store (all skipped) | {t_skip:.2f} s "
          f"({t_skip / n * 1000:.0f} ms per capture) |")
    print(f"| resume after kill -9 at {stored}/{total} stored | {t_resume:.1f} s against "
          f"{expected:.1f} s for {total - stored} captures at the 2-worker rate "
          f"(**{t_resume - expected:+.1f} s**) |")


def timed_run_again(inputs: Path, out: Path):  # type: ignore[no-untyped-def]
    from docfraud.batch.run import Options, run

    t0 = time.perf_counter()
    stats = run(Options([inputs], out, workers=2, as_of=AS_OF, summary=False))
    assert stats.examined == 0, stats
    return time.perf_counter() - t0, stats


if __name__ == "__main__":
    main(sys.argv[1:])
