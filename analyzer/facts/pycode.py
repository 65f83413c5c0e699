"""Python code as the detectors see it: parsed units (module files and notebook code cells, made by
the code pass, `codepass.py`) and the small `ast` helpers they share — import-alias resolution, dotted
names, node indexes, evidence for a node.
"""
from __future__ import annotations

import ast
import heapq
import re
import weakref
from array import array
from dataclasses import dataclass, field

from ..model import Evidence
from .common import excerpt


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
        return Evidence(path=self.path, line=self.cell, excerpt=excerpt(f"cell {self.cell}: {source}"))


# characters `str.splitlines` breaks at that Python's tokenizer does not
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def code_unit(path: str, cell: int | None, tree: ast.Module, text: str) -> CodeUnit:
    """The unit for `tree`, parsed from `text` (a module's source, or a cell's with magics blanked)."""
    return CodeUnit(path=path, cell=cell, tree=tree, lines=tuple(text.splitlines()),
                    plain_breaks=_OTHER_BREAKS.search(text) is None)


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


# Each tree's nodes, listed once: every detector looks at every node of every module and cell, and
# `ast.walk` (a generator over a queue) costs far more per node than iterating a tuple.
_NODES: weakref.WeakKeyDictionary[ast.AST, tuple[ast.AST, ...]] = weakref.WeakKeyDictionary()


def all_nodes(tree: ast.AST) -> tuple[ast.AST, ...]:
    """Every node of a whole module or cell tree, in `ast.walk` order, listed once per tree and shared.

    For whole trees only: a subtree walked once is cheaper with `ast.walk` than listed and kept.
    """
    nodes = _NODES.get(tree)
    if nodes is None:
        nodes = _NODES[tree] = _breadth_first(tree)
    return nodes


def _breadth_first(tree: ast.AST) -> tuple[ast.AST, ...]:
    """`tuple(ast.walk(tree))` without its generators: the same nodes in the same order (each node's
    fields in `_fields` order, list items in order), in about 70% of the time."""
    nodes = [tree]
    append = nodes.append
    for node in nodes:  # the list grows as it is read: every node appended is visited in turn
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, ast.AST):
                append(value)
            elif value.__class__ is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        append(item)
    return tuple(nodes)


# Each tree's node positions in `all_nodes` by node class: a detector that looks at a few kinds of node
# (calls, assignments, imports) skips the names, attributes and contexts that make up most of a tree.
# Positions are kept as 4-byte arrays: as lists of ints they would cost 36 bytes a node (60 MiB on keras).
_KINDS: weakref.WeakKeyDictionary[ast.AST, dict[type, array[int]]] = weakref.WeakKeyDictionary()


def nodes_of(tree: ast.AST, *kinds: type[ast.AST]) -> list[ast.AST]:
    """The nodes of a whole tree whose class is exactly one of `kinds`, in `ast.walk` order.

    `kinds` are concrete node classes (`ast.Call`, `ast.Assign`), never bases such as `ast.expr`:
    `ast.parse` makes no subclasses of them, so this equals an `isinstance` filter of `all_nodes`.
    """
    nodes = all_nodes(tree)
    index = _KINDS.get(tree)
    if index is None:
        lists: dict[type, list[int]] = {}
        for position, node in enumerate(nodes):
            lists.setdefault(node.__class__, []).append(position)
        index = _KINDS[tree] = {kind: array("I", positions) for kind, positions in lists.items()}
    if len(kinds) == 1:
        return [nodes[i] for i in index.get(kinds[0], ())]
    return [nodes[i] for i in heapq.merge(*(index.get(kind, ()) for kind in kinds))]


def forget(tree: ast.AST) -> None:
    """Drop what is cached for `tree` (its node list, kind index and import aliases), so that it can be
    freed: the node list holds the tree itself, which a weak key alone would never let go."""
    for cache in (_NODES, _KINDS, _ALIASES):
        cache.pop(tree, None)


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


def qualified_name(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """The dotted name of `node` with its first part replaced by its import origin; None if not imported."""
    root = node
    while root.__class__ is ast.Attribute or root.__class__ is ast.Call:  # most chains start at a local name
        root = root.value if root.__class__ is ast.Attribute else root.func
    if root.__class__ is not ast.Name or root.id not in aliases:
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
