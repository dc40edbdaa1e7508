"""Plain data of an examination: check results, coverage, verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from docfraud.compare.result import CheckResult, Status  # noqa: F401 (re-exported)
from docfraud.findings import Finding

NO_ANOMALIES = "no anomalies found in the checks that ran"
REFER = "refer to second line"
STRONG = "strong indicators of forgery"
VERDICTS = (NO_ANOMALIES, REFER, STRONG)


@dataclass
class Examination:
    """Everything an examination found about one capture."""

    name: str
    verdict: str
    reasons: list[str]
    findings: list[Finding]
    checks: list[CheckResult]
    mrz: Any = None  # docfraud.mrz.MRZ, or None when no MRZ was read
    reading: Any = None  # the MRZ reading from the image
    specimen: str | None = None
    side: str | None = None
    alignment: dict[str, Any] | None = None
    lights: tuple[str, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    capture_quality: dict[str, Any] = field(default_factory=dict)
    measurements: dict[str, float] = field(default_factory=dict)
    #: the capture warped into the reference's frame, and the reference, per light (for reports)
    images: dict[str, Any] = field(default_factory=dict, repr=False)
    reference: dict[str, Any] = field(default_factory=dict, repr=False)
    homography: Any = field(default=None, repr=False)

    def coverage(self) -> dict[str, list[dict[str, Any]]]:
        """Checks by outcome: what ran and passed, failed, or did not run and why."""
        out: dict[str, list[dict[str, Any]]] = {"passed": [], "failed": [], "not_run": []}
        for c in self.checks:
            out[c.status].append(c.to_dict())
        return out
