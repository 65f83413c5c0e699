"""Which fields of a syntax-tree node can hold child nodes worth walking, shared by every walk that
visits a whole tree (the node index, the depth bound, the complexity walk)."""
from __future__ import annotations

import ast
from collections.abc import Callable


class _ChildFields(dict):
    """For each node class, the fields that can hold a child node worth visiting: every field but `ctx`
    (expression contexts are shared `Load`/`Store`/`Del` singletons, a quarter of all nodes, that no
    detector asks for) and, for the commonest leaf-like classes, only the fields that can hold a node at
    all (a `Name`'s `id` is a string; a `Constant`'s value is never a node)."""

    def __missing__(self, kind: type) -> tuple[str, ...]:
        fields = self[kind] = tuple(name for name in kind._fields if name != "ctx")
        return fields


CHILD_FIELDS: dict[type, tuple[str, ...]] = _ChildFields({
    ast.Name: (), ast.Constant: (), ast.Attribute: ("value",), ast.keyword: ("value",), ast.arg: ("annotation",),
    ast.alias: (),
})


def add_children(node: ast.AST, append: Callable[[ast.AST], None]) -> None:
    """`append` each child node of `node` worth visiting, in `ast.iter_child_nodes` order (contexts left out)."""
    for name in CHILD_FIELDS[node.__class__]:
        value = getattr(node, name, None)
        if isinstance(value, ast.AST):
            append(value)
        elif value.__class__ is list:
            for item in value:
                if isinstance(item, ast.AST):
                    append(item)
