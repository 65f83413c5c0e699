"""The root README as the walkthrough reads it: prose split into sentences, each with its line, block and
section, and the ways a step quotes it (a README sentence in quotes, a code or notebook line in backticks)."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..facts.common import excerpt
from ..facts.readme_document import Block, Document, LineIndex
from ..model import Evidence
from .facts import StoryFacts

MAX_QUOTE = 220             # characters of a quoted README sentence

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[*_A-Z0-9])")
_DANGLING = re.compile(r"(?<!\s)\s*[(\[]\s*+[)\]]")  # "( )" left where inline code was blanked


@dataclass(frozen=True)
class Sentence:
    """One sentence of README prose: its text, first line, the heading line of its section, its block."""

    text: str
    line: int
    section: int | None   # line of the nearest heading above (None: before any heading)
    block: int = 0        # index of the prose block (paragraph, list item) it belongs to
    last: int = 0         # its last line

    def words(self) -> int:
        """How many words the sentence has."""
        return len(self.text.split())


class ReadmeText:
    """The root README's prose as sentences, with the section each belongs to; empty without a README."""

    def __init__(self, story: StoryFacts) -> None:
        source = story.readme_source
        self.path: str | None = source.path if source is not None else None
        self.doc: Document | None = source.document if source is not None else None
        self.sentences: list[Sentence] = list(self._split()) if self.doc is not None else []
        self.headings: list[Block] = [b for b in self.doc.blocks if b.kind == "heading"] if self.doc else []

    def _split(self) -> Iterator[Sentence]:
        section: int | None = None
        for index, block in enumerate(self.doc.blocks):
            if block.kind == "heading":
                section = block.line
            elif block.kind == "text":
                lines = LineIndex(block.text, block.line)
                start = 0
                for end in [m.start() for m in _SENTENCE_END.finditer(block.text)] + [len(block.text)]:
                    text = " ".join(block.text[start:end].split())
                    if text:
                        yield Sentence(text=text, line=lines.line(start), section=section, block=index,
                                       last=lines.line(max(start, end - 1)))
                    start = end
                    while start < len(block.text) and block.text[start].isspace():
                        start += 1

    def heading_at(self, line: int | None) -> Block | None:
        """The heading on `line`, if there is one."""
        return next((h for h in self.headings if h.line == line), None)

    def in_section(self, heading_line: int | None) -> list[Sentence]:
        """The sentences under the heading at `heading_line`, its sub-sections included."""
        heading = self.heading_at(heading_line)
        if heading is None:
            return []
        end = next((h.line for h in self.headings if h.line > heading.line and h.level <= heading.level), None)
        return [s for s in self.sentences if s.line > heading.line and (end is None or s.line < end)]

    def at(self, line: int | None, hint: str | None = None) -> Sentence | None:
        """The sentence on `line` (one starting there first); with several, the one that begins like
        `hint` (an evidence excerpt). None when the line holds no prose (a heading, table or code)."""
        if line is None:
            return None
        covering = sorted((s for s in self.sentences if s.line <= line <= max(s.line, s.last)),
                          key=lambda s: s.line != line)
        key = _prefix(hint)
        return next((s for s in covering if key and _prefix(s.text).startswith(key[:20])),
                    covering[0] if covering else None)

    def said_at(self, evidence: Evidence | None) -> Sentence | None:
        """The prose an evidence points at: its sentence, or the first sentence under a heading."""
        if evidence is None or evidence.path != self.path:
            return None
        if self.heading_at(evidence.line) is not None:
            return next(iter(self.in_section(evidence.line)), None)
        return self.at(evidence.line, evidence.excerpt)

    def find(self, pattern: re.Pattern[str], sentences: Iterable[Sentence] | None = None) -> Sentence | None:
        """The first sentence (of `sentences`, else of the README) that `pattern` matches."""
        return next((s for s in (self.sentences if sentences is None else sentences) if pattern.search(s.text)), None)

    def about(self, evidence: Evidence | None) -> list[Sentence]:
        """What a story-part evidence points at: a section's sentences for a heading, else its sentence."""
        if evidence is None or evidence.path != self.path:
            return []
        if self.heading_at(evidence.line) is not None:
            return self.in_section(evidence.line)
        found = self.at(evidence.line, evidence.excerpt)
        return [found] if found else []

    def expand(self, sentence: Sentence) -> Sentence:
        """A short lead-in ("Interpretability.") joined with what follows it in the same block."""
        if len(sentence.text.split()) > 4 or sentence not in self.sentences:
            return sentence
        after = self.sentences[self.sentences.index(sentence) + 1:]
        rest = [s.text for s in after if s.block == sentence.block]
        return Sentence(text=" ".join([sentence.text, *rest[:2]]), line=sentence.line, section=sentence.section,
                        block=sentence.block, last=sentence.last)

    def paragraphs(self, sentences: list[Sentence]) -> list[Sentence]:
        """`sentences` grouped by block: one Sentence per paragraph or list item, at its first line."""
        grouped: dict[int, list[Sentence]] = {}
        for s in sentences:
            grouped.setdefault(s.block, []).append(s)
        return [Sentence(text=" ".join(s.text for s in group), line=group[0].line, section=group[0].section,
                         block=block, last=group[-1].last) for block, group in grouped.items()]

    def evidence(self, sentence: Sentence) -> Evidence:
        """The README line of `sentence`, with it as the excerpt."""
        return Evidence(path=self.path or "", line=sentence.line, excerpt=excerpt(sentence.text))

    def line_of(self, text: str) -> int | None:
        """The first README line containing `text` (any case)."""
        if self.doc is None or not text:
            return None
        wanted = text.lower()
        return next((i for i, line in enumerate(self.doc.lines, start=1) if wanted in line.lower()), None)


def _prefix(text: str | None) -> str:
    """The words of a sentence or excerpt, for matching one against the other."""
    return " ".join(re.findall(r"\w+", text or "")).lower()


_CELL_PREFIX = re.compile(r"^cell \d+:\s*")


def without_cell_prefix(text: str | None) -> str:
    """An evidence excerpt without the 'cell 3: ' a notebook excerpt starts with ('' for None)."""
    return _CELL_PREFIX.sub("", text or "")


def code(evidence: Evidence) -> str:
    """A code or notebook line from its evidence, in backticks ('cell 3: ' left out)."""
    return f"`{without_cell_prefix(evidence.excerpt or evidence.path)}`"


def quote(sentence: Sentence | str) -> str:
    """A README sentence in quotes, cut at a word boundary when long."""
    text = _DANGLING.sub("", sentence.text if isinstance(sentence, Sentence) else sentence).strip()
    if len(text) > MAX_QUOTE:
        text = text[:MAX_QUOTE].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return f"“{text}”"

