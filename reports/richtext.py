"""Text that may hold Markdown code (fixes, answers, talking points) turned into safe HTML, or into
blocks and spans that the Markdown report lays out with its own escaping.

Only the Markdown a fix needs is read: `code spans`, fenced code blocks and paragraphs. Everything
else stays the text it was written as: raw HTML is escaped (markdown-it's `html` option is off),
and links, images, autolinks, emphasis and headings are not parsed at all, so no `javascript:` or
remote URL can become an attribute and a path such as `src/__init__.py` is not turned into bold
text. A fenced block is laid out as a copyable snippet (`pre.copyable`, see copy.js).
"""
from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup, escape

_BLOCK_RULES = ["fence", "backticks", "newline"]


def _language(token: Token) -> str:
    """A fence's language: the first word of its info string, or ""."""
    words = token.info.split(maxsplit=1)
    return words[0] if words else ""


def _fence(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    """A fenced block as a snippet: its language (as a label) over a `<pre>` a copy button can target."""
    token = tokens[idx]
    language = _language(token)
    label = f'<span class="snippet-label">{escape(language)}</span>' if language else ""
    return (f'<div class="snippet"><div class="snippet-bar">{label}</div>'
            f'<pre class="copyable"><code>{escape(token.content)}</code></pre></div>\n')


@functools.cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False}).enable(_BLOCK_RULES)
    md.add_render_rule("fence", _fence)
    return md


def rich_text(text: str | None) -> Markup:
    """Text as HTML paragraphs, with `code spans` and fenced code blocks rendered; all else escaped."""
    if not text:
        return Markup("")
    return Markup(_parser().render(text))  # markdown-it escapes every text run; html is off


def rich_inline(text: str | None) -> Markup:
    """One line of text with `code spans` rendered and everything else escaped (no block structure)."""
    if not text:
        return Markup("")
    return Markup(_parser().renderInline(" ".join(text.split())))


@dataclass(frozen=True, kw_only=True)
class Span:
    """A run of text in a paragraph: plain text, or the content of a code span."""

    text: str
    code: bool = False


@dataclass(frozen=True, kw_only=True)
class Block:
    """A paragraph (its spans) or a fenced code block (its content and the fence's language)."""

    spans: tuple[Span, ...] = ()
    code: str | None = None
    language: str = ""


def blocks(text: str | None) -> list[Block]:
    """The text read exactly as `rich_text` reads it: paragraphs of spans, and fenced code blocks."""
    if not text:
        return []
    found: list[Block] = []
    for token in _parser().parse(text):
        if token.type == "fence":
            found.append(Block(code=token.content, language=_language(token)))
        elif token.type == "inline":
            found.append(Block(spans=tuple(_spans(token.children or []))))
    return found


def _spans(children: Sequence[Token]) -> list[Span]:
    spans: list[Span] = []
    for child in children:
        if child.type == "code_inline":
            spans.append(Span(text=child.content, code=True))
        else:
            piece = child.content if child.type == "text" else " "  # softbreak / hardbreak
            if spans and not spans[-1].code:
                spans[-1] = Span(text=spans[-1].text + piece)
            else:
                spans.append(Span(text=piece))
    return spans
