"""A compact GitHub-flavoured Markdown report for `$GITHUB_STEP_SUMMARY` and pull-request comments.

Every string from the repository goes through `md_text`: it is put on one line, HTML-special
characters become entities and Markdown punctuation is backslash-escaped, so repository text can
neither break a table nor inject markup.
"""
from __future__ import annotations

import re

from ..analyzer.model import CheckResult, Evidence, Report
from .presentation import (
    STATUS_LABELS,
    AreaSection,
    area_rows,
    area_sections,
    counts,
    one_line,
    plural,
    points_text,
    readiness,
    repo_name,
    short_commit,
    talking_point_groups,
)

_TOP_FIXES = 3
_MAX_LOCATIONS = 3
# Characters that start emphasis, code, links, tables, strike-through or headings anywhere in a line.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]#|~])")


def md_text(text: str) -> str:
    """Repository text made inert in Markdown: one line, `& < >` as entities, punctuation escaped."""
    flat = one_line(text)
    flat = _MARKDOWN_PUNCTUATION.sub(r"\\\1", flat)
    return flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def md_code(text: str) -> str:
    """Repository text shown as code: inline `<code>` around escaped text (safe inside table cells)."""
    return f"<code>{md_text(text)}</code>"


def render(report: Report) -> str:
    """The Markdown report: title with score, area table, top fixes, findings by area, talking points."""
    blocks = [_title(report), _area_table(report), _top_fixes(report), _findings(report),
              _talking_points(report)]
    return "\n\n".join(block for block in blocks if block) + "\n"


def _title(report: Report) -> str:
    level = readiness(report.scores.overall)
    subject = md_code(repo_name(report.repo_root))
    commit = short_commit(report.commit)
    if commit:
        subject += f" at {md_code(commit)}"
    c = counts(report)
    tally = f"{plural(c.findings, 'finding')}, {c.passed} passed, {c.skipped} skipped, {plural(c.errors, 'error')}"
    line = f"{subject} · portcheck {md_text(report.tool_version)} · {tally}"
    if report.fail_under is not None:
        met = report.scores.overall >= report.fail_under
        line += (f" · meets the threshold of {report.fail_under}" if met
                 else f" · **below the threshold of {report.fail_under}**")
    return f"# portcheck: {report.scores.overall}/100 — {level.name}\n\n{line}"


def _area_table(report: Report) -> str:
    rows = ["| Area | Score | Level |", "| --- | ---: | --- |"]
    for row in area_rows(report):
        level = readiness(row.score).name if row.score is not None else "no applicable check"
        rows.append(f"| {row.title} | {row.score_text} | {level} |")
    return "\n".join(rows)


def _top_fixes(report: Report) -> str:
    fixes = report.top_fixes(_TOP_FIXES)
    if not fixes:
        return ""
    rows = ["## Top fixes", "", "| Gain | Check | Fix | Where |", "| ---: | --- | --- | --- |"]
    for result in fixes:
        fix = md_text(result.fix or result.message)
        rows.append(f"| {points_text(result.points)} | {md_text(result.title)} | {fix} "
                    f"| {_locations(result.evidence)} |")
    return "\n".join(rows)


def _locations(evidence: tuple[Evidence, ...]) -> str:
    shown = [md_code(e.location()) for e in evidence[:_MAX_LOCATIONS]]
    if len(evidence) > _MAX_LOCATIONS:
        shown.append(f"and {len(evidence) - _MAX_LOCATIONS} more")
    return ", ".join(shown)


def _findings(report: Report) -> str:
    sections = [s for s in area_sections(report) if s.findings or s.errors]
    if not sections:
        return "## Findings\n\nNo findings."
    return "## Findings\n\n" + "\n\n".join(_area_details(s) for s in sections)


def _area_details(section: AreaSection) -> str:
    score = "n/a" if section.score is None else f"{section.score}/100"
    tally = [plural(len(section.findings), "finding")]
    if section.errors:
        tally.append(plural(len(section.errors), "error"))
    tally += [f"{len(section.passed)} passed", f"{len(section.skipped)} skipped"]
    summary = f"<summary><b>{section.title}</b> ({score}): {', '.join(tally)}</summary>"
    items = [_finding_item(r) for r in (*section.findings, *section.errors)]
    return "<details>\n" + summary + "\n\n" + "\n".join(items) + "\n\n</details>"


def _finding_item(result: CheckResult) -> str:
    lines = [f"- **{STATUS_LABELS[result.status]}** {md_text(result.id)} {md_text(result.title)}: "
             f"{md_text(result.message)}"]
    if result.evidence:
        lines.append(f"  - Where: {_locations(result.evidence)}")
    if result.fix:
        lines.append(f"  - Fix ({points_text(result.points)}): {md_text(result.fix)}")
    if result.question:
        lines.append(f"  - A panel may ask: {md_text(result.question)}")
    return "\n".join(lines)


def _talking_points(report: Report) -> str:
    groups = talking_point_groups(report)
    if not groups:
        return ""
    parts = ["## Talking points"]
    for group in groups:
        items = []
        for point in group.points:
            where = f" ({_locations(point.evidence)})" if point.evidence else ""
            items.append(f"- {md_text(point.text)}{where}")
        parts.append(f"### {group.title}\n\n" + "\n".join(items))
    return "\n\n".join(parts)
