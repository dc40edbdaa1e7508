"""Every teaching notebook in notebooks/ runs top to bottom and draws its pictures."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="the notebooks need the dev extra")
nbclient = pytest.importorskip("nbclient", reason="the notebooks need the dev extra")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
#: Set DOCFRAUD_NOTEBOOK_OUT to a folder to keep the executed notebooks and their pictures.
KEEP = os.environ.get("DOCFRAUD_NOTEBOOK_OUT")


def test_the_source_writes_the_notebooks_as_committed(tmp_path):
    """notebooks/build.py is the source: the committed .ipynb files are what it writes."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("nb_build", NOTEBOOKS / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    for name, cells in build.NOTEBOOKS.items():
        written = build.notebook(cells)
        committed = nbformat.read(NOTEBOOKS / name, as_version=4)
        assert [c.source for c in committed.cells] == [c.source for c in written.cells], \
            f"{name} is stale: run python notebooks/build.py"


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_notebook_runs(path, tmp_path, monkeypatch):
    monkeypatch.setenv("DOCFRAUD_TRIAGE_DIR", str(tmp_path))  # notebook 4's work folder
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError on any failing cell
    pictures = [o["data"]["image/png"] for c in nb.cells if c.cell_type == "code"
                for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert pictures, f"{path.name} drew no picture"
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    if KEEP:
        out = Path(KEEP)
        out.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out / path.name)
        for i, png in enumerate(pictures):
            (out / f"{path.stem}-{i}.png").write_bytes(base64.b64decode(png))
