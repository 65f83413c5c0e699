"""Text with Markdown code (fixes, answers, talking points): code spans and fenced blocks rendered,
everything else escaped text; the Markdown report reads the same blocks."""
from __future__ import annotations

import re

import pytest

from portcheck.reports.richtext import Block, Span, blocks, rich_inline, rich_text

SCRIPT = "<script>alert(1)</script>"


def test_code_spans_and_fenced_blocks_are_rendered() -> None:
    html = rich_text("Pin `xgboost==2.1.1`:\n\n```text\nxgboost==2.1.1\n```\n")
    assert html == ('<p>Pin <code>xgboost==2.1.1</code>:</p>\n<div class="snippet"><div class="snippet-bar">'
                    '<span class="snippet-label">text</span></div><pre class="copyable"><code>xgboost==2.1.1\n'
                    '</code></pre></div>\n')


@pytest.mark.parametrize("text", [
    SCRIPT, '<img src=x onerror="alert(1)">', "<iframe src=javascript:alert(1)></iframe>",
    "[x](javascript:alert(1))", "<javascript:alert(1)>", "![x](https://example.com/p.png)", "https://example.com",
    "[x](data:text/html;base64,PHNjcmlwdD4=)", "<a href='vbscript:msgbox(1)'>x</a>",
])
def test_html_links_and_images_stay_text(text: str) -> None:
    for html in (rich_text(text), rich_inline(text), rich_text(f"```\n{text}\n```")):
        tags = set(re.findall(r"<(\w+)", html))
        assert tags <= {"p", "div", "span", "pre", "code"}, tags
        assert not re.search(r"<[^>]*\b(?:href|src|on\w+)=", html)


def test_emphasis_headings_and_entities_are_not_interpreted() -> None:
    html = rich_text("# Not a heading: src/__init__.py and *x* **y** &amp; _z_")
    assert html == "<p># Not a heading: src/__init__.py and *x* **y** &amp;amp; _z_</p>\n"


def test_fence_language_is_escaped_and_only_its_first_word_kept() -> None:
    html = rich_text('```"><b>x</b> more\ncode\n```')
    assert '<span class="snippet-label">&#34;&gt;&lt;b&gt;x&lt;/b&gt;</span>' in html and "more" not in html


def test_inline_text_is_one_line_and_empty_text_is_empty() -> None:
    assert rich_inline("a\n\n  `b`  c") == "a <code>b</code> c"
    assert rich_text(None) == "" and rich_inline("") == ""


def test_blocks_read_the_text_as_the_html_does() -> None:
    assert blocks("Add `a|b`\nnext line\n\n```md\n## x\n```\nafter ``c ` d``") == [
        Block(spans=(Span(text="Add "), Span(text="a|b", code=True), Span(text=" next line"))),
        Block(code="## x\n", language="md"),
        Block(spans=(Span(text="after "), Span(text="c ` d", code=True))),
    ]
    assert blocks(None) == [] and blocks("") == []
