"""Running a batch: enumerate lazily, skip what is done, examine in parallel, one writer.

The driver walks the inputs (:func:`docfraud.batch.inputs.walk`), skips the captures the store
already holds (or, with ``recheck``, holds for this docfraud version and the current specimen
versions), and keeps at most a few units per worker in flight, so memory stays bounded whatever
the number of inputs. Workers run :func:`docfraud.batch.worker.examine_unit`; the results stream
back to this process, the only writer, which writes each capture's HTML report and then commits
its row.

Executors: a local process pool (``workers``), or a Dask cluster (``scheduler`` address, or
``dask_local`` workers started here); both behind the same three calls (submit, wait for any,
result), so the examination and the writing are the same code on either.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import logging
import multiprocessing
import os
import threading
import time
import warnings
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from docfraud import __version__
from docfraud.batch import worker as W
from docfraud.batch.inputs import Failed, Limits, Unit, count_units, walk
from docfraud.batch.store import Store, report_path, write_atomic
from docfraud.errors import ClusterError, MissingDependencyError, UsageError

log = logging.getLogger("docfraud.batch")


@dataclass
class Options:
    inputs: list[Path]
    out: Path
    workers: int | None = None
    scheduler: str | None = None
    dask_local: int | None = None
    recheck: bool = False
    watchlist: Path | None = None
    specimens: Path | None = None
    as_of: str | None = None
    device: str | None = None  # for captures whose manifest does not say (scanner, camera)
    html: bool = True
    summary: bool = True
    limits: Limits = field(default_factory=Limits)


@dataclass
class Stats:
    examined: int = 0  # captures examined in this run
    skipped: int = 0  # captures already in the store
    failed: int = 0  # captures or inputs that could not be examined (coded errors)
    units: int = 0
    seconds: float = 0.0
    workers: dict[int, float] = field(default_factory=dict)  # pid -> peak RSS (MB)
    executor: str = ""
    watch_hits: int = 0


def short(key: str) -> str:
    return key[:12]


def source_id(source: str) -> str:
    """A source's id for the log: its hash, never the path (paths may name people)."""
    return hashlib.sha256(source.encode()).hexdigest()[:12]


# --------------------------------------------------------------------------------------------
# executors


class PoolExecutor:
    """A local process pool; each worker loads the library once (initializer)."""

    def __init__(self, workers: int, settings: dict[str, Any]) -> None:
        self.n = workers
        ctx = multiprocessing.get_context("spawn")  # no inherited threads or SQLite handles
        self.pool = cf.ProcessPoolExecutor(workers, mp_context=ctx, initializer=W.warm,
                                           initargs=(settings,))
        self.name = f"process pool ({workers} workers)"

    def versions(self, settings: dict[str, Any]) -> list[dict[str, str]]:
        return []  # the same machine, the same files

    def submit(self, unit: Unit, settings: dict[str, Any]) -> Any:
        return self.pool.submit(W.examine_unit, unit, settings)

    def wait_any(self, pending: set) -> tuple[set, set]:
        done, rest = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
        return set(done), set(rest)

    def result(self, fut: Any) -> dict[str, Any]:
        return fut.result()

    def close(self, cancel: bool = False) -> None:
        self.pool.shutdown(wait=not cancel, cancel_futures=cancel)


class DaskExecutor:
    """A Dask cluster: an existing scheduler, or a local cluster of ``local`` workers."""

    def __init__(self, scheduler: str | None, local: int | None, settings: dict[str, Any]) -> None:
        try:
            import distributed
        except ImportError:
            raise MissingDependencyError("Dask is not installed (needed for --scheduler and "
                                         "--dask-local)",
                                         hint="pip install 'docfraud[batch]'") from None
        self.d = distributed
        self.cluster = None
        import dask

        # the units carry JPEG/PNG bytes, which do not compress: spend no CPU trying; and the
        # workers' statistical profiler (a stack sample every 10 ms) costs CPU in every task
        # Dask's nannies also start workers with MALLOC_TRIM_THRESHOLD_=65536, which makes
        # glibc hand every freed image buffer back to the kernel and take it again: a third
        # more time per capture, spent in the kernel. Keep glibc's own default here.
        environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}) or {})
        environ.pop("MALLOC_TRIM_THRESHOLD_", None)
        environ.update({k: int(v) for k, v in W.SINGLE_THREAD_ENV.items()})
        dask.config.set({"distributed.comm.compression": None,
                         "distributed.worker.profile.enabled": False,
                         "distributed.nanny.pre-spawn-environ": environ})
        try:
            if scheduler:
                self.client = distributed.Client(scheduler, timeout="10s")
            else:
                self.cluster = distributed.LocalCluster(
                    n_workers=local, threads_per_worker=1, processes=True,
                    dashboard_address=None, silence_logs=logging.ERROR)
                self.client = distributed.Client(self.cluster)
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
        self.n = max(1, len(self.client.scheduler_info().get("workers", {})))
        self.name = (f"Dask {scheduler} ({self.n} workers)" if scheduler
                     else f"local Dask cluster ({local} workers)")

    def versions(self, settings: dict[str, Any]) -> list[dict[str, str]]:
        facts = self.client.run(W.warm, settings)
        return [f["specimen_versions"] for f in facts.values()]

    def submit(self, unit: Unit, settings: dict[str, Any]) -> Any:
        # the unit (its image bytes) travels with the task: one message, no separate scatter
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*[Ll]arge object.*")
            return self.client.submit(W.examine_unit, unit, settings, pure=False, retries=1)

    def wait_any(self, pending: set) -> tuple[set, set]:
        done, rest = self.d.wait(list(pending), return_when="FIRST_COMPLETED")
        return set(done), set(rest)

    def result(self, fut: Any) -> dict[str, Any]:
        out = fut.result()
        fut.release()
        return out

    def close(self, cancel: bool = False) -> None:
        try:
            self.client.close()
            if self.cluster is not None:
                self.cluster.close()
        except Exception:  # noqa: BLE001 - closing a cluster that is going away
            pass


def make_executor(opts: Options, settings: dict[str, Any]):  # type: ignore[no-untyped-def]
    if opts.scheduler and opts.dask_local:
        raise UsageError("give --scheduler or --dask-local, not both")
    if opts.scheduler or opts.dask_local:
        if opts.dask_local is not None and opts.dask_local < 1:
            raise UsageError("--dask-local must be at least 1")
        return DaskExecutor(opts.scheduler, opts.dask_local, settings)
    n = opts.workers or os.cpu_count() or 1
    if n < 1:
        raise UsageError("--workers must be at least 1")
    return PoolExecutor(n, settings)


# --------------------------------------------------------------------------------------------


def setup_log(folder: Path) -> logging.Handler:
    handler = logging.FileHandler(folder / "batch.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    return handler


Progress = Callable[..., None]


def run(opts: Options, progress: Progress | None = None,
        total: Callable[[int], None] | None = None) -> Stats:
    """Run a batch. ``progress(done=, failed=, skipped=)`` is called as units finish;
    ``total(n)`` once the inputs are counted (in a thread beside the run)."""
    from docfraud.batch import watchlist as WL

    if not opts.inputs:
        raise UsageError("give at least one input (folder, zip archive, PDF, image or "
                         "manifest)")
    entries = WL.read_watchlist(opts.watchlist) if opts.watchlist else None
    store = Store(opts.out, lock=True)
    for stale in (opts.out / "reports").glob("*/.*.tmp"):  # a report cut short by a kill
        stale.unlink(missing_ok=True)
    handler = setup_log(opts.out)
    settings = {"specimens": str(opts.specimens) if opts.specimens else None,
                "as_of": opts.as_of, "html": opts.html}
    stats = Stats()
    t0 = time.perf_counter()
    for name, value in W.SINGLE_THREAD_ENV.items():  # inherited by the worker processes
        os.environ.setdefault(name, value)
    versions = W.specimen_versions(W.specimen_library(settings["specimens"]))
    libver = W.library_version(versions)
    executor = make_executor(opts, settings)
    stats.executor = executor.name
    run_id = store.start_run(executor.name)
    log.info("run %d started: docfraud %s, %s, library %s, recheck=%s", run_id, __version__,
             executor.name, libver, opts.recheck)
    cancelled = False
    try:
        for theirs in executor.versions(settings):
            if theirs != versions:
                raise ClusterError("a worker's specimen library differs from this machine's "
                                   f"({W.library_version(theirs)} against {libver})",
                                   hint="install the same docfraud and specimens on every "
                                        "worker (docs/batch.md)")
        if entries is not None:
            WL.load_into(store, entries)
            store.set_meta("watchlist", WL.fingerprint(entries))
            log.info("watch list loaded: %d entries", len(entries))
        if total is not None:
            threading.Thread(target=lambda: total(count_units(opts.inputs, opts.limits)),
                             daemon=True).start()
        _drive(opts, store, executor, settings, versions, libver, stats, progress)
    except BaseException:
        cancelled = True
        raise
    finally:
        executor.close(cancel=cancelled)
        stats.seconds = time.perf_counter() - t0
        try:
            kept = store.db.execute("SELECT COUNT(*) FROM watchlist").fetchone()[0]
            if not cancelled and (entries is not None or kept):  # the list given last
                stats.watch_hits = WL.refresh_hits(store)
                _mark_reports(store)
                log.info("watch list: %d hits", stats.watch_hits)
            store.finish_run(run_id, stats.examined, stats.skipped, stats.failed)
            log.info("run %d %s: examined %d, skipped %d, failed %d in %.1f s", run_id,
                     "interrupted" if cancelled else "finished", stats.examined, stats.skipped,
                     stats.failed, stats.seconds)
            if not cancelled and opts.summary:
                from docfraud.batch.summary import write_summary

                write_summary(store)
        finally:
            store.close()
            log.removeHandler(handler)
            handler.close()
    return stats


def _drive(opts: Options, store: Store, executor: Any, settings: dict[str, Any],
           versions: dict[str, str], libver: str, stats: Stats,
           progress: Progress | None) -> None:
    window = 2 * executor.n + 2
    pending: dict[Any, Unit] = {}
    in_flight: set[str] = set()
    check = versions if opts.recheck else None

    def tick() -> None:
        if progress is not None:
            progress(done=stats.units, failed=stats.failed, skipped=stats.skipped)

    def drain() -> None:
        if not pending:
            return
        done, _ = executor.wait_any(set(pending))
        for fut in done:
            unit = pending.pop(fut)
            try:
                out = executor.result(fut)
            except Exception as exc:  # noqa: BLE001 - a worker died: recorded, batch goes on
                out = {"records": [W.error_record(k, c.source, c.name, exc, unit.document_key, i)
                                   for i, (k, c) in enumerate(zip(unit.keys, unit.captures))],
                       "pid": 0, "peak_rss_mb": 0.0,
                       "specimen_versions": versions}
            _write(store, out, versions, libver, stats)
            in_flight.difference_update(unit.keys)
            stats.units += 1
            tick()

    for item in walk(opts.inputs, opts.limits):
        if isinstance(item, Failed):
            store.add_input_error(item.source, item.error.code, item.error.title,
                                  item.error.message)
            log.warning("input %s not read: %s %s", source_id(item.source), item.error.code,
                        item.error.title)
            stats.failed += 1
            stats.units += 1
            tick()
            continue
        item = item.with_device(opts.device)
        if all(store.is_done(k, check, libver) for k in item.keys):
            for k, c in zip(item.keys, item.captures):
                store.add_source(c.source, k)
            stats.skipped += len(item.keys)
            stats.units += 1
            tick()
            continue
        if any(k in in_flight for k in item.keys):  # the same images twice in this run
            stats.skipped += len(item.keys)
            stats.units += 1
            tick()
            continue
        while len(pending) >= window:
            drain()
        pending[executor.submit(item, settings)] = item
        in_flight.update(item.keys)
    while pending:
        drain()


def store_record(store: Store, rec: dict[str, Any], versions: dict[str, str]) -> None:
    """Store one record of :func:`docfraud.batch.worker.record`: its HTML report file first,
    then its row, under the version of the specimen it was compared with (``versions``: each
    specimen's)."""
    spec = rec.get("specimen")
    ver = f"{spec}@{versions.get(spec, '?')}" if spec else f"library@{W.library_version(versions)}"
    html = rec.pop("html", None)
    if html is not None:
        path = report_path(store.folder, rec["key"])
        write_atomic(path, zlib.decompress(html))
        rec["report_file"] = path.relative_to(store.folder).as_posix()
    store.add(rec, ver)


def _write(store: Store, out: dict[str, Any], versions: dict[str, str], libver: str,
           stats: Stats) -> None:
    """Store a unit's records: each capture's report file first, then its row."""
    stats.workers[out.get("pid", 0)] = max(stats.workers.get(out.get("pid", 0), 0.0),
                                           out.get("peak_rss_mb", 0.0))
    theirs = out.get("specimen_versions") or versions
    for rec in out["records"]:
        store_record(store, rec, theirs)
        if rec["status"] == "done":
            stats.examined += 1
            log.info("examined %s: %s (%.2f s)", short(rec["key"]), rec.get("verdict"),
                     rec.get("seconds") or 0.0)
        else:
            stats.failed += 1
            log.warning("capture %s not examined: %s %s", short(rec["key"]),
                        rec.get("error_code"), rec.get("error_title"))


WATCH_MARK = "<!-- docfraud-watchlist -->"


def _mark_reports(store: Store) -> None:
    """Put (or take away) the watch-list banner at the top of each capture's HTML report."""
    import html as H

    hits = store.watch_hits()
    for row in store.rows("report_file IS NOT NULL", columns="key, report_file"):
        path = store.folder / row["report_file"]
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        marked = WATCH_MARK in text
        entry = hits.get(row["key"])
        if entry is None and not marked:
            continue
        if marked:
            a = text.index(WATCH_MARK)
            b = text.index(WATCH_MARK, a + 1) + len(WATCH_MARK)
            text = text[:a] + text[b:]
        if entry is not None:
            when = f" on {entry['reported_on']}" if entry.get("reported_on") else ""
            banner = (f"{WATCH_MARK}<div style=\"background:#6a1b9a;color:#fff;padding:12px "
                      f"22px;font:600 18px system-ui,sans-serif\">WAT001: on the watch list — "
                      f"reported {H.escape(entry['status'])}{H.escape(when)}"
                      f"{' (' + H.escape(entry['reference']) + ')' if entry.get('reference') else ''}"
                      f"</div>{WATCH_MARK}")
            i = text.find("<body>")
            i = i + len("<body>") if i >= 0 else 0
            text = text[:i] + banner + text[i:]
        write_atomic(path, text.encode("utf-8"))


__all__ = ["DaskExecutor", "Options", "PoolExecutor", "Stats", "run"]
