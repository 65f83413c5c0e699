"""What every human-facing renderer shows the same way: readiness levels, area rows, groupings, labels.

Renderers (terminal, HTML, Markdown) only lay these out; the wording and the ordering live here once.
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from typing import Any

from ..analyzer.model import (
    AREA_TITLES,
    WALKTHROUGH_STEPS,
    Area,
    CheckResult,
    Report,
    Severity,
    Status,
    TalkingPoint,
)

# (lowest score, level name, css/ansi tone, what the level means); first match from the top wins.
_LEVELS: tuple[tuple[int, str, str, str], ...] = (
    (85, "Ready to show", "good",
     "The repository backs up the story you will tell; polish what is left and rehearse the walkthrough."),
    (70, "Almost there", "fair",
     "A panel can follow the project, but a few gaps will draw questions; the fixes below close them."),
    (50, "Needs work", "poor",
     "A reviewer will hit gaps before reaching your results; make the top fixes before you share the link."),
    (0, "Not ready yet", "bad",
     "A reviewer cannot yet run the project or trust its numbers; start with the top fixes."),
)

STATUS_LABELS: dict[Status, str] = {
    Status.FAIL: "FAIL",
    Status.WARN: "WARN",
    Status.PASS: "PASS",
    Status.SKIP: "SKIP",
    Status.ERROR: "ERROR",
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
    meaning: str = ""  # one sentence: what the level means for the candidate


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
class Counts:
    """How many results of each kind a report holds."""

    findings: int
    passed: int
    skipped: int
    errors: int


def readiness(score: int) -> Readiness:
    """The readiness level of an overall (or area) score 0–100."""
    _lowest, name, tone, meaning = next((level for level in _LEVELS if score >= level[0]), _LEVELS[-1])
    return Readiness(name=name, tone=tone, meaning=meaning)


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


def one_line(text: str, limit: int | None = None) -> str:
    """Text on one line with control characters removed, optionally cut to `limit` characters."""
    flat = " ".join(_CONTROL_CHARS.sub(" ", text).split())
    if limit is not None and len(flat) > limit:
        return flat[: max(limit - 1, 0)].rstrip() + "…"
    return flat


# ---- talking points -------------------------------------------------------------------------------

STEP_STATES: dict[str, str] = {"shown": "Shown", "partial": "Partly shown", "gap": "Gap"}
_STEP_ORDER = {key: i for i, key in enumerate(WALKTHROUGH_STEPS)}
_STORY_KINDS = ("walkthrough", "question", "gap")  # the kinds with a section of their own


@dataclass(frozen=True, kw_only=True)
class WalkthroughStep:
    """One numbered step of the walkthrough, with its heading and how far the repository shows it.

    `state` is "shown", "partial" (shown, with something to add), "gap", or None when the point does
    not say (a report written before steps had a state).
    """

    number: int
    title: str
    minutes: int | None
    state: str | None
    point: TalkingPoint

    @property
    def state_label(self) -> str | None:
        return STEP_STATES.get(self.state) if self.state else None

    @property
    def minutes_text(self) -> str | None:
        return None if self.minutes is None else f"{self.minutes} min"


def talking_points_of(report: Report, kind: str) -> list[TalkingPoint]:
    """The talking points of one kind, in the report's order (gaps come ranked, most costly first)."""
    return [tp for tp in report.talking_points if tp.kind == kind]


def other_talking_points(report: Report) -> list[TalkingPoint]:
    """The talking points of any kind but the story's own (walkthrough, question, gap), in order."""
    return [tp for tp in report.talking_points if tp.kind not in _STORY_KINDS]


def step_state(point: TalkingPoint) -> str | None:
    """`gap` when the step is not shown, `partial` when shown with a fix to add, `shown`, else None."""
    if point.shown is None:
        return None
    if not point.shown:
        return "gap"
    return "partial" if point.fix else "shown"


def walkthrough_steps(report: Report) -> list[WalkthroughStep]:
    """The walkthrough in the order a panel expects (known steps first, in `WALKTHROUGH_STEPS` order)."""
    points = sorted(talking_points_of(report, "walkthrough"),
                    key=lambda tp: _STEP_ORDER.get(tp.topic or "", len(_STEP_ORDER)))
    return [WalkthroughStep(number=i, point=tp, minutes=tp.minutes, state=step_state(tp),
                            title=tp.title or WALKTHROUGH_STEPS.get(tp.topic or "", f"Step {i}"))
            for i, tp in enumerate(points, start=1)]


def walkthrough_minutes(steps: list[WalkthroughStep]) -> int:
    """The minutes the walkthrough's steps add up to (steps without minutes count as none)."""
    return sum(step.minutes or 0 for step in steps)


def question_title(point: TalkingPoint) -> str:
    """A likely question as the panel would ask it; older reports only have the text."""
    return point.title or point.text
