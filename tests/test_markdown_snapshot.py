"""The Markdown report of a fixed Report, compared with the committed snapshot tests/data/snapshots/report.md.

A change to the Markdown output fails here with a diff. When the change is intended, regenerate the
snapshot and review it in the commit:

    PORTCHECK_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_markdown_snapshot.py
"""
import difflib
import os
import re
from pathlib import Path

from markdown_it import MarkdownIt
from report_factory import make_report

from portcheck.reports import markdown

SNAPSHOT = Path(__file__).resolve().parent / "data" / "snapshots" / "report.md"
REGENERATE = "PORTCHECK_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_markdown_snapshot.py"


def rendered() -> str:
    """The sample report with an overall threshold it misses, so the title line shows it."""
    return markdown.render(make_report(fail_under=70))


def test_markdown_report_matches_the_committed_snapshot():
    text = rendered()
    if os.environ.get("PORTCHECK_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(text, encoding="utf-8", newline="\n")
    assert SNAPSHOT.exists(), f"no snapshot at {SNAPSHOT}; create it with: {REGENERATE}"
    expected = SNAPSHOT.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True),
                                            "snapshot (committed)", "rendered now"))
        raise AssertionError(f"the Markdown report differs from {SNAPSHOT.name}; if the change is "
                             f"intended, regenerate it with:\n    {REGENERATE}\n{diff}")


def test_snapshot_holds_what_a_step_summary_needs():
    """Score and what it means, the area table, top fixes, results, findings grouped by area in closed
    <details>, the walkthrough, questions and gaps, and README sections in fences."""
    text = SNAPSHOT.read_text(encoding="utf-8")
    assert text.startswith("# portcheck: 67/100 — Needs work\n\nA reviewer will hit gaps")
    assert "below the threshold of 70" in text
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == ["portcheck: 67/100 — Needs work", "Top fixes", "Results at a glance", "Findings",
                        "Talking points", "Your walkthrough (13 minutes)", "Questions a panel is likely to ask",
                        "Gaps worth fixing before the interview", "Suggested README sections", "Setup", "Results"]
    assert sum(t.type == "table_open" for t in tokens) == 3  # areas, top fixes, results
    assert "| Metric reporting | n/a | no applicable check |" in text
    summaries = re.findall(r"<details>\n<summary><b>([^<]+)</b>", text)
    assert summaries == ["README clarity", "Reproducibility", "Code quality"]
    assert text.count("<details>") == text.count("</details>") and "<details open" not in text
    fences = [t for t in tokens if t.type == "fence"]
    assert [t.info for t in fences] == ["markdown", "markdown", "markdown"]  # one in a step's fix, two sections
    assert fences[1].content.startswith("## Setup\n\n```bash\n") and fences[1].markup == "````"
