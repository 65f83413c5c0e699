"""Two reports compared: score changes overall and per area, and what happened to every check.

`compare(old, new)` builds a `ReportDiff`; `render_terminal`, `render_json` and `render_html` lay it
out. Every check id found in either report gets exactly one `Change`:

* fixed — a finding (fail or warn) now passes;
* regressed — a pass is now a finding;
* new — a finding where the check did not apply before (it was skipped or broke);
* worse / better — a warning became a failure, or a failure a warning;
* gone — a finding whose check no longer applies (now skipped or broken): not counted as a fix;
* changed — any other status change (pass, skip and error among themselves);
* appeared / disappeared — the check is in one report only (another portcheck version, plugin or
  selection); not counted either way;
* unchanged — the same status in both.

Regressions (what `--fail-on-regression` fails on) are regressed, new and worse changes, or a lower
overall score. Ordering is deterministic: by change kind in the order above, then area, then id.
Repository text is flattened to one line for the terminal and escaped in HTML.
"""
from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from ..analyzer.model import AREA_TITLES, SCHEMA_VERSION, Area, CheckResult, Report, Status, to_plain
from .html import content_security_policy, stylesheet, template_environment
from .presentation import STATUS_LABELS, one_line, repo_name, short_commit
from .terminal import BOLD, DIM, TONES, Painter

TEMPLATE = "diff.html.j2"
_TEXT_WIDTH = 88


class Change(str, enum.Enum):
    """What happened to one check between the old report and the new one."""

    FIXED = "fixed"
    REGRESSED = "regressed"
    NEW = "new"
    WORSE = "worse"
    BETTER = "better"
    GONE = "gone"
    CHANGED = "changed"
    APPEARED = "appeared"
    DISAPPEARED = "disappeared"
    UNCHANGED = "unchanged"


CHANGE_TITLES: dict[Change, str] = {
    Change.FIXED: "Fixed",
    Change.REGRESSED: "Regressed",
    Change.NEW: "New findings",
    Change.WORSE: "Worse: warning to failure",
    Change.BETTER: "Better: failure to warning",
    Change.GONE: "Findings whose check no longer applies",
    Change.CHANGED: "Other status changes",
    Change.APPEARED: "Checks only in the new report",
    Change.DISAPPEARED: "Checks only in the old report",
    Change.UNCHANGED: "Unchanged",
}
REGRESSIONS = frozenset({Change.REGRESSED, Change.NEW, Change.WORSE})
_ORDER = {change: rank for rank, change in enumerate(Change)}
_AREA_ORDER = {area: rank for rank, area in enumerate(Area)}
_FINDING = (Status.FAIL, Status.WARN)
_NOT_APPLIED = (Status.SKIP, Status.ERROR)


@dataclass(frozen=True, kw_only=True)
class Side:
    """One of the two compared reports: how the user named it, the repository's name, its commit."""

    label: str
    name: str
    commit: str | None
    tool_version: str

    @property
    def title(self) -> str:
        """`label (abc1234)`, or the label alone when there is no commit or the label is the commit."""
        short = short_commit(self.commit)
        return self.label if not short or self.label.startswith(short) else f"{self.label} ({short})"


@dataclass(frozen=True, kw_only=True)
class ScoreChange:
    """A score before and after (None where no check of the area applied), and its change."""

    key: str    # "overall" or an area's value
    title: str
    old: int | None
    new: int | None

    @property
    def delta(self) -> int | None:
        return None if self.old is None or self.new is None else self.new - self.old

    @property
    def delta_text(self) -> str:
        """`+12`, `-3`, `±0`, or an empty string when one side has no score."""
        delta = self.delta
        if delta is None:
            return ""
        return "±0" if delta == 0 else f"{delta:+d}"

    @property
    def tone(self) -> str:
        """"good", "bad" or "none", for colouring the change."""
        delta = self.delta
        return "none" if not delta else ("good" if delta > 0 else "bad")


@dataclass(frozen=True, kw_only=True)
class CheckChange:
    """One check's results in the old and the new report (None where it is absent) and the change."""

    id: str
    area: Area
    title: str
    change: Change
    old: CheckResult | None
    new: CheckResult | None

    @property
    def old_status(self) -> Status | None:
        return self.old.status if self.old else None

    @property
    def new_status(self) -> Status | None:
        return self.new.status if self.new else None

    @property
    def shown(self) -> CheckResult:
        """The result worth showing: the new one, or the old one for a fix or a check that went away."""
        if self.new is None or self.change in (Change.FIXED, Change.GONE):
            assert self.old is not None
            return self.old
        return self.new


@dataclass(frozen=True, kw_only=True)
class ReportDiff:
    """Two reports compared (see the module documentation)."""

    old: Side
    new: Side
    overall: ScoreChange
    areas: tuple[ScoreChange, ...]
    changes: tuple[CheckChange, ...]
    notes: tuple[str, ...]

    def of(self, change: Change) -> tuple[CheckChange, ...]:
        """The checks with this kind of change, in area-then-id order."""
        return tuple(c for c in self.changes if c.change is change)

    def count(self, change: Change) -> int:
        return sum(c.change is change for c in self.changes)

    @property
    def regressions(self) -> tuple[CheckChange, ...]:
        """Checks that regressed, became new findings or went from warning to failure."""
        return tuple(c for c in self.changes if c.change in REGRESSIONS)

    @property
    def has_regression(self) -> bool:
        """Any regression, or a lower overall score."""
        return bool(self.regressions) or (self.overall.delta or 0) < 0

    @property
    def open_findings(self) -> int:
        """Findings in the new report that were the same finding in the old one."""
        return sum(c.change is Change.UNCHANGED and c.new_status in _FINDING for c in self.changes)


def classify(old: Status | None, new: Status | None) -> Change:
    """The change between two statuses of one check (None: the check is not in that report)."""
    if old is None or new is None:
        return Change.APPEARED if old is None else Change.DISAPPEARED
    if old is new:
        return Change.UNCHANGED
    if old in _FINDING and new in _FINDING:
        return Change.WORSE if new is Status.FAIL else Change.BETTER
    if old in _FINDING:
        return Change.FIXED if new is Status.PASS else Change.GONE
    if new in _FINDING:
        return Change.REGRESSED if old is Status.PASS else Change.NEW
    return Change.CHANGED


def _area_title(key: str) -> str:
    try:
        return AREA_TITLES[Area(key)]
    except ValueError:  # an area this version does not know (a newer report)
        return key


def side(report: Report, label: str) -> Side:
    """How one report is named in a comparison."""
    return Side(label=label, name=repo_name(report.repo_root), commit=report.commit,
                tool_version=report.tool_version)


def compare(old: Report, new: Report, *, old_label: str, new_label: str, notes: tuple[str, ...] = ()) -> ReportDiff:
    """Compare two reports of (usually) one repository; `notes` say how the reports were made.

    Notes are added when the reports name different repositories or come from different portcheck
    versions, since checks may then appear or disappear.
    """
    before = {r.id: r for r in old.checks}
    after = {r.id: r for r in new.checks}
    changes = []
    for check_id in before.keys() | after.keys():
        o, n = before.get(check_id), after.get(check_id)
        current = n or o
        assert current is not None
        changes.append(CheckChange(id=check_id, area=Area(current.area), title=current.title,
                                   change=classify(o.status if o else None, n.status if n else None), old=o, new=n))
    changes.sort(key=lambda c: (_ORDER[c.change], _AREA_ORDER[c.area], c.id))
    keys = [a.value for a in Area] + sorted((old.scores.areas.keys() | new.scores.areas.keys())
                                            - {a.value for a in Area})
    areas = tuple(ScoreChange(key=key, title=_area_title(key), old=old.scores.areas.get(key),
                              new=new.scores.areas.get(key)) for key in keys)
    extra = list(notes)
    old_side, new_side = side(old, old_label), side(new, new_label)
    if old_side.name != new_side.name:
        extra.append(f"the reports are of differently named repositories ({old_side.name}, {new_side.name})")
    if old_side.tool_version != new_side.tool_version:
        extra.append(f"the reports come from different portcheck versions ({old_side.tool_version}, "
                     f"{new_side.tool_version}): checks may appear or disappear for that reason alone")
    return ReportDiff(
        old=old_side, new=new_side,
        overall=ScoreChange(key="overall", title="Overall", old=old.scores.overall, new=new.scores.overall),
        areas=areas, changes=tuple(changes), notes=tuple(extra))


def _status_text(status: Status | None) -> str:
    return STATUS_LABELS[status] if status is not None else "absent"


def summary_line(diff: ReportDiff) -> str:
    """One line: the overall change and how many checks were fixed, regressed, new, worse, better."""
    o = diff.overall
    parts = [f"overall {o.old} → {o.new} ({o.delta_text})"]
    parts += [f"{diff.count(kind)} {kind.value}" for kind in (Change.FIXED, Change.REGRESSED, Change.NEW)]
    parts += [f"{diff.count(kind)} {kind.value}" for kind in (Change.WORSE, Change.BETTER) if diff.count(kind)]
    parts.append(f"{diff.open_findings} still open")
    return ", ".join(parts)


# --------------------------------------------------------------------------- terminal

def _score_line(row: ScoreChange, paint: Painter, indent: str) -> str:
    old = "n/a" if row.old is None else str(row.old)
    new = "n/a" if row.new is None else str(row.new)
    tone = TONES.get(row.tone)
    delta = paint(f"{row.delta_text:>4}", tone) if tone else f"{row.delta_text:>4}"
    return f"{indent}{row.title:<{20 - len(indent)}} {old:>3} → {new:>3}  {delta}".rstrip()


def _change_lines(item: CheckChange, paint: Painter) -> list[str]:
    arrow = f"{_status_text(item.old_status)} → {_status_text(item.new_status)}"
    lines = [f"  {item.id:<6} {arrow:<14} {one_line(item.title, _TEXT_WIDTH)}"]
    if item.change in REGRESSIONS:
        result = item.shown
        lines.append(f"         {one_line(result.message, _TEXT_WIDTH)}")
        if result.evidence:
            lines.append(f"         {paint(one_line(result.evidence[0].location(), _TEXT_WIDTH), DIM)}")
    return lines


def render_terminal(diff: ReportDiff, *, color: bool = False) -> str:
    """The comparison as plain text (ANSI colours only when `color` is true), ending in a newline."""
    paint = Painter(color)
    head = f"{one_line(diff.old.title)} → {one_line(diff.new.title)}"
    lines = [f"portcheck diff: {paint(one_line(diff.new.name), BOLD)}  {head}",
             _score_line(diff.overall, paint, ""),
             *(_score_line(row, paint, "  ") for row in diff.areas)]
    tones = {Change.FIXED: "good", Change.BETTER: "good", Change.REGRESSED: "bad", Change.NEW: "bad",
             Change.WORSE: "bad"}
    for kind in Change:
        items = diff.of(kind)
        if kind is Change.UNCHANGED or not items:
            continue
        tone = TONES.get(tones.get(kind, ""))
        title = f"{CHANGE_TITLES[kind]} ({len(items)})"
        lines += ["", paint(title, BOLD, tone) if tone else paint(title, BOLD)]
        for item in items:
            lines += _change_lines(item, paint)
    if all(c.change is Change.UNCHANGED for c in diff.changes):
        lines += ["", "No check changed its result."]
    lines += ["", summary_line(diff)]
    if diff.notes:
        lines += ["", "Notes:"] + [f"  - {one_line(note)}" for note in diff.notes]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- JSON

def _side_document(s: Side) -> dict[str, Any]:
    return {"label": s.label, "name": s.name, "commit": s.commit, "tool_version": s.tool_version}


def _score_document(row: ScoreChange) -> dict[str, Any]:
    return {"old": row.old, "new": row.new, "delta": row.delta}


def diff_document(diff: ReportDiff) -> dict[str, Any]:
    """The comparison as plain JSON-ready data; unchanged checks are counted, not listed."""
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "portcheck-diff",
        "old": _side_document(diff.old),
        "new": _side_document(diff.new),
        "scores": {"overall": _score_document(diff.overall),
                   "areas": {row.key: _score_document(row) for row in diff.areas}},
        "counts": {kind.value: diff.count(kind) for kind in Change},
        "regression": diff.has_regression,
        "changes": [{
            "id": c.id, "area": c.area.value, "title": c.title, "change": c.change.value,
            "old_status": c.old_status.value if c.old_status else None,
            "new_status": c.new_status.value if c.new_status else None,
            "message": c.shown.message, "fix": c.shown.fix, "evidence": to_plain(c.shown.evidence),
        } for c in diff.changes if c.change is not Change.UNCHANGED],
        "notes": list(diff.notes),
    }


def render_json(diff: ReportDiff) -> str:
    """The comparison as an indented JSON document ending in a newline (stable order, no timestamps)."""
    return json.dumps(diff_document(diff), indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- HTML

def render_html(diff: ReportDiff) -> str:
    """The comparison as one self-contained HTML5 page, with the readiness report's stylesheet and
    Content-Security-Policy (no script, nothing loaded from the network; all repository text escaped)."""
    css = stylesheet()
    template = template_environment().get_template(TEMPLATE)
    sections = [(kind, CHANGE_TITLES[kind], diff.of(kind)) for kind in Change
                if kind is not Change.UNCHANGED and diff.of(kind)]
    still_open = tuple(c for c in diff.of(Change.UNCHANGED) if c.new_status in _FINDING)
    return template.render(
        diff=diff,
        css=Markup(css),  # our own packaged stylesheet, not repository text
        csp=Markup(content_security_policy(css)),  # built from constants and a base64 digest
        sections=sections,
        regressions=REGRESSIONS,
        still_open=still_open,
        summary=summary_line(diff),
        status_text=_status_text,
    )
