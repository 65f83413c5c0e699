"""Code-quality metrics (`code_metrics`): cyclomatic complexity of every function, method and notebook
cell, maintainability index and line counts of every module, and docstring coverage of the public API.

Everything is computed in the per-file code pass (`codepass`), on each file's syntax trees as it is
read: one walk of each tree gives radon's complexity and Halstead volume (`tree_measures`, exactly what
radon's `ComplexityVisitor` and `HalsteadVisitor` give, without their recursion) and
`radon.metrics.mi_compute` combines the numbers, so no file is read, tokenised or parsed again; the
detector sorts what the files gave. Ranks are radon's: complexity A (1–5),
B (6–10), C (11–20), D (21–30), E (31–40), F (41+); maintainability index A (> 19), B (10–19), C (≤ 9).

Lines are counted in one cheap pass over each module's text: a line is *blank* when empty after
stripping and a *comment* when its stripped text starts with `#`; the lines of string statements
(docstrings and string blocks, found in the tree) count as documentation, and the rest is *code*
(`sloc`). The maintainability index follows `radon mi` (default `--multi`): Halstead volume, total
complexity, the statement count (radon's logical lines) and the percentage of comment lines — `#`
lines, lines with a `#` after code outside a one-line string literal, and multi-line string statement
lines — relative to code lines; it stays within a few points of radon's own figure. A function's
*length* is its code lines from the `def` line to its last line, without blank lines, comment lines
or its docstring.

A notebook cell's top-level code (outside any `def` or `class`, magics and shell escapes blanked) is
one block named `cell N`; functions defined in a cell are blocks of their own. Module-level code of a
`.py` file is not a block, as in `radon cc`: scripts are judged by their length and maintainability.

Not judged: tests (`is_test_path`, `conftest.py`), vendored code (a `vendor/`, `third_party/`,
`external/`, `site-packages/` … folder) and generated files (`*_pb2.py`, Django `migrations/`, a
"generated … do not edit" comment in the first 5 lines). Docstring coverage also leaves out
`setup.py`, `noxfile.py`, `conf.py`, `__main__.py` and anything under `docs/`.
A public definition is a module-level function or class, or a method of a
public class, whose name does not start with `_`, in a module whose path has no `_private` part;
`@overload` stubs and property setters/deleters are not counted.
"""
from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from radon.complexity import cc_rank
from radon.metrics import mi_compute, mi_rank

from ..model import Evidence
from ..sources import Sources
from .codepass import SourceFile, code_pass, per_file
from .pycode import CodeUnit
from .testing import is_test_path
from .tree_measures import TreeMeasures, measure_tree

VENDORED_FOLDERS = frozenset({
    "vendor", "vendored", "_vendor", "third_party", "third-party", "thirdparty", "3rdparty", "external",
    "externals", "extern", "site-packages", "dist-packages", "node_modules",
})
GENERATED_FOLDERS = frozenset({"migrations"})
_GENERATED_NAME = re.compile(r"(_pb2(_grpc)?|_grpc_pb2)\.py$")
_GENERATED_HEADER = re.compile(r"\b(auto-?generated|generated (by|from|with)|do not (edit|modify))\b", re.IGNORECASE)
HEADER_LINES = 5
UNDOCUMENTED_FILES = frozenset({"setup.py", "noxfile.py", "conf.py", "conftest.py", "__main__.py"})
_QUOTED = re.compile(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"")
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def excluded_reason(path: str, lines: tuple[str, ...] | list[str] = ()) -> str | None:
    """Why a Python file is not judged ("test", "vendored", "generated"), or None when it is."""
    folders = path.lower().split("/")[:-1]
    name = posixpath.basename(path)
    if is_test_path(path) or name == "conftest.py":
        return "test"
    if any(f in VENDORED_FOLDERS for f in folders):
        return "vendored"
    if _GENERATED_NAME.search(name) or any(f in GENERATED_FOLDERS for f in folders):
        return "generated"
    if any(_GENERATED_HEADER.search(line) for line in lines[:HEADER_LINES] if line.lstrip().startswith("#")):
        return "generated"
    return None


def excluded_file_reason(file: SourceFile) -> str | None:
    """`excluded_reason` of a file the code pass read: a module by its path and first lines, a notebook by
    its path."""
    return excluded_reason(file.path, file.units[0].lines if file.module is not None and file.units else ())


def _documentable(path: str) -> bool:
    """True when a module's public definitions are expected to carry docstrings."""
    parts = path.split("/")
    if parts[-1] in UNDOCUMENTED_FILES or (parts[0] in ("docs", "doc") and len(parts) > 1):
        return False
    stem = parts[-1].removesuffix(".py")
    return not any(p.startswith("_") and p != "__init__" for p in [*parts[:-1], stem])


# ----- the facts ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class BlockMetric:
    """One function, method or notebook cell: its cyclomatic complexity, radon rank and length.

    `line` is the `def` line (for a cell, 1); in a notebook `cell` is the cell number and `line` the
    line within the cell. `evidence` follows the report's convention (a notebook's line is the cell).
    """

    path: str
    cell: int | None
    line: int
    name: str            # `train`, `Trainer.fit`, or `cell 7` for a cell's top-level code
    kind: str            # "function" | "method" | "cell"
    complexity: int
    rank: str
    length: int          # code lines, without blank, comment and docstring lines
    evidence: Evidence

    @property
    def location(self) -> str:
        """`path:line`, or `notebook.ipynb, cell N` (line L within the cell for a function)."""
        if self.cell is None:
            return f"{self.path}:{self.line}"
        return f"{self.path}, cell {self.cell}" + (f" line {self.line}" if self.kind != "cell" else "")


@dataclass(frozen=True, kw_only=True)
class ModuleMetric:
    """One `.py` module: line counts, maintainability index and its radon rank."""

    path: str
    loc: int             # every line
    sloc: int            # code lines: not blank, not a comment, not a docstring
    comments: int        # lines whose stripped text starts with `#`
    docstring_lines: int  # lines of string statements: docstrings and string blocks
    blank: int
    mi: float
    rank: str

    @property
    def comment_ratio(self) -> float:
        """Comment and docstring lines per line of the module (0 for an empty one)."""
        return (self.comments + self.docstring_lines) / self.loc if self.loc else 0.0

    @property
    def evidence(self) -> Evidence:
        return Evidence(path=self.path, excerpt=f"maintainability index {self.mi:.1f} (rank {self.rank}), "
                                                f"{self.sloc} code lines, {self.comment_ratio:.0%} comments")


@dataclass(frozen=True, kw_only=True)
class PublicDefinition:
    """A public function, class or method and whether it has a docstring."""

    path: str
    line: int
    name: str            # `train`, `Trainer`, `Trainer.fit`
    kind: str            # "function" | "class" | "method"
    documented: bool
    evidence: Evidence


@dataclass(frozen=True, kw_only=True)
class DocstringCoverage:
    """Public definitions of the judged modules, documented or not (sorted by path and line)."""

    definitions: tuple[PublicDefinition, ...]

    @property
    def total(self) -> int:
        return len(self.definitions)

    @property
    def documented(self) -> int:
        return sum(1 for d in self.definitions if d.documented)

    @property
    def undocumented(self) -> tuple[PublicDefinition, ...]:
        return tuple(d for d in self.definitions if not d.documented)

    @property
    def percent(self) -> float | None:
        """Share of public definitions with a docstring, 0–100; None when there are none."""
        return 100.0 * self.documented / self.total if self.total else None


@dataclass(frozen=True, kw_only=True)
class CodeMetrics:
    """Complexity, size, maintainability and docstring facts of the project's own Python code."""

    functions: tuple[BlockMetric, ...]     # functions and methods (modules and notebooks), worst first
    cells: tuple[BlockMetric, ...]         # notebook cells' top-level code, worst first
    modules: tuple[ModuleMetric, ...]      # judged `.py` modules, by path
    docstrings: DocstringCoverage
    excluded: tuple[tuple[str, str], ...]  # (path, reason) of Python files and notebooks not judged

    @property
    def blocks(self) -> tuple[BlockMetric, ...]:
        """Functions, methods and cells together, most complex first."""
        return tuple(sorted(self.functions + self.cells, key=_worst_first))

    @property
    def has_code(self) -> bool:
        return bool(self.functions or self.cells or self.modules)

    def at_least(self, rank: str) -> tuple[BlockMetric, ...]:
        """Blocks whose complexity rank is `rank` or worse, most complex first."""
        return tuple(b for b in self.blocks if b.rank >= rank)


def _worst_first(block: BlockMetric) -> tuple:
    return (-block.complexity, block.path, block.cell or 0, block.line, block.name)


# ----- one module or cell -------------------------------------------------------------------------


@dataclass(frozen=True)
class Definition:
    """A function, class or method definition with its qualified name and whether it is public."""

    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
    qualname: str
    kind: str            # "function" | "class" | "method"
    public: bool


def definitions(body: list[ast.stmt], prefix: str = "", public: bool = True) -> Iterator[Definition]:
    """Functions and classes of a body: at module level (inside `if`/`try`/`with`/loops too) and,
    recursively, in class bodies; never inside a function."""
    for node in body:
        if isinstance(node, ast.ClassDef):
            qualname = f"{prefix}{node.name}"
            visible = public and not node.name.startswith("_")
            yield Definition(node, qualname, "class", visible)
            yield from definitions(node.body, f"{qualname}.", visible)
        elif isinstance(node, _FUNCTIONS):
            yield Definition(node, f"{prefix}{node.name}", "method" if prefix else "function",
                              public and not node.name.startswith("_"))
        else:
            for inner in _statement_lists(node):
                yield from definitions(inner, prefix, public)


def _statement_lists(node: ast.stmt) -> Iterator[list[ast.stmt]]:
    """The statement lists nested in a compound statement (`if`, `try`, `with`, loops, `match`)."""
    for name in ("body", "orelse", "finalbody"):
        value = getattr(node, name, None)
        if isinstance(value, list):
            yield value
    for part in (*getattr(node, "handlers", ()), *getattr(node, "cases", ())):
        yield part.body


def _docstring_span(node: ast.AST) -> tuple[int, int] | None:
    """First and last line of a module's, class's or function's docstring."""
    body = getattr(node, "body", None)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        first = body[0]
        return first.lineno, first.end_lineno or first.lineno
    return None


def _decorator_names(node: ast.AST) -> set[str]:
    names = set()
    for decorator in getattr(node, "decorator_list", ()):
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Name):
            names.add(target.id)
        elif isinstance(target, ast.Attribute):
            names.add(target.attr)
    return names


def _counts_for_docstrings(definition: Definition) -> bool:
    return definition.public and not (_decorator_names(definition.node) & {"overload", "setter", "deleter"})


class _Lines:
    """Line classes of one unit's text, with prefix sums so any range's code lines cost O(1)."""

    def __init__(self, lines: tuple[str, ...], strings: list[tuple[int, int]]) -> None:
        self.loc = len(lines)
        self.blank = self.comments = self.inline_comments = 0
        code = [0] * (self.loc + 1)
        for i, line in enumerate(lines):
            stripped = line.strip()
            if not stripped:
                self.blank += 1
            elif stripped[0] == "#":
                self.comments += 1
            elif "#" in stripped and "#" in _QUOTED.sub("", stripped):
                self.inline_comments += 1
            code[i + 1] = code[i] + (bool(stripped) and stripped[0] != "#")
        self._code = code
        self.docstring_lines = sum(self.code_between(first, last) for first, last in strings)
        self.multi_lines = sum(self.code_between(first, last) for first, last in strings if last > first)
        self.sloc = code[self.loc] - self.docstring_lines

    def code_between(self, first: int, last: int) -> int:
        """Non-blank, non-comment lines from line `first` to line `last` (1-based, inclusive)."""
        first, last = max(first, 1), min(last, self.loc)
        return self._code[last] - self._code[first - 1] if last >= first else 0


def _function_length(node: ast.AST, lines: _Lines) -> int:
    length = lines.code_between(node.lineno, node.end_lineno or node.lineno)
    span = _docstring_span(node)
    return length - (lines.code_between(*span) if span else 0)


def _measure_functions(unit: CodeUnit, measures: TreeMeasures, nodes: dict[tuple[int, int], Definition],
                       lines: _Lines) -> list[BlockMetric]:
    blocks = []
    for position, complexity in measures.functions.items():
        definition = nodes.get(position)
        if definition is None:
            continue
        blocks.append(_block(unit, position[0], definition.qualname, definition.kind, complexity,
                             _function_length(definition.node, lines)))
    return blocks


def _block(unit: CodeUnit, line: int, name: str, kind: str, complexity: int, length: int) -> BlockMetric:
    """A measured block; its evidence is the block's first code line, prefixed with its numbers."""
    rank = cc_rank(complexity)
    first = next((text.strip() for text in unit.lines[line - 1:] if text.strip()), "")
    summary = f"complexity {complexity} (rank {rank}), {length} code lines: {first}"
    return BlockMetric(path=unit.path, cell=unit.cell, line=line, name=name, kind=kind, complexity=complexity,
                       rank=rank, length=length, evidence=unit.evidence(line, summary))


def _statements(tree: ast.Module) -> tuple[int, list[tuple[int, int]]]:
    """The number of statements (radon's logical lines) and the line spans of string statements
    (docstrings and string blocks). Only statement lists are followed: expressions hold no statements."""
    count = 0
    strings = []
    pending = [tree.body]
    while pending:
        for node in pending.pop():
            count += 1
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
                    and isinstance(node.value.value, str):
                strings.append((node.lineno, node.end_lineno or node.lineno))
            pending.extend(_statement_lists(node))
    return count, strings


def _measure_unit(unit: CodeUnit, out: _FileMetrics) -> None:
    """Measure one module or cell, adding to `out` only once every number is known."""
    defs = list(definitions(unit.tree.body))
    statements, strings = _statements(unit.tree)
    lines = _Lines(unit.lines, strings)
    measures = measure_tree(unit.tree)
    nodes = {(d.node.lineno, d.node.col_offset): d for d in defs if d.kind != "class"}
    functions = _measure_functions(unit, measures, nodes, lines)
    if unit.cell is not None:
        out.functions.extend(functions)
        if lines.sloc:
            out.cells.append(_block(unit, 1, f"cell {unit.cell}", "cell", measures.complexity, lines.sloc))
        return
    comments = lines.comments + lines.inline_comments + lines.multi_lines
    comment_percent = 100.0 * comments / lines.sloc if lines.sloc else 0.0
    mi = mi_compute(measures.halstead_volume, measures.total_complexity, statements, comment_percent)
    out.functions.extend(functions)
    out.modules.append(ModuleMetric(path=unit.path, loc=lines.loc, sloc=lines.sloc, comments=lines.comments,
                                    docstring_lines=lines.docstring_lines, blank=lines.blank,
                                    mi=round(mi, 2), rank=mi_rank(mi)))
    if _documentable(unit.path):
        out.public.extend(
            PublicDefinition(path=unit.path, line=d.node.lineno, name=d.qualname, kind=d.kind,
                             documented=_docstring_span(d.node) is not None,
                             evidence=unit.evidence(d.node.lineno))
            for d in defs if _counts_for_docstrings(d))


@dataclass(kw_only=True)
class _FileMetrics:
    """One file's part: why it is not judged, or what its units measured (filled unit by unit)."""

    path: str
    excluded: str | None = None
    functions: list[BlockMetric] = field(default_factory=list)
    cells: list[BlockMetric] = field(default_factory=list)
    modules: list[ModuleMetric] = field(default_factory=list)
    public: list[PublicDefinition] = field(default_factory=list)


@per_file("code_metrics")
def _code_metrics_in_file(file: SourceFile) -> _FileMetrics | None:
    if not file.units:
        return None
    reason = excluded_file_reason(file)
    if reason:
        return _FileMetrics(path=file.path, excluded=reason)
    out = _FileMetrics(path=file.path)
    for unit in file.units:
        _measure_unit(unit, out)
    return out


def detect_code_metrics(sources: Sources) -> CodeMetrics:
    """Complexity of every function, method and notebook cell, module maintainability and docstrings."""
    files = code_pass(sources).of("code_metrics")
    return CodeMetrics(
        functions=tuple(sorted((b for f in files for b in f.functions), key=_worst_first)),
        cells=tuple(sorted((b for f in files for b in f.cells), key=_worst_first)),
        modules=tuple(sorted((m for f in files for m in f.modules), key=lambda m: m.path)),
        docstrings=DocstringCoverage(definitions=tuple(sorted((d for f in files for d in f.public),
                                                              key=lambda d: (d.path, d.line)))),
        excluded=tuple(sorted((f.path, f.excluded) for f in files if f.excluded)),
    )
