"""Shared test fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
MRZ_REAL = SHARED / "mrz-real"


@pytest.fixture(scope="session")
def mrz_real_truth() -> list[dict]:
    """The hand-checked ground truth of ../shared/data/mrz-real (skips where absent)."""
    path = MRZ_REAL / "ground_truth.json"
    if not path.exists():
        pytest.skip(f"real MRZ data not found at {path}: these tests need ../shared/data/mrz-real "
                    "beside the repository (CI has it)")
    return json.loads(path.read_text(encoding="utf-8"))
