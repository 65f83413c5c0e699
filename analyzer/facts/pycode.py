"""Python code as the detectors see it: parsed units (module files and notebook code cells, made by
the code pass, `codepass.py`) and the small `ast` helpers they share — import-alias resolution, dotted
names, node indexes, evidence for a node.
"""
from __future__ import annotations

import ast
import re
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain

from ..model import Evidence
from ..node_index import node_index
from ..sources import NotebookCell, cell_as_python, parse_python
from .common import cell_evidence, excerpt


@dataclass(frozen=True, kw_only=True)
class CodeUnit:
    """One parsed piece of Python: a whole module (cell None) or one notebook code cell."""

    path: str
    cell: int | None
    tree: ast.Module
    lines: tuple[str, ...]
    plain_breaks: bool = True  # `lines` are the lines Python counts (no form feed or other break `splitlines` honours)
    _lines_evidence: dict[int | None, Evidence] = field(default_factory=dict, init=False, repr=False, compare=False)

    def evidence(self, line: int | None, text: str | None = None) -> Evidence:
        """Evidence for a line of this unit; in a notebook the line is the cell number. A line's own
        evidence is made once: detectors ask for the same line many times."""
        if text is None:
            made = self._lines_evidence.get(line)
            if made is None:
                made = self._lines_evidence[line] = self._evidence(line, None)
            return made
        return self._evidence(line, text)

    def _evidence(self, line: int | None, text: str | None) -> Evidence:
        source = text if text is not None else (
            self.lines[line - 1] if line and 0 < line <= len(self.lines) else "")
        if self.cell is None:
            return Evidence(path=self.path, line=line, excerpt=excerpt(source) or None)
        return cell_evidence(self.path, self.cell, source)


# characters `str.splitlines` breaks at that Python's tokenizer does not
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def code_unit(path: str, cell: int | None, tree: ast.Module, text: str) -> CodeUnit:
    """The unit for `tree`, parsed from `text` (a module's source, or a cell's with magics blanked)."""
    return CodeUnit(path=path, cell=cell, tree=tree, lines=tuple(text.splitlines()),
                    plain_breaks=_OTHER_BREAKS.search(text) is None)


def cell_units(path: str, cells: Iterable[NotebookCell]) -> Iterator[CodeUnit]:
    """The unit of each code cell of the notebook at `path` that parses (magics blanked), in order."""
    for cell in cells:
        text = cell_as_python(cell.source)
        parsed = parse_python(path, text)
        if parsed.tree is not None:
            yield code_unit(path, cell.number, parsed.tree, text)


def dotted_name(node: ast.AST) -> str | None:
    """`a.b.c` for a Name/Attribute chain; a call in the chain shows as `()` (`torch.Generator().manual_seed`)."""
    parts: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            parts.append("()")
            node = node.func
        elif isinstance(node, ast.Name):
            parts.append(node.id)
            break
        else:
            return None
    parts.reverse()
    return ".".join(parts).replace(".()", "()")


def import_aliases(trees: list[ast.Module]) -> dict[str, str]:
    """Local name -> absolute dotted origin for every absolute import in the trees (any depth); a later
    tree's import of a name wins, as when the trees run in order."""
    aliases: dict[str, str] = {}
    for tree in trees:
        aliases.update(_tree_aliases(tree))
    return aliases


def nodes_of(tree: ast.AST, *kinds: type[ast.AST]) -> list[ast.AST]:
    """The nodes of a whole tree whose class is exactly one of `kinds`, in `ast.walk` order.

    `kinds` are concrete node classes (`ast.Call`, `ast.Assign`), never bases such as `ast.expr`:
    `ast.parse` makes no subclasses of them, so this equals an `isinstance` filter of `ast.walk(tree)`.
    Expression contexts (`ast.Load`, `ast.Store`, `ast.Del`) are not listed. The index is built once
    per tree and freed with it.
    """
    index = node_index(tree)
    present = [positions for kind in kinds if (positions := index.kinds.get(kind)) is not None]
    if len(present) > 1:  # sorting sorted runs is one linear merge, in C
        present = [sorted(chain.from_iterable(present))]
    found = list(map(index.below.__getitem__, present[0])) if present else []
    return [tree, *found] if tree.__class__ in kinds else found  # the root comes first in walk order


def star_imports(trees: list[ast.Module]) -> list[str]:
    """The modules of every absolute `from X import *` in the trees (any depth), in order."""
    return [n.module for t in trees for n in nodes_of(t, ast.ImportFrom)
            if n.level == 0 and n.module and any(a.name == "*" for a in n.names)]


# Each tree's imports, found once: many detectors resolve names against the same modules and cells.
_ALIASES: weakref.WeakKeyDictionary[ast.Module, dict[str, str]] = weakref.WeakKeyDictionary()


def _tree_aliases(tree: ast.Module) -> dict[str, str]:
    cached = _ALIASES.get(tree)
    if cached is not None:
        return cached
    aliases: dict[str, str] = {}
    for node in nodes_of(tree, ast.Import, ast.ImportFrom):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    root = alias.name.split(".")[0]
                    aliases[root] = root
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                if alias.name != "*":
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    _ALIASES[tree] = aliases
    return aliases


def chain_root(node: ast.AST) -> str | None:
    """The first name of an attribute / call chain (`yaml` of `yaml.safe_load(f).get`); None when the chain
    starts elsewhere (a subscript, a literal). `qualified_name` is None unless it is an imported name."""
    while node.__class__ is ast.Attribute or node.__class__ is ast.Call:
        node = node.value if node.__class__ is ast.Attribute else node.func
    return node.id if node.__class__ is ast.Name else None


def called_name(func: ast.AST) -> str | None:
    """The attribute or the name called (`read_csv` of `pd.read_csv`), else None: the last part of
    `dotted_name(func)` when that is a name, which a called call's (`f()()`, ending in "()") never is."""
    return func.attr if func.__class__ is ast.Attribute else func.id if func.__class__ is ast.Name else None


def qualified_name(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """The dotted name of `node` with its first part replaced by its import origin; None if not imported."""
    if chain_root(node) not in aliases:  # most chains start at a local name: no name to build
        return None
    name = dotted_name(node)
    if not name:
        return None
    root, _, rest = name.partition(".")
    head, paren, _ = root.partition("(")
    if head not in aliases:
        return None
    origin = aliases[head] + (root[len(head):] if paren else "")
    return f"{origin}.{rest}" if rest else origin
