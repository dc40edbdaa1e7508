"""docfraud.batch parts that need no examination: inputs, store, watch list, linkage, exports."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pytest

from docfraud.batch import linkage as L
from docfraud.batch.inputs import Failed, Limits, Unit, count_units, load_capture_spec, walk
from docfraud.batch.store import Store
from docfraud.batch.watchlist import normalise_number, read_watchlist, refresh_hits, load_into
from docfraud.batch.worker import phash, similarity
from docfraud.errors import WatchlistError

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "captures"


def _units(items):
    return [i for i in items if isinstance(i, Unit)]


def _failed(items):
    return [i for i in items if isinstance(i, Failed)]


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """A mixed folder: a passport with IR/UV siblings, a card's two sides, a broken image, a
    lone IR image, a sub-folder with a zip archive and a two-page PDF."""
    d = tmp_path / "in"
    (d / "sub" / "deeper").mkdir(parents=True)
    for name in ("0001.jpg", "0001.ir.jpg", "0001.uv.jpg", "0007-front.jpg", "0007-back.jpg"):
        shutil.copy(SAMPLES / name, d / name)
    shutil.copy(SAMPLES / "0002.ir.jpg", d / "lonely.ir.jpg")
    (d / "broken.jpg").write_bytes(b"\xff\xd8\xff this is not a JPEG")
    (d / "notes.txt").write_text("not an input")
    with zipfile.ZipFile(d / "sub" / "seized.zip", "w") as z:
        z.write(SAMPLES / "0009.jpg", "phone/0009.jpg")
        z.write(SAMPLES / "0005.jpg", "reader/0005.jpg")
        z.write(SAMPLES / "0005.ir.jpg", "reader/0005.ir.jpg")
        z.writestr("../../escape.jpg", (SAMPLES / "0003.jpg").read_bytes())
        z.writestr("/etc/abs.jpg", (SAMPLES / "0003.jpg").read_bytes())
    from PIL import Image

    pages = [Image.open(SAMPLES / n).convert("RGB") for n in ("0003.jpg", "0004.jpg")]
    pages[0].save(d / "sub" / "deeper" / "scan.pdf", save_all=True, append_images=pages[1:],
                  resolution=300)
    return d


def test_walk_finds_every_capture_set_and_records_bad_items(folder: Path):
    items = list(walk([folder]))
    units = _units(items)
    by_source = {u.source.replace(str(folder), ""): u for u in units}
    assert set(by_source) == {"/0001.jpg", "/0007-front.jpg", "/broken.jpg",
                              "/sub/seized.zip!phone/0009.jpg", "/sub/seized.zip!reader/0005.jpg",
                              "/sub/deeper/scan.pdf#page=1", "/sub/deeper/scan.pdf#page=2"}
    assert sorted(by_source["/0001.jpg"].captures[0].parts) == ["ir", "uv", "white"]
    card = by_source["/0007-front.jpg"]
    assert [c.side for c in card.captures] == ["front", "back"] and len(set(card.keys)) == 2
    assert sorted(by_source["/sub/seized.zip!reader/0005.jpg"].captures[0].parts) == \
        ["ir", "white"]
    fails = {f.source.replace(str(folder), ""): f.error.code for f in _failed(items)}
    assert fails == {"/lonely.ir.jpg": "E102", "/sub/seized.zip!../../escape.jpg": "E501",
                     "/sub/seized.zip!/etc/abs.jpg": "E501"}
    assert count_units([folder]) == len(items)  # the progress total: one tick per item


def test_keys_are_content_hashes(folder: Path, tmp_path: Path):
    first = {u.source: u.keys for u in _units(walk([folder]))}
    moved = tmp_path / "moved"
    shutil.copytree(folder, moved)
    second = {u.source.replace(str(moved), str(folder)): u.keys for u in _units(walk([moved]))}
    assert first == second  # same images, same keys, wherever they are
    (moved / "0001.uv.jpg").unlink()  # another set of lights: another capture
    third = {u.source.replace(str(moved), str(folder)): u.keys for u in _units(walk([moved]))}
    assert third[str(folder / "0001.jpg")] != first[str(folder / "0001.jpg")]
    pages = [u for u in _units(walk([folder])) if "scan.pdf" in u.source]
    assert pages[0].keys != pages[1].keys


def test_pdf_pages_load_as_separate_captures(folder: Path):
    pages = [u for u in _units(walk([folder])) if "scan.pdf" in u.source]
    a, b = (load_capture_spec(u.captures[0]).white for u in pages)
    assert a.shape[0] > 1000 and a.shape != b.shape or not np.array_equal(a, b)


def test_zip_size_limits(tmp_path: Path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("zeros.png", b"\x89PNG\r\n\x1a\n" + bytes(5_000_000))
        z.write(SAMPLES / "0009.jpg", "ok.jpg")
    items = list(walk([bomb], Limits(max_ratio=100)))
    assert [f.error.code for f in _failed(items)] == ["E502"]
    assert len(_units(items)) == 1  # the batch goes on with the next member
    items = list(walk([bomb], Limits(max_member_bytes=1000)))
    assert all(f.error.code == "E502" for f in _failed(items)) and len(_failed(items)) == 2
    assert [f.error.code for f in _failed(walk([bomb], Limits(max_archive_bytes=1000)))] == \
        ["E502"]
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 truncated")
    assert [f.error.code for f in _failed(walk([tmp_path / "bad.zip"]))] == ["E102"]


def test_manifest_csv_groups_sides_and_picks_pdf_pages(tmp_path: Path, folder: Path):
    m = tmp_path / "list.csv"
    m.write_text("white,ir,uv,side,document,page\n"
                 f"{SAMPLES / '0001.jpg'},{SAMPLES / '0001.ir.jpg'},,page,,\n"
                 f"{SAMPLES / '0008-front.jpg'},,,front,card8,\n"
                 f"{SAMPLES / '0008-back.jpg'},,,back,card8,\n"
                 f"{folder / 'sub' / 'deeper' / 'scan.pdf'},,,,,2\n"
                 "missing.jpg,,,,,\n", encoding="utf-8")
    items = list(walk([m]))
    units = _units(items)
    assert [len(u.captures) for u in units] == [1, 2, 1]
    assert sorted(units[0].captures[0].parts) == ["ir", "white"]
    assert units[2].captures[0].parts["white"].page == 1
    assert [f.error.code for f in _failed(items)] == ["E102"]
    (tmp_path / "bad.csv").write_text("path\nx.jpg\n")
    assert [f.error.code for f in _failed(walk([tmp_path / "bad.csv"]))] == ["E102"]


# ------------------------------------------------------------------------------------ store


def _record(key: str, **kw) -> dict:
    rec = {"key": key, "source": f"/in/{key}.jpg", "name": key, "status": "done",
           "document_key": key, "side_index": 0, "verdict": "refer to second line",
           "specimen": "UTO/P-2024", "finding_codes": ["TYP001"], "signature": [],
           "scores": [], "issuer": "UTO", "document_code": "P", "document_number": "L898902C3",
           "surname": "ERIKSSON", "given_names": "ANNA", "birth_date": "1974-08-12"}
    rec.update(kw)
    return rec


def test_store_is_done_recheck_and_no_duplicates(tmp_path: Path):
    from docfraud import __version__

    with Store(tmp_path / "out", lock=True) as s:
        assert not s.is_done("a")
        s.add(_record("a"), "UTO/P-2024@v1")
        s.add(_record("a"), "UTO/P-2024@v1")  # the same result twice: still one row
        s.add(_record("b", specimen=None), "library@L1")
        assert s.is_done("a") and s.is_done("b")
        assert s.is_done("a", {"UTO/P-2024": "v1"}, "L1")
        assert not s.is_done("a", {"UTO/P-2024": "v2"}, "L1")  # its specimen changed
        assert s.is_done("b", {"UTO/P-2024": "v2"}, "L1")
        assert not s.is_done("b", {}, "L2")  # the library changed: a specimen may match now
        s.add(_record("a"), "UTO/P-2024@v2")  # re-examined: the old row stays as history
        assert s.count() == 2
        assert s.db.execute("SELECT COUNT(*) FROM results").fetchone()[0] == 3
        s.db.execute("UPDATE results SET docfraud_version = '0.0.0' WHERE key = 'b'")
        assert not s.is_done("b", {"UTO/P-2024": "v2"}, "L1")
        assert s.db.execute("SELECT docfraud_version FROM results WHERE key = 'a' AND current")\
            .fetchone()[0] == __version__
        from docfraud.errors import StoreError

        with pytest.raises(StoreError) as err:
            Store(tmp_path / "out", lock=True)
        assert err.value.code == "E503"
        assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with pytest.raises(StoreError):
        Store(tmp_path / "nothing", create=False)


# ------------------------------------------------------------------------------- watch list


def test_watchlist_format_and_hits(tmp_path: Path):
    wl = tmp_path / "wl.csv"
    wl.write_text("# seized-documents desk\nissuer,document_type,document_number,status,"
                  "reported_on,reference\nUTO,P,l898 902c3,stolen,2026-03-14,case 7\n"
                  "ZZA,,AB123,lost,,\n", encoding="utf-8")
    entries = read_watchlist(wl)
    assert [(e["issuer"], e["document_type"], e["document_number"], e["line"])
            for e in entries] == [("UTO", "P", "L898902C3", 3), ("ZZA", "", "AB123", 4)]
    assert normalise_number("ab<12 3") == "AB123"
    with Store(tmp_path / "out") as s:
        s.add(_record("a"), "x@1")
        s.add(_record("b", document_code="V"), "x@1")  # a visa with that number: not a hit
        s.add(_record("c", issuer="ZZA", document_code="ID", document_number="AB123"), "x@1")
        s.add(_record("d", issuer="ZZA", document_number="AB124"), "x@1")
        load_into(s, entries)
        assert refresh_hits(s) == 2
        hits = s.watch_hits()
        assert set(hits) == {"a", "c"} and hits["a"]["status"] == "stolen"
        from docfraud.batch.export import capture_rows

        rows = {r["key"]: r for r in capture_rows(s, full=True)}
        assert "WAT001" in rows["a"]["finding_codes"].split()
        assert rows["a"]["verdict"] == "refer to second line"
        assert "WAT001" not in rows["b"]["finding_codes"]


@pytest.mark.parametrize("line, what", [
    ("UTOPIA,P,X1,stolen,,", "issuer"), ("UTO,P,X-1,stolen,,", "document_number"),
    ("UTO,P,X1,misplaced,,", "status"), ("UTO,P,X1,lost,14/03/2026,", "reported_on"),
])
def test_watchlist_errors_name_the_line(tmp_path: Path, line: str, what: str):
    wl = tmp_path / "wl.csv"
    wl.write_text(f"issuer,document_type,document_number,status,reported_on,reference\n{line}\n")
    with pytest.raises(WatchlistError) as err:
        read_watchlist(wl)
    assert err.value.code == "E504" and "line 2" in err.value.message and what in \
        err.value.message


# ---------------------------------------------------------------------------------- linkage


def _face(seed: int, shift: tuple[int, int] = (0, 0), scale: float = 1.0) -> np.ndarray:
    """A drawn portrait (the generator's), pasted a little shifted or scaled."""
    from docfraud.synth.portrait import draw_portrait

    w, h = int(110 * scale), int(140 * scale)
    face = cv2.cvtColor(draw_portrait(seed, (w, h)), cv2.COLOR_RGB2BGR)
    canvas = np.full((150, 120, 3), 235, np.uint8)
    y, x = 5 + shift[1], 5 + shift[0]
    hh, ww = min(h, 150 - y), min(w, 120 - x)
    canvas[y:y + hh, x:x + ww] = face[:hh, :ww]
    return canvas


def test_portrait_descriptor_tells_one_photo_from_other_faces():
    """The same photo pasted shifted or scaled stays above the threshold; of the pairs of
    different generated faces, few do (the generator's faces vary little: some are look-alikes
    that differ only by glasses)."""
    from itertools import combinations

    same = [similarity(phash(_face(s)), phash(_face(s, shift, scale)))
            for s in range(100, 112) for shift, scale in (((3, -2), 1.03), ((-2, 2), 0.97))]
    assert min(same) >= L.PORTRAIT_MIN_SIMILARITY
    faces = [phash(_face(s)) for s in range(100, 130)]
    other = [similarity(a, b) for a, b in combinations(faces, 2)]
    assert sum(v >= L.PORTRAIT_MIN_SIMILARITY for v in other) / len(other) < 0.03
    assert sorted(other)[len(other) // 2] < 0.8


def _row(key: str, **kw) -> dict:
    r = {"key": key, "name": key, "source": key, "document_key": key, "issuer": "UTO",
         "document_code": "P", "document_number": None, "surname": key.upper(),
         "given_names": "X", "birth_date": "1990-01-01", "mrz": None, "portrait_hash": None,
         "signature": "[]", "verdict": "refer to second line", "specimen": "UTO/P-2024",
         "report_file": None}
    r.update(kw)
    return r


def test_linkage_kinds():
    sig = [["mrz.glyphs", "mrz", 0.80], ["mrz.pitch_mm", "mrz", 0.18]]
    rows = {r["key"]: r for r in [
        _row("a", document_number="X1"), _row("b", document_number="X1"),
        _row("c", document_number="X2"), _row("c2", document_number="X2", surname="C"),
        _row("d", mrz="P<UTO...", document_key="doc1"),
        _row("d2", mrz="P<UTO...", document_key="doc1"),  # the other side of one document
        _row("e", mrz="P<UTOE", document_key="e"), _row("f", mrz="P<UTOE", document_key="f"),
        _row("p1", portrait_hash=phash(_face(5))),
        _row("p2", portrait_hash=phash(_face(5, (2, 2), 0.97))),
        _row("p3", portrait_hash=phash(_face(6))),
        _row("s1", signature=json.dumps(sig)),
        _row("s2", signature=json.dumps([["mrz.glyphs", "mrz", 0.83],
                                         ["mrz.pitch_mm", "mrz", 0.19],
                                         ["viz.text", "document_number", 0.5]])),
        _row("s3", signature=json.dumps([["mrz.glyphs", "mrz", 0.82],
                                         ["mrz.pitch_mm", "mrz", 0.45]])),
    ]}
    rows["c2"]["surname"] = "C"  # "c" and "c2": one holder, one number: no link
    rows["c"]["surname"] = "C"
    assert [g.members for g in L.by_document_number(rows)] == [["a", "b"]]
    assert [g.members for g in L.by_mrz(rows)] == [["e", "f"]]
    assert [g.members for g in L.by_portrait(rows)] == [["p1", "p2"]]
    assert [g.members for g in L.by_signature(rows)] == [["s1", "s2"]]


def test_graph_has_capture_and_group_nodes():
    rows = {k: _row(k, document_number="X1") for k in ("a", "b", "c")}
    groups = L.by_document_number(rows)
    groups[0].id = "G1"
    g = L.graph(groups, rows)
    assert g.nodes["G1"]["kind"] == "document_number" and g.degree("G1") == 3
    assert {d["type"] for _, d in g.nodes(data=True)} == {"group", "capture"}


def test_device_from_manifest_or_option_is_part_of_the_key(tmp_path):
    """A capture's device (scanner or camera) changes what is checked, so it is part of the
    capture's key; --device fills in captures whose manifest does not say."""
    img = tmp_path / "a.jpg"
    cv2.imwrite(str(img), np.full((40, 60, 3), 200, np.uint8))
    (tmp_path / "m.capture.toml").write_text('white = "a.jpg"\ndevice = "scanner"\n')
    units = [u for u in walk([tmp_path / "m.capture.toml"]) if isinstance(u, Unit)]
    assert units[0].captures[0].device == "scanner"
    assert load_capture_spec(units[0].captures[0]).device == "scanner"
    plain = [u for u in walk([img]) if isinstance(u, Unit)][0]
    assert plain.captures[0].device is None
    assert plain.with_device(None) is plain
    cam = plain.with_device("camera")
    assert cam.captures[0].device == "camera" and cam.keys != plain.keys
    assert units[0].with_device("camera").captures[0].device == "scanner"  # the manifest's


def test_manifest_csv_device_column(tmp_path):
    img = tmp_path / "a.jpg"
    cv2.imwrite(str(img), np.full((40, 60, 3), 200, np.uint8))
    (tmp_path / "m.csv").write_text("white,device\na.jpg,scanner\na.jpg,\na.jpg,telescope\n")
    items = list(walk([tmp_path / "m.csv"]))
    units = [u for u in items if isinstance(u, Unit)]
    assert [u.captures[0].device for u in units] == ["scanner", None]
    bad = [f for f in items if isinstance(f, Failed)]
    assert len(bad) == 1 and "device" in bad[0].error.message
