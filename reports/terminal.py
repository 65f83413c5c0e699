"""The short summary printed after a scan: score, areas, the three fixes worth most, where the report is.

Repository text is flattened to one line with control characters removed, so a hostile file cannot
send escape sequences to the user's terminal; colour is added only when asked for.
"""
from __future__ import annotations

from ..analyzer.model import CheckResult, Report
from ..analyzer.wording import plural
from .presentation import (
    area_rows,
    counts,
    one_line,
    points_text,
    readiness,
    repo_name,
    short_commit,
)

_RESET = "\x1b[0m"
BOLD = "\x1b[1m"
DIM = "\x1b[2m"
TONES = {"good": "\x1b[32m", "fair": "\x1b[33m", "poor": "\x1b[33m", "bad": "\x1b[31m"}
_TEXT_WIDTH = 88  # fixes and titles are cut to this many characters
_TOP_FIXES = 3


class Painter:
    """Wraps text in ANSI codes when colour is on; returns it unchanged when off."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, *codes: str) -> str:
        return f"{''.join(codes)}{text}{_RESET}" if self.color and codes else text


def render_summary(report: Report, *, report_path: str | None, color: bool) -> str:
    """A plain-text summary of at most ~20 lines; ANSI colours only when `color` is true."""
    paint = Painter(color)
    lines = [_headline(report, paint)]
    for row in area_rows(report):
        tone = TONES[readiness(row.score).tone] if row.score is not None else DIM
        lines.append(f"  {row.title:<18} {paint(f'{row.score_text:>3}', tone)}")
    fixes = report.top_fixes(_TOP_FIXES)
    if fixes:
        lines += ["", paint("Top fixes", BOLD)]
        for result in fixes:
            lines += _fix_lines(result, paint)
    lines += ["", _counts_line(report)]
    if report_path:
        lines.append(f"Report: {one_line(report_path)}")
    return "\n".join(lines) + "\n"


def _headline(report: Report, paint: Painter) -> str:
    overall = report.scores.overall
    level = readiness(overall)
    where = one_line(repo_name(report.repo_root))
    commit = short_commit(report.commit)
    if commit:
        where += f" @ {one_line(commit)}"
    score = paint(f"{overall}/100 — {level.name}", BOLD, TONES[level.tone])
    return f"portcheck: {score}  ({where})"


def _fix_lines(result: CheckResult, paint: Painter) -> list[str]:
    points = points_text(result.points)
    lines = [f"  {paint(f'{points:>8}', BOLD)}  {one_line(result.title, _TEXT_WIDTH)}"]
    if result.fix:
        lines.append(f"            {one_line(result.fix, _TEXT_WIDTH)}")
    if result.evidence:
        lines.append(f"            {paint(one_line(result.evidence[0].location(), _TEXT_WIDTH), DIM)}")
    return lines


def _counts_line(report: Report) -> str:
    c = counts(report)
    parts = [plural(c.findings, "finding"), f"{c.passed} passed", f"{c.skipped} skipped",
             plural(c.errors, "error")]
    if report.scan_notes:
        parts.append(plural(len(report.scan_notes), "scan note"))
    if report.ignored:
        parts.append(f"{len(report.ignored)} ignored")
    return ", ".join(parts)
