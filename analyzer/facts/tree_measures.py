"""Radon's cyclomatic complexity and Halstead volume of one syntax tree, in one walk without recursion.

radon measures a tree with two recursive visitors (`ComplexityVisitor`, `HalsteadVisitor`): two walks
of every node through Python-level method dispatch, about 3.5 × the cost of parsing, and a
`RecursionError` on an absurdly nested expression. `measure_tree` gives the numbers code metrics takes
from them, exactly, from one iterative walk; `tests/test_tree_measures.py` compares it with radon on
every module of the standard library.

What the walk reproduces of radon 6 (`radon/visitors.py`):

- **Decision points** add to the innermost function, class or module around them: `if` and `x if c else
  y` 1; `for`/`async for`/`while` 1, and 1 more for an `else`; `try` 1 per `except` and 1 for an `else`
  (`try … except*` counts nothing); `and`/`or` 1 per operand after the first; each `for` of a
  comprehension 1 plus 1 per `if`; `match` 1 per case, not counting one catch-all `case _` or `case x`;
  `assert` 1, and nothing inside it counts.
- **Functions** start at 1 and hold the points of their body only: decorators, defaults and annotations
  count nowhere, and neither do nested functions (closures) or classes defined in them. **Classes** hold
  the points of their body (not of their bases or decorators) plus the full complexity of their methods.
- **Total complexity** of a module is 1 plus its own points plus, for each function and class at module
  level (at any depth of `if`, `try`, loops…), its complexity less 1.
- **Halstead**: operators are `BinOp`, `UnaryOp`, `BoolOp`, `AugAssign` and each operator of a
  `Compare`; their operands are counted, and told apart by the name of the function they are in (a
  name, attribute or constant by its text or value, any other expression as itself). Function
  decorators, defaults and annotations are not read; class bases and decorators are.
"""
from __future__ import annotations

import ast
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..node_index import add_children

_FUNCTIONS = frozenset({ast.FunctionDef, ast.AsyncFunctionDef})
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_OPERAND_KEYS = {ast.Name: "id", ast.Attribute: "attr", ast.Constant: "value"}


@dataclass(frozen=True)
class TreeMeasures:
    """What radon's visitors would say of one module or cell."""

    complexity: int                           # 1 + the decision points outside functions and classes
    total_complexity: int                     # radon's `total_complexity`
    functions: dict[tuple[int, int], int]     # (line, column) of each function and method radon lists -> complexity
    halstead_volume: float


@dataclass(eq=False)
class _Block:
    """A module, class or function being measured: its decision points and the blocks directly in it."""

    kind: type
    node: ast.AST | None = None
    points: int = 0
    inner: list[_Block] = field(default_factory=list)

    def complexity(self) -> int:
        """A function's complexity, or radon's `real_complexity` of a class."""
        if self.kind is ast.ClassDef:
            return 1 + self.points + sum(b.complexity() for b in self.inner if b.kind in _FUNCTIONS)
        return 1 + self.points


@dataclass
class _Halstead:
    operators: int = 0
    operands: int = 0
    operators_seen: set[str] = field(default_factory=set)
    operands_seen: set[tuple[str | None, object]] = field(default_factory=set)

    def add(self, operators: list[ast.AST], operands: list[ast.expr], context: str | None) -> None:
        self.operators += len(operators)
        self.operands += len(operands)
        self.operators_seen.update(op.__class__.__name__ for op in operators)
        for operand in operands:
            key = _OPERAND_KEYS.get(operand.__class__)
            self.operands_seen.add((context, getattr(operand, key) if key else operand))

    @property
    def volume(self) -> float:
        """radon's `halstead_visitor_report(...).volume`: N × log2(h)."""
        distinct = len(self.operators_seen) + len(self.operands_seen)
        return (self.operators + self.operands) * math.log(distinct, 2) if distinct else 0


def _points(node: ast.AST) -> int:
    """The decision points a node adds by itself (its children are counted on their own)."""
    kind = node.__class__
    if kind is ast.If or kind is ast.IfExp:
        return 1
    if kind in _LOOPS:
        return 1 + bool(node.orelse)
    if kind is ast.BoolOp:
        return len(node.values) - 1
    if kind is ast.comprehension:
        return 1 + len(node.ifs)
    if kind is ast.Try:
        return len(node.handlers) + bool(node.orelse)
    if kind is ast.Match:
        catch_all = any(isinstance(case.pattern, ast.MatchAs) and case.pattern.pattern is None for case in node.cases)
        return max(0, len(node.cases) - catch_all)
    return 0


_COUNTED = frozenset({ast.If, ast.IfExp, *_LOOPS, ast.BoolOp, ast.comprehension, ast.Try, ast.Match})
_OPERATIONS = frozenset({ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.AugAssign, ast.Compare})


def _operation(node: ast.AST) -> tuple[list[ast.AST], list[ast.expr]]:
    """The operators of an operation node and the operands radon counts for it."""
    kind = node.__class__
    if kind is ast.BinOp:
        return [node.op], [node.left, node.right]
    if kind is ast.UnaryOp:
        return [node.op], [node.operand]
    if kind is ast.BoolOp:
        return [node.op], node.values
    if kind is ast.AugAssign:
        return [node.op], [node.target, node.value]
    return node.ops, [*node.comparators, node.left]  # Compare


def measure_tree(tree: ast.AST) -> TreeMeasures:
    """Complexity of the tree, of each function and method radon reports (closures and functions of
    classes defined inside functions are not), its total complexity and its Halstead volume."""
    module = _Block(ast.Module)
    halstead = _Halstead()
    # (nodes to walk, the block their decision points go to or None when radon does not count them,
    # the Halstead context: the name of the function they are in)
    regions: list[tuple[list[ast.AST], _Block | None, str | None]] = [([tree], module, None)]
    while regions:
        nodes, block, context = regions.pop()
        append = nodes.append
        for node in nodes:
            kind = node.__class__
            if kind in _FUNCTIONS or kind is ast.ClassDef:
                inner = _Block(kind, node)
                if block is not None:
                    block.inner.append(inner)
                if kind is ast.ClassDef:  # radon's Halstead reads bases and decorators, its complexity does not
                    regions.append((list(node.body), inner, context))
                    regions.append(([*node.bases, *node.keywords, *node.decorator_list,
                                     *getattr(node, "type_params", ())], None, context))
                else:
                    regions.append((list(node.body), inner, node.name))
                continue
            if kind is ast.Assert:  # 1 point; what is inside adds to Halstead only
                if block is not None:
                    block.points += 1
                regions.append(([node.test] + ([node.msg] if node.msg else []), None, context))
                continue
            if block is not None and kind in _COUNTED:
                block.points += _points(node)
            if kind in _OPERATIONS:
                halstead.add(*_operation(node), context)
            add_children((node,), append)
    complexity = module.complexity()
    return TreeMeasures(
        complexity=complexity,
        total_complexity=complexity + sum(b.complexity() - 1 for b in module.inner),
        functions=dict(_reported(module)),
        halstead_volume=halstead.volume,
    )


def _reported(module: _Block) -> Iterator[tuple[tuple[int, int], int]]:
    """(line, column) and complexity of module-level functions and of the methods of module-level
    classes and of the classes nested in them (radon's `functions` and each class's `methods`)."""
    pending = [module]
    while pending:
        block = pending.pop()
        for inner in block.inner:
            if inner.kind is ast.ClassDef:
                pending.append(inner)
            else:
                yield (inner.node.lineno, inner.node.col_offset), inner.complexity()
