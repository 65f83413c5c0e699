"""The HTML report's printable review sheet: walkthrough points and likely questions, each with ruled
space for notes; a section on screen, pages of its own in print, the sheet alone when printed at
#review-sheet. No script is involved."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from report_factory import make_report

from portcheck.analyzer.model import Evidence, TalkingPoint
from portcheck.reports import html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCRIPT = "<script>alert(1)</script>"


class _Sheet(HTMLParser):
    """The review sheet's items in order: ("heading", text), ("point", text), ("lines", count)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # <section> nesting inside the sheet; 0 = outside
        self.items: list[tuple[str, object]] = []
        self._capture: str | None = None
        self._in_lines = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and (self.depth or attrs.get("id") == "review-sheet"):
            self.depth += 1
        if not self.depth:
            return
        if tag == "h3":
            self._capture = "heading"
        elif tag == "li" and attrs.get("class") == "sheet-item":
            self._capture = "point"
        elif tag == "div" and attrs.get("class") == "note-lines":
            self._in_lines = True
            self.items.append(("lines", 0))
        elif tag == "span" and self._in_lines:
            kind, count = self.items[-1]
            self.items[-1] = (kind, count + 1)

    def handle_endtag(self, tag):
        if tag == "section" and self.depth:
            self.depth -= 1
        if tag == "div":
            self._in_lines = False

    def handle_data(self, data):
        if self._capture and data.strip():
            self.items.append((self._capture, data.strip()))
            self._capture = None


def _sheet(page: str) -> list[tuple[str, object]]:
    parser = _Sheet()
    parser.feed(page)
    return parser.items


def test_sheet_lists_walkthrough_then_questions_each_followed_by_ruled_lines() -> None:
    report = make_report()
    items = _sheet(html.render(report))
    walkthrough = [tp.text for tp in report.talking_points if tp.kind == "walkthrough"]
    questions = [tp.text for tp in report.talking_points if tp.kind == "question"]
    assert walkthrough and questions
    expected = [("heading", "Your walkthrough")]
    expected += [entry for text in walkthrough for entry in (("point", text), ("lines", 3))]
    expected += [("heading", "Questions a panel is likely to ask")]
    expected += [entry for text in questions for entry in (("point", text), ("lines", 3))]
    expected += [("heading", "Overall notes"), ("lines", 6)]
    assert items == expected


def test_sheet_leaves_out_gaps_and_is_reachable_from_the_contents() -> None:
    report = make_report()
    page = html.render(report)
    sheet = page[page.index('id="review-sheet"'):]
    gaps = [tp.text for tp in report.talking_points if tp.kind == "gap"]
    assert gaps and not any(gap in sheet for gap in gaps)
    toc = page[page.index('class="toc"'):page.index("</nav>")]
    assert 'href="#review-sheet"' in toc
    assert "<script" not in page


def test_sheet_names_the_repository_commit_and_score_and_has_fields_to_fill() -> None:
    report = make_report()
    sheet = html.render(report)[html.render(report).index('id="review-sheet"'):]
    assert "Review sheet: churn-model</h2>" in sheet
    assert f"Commit <code>{report.commit[:7]}</code>" in sheet and f"overall {report.scores.overall}/100" in sheet
    assert re.findall(r"<dt>(\w+)</dt><dd></dd>", sheet) == ["Candidate", "Reviewer", "Date"]


def test_sheet_without_talking_points_still_has_room_for_notes() -> None:
    page = html.render(make_report(talking_points=()))
    assert _sheet(page) == [("heading", "Overall notes"), ("lines", 6)]
    assert "too little in this repository to suggest a walkthrough" in page


def test_sheet_escapes_repository_text() -> None:
    point = TalkingPoint(kind="question", text=f"Why {SCRIPT}?", evidence=(Evidence(path="a.py", line=1),))
    page = html.render(make_report(talking_points=(point,)))
    sheet = page[page.index('id="review-sheet"'):]
    assert SCRIPT not in sheet and "Why &lt;script&gt;alert(1)&lt;/script&gt;?" in sheet


def test_print_styles_put_the_sheet_on_its_own_pages_and_alone_when_targeted() -> None:
    css = html.stylesheet()
    printing = css[css.index("@media print"):]
    assert re.search(r"\.review-sheet \{ break-before: page; \}", printing)
    assert "body:has(#review-sheet:target) main > :not(#review-sheet)" in printing
    assert ".note-lines span" in css[:css.index("@media print")]  # ruled lines show on screen too


def _pages(pdf: bytes) -> int:
    return max(int(n) for n in re.findall(rb"/Count (\d+)", pdf))


@pytest.mark.browser
def test_chromium_prints_the_sheet_alone_at_its_address(tmp_path) -> None:
    if CHROMIUM is None:
        if os.environ.get("PORTCHECK_REQUIRE_BROWSER"):
            pytest.fail("chromium is required (PORTCHECK_REQUIRE_BROWSER is set) but not installed")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    page = tmp_path / "report.html"
    page.write_text(html.render(make_report()), encoding="utf-8")
    pages = {}
    for name, address in (("whole", page.as_uri()), ("sheet", page.as_uri() + "#review-sheet")):
        pdf = tmp_path / f"{name}.pdf"
        done = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                               "--disable-background-networking", "--no-pdf-header-footer",
                               f"--user-data-dir={tmp_path / 'profile'}", f"--print-to-pdf={pdf}", address],
                              capture_output=True, text=True, timeout=120)
        assert pdf.exists(), done.stderr[-2000:]
        assert "Refused to" not in done.stderr
        pages[name] = _pages(pdf.read_bytes())
    assert 1 <= pages["sheet"] < pages["whole"]
