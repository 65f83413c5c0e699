"""`measure_tree` gives exactly what radon's recursive visitors give: on constructs where radon's rules
are peculiar, and on a sample of the standard library."""
from __future__ import annotations

import ast
import sysconfig
import textwrap
from pathlib import Path

import pytest
from radon.metrics import halstead_visitor_report
from radon.visitors import ComplexityVisitor, HalsteadVisitor

from portcheck.analyzer.facts.tree_measures import measure_tree

PECULIAR = {
    "decorators, defaults and annotations count nowhere": """
        @decorate(a if b else c)
        def f(x=[i for i in y if i], *, z: int = 1 if q else 2) -> (r or s):
            return x and z
    """,
    "closures and classes in functions keep their points to themselves": """
        def outer(a):
            def inner(b):
                if b:
                    return 1
                return [c for c in b if c]
            class Local:
                def method(self):
                    return a or b or c
            for x in a:
                pass
            else:
                pass
            return inner
    """,
    "class bodies, bases and inner classes": """
        class A(Base if flag else Other, metaclass=M if m else N):
            x = 1 if y else 2
            if debug:
                def helper(self):
                    return self.a and self.b
            class Inner:
                def deep(self):
                    while True:
                        break
                class Innermost:
                    def deeper(self):
                        return 1 if self else 2
            def method(self):
                try:
                    pass
                except ValueError:
                    pass
                except (TypeError, KeyError):
                    pass
                else:
                    pass
                return {k: v for k, v in self.items() if k if v}
    """,
    "match: one catch-all case is not a point": """
        def f(command):
            match command:
                case "go":
                    return 1
                case [x, *rest] if x:
                    return 2
                case Point(x=0) | Point(y=0):
                    return 3
                case other:
                    return 4
        def g(value):
            match value:
                case _:
                    return 0
    """,
    "assert counts 1 and nothing inside it does": """
        def f(a, b):
            assert a and b or (c if d else e), [x for x in a if x]
            assert a
            return a < b <= c
    """,
    "try/except* counts nothing; async loops and comprehensions do": """
        async def f(xs):
            try:
                pass
            except* ValueError:
                pass
            async for x in xs:
                pass
            else:
                pass
            return [y async for y in xs if y]
        lambda q=(1 if a else 2): q or r
    """,
    "operands are told apart by their function's name and by value": """
        x = 1 + 1.0 + True
        y = -x
        y += x * 2
        def f(a):
            return a.b - a.b + f(a) * f(a) + 'text' % ('text',)
        class C:
            def f(self):
                return not self.x == 1 is not None
    """,
}


def radon_says(tree: ast.AST) -> tuple:
    visitor = ComplexityVisitor.from_ast(tree)
    functions = list(visitor.functions)
    classes = list(visitor.classes)
    while classes:
        cls = classes.pop()
        functions.extend(cls.methods)
        classes.extend(cls.inner_classes)
    volume = halstead_visitor_report(HalsteadVisitor.from_ast(tree)).volume
    return ({(f.lineno, f.col_offset): f.complexity for f in functions}, visitor.complexity,
            visitor.total_complexity, volume)


def measured(tree: ast.AST) -> tuple:
    measures = measure_tree(tree)
    return measures.functions, measures.complexity, measures.total_complexity, measures.halstead_volume


@pytest.mark.parametrize("source", PECULIAR.values(), ids=PECULIAR.keys())
def test_peculiar_constructs_are_measured_as_radon_measures_them(source: str) -> None:
    tree = ast.parse(textwrap.dedent(source))
    assert measured(tree) == radon_says(tree)


def test_the_figures_are_what_radon_documents() -> None:
    tree = ast.parse(textwrap.dedent(PECULIAR["closures and classes in functions keep their points to themselves"]))
    measures = measure_tree(tree)
    # outer: 1 + the for loop with its else (2); inner's `if` and comprehension and Local's `or`s stay out
    assert measures.functions == {(2, 0): 3}  # the source starts with an empty line
    assert (measures.complexity, measures.total_complexity) == (1, 3)


def test_a_sample_of_the_standard_library_is_measured_as_radon_measures_it() -> None:
    library = sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))
    assert len(library) > 100
    differ = []
    for path in library[::2]:
        try:
            tree = ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            continue
        if measured(tree) != radon_says(tree):
            differ.append(path.name)
    assert differ == []


def test_a_nesting_too_deep_for_radon_is_measured_without_recursion() -> None:
    tree = ast.parse("x = " + " + ".join(["a"] * 600))
    with pytest.raises(RecursionError):
        ComplexityVisitor.from_ast(tree)
    assert measure_tree(tree).halstead_volume > 0
