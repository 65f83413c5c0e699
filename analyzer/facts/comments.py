"""The comments of a parsed unit, found from its syntax tree instead of a second tokenizing pass.

`tokenize` costs more than `ast.parse` itself (on keras 3.4 s against 1.5 s for parsing everything).
A `#` starts a comment unless it lies inside a string literal, and the tree already says where every
literal is (`Constant` and `JoinedStr` nodes, positions in UTF-8 bytes). So only the lines holding a
`#` are looked at, and a `#` is a comment's start when no literal covers it.

One shape cannot be told from the tree alone: a literal spanning lines that is not one triple-quoted
token, such as implicitly joined strings with a comment between them (`("a"  # why\\n "b")`) or a
backslash-continued string. When such a span has a `#` in it, and when the unit's lines were split at
characters Python does not count as line breaks (form feeds and the like), the unit is tokenized as
before; the result is the same either way.
"""
from __future__ import annotations

import ast
import io
import re
import tokenize

from .pycode import CodeUnit, nodes_of

_TRIPLE_OPENING = re.compile(r"[rRbBuUfF]{0,2}('''|\"\"\")")


def comments(unit: CodeUnit) -> list[tuple[int, str]]:
    """(line, text from `#` to the end of the line) of each comment in the unit, in order."""
    lines = unit.lines
    hashed = [i for i, line in enumerate(lines, start=1) if "#" in line]
    if not hashed:
        return []
    if not unit.plain_breaks:
        return tokenized_comments(lines)
    covered = _string_cover(unit, set(hashed))
    if covered is None:
        return tokenized_comments(lines)
    found: list[tuple[int, str]] = []
    for number in hashed:
        line = lines[number - 1]
        spans = covered.get(number, ())
        start = line.find("#")
        while start != -1 and any(a <= start < b for a, b in spans):
            start = line.find("#", start + 1)
        if start != -1:
            found.append((number, line[start:]))
    return found


def tokenized_comments(lines: tuple[str, ...]) -> list[tuple[int, str]]:
    """(line, text) of each comment, read with `tokenize`; what it read before an error is kept."""
    found: list[tuple[int, str]] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline):
            if tok.type == tokenize.COMMENT:
                found.append((tok.start[0], tok.string))
    except (tokenize.TokenError, IndentationError, SyntaxError, ValueError):
        pass
    return found


def _string_cover(unit: CodeUnit, hashed: set[int]) -> dict[int, list[tuple[int, int]]] | None:
    """For each line in `hashed`, the character ranges string literals cover on it; None when a
    multi-line literal that is not a single triple-quoted token reaches such a line."""
    lines = unit.lines
    cover: dict[int, list[tuple[int, int]]] = {}
    for node in nodes_of(unit.tree, ast.Constant, ast.JoinedStr):
        if isinstance(node, ast.Constant) and not isinstance(node.value, (str, bytes)):
            continue
        first, last = node.lineno, node.end_lineno or node.lineno
        if first == last:
            if first in hashed:
                line = lines[first - 1]
                cover.setdefault(first, []).append((_column(line, node.col_offset), _column(line, node.end_col_offset)))
            continue
        if not any(n in hashed for n in range(first, last + 1)):
            continue
        if not _one_triple_quoted_token(lines, node):
            return None
        for n in range(first, last + 1):
            if n in hashed:
                line = lines[n - 1]
                begin = _column(line, node.col_offset) if n == first else 0
                end = _column(line, node.end_col_offset) if n == last else len(line)
                cover.setdefault(n, []).append((begin, end))
    return cover


def _one_triple_quoted_token(lines: tuple[str, ...], node: ast.expr) -> bool:
    """Whether a multi-line literal's source is one triple-quoted string, whose first closing quotes end it."""
    first, last = node.lineno, node.end_lineno or node.lineno
    if last > len(lines):
        return False
    head = lines[first - 1][_column(lines[first - 1], node.col_offset):]
    opening = _TRIPLE_OPENING.match(head)
    if opening is None:
        return False
    tail = lines[last - 1][:_column(lines[last - 1], node.end_col_offset)]
    body = "\n".join((head[opening.end():], *lines[first:last - 1], tail))
    return body.find(opening.group(1)) == len(body) - 3


def _column(line: str, byte_offset: int | None) -> int:
    """The character index of a UTF-8 byte offset into `line`."""
    if byte_offset is None:
        return 0
    if line.isascii():
        return byte_offset
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))
