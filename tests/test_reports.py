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
from report_factory import REPO_ROOT, make_report, replace_check, sample_results

from portcheck.analyzer.model import (
    SCHEMA_VERSION,
    Evidence,
    ReadmeSuggestion,
    Report,
    ScanNote,
    Scores,
    Status,
    TalkingPoint,
)
from portcheck.reports import html, json_report, markdown, sarif, terminal
from portcheck.reports.presentation import points_text, readiness

SARIF_SCHEMA_PATH = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE_BREAKOUT = '"><img src=x onerror=alert(1)>'
IFRAME = "<iframe src=javascript:alert(1)></iframe>"
JS_LINK = "[click](javascript:alert(1)) <javascript:alert(2)> ![x](https://example.com/x.png) https://example.com"
HOSTILE = f"{SCRIPT} {ATTRIBUTE_BREAKOUT} {IFRAME} {JS_LINK} `{SCRIPT}`"
FENCED = f"Paste this:\n\n```{ATTRIBUTE_BREAKOUT}\n{SCRIPT}\n```\n"
ESC = "\x1b"


def hostile_story(report: Report) -> Report:
    """The report's story (talking points, results, README suggestions) with attack strings in every field."""
    evidence = (Evidence(path=ATTRIBUTE_BREAKOUT, line=1, excerpt=HOSTILE),)
    points = (
        TalkingPoint(kind="walkthrough", topic="problem", title=HOSTILE, minutes=1, shown=True, text=HOSTILE,
                     fix=FENCED, evidence=evidence),
        TalkingPoint(kind="walkthrough", topic="data", title="Data", minutes=2, shown=False, text=HOSTILE,
                     fix=HOSTILE, evidence=evidence),
        TalkingPoint(kind="question", topic=SCRIPT, title=HOSTILE, text=HOSTILE, answer=FENCED, evidence=evidence),
        TalkingPoint(kind="gap", topic=SCRIPT, text=HOSTILE, fix=FENCED, evidence=evidence),
        TalkingPoint(kind=SCRIPT, text=HOSTILE, evidence=evidence),
    )
    results = dataclasses.replace(
        sample_results(), metrics=(HOSTILE, "accuracy"), primary=HOSTILE,
        rows=tuple(dataclasses.replace(row, label=f"{row.label} {HOSTILE}", run_id=row.run_id and SCRIPT,
                                       values=((HOSTILE, f"0.{i}8 {SCRIPT}"), ("accuracy", HOSTILE)),
                                       evidence=Evidence(path=ATTRIBUTE_BREAKOUT, line=i + 1))
                   for i, row in enumerate(sample_results().rows)))
    suggestion = ReadmeSuggestion(section=HOSTILE, markdown=f"## {SCRIPT}\n\n{FENCED}\n{HOSTILE}\n````\n",
                                  reason=HOSTILE, evidence=evidence)
    return dataclasses.replace(report, talking_points=points, results=results, readme_suggestions=(suggestion,))


def hostile_report() -> Report:
    """The sample report with attack strings wherever repository text can appear."""
    report = make_report(
        repo_root=f"/tmp/{ATTRIBUTE_BREAKOUT}",
        commit=f"{ATTRIBUTE_BREAKOUT}{SCRIPT}",
        facts={**make_report().facts, "readme": {"present": True, "path": SCRIPT, "title": ATTRIBUTE_BREAKOUT}},
        scan_notes=(ScanNote(kind="file-too-large", message=SCRIPT, path=ATTRIBUTE_BREAKOUT),),
        ignored={"QA999": SCRIPT},
    )
    report = replace_check(
        report, "RP201",
        message=f"Unpinned: {SCRIPT}",
        evidence=(Evidence(path=f"req/{ATTRIBUTE_BREAKOUT}.txt", line=4, excerpt=f"{SCRIPT} {ATTRIBUTE_BREAKOUT}"),),
        fix=f"Pin {ATTRIBUTE_BREAKOUT} {HOSTILE}\n\n{FENCED}",
        question=f"Why {SCRIPT}?",
    )
    return hostile_story(report)


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
                              "talking_points", "results", "readme_suggestions", "scan_notes", "ignored"]
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
    """Every start tag with its attributes, in document order, and the text inside each <script>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def _parsed(page: str) -> _TagCollector:
    collector = _TagCollector()
    collector.feed(page)
    return collector


def _tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    return _parsed(page).tags


def _ids(page: str) -> list[str]:
    return [attrs["id"] for _tag, attrs in _tags(page) if attrs.get("id")]


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _between(page: str, start_id: str, end_id: str) -> str:
    return page.split(f'id="{start_id}"', 1)[1].split(f'id="{end_id}"', 1)[0]


def test_html_escapes_every_hostile_string_from_the_repository() -> None:
    page = html.render(hostile_report())
    parsed = _parsed(page)
    for payload in (SCRIPT, ATTRIBUTE_BREAKOUT, IFRAME):
        assert payload not in page
        assert str(escape(payload)) in page
    assert parsed.scripts == [html.script()]  # the one script is ours, and nothing else runs
    tag_names = {tag for tag, _ in parsed.tags}
    assert not {"img", "iframe", "object", "embed", "base", "form", "link", "image", "use"} & tag_names
    assert not any(name.startswith("on") for _tag, attrs in parsed.tags for name in attrs)
    links = [value for _tag, attrs in parsed.tags for name, value in attrs.items() if name in ("href", "src")]
    assert links and all((value or "").startswith("#") for value in links)  # in-page links only


@pytest.mark.parametrize("field", ["walkthrough", "question", "gap", "results", "suggestion", "fix"])
def test_html_story_fields_show_hostile_text_as_text(field: str) -> None:
    page = html.render(hostile_report())
    sections = {"walkthrough": ("walkthrough", "questions"), "question": ("questions", "gaps"),
                "gap": ("gaps", "other-points"), "results": ("results", "findings"),
                "suggestion": ("readme-suggestions", "scan-notes"), "fix": ("area-reproducibility", "area-quality")}
    part = _between(page, *sections[field])
    assert str(escape(SCRIPT)) in part
    assert "<script" not in part and "<iframe" not in part and "<img" not in part and "href=" not in part
    assert "javascript:alert(1)" in part  # shown as text, never as a link


def test_html_fenced_fix_text_is_a_copyable_snippet_with_its_content_escaped() -> None:
    page = html.render(hostile_report())
    gap = _between(page, "gaps", "other-points")
    assert f'<pre class="copyable"><code>{escape(SCRIPT)}\n</code></pre>' in gap
    assert '<span class="snippet-label">&#34;&gt;&lt;img</span>' in gap  # the info string's first word, escaped


def test_html_markdown_in_text_renders_code_only() -> None:
    report = make_report(talking_points=(TalkingPoint(
        kind="gap", text="Split `src/__init__.py` and src/__main__.py; *stars* stay [text](https://x.org)",
        fix="Run:\n\n```bash\npip install -r requirements.txt\n```"),))
    gaps = _between(html.render(report), "gaps", "readme-suggestions")
    assert "<code>src/__init__.py</code> and src/__main__.py; *stars* stay [text](https://x.org)" in gaps
    assert "<strong>main</strong>" not in gaps and "<em>" not in gaps and "<a " not in gaps
    assert '<span class="snippet-label">bash</span>' in gaps
    assert '<pre class="copyable"><code>pip install -r requirements.txt\n</code></pre>' in gaps


def test_html_content_security_policy_allows_only_its_own_style_and_script() -> None:
    page = html.render(make_report())
    parsed = _parsed(page)
    metas = [attrs for tag, attrs in parsed.tags if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"]
    assert len(metas) == 1
    styles = re.findall(r"<style>(.*?)</style>", page, flags=re.DOTALL)
    assert len(styles) == 1 and len(parsed.scripts) == 1
    assert metas[0]["content"] == (f"default-src 'none'; script-src {_sha256(parsed.scripts[0])}; "
                                   f"style-src {_sha256(styles[0])}; img-src data:; base-uri 'none'; form-action 'none'")
    assert not any("style" in attrs for _tag, attrs in parsed.tags)  # a hash does not cover style=""
    assert not any(tag == "script" and attrs for tag, attrs in parsed.tags)  # no src, no type tricks


def test_pages_without_a_script_get_no_script_source() -> None:
    policy = html.content_security_policy(html.stylesheet())
    assert "script-src" not in policy and policy.startswith("default-src 'none'; style-src 'sha256-")


def test_html_requests_nothing_from_the_network() -> None:
    for page in (html.render(make_report()), html.render(hostile_report())):
        tags = _tags(page)
        assert not {"link", "img", "iframe", "object", "embed", "base", "form", "image", "use"} & {t for t, _ in tags}
        for _tag, attrs in tags:
            for name in ("src", "href", "xlink:href", "srcset", "action", "poster", "data"):
                value = (attrs.get(name) or "").strip().lower()
                assert not value.startswith(("http://", "https://", "//", "javascript:", "data:")), (name, value)
        assert re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, flags=re.IGNORECASE) is None
        assert "@import" not in page and "url(" not in page
        assert "fetch(" not in html.script() and "XMLHttpRequest" not in html.script()


def test_html_is_one_accessible_html5_page() -> None:
    page = html.render(make_report())
    tags = _tags(page)
    names = [t for t, _ in tags]
    assert page.startswith("<!DOCTYPE html>")
    assert ("html", {"lang": "en"}) in tags
    assert names.count("h1") == 1
    assert {"h2", "h3", "h4", "main", "header", "footer", "nav"} <= set(names)
    assert ("a", {"class": "skip-link", "href": "#main"}) in tags and ("main", {"id": "main", "class": "wrap", "tabindex": "-1"}) in tags
    levels = [int(t[1]) for t in names if re.fullmatch(r"h[1-6]", t)]
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), "a heading level is skipped"
    for table in re.findall(r"<table.*?</table>", page, flags=re.DOTALL):
        assert "<caption" in table and 'scope="col"' in table
    assert ":focus-visible" in html.stylesheet() and "@media print" in html.stylesheet()


def test_html_sections_come_in_reading_order() -> None:
    ids = _ids(html.render(make_report()))
    expected = ["summary", "area-chart", "top-fixes", "results", "results-chart", "findings", "talking-points",
                "walkthrough", "questions", "gaps", "readme-suggestions", "scan-notes", "ignored", "facts", "review-sheet"]
    assert [i for i in ids if i in expected] == expected


def test_html_table_of_contents_links_to_existing_sections() -> None:
    page = html.render(make_report())
    toc = page[page.index('class="toc"'):page.index("</nav>")]
    targets = re.findall(r'href="#([^"]+)"', toc)
    assert targets[:5] == ["summary", "results", "findings", "talking-points", "readme-suggestions"]
    assert set(targets) <= set(_ids(page))


def test_html_labels_status_in_text_not_only_colour() -> None:
    page = html.render(make_report())
    for label in ("FAIL", "WARN", "PASS", "SKIP", "ERROR"):
        assert f">{label}</span>" in page
    for state in ("Shown", "Partly shown", "Gap"):
        assert f">{state}</span>" in page


def test_html_at_a_glance_shows_score_level_its_meaning_and_an_area_chart() -> None:
    page = html.render(make_report())
    glance = _between(page, "summary", "top-fixes")
    assert "<h1>churn-model</h1>" in page and "3f9a1c0" in page
    assert ">67<" in glance and "Needs work" in glance and readiness(67).meaning in glance
    chart = re.search(r'<svg class="chart" id="area-chart".*?</svg>', glance, flags=re.DOTALL).group(0)
    assert 'role="img"' in chart and 'aria-labelledby="area-chart-title area-chart-desc"' in chart
    assert "<title id=\"area-chart-title\">" in chart
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", chart).group(1)
    assert desc == ("README clarity: 82 out of 100, Almost there. Reproducibility: 41 out of 100, Not ready yet. "
                    "Metric reporting: no check applied. Code quality: 90 out of 100, Ready to show.")
    for label in ("README clarity", "82 · Almost there", "n/a · no check applied", "90 · Ready to show"):
        assert f">{label}</text>" in chart


def test_every_readiness_level_says_what_it_means() -> None:
    meanings = {readiness(score).meaning for score in (100, 84, 69, 49)}
    assert len(meanings) == 4 and all(m.endswith(".") and len(m) < 140 for m in meanings)


def test_html_top_fixes_are_the_three_worth_the_most_points() -> None:
    report = replace_check(make_report(), "RP202", status=Status.WARN, fix="Add a CI workflow.", points=2.0)
    top = _between(html.render(report), "top-fixes", "results")
    assert "The three fixes worth the most points" in top
    assert top.count('class="fix-item"') == 3
    assert top.index("+12 pts") < top.index("+4 pts") < top.index("+2 pts") and "+&lt;1 pt" not in top
    assert "requirements.txt:4" in top and "<code>xgboost==2.1.1</code>" in top


def test_html_results_table_marks_baseline_and_best_with_their_sources() -> None:
    results = _between(html.render(make_report()), "results", "findings")
    table = results[results.index("<table"):results.index("</table>")]
    assert "<caption" in table and table.count('scope="row"') == 5
    headers = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table, flags=re.DOTALL)
    assert [re.sub(r"<[^>]+>", "", h).strip() for h in headers] == [
        "Model or run", "ROC-AUC ↑ primary", "Accuracy", "Where it is written"]
    rows = re.findall(r"<tr.*?</tr>", table, flags=re.DOTALL)[1:]
    assert 'class="row-baseline"' in rows[0] and ">Baseline</span>" in rows[0] and "README.md:31" in rows[0]
    assert 'class="row-best"' in rows[3] and ">Best</span>" in rows[3]
    assert "Run store · run <code>b71c2d9e04f5</code>" in rows[3] and "mlruns/0/b71c2d9e04f5" in rows[3]
    assert "notebooks/eda.ipynb, cell 14" in rows[4] and ">—</td>" in rows[4]
    assert "14 tracked runs tried in all" in results


def test_html_results_chart_compares_best_with_baseline() -> None:
    results = _between(html.render(make_report()), "results", "findings")
    chart = re.search(r'<svg class="chart" id="results-chart".*?</svg>', results, flags=re.DOTALL).group(0)
    assert ">Baseline: Logistic regression (baseline)</text>" in chart and ">Best: xgb-depth6</text>" in chart
    assert ">0.78</text>" in chart and ">0.861</text>" in chart
    assert "Difference: +0.081 (higher is better)" in chart
    assert "beats the baseline, Logistic regression (baseline), by 0.081" in results


def test_html_without_results_says_what_is_missing_and_draws_no_chart() -> None:
    results = _between(html.render(make_report(results=None)), "results", "findings")
    assert "found no metric values" in results and "<svg" not in results and "<table" not in results


def test_html_walkthrough_has_nine_numbered_steps_with_minutes_and_state() -> None:
    walkthrough = _between(html.render(make_report()), "walkthrough", "questions")
    assert "Your walkthrough" in walkthrough and "(13 minutes)" in walkthrough
    steps = re.findall(r'<li class="step step-(\w+)">.*?<span class="step-title">(.*?)</span> <span class="step-minutes">(\d+) min',
                       walkthrough, flags=re.DOTALL)
    assert [title for _state, title, _minutes in steps] == [
        "Problem", "Data", "Baseline", "Models tried", "Validation", "Results", "Trade-offs", "Business impact",
        "Limitations and next steps"]
    assert [state for state, _title, _minutes in steps] == ["shown"] * 4 + ["partial", "shown"] + ["gap"] * 3
    assert sum(int(m) for _s, _t, m in steps) == 13
    assert walkthrough.count("What to add:") == 3 and walkthrough.count("To make it stronger:") == 1
    assert '<pre class="copyable"><code>Calling the top 10% catches 61% of churners.\n</code></pre>' in walkthrough
    assert "README.md:3" in walkthrough and "Predict which subscribers cancel" in walkthrough


def test_html_questions_say_why_they_come_up_and_what_a_strong_answer_covers() -> None:
    questions = _between(html.render(make_report()), "questions", "gaps")
    assert questions.count('<li class="question-item">') == 2
    assert "<h4>“Why ROC-AUC and not accuracy?”</h4>" in questions
    assert questions.count("Why it will come up:") == 2 and questions.count("A strong answer covers:") == 2
    assert "<code>no churn</code>" in questions and "README.md:30" in questions


def test_html_question_without_a_title_uses_its_text_as_the_question() -> None:
    point = TalkingPoint(kind="question", text="How would you monitor drift?")
    questions = _between(html.render(make_report(talking_points=(point,))), "questions", "readme-suggestions")
    assert "<h4>“How would you monitor drift?”</h4>" in questions and "Why it will come up" not in questions


def test_html_gaps_keep_their_rank_and_show_each_fix() -> None:
    gaps = _between(html.render(make_report()), "gaps", "readme-suggestions")
    assert gaps.index("No business impact sentence") < gaps.index("No CI runs your 4 tests")
    assert gaps.count("<strong class=\"fix-label\">Fix:</strong>") == 2
    assert "<code>.github/workflows/tests.yml</code>" in gaps


def test_html_readme_suggestions_are_copyable_markdown_with_their_reason() -> None:
    suggestions = _between(html.render(make_report()), "readme-suggestions", "scan-notes")
    assert re.findall(r'<h3 id="suggestion-\d+">(.*?)</h3>', suggestions) == ["Setup", "Results"]
    assert "The README has no install commands." in suggestions
    assert ('<pre class="copyable"><code>## Setup\n\n```bash\npython -m venv .venv\npip install -r requirements.txt\n'
            '```\n</code></pre>') in suggestions
    assert suggestions.count('<span class="snippet-label">Markdown for README.md</span>') == 2
    assert "Built from:" in suggestions and "requirements.txt" in suggestions


def test_html_without_story_says_so_in_each_section() -> None:
    page = html.render(make_report(talking_points=(), results=None, readme_suggestions=()))
    assert "too little in this repository to suggest talking points" in page
    assert 'id="walkthrough"' not in page and 'id="questions"' not in page and 'id="gaps"' not in page
    assert "None: the README already has the sections" in page


def test_html_shows_an_unknown_talking_point_kind_under_more_to_mention() -> None:
    page = html.render(make_report(talking_points=(TalkingPoint(kind="custom", text="Mention the GPU budget."),)))
    assert "More to mention" in _between(page, "other-points", "readme-suggestions")


def test_html_collapses_passed_and_skipped_checks_and_shows_sections() -> None:
    page = html.render(make_report())
    assert "<summary>Passed checks (1)</summary>" in page
    assert "<summary>Skipped checks (1)</summary>" in page
    assert "The check raised ValueError" in page  # errors are shown, not collapsed
    assert "A panel may ask:" in page
    for heading in ("Your walkthrough", "Questions a panel is likely to ask", "Gaps worth fixing before the interview",
                    "Suggested README sections", "Results at a glance", "What portcheck could not read", "Ignored checks"):
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


def test_html_prints_without_chrome_and_with_details_open() -> None:
    printing = html.stylesheet()[html.stylesheet().index("@media print"):]
    assert re.search(r"\.skip-link, \.toc, \.copy-button \{ display: none; \}", printing)
    assert "details::details-content { content-visibility: visible; display: block; }" in printing
    assert "break-inside: avoid" in printing and "break-before: page" in printing


def test_html_is_deterministic() -> None:
    assert html.render(make_report()) == html.render(make_report())
    assert html.render(hostile_report()) == html.render(hostile_report())


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
    return MarkdownIt("commonmark").enable("table").render(text)  # raw HTML on, as GitHub reads it


def _md_part(text: str, heading: str, end: str | None = None) -> str:
    part = text.split(heading, 1)[1]
    return part.split(end, 1)[0] if end else part


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


def test_markdown_story_fields_cannot_inject_markup() -> None:
    text = markdown.render(hostile_report())
    rendered = _markdown_html(text)
    for payload in (SCRIPT, IFRAME, ATTRIBUTE_BREAKOUT):
        assert payload not in rendered  # in a fenced block the payload is code, which the reader escapes
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered and "&lt;iframe src=javascript:alert(1)&gt;" in rendered
    tags = {tag for tag, _attrs in _tags(rendered)}
    assert tags <= {"h1", "h2", "h3", "p", "code", "pre", "strong", "table", "thead", "tbody", "tr", "th", "td",
                    "ul", "ol", "li", "details", "summary", "b"}, tags
    assert not any(attrs for tag, attrs in _tags(rendered) if tag not in ("pre", "code", "th", "td", "ol"))
    assert "javascript:alert(1)" in rendered  # as text


def test_markdown_fence_is_longer_than_any_backtick_run_inside() -> None:
    suggestion = ReadmeSuggestion(section="Usage", reason="No usage.",
                                  markdown="## Usage\n\n````bash\npython train.py\n````\n\n```\n## Not a heading\n")
    text = markdown.render(make_report(readme_suggestions=(suggestion,)))
    assert "`````markdown\n## Usage\n\n````bash\n" in text and "\n## Not a heading\n`````" in text
    rendered = _markdown_html(text)
    blocks = re.findall(r'<pre><code class="language-markdown">(## Usage.*?)</code></pre>', rendered, flags=re.DOTALL)
    assert blocks == ["## Usage\n\n````bash\npython train.py\n````\n\n```\n## Not a heading\n"]
    assert "<h2>Not a heading" not in rendered


def test_markdown_fence_of_an_empty_or_backtick_free_snippet_is_three_backticks() -> None:
    assert markdown.md_fence("a\n") == "```\na\n```"
    assert markdown.md_fence("", "py thon`") == "```python\n```"
    assert markdown.md_fence("x ```` y") == "`````\nx ```` y\n`````"


def test_markdown_results_table_marks_baseline_and_best() -> None:
    text = markdown.render(make_report())
    results = _md_part(text, "## Results at a glance", "## Findings")
    assert "beats the baseline, Logistic regression (baseline), by 0.081" in results
    assert "14 tracked runs tried in all." in results
    assert "| Model or run | ROC-AUC (primary) | Accuracy | Where |" in results
    assert "| Logistic regression (baseline) **baseline** | 0.78 | 0.91 | README, <code>README.md:31</code> |" in results
    assert "| xgb-depth6 **best** | 0.861 | 0.95 | Run store · run <code>b71c2d9e04f5</code>" in results
    rendered = _markdown_html(results)
    assert rendered.count("<tr>") == 6


def test_markdown_walkthrough_lists_nine_steps_with_minutes_and_gaps_marked() -> None:
    text = markdown.render(make_report())
    walkthrough = _md_part(text, "### Your walkthrough (13 minutes)", "### Questions")
    steps = re.findall(r"^(\d+)\. \*\*(.+?)\*\* \((\d+) min, (.+?)\):", walkthrough, flags=re.MULTILINE)
    assert [int(n) for n, *_ in steps] == list(range(1, 10))
    assert [state for *_, state in steps] == ["shown"] * 4 + ["partly shown", "shown"] + ["**gap**"] * 3
    assert walkthrough.count("   - What to add: ") == 3
    assert "   - To make it stronger: Report the spread over the folds, e.g. <code>PR-AUC 0.43 ± 0.02</code>." in walkthrough
    assert "     ```markdown\n     Calling the top 10% catches 61% of churners.\n     ```" in walkthrough
    rendered = _markdown_html(walkthrough)
    assert rendered.count("<ol>") == 1 and '<code class="language-markdown">' in rendered


def test_markdown_questions_and_gaps_carry_why_answer_and_fix() -> None:
    text = markdown.render(make_report())
    questions = _md_part(text, "### Questions a panel is likely to ask", "### Gaps")
    assert "- **“Why ROC-AUC and not accuracy?”**\n  - Why it will come up: Your README reports accuracy" in questions
    assert "  - A strong answer covers: A model that always predicts <code>no churn</code> scores" in questions
    gaps = _md_part(text, "### Gaps worth fixing before the interview", "## Suggested README sections")
    assert gaps.index("1. No business impact") < gaps.index("2. No CI runs your 4 tests.")
    assert "   - Fix: Add <code>.github/workflows/tests.yml</code> that runs <code>pytest</code>." in gaps


def test_markdown_later_paragraphs_cannot_start_lists_or_rules() -> None:
    assert markdown.md_blocks("first\n\n- item\n\n1. step\n\n---", indent="  ") == "first\n\n  \\- item\n\n  1\\. step\n\n  \\---"


def test_markdown_has_title_area_table_top_three_fixes_findings_and_talking_points() -> None:
    report = replace_check(make_report(), "RP202", status=Status.WARN, fix="Add a CI workflow.", points=2.0)
    text = markdown.render(report)
    assert text.startswith(f"# portcheck: 67/100 — Needs work\n\n{readiness(67).meaning}\n")
    assert "| Metric reporting | n/a |" in text
    top = text.split("## Top fixes", 1)[1].split("## Results", 1)[0]
    assert top.count("| +") == 3 and "No machine-specific absolute paths" not in top  # 4 findings, top 3
    assert text.count("<details>") == 3 and text.count("</details>") == 3
    assert "<summary><b>Reproducibility</b> (41/100)" in text
    tokens = MarkdownIt("commonmark").parse(text)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[1:] == [
        "Top fixes", "Results at a glance", "Findings", "Talking points", "Your walkthrough (13 minutes)",
        "Questions a panel is likely to ask", "Gaps worth fixing before the interview", "Suggested README sections",
        "Setup", "Results"]


def test_markdown_without_story_leaves_its_sections_out() -> None:
    text = markdown.render(make_report(talking_points=(), results=None, readme_suggestions=()))
    for heading in ("## Results at a glance", "## Talking points", "## Suggested README sections"):
        assert heading not in text


@pytest.mark.parametrize(("threshold", "verdict"), [
    (60, "meets the threshold of 60"), (70, "**below the threshold of 70**"), (None, None),
])
def test_markdown_states_whether_the_score_meets_the_threshold(threshold: int | None, verdict: str | None) -> None:
    title = markdown.render(make_report(fail_under=threshold)).split("\n\n", 3)[2]
    assert title.startswith("<code>churn-model</code>")
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
