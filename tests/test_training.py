"""The training kit: workshop sets, the leak check, answer files, scoring and comparison."""

from __future__ import annotations

import json
import random
import re
import shutil
import struct
import zlib
from pathlib import Path

import pytest

from docfraud.cli import main
from docfraud.errors import (AnswerFileError, AnswerKeyError, HintLeakError, UsageError,
                             WorkshopFolderError)
from docfraud.examine.model import VERDICTS
from docfraud.specimens import Library
from docfraud.training import load_key, make_workshop
from docfraud.training.answers import read_answers
from docfraud.training.leaks import check_trainee_folder, jpeg_metadata, png_metadata
from docfraud.training.scoring import score
from docfraud.training.sheets import find_chromium, html_to_pdf, numbered_types
from docfraud.training.workshop import plan


@pytest.fixture(scope="module")
def workshop(tmp_path_factory) -> tuple[Path, dict]:
    """A small set examined by docfraud: 4 items, 3 forged (reader and scan captures)."""
    out = tmp_path_factory.mktemp("ws") / "set"
    key = make_workshop(out, count=4, forgery_rate=0.75, difficulty="easy", seed=11,
                        captures=["reader", "scan"], pdf=False)
    return out, key


def test_set_layout_and_answer_key(workshop):
    out, key = workshop
    assert (out / "trainee" / "worksheet.html").is_file()
    assert (out / "trainee" / "answers-template.csv").is_file()
    assert (out / "trainer" / "trainer-sheet.html").is_file()
    assert load_key(out)["items"] == key["items"]  # the folder finds its key
    assert [it["item"] for it in key["items"]] == ["01", "02", "03", "04"]
    assert sum(it["truth"] == "forged" for it in key["items"]) == 3
    lib = Library()
    for it in key["items"]:
        for side in it["files"].values():
            for rel in side.values():
                assert (out / rel).is_file()
                assert re.fullmatch(r"trainee/images/\d\d(-front|-back)?(\.ir|\.uv)?\.jpg", rel)
        df = it["docfraud"]
        assert df["verdict"] in VERDICTS and "genuine" not in df["verdict"]
        assert df["flagged"] == (df["verdict"] != VERDICTS[0])
        if it["truth"] == "forged":
            spec = lib.get(it["specimen"])
            assert it["regions"], it
            for r in it["regions"]:
                assert spec.zone(r["id"]).label == r["label"]
            assert it["look_at"] and all(": " in x for x in it["look_at"])
            assert 0.65 <= it["strength"] <= 1.0  # easy
            assert (out / it["note"]["picture"]).is_file()
            assert it["note"]["text"]
        else:
            assert it["forgery_type"] is None and it["regions"] == []
    # the trainee's template lists every item and no answer
    lines = (out / "trainee" / "answers-template.csv").read_text().splitlines()
    assert lines[0] == "trainee,item,verdict,forgery_type,region,notes"
    assert [line.split(",")[1] for line in lines[1:]] == ["01", "02", "03", "04"]
    # the trainer sheet names every item's truth; the worksheet none
    trainer = (out / "trainer" / "trainer-sheet.html").read_text()
    worksheet = (out / "trainee" / "worksheet.html").read_text()
    for it in key["items"]:
        if it["forgery_title"]:
            assert it["forgery_title"] in trainer
    assert worksheet.count('<tr class="item"') == 4


def _copy(workshop, tmp_path) -> Path:
    out, _ = workshop
    dst = tmp_path / "trainee"
    shutil.copytree(out / "trainee", dst)
    return dst


def test_leak_check_passes_on_a_set_and_catches_metadata(workshop, tmp_path):
    out, key = workshop
    check_trainee_folder(out / "trainee", key)  # what make_workshop ran, run again
    folder = _copy(workshop, tmp_path)
    img = next((folder / "images").glob("*.jpg"))
    data = img.read_bytes()
    assert jpeg_metadata(data) == []
    exif = b"Exif\x00\x00" + b"ImageDescription=portrait_substitution"
    img.write_bytes(data[:2] + b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif + data[2:])
    with pytest.raises(HintLeakError) as err:
        check_trainee_folder(folder, key)
    assert err.value.code == "E704" and "APP1" in err.value.message
    assert "portrait_substitution" in err.value.message


def test_leak_check_catches_png_text_names_and_worksheet_rows(workshop, tmp_path):
    _, key = workshop
    folder = _copy(workshop, tmp_path)
    chunk = b"tEXt" + b"Comment\x00forged"
    png = (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(chunk) - 4) + chunk
           + struct.pack(">I", zlib.crc32(chunk)) + b"\x00\x00\x00\x00IEND\xaeB`\x82")
    assert png_metadata(png) == ["tEXt chunk"]
    (folder / "images" / "09.png").write_bytes(png)
    first = next((folder / "images").glob("01*.jpg"))
    first.rename(first.with_name("01-reprint.jpg"))
    ws = folder / "worksheet.html"
    ws.write_text(ws.read_text().replace('<td class="blank"></td>',
                                         '<td class="blank">Counterfeit reprint</td>', 1))
    with pytest.raises(HintLeakError) as err:
        check_trainee_folder(folder, key)
    msg = err.value.message
    assert "tEXt chunk" in msg and "01-reprint.jpg" in msg and "names reprint" in msg


def test_plan_is_exact_balanced_and_puts_ir_uv_on_the_reader():
    p = plan(20, 0.5, ["uv_failure", "reprint", "mrz_font", "ir_failure"],
             ["UTO/P-2024", "ZZA/ID-2023"], ["scan", "phone", "reader"], random.Random(4))
    forged = [x for x in p if x["forgery"]]
    assert len(forged) == 10
    counts = {t: sum(x["forgery"] == t for x in forged) for t in
              ("uv_failure", "reprint", "mrz_font", "ir_failure")}
    assert max(counts.values()) - min(counts.values()) <= 1
    assert all(x["capture"] == "reader" for x in forged if x["forgery"] in ("uv_failure",
                                                                            "ir_failure"))
    assert {x["specimen"] for x in p} == {"UTO/P-2024", "ZZA/ID-2023"}
    again = plan(20, 0.5, ["uv_failure", "reprint", "mrz_font", "ir_failure"],
                 ["UTO/P-2024", "ZZA/ID-2023"], ["scan", "phone", "reader"], random.Random(4))
    assert again == p


def test_bad_options_and_folders(tmp_path):
    with pytest.raises(UsageError, match="reader"):
        make_workshop(tmp_path / "a", count=2, forgeries=["uv_failure"], captures=["scan"])
    with pytest.raises(UsageError, match="difficulty"):
        make_workshop(tmp_path / "b", count=2, difficulty="brutal")
    with pytest.raises(UsageError, match="count"):
        make_workshop(tmp_path / "c", count=0)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "old.txt").write_text("x")
    with pytest.raises(WorkshopFolderError) as err:
        make_workshop(tmp_path / "full", count=1)
    assert err.value.code == "E703"


def _answers(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _perfect(key: dict, trainee: str = "Ana", sep: str = ",") -> str:
    types = numbered_types(key)
    rows = [sep.join(["trainee", "item", "verdict", "forgery_type", "region", "notes"])]
    for it in key["items"]:
        if it["truth"] == "forged":
            rows.append(sep.join([trainee, it["item"].lstrip("0"), "forged",
                                  str(types.index(it["forgery_type"]) + 1),
                                  it["regions"][0]["label"], "seen"]))
        else:
            rows.append(sep.join([trainee, it["item"], "genuine", "", "", ""]))
    return "\n".join(rows) + "\n"


def test_scores_a_perfect_and_a_careless_trainee(workshop, tmp_path):
    _, key = workshop
    perfect = _answers(tmp_path, "a.csv", _perfect(key))
    forged = [it["item"] for it in key["items"] if it["truth"] == "forged"]
    genuine = [it["item"] for it in key["items"] if it["truth"] == "genuine"]
    # Bo (file name as trainee, semicolons, a BOM) calls everything genuine but one genuine item
    rows = ["item;verdict"] + [f"{i};{'forged' if i == genuine[0] else 'g'}"
                               for i in forged + genuine]
    bo = tmp_path / "Bo.csv"
    bo.write_bytes(("\ufeff" + "\n".join(rows) + "\n").encode("utf-8"))
    result = score(key, read_answers([perfect, bo], key))
    ana, b = result["trainees"]["Ana"], result["trainees"]["Bo"]
    assert ana["accuracy"] == 1.0 and ana["missed"] == [] and ana["false_alarms"] == []
    assert ana["type_accuracy"] == 1.0 and ana["region_accuracy"] == 1.0
    assert b["found"] == 0 and b["missed"] == forged and b["false_alarms"] == [genuine[0]]
    assert b["accuracy"] == 0.0 and b["region_accuracy"] is None
    for t, row in result["by_type"].items():
        if t != "genuine":
            assert row["right_rate"] == 0.5  # Ana found it, Bo did not
    assert result["by_type"]["genuine"]["right_rate"] == 0.5


def test_region_by_feature_name_counts_for_its_ir_zone(workshop):
    from docfraud.training.answers import truth_names

    regions = [{"id": "surname_ir", "label": "Surname (IR-absorbing)", "kind": "ir_visible"}]
    assert "surname" in truth_names(regions) and "surname_ir" in truth_names(regions)
    assert "portrait" not in truth_names(regions)


def test_malformed_answer_files_get_line_numbered_errors(workshop, tmp_path):
    _, key = workshop
    bad = _answers(tmp_path, "bad.csv", "trainee,item,verdict,forgery_type,region\n"
                   "Ana,01,maybe,,\n"          # line 2: bad verdict
                   "Ana,77,genuine,,\n"        # line 3: no such item
                   "Ana,02,forged,42,\n"       # line 4: no such type number
                   "Ana,03,forged,1,elbow\n"   # line 5: no such region
                   "\n"
                   "Ana,04,genuine,,\n"
                   "Ana,4,forged,,\n")         # line 8: answered twice
    nocol = _answers(tmp_path, "nocol.csv", "name,answer_x\nAna,genuine\n")
    with pytest.raises(AnswerFileError) as err:
        read_answers([bad, nocol], key)
    msg = err.value.message
    assert err.value.code == "E701"
    assert "bad.csv line 2: verdict 'maybe'" in msg
    assert "bad.csv line 3: item '77' is not in this set (items 01 to 04)" in msg
    assert "bad.csv line 4: forgery type '42'" in msg
    assert "bad.csv line 5: region 'elbow'" in msg
    assert "bad.csv line 8: item 04 answered twice by Ana" in msg
    assert "nocol.csv line 1: no column item or verdict" in msg
    latin = tmp_path / "latin.csv"
    latin.write_bytes("item,verdict\n1,genuine \xe9\n".encode("latin-1"))
    with pytest.raises(AnswerFileError, match="not UTF-8"):
        read_answers([latin], key)


def test_compare_scores_docfraud_from_the_key(workshop, tmp_path):
    _, key = workshop
    result = score(key, read_answers([_answers(tmp_path, "a.csv", _perfect(key))], key),
                   with_docfraud=True)
    df = result["docfraud"]
    flagged = [it["item"] for it in key["items"] if it["docfraud"]["flagged"]]
    forged = [it["item"] for it in key["items"] if it["truth"] == "forged"]
    assert df["found"] == len(set(flagged) & set(forged))
    assert df["false_alarms"] == [i for i in flagged if i not in forged]
    assert df["type_accuracy"] is None
    for row in result["per_item"]:
        assert row["docfraud_right"] == ((row["item"] in flagged) == (row["item"] in forged))
    no_exam = dict(key, docfraud_examined=False)
    with pytest.raises(AnswerKeyError):
        score(no_exam, {}, with_docfraud=True)


def test_load_key_errors(tmp_path):
    (tmp_path / "a.json").write_text("{not json")
    (tmp_path / "b.json").write_text(json.dumps({"format": "something else"}))
    (tmp_path / "c.json").write_text(json.dumps({"format": "docfraud-training-key",
                                                 "version": 99, "items": []}))
    for name, what in (("a.json", "not JSON"), ("b.json", "not a docfraud"),
                       ("c.json", "newer"), ("none.json", "no such")):
        with pytest.raises(AnswerKeyError, match=what) as err:
            load_key(tmp_path / name)
        assert err.value.code == "E702"


def test_cli_make_set_score_and_compare(workshop, tmp_path, capsys):
    out = tmp_path / "cli-set"
    rc = main(["training", "make-set", "--out", str(out), "--count", "2", "--forgery-rate",
               "0.5", "--difficulty", "hard", "--seed", "5", "--captures", "scan",
               "--no-examine", "--no-pdf", "--quiet"])
    assert rc == 0
    key = load_key(out / "trainer" / "answer-key.json")
    assert all(it["strength"] <= 0.35 for it in key["items"] if it["strength"] is not None)
    assert key["left_out_types"] == ["uv_failure", "ir_failure"]
    assert "wrote 2 documents (1 forged)" in capsys.readouterr().out
    answers = _answers(tmp_path, "class.csv", _perfect(key, "Cy"))
    assert main(["training", "score", str(out), str(answers)]) == 0
    html = (out / "trainer" / "class-summary.html").read_text()
    assert "<svg" in html and "Cy" in html
    assert main(["training", "compare", str(out)]) == 2  # not examined: nothing to compare
    assert "E702" in capsys.readouterr().err
    bad = _answers(tmp_path, "bad.csv", "item,verdict\n1,perhaps\n")
    assert main(["training", "score", str(out), str(bad)]) == 2
    err = re.sub(r"\s+", "", capsys.readouterr().err)  # the console wraps long paths
    assert "E701" in err and "bad.csvline2:verdict'perhaps'" in err
    ws_out, _ = workshop
    assert main(["training", "compare", str(ws_out), "--out", str(tmp_path / "cmp")]) == 0
    assert "docfraud" in (tmp_path / "cmp" / "compare.html").read_text()


@pytest.mark.skipif(find_chromium() is None, reason="no headless Chromium: HTML only")
def test_worksheet_prints_to_pdf(workshop, tmp_path):
    out, _ = workshop
    src = tmp_path / "worksheet.html"
    shutil.copy(out / "trainee" / "worksheet.html", src)
    pdf = html_to_pdf(src)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    box = re.search(rb"/MediaBox ?\[0 0 ([\d.]+) ([\d.]+)\]", data)
    assert box and abs(float(box[1]) - 595) < 1 and abs(float(box[2]) - 842) < 1  # A4 in pt
