"""README facts (`readme.*`), the licence file (`license_file`) and citation information (`citation`).

The root README is parsed with a real parser for its format into one small document model (headings,
prose blocks, code blocks, tables and link/image references, each with its 1-based line):

* Markdown: markdown-it-py (CommonMark plus tables). Raw HTML, block or inline, goes through
  `html.parser` for `<img>`, `<a href>`, headings, paragraphs and tables (one parser for all HTML
  blocks, so a table split by blank lines is still one table); HTML comments are ignored.
* reStructuredText: docutils, with file insertion, raw directives and configuration files disabled and
  reports silenced; nothing but the README text is ever read.
* Plain text (`.txt`, no extension): blank-line paragraphs, underlined / all-caps headings, indented or
  `$`-prompted lines as code.

The detectors read that model: the purpose statement of the title and opening paragraphs, install and
usage commands (fenced, indented, inline code and command-looking lines), metrics stated with a value
(prose, lists, tables, printed evaluation output; configured thresholds and non-metric numbers are
not values), embedded figures, relative links whose target does not exist, the section headings and
which parts of a project story are told.
"""
from __future__ import annotations

import posixpath
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ..model import Evidence
from ..repo import RepoView
from .files import excerpt

MAX_README_CHARS = 2_000_000  # a longer README is parsed up to here (noted in `problem`)
MAX_COMMANDS = 20             # install / usage evidence kept per kind

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

    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""


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
            rows = tuple(tuple(r) for r in self._rows if r)
            self._rows = None
            if rows:
                self.doc.blocks.append(Block(kind="table", text="", line=rows[0][0][1], rows=rows))
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
            self._flush_text()


def _inline(token, line: int, doc: Document) -> tuple[str, str, tuple[tuple[str, int], ...], tuple[Cell, ...]]:
    """Plain text of an inline token (soft breaks kept as newlines), the same without inline code,
    its link targets and code spans; images and links are recorded as references with their line."""
    parts: list[str] = []
    prose: list[str] = []
    links: list[tuple[str, int]] = []
    spans: list[Cell] = []
    current = line
    for child in token.children or ():
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
            if child.content.lower().startswith("<br"):
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
    try:
        if ext in (".md", ".markdown"):
            return parse_markdown(text)
        if ext == ".rst":
            return parse_rst(text)
    except Exception:  # a parser bug or pathological input: degrade, never crash the scan
        pass
    return parse_text(text)


# ==== facts ========================================================================================


@dataclass(frozen=True, kw_only=True)
class MetricMention:
    """A metric stated with a value: canonical name, the value as written, where."""

    name: str
    value: str
    evidence: Evidence


@dataclass(frozen=True, kw_only=True)
class Figure:
    """An embedded image: its source, alt text (None when empty) and line."""

    src: str
    alt: str | None
    evidence: Evidence


@dataclass(frozen=True, kw_only=True)
class BrokenLink:
    """A relative link or image whose target does not exist in the repository."""

    target: str
    evidence: Evidence


@dataclass(frozen=True, kw_only=True)
class Heading:
    """A section heading of the README."""

    title: str
    level: int
    line: int


STORY_PARTS = ("problem", "data", "approach", "evaluation", "results", "limitations")


@dataclass(frozen=True, kw_only=True)
class StoryPart:
    """One part of a project's story (see `STORY_PARTS`); absent when `evidence` is None.

    `source` is set for "data" when the README names where the data comes from (a link or a known
    source such as Kaggle or UCI).
    """

    name: str
    evidence: Evidence | None = None
    source: str | None = None

    @property
    def present(self) -> bool:
        return self.evidence is not None


@dataclass(frozen=True, kw_only=True)
class ReadmeFacts:
    """What the root README says, with evidence for every schema field.

    `problem` says why the README could not be (fully) read, when that happened.
    """

    path: str | None = None
    format: str | None = None
    purpose: Evidence | None = None
    install: tuple[Evidence, ...] = ()
    usage: tuple[Evidence, ...] = ()
    metrics: tuple[MetricMention, ...] = ()
    figures: tuple[Figure, ...] = ()
    broken_links: tuple[BrokenLink, ...] = ()
    sections: tuple[Heading, ...] = ()
    story_parts: tuple[StoryPart, ...] = ()
    bibtex: Evidence | None = None
    problem: str | None = None

    @property
    def present(self) -> bool:
        return self.path is not None

    @property
    def metric_names(self) -> list[str]:
        return sorted({m.name for m in self.metrics})

    @property
    def broken_local_links(self) -> list[str]:
        return sorted({b.target for b in self.broken_links})

    def story_part(self, name: str) -> StoryPart:
        return next((p for p in self.story_parts if p.name == name), StoryPart(name=name))

    def to_schema(self) -> dict:
        return {
            "present": self.present,
            "path": self.path,
            "describes_purpose": self.purpose is not None,
            "install_instructions": bool(self.install),
            "usage_instructions": bool(self.usage),
            "reports_results": bool(self.metrics),
            "metric_names": self.metric_names,
            "has_figures": bool(self.figures),
            "broken_local_links": self.broken_local_links,
        }


def detect_readme(repo: RepoView) -> ReadmeFacts:
    """Find, parse and read the root README (absent: `present` false and nothing else)."""
    path = find_readme(repo)
    if path is None:
        return ReadmeFacts()
    text = repo.read_text(path)
    if text is None:
        return ReadmeFacts(path=path, problem="the README could not be read (see scan notes)")
    problem = None
    if len(text) > MAX_README_CHARS:
        text = text[:MAX_README_CHARS]
        problem = f"only the first {MAX_README_CHARS} characters of the README were read"
    doc = parse_readme(path, text)
    return readme_facts(repo, path, doc, problem=problem)


def readme_facts(repo: RepoView, path: str, doc: Document, *, problem: str | None = None) -> ReadmeFacts:
    """All README facts from a parsed document."""
    metrics = tuple(find_metrics(doc, path))
    purpose = find_purpose(doc, path)
    install, usage = find_commands(doc, path)
    return ReadmeFacts(
        path=path,
        format=doc.format,
        purpose=purpose,
        install=install,
        usage=usage,
        metrics=metrics,
        figures=tuple(Figure(src=r.target, alt=r.alt, evidence=Evidence(path=path, line=r.line,
                                                                          excerpt=excerpt(r.target)))
                      for r in doc.refs if r.image),
        broken_links=tuple(find_broken_links(repo, doc, path)),
        sections=tuple(Heading(title=b.text, level=b.level, line=b.line) for b in doc.blocks if b.kind == "heading"),
        story_parts=find_story(doc, path, purpose, metrics),
        bibtex=find_bibtex(doc, path),
        problem=problem,
    )


# ---- purpose --------------------------------------------------------------------------------------

_TASK_WORDS = re.compile(
    r"\b(?:predict|classif|detect|segment|recogni[sz]|forecast|recommend|generat|translat|summari[sz]|"
    r"cluster|retriev|estimat|diagnos|churn|sentiment|question[- ]answering|regression|anomal|fraud|"
    r"chatbot|rag|object detection|language models?|gpt|llm|transformer|neural net|deep learning|"
    r"machine learning|reinforcement learning|computer vision|nlp|natural language|speech|"
    r"image|text|time[- ]series|tabular|fine-?tun|train)\w*", re.IGNORECASE)
_ARTIFACT_WORDS = re.compile(
    r"\b(?:template|framework|library|toolkit|pipeline|showcase|blueprint|benchmark|implementation of|"
    r"code (?:for|of)|models? (?:for|to|that)|repository (?:for|of|that)|repo (?:for|of|that)|"
    r"project (?:for|to|that|which)|api (?:for|to)|app(?:lication)? (?:for|to|that)|dashboard|"
    r"service (?:for|to|that)|system (?:for|to|that)|tool (?:for|to|that))\b", re.IGNORECASE)
_INTENT_WORDS = re.compile(
    r"\b(?:(?:this|the|our|my) (?:project|repo|repository|codebase|notebook|package|library|work|app)\b|"
    r"(?:we|i)(?:'ve| have)? (?:build|built|implement|present|propose|train|develop|create|compare|"
    r"explore|analy[sz]e|design|provide|use)\w*|aims? to|goal (?:is|was)|objective (?:is|was)|"
    r"designed to|built to|helps?\b|allows? (?:you|users) to|lets you|enables?)", re.IGNORECASE)
_POINTER = re.compile(r"\b(?:is|are) available\b|\b(?:please )?(?:refer to|see|check out|click)\b|"
                      r"\bcan be found\b", re.IGNORECASE)
_NOTICE = re.compile(r"^\W*(?:update|note|nb|news|warning|important|disclaimer|deprecated|announcement|"
                     r"tl;?dr|todo|status)\b", re.IGNORECASE)
_LINKISH = re.compile(r"^(?:https?://|www\.)|\.(?:png|jpe?g|gif|svg|ipynb|md|pdf)\b", re.IGNORECASE)
_INTRO_PARAGRAPHS = 2


def _words(text: str) -> list[str]:
    """The words of a text, URLs and file names left out."""
    kept = " ".join(token for token in text.split() if not _LINKISH.search(token))
    return re.findall(r"[A-Za-z][A-Za-z'-]*", kept)


def _states_purpose(text: str, *, title: bool = False) -> bool:
    words = _words(text)
    if title:
        return len(words) >= 4 and bool(_TASK_WORDS.search(text))
    if len(words) < 6 or _NOTICE.match(text):
        return False
    has_task = bool(_TASK_WORDS.search(text))
    if _POINTER.search(text) and not has_task:
        return False
    return has_task or bool(_ARTIFACT_WORDS.search(text) and _INTENT_WORDS.search(text))


def find_purpose(doc: Document, path: str) -> Evidence | None:
    """The title (when it names a task) or one of the first prose paragraphs that says what the
    project does; notices, badge rows and bare pointers to other files do not count."""
    seen = 0
    for block in doc.blocks:
        if block.kind == "heading":
            if seen == 0 and block.level <= 2 and _states_purpose(block.text, title=True):
                return Evidence(path=path, line=block.line, excerpt=excerpt(block.text))
            continue
        if block.kind != "text" or len(_words(block.text)) < 3 or _NOTICE.match(block.text):
            continue
        seen += 1
        for sentence, line, _ in _sentences(block):
            if _states_purpose(sentence):
                return Evidence(path=path, line=line, excerpt=excerpt(sentence))
        if _states_purpose(block.text):
            return Evidence(path=path, line=block.line, excerpt=excerpt(block.text))
        if seen >= _INTRO_PARAGRAPHS:
            break
    return None


def _sentences(block: Block) -> Iterator[tuple[str, int, int]]:
    """(sentence, line, offset in the block's text) for each sentence of a prose block."""
    start = 0
    for m in re.finditer(r"(?<=[.!?])\s+(?=[A-Z*_(\[])|\n\s*\n|$", block.text):
        piece = block.text[start:m.start()]
        if piece.strip():
            yield piece, block.line + block.text.count("\n", 0, start), start
        start = m.end()
        if m.end() == len(block.text):
            break


# ---- install and usage commands -----------------------------------------------------------------

_PROMPT = re.compile(r"^(?:\$|>>>|>|%|!|#\s*\$|PS>|PS [^>]*>|[A-Z]:\\[^>]*>)\s*")
_ENV_PREFIX = re.compile(r"^(?:[A-Z_][A-Z0-9_]*=\S*\s+)+")
_INSTALL = re.compile(r"""^(?:sudo\s+)?(?:
    (?:python3?(?:\.\d+)?\s+-m\s+)?pip3?\s+(?:-\S+\s+)*install\b
  | (?:conda|mamba|micromamba)\s+(?:env\s+(?:create|update)|create|install)\b
  | (?:poetry|pipenv|pdm)\s+(?:install|sync)\b
  | uv\s+(?:sync|pip\s+(?:install|sync)|venv|add)\b
  | hatch\s+env\s+create\b
  | python3?(?:\.\d+)?\s+-m\s+venv\b | virtualenv\s | pyenv\s+(?:install|virtualenv)\b
  | python3?\s+setup\.py\s+(?:install|develop)\b
  | docker\s+(?:build|pull)\b | docker(?:-|\s+)compose\s+(?:up|build|pull)\b
  | make\s+(?:[\w-]*-)?(?:setup|install|env|venv|init|deps|dependencies|bootstrap|build|up|requirements|environment)\b
  | (?:bash\s+|sh\s+|source\s+|\.\s+|\.[/\\])?[\w./\\-]*(?:setup|install|bootstrap)[\w-]*\.(?:sh|ps1|bat)\b
  | (?:apt(?:-get)?|brew|dnf|yum)\s+install\b | npm\s+(?:install|ci)\b
)""", re.VERBOSE | re.IGNORECASE)
_USAGE = re.compile(r"""^(?:sudo\s+)?(?:
    python3?(?:\.\d+)?\s+(?:-[uOB]\s+)*(?!-m\s+(?:pip|venv|pytest|unittest|ensurepip|build|twine)\b)
        (?:-m\s+[\w.]+|[\w./\\-]+\.py\b)
  | (?:torchrun|deepspeed|horovodrun|accelerate\s+launch|lightning\s+run)\b
  | (?:uvicorn|gunicorn|hypercorn)\s+\S
  | (?:streamlit|flask|fastapi|gradio|panel|chainlit)\s+(?:run|serve|dev)\b | gradio\s+\S+\.py
  | (?:mlflow|kedro|rasa)\s+(?:run|train|serve|models\s+serve)\b | dvc\s+(?:repro|exp\s+run)\b
  | (?:snakemake|nextflow\s+run|wandb\s+(?:sweep|agent))\b
  | jupyter\s+(?:notebook|lab|nbconvert|execute)\b | voila\s
  | (?:uv|poetry|pipenv|pdm|hatch|conda)\s+run\s+(?!(?:python\s+-m\s+)?(?:pytest|unittest)\b)\S
  | make\s+(?!(?:[\w-]*-)?(?:setup|install|env|venv|init|deps|dependencies|bootstrap|build|up|requirements|
        environment|test|tests|lint|format|clean|check|docs|help|pre-commit|style)\b)[\w-]+
  | (?:bash\s+|sh\s+|\./)(?![\w./-]*(?:setup|install|bootstrap|test))[\w./-]+\.sh\b
  | docker\s+run\b | docker(?:-|\s+)compose\s+(?:run|exec)\b
  | %run\s
)""", re.VERBOSE | re.IGNORECASE)
# Commands on a prose line (not in code): the unmistakable forms only ("make sure" is not a command).
_PROSE_USAGE = re.compile(r"^(?:python3?\s+(?:-m\s+(?!pip|venv|pytest|unittest)[\w.]+|[\w./-]+\.py\b)|"
                          r"(?:torchrun|accelerate\s+launch|uvicorn|streamlit\s+run)\s+\S)", re.IGNORECASE)
_PROSE_INSTALL = re.compile(
    r"\binstall(?:ing|ed)?\b[^.\n]{0,60}?(?:requirements(?:\.txt)?|dependencies|packages|environment\.ya?ml|"
    r"pyproject\.toml|conda env)|(?:requirements\.txt|environment\.ya?ml)[^.\n]{0,40}?\binstall", re.IGNORECASE)
_INSTALL_HEADING = re.compile(r"\b(?:install\w*|set ?-?up|getting started|quick ?start|requirements|prerequisites|"
                              r"environment|dependencies|configuration)\b", re.IGNORECASE)
_SHELL_SETUP = re.compile(r"^(?:cp|copy|mv|export|set)\s+\S*\.env|^(?:conda|source)\s+activate\b|"
                          r"^make\s+[\w-]+|^docker\b", re.IGNORECASE)
_CODE_CALL = re.compile(r"\.(?:predict|predict_proba|fit|generate|evaluate|train|transform|from_pretrained|"
                        r"load_state_dict|infer|run|encode|forward)\(|\btorch\.hub\.load\(|\bpipeline\(|"
                        r"\bload_model\(|\bjoblib\.load\(|\bpickle\.load\(")
_PYTHON_LANGS = frozenset({"python", "py", "python3", "pycon", "ipython", "ipython3"})


def _command(line: str) -> str:
    """A code line as a command: prompt and leading VAR=value assignments removed."""
    line = _PROMPT.sub("", line.strip())
    return _ENV_PREFIX.sub("", line)


def find_commands(doc: Document, path: str) -> tuple[tuple[Evidence, ...], tuple[Evidence, ...]]:
    """(install, usage) evidence: command lines from code blocks, inline code and prose lines; code
    blocks under a set-up heading count as install steps; Python code that loads, trains or predicts
    counts as usage."""
    install: list[Evidence] = []
    usage: list[Evidence] = []

    def add(bucket: list[Evidence], line: int, text: str) -> None:
        if len(bucket) < MAX_COMMANDS and not any(e.line == line for e in bucket):
            bucket.append(Evidence(path=path, line=line, excerpt=excerpt(text)))

    headings: list[Block] = []
    for block in doc.blocks:
        if block.kind == "heading":
            headings = [h for h in headings if h.level < block.level] + [block]
            continue
        under_setup = any(_INSTALL_HEADING.search(h.text) for h in headings[-1:])
        if block.kind == "code":
            _code_commands(block, under_setup, install, usage, add)
        elif block.kind == "text":
            for text, line in block.spans:
                cmd = _command(text)
                if _INSTALL.match(cmd):
                    add(install, line, cmd)
                elif _USAGE.match(cmd):
                    add(usage, line, cmd)
            for offset, raw in enumerate(block.text.split("\n")):
                cmd = _command(raw)
                if _INSTALL.match(cmd) and (" install" in cmd.lower() or doc.format == "text"):
                    add(install, block.line + offset, cmd)
                elif _PROSE_USAGE.match(cmd):
                    add(usage, block.line + offset, cmd)
                elif _PROSE_INSTALL.search(raw):
                    add(install, block.line + offset, raw)
    return tuple(install), tuple(usage)


def _code_commands(block: Block, under_setup: bool, install, usage, add) -> None:
    lang = block.lang
    if lang in _PYTHON_LANGS or (lang in ("", "pycon") and re.match(r"\s*(?:>>>\s*)?(?:import|from)\s+\w", block.text)):
        calls = _CODE_CALL.search(block.text)
        if calls:
            line = block.line + block.text.count("\n", 0, calls.start())
            add(usage, line, block.text.split("\n")[line - block.line])
        return
    for offset, raw in enumerate(block.text.split("\n")):
        cmd = _command(raw)
        if not cmd or cmd.startswith(("#", "//", "REM ")):
            continue
        line = block.line + offset
        if _INSTALL.match(cmd):
            add(install, line, cmd)
        elif _USAGE.match(cmd):
            add(usage, line, cmd)
        elif under_setup and _SHELL_SETUP.match(cmd):
            add(install, line, cmd)


# ---- metrics --------------------------------------------------------------------------------------

# (canonical name, pattern). Patterns are tried in order at each position, so longer and more
# specific forms come first. "(?i:...)" marks case-insensitive forms; the rest are case-sensitive
# (AP, mAP, PQ, EM are ordinary words or letters in lower case). "ap" is resolved per document:
# map in an object-detection README, pr_auc otherwise.
_METRIC_SPECS: tuple[tuple[str, str], ...] = (
    ("other:top1_error", r"(?i:top[- _]?1[- _]?err(?:or)?)"),
    ("other:top5_error", r"(?i:top[- _]?5[- _]?err(?:or)?)"),
    ("top1", r"(?i:top[- _]?1(?:[- _]?acc(?:uracy)?)?|acc@1)"),
    ("top5", r"(?i:top[- _]?5(?:[- _]?acc(?:uracy)?)?|acc@5)"),
    ("other:balanced_accuracy", r"(?i:balanced[- _]acc(?:uracy)?)"),
    ("roc_auc", r"(?i:roc[- _]?auc|auc[- _]?roc|auroc|area under (?:the )?roc(?: curve)?)"),
    ("pr_auc", r"(?i:pr[- _]?auc|auc[- _]?pr|auprc|area under (?:the )?precision[- ]recall(?: curve)?)"),
    ("map", r"(?i:mean average precision)|mAP(?:@[\d.:]+|\d+)?|MAP@\d+|(?i:map@(?:\d+|k))|"
            r"(?i:box|bbox|mask|segm)[ _]?AP(?:\d+)?|AP(?:50|75|@[\d.:]+|_?[SMLsml](?![a-z]))"),
    ("pr_auc", r"(?i:average[- ]precision)"),
    ("ap", r"AP"),
    ("accuracy", r"(?i:(?:(?:train|training|val|valid|validation|test|testing|eval|dev|holdout|best|final|mean|"
                 r"avg|average)[ _/-])?acc(?:uracy)?)"),
    ("auc", r"(?i:auc)"),
    ("f1", r"(?i:(?:macro|micro|weighted)[- _]?f[- _]?1(?:[- _]?score)?|f[- _]?1(?:[- _]?(?:score|measure|macro|micro|weighted))?|f[- ]?(?:score|measure))"),
    ("precision", r"(?i:precision(?:@(?:\d+|k))?)"),
    ("recall", r"(?i:recall(?:@(?:\d+|k))?|sensitivity|true positive rate)"),
    ("other:specificity", r"(?i:specificity)"),
    ("log_loss", r"(?i:log[- _]?loss|logloss)"),
    ("loss", r"(?i:(?:(?:train|training|val|valid|validation|test|eval|dev|best|final|cross[- ]entropy)[ _/-]?)?loss)"),
    ("perplexity", r"(?i:perplexit(?:y|ies)|ppl)"),
    ("other:rmsle", r"(?i:rmsle)"),
    ("rmse", r"(?i:rmse|root[- ]mean[- ]squared?[- ]error)"),
    ("mse", r"(?i:mse|mean[- ]squared?[- ]error)"),
    ("other:smape", r"(?i:smape)"),
    ("mape", r"(?i:mape|mean absolute percentage error)"),
    ("mae", r"(?i:mae|mean absolute error)"),
    ("r2", r"(?i:r2(?:[- _]?score)?|r\^2|r²|r-squared|r squared|coefficient of determination)"),
    ("bleu", r"(?i:(?:sacre)?bleu(?:-?\d)?)"),
    ("rouge", r"(?i:rouge(?:[- _]?(?:l|1|2|lsum))?)"),
    ("meteor", r"(?i:meteor)"),
    ("wer", r"(?i:wer|word error rate)"),
    ("cer", r"(?i:cer|character error rate)"),
    ("iou", r"(?i:m?iou|intersection over union|jaccard(?: index)?)"),
    ("dice", r"(?i:dice(?:[- ](?:score|coefficient|coef))?|dsc)"),
    ("psnr", r"(?i:psnr)"),
    ("ssim", r"(?i:(?:ms-)?ssim)"),
    ("fid", r"(?i:fid)"),
    ("ndcg", r"(?i:ndcg(?:@(?:\d+|k))?)"),
    ("other:mrr", r"(?i:mrr(?:@\d+)?|mean reciprocal rank)"),
    ("other:pq", r"PQ|(?i:panoptic quality)"),
    ("other:brier", r"(?i:brier(?: score)?)"),
    ("other:mcc", r"(?i:mcc|matthews correlation(?: coefficient)?)"),
    ("other:kappa", r"(?i:(?:cohen'?s )?kappa)"),
    ("other:exact_match", r"EM|(?i:exact match)"),
    ("other:hit_rate", r"(?i:hit[- ]?rate(?:@\d+)?|hits@\d+)"),
    ("other:error_rate", r"(?i:error rate)"),
    ("other:success_rate", r"(?i:success rate)"),
    ("other:bertscore", r"(?i:bertscore)"),
    ("other:cider", r"(?i:cider)"),
    ("other:chrf", r"(?i:chrf\+*)"),
    ("other:lpips", r"(?i:lpips)"),
    ("other:eer", r"(?i:eer|equal error rate)"),
    ("other:pass_at_k", r"(?i:pass@\d+)"),
)
_METRIC_RE = re.compile("|".join(f"(?<![\\w@^.-])(?P<m{i}>{p})(?![\\w@^])" for i, (_, p) in enumerate(_METRIC_SPECS)))
_DETECTION_CONTEXT = re.compile(r"\b(?:object detection|detector|detection|COCO|bounding box(?:es)?|bbox|YOLO\w*|"
                                r"instance segmentation|panoptic|keypoints?|Pascal VOC|mAP)\b", re.IGNORECASE)

_NUMBER = re.compile(r"[~≈]?[-+]?(?:\d+(?:[.,]\d+)?|\.\d+)\s?%?")
_NUMBER_TOKEN = re.compile(r"[~≈]?[-+]?(?:\d+(?:[.,]\d+)?|\.\d+)%?(?:(?:±|\+-|\+/-)\d+(?:\.\d+)?%?)?")
_FILLER = frozenset("""
: = - – — ~ ≈ ( ) | is was were are be of at about around approximately approx roughly nearly only just
reached reaches reach reaching achieved achieves achieve achieving obtained obtains got gets get getting
scored scores score value values equals equal to down by on in the a an set split data test val valid validation
train training dev holdout held-out final best mean average avg overall macro micro weighted (%) % we it
model our its goes went comes came for class from improved improves increased increases rose rises
decreased decreases dropped drops fell falls boosted
""".split())
_STOP = frozenset("""
threshold thresholds target targets minimum min max maximum least most above below under over exceed exceeds
exceeding than if when should must require requires required goal expected tolerance budget limit
within less more lr weight
""".split())
_UNITS = frozenset("""
m b k gb mb kb tb ms s sec secs second seconds min mins minute minutes h hr hrs hour hours day days week weeks
epoch epochs step steps iter iters iteration iterations param params parameter parameters sample samples
image images example examples token tokens layer layers head heads x × gpu gpus cpu cpus fps px pixel pixels
class classes file files row rows column columns feature features word words question questions test tests
user users customer customers record records item items times fold folds seed seeds run runs trial trials
""".split())
_COMPARISON = re.compile(r"[<>≤≥≦≧]|!=|=<|=>")
_IDENTIFIER_WORDS = frozenset("class fold epoch step label run seed layer k top split iteration iter version v "
                              "stage phase task".split())
_BEFORE_STOP = re.compile(r"\b(?:target|threshold|min(?:imum)?|max(?:imum)?|required|desired|expected|goal)"
                          r"(?:[ _-]\w+)?[ _-]*$", re.IGNORECASE)
_OUTPUT_LANGS = frozenset({"", "text", "txt", "console", "output", "log", "plaintext", "plain", "none", "out",
                           "stdout", "results", "result"})
_CMD_LINE = re.compile(r"^\s*(?:\$|>>>|#|//|python|pip|conda|git|cd|export|make|docker|bash|sh)\b")
_METRIC_HEADER_NOISE = re.compile(r"[()\[\]%↑↓*_:]|\b(?:val|test|train|dev|score|mean|avg|average|@\w+|on \w+)\b",
                                  re.IGNORECASE)


def _canonical(match: re.Match) -> str:
    return _METRIC_SPECS[int(match.lastgroup[1:])][0]


def _tokens(text: str) -> list[str]:
    return text.split()


def _clean(token: str) -> str:
    return token.strip("*_`'\"[]{}()<>,;:=|").rstrip(".")


def _as_number(token: str) -> str | None:
    """The token as a metric value (its first number in an `a/b` list), or None."""
    token = _clean(token)
    first = token.split("/")[0]
    if not _NUMBER_TOKEN.fullmatch(first):
        return None
    return token


def _plausible(value: str, after: str | None) -> bool:
    """Not a year, a version, a count of something or a size."""
    number = value.split("/")[0].lstrip("~≈+").replace(",", ".")
    for sep in ("±", "+-", "+/-"):
        number = number.split(sep)[0]
    pct = number.endswith("%")
    number = number.rstrip("%")
    try:
        x = float(number)
    except ValueError:
        return False
    if not pct and "." not in number and 1900 <= x <= 2100:
        return False
    if pct and not 0 <= x <= 100:
        return False
    if after is not None:
        unit = _clean(after).lower()
        if unit in _UNITS or (not pct and "." not in number and unit.endswith("s") and unit.isalpha()
                              and unit not in _FILLER):
            return False
    return True


def _value_after(text: str) -> str | None:
    """The value right after a metric name: at most five filler tokens (`of`, `:`, `on the test set`,
    one capitalised dataset name), then a number; a threshold word stops the search."""
    tokens = _tokens(text[:160])
    unknown = 0
    for i, tok in enumerate(tokens[:8]):
        if _COMPARISON.match(tok):
            return None  # "accuracy > 0.9", "loss <= 0.1": a bound, not a result
        value = _as_number(tok)
        previous = _clean(tokens[i - 1]).lower() if i > 0 else ""
        if value is not None and previous in _IDENTIFIER_WORDS:
            continue  # "recall for class 1 is 0.8": the 1 names a class
        if value is not None:
            after = tokens[i + 1] if i + 1 < len(tokens) else None
            return value if _plausible(value, after) else None
        word = _clean(tok).lower()
        if word in _STOP or tok.endswith((".", "!", "?")) and i > 0:
            return None
        if word in _FILLER or not word:
            continue
        if unknown == 0 and re.search(r"[A-Z0-9]", _clean(tok)) and not _METRIC_RE.match(_clean(tok)):
            unknown += 1  # a dataset or split name: "accuracy on CIFAR-10 of 93%"
            continue
        return None
    return None


def _value_before(text: str) -> str | None:
    """A number right before a metric name ("93% accuracy", "42 AP", "39.5/60.3 AP/AP50")."""
    text = re.sub(r"(?:[\w@.\-]+/)+$", "", text)  # the earlier names of an "AP/AP50" list
    tokens = _tokens(text[-80:])
    for i in range(len(tokens) - 1, max(-1, len(tokens) - 4), -1):
        value = _as_number(tokens[i])
        if value is not None:
            if tokens[i].rstrip("*_)]").endswith((",", ";", ":", ".")):
                return None  # "... is 0.95; accuracy > 0.9": the number closes the previous clause
            before = _clean(tokens[i - 1]).lower() if i > 0 else ""
            if before in ("v", "version", "python", "pytorch", "torch", "cuda", "top", "@"):
                return None
            return value if _plausible(value, None) else None
        if _clean(tokens[i]).lower() not in ("%", "mean", "test", "val", "validation", "overall", "average",
                                               "avg", "a", "an", "macro", "micro", "weighted", "of"):
            return None
    return None


def _metric_in_text(text: str) -> Iterator[tuple[re.Match, str]]:
    """(metric match, value) for each metric stated with a value in a piece of prose."""
    for m in _METRIC_RE.finditer(text):
        before = text[max(0, m.start() - 40):m.start()]
        if _BEFORE_STOP.search(before):
            continue
        value = _value_after(text[m.end():m.end() + 160]) or _value_before(text[max(0, m.start() - 120):m.start()])
        if value is not None:
            yield m, value


def find_metrics(doc: Document, path: str) -> Iterator[MetricMention]:
    """Every metric stated with a value: in prose and headings, in tables (a metric column header
    with a numeric cell below, or a metric row label with a numeric cell beside it) and in printed
    evaluation output; "AP" means detection mAP when the README is about detection, else PR-AUC."""
    detection = any(_DETECTION_CONTEXT.search(b.text) for b in doc.blocks if b.kind in ("text", "heading"))

    def mention(name: str, value: str, line: int) -> MetricMention:
        if name == "ap":
            name = "map" if detection else "pr_auc"
        return MetricMention(name=name, value=value,
                             evidence=Evidence(path=path, line=line, excerpt=excerpt(doc.line_text(line) or value)))

    for block in doc.blocks:
        if block.kind in ("text", "heading"):
            for m, value in _metric_in_text(block.words):
                yield mention(_canonical(m), value, block.line + block.words.count("\n", 0, m.start()))
        elif block.kind == "table":
            for name, value, line in _table_metrics(block.rows):
                yield mention(name, value, line)
        elif block.kind == "code" and block.lang in _OUTPUT_LANGS:
            for name, value, offset in _output_metrics(block.text):
                yield mention(name, value, block.line + offset)


def _header_metric(text: str) -> str | None:
    """The metric a table header or row label names, if that is all it names."""
    if not text or len(text) > 40 or _BEFORE_STOP.search(text) or re.search(r"\b(?:threshold|target)\b", text, re.I):
        return None
    matches = list(_METRIC_RE.finditer(text))
    if len(matches) != 1:
        return None
    rest = (text[:matches[0].start()] + text[matches[0].end():])
    rest = _METRIC_HEADER_NOISE.sub(" ", rest)
    if len(_words(rest)) > 2:
        return None
    return _canonical(matches[0])


def _cell_value(text: str) -> str | None:
    first = text.split()[0] if text.split() else ""
    value = _as_number(first)
    if value is None or len(text.split()) > 3:
        return None
    return value if _plausible(value, text.split()[1] if len(text.split()) > 1 else None) else None


def _table_metrics(rows: tuple[tuple[Cell, ...], ...]) -> Iterator[tuple[str, str, int]]:
    if not rows:
        return
    header, body = rows[0], rows[1:]
    for col, (title, _) in enumerate(header):
        name = _header_metric(title)
        if name is None:
            continue
        for row in body:
            if col < len(row):
                value = _cell_value(row[col][0])
                if value is not None:
                    yield name, value, row[col][1]
                    break
    for row in rows:
        if len(row) < 2:
            continue
        name = _header_metric(row[0][0])
        if name is None:
            continue
        for text, line in row[1:]:
            value = _cell_value(text)
            if value is not None:
                yield name, value, line
                break


def _output_metrics(text: str) -> Iterator[tuple[str, str, int]]:
    """Metrics in printed evaluation output: `Accuracy: 0.93` lines and column reports such as
    scikit-learn's classification report (a header of metric names over rows of numbers)."""
    lines = text.split("\n")
    for offset, line in enumerate(lines):
        if _CMD_LINE.match(line):
            continue
        names = [m for m in _METRIC_RE.finditer(line)]
        if len(names) >= 2 and not _NUMBER.search(_METRIC_RE.sub(" ", line)):
            below = next((ln for ln in lines[offset + 1:offset + 4] if ln.strip()), "")
            values = re.findall(r"(?<![\w.])\d*\.\d+%?", below)
            if len(values) >= len(names):
                for m, value in zip(names, values[-len(names):] if len(values) > len(names) else values):
                    yield _canonical(m), value, offset + 1 + lines[offset + 1:].index(below)
                continue
        for m, value in _metric_in_text(line):
            yield _canonical(m), value, offset


# ---- figures and links ----------------------------------------------------------------------------

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def local_target(target: str) -> str | None:
    """The repository path a relative link points at (query, fragment and URL escapes removed), or
    None for an absolute URL, a protocol-relative or anchor-only link, or an empty target."""
    target = target.strip().strip("<>")
    if not target or target.startswith(("#", "//")) or _SCHEME.match(target):
        return None
    target = target.split("#", 1)[0].split("?", 1)[0]
    if not target:
        return None
    return urllib.parse.unquote(target)


def find_broken_links(repo: RepoView, doc: Document, path: str) -> Iterator[BrokenLink]:
    """Relative links and images (from the README's folder; a leading `/` is the repository root)
    whose target file or folder does not exist."""
    base = posixpath.dirname(path)
    for ref in doc.refs:
        target = local_target(ref.target)
        if target is None:
            continue
        joined = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
        normal = posixpath.normpath(joined) if joined else "."
        inside = not (normal == ".." or normal.startswith("../"))
        if normal == "." or (inside and repo.exists(normal)):
            continue
        yield BrokenLink(target=ref.target.strip(), evidence=Evidence(path=path, line=ref.line,
                                                                       excerpt=excerpt(ref.target)))


# ---- citation -------------------------------------------------------------------------------------

_BIBTEX = re.compile(r"@(?:article|inproceedings|conference|misc|book|inbook|incollection|phdthesis|"
                     r"mastersthesis|techreport|proceedings|software|online|unpublished|manual|dataset)"
                     r"\s*\{\s*[^,\s}]*\s*,", re.IGNORECASE)


def find_bibtex(doc: Document, path: str) -> Evidence | None:
    """The first BibTeX entry in the README text (code blocks included)."""
    for number, line in enumerate(doc.lines, start=1):
        if _BIBTEX.search(line):
            return Evidence(path=path, line=number, excerpt=excerpt(line))
    return None


_LICENSE = re.compile(r"(?:licen[cs]e|copying)(?:[.\-_][\w.\-]*)?", re.IGNORECASE)
_CITATION_FILE = re.compile(r"citation\.cff", re.IGNORECASE)


def detect_license(repo: RepoView) -> Evidence | None:
    """A LICENSE / LICENCE / COPYING file at the root (any case, any extension), with its first line."""
    for f in repo.files:
        if "/" not in f.path and _LICENSE.fullmatch(f.path):
            text = repo.read_text(f.path, max_bytes=256 * 1024) or ""
            first = next(((i, ln) for i, ln in enumerate(text.splitlines(), start=1) if ln.strip()), None)
            if first is None:
                return Evidence(path=f.path)
            return Evidence(path=f.path, line=first[0], excerpt=excerpt(first[1]))
    return None


def detect_citation(repo: RepoView, readme: ReadmeFacts) -> Evidence | None:
    """CITATION.cff at the root, else a BibTeX entry in the README."""
    for f in repo.files:
        if "/" not in f.path and _CITATION_FILE.fullmatch(f.path):
            return Evidence(path=f.path)
    return readme.bibtex


# ---- the project story ----------------------------------------------------------------------------

_STORY_HEADINGS = {
    "problem": r"problem(?: statement)?|motivation|background|overview|introduction|about|objectives?|goals?|"
               r"business (?:problem|case|context|understanding)|context|why\b.*|purpose|task|challenge|use case",
    "data": r"data|datasets?|corpus|data ?sources?|data description|data preparation|(?:download|prepare)\b.*data\w*",
    "approach": r"approach|methods?|methodology|models?|modell?ing|architecture|how it works|solution|"
                r"algorithms?|techniques?|training|implementation|model (?:training|selection|architecture)",
    "evaluation": r"evaluation|validation|experiments|experimental (?:setup|results)|(?:evaluation )?metrics$|"
                  r"benchmarks?|testing the model",
    "results": r"results?|performance|model zoo|leaderboard|findings|outcomes?|scores?|baselines?$|key findings",
    "limitations": r"limitations?|future work|next steps|to-?dos?|roadmap|known issues|caveats|improvements|"
                   r"future\b.*|what'?s next|lessons(?: learned)?|trade-?offs",
}
_STORY_HEADING_RE = {k: re.compile(rf"\b(?:{v})\b", re.IGNORECASE) for k, v in _STORY_HEADINGS.items()}
_HEADING_NOISE = re.compile(r"^[\W\d_]+|[\W_]+$")
_MAX_STORY_HEADING_WORDS = 4
_DATA_SOURCES = re.compile(r"\b(kaggle|uci(?: machine learning repository)?|hugging ?face(?: datasets)?|imagenet|"
                           r"cifar-?\d*|mnist|fashion-mnist|coco|openwebtext|wikipedia|common crawl|squad|glue|"
                           r"pascal voc|data\.gov|zenodo|figshare|physionet|mimic-?(?:iii|iv)?)\b", re.I)
_STORY_CONTENT = {
    "problem": re.compile(r"\b(?:the )?(?:goal|aim|objective|problem|motivation|challenge|task) (?:of this \w+ |here )?"
                          r"(?:is|was)\b|\b(?:we|i) (?:aim|seek|set out) to\b|\bthis (?:project|work|repo) "
                          r"(?:aims|tries|seeks|sets out) to\b|\bproblem statement\b", re.I),
    "data": re.compile(r"\b(?:dataset|data ?set|data)\b.{0,80}?\b(?:from|contains?|consists? of|collected|"
                       r"downloaded|provided by|sourced|comprises?|available (?:on|at))\b|"
                       r"\b(?:from|on|using|use[sd]?) (?:the )?[\w -]{0,40}\b(?:dataset|data ?set|corpus)\b", re.I),
    "approach": re.compile(r"\b(?:we|i) (?:train|trained|fine-?tune|fine-?tuned|propose|apply|applied|"
                           r"compare|compared|implement|implemented)\b|\b(?:random forest|xgboost|lightgbm|catboost|"
                           r"logistic regression|linear regression|svm|support vector|decision tree|gradient boosting|"
                           r"neural networks?|cnn|rnn|lstm|gru|transformers?|bert|gpt|resnet|vgg|u-?net|yolo|k-?means|"
                           r"naive bayes|knn|autoencoder|diffusion)\b", re.I),
    "evaluation": re.compile(r"\bcross[- ]validat\w*|\bk-fold\b|\bvalidation set\b|\btest set\b|\bheld[- ]out\b|"
                             r"\bhold-?out\b|\btrain/test split\b|\bevaluated on\b|\bevaluate on\b", re.I),
    "limitations": re.compile(r"\blimitations?\b|\bfuture work\b|\bnext steps?\b|\bcould be improved\b|"
                              r"\bin the future\b|\bshortcomings?\b", re.I),
}


def _story_heading(title: str) -> list[str]:
    """The story parts a short heading announces ("Results", "2. Data", "📦 Dataset")."""
    core = _HEADING_NOISE.sub("", title)
    if not core or len(re.findall(r"\w+", core)) > _MAX_STORY_HEADING_WORDS:
        return []
    return [name for name, pattern in _STORY_HEADING_RE.items() if pattern.search(core)]


def _data_source(text: str, links: tuple[tuple[str, int], ...], start: int, end: int) -> str | None:
    """A named data source in `text[start:end]`, else an absolute link placed there."""
    named = _DATA_SOURCES.search(text, start, end)
    if named:
        return named.group(1)
    return next((t for t, at in links if start <= at <= end and _SCHEME.match(t)), None)


def find_story(doc: Document, path: str, purpose: Evidence | None,
               metrics: tuple[MetricMention, ...]) -> tuple[StoryPart, ...]:
    """Which parts of a project story the README tells, by a short heading or by a sentence, with
    evidence; the data part also names its source when the README gives one. The purpose statement
    stands in for the problem, and the first stated metric for the results, when nothing else does."""
    found: dict[str, StoryPart] = {}
    data_heading: Block | None = None
    for block in doc.blocks:
        if block.kind == "heading":
            names = _story_heading(block.text)
            data_heading = block if "data" in names else (
                data_heading if data_heading is not None and block.level > data_heading.level else None)
            for name in names:
                found.setdefault(name, StoryPart(name=name, evidence=Evidence(
                    path=path, line=block.line, excerpt=excerpt(block.text))))
            continue
        if block.kind != "text":
            continue
        for sentence, line, start in _sentences(block):
            for name, pattern in _STORY_CONTENT.items():
                if name not in found and pattern.search(sentence):
                    found[name] = StoryPart(name=name, evidence=Evidence(path=path, line=line,
                                                                          excerpt=excerpt(sentence)))
            named = _DATA_SOURCES.search(sentence)
            if named and "data" not in found:
                found["data"] = StoryPart(name="data", source=named.group(1),
                                          evidence=Evidence(path=path, line=line, excerpt=excerpt(sentence)))
            data = found.get("data")
            if data is not None and data.source is None and (
                    data_heading is not None or (data.evidence.line == line and data.evidence.excerpt == excerpt(sentence))):
                source = _data_source(block.text, block.links, start, start + len(sentence))
                if source:
                    found["data"] = StoryPart(name="data", evidence=data.evidence, source=source)
    if "problem" not in found and purpose is not None:
        found["problem"] = StoryPart(name="problem", evidence=purpose)
    if "results" not in found and metrics:
        found["results"] = StoryPart(name="results", evidence=metrics[0].evidence)
    return tuple(found.get(name, StoryPart(name=name)) for name in STORY_PARTS)
