"""The checkpoint web station under load: upload-to-result latency, and officers working at once.

    ./dev bench web [--requests 40] [--officers 8] [--duration 60] [--capture samples/captures/0001.jpg]

Starts ``docfraud serve`` in its own process on 127.0.0.1 (a fresh data folder, the default two
examination workers), signs officers in through the API, then:

1. **latency**: one officer uploads a white-light capture ``--requests`` times, one after the
   other; each time is measured from the start of the upload to the end of the result page
   (POST /api/v1/examinations, then GET of the page it names). Median and p95.
2. **load**: ``--officers`` officers upload the same capture as fast as they can, each waiting
   for its result page before the next upload, for ``--duration`` seconds. Every response must
   be a 201 and a 200; the count of errors, the throughput and the latency under load are
   printed.

Traffic goes only to 127.0.0.1, and both phases stop by themselves. Prints a JSON summary
(``--json FILE`` saves it).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "benchmark password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    v = sorted(values)
    if not v:
        return float("nan")
    k = (len(v) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def start_server(data: Path, port: int, workers: int) -> subprocess.Popen:
    from docfraud.web.store import Store

    store = Store(data)
    for i in range(16):
        store.add_user(f"officer{i}", PASSWORD)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "docfraud", "serve", "--data-dir", str(data), "--port", str(port),
         "--workers", str(workers)], env=env, stdout=subprocess.DEVNULL,
        stderr=open(data / "server.log", "w"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            sys.exit(f"the server exited: see {data / 'server.log'}")
        time.sleep(0.2)
    proc.terminate()
    sys.exit("the server did not start within 60 s")


class Officer:
    def __init__(self, base: str, name: str) -> None:
        self.client = httpx.Client(base_url=base, timeout=120)
        r = self.client.post("/api/v1/session", json={"username": name, "password": PASSWORD})
        r.raise_for_status()
        self.csrf = r.json()["csrf_token"]

    def examine(self, data: bytes) -> tuple[float, str | None]:
        """Seconds from upload to the result page, and an error (None when all went well)."""
        t0 = time.perf_counter()
        try:
            r = self.client.post("/api/v1/examinations", headers={"X-CSRF-Token": self.csrf},
                                 files={"white": ("capture.jpg", data, "image/jpeg")})
            if r.status_code != 201:
                return time.perf_counter() - t0, f"POST {r.status_code}"
            page = self.client.get(r.json()["url"])
            if page.status_code != 200 or "verdict-text" not in page.text:
                return time.perf_counter() - t0, f"GET {page.status_code}"
        except httpx.HTTPError as exc:
            return time.perf_counter() - t0, type(exc).__name__
        return time.perf_counter() - t0, None


def summary(times: list[float]) -> dict[str, float]:
    return {"n": len(times), "median_s": round(statistics.median(times), 3),
            "p95_s": round(percentile(times, 0.95), 3), "max_s": round(max(times), 3)}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--capture", type=Path, default=ROOT / "samples" / "captures" / "0001.jpg",
                    help="white-light capture to upload")
    ap.add_argument("--requests", type=int, default=40, help="sequential uploads (phase 1)")
    ap.add_argument("--officers", type=int, default=8, help="concurrent officers (phase 2)")
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of load (phase 2)")
    ap.add_argument("--workers", type=int, default=2, help="the server's --workers")
    ap.add_argument("--json", type=Path, help="save the summary here")
    args = ap.parse_args(argv)
    data = args.capture.read_bytes()

    with tempfile.TemporaryDirectory(prefix="docfraud-bench-web-") as tmp:
        port = free_port()
        proc = start_server(Path(tmp), port, args.workers)
        base = f"http://127.0.0.1:{port}"
        try:
            one = Officer(base, "officer0")
            one.examine(data)  # the first request after start-up is not the station's speed
            seq, errors = [], []
            for _ in range(args.requests):
                t, err = one.examine(data)
                seq.append(t)
                if err:
                    errors.append(err)
            latency = {**summary(seq), "errors": len(errors)}
            print(f"latency, one officer: median {latency['median_s']:.3f} s, "
                  f"p95 {latency['p95_s']:.3f} s over {len(seq)} uploads, {len(errors)} errors",
                  flush=True)

            officers = [Officer(base, f"officer{i + 1}") for i in range(args.officers)]
            times: list[float] = []
            load_errors: list[str] = []
            lock = threading.Lock()
            stop_at = time.monotonic() + args.duration

            def work(o: Officer) -> None:
                while time.monotonic() < stop_at:
                    t, err = o.examine(data)
                    with lock:
                        times.append(t)
                        if err:
                            load_errors.append(err)

            t0 = time.perf_counter()
            threads = [threading.Thread(target=work, args=(o,)) for o in officers]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - t0
            load = {**summary(times), "errors": len(load_errors),
                    "error_kinds": sorted(set(load_errors)), "officers": args.officers,
                    "seconds": round(elapsed, 1),
                    "examinations_per_minute": round(len(times) / elapsed * 60, 1)}
            print(f"load, {args.officers} officers for {elapsed:.0f} s: {len(times)} "
                  f"examinations ({load['examinations_per_minute']}/min), {len(load_errors)} "
                  f"errors; latency median {load['median_s']:.3f} s, p95 {load['p95_s']:.3f} s",
                  flush=True)
            if load_errors or errors:
                log = (Path(tmp) / "server.log").read_text(errors="replace")
                print("server log (last lines):\n" + "\n".join(log.splitlines()[-40:]))
            audit_ok = subprocess.run(
                [sys.executable, "-m", "docfraud", "serve", "verify-audit", "--data-dir", tmp],
                capture_output=True, text=True)
        finally:
            proc.terminate()
            proc.wait(30)
    out = {"capture": str(args.capture.relative_to(ROOT) if args.capture.is_relative_to(ROOT)
                          else args.capture),
           "cpus": os.cpu_count(), "workers": args.workers, "latency": latency, "load": load,
           "audit": audit_ok.stdout.strip() or audit_ok.stderr.strip()}
    print(json.dumps(out, indent=1))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    return out


if __name__ == "__main__":
    main()
