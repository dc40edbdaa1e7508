"""docfraud batch end to end, as a user runs it (real subprocesses): a mixed folder, a zip and
a PDF; a run killed with SIGKILL and resumed; the same results on Dask; every export; the
summary; linkage groups found where a generated set planted them."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from docfraud.batch.inputs import Unit, walk

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "captures"
AS_OF = "2026-11-28"


def docfraud(*args: str, check: int | None = 0, **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "docfraud", *args], capture_output=True,
                          text=True, timeout=600, **kw)
    if check is not None:
        assert proc.returncode == check, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    return proc


def rows(out: Path, sql: str = "SELECT key, status, verdict, current FROM results") -> list:
    db = sqlite3.connect(out / "results.sqlite")
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def expected_keys(inputs: list[Path]) -> set[str]:
    return {k for u in walk(inputs) if isinstance(u, Unit) for k in u.keys}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    """Images with IR/UV siblings, a card's sides, a zip archive (one unsafe member), a
    two-page PDF and a broken image."""
    d = tmp_path_factory.mktemp("mixed") / "in"
    (d / "pdf").mkdir(parents=True)
    for name in ("0001.jpg", "0001.ir.jpg", "0001.uv.jpg", "0007-front.jpg", "0007-back.jpg"):
        shutil.copy(SAMPLES / name, d / name)
    (d / "broken.jpg").write_bytes(b"\xff\xd8\xff not a JPEG")
    with zipfile.ZipFile(d / "seized.zip", "w") as z:
        z.write(SAMPLES / "0002.jpg", "box/0002.jpg")
        z.write(SAMPLES / "0002.ir.jpg", "box/0002.ir.jpg")
        z.write(SAMPLES / "0002.uv.jpg", "box/0002.uv.jpg")
        z.writestr("../evil.jpg", (SAMPLES / "0009.jpg").read_bytes())
    from PIL import Image

    pages = [Image.open(SAMPLES / n).convert("RGB") for n in ("0003.jpg", "0009.jpg")]
    pages[0].save(d / "pdf" / "scan.pdf", save_all=True, append_images=pages[1:],
                  resolution=300)
    return d


@pytest.fixture(scope="module")
def mixed_run(mixed: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run") / "out"
    wl = out.parent / "watch.csv"
    wl.write_text("issuer,document_type,document_number,status,reported_on,reference\n"
                  "UTO,P,T920916Y2,stolen,2026-02-01,case 12\nZZA,I,XX0000000,lost,,\n",
                  encoding="utf-8")
    proc = docfraud("batch", str(mixed), "--out", str(out), "--workers", "2", "--as-of", AS_OF,
                    "--watchlist", str(wl), "--quiet", check=1)  # 1: some items unreadable
    assert proc.stdout == "" and proc.stderr == ""  # --quiet
    return out


def test_batch_examines_folder_zip_and_pdf_and_records_bad_items(mixed: Path, mixed_run: Path):
    got = rows(mixed_run, "SELECT key, source, status, error_code, report_file FROM results")
    assert {r[0] for r in got} == expected_keys([mixed])
    assert len(got) == 7  # 0001, the card's two sides, the zip's 0002, two PDF pages, broken
    by_source = {r[1].replace(str(mixed), ""): r for r in got}
    assert by_source["/broken.jpg"][2:4] == ("error", "E301")
    assert {s for s, r in by_source.items() if r[2] == "done"} == {
        "/0001.jpg", "/0007-front.jpg", "/0007-back.jpg", "/seized.zip!box/0002.jpg",
        "/pdf/scan.pdf#page=1", "/pdf/scan.pdf#page=2"}
    for r in got:
        if r[2] == "done":
            assert (mixed_run / r[4]).is_file()
    errors = rows(mixed_run, "SELECT source, error_code FROM input_errors")
    assert [(s.replace(str(mixed), ""), c) for s, c in errors] == [("/seized.zip!../evil.jpg",
                                                                     "E501")]
    mode = rows(mixed_run, "PRAGMA journal_mode")[0][0]
    assert mode == "wal"


def test_log_holds_no_personal_data(mixed_run: Path):
    log = (mixed_run / "batch.log").read_text(encoding="utf-8")
    assert "examined" in log and "E501" in log and "E301" in log
    personal = rows(mixed_run, "SELECT surname, given_names, document_number, source, mrz "
                               "FROM results WHERE status = 'done'")
    for surname, given, number, source, mrz in personal:
        for value in (surname, number, source, *(given or "").split()):
            if value and len(value) >= 3:
                assert value not in log
        assert mrz.splitlines()[0] not in log


def test_rerun_skips_everything(mixed: Path, mixed_run: Path):
    before = rows(mixed_run)
    proc = docfraud("batch", str(mixed), "--out", str(mixed_run), "--workers", "1",
                    "--as-of", AS_OF, check=1)
    assert "examined 0, already done 7" in proc.stdout.replace("\n", " ")
    assert rows(mixed_run) == before


def test_exports_every_format(mixed_run: Path, tmp_path: Path):
    import csv

    import networkx as nx
    import pyarrow.parquet as pq

    n = len(rows(mixed_run))
    for fmt in ("csv", "jsonl", "parquet"):
        docfraud("batch", "export", str(mixed_run), "--format", fmt)
    with (mixed_run / "export" / "captures.csv").open(encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert len(table) == n + 1  # every capture, and the unreadable zip member
    done = [r for r in table if r["status"] == "done"]
    assert all(r["verdict"] and r["specimen"] for r in done)
    assert any(r["document_number"] and r["issuer"] for r in done)
    jl = [json.loads(line) for line in
          (mixed_run / "export" / "captures.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(jl) == n + 1 and all(r["report"]["verdict"] == r["verdict"] for r in jl
                                    if r["status"] == "done")
    pt = pq.read_table(mixed_run / "export" / "captures.parquet")
    assert pt.num_rows == n + 1 and "finding_codes" in pt.column_names
    docfraud("batch", "export", str(mixed_run), "--format", "graphml", "-o",
             str(tmp_path / "g.graphml"))
    nx.read_graphml(tmp_path / "g.graphml")
    proc = docfraud("batch", "export", str(mixed_run), "--format", "xml", check=2)
    assert "E101" in proc.stderr
    proc = docfraud("batch", "export", str(tmp_path / "nothing"), check=2)
    assert "E503" in proc.stderr


def test_summary_links_to_every_flagged_report(mixed_run: Path):
    import re

    page = (mixed_run / "summary.html").read_text(encoding="utf-8")
    for title in ("By verdict", "By issuer", "By document type", "Finding codes",
                  "Score distributions", "Linkage groups", "Captures to look at"):
        assert title in page
    links = re.findall(r'href="(reports/[^"]+)"', page)
    assert links and all((mixed_run / link).is_file() for link in links)
    assert "E501" in page and "<svg" in page


def test_watchlist_hit_is_a_finding(mixed_run: Path):
    """Sample 0001 (UTO passport T920916Y2) is on the watch list given to the run."""
    import csv

    docfraud("batch", "export", str(mixed_run), "--format", "csv")
    with (mixed_run / "export" / "captures.csv").open(encoding="utf-8") as fh:
        table = {r["name"]: r for r in csv.DictReader(fh)}
    assert table["0001"]["watchlist"] == "stolen"
    assert "WAT001" in table["0001"]["finding_codes"].split()
    assert table["0001"]["verdict"] != "no anomalies found in the checks that ran"
    assert sum("WAT001" in r["finding_codes"] for r in table.values()) == 1
    report = (mixed_run / table["0001"]["report_file"]).read_text(encoding="utf-8")
    assert "WAT001: on the watch list" in report
    assert "Watch-list hits" in (mixed_run / "summary.html").read_text(encoding="utf-8")


def test_bad_watchlist_is_a_coded_error(mixed: Path, tmp_path: Path):
    wl = tmp_path / "wl.csv"
    wl.write_text("issuer,document_number,status\nUTO,X1,misplaced\n")
    proc = docfraud("batch", str(mixed), "--out", str(tmp_path / "o"), "--watchlist", str(wl),
                    check=2)
    assert "E504" in proc.stderr and "line 2" in proc.stderr


def test_killed_run_resumes_with_nothing_lost_or_duplicated(tmp_path: Path):
    """kill -9 in the middle of a run (the driver and its workers: the whole process group),
    then the same command again: every capture ends with exactly one result, and what was
    committed before the kill is not examined again."""
    inp = tmp_path / "in"
    inp.mkdir()
    for p in SAMPLES.glob("*.jpg"):
        shutil.copy(p, inp / p.name)
    out = tmp_path / "out"
    want = expected_keys([inp])
    assert len(want) == 11  # seven one-sided captures and two cards of two sides
    cmd = [sys.executable, "-m", "docfraud", "batch", str(inp), "--out", str(out),
           "--workers", "1", "--as-of", AS_OF, "--quiet"]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    committed = 0
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if (out / "results.sqlite").exists():
                try:
                    committed = len(rows(out))
                except sqlite3.OperationalError:
                    committed = 0
                if committed >= 3:
                    break
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    survived = rows(out)  # whole rows only: what was committed before the kill
    assert 3 <= len(survived) < len(want)
    assert all(status == "done" and verdict for _, status, verdict, _ in survived)

    again = docfraud("batch", str(inp), "--out", str(out), "--workers", "2", "--as-of", AS_OF)
    final = rows(out)
    keys = [r[0] for r in final]
    assert sorted(keys) == sorted(want)  # none lost, none twice
    assert all(r[1] == "done" and r[3] == 1 for r in final)
    assert set(survived) <= set(final)  # the committed results were kept as they were
    text = again.stdout.replace("\n", " ")
    assert f"examined {len(want) - len(survived)}, already done {len(survived)}" in text
    for key, report in rows(out, "SELECT key, report_file FROM results"):
        assert (out / report).is_file()
    assert not list((out / "reports").glob("*/.*.tmp"))


def test_recheck_examines_again_what_another_version_stored(tmp_path: Path):
    inp = tmp_path / "in"
    inp.mkdir()
    for name in ("0009.jpg", "0003.jpg"):
        shutil.copy(SAMPLES / name, inp / name)
    out = tmp_path / "out"
    docfraud("batch", str(inp), "--out", str(out), "-w", "1", "--as-of", AS_OF, "-q")
    db = sqlite3.connect(out / "results.sqlite")
    db.execute("UPDATE results SET docfraud_version = '0.0.1' WHERE source LIKE '%0009.jpg'")
    db.commit()
    db.close()
    proc = docfraud("batch", str(inp), "--out", str(out), "-w", "1", "--as-of", AS_OF)
    assert "examined 0, already done 2" in proc.stdout.replace("\n", " ")
    proc = docfraud("batch", str(inp), "--out", str(out), "-w", "1", "--as-of", AS_OF,
                    "--recheck")
    assert "examined 1, already done 1" in proc.stdout.replace("\n", " ")
    hist = rows(out, "SELECT docfraud_version, current FROM results WHERE source LIKE "
                     "'%0009.jpg' ORDER BY id")
    assert hist == [("0.0.1", 0), ("0.1.0", 1)]


def test_dask_gives_the_same_results_as_the_process_pool(tmp_path: Path):
    inp = tmp_path / "in"
    inp.mkdir()
    for name in ("0004.jpg", "0004.ir.jpg", "0004.uv.jpg", "0008-front.jpg", "0008-back.jpg"):
        shutil.copy(SAMPLES / name, inp / name)
    pool, dask = tmp_path / "pool", tmp_path / "dask"
    docfraud("batch", str(inp), "--out", str(pool), "-w", "2", "--as-of", AS_OF, "-q")
    proc = docfraud("batch", str(inp), "--out", str(dask), "--dask-local", "2",
                    "--as-of", AS_OF)
    assert "local Dask cluster (2 workers)" in proc.stdout.replace("\n", " ")
    sql = ("SELECT key, verdict, finding_codes, signature, portrait_hash, specimen_version "
           "FROM results ORDER BY key")
    assert rows(pool, sql) == rows(dask, sql) and len(rows(pool, sql)) == 3
    proc = docfraud("batch", str(inp), "--out", str(tmp_path / "x"), "--scheduler",
                    "tcp://127.0.0.1:9", check=2)
    assert "E506" in proc.stderr


def test_linkage_finds_the_planted_groups(tmp_path: Path):
    """A generated set with planted groups: one impostor's photo in several passports, one
    document number on several holders' documents, one forger's MRZ font."""
    from docfraud.synth.dataset import make_set

    data = make_set(tmp_path / "set", specimens=["UTO/P-2024"], count=1, forgeries=[],
                    forgery_rate=0.0, captures=["scan"], seed=3, plant=3)
    planted: dict[str, set[str]] = {}
    for it in data["items"]:
        if it.get("planted"):
            planted.setdefault(it["planted"], set()).add(it["id"])
    out = tmp_path / "out"
    docfraud("batch", str(tmp_path / "set"), "--out", str(out), "-w", "2", "--as-of", AS_OF,
             "-q")
    docfraud("batch", "export", str(out), "--format", "csv", "--what", "links")
    import csv

    with (out / "export" / "links.csv").open(encoding="utf-8") as fh:
        links = list(csv.DictReader(fh))
    groups: dict[tuple[str, str], set[str]] = {}
    for r in links:
        groups.setdefault((r["group"], r["kind"]), set()).add(r["name"])

    def found(kind: str, members: set[str]) -> bool:
        return any(members <= m for (_, k), m in groups.items() if k == kind)

    assert found("document_number", planted["reused_number"])
    assert found("portrait", planted["shared_portrait"])
    # the forger's documents whose MRZ could be measured (glare on a scan can stop the MRZ
    # checks: then there is no signature to link)
    measured = {name for name, sig in rows(out, "SELECT name, signature FROM results")
                if any(c[0] == "mrz.pitch_mm" for c in json.loads(sig))}
    forger = planted["one_forger"] & measured
    assert len(forger) >= 2 and found("signature", forger)
    page = (out / "summary.html").read_text(encoding="utf-8")
    for kind in ("shared document number, different holders",
                 "same portrait, different identities", "same forgery signature"):
        assert kind in page


def test_dask_workers_start_without_the_malloc_trim_setting():
    """Dask's nannies start workers with MALLOC_TRIM_THRESHOLD_=65536, which made every capture
    a third slower (freed image buffers handed back to the kernel and taken again); docfraud's
    local cluster workers start without it, single-threaded."""
    pytest.importorskip("distributed")
    from docfraud.batch.run import DaskExecutor

    ex = DaskExecutor(None, 1, {})
    try:
        env = ex.client.run(lambda: {k: os.environ.get(k) for k in
                                     ("MALLOC_TRIM_THRESHOLD_", "OMP_NUM_THREADS")})
    finally:
        ex.close()
    assert env and all(e["MALLOC_TRIM_THRESHOLD_"] is None and e["OMP_NUM_THREADS"] == "1"
                       for e in env.values())
