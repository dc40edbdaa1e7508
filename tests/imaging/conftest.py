"""Shared fixtures for the imaging tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from docfraud.imaging.synth import SAMPLE_TD3, make_document

REAL_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "mrz-real"


@pytest.fixture(scope="session")
def reader():
    from docfraud.imaging.reader import MRZReader

    return MRZReader()


@pytest.fixture(scope="session")
def td3_document() -> np.ndarray:
    return make_document(SAMPLE_TD3)


@pytest.fixture
def real_data() -> Path:
    if not (REAL_DATA / "ground_truth.json").exists():
        pytest.skip(f"real MRZ images not available: {REAL_DATA} is absent (it lives in ../shared/data)")
    return REAL_DATA
