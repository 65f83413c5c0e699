"""Each syntax tree's nodes, listed once in `ast.walk` order and indexed by class, its depth measured on
the way; and the child loop every whole-tree walk shares.

Every detector looks at a few kinds of node (calls, assignments, imports) of every module and cell, and
`ast.walk` (a generator over a queue) costs far more per node than reading a list. So each tree is
walked once, level by level, when it is parsed (`within_depth`, which `sources.parse_python` calls to
refuse trees too deep for the detectors' recursive walks): the levels give the depth, and their
concatenation is the walk order (a breadth-first walk meets the nodes level by level). The index is
kept under the tree as a weak key, so it goes with the tree; the root is left out of it, since a value
holding its key would keep the tree alive for good.

Expression contexts are left out of every walk: they are shared `Load`/`Store`/`Del` singletons, a
quarter of all nodes, that no detector asks for.
"""
from __future__ import annotations

import ast
import weakref
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass


class _ChildFields(dict):
    """For each node class, the fields that can hold a child node worth visiting: every field but `ctx`
    and, for the commonest leaf-like classes, only the fields that can hold a node at all (a `Name`'s
    `id` is a string; a `Constant`'s value is never a node)."""

    def __missing__(self, kind: type) -> tuple[str, ...]:
        fields = self[kind] = tuple(name for name in kind._fields if name != "ctx")
        return fields


CHILD_FIELDS: dict[type, tuple[str, ...]] = _ChildFields({
    ast.Name: (), ast.Constant: (), ast.Attribute: ("value",), ast.keyword: ("value",), ast.arg: ("annotation",),
    ast.alias: (),
})


def add_children(nodes: Iterable[ast.AST], append: Callable[[ast.AST], None]) -> None:
    """`append` the child nodes worth visiting of each of `nodes` in turn, each node's in
    `ast.iter_child_nodes` order (contexts left out). A whole level at a time in the index walk: one call
    per level, not per node."""
    child_fields = CHILD_FIELDS
    for node in nodes:
        for name in child_fields[node.__class__]:
            value = getattr(node, name, None)
            if isinstance(value, ast.AST):
                append(value)
            elif value.__class__ is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        append(item)


@dataclass(frozen=True)
class NodeIndex:
    """One tree's nodes but the root and the expression contexts, in `ast.walk` order, and their
    positions in that list by exact class (4-byte arrays: lists cost 36 bytes a node)."""

    below: tuple[ast.AST, ...]
    kinds: dict[type, array[int]]


_INDEX: weakref.WeakKeyDictionary[ast.AST, NodeIndex] = weakref.WeakKeyDictionary()
# The tree asked about last and its index: parts ask about the same tree many times in a row, and a
# weak reference's call is cheaper than the dictionary's lookup (which makes a weak reference each time).
# Both go when the tree goes, so the index's nodes do not outlive it either.
_last: tuple[weakref.ref[ast.AST], NodeIndex] | None = None


def _forget_last(gone: weakref.ref[ast.AST]) -> None:
    global _last
    if _last is not None and _last[0] is gone:
        _last = None


def node_index(tree: ast.AST) -> NodeIndex:
    """The index of `tree`, built on first use (a parsed module's was built when it was parsed)."""
    global _last
    if _last is not None and _last[0]() is tree:
        return _last[1]
    index = _INDEX.get(tree)
    if index is None:
        nodes, _ = _levels(tree, None)
        index = _INDEX[tree] = _indexed(nodes)
    _last = (weakref.ref(tree, _forget_last), index)
    return index


def within_depth(tree: ast.AST, limit: int) -> bool:
    """Whether no path from `tree` down to a leaf holds more than `limit` nodes (expression contexts
    included, as leaves); walks the whole tree once, and keeps its index when it is within the limit."""
    nodes, depth = _levels(tree, limit)
    if depth > limit:
        return False
    _INDEX[tree] = _indexed(nodes)
    return True


def _levels(tree: ast.AST, limit: int | None) -> tuple[list[ast.AST], int]:
    """The tree's nodes in walk order (contexts left out) and its depth, level by level; the walk stops
    as soon as the depth passes `limit` (the nodes are then incomplete).

    A context hangs one level below the node holding it, so it deepens the tree only when held by a node
    of the last level."""
    nodes: list[ast.AST] = [tree]
    append = nodes.append
    start, levels = 0, 0
    while True:
        end = len(nodes)
        levels += 1
        if limit is not None and levels > limit:
            return nodes, levels
        add_children(nodes[start:end], append)
        if len(nodes) == end:
            break
        start = end
    return nodes, levels + any("ctx" in node.__class__._fields for node in nodes[start:end])


def _indexed(nodes: list[ast.AST]) -> NodeIndex:
    below = tuple(nodes[1:])
    lists: dict[type, list[int]] = {}
    for position, node in enumerate(below):
        lists.setdefault(node.__class__, []).append(position)
    return NodeIndex(below, {kind: array("I", positions) for kind, positions in lists.items()})
