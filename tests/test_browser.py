"""Every sample project's HTML report opened in a real headless Chromium: the page has its sections,
breaks no Content-Security-Policy rule, throws no script error, asks the network for nothing, fits a
phone's width, and leaves screenshots (desktop 1280 and phone 390 CSS pixels wide) as artifacts in
$PORTCHECK_ARTIFACTS (else the test's temp folder).

Chromium is a Debian package (`apt-get install chromium`); .ci/run installs it and sets
PORTCHECK_REQUIRE_BROWSER=1 so that a missing browser fails CI instead of skipping.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import chromium
import pytest
from conftest import SAMPLES, copy_sample

from portcheck.analyzer.model import Report
from portcheck.reports import html
from portcheck.reports.results_view import results_view

pytestmark = pytest.mark.browser

SAMPLE_NAMES = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir())
ALWAYS = ["main", "summary", "area-chart", "top-fixes", "results", "findings", "talking-points",
          "readme-suggestions", "scan-notes", "facts", "review-sheet"]
VIEWPORTS = {"desktop": (1280, False), "phone": (390, True)}


@pytest.fixture(scope="module")
def browser() -> str:
    return chromium.require_chromium()


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory) -> Path:
    folder = os.environ.get("PORTCHECK_ARTIFACTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


def expected_sections(report: Report) -> list[str]:
    """The ids the page must have: the fixed sections, and the story's parts where the scan found them."""
    kinds = {tp.kind for tp in report.talking_points}
    optional = {"walkthrough": "walkthrough" in kinds, "questions": "question" in kinds, "gaps": "gap" in kinds,
                "ignored": bool(report.ignored)}
    view = results_view(report.results)
    optional["results-chart"] = view is not None and view.comparison is not None
    return ALWAYS + [section for section, present in optional.items() if present]


@pytest.mark.parametrize("sample", SAMPLE_NAMES)
def test_sample_report_opens_in_chromium_complete_and_clean(sample: str, browser: str, tmp_path: Path,
                                                            artifacts: Path) -> None:
    from portcheck.analyzer.scan import scan

    report = scan(copy_sample(sample, tmp_path / "repos"))
    page = tmp_path / f"{sample}.html"
    page.write_text(html.render(report), encoding="utf-8")

    dom = chromium.run(tmp_path / "profile-dom", "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert chromium.page_problems(dom.stderr) == []  # no CSP violation, no uncaught script error
    ids = set(re.findall(r'\bid="([^"]+)"', dom.stdout))
    missing = [section for section in expected_sections(report) if section not in ids]
    assert not missing, f"{sample}: sections missing from the page: {missing}"
    assert f">{report.scores.overall}<" in dom.stdout
    snippets = dom.stdout.count('class="snippet"')
    assert dom.stdout.count('class="copy-button"') == snippets  # the script ran, under the page's own policy

    with chromium.Session(tmp_path / "profile-session") as session:
        for name, (width, mobile) in VIEWPORTS.items():
            session.open(page.as_uri(), width=width, mobile=mobile)
            overflow = session.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{sample}: the page scrolls sideways by {overflow}px at {width}px"
            shot = session.screenshot(artifacts / f"{sample}-{name}.png")
            assert shot.stat().st_size > 10_000
        assert session.errors == []
        assert set(session.requests) == {page.as_uri()}  # the page itself, nothing else
    assert chromium.page_problems(session.log) == []
