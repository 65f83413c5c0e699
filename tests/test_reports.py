"""The renderers: JSON, HTML, Markdown, SARIF and the terminal summary, on hand-built reports."""
from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from markdown_it import MarkdownIt
from markupsafe import escape
from report_factory import REPO_ROOT, make_report, replace_check

from portcheck.analyzer.model import SCHEMA_VERSION, Evidence, Report, ScanNote, Scores, Status, TalkingPoint
from portcheck.reports import html, json_report, markdown, sarif, terminal
from portcheck.reports.presentation import points_text, readiness

SARIF_SCHEMA_PATH = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE_BREAKOUT = '"><img src=x onerror=alert(1)>'
ESC = "\x1b"


def hostile_report() -> Report:
    """The sample report with attack strings wherever repository text can appear."""
    report = make_report(
        repo_root=f"/tmp/{ATTRIBUTE_BREAKOUT}",
        commit=f"{ATTRIBUTE_BREAKOUT}{SCRIPT}",
        facts={**make_report().facts, "readme": {"present": True, "path": SCRIPT, "title": ATTRIBUTE_BREAKOUT}},
        talking_points=(TalkingPoint(kind="question", text=f"Why {SCRIPT}?",
                                     evidence=(Evidence(path=ATTRIBUTE_BREAKOUT, line=1, excerpt=SCRIPT),)),),
        scan_notes=(ScanNote(kind="file-too-large", message=SCRIPT, path=ATTRIBUTE_BREAKOUT),),
        ignored={"QA999": SCRIPT},
    )
    return replace_check(
        report, "RP201",
        message=f"Unpinned: {SCRIPT}",
        evidence=(Evidence(path=f"req/{ATTRIBUTE_BREAKOUT}.txt", line=4, excerpt=f"{SCRIPT} {ATTRIBUTE_BREAKOUT}"),),
        fix=f"Pin {ATTRIBUTE_BREAKOUT}",
        question=f"Why {SCRIPT}?",
    )


def empty_report() -> Report:
    """A report of a repository where nothing applied: no checks, no commit, no talking points."""
    return Report(tool_version="0.1.0", repo_root="/srv/empty", commit=None, facts={},
                  scores=Scores(areas={}, overall=0), checks=(), talking_points=())


# --- shared presentation ---------------------------------------------------------------------------

@pytest.mark.parametrize(("score", "level"), [
    (100, "Ready to show"), (85, "Ready to show"), (84, "Almost there"), (70, "Almost there"),
    (69, "Needs work"), (50, "Needs work"), (49, "Not ready yet"), (0, "Not ready yet"),
])
def test_readiness_level_follows_the_score_bands(score: int, level: str) -> None:
    assert readiness(score).name == level


@pytest.mark.parametrize(("points", "text"), [
    (11.6, "+12 pts"), (1.2, "+1 pt"), (0.3, "+<1 pt"), (0.0, "+0 pts"), (2.5, "+2 pts"),
])
def test_points_are_shown_rounded(points: float, text: str) -> None:
    assert points_text(points) == text


@pytest.mark.parametrize("render", [
    json_report.render, html.render, markdown.render, sarif.render,
    lambda r: terminal.render_summary(r, report_path=None, color=True),
])
def test_every_renderer_handles_a_report_with_no_results(render: Any) -> None:
    assert render(empty_report()).endswith("\n")


# --- JSON ------------------------------------------------------------------------------------------

def test_json_report_round_trips_to_the_report_data() -> None:
    report = make_report()
    document = json.loads(json_report.render(report))
    assert document == json_report.report_document(report)
    assert document["schema_version"] == SCHEMA_VERSION
    assert document["tool"] == {"name": "portcheck", "version": "0.1.0"}
    assert document["repo"] == {"root": REPO_ROOT, "commit": report.commit}
    assert document["scores"] == {"overall": 67, "areas": {"readme": 82, "reproducibility": 41, "quality": 90}}
    assert document["facts"] == report.facts
    assert [c["id"] for c in document["checks"]] == [c.id for c in report.checks]
    assert document["ignored"] == report.ignored


def test_json_report_keys_are_in_the_published_order() -> None:
    document = json.loads(json_report.render(make_report()))
    assert list(document) == ["schema_version", "tool", "repo", "facts", "scores", "checks",
                              "talking_points", "scan_notes", "ignored"]
    assert list(document["scores"]) == ["overall", "areas"]


def test_json_report_is_deterministic() -> None:
    first = json_report.render(make_report())
    assert json_report.render(make_report()) == first
    assert first.endswith("}\n")


def test_json_evidence_is_a_list_of_path_line_excerpt_objects() -> None:
    check = json.loads(json_report.render(make_report()))["checks"][2]
    assert check["id"] == "RP201"
    assert check["status"] == "fail"
    assert check["evidence"] == [{"path": "requirements.txt", "line": 4, "excerpt": "xgboost"},
                                 {"path": "requirements.txt", "line": 5, "excerpt": "pandas>=1.5"}]


def test_json_repo_root_is_the_only_absolute_path() -> None:
    document = json.loads(json_report.render(make_report()))

    def strings(value: Any) -> list[str]:
        if isinstance(value, dict):
            return [s for v in value.values() for s in strings(v)]
        if isinstance(value, list):
            return [s for v in value for s in strings(v)]
        return [value] if isinstance(value, str) else []

    absolute = [s for s in strings(document) if s.startswith("/") or re.match(r"[A-Za-z]:[\\/]", s)]
    assert absolute == [REPO_ROOT]


def test_json_keeps_non_ascii_text_readable() -> None:
    report = replace_check(make_report(), "RM101", message="Überblick fehlt — 説明")
    assert "Überblick fehlt — 説明" in json_report.render(report)


# --- HTML ------------------------------------------------------------------------------------------

class _TagCollector(HTMLParser):
    """Every start tag with its attributes, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = _TagCollector()
    collector.feed(page)
    return collector.tags


def test_html_escapes_every_hostile_string_from_the_repository() -> None:
    page = html.render(hostile_report())
    for payload in (SCRIPT, ATTRIBUTE_BREAKOUT):
        assert payload not in page
        assert str(escape(payload)) in page
    assert "<script" not in page
    assert "<img" not in page
    assert not any(name.startswith("on") for _tag, attrs in _tags(page) for name in attrs)


def test_html_has_a_content_security_policy_that_allows_only_its_own_style_block() -> None:
    page = html.render(make_report())
    metas = [attrs for tag, attrs in _tags(page)
             if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"]
    assert len(metas) == 1
    policy = metas[0]["content"] or ""
    assert policy.startswith("default-src 'none';")
    assert "base-uri 'none'" in policy and "form-action 'none'" in policy
    styles = re.findall(r"<style>(.*?)</style>", page, flags=re.DOTALL)
    assert len(styles) == 1
    digest = base64.b64encode(hashlib.sha256(styles[0].encode("utf-8")).digest()).decode("ascii")
    assert f"style-src 'sha256-{digest}'" in policy
    assert not any("style" in attrs for _tag, attrs in _tags(page))  # a hash does not cover style=""


def test_html_requests_nothing_from_the_network() -> None:
    page = html.render(make_report())
    tags = _tags(page)
    assert not {"script", "link", "img", "iframe", "object", "embed", "base", "form"} & {t for t, _ in tags}
    for _tag, attrs in tags:
        for name in ("src", "href", "srcset", "action", "poster", "data"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("http://", "https://", "//")), (name, value)
    assert re.search(r"""(?:src|href)\s*=\s*["']?\s*https?://""", page, flags=re.IGNORECASE) is None
    assert "@import" not in page and "url(" not in page


def test_html_is_one_accessible_html5_page() -> None:
    page = html.render(make_report())
    tags = _tags(page)
    assert page.startswith("<!DOCTYPE html>")
    assert ("html", {"lang": "en"}) in tags
    assert [t for t, _ in tags].count("h1") == 1
    assert {"h2", "h3", "main", "header", "footer"} <= {t for t, _ in tags}
    assert "@media print" in page


def test_html_labels_status_in_text_not_only_colour() -> None:
    page = html.render(make_report())
    for label in ("FAIL", "WARN", "PASS", "SKIP", "ERROR"):
        assert f">{label}</span>" in page


def test_html_shows_scores_levels_and_na_for_an_area_without_checks() -> None:
    page = html.render(make_report())
    assert "<h1>churn-model</h1>" in page
    assert "3f9a1c0" in page
    assert "Needs work" in page  # overall 67
    assert 'class="card-score tone-none">n/a<' in page  # metrics has no applicable check
    assert "Metric reporting" in page


def test_html_top_fixes_show_rounded_points_and_evidence() -> None:
    page = html.render(make_report())
    top = page.split('id="top-fixes"', 1)[1].split('id="findings"', 1)[0]
    assert top.index("+12 pts") < top.index("+4 pts") < top.index("+&lt;1 pt")
    assert "requirements.txt:4" in top
    assert "Pin every dependency" in top


def test_html_collapses_passed_and_skipped_checks_and_shows_sections() -> None:
    page = html.render(make_report())
    assert "<summary>Passed checks (1)</summary>" in page
    assert "<summary>Skipped checks (1)</summary>" in page
    assert "The check raised ValueError" in page  # errors are shown, not collapsed
    assert "A panel may ask:" in page
    for heading in ("Your walkthrough", "Questions a panel is likely to ask",
                    "Gaps worth fixing before the interview", "What portcheck could not read",
                    "Ignored checks"):
        assert heading in page
    assert "data/train.csv" in page
    assert "Not relevant for a research prototype." in page


def test_html_findings_put_failures_before_warnings() -> None:
    report = replace_check(make_report(), "RM102", status=Status.FAIL, fix="Fix the link.")
    readme = html.render(report).split('id="area-readme"', 1)[1].split('id="area-reproducibility"', 1)[0]
    assert readme.index("README links resolve") < readme.index("README says how to run the project")


def test_html_caps_long_evidence_lists() -> None:
    many = tuple(Evidence(path=f"src/module_{i:02}.py", line=1) for i in range(25))
    page = html.render(replace_check(make_report(), "CQ401", evidence=many))
    assert "src/module_19.py:1" in page and "src/module_20.py" not in page
    assert "and 5 more" in page


def test_html_is_deterministic() -> None:
    assert html.render(make_report()) == html.render(make_report())


# --- SARIF -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SARIF_SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


@pytest.mark.parametrize("report", [make_report(), hostile_report(), empty_report()],
                         ids=["sample", "hostile", "empty"])
def test_sarif_validates_against_the_sarif_2_1_0_schema(
        report: Report, sarif_validator: jsonschema.Draft4Validator) -> None:
    log = json.loads(sarif.render(report))
    errors = sorted(sarif_validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def test_sarif_locates_a_notebook_cell_by_message_not_as_a_file_line(
        sarif_validator: jsonschema.Draft4Validator) -> None:
    first = next(r for r in make_report().checks if r.is_finding)
    report = replace_check(make_report(), first.id, evidence=(Evidence(path="nb/eda.ipynb", line=7, excerpt="x"),))
    log = json.loads(sarif.render(report))
    assert not list(sarif_validator.iter_errors(log))
    location = next(r for r in log["runs"][0]["results"] if r["ruleId"] == first.id)["locations"][0]
    assert "region" not in location["physicalLocation"] and location["message"]["text"] == "cell 7"
    assert Evidence(path="nb/eda.ipynb", line=7).location() == "nb/eda.ipynb, cell 7"


def test_sarif_has_one_rule_per_check_and_results_only_for_findings() -> None:
    report = make_report()
    log = json.loads(sarif.render(report))
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "portcheck" and driver["version"] == "0.1.0"
    rules = driver["rules"]
    assert [r["id"] for r in rules] == [c.id for c in report.checks]
    assert rules[2]["name"] == "Dependencies are pinned"
    assert rules[2]["help"]["text"].startswith("Pin every dependency")
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["RM101", "RP201", "CQ401"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_levels_follow_status_and_severity() -> None:
    levels = {r["ruleId"]: r["level"] for r in json.loads(sarif.render(make_report()))["runs"][0]["results"]}
    assert levels == {"RM101": "note", "RP201": "error", "CQ401": "warning"}


def test_sarif_locations_are_repository_relative_with_lines() -> None:
    result = json.loads(sarif.render(make_report()))["runs"][0]["results"][1]
    physical = result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "requirements.txt", "uriBaseId": "%SRCROOT%"}
    assert physical["region"]["startLine"] == 4
    assert len(result["locations"]) == 2


def test_sarif_finding_without_evidence_has_no_locations_and_line_less_evidence_no_region() -> None:
    report = replace_check(make_report(), "RP201", evidence=())
    report = replace_check(report, "CQ401", evidence=(Evidence(path="src/data.py"),))
    results = {r["ruleId"]: r for r in json.loads(sarif.render(report))["runs"][0]["results"]}
    assert "locations" not in results["RP201"]
    assert "region" not in results["CQ401"]["locations"][0]["physicalLocation"]


def test_sarif_reports_broken_checks_as_notifications() -> None:
    invocation = json.loads(sarif.render(make_report()))["runs"][0]["invocations"][0]
    messages = [n["message"]["text"] for n in invocation["toolExecutionNotifications"]]
    assert any("RP203" in m for m in messages)
    assert "Skipped: larger than 5 MiB." in messages


def test_sarif_is_deterministic() -> None:
    assert sarif.render(make_report()) == sarif.render(make_report())


# --- Markdown --------------------------------------------------------------------------------------

def _markdown_html(text: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(text)


def test_markdown_escapes_a_pipe_in_a_table_cell() -> None:
    report = replace_check(make_report(), "RP201", fix="Pin torch | numpy",
                           evidence=(Evidence(path="a|b.txt", line=2),))
    text = markdown.render(report)
    assert "Pin torch \\| numpy" in text
    rendered = _markdown_html(text)
    fix_row = next(row for row in re.findall(r"<tr>.*?</tr>", rendered, flags=re.DOTALL) if "Pin torch" in row)
    assert fix_row.count("<td") == 4
    assert "Pin torch | numpy" in fix_row
    assert "a|b.txt:2" in fix_row


def test_markdown_makes_repository_text_inert() -> None:
    report = replace_check(make_report(), "RP201", message=f"# Heading `code` {SCRIPT} [x](y) *em*")
    text = markdown.render(report)
    assert SCRIPT not in text
    assert "&lt;script&gt;" in text
    assert "\\# Heading \\`code\\`" in text
    rendered = _markdown_html(text)
    assert "<h1>Heading" not in rendered and "<em>" not in rendered and "<a href" not in rendered
    assert "# Heading `code` &lt;script&gt;alert(1)&lt;/script&gt; [x](y) *em*" in rendered


def test_markdown_has_title_area_table_top_three_fixes_findings_and_talking_points() -> None:
    report = replace_check(make_report(), "RP202", status=Status.WARN, fix="Add a CI workflow.", points=2.0)
    text = markdown.render(report)
    assert text.startswith("# portcheck: 67/100 — Needs work\n")
    assert "| Metric reporting | n/a |" in text
    top = text.split("## Top fixes", 1)[1].split("## Findings", 1)[0]
    assert top.count("| +") == 3 and "No machine-specific absolute paths" not in top  # 4 findings, top 3
    assert text.count("<details>") == 3 and text.count("</details>") == 3
    assert "<summary><b>Reproducibility</b> (41/100)" in text
    assert "### Questions a panel is likely to ask" in text


@pytest.mark.parametrize(("threshold", "verdict"), [
    (60, "meets the threshold of 60"), (70, "**below the threshold of 70**"), (None, None),
])
def test_markdown_states_whether_the_score_meets_the_threshold(threshold: int | None, verdict: str | None) -> None:
    title = markdown.render(make_report(fail_under=threshold)).split("\n\n", 2)[1]
    assert (verdict in title) if verdict else ("threshold" not in title)


# --- terminal --------------------------------------------------------------------------------------

def test_terminal_summary_without_colour_has_no_escape_characters() -> None:
    report = replace_check(hostile_report(), "RP201", title=f"{ESC}[31mred{ESC}]0;title\x07", fix=f"{ESC}[2J")
    summary = terminal.render_summary(report, report_path="out/report.html", color=False)
    assert ESC not in summary and "\x07" not in summary


def test_terminal_summary_colours_only_when_asked_and_never_repository_escapes() -> None:
    report = replace_check(make_report(), "RP201", fix=f"{ESC}[2J wipe")
    coloured = terminal.render_summary(report, report_path=None, color=True)
    assert f"{ESC}[" in coloured
    assert f"{ESC}[2J" not in coloured


def test_terminal_summary_shows_score_areas_top_three_fixes_and_report_path() -> None:
    summary = terminal.render_summary(make_report(), report_path="portcheck-report.html", color=False)
    lines = summary.splitlines()
    assert len(lines) <= 20
    assert lines[0].startswith("portcheck: 67/100 — Needs work")
    assert any(line.split() == ["Metric", "reporting", "n/a"] for line in lines)
    assert any(line.split() == ["Reproducibility", "41"] for line in lines)
    assert summary.index("+12 pts") < summary.index("+4 pts") < summary.index("+<1 pt")
    assert "requirements.txt:4" in summary
    assert "3 findings, 2 passed, 1 skipped, 1 error" in summary
    assert lines[-1] == "Report: portcheck-report.html"


def test_terminal_summary_omits_report_line_without_a_path() -> None:
    summary = terminal.render_summary(make_report(), report_path=None, color=False)
    assert "Report:" not in summary


def test_terminal_summary_cuts_long_repository_text_to_one_line() -> None:
    report = replace_check(make_report(), "RP201", fix="word " * 100 + "\nsecond line")
    summary = terminal.render_summary(report, report_path=None, color=False)
    fix_line = next(line for line in summary.splitlines() if "word word" in line)
    assert fix_line.endswith("…") and len(fix_line.strip()) <= 88
    assert "second line" not in summary


def test_sample_report_factory_builds_every_status() -> None:
    statuses = {c.status for c in make_report().checks}
    assert statuses == set(Status)
    assert dataclasses.replace(make_report(), commit=None).commit is None
