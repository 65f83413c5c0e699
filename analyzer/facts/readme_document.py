"""A README as one small document model, whatever its format.

Headings, prose blocks, code blocks, tables and link/image references, each with its 1-based line:

* Markdown: markdown-it-py (CommonMark plus tables). Raw HTML, block or inline, goes through
  `html.parser` for `<img>`, `<a href>`, headings, paragraphs and tables; HTML comments are ignored.
* reStructuredText: docutils, with file insertion, raw directives and configuration files disabled and
  reports silenced; nothing but the README text is ever read.
* Plain text (`.txt`, no extension): blank-line paragraphs, underlined / all-caps headings, indented or
  `$`-prompted lines as code.
"""
from __future__ import annotations

import bisect
import functools
import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ..repo import RepoView

# ==== the document model ===========================================================================

Cell = tuple[str, int]  # (text, line)


@dataclass
class Block:
    """A heading, prose block (paragraph, list item, HTML text), code block or table."""

    kind: str                       # "heading" | "text" | "code" | "table"
    text: str
    line: int
    level: int = 0                  # heading level
    lang: str = ""                  # code block language (fence info)
    rows: tuple[tuple[Cell, ...], ...] = ()   # table rows, header first
    links: tuple[tuple[str, int], ...] = ()   # (link target, offset in `text`)
    spans: tuple[Cell, ...] = ()    # inline code spans
    prose: str | None = None        # the text without inline code (None: same as `text`)

    @property
    def words(self) -> str:
        """The block's own words: its text with inline code blanked out."""
        return self.text if self.prose is None else self.prose


@dataclass(frozen=True)
class Ref:
    """A link or image reference."""

    target: str
    line: int
    image: bool
    alt: str | None = None


@dataclass
class Document:
    """A parsed README: its blocks in reading order and every link/image reference."""

    format: str
    lines: list[str]
    blocks: list[Block] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    note: str | None = None  # set when the format's parser failed and plain-text reading was used

    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""


class LineIndex:
    """Line numbers of offsets in a block's text, in O(log n) per lookup."""

    def __init__(self, text: str, first_line: int) -> None:
        self.first_line = first_line
        self.breaks = [i for i, ch in enumerate(text) if ch == "\n"]

    def line(self, offset: int) -> int:
        return self.first_line + bisect.bisect_left(self.breaks, offset)


# ==== Markdown =====================================================================================

_BLOCK_BREAK_TAGS = frozenset({"p", "div", "li", "ul", "ol", "section", "center", "details", "summary",
                               "blockquote", "br", "hr", "table", "figure", "figcaption", "dl", "dd", "dt"})
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_SKIP_TAGS = frozenset({"script", "style", "svg", "math"})


class _HtmlCollector(HTMLParser):
    """Collects references, headings, text and tables from raw HTML fed piece by piece.

    `feed_at(html, line)` maps the parser's positions onto README lines. With `blocks=False` only
    references are collected (inline HTML inside a Markdown paragraph).
    """

    def __init__(self, doc: Document, *, blocks: bool = True) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = doc
        self.blocks = blocks
        self._shift = 0
        self._fed_lines = 0
        self._skip = 0
        self._text: list[str] = []
        self._text_line = 0
        self._heading: tuple[int, int] | None = None  # (level, line)
        self._rows: list[list[Cell]] | None = None
        self._cell: list[str] | None = None
        self._cell_line = 0
        self._links: list[tuple[str, int]] = []

    def feed_at(self, html: str, line: int) -> None:
        self._shift = line - 1 - self._fed_lines
        self._fed_lines += html.count("\n")
        try:
            self.feed(html)
        except Exception:  # html.parser is lenient; a pathological input must not end the scan
            self.reset()
        if self.blocks and self._rows is None and self._heading is None:
            self._flush_text()

    def _line(self) -> int:
        return max(1, self.getpos()[0] + self._shift)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
            return
        values = {k.lower(): (v or "") for k, v in attrs}
        line = self._line()
        if tag == "img" and values.get("src"):
            alt = values.get("alt")
            self.doc.refs.append(Ref(target=values["src"].strip(), line=line, image=True, alt=alt or None))
        elif tag == "a" and values.get("href"):
            self.doc.refs.append(Ref(target=values["href"].strip(), line=line, image=False))
            self._links.append((values["href"].strip(), len(" ".join("".join(self._text).split()))))
        if not self.blocks:
            return
        if tag in _HEADING_TAGS:
            self._flush_text()
            self._heading = (int(tag[1]), line)
        elif tag == "table":
            self._flush_text()
            self._rows = []
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            if not self._rows:
                self._rows.append([])
            self._cell, self._cell_line = [], line
        elif tag in _BLOCK_BREAK_TAGS and self._rows is None and self._heading is None:
            self._flush_text()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _SKIP_TAGS:
            self._skip -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
            return
        if not self.blocks:
            return
        if tag in _HEADING_TAGS and self._heading is not None:
            level, line = self._heading
            title = " ".join("".join(self._text).split())
            self._text, self._heading = [], None
            if title:
                self.doc.blocks.append(Block(kind="heading", text=title, line=line, level=level))
        elif tag in ("td", "th") and self._cell is not None and self._rows:
            self._rows[-1].append((" ".join("".join(self._cell).split()), self._cell_line))
            self._cell = None
        elif tag == "table" and self._rows is not None:
            self._close_table()
        elif tag in _BLOCK_BREAK_TAGS and self._rows is None and self._heading is None:
            self._flush_text()

    def handle_data(self, data: str) -> None:
        if self._skip or not self.blocks:
            return
        if self._cell is not None:
            self._cell.append(data)
            return
        if self._rows is not None:
            return
        if not self._text and data.strip():
            self._text_line = self._line()
        self._text.append(data)

    def _close_table(self) -> None:
        rows = tuple(tuple(r) for r in self._rows or () if r)
        self._rows = None
        if rows:
            self.doc.blocks.append(Block(kind="table", text="", line=rows[0][0][1], rows=rows))

    def _flush_text(self) -> None:
        text = " ".join("".join(self._text).split())
        if text:
            self.doc.blocks.append(Block(kind="text", text=text, line=self._text_line, links=tuple(self._links)))
        self._text, self._links = [], []

    def finish(self) -> None:
        try:
            self.close()
        except Exception:
            pass
        if self.blocks:
            if self._rows is not None:  # a table left open at the end of the README
                self._close_table()
            self._flush_text()


_BREAK_TAG = re.compile(r"<\s*/?\s*(?:br|p|div)\b", re.IGNORECASE)
_SCRIPT_TAG = re.compile(r"<\s*(?:sup|sub)\b", re.IGNORECASE)


def _separates_words(tag: str, following) -> bool:
    """Whether an inline HTML tag stands between words: a line break, or a super/subscript that starts
    with a letter ("mAP<sup>val" is two words; "R<sup>2</sup>" stays "R2")."""
    if _BREAK_TAG.match(tag):
        return True
    return bool(_SCRIPT_TAG.match(tag) and following is not None and following.type == "text"
                and following.content[:1].isalpha())


def _inline(token, line: int, doc: Document) -> tuple[str, str, tuple[tuple[str, int], ...], tuple[Cell, ...]]:
    """Plain text of an inline token (soft breaks kept as newlines), the same without inline code,
    its link targets and code spans; images and links are recorded as references with their line."""
    parts: list[str] = []
    prose: list[str] = []
    links: list[tuple[str, int]] = []
    spans: list[Cell] = []
    current = line
    children = list(token.children or ())
    for index, child in enumerate(children):
        kind = child.type
        if kind == "text":
            parts.append(child.content)
            prose.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
            prose.append("\n")
            current += 1
        elif kind == "code_inline":
            parts.append(child.content)
            prose.append(" ` ")
            spans.append((child.content, current))
        elif kind == "image":
            src = str(child.attrs.get("src") or "").strip()
            if src:
                doc.refs.append(Ref(target=src, line=current, image=True, alt=child.content or None))
        elif kind == "link_open":
            href = str(child.attrs.get("href") or "").strip()
            if href:
                doc.refs.append(Ref(target=href, line=current, image=False))
                links.append((href, len("".join(parts))))
        elif kind == "html_inline":
            fragment = _HtmlCollector(doc, blocks=False)
            fragment.feed_at(child.content, current)
            fragment.finish()
            if _separates_words(child.content, children[index + 1] if index + 1 < len(children) else None):
                parts.append(" ")
                prose.append(" ")
    return "".join(parts), "".join(prose), tuple(links), tuple(spans)


def parse_markdown(text: str) -> Document:
    """Markdown (CommonMark + tables, raw HTML parsed) into the document model."""
    from markdown_it import MarkdownIt

    doc = Document(format="markdown", lines=text.split("\n"))
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    tokens = md.parse(text)
    html = _HtmlCollector(doc)
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        line = tok.map[0] + 1 if tok.map else 0
        if tok.type in ("heading_open", "paragraph_open") and i + 1 < len(tokens):
            body, prose, links, spans = _inline(tokens[i + 1], line, doc)
            if tok.type == "heading_open":
                doc.blocks.append(Block(kind="heading", text=" ".join(body.split()), line=line,
                                        level=int(tok.tag[1:] or 1), prose=" ".join(prose.split())))
            elif body.strip():
                doc.blocks.append(Block(kind="text", text=body, line=line, links=links, spans=spans,
                                        prose=prose))
            i += 3
            continue
        if tok.type in ("fence", "code_block"):
            lang = (tok.info or "").strip().split(" ")[0].strip("{}.").lower()
            first = line + 1 if tok.type == "fence" else line
            doc.blocks.append(Block(kind="code", text=tok.content, line=first, lang=lang))
        elif tok.type == "html_block":
            html.feed_at(tok.content, line)
        elif tok.type == "table_open":
            i = _md_table(tokens, i, doc)
            continue
        i += 1
    html.finish()
    return doc


def _md_table(tokens, start: int, doc: Document) -> int:
    """Collect a Markdown table's rows; returns the index after `table_close`."""
    rows: list[list[Cell]] = []
    row_line = tokens[start].map[0] + 1 if tokens[start].map else 0
    i = start + 1
    while i < len(tokens) and tokens[i].type != "table_close":
        tok = tokens[i]
        if tok.type == "tr_open":
            rows.append([])
            row_line = tok.map[0] + 1 if tok.map else row_line
        elif tok.type == "inline" and rows:
            body, _, _, _ = _inline(tok, row_line, doc)
            rows[-1].append((" ".join(body.split()), row_line))
        i += 1
    table = tuple(tuple(r) for r in rows if r)
    if table:
        doc.blocks.append(Block(kind="table", text="", line=table[0][0][1], rows=table))
    return i + 1


# ==== reStructuredText =============================================================================

_RST_SETTINGS = {
    "file_insertion_enabled": False,
    "raw_enabled": False,
    "report_level": 5,
    "halt_level": 5,
    "warning_stream": False,
    "_disable_config": True,
    "input_encoding": "unicode",
    "embed_stylesheet": False,
    "syntax_highlight": "none",
}


@functools.lru_cache(maxsize=512)
def parse_markdown_cell(text: str) -> Document:
    """A notebook markdown cell, parsed once however many detectors read it. The document is shared
    between them: read it, never change it."""
    return parse_markdown(text)


def parse_rst(text: str) -> Document:
    """reStructuredText into the document model via docutils (never reads another file)."""
    import docutils.core
    from docutils import nodes

    doc = Document(format="rst", lines=text.split("\n"))
    tree = docutils.core.publish_doctree(text, settings_overrides=dict(_RST_SETTINGS))
    titled = any(isinstance(child, nodes.title) for child in tree.children)
    _RstWalker(doc, nodes).walk(tree, depth=1 if titled else 0)
    return doc


class _RstWalker:
    """Turns a docutils doctree into blocks; lines are re-anchored on the source text."""

    def __init__(self, doc: Document, nodes) -> None:
        self.doc = doc
        self.n = nodes
        self.last_line = 1

    def walk(self, node, depth: int) -> None:
        n = self.n
        for child in node.children:
            if isinstance(child, (n.system_message, n.comment, n.substitution_definition, n.problematic)):
                continue
            if isinstance(child, n.title):
                title = " ".join(child.astext().split())
                line = self._line(child, title)
                self.doc.blocks.append(Block(kind="heading", text=title, line=line, level=max(1, depth)))
                self._refs(child, line)
            elif isinstance(child, n.section):
                self.walk(child, depth + 1)
            elif isinstance(child, n.paragraph):
                body = child.astext()
                line = self._line(child, body)
                links = tuple((uri, max(0, body.find(text))) for uri, text in self._refs(child, line))
                spans = tuple((lit.astext(), line) for lit in child.findall(n.literal))
                prose = body
                for code, _ in spans:
                    prose = prose.replace(code, " ` ")
                self.doc.blocks.append(Block(kind="text", text=body, line=line, links=links, spans=spans,
                                             prose=prose))
            elif isinstance(child, (n.literal_block, n.doctest_block)):
                body = child.astext()
                classes = [c for c in child.get("classes", []) if c != "code"]
                lang = "pycon" if isinstance(child, n.doctest_block) else (classes[0] if classes else "")
                self.doc.blocks.append(Block(kind="code", text=body, line=self._line(child, body), lang=lang))
            elif isinstance(child, n.table):
                self._table(child)
            elif isinstance(child, n.image):
                self._refs(child, self._line(child, ""))
            else:
                self.walk(child, depth)

    def _table(self, table) -> None:
        rows = []
        for row in table.findall(self.n.row):
            cells = []
            for entry in row.children:
                body = " ".join(entry.astext().split())
                cells.append((body, self._line(entry, body)))
                self._refs(entry, cells[-1][1])
            if cells:
                rows.append(tuple(cells))
        if rows:
            self.doc.blocks.append(Block(kind="table", text="", line=rows[0][0][1], rows=tuple(rows)))

    def _refs(self, node, line: int) -> tuple[tuple[str, str], ...]:
        """Record the links and images inside `node`; returns (link target, link text) pairs."""
        n = self.n
        links = []
        for ref in node.findall(n.reference):
            uri = ref.get("refuri")
            if uri:
                self.doc.refs.append(Ref(target=uri, line=line, image=False))
                links.append((uri, ref.astext()))
        for image in node.findall(n.image):
            uri = image.get("uri")
            if uri:
                self.doc.refs.append(Ref(target=uri, line=line, image=True, alt=image.get("alt") or None))
        return tuple(links)

    def _line(self, node, body: str) -> int:
        """docutils' line numbers are approximate (a title's is its underline, some are missing):
        find the node's first text line near it, scanning forward from the previous block."""
        approx = node.line or (node.parent.line if node.parent is not None else None) or self.last_line
        probe = next((ln.strip() for ln in body.split("\n") if ln.strip()), "")[:40]
        lines = self.doc.lines
        if probe:
            lo = max(1, min(approx, self.last_line) - 3)
            for number in range(lo, min(len(lines), max(approx, self.last_line) + 40) + 1):
                if probe in lines[number - 1]:
                    self.last_line = number
                    return number
        self.last_line = max(self.last_line, approx)
        return approx


# ==== plain text ===================================================================================

_UNDERLINE = re.compile(r"[=\-~^*#+]{3,}")


def parse_text(text: str) -> Document:
    """Plain text by line heuristics: blank-line paragraphs, underlined, `#` or ALL-CAPS headings,
    indented or `$`-prompted runs as code."""
    doc = Document(format="text", lines=text.split("\n"))
    group: list[tuple[int, str]] = []
    for number, raw in enumerate(doc.lines + [""], start=1):
        if raw.strip():
            group.append((number, raw.rstrip()))
            continue
        if group:
            _text_group(group, doc)
            group = []
    return doc


def _text_group(group: list[tuple[int, str]], doc: Document) -> None:
    first_line, first = group[0]
    if len(group) >= 2 and _UNDERLINE.fullmatch(group[1][1].strip()):
        doc.blocks.append(Block(kind="heading", text=first.strip(), line=first_line,
                                level=1 if group[1][1].strip()[0] in "=#" else 2))
        group = group[2:]
    elif first.lstrip().startswith("#") or (len(group) == 1 and _looks_like_title(first)):
        doc.blocks.append(Block(kind="heading", text=first.strip().lstrip("#").strip(), line=first_line,
                                level=1 if not doc.blocks else 2))
        group = group[1:]
    if not group:
        return
    if all(ln.startswith(("    ", "\t")) or ln.lstrip().startswith("$ ") for _, ln in group):
        doc.blocks.append(Block(kind="code", text="\n".join(ln.strip() for _, ln in group), line=group[0][0]))
    else:
        doc.blocks.append(Block(kind="text", text="\n".join(ln.strip() for _, ln in group), line=group[0][0]))


def _looks_like_title(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= 8 and len(line) <= 60 and (line.isupper() or line.rstrip().endswith(":"))


# ==== reading the README ===========================================================================

_README = re.compile(r"readme(\.(?:md|markdown|rst|txt))?", re.IGNORECASE)
_FORMAT_RANK = {".md": 0, ".markdown": 1, ".rst": 2, ".txt": 3, "": 4}


def find_readme(repo: RepoView) -> str | None:
    """The root README's path: .md preferred, then .markdown, .rst, .txt, no extension."""
    found = []
    for f in repo.files:
        if "/" in f.path:
            continue
        m = _README.fullmatch(f.path)
        if m:
            found.append((_FORMAT_RANK[(m.group(1) or "").lower()], f.path))
    return min(found)[1] if found else None


def parse_readme(path: str, text: str) -> Document:
    """Parse README text by its extension; a parser failure falls back to plain-text heuristics."""
    ext = posixpath.splitext(path)[1].lower()
    parser = {".md": parse_markdown, ".markdown": parse_markdown, ".rst": parse_rst}.get(ext)
    if parser is None:
        return parse_text(text)
    try:
        return parser(text)
    except Exception as exc:  # a parser bug or pathological input: degrade, never crash the scan
        doc = parse_text(text)
        kind = "reStructuredText" if ext == ".rst" else "Markdown"
        doc.note = f"the {kind} parser failed ({type(exc).__name__}); the README was read as plain text"
        return doc


_LINKISH = re.compile(r"^(?:https?://|www\.)|\.(?:png|jpe?g|gif|svg|ipynb|md|pdf)\b", re.IGNORECASE)


def words(text: str) -> list[str]:
    """The words of a text, URLs and file names left out."""
    kept = " ".join(token for token in text.split() if not _LINKISH.search(token))
    return re.findall(r"[A-Za-z][A-Za-z'-]*", kept)
