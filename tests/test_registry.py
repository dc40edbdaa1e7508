"""The finding-code registry, its generated page, and the error codes."""

from __future__ import annotations

import re
from pathlib import Path

from docfraud import findings
from docfraud.errors import all_error_classes

ROOT = Path(__file__).resolve().parents[1]


def test_docs_findings_page_is_generated_from_the_registry():
    page = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")
    assert page == findings.render_markdown(), \
        "docs/findings.md is stale: run ./dev docs"


def test_every_code_used_in_the_source_is_registered():
    used = set()
    for path in (ROOT / "docfraud").rglob("*.py"):
        used |= set(re.findall(r'make\(\s*"([A-Z]{3}\d{3})"', path.read_text(encoding="utf-8")))
        used |= set(re.findall(r'"(MRZ\d{3})"', path.read_text(encoding="utf-8")))
    missing = used - set(findings.REGISTRY)
    assert not missing, f"codes used but not registered: {sorted(missing)}"


def test_registry_entries_are_complete():
    for spec in findings.REGISTRY.values():
        assert re.fullmatch(r"[A-Z]{2,3}\d{3}", spec.code)
        assert spec.severity in findings.SEVERITIES and spec.basis in findings.BASES
        assert spec.title and spec.look_at and spec.description and spec.reference


def test_error_codes_are_unique_and_well_formed():
    codes = [cls.code for cls in all_error_classes()]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"E\d{3}", c) for c in codes)


def test_every_mrz_rule_code_is_exercised_by_a_test():
    """Each MRZ finding code appears in a test, so every rule has at least one failing case."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("test_*.py")
                     if p.name != "test_registry.py")
    missing = [c for c in findings.REGISTRY if c.startswith("MRZ") and f'"{c}"' not in text]
    assert not missing, f"finding codes no test exercises: {missing}"


def test_docs_errors_page_is_generated():
    from docfraud import errors

    page = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    assert page == errors.render_markdown(), "docs/errors.md is stale: run ./dev docs"
