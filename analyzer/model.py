"""The report's data model: one schema version, frozen dataclasses, plain-JSON conversion.

One name per concept: a *check* produces a *result*; a result that is not a pass is a *finding*;
*evidence* points at a path and line; a *scan note* records something the scan itself could not
read (a file over the size bound, a cap that was hit, a refused `.git`).
"""
from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = "1.0"


class Area(str, enum.Enum):
    """The four areas a report scores."""

    README = "readme"
    REPRODUCIBILITY = "reproducibility"
    METRICS = "metrics"
    QUALITY = "quality"


AREA_TITLES = {
    Area.README: "README clarity",
    Area.REPRODUCIBILITY: "Reproducibility",
    Area.METRICS: "Metric reporting",
    Area.QUALITY: "Code quality",
}


class Status(str, enum.Enum):
    """What a check concluded."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"
    ERROR = "error"


class Severity(str, enum.Enum):
    """How much a finding hurts in front of a panel."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True, kw_only=True)
class Evidence:
    """Where a result comes from: a repository-relative path, optionally a line and an excerpt.

    In a notebook (`.ipynb`), `line` is the 1-based cell number, not a line of the JSON file.
    """

    path: str
    line: int | None = None
    excerpt: str | None = None

    @property
    def in_notebook(self) -> bool:
        return self.path.lower().endswith(".ipynb")

    def location(self) -> str:
        """`path:line`, `notebook.ipynb, cell N`, or the path alone."""
        if not self.line:
            return self.path
        return f"{self.path}, cell {self.line}" if self.in_notebook else f"{self.path}:{self.line}"


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """What a check function returns; the engine adds the check's metadata to make a result."""

    status: Status
    message: str
    evidence: tuple[Evidence, ...] = ()
    fix: str | None = None
    talking_point: str | None = None
    question: str | None = None

    @classmethod
    def passed(cls, message: str, *, evidence: tuple[Evidence, ...] | list[Evidence] = (),
               talking_point: str | None = None) -> "Outcome":
        return cls(status=Status.PASS, message=message, evidence=tuple(evidence),
                   talking_point=talking_point)

    @classmethod
    def failed(cls, message: str, *, fix: str, evidence: tuple[Evidence, ...] | list[Evidence] = (),
               talking_point: str | None = None, question: str | None = None) -> "Outcome":
        return cls(status=Status.FAIL, message=message, fix=fix, evidence=tuple(evidence),
                   talking_point=talking_point, question=question)

    @classmethod
    def warned(cls, message: str, *, fix: str, evidence: tuple[Evidence, ...] | list[Evidence] = (),
               talking_point: str | None = None, question: str | None = None) -> "Outcome":
        return cls(status=Status.WARN, message=message, fix=fix, evidence=tuple(evidence),
                   talking_point=talking_point, question=question)

    @classmethod
    def skipped(cls, reason: str) -> "Outcome":
        return cls(status=Status.SKIP, message=reason)


@dataclass(frozen=True, kw_only=True)
class CheckResult:
    """One check's result in a report."""

    id: str
    area: Area
    title: str
    severity: Severity
    weight: int
    status: Status
    message: str
    evidence: tuple[Evidence, ...] = ()
    fix: str | None = None
    talking_point: str | None = None
    question: str | None = None
    points: float = 0.0  # how much the overall score rises if this finding is fixed

    @property
    def is_finding(self) -> bool:
        return self.status in (Status.FAIL, Status.WARN)


@dataclass(frozen=True, kw_only=True)
class ScanNote:
    """Something the scan could not read fully: a bound that was hit or an input that was refused."""

    kind: str  # e.g. "file-too-large", "file-cap", "git-refused"
    message: str
    path: str | None = None


@dataclass(frozen=True, kw_only=True)
class TalkingPoint:
    """What to say in the interview, or what the panel may ask, with where its facts came from."""

    kind: str  # "walkthrough" | "question" | "gap"
    text: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Scores:
    """Integer scores 0–100 per area that had applicable checks, and overall."""

    areas: dict[str, int]
    overall: int


@dataclass(frozen=True, kw_only=True)
class Report:
    """Everything one scan produced."""

    tool_version: str
    repo_root: str
    commit: str | None
    facts: dict[str, Any]
    scores: Scores
    checks: tuple[CheckResult, ...]
    talking_points: tuple[TalkingPoint, ...]
    scan_notes: tuple[ScanNote, ...] = field(default_factory=tuple)
    ignored: dict[str, str] = field(default_factory=dict)  # check id -> reason
    fail_under: int | None = None  # the effective threshold (CLI over [tool.portcheck])
    fail_under_area: dict[str, int] = field(default_factory=dict)  # area -> effective threshold, likewise

    def findings(self) -> list[CheckResult]:
        return [r for r in self.checks if r.is_finding]

    def top_fixes(self, n: int = 3) -> list[CheckResult]:
        """The findings whose fix gains the most points, most first (ties by id)."""
        ranked = sorted(self.findings(), key=lambda r: (-r.points, r.id))
        return ranked[:n]


def to_plain(value: Any) -> Any:
    """Dataclasses, enums, tuples and dicts to JSON-ready values, omitting None fields."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for f in dataclasses.fields(value):
            v = getattr(value, f.name)
            if v is None:
                continue
            out[f.name] = to_plain(v)
        return out
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    return value
