"""The outcome of one check (shared by the checks and the examination above them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from docfraud.findings import Finding

Status = Literal["passed", "failed", "not_run"]

#: The unit of a failure's margin for checks whose thresholds sit near zero (a difference of
#: correlations), where the threshold's own distance from zero would make any miss look far.
MARGIN_SCALE = {"viz.chars": 0.25}


@dataclass
class CheckResult:
    """One check on one zone (or the whole page): its measured score, the threshold it was held
    to, and the outcome. ``direction`` says which side passes: ``min`` (score >= threshold) or
    ``max`` (score <= threshold)."""

    check: str
    zone: str | None
    status: Status
    score: float | None = None
    threshold: float | None = None
    direction: str = "min"
    reason: str = ""
    finding: Finding | None = None
    side: str | None = None
    calibrated: bool = False

    @property
    def margin(self) -> float | None:
        """How far past the threshold the score is, in units of the threshold's distance from
        zero or of the check's MARGIN_SCALE (positive: failed by that much)."""
        if self.score is None or self.threshold is None:
            return None
        scale = MARGIN_SCALE.get(self.check) or abs(self.threshold) or 1.0
        return ((self.threshold - self.score) if self.direction == "min"
                else (self.score - self.threshold)) / scale

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"check": self.check, "zone": self.zone, "side": self.side,
                               "status": self.status}
        if self.score is not None:
            out["score"] = round(float(self.score), 4)
        if self.threshold is not None:
            out["threshold"] = round(float(self.threshold), 4)
            out["direction"] = self.direction
            out["calibrated"] = self.calibrated
        if self.reason:
            out["reason"] = self.reason
        if self.finding is not None:
            out["finding"] = self.finding.code
        return out
