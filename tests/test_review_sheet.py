"""The HTML report's printable review sheet: the walkthrough's steps (with minutes and whether the
repository shows them) and the likely questions (with what a strong answer covers), each with ruled
space for notes; a section on screen, pages of its own in print, the sheet alone when printed at
#review-sheet. It works without the page's script."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import chromium
import pytest
from report_factory import make_report

from portcheck.analyzer.model import Evidence, TalkingPoint
from portcheck.reports import html

SCRIPT = "<script>alert(1)</script>"


class _Sheet(HTMLParser):
    """The review sheet's items in order: ("heading", text), ("point", text), ("detail", text), ("lines", count)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # <section> nesting inside the sheet; 0 = outside
        self.items: list[tuple[str, object]] = []
        self._capture: str | None = None
        self._text = ""
        self._in_lines = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "section" and (self.depth or attrs.get("id") == "review-sheet"):
            self.depth += 1
        if not self.depth:
            return
        if tag == "h3":
            self._start("heading")
        elif tag == "p" and "sheet-point" in classes:
            self._start("point")
        elif tag == "div" and "sheet-detail" in classes:
            self._start("detail")
        elif tag == "div" and "note-lines" in classes:
            self._in_lines = True
            self.items.append(("lines", 0))
        elif tag == "span" and self._in_lines:
            kind, count = self.items[-1]
            self.items[-1] = (kind, count + 1)

    def _start(self, kind: str) -> None:
        self._capture, self._text = kind, ""

    def handle_endtag(self, tag):
        if tag == "section" and self.depth:
            self.depth -= 1
        if self._capture and tag in ("h3", "p", "div") and (tag != "p" or self._capture != "detail"):
            self.items.append((self._capture, " ".join(self._text.split())))
            self._capture = None
        elif tag == "div":
            self._in_lines = False

    def handle_data(self, data):
        if self._capture:
            self._text += data


def _sheet(page: str) -> list[tuple[str, object]]:
    parser = _Sheet()
    parser.feed(page)
    return parser.items


def test_sheet_lists_walkthrough_steps_then_questions_each_followed_by_ruled_lines() -> None:
    report = make_report()
    items = _sheet(html.render(report))
    steps = [tp for tp in report.talking_points if tp.kind == "walkthrough"]
    questions = [tp for tp in report.talking_points if tp.kind == "question"]
    assert len(steps) == 9 and questions
    states = {True: "Shown", False: "Gap"}
    expected: list[tuple[str, object]] = [("heading", "Your walkthrough (13 minutes)")]
    for step in steps:
        state = "Partly shown" if step.shown and step.fix else states[bool(step.shown)]
        expected += [("point", f"{step.title} · {step.minutes} min · {state}"), ("detail", step.text.replace("`", "")),
                     ("lines", 3)]
    expected += [("heading", "Questions a panel is likely to ask")]
    for question in questions:
        answer = question.answer.replace("`", "")
        expected += [("point", question.title), ("detail", f"A strong answer covers: {answer}"), ("lines", 3)]
    expected += [("heading", "Overall notes"), ("lines", 6)]
    assert items == expected


def test_sheet_leaves_out_gaps_and_fixes_and_is_reachable_from_the_contents() -> None:
    report = make_report()
    page = html.render(report)
    sheet = page[page.index('id="review-sheet"'):]
    gaps = [tp.text for tp in report.talking_points if tp.kind == "gap"]
    assert gaps and not any(gap in sheet for gap in gaps)
    assert "What to add" not in sheet and "Why it will come up" not in sheet
    toc = page[page.index('class="toc"'):page.index("</nav>")]
    assert 'href="#review-sheet"' in toc


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
    points = (TalkingPoint(kind="question", text=f"Why {SCRIPT}?", evidence=(Evidence(path="a.py", line=1),)),
              TalkingPoint(kind="question", title=f"How {SCRIPT}?", text="Because.", answer=f"Cover {SCRIPT}."),
              TalkingPoint(kind="walkthrough", topic="problem", title=SCRIPT, text=SCRIPT, minutes=1, shown=True))
    page = html.render(make_report(talking_points=points))
    sheet = page[page.index('id="review-sheet"'):]
    assert SCRIPT not in sheet
    for text in ("Why &lt;script&gt;alert(1)&lt;/script&gt;?", "How &lt;script&gt;alert(1)&lt;/script&gt;?",
                 "Cover &lt;script&gt;alert(1)&lt;/script&gt;.", "<strong>&lt;script&gt;alert(1)&lt;/script&gt;</strong>"):
        assert text in sheet


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
    page = tmp_path / "report.html"
    page.write_text(html.render(make_report()), encoding="utf-8")
    pages = {}
    for name, address in (("whole", page.as_uri()), ("sheet", page.as_uri() + "#review-sheet")):
        pdf = tmp_path / f"{name}.pdf"
        done = chromium.run(tmp_path / f"profile-{name}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}", address)
        assert pdf.exists(), done.stderr[-2000:]
        assert chromium.page_problems(done.stderr) == []
        pages[name] = _pages(pdf.read_bytes())
    assert 1 <= pages["sheet"] < pages["whole"]
