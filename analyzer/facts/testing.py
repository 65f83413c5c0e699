"""Test-suite facts (`tests.*`): which files hold tests and how many test functions they define.

A test file is `test_*.py`, `*_test.py`, any `.py` under a `tests/` or `test/` folder, or any module
defining a `unittest.TestCase` subclass. Counted with `ast` (nothing is imported or run): pytest-style
`def test_*` functions at module level and in `Test*` classes (nested `Test*` classes too), and
`test*` methods of TestCase subclasses. A parametrised test is one definition and counts once.
"""
from __future__ import annotations

import ast
import posixpath
from dataclasses import dataclass

from ..model import Evidence
from ..repo import RepoView
from ..sources import PythonModule, Sources
from .common import excerpt

TEST_FOLDERS = frozenset({"tests", "test"})


def is_test_path(path: str) -> bool:
    """True for `test_*.py`, `*_test.py` or a `.py` file under a `tests/` or `test/` folder."""
    if not path.lower().endswith(".py"):
        return False
    name = posixpath.basename(path)
    folders = path.split("/")[:-1]
    return name.startswith("test_") or name.endswith("_test.py") or any(f in TEST_FOLDERS for f in folders)


def _base_names(node: ast.ClassDef) -> list[str]:
    names = []
    for base in node.bases:
        if isinstance(base, ast.Name):
            names.append(base.id)
        elif isinstance(base, ast.Attribute):
            names.append(base.attr)
    return names


def _testcase_classes(tree: ast.Module) -> set[str]:
    """Names of module-level classes deriving (directly or through the module) from a `*TestCase`."""
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for cls in classes:
            if cls.name not in found and any(b.endswith("TestCase") or b in found for b in _base_names(cls)):
                found.add(cls.name)
                changed = True
    return found


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _count_in_class(cls: ast.ClassDef, unittest_style: bool) -> list[ast.AST]:
    tests: list[ast.AST] = []
    for node in cls.body:
        if isinstance(node, _FUNCTIONS):
            if node.name.startswith("test_" if not unittest_style else "test"):
                tests.append(node)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            tests.extend(_count_in_class(node, unittest_style))
    return tests


def find_test_definitions(tree: ast.Module) -> list[ast.AST]:
    """The test function/method definitions of one test module."""
    unittest_classes = _testcase_classes(tree)
    tests: list[ast.AST] = []
    for node in tree.body:
        if isinstance(node, _FUNCTIONS) and node.name.startswith("test_"):
            tests.append(node)
        elif isinstance(node, ast.ClassDef):
            if node.name in unittest_classes:
                tests.extend(_count_in_class(node, unittest_style=True))
            elif node.name.startswith("Test"):
                tests.extend(_count_in_class(node, unittest_style=False))
    return tests


@dataclass(frozen=True, kw_only=True)
class TestFile:
    """One test file and its test count; evidence points at its first test."""

    __test__ = False  # not a pytest test class

    path: str
    count: int
    evidence: Evidence


@dataclass(frozen=True, kw_only=True)
class TestFacts:
    """Test files with at least one test, and unparsable test files."""

    __test__ = False  # not a pytest test class

    files: tuple[TestFile, ...]
    unparsable: tuple[Evidence, ...]

    @property
    def test_functions(self) -> int:
        return sum(f.count for f in self.files)

    @property
    def present(self) -> bool:
        return self.test_functions > 0

    def to_schema(self) -> dict:
        return {"present": self.present, "test_functions": self.test_functions}


def _is_test_module(module: PythonModule) -> bool:
    return is_test_path(module.path) or (module.tree is not None and bool(_testcase_classes(module.tree)))


def detect_tests(repo: RepoView, sources: Sources) -> TestFacts:
    """Test files and the number of test functions in them."""
    del repo  # the parsed modules carry everything needed
    files: list[TestFile] = []
    unparsable: list[Evidence] = []
    for module in sources.python_modules:
        if not _is_test_module(module):
            continue
        if module.tree is None:
            unparsable.append(Evidence(path=module.path, excerpt=excerpt(module.error or "not parsable")))
            continue
        tests = find_test_definitions(module.tree)
        if tests:
            first = min(tests, key=lambda n: n.lineno)
            line_text = module.text.splitlines()[first.lineno - 1] if first.lineno else ""
            files.append(TestFile(path=module.path, count=len(tests),
                                  evidence=Evidence(path=module.path, line=first.lineno,
                                                    excerpt=excerpt(f"{len(tests)} tests; {line_text}"))))
    return TestFacts(files=tuple(sorted(files, key=lambda f: f.path)), unparsable=tuple(unparsable))
