"""A compact GitHub-flavoured Markdown report for `$GITHUB_STEP_SUMMARY` and pull-request comments.

Every string from the repository goes through `md_text`: it is put on one line, HTML-special
characters become entities and Markdown punctuation is backslash-escaped, so repository text can
neither break a table nor inject markup. Text that may hold Markdown code (fixes, talking points,
answers) is read by `richtext.blocks` exactly as the HTML report reads it: its code spans become
`<code>` around escaped text, and its fenced blocks (like the suggested README sections) are put in
a fence longer than any run of backticks inside, so their content cannot close it.
"""
from __future__ import annotations

import re

from ..analyzer.model import CheckResult, Evidence, Report
from ..analyzer.wording import plural
from .presentation import (
    STATUS_LABELS,
    AreaSection,
    area_rows,
    area_sections,
    counts,
    one_line,
    other_talking_points,
    points_text,
    question_title,
    readiness,
    repo_name,
    short_commit,
    talking_points_of,
    walkthrough_minutes,
    walkthrough_steps,
)
from .results_view import ResultsView, results_view
from .richtext import Block, blocks

_TOP_FIXES = 3
_MAX_LOCATIONS = 3
# Characters that start emphasis, code, links, tables, strike-through or headings anywhere in a line.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]#|~])")
_BACKTICK_RUNS = re.compile(r"`+")
_FENCE_LANGUAGE = re.compile(r"[^A-Za-z0-9_+.-]")
_LINE_START_MARKER = re.compile(r"^(\d*)([-+=.)])")


def md_text(text: str) -> str:
    """Repository text made inert in Markdown: one line, `& < >` as entities, punctuation escaped."""
    flat = one_line(text)
    flat = _MARKDOWN_PUNCTUATION.sub(r"\\\1", flat)
    return flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def md_code(text: str) -> str:
    """Repository text shown as code: inline `<code>` around escaped text (safe inside table cells)."""
    return f"<code>{md_text(text)}</code>"


def md_rich(text: str | None) -> str:
    """Text with code spans, on one line: code spans as `md_code`, the rest as `md_text`; a fenced
    block is shown inline as code (use `md_blocks` where blocks can stand on their own lines)."""
    parts = []
    for block in blocks(text):
        if block.code is not None:
            parts.append(md_code(block.code))
        else:
            parts.append(_spans(block))
    return " ".join(p for p in parts if p)


def md_fence(content: str, language: str = "") -> str:
    """A fenced code block that `content` cannot close: its fence is longer than any backtick run inside."""
    longest = max((len(run) for run in _BACKTICK_RUNS.findall(content)), default=0)
    fence = "`" * max(3, longest + 1)
    body = content if content.endswith("\n") or not content else content + "\n"
    return f"{fence}{_FENCE_LANGUAGE.sub('', language)}\n{body}{fence}"


def md_blocks(text: str | None, *, indent: str = "") -> str:
    """Text with code spans and fenced blocks, as Markdown lines indented by `indent` (after the first).

    The first block continues the caller's line; a later paragraph starts a line of its own, so a
    leading list or rule marker in it is escaped.
    """
    rendered = [_block(block) for block in blocks(text)]
    rendered = [part if i == 0 or part.startswith("`") else _LINE_START_MARKER.sub(r"\1\\\2", part)
                for i, part in enumerate(p for p in rendered if p)]
    return f"\n\n{indent}".join("\n".join(f"{indent}{line}" if i and line else line
                                           for i, line in enumerate(part.split("\n")))
                                 for part in rendered)


def _block(block: Block) -> str:
    return md_fence(block.code, block.language) if block.code is not None else _spans(block)


def _spans(block: Block) -> str:
    """A paragraph's spans on one line, keeping the spaces around code spans."""
    out = []
    for span in block.spans:
        if span.code:
            out.append(md_code(span.text))
            continue
        lead = " " if span.text[:1].isspace() else ""
        trail = " " if span.text[-1:].isspace() else ""
        out.append(f"{lead}{md_text(span.text)}{trail}" if span.text.strip() else lead)
    return "".join(out).strip()


def render(report: Report) -> str:
    """The Markdown report: title with score, area table, top fixes, results, findings by area,
    talking points and suggested README sections."""
    blocks_ = [_title(report), _area_table(report), _top_fixes(report), _results(results_view(report.results)),
               _findings(report), _talking_points(report), _readme_suggestions(report)]
    return "\n\n".join(block for block in blocks_ if block) + "\n"


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
    return f"# portcheck: {report.scores.overall}/100 — {level.name}\n\n{level.meaning}\n\n{line}"


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
        rows.append(f"| {points_text(result.points)} | {md_text(result.title)} | {md_rich(result.fix or result.message)} "
                    f"| {_locations(result.evidence)} |")
    return "\n".join(rows)


def _locations(evidence: tuple[Evidence, ...]) -> str:
    shown = [md_code(e.location()) for e in evidence[:_MAX_LOCATIONS]]
    if len(evidence) > _MAX_LOCATIONS:
        shown.append(f"and {len(evidence) - _MAX_LOCATIONS} more")
    return ", ".join(shown)


def _where(evidence: tuple[Evidence, ...]) -> str:
    return f" ({_locations(evidence)})" if evidence else ""


def _results(view: ResultsView | None) -> str:
    if view is None:
        return ""
    parts = ["## Results at a glance"]
    summary = [md_text(view.comparison.verdict)] if view.comparison else []
    if view.runs_tried:
        summary.append(f"{plural(view.runs_tried, 'tracked run')} tried in all.")
    if summary:
        parts.append(" ".join(summary))
    metrics = [md_text(m) + (" (primary)" if i == view.primary_column else "") for i, m in enumerate(view.metrics)]
    rows = ["| Model or run | " + " | ".join(metrics) + " | Where |",
            "| --- | " + " | ".join("---:" for _ in metrics) + " | --- |"]
    for line in view.lines:
        marks = [mark for mark, on in (("**baseline**", line.baseline), ("**best**", line.best)) if on]
        label = " ".join([md_text(line.label), *marks])
        where = md_text(line.source) + (f" · run {md_code(line.run_short)}" if line.run_id else "")
        where += f", {md_code(line.location)}" if line.location else ""
        rows.append(f"| {label} | " + " | ".join(md_text(v) for v in line.values) + f" | {where} |")
    parts.append("\n".join(rows))
    if view.hidden_rows:
        parts.append(f"And {plural(view.hidden_rows, 'more row')} in the JSON report.")
    return "\n\n".join(parts)


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
        lines.append(f"  - Fix ({points_text(result.points)}): {md_blocks(result.fix, indent='    ')}")
    if result.question:
        lines.append(f"  - A panel may ask: {md_text(result.question)}")
    return "\n".join(lines)


def _talking_points(report: Report) -> str:
    parts = [part for part in (_walkthrough(report), _questions(report), _gaps(report), _other_points(report)) if part]
    return "\n\n".join(["## Talking points", *parts]) if parts else ""


def _walkthrough(report: Report) -> str:
    steps = walkthrough_steps(report)
    if not steps:
        return ""
    minutes = walkthrough_minutes(steps)
    items = []
    for step in steps:
        details = [d for d in (step.minutes_text, step.state_label and step.state_label.lower()) if d]
        state = f" ({', '.join(details)})" if details else ""
        if step.state == "gap":
            state = state.replace("gap)", "**gap**)")
        lines = [f"{step.number}. **{md_text(step.title)}**{state}: {md_blocks(step.point.text, indent='   ')}"
                 f"{_where(step.point.evidence)}"]
        if step.point.fix:
            label = "What to add" if step.state == "gap" else "To make it stronger"
            lines.append(f"   - {label}: {md_blocks(step.point.fix, indent='     ')}")
        items.append("\n".join(lines))
    heading = "### Your walkthrough" + (f" ({minutes} minutes)" if minutes else "")
    return heading + "\n\n" + "\n".join(items)


def _questions(report: Report) -> str:
    questions = talking_points_of(report, "question")
    if not questions:
        return ""
    items = []
    for point in questions:
        lines = [f"- **“{md_rich(question_title(point))}”**"]
        if point.title:
            lines.append(f"  - Why it will come up: {md_blocks(point.text, indent='    ')}{_where(point.evidence)}")
        elif point.evidence:
            lines.append(f"  - Where: {_locations(point.evidence)}")
        if point.answer:
            lines.append(f"  - A strong answer covers: {md_blocks(point.answer, indent='    ')}")
        items.append("\n".join(lines))
    return "### Questions a panel is likely to ask\n\n" + "\n".join(items)


def _gaps(report: Report) -> str:
    gaps = talking_points_of(report, "gap")
    if not gaps:
        return ""
    items = []
    for number, point in enumerate(gaps, start=1):
        lines = [f"{number}. {md_blocks(point.text, indent='   ')}{_where(point.evidence)}"]
        if point.fix:
            lines.append(f"   - Fix: {md_blocks(point.fix, indent='     ')}")
        items.append("\n".join(lines))
    return "### Gaps worth fixing before the interview\n\n" + "\n".join(items)


def _other_points(report: Report) -> str:
    others = other_talking_points(report)
    if not others:
        return ""
    items = [f"- {md_blocks(tp.text, indent='  ')}{_where(tp.evidence)}" for tp in others]
    return "### More to mention\n\n" + "\n".join(items)


def _readme_suggestions(report: Report) -> str:
    if not report.readme_suggestions:
        return ""
    parts = ["## Suggested README sections"]
    for suggestion in report.readme_suggestions:
        built_from = f" Built from {_locations(suggestion.evidence)}." if suggestion.evidence else ""
        parts.append(f"### {md_text(suggestion.section)}\n\n{md_rich(suggestion.reason)}{built_from}\n\n"
                     f"{md_fence(suggestion.markdown, 'markdown')}")
    return "\n\n".join(parts)
