"""What every human-facing renderer shows the same way: readiness levels, area rows, groupings, labels.

Renderers (terminal, HTML, Markdown) only lay these out; the wording and the ordering live here once.
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from typing import Any

from ..analyzer.model import AREA_TITLES, Area, CheckResult, Report, Severity, Status, TalkingPoint

# (lowest score, level name, css/ansi tone); first match from the top wins.
_LEVELS: tuple[tuple[int, str, str], ...] = (
    (85, "Ready to show", "good"),
    (70, "Almost there", "fair"),
    (50, "Needs work", "poor"),
    (0, "Not ready yet", "bad"),
)

STATUS_LABELS: dict[Status, str] = {
    Status.FAIL: "FAIL",
    Status.WARN: "WARN",
    Status.PASS: "PASS",
    Status.SKIP: "SKIP",
    Status.ERROR: "ERROR",
}

TALKING_POINT_KINDS: dict[str, str] = {
    "walkthrough": "Your walkthrough",
    "question": "Questions a panel is likely to ask",
    "gap": "Gaps worth fixing before the interview",
}

_SEVERITY_RANK = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}
_FINDING_STATUS_RANK = {Status.FAIL: 0, Status.WARN: 1}
# C0/C1 controls (ESC included) and bidirectional overrides, which can disguise terminal text.
_CONTROL_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True, kw_only=True)
class Readiness:
    """A score's readiness level: its name and a tone renderers map to a colour."""

    name: str
    tone: str  # "good" | "fair" | "poor" | "bad"


@dataclass(frozen=True, kw_only=True)
class AreaRow:
    """One area's score line; `score` is None when no check of the area applied."""

    area: Area
    title: str
    score: int | None

    @property
    def score_text(self) -> str:
        return "n/a" if self.score is None else str(self.score)


@dataclass(frozen=True, kw_only=True)
class AreaSection:
    """An area's results split the way a reader wants them: findings first, then the rest."""

    area: Area
    title: str
    score: int | None
    findings: tuple[CheckResult, ...]
    errors: tuple[CheckResult, ...]
    passed: tuple[CheckResult, ...]
    skipped: tuple[CheckResult, ...]


@dataclass(frozen=True, kw_only=True)
class TalkingPointGroup:
    """The talking points of one kind, under that kind's heading."""

    kind: str
    title: str
    points: tuple[TalkingPoint, ...]


@dataclass(frozen=True, kw_only=True)
class Counts:
    """How many results of each kind a report holds."""

    findings: int
    passed: int
    skipped: int
    errors: int


def readiness(score: int) -> Readiness:
    """The readiness level of an overall (or area) score 0–100."""
    name, tone = next(((n, t) for lowest, n, t in _LEVELS if score >= lowest), _LEVELS[-1][1:])
    return Readiness(name=name, tone=tone)


def repo_name(repo_root: str) -> str:
    """The repository's folder name: the basename of its root (as this platform spells paths)."""
    return os.path.basename(os.path.normpath(repo_root)) or repo_root


def short_commit(commit: str | None, length: int = 7) -> str | None:
    """A commit id shortened the way `git log --oneline` shows it."""
    return commit[:length] if commit else None


def points_text(points: float) -> str:
    """A finding's score gain, rounded for display: `+12 pts`, `+1 pt`, `+<1 pt`, or `+0 pts`."""
    if not math.isfinite(points) or points <= 0:
        return "+0 pts"
    rounded = round(points)
    if rounded == 0:
        return "+<1 pt"
    return "+1 pt" if rounded == 1 else f"+{rounded} pts"


def area_rows(report: Report) -> list[AreaRow]:
    """One row per area in the fixed area order, `n/a` where no check applied."""
    return [AreaRow(area=area, title=AREA_TITLES[area], score=report.scores.areas.get(area.value))
            for area in Area]


def finding_order(result: CheckResult) -> tuple[int, int]:
    """Sort key for findings: fail before warn, then high severity first."""
    return (_FINDING_STATUS_RANK.get(result.status, 2), _SEVERITY_RANK.get(result.severity, 3))


def area_sections(report: Report) -> list[AreaSection]:
    """Every area that has at least one result, in the fixed area order."""
    sections = []
    for row in area_rows(report):
        results = [r for r in report.checks if Area(r.area) is row.area]
        if not results:
            continue
        sections.append(AreaSection(
            area=row.area, title=row.title, score=row.score,
            findings=tuple(sorted((r for r in results if r.is_finding), key=finding_order)),
            errors=tuple(r for r in results if r.status is Status.ERROR),
            passed=tuple(r for r in results if r.status is Status.PASS),
            skipped=tuple(r for r in results if r.status is Status.SKIP),
        ))
    return sections


def talking_point_groups(report: Report) -> list[TalkingPointGroup]:
    """Talking points grouped by kind: walkthrough, question, gap, then any other kind by name."""
    kinds = list(TALKING_POINT_KINDS)
    kinds += sorted({tp.kind for tp in report.talking_points} - set(kinds))
    groups = []
    for kind in kinds:
        points = tuple(tp for tp in report.talking_points if tp.kind == kind)
        if points:
            title = TALKING_POINT_KINDS.get(kind, kind.replace("-", " ").replace("_", " ").capitalize())
            groups.append(TalkingPointGroup(kind=kind, title=title, points=points))
    return groups


def counts(report: Report) -> Counts:
    """Numbers of findings, passes, skips and errors."""
    statuses = [r.status for r in report.checks]
    return Counts(
        findings=sum(s in (Status.FAIL, Status.WARN) for s in statuses),
        passed=statuses.count(Status.PASS),
        skipped=statuses.count(Status.SKIP),
        errors=statuses.count(Status.ERROR),
    )


def fact_rows(facts: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """The facts flattened to (dotted name, display value) rows, in the facts' own order."""
    rows: list[tuple[str, str]] = []
    for key, value in facts.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            rows.extend(fact_rows(value, prefix=f"{name}."))
        else:
            rows.append((name, fact_value_text(value)))
    return rows


def fact_value_text(value: Any) -> str:
    """A fact value as short text: yes/no, numbers, comma-joined lists, `none` for empty or null."""
    if value is None or value == [] or value == () or value == {}:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(fact_value_text(v) for v in value)
    return str(value)


def plural(n: int, noun: str) -> str:
    """`1 finding`, `2 findings`: a count with its noun."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def one_line(text: str, limit: int | None = None) -> str:
    """Text on one line with control characters removed, optionally cut to `limit` characters."""
    flat = " ".join(_CONTROL_CHARS.sub(" ", text).split())
    if limit is not None and len(flat) > limit:
        return flat[: max(limit - 1, 0)].rstrip() + "…"
    return flat
