"""Python code as the detectors see it: parsed units (module files and notebook code cells) and the
small `ast` helpers they share — import-alias resolution, dotted names, evidence for a node.
"""
from __future__ import annotations

import ast
import weakref
from dataclasses import dataclass

from ..model import Evidence
from ..sources import Sources, parse_python
from .common import excerpt


@dataclass(frozen=True, kw_only=True)
class CodeUnit:
    """One parsed piece of Python: a whole module (cell None) or one notebook code cell."""

    path: str
    cell: int | None
    tree: ast.Module
    lines: tuple[str, ...]

    def evidence(self, line: int | None, text: str | None = None) -> Evidence:
        """Evidence for a line of this unit; in a notebook the line is the cell number."""
        source = text if text is not None else (
            self.lines[line - 1] if line and 0 < line <= len(self.lines) else "")
        if self.cell is None:
            return Evidence(path=self.path, line=line, excerpt=excerpt(source) or None)
        return Evidence(path=self.path, line=self.cell, excerpt=excerpt(f"cell {self.cell}: {source}"))


_UNITS: weakref.WeakKeyDictionary[Sources, list[CodeUnit]] = weakref.WeakKeyDictionary()


def code_units(sources: Sources) -> list[CodeUnit]:
    """Every parsable module and notebook code cell (magics blanked) as a `CodeUnit`, cached per `Sources`."""
    cached = _UNITS.get(sources)
    if cached is None:
        cached = _UNITS[sources] = _make_units(sources)
    return cached


def _make_units(sources: Sources) -> list[CodeUnit]:
    units = [CodeUnit(path=m.path, cell=None, tree=m.tree, lines=tuple(m.text.splitlines()))
             for m in sources.python_modules if m.tree is not None]
    for path, number, text in sources.code_units():
        if not path.lower().endswith(".ipynb"):
            continue
        parsed = parse_python(path, text)
        if parsed.tree is not None:
            units.append(CodeUnit(path=path, cell=number, tree=parsed.tree, lines=tuple(text.splitlines())))
    return units


def by_path(units: list[CodeUnit]) -> dict[str, list[CodeUnit]]:
    """Units grouped by file: a notebook's cells share one namespace, as when it runs top to bottom."""
    groups: dict[str, list[CodeUnit]] = {}
    for unit in units:
        groups.setdefault(unit.path, []).append(unit)
    return groups


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
        nodes = _NODES[tree] = tuple(ast.walk(tree))
    return nodes


def star_imports(trees: list[ast.Module]) -> list[str]:
    """The modules of every absolute `from X import *` in the trees (any depth), in order."""
    return [n.module for t in trees for n in all_nodes(t)
            if isinstance(n, ast.ImportFrom) and n.level == 0 and n.module and any(a.name == "*" for a in n.names)]


# Each tree's imports, found once: many detectors resolve names against the same modules and cells.
_ALIASES: weakref.WeakKeyDictionary[ast.Module, dict[str, str]] = weakref.WeakKeyDictionary()


def _tree_aliases(tree: ast.Module) -> dict[str, str]:
    cached = _ALIASES.get(tree)
    if cached is not None:
        return cached
    aliases: dict[str, str] = {}
    for node in all_nodes(tree):
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
    name = dotted_name(node)
    if not name:
        return None
    root, _, rest = name.partition(".")
    head, paren, _ = root.partition("(")
    if head not in aliases:
        return None
    origin = aliases[head] + (root[len(head):] if paren else "")
    return f"{origin}.{rest}" if rest else origin
