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

SCHEMA_VERSION = "1.1"  # 1.1 added results and readme_suggestions, and talking point details


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


WALKTHROUGH_STEPS: dict[str, str] = {
    "problem": "Problem",
    "data": "Data",
    "baseline": "Baseline",
    "models": "Models tried",
    "validation": "Validation",
    "results": "Results",
    "trade_offs": "Trade-offs",
    "impact": "Business impact",
    "limitations": "Limitations and next steps",
}


@dataclass(frozen=True, kw_only=True)
class TalkingPoint:
    """What to say in the interview, or what the panel may ask, with where its facts came from.

    kind "walkthrough": one step of the walkthrough (`topic` is a key of `WALKTHROUGH_STEPS`, `title` its
    heading, `minutes` the time to give it); `shown` says whether the repository shows the step, and
    `fix` what to add when it does not (or not fully).
    kind "question": a question the panel is likely to ask (`title`); `topic` is the trigger's id, `text`
    the reason it will come up in this repository, `answer` what a strong answer covers.
    kind "gap": a story gap ranked by what it costs in an interview; `topic` its id, `text` the gap and
    its cost, `fix` the smallest change that closes it.
    """

    kind: str  # "walkthrough" | "question" | "gap"
    text: str
    evidence: tuple[Evidence, ...] = ()
    topic: str | None = None
    title: str | None = None
    minutes: int | None = None
    shown: bool | None = None
    answer: str | None = None
    fix: str | None = None


@dataclass(frozen=True, kw_only=True)
class ResultRow:
    """One model or run in the results at a glance: its label and the metric values it reports."""

    label: str                              # the model or run name as the repository writes it
    source: str                             # "readme" | "notebook" | "runs"
    values: tuple[tuple[str, str], ...]     # (canonical metric name, value as written), in `metrics` order
    evidence: Evidence                      # the README row, notebook cell or run folder
    run_id: str | None = None               # for a tracked run
    baseline: bool = False                  # the repository names this row a baseline

    def value(self, metric: str) -> str | None:
        return next((v for m, v in self.values if m == metric), None)


@dataclass(frozen=True, kw_only=True)
class ResultsAtAGlance:
    """The metrics the project reports, per model or run, and baseline against best on one metric.

    `primary` is the metric the comparison uses (None when no metric has a number in two rows);
    `baseline` and `best` index `rows`; `runs_tried` counts every tracked run, also those not listed.
    """

    metrics: tuple[str, ...]
    rows: tuple[ResultRow, ...]
    primary: str | None = None
    higher_is_better: bool = True
    baseline: int | None = None
    best: int | None = None
    runs_tried: int = 0


@dataclass(frozen=True, kw_only=True)
class ReadmeSuggestion:
    """A README section generated from the facts, for the candidate to paste."""

    section: str                             # its heading, e.g. "Setup"
    markdown: str                            # the section's Markdown, heading included
    reason: str                              # why it is suggested (what the README lacks)
    evidence: tuple[Evidence, ...] = ()      # the files its content came from


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
    results: ResultsAtAGlance | None = None
    readme_suggestions: tuple[ReadmeSuggestion, ...] = ()

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
