"""Test-suite facts (`tests.*`): which files hold tests and how many test functions they define.

A test file is `test_*.py`, `*_test.py`, any `.py` under a `tests/` or `test/` folder, or any module
defining a `unittest.TestCase` subclass. Counted with `ast` (nothing is imported or run): pytest-style
`def test_*` functions at module level and in `Test*` classes (nested `Test*` classes too), and
`test*` methods of TestCase subclasses. A parametrised test is one definition and counts once.

Whether the tests exercise the project: every import in a test file (at any depth, relative ones
resolved against the file's folder) is looked up among the repository's own non-test modules, named
by their dotted path from the root, from a source root (`src/`, `lib/`) or from any folder below (for
tests that put a folder on `sys.path`); a name a standard or well-known third-party package also uses
counts only from the root or a source root. Size: non-blank, non-comment lines of test files against
those of the other Python modules (notebooks excluded).
"""
from __future__ import annotations

import ast
import posixpath
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..model import Evidence
from ..repo import RepoView
from ..sources import PythonModule, Sources
from .codepass import SourceFile, code_pass, per_file
from .common import excerpt
from .import_names import IMPORT_DISTRIBUTIONS
from .pycode import nodes_of

TEST_FOLDERS = frozenset({"tests", "test"})
_SOURCE_ROOTS = frozenset({"src", "lib"})
_TAKEN_NAMES = frozenset(sys.stdlib_module_names) | {name.split(".")[0].lower() for name in IMPORT_DISTRIBUTIONS}


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
    tested_modules: tuple[str, ...] = ()   # the project's own modules the test files import, sorted
    test_lines: int = 0                    # non-blank, non-comment lines of test files
    code_lines: int = 0                    # the same for the other Python modules

    @property
    def test_functions(self) -> int:
        return sum(f.count for f in self.files)

    @property
    def tests_project_code(self) -> bool:
        """At least one test file imports the project's own code."""
        return bool(self.tested_modules)

    @property
    def ratio(self) -> float | None:
        """Test lines per line of other code; None when there is no other code."""
        return self.test_lines / self.code_lines if self.code_lines else None

    @property
    def present(self) -> bool:
        return self.test_functions > 0

    def to_schema(self) -> dict:
        return {"present": self.present, "test_functions": self.test_functions}


def _is_test_module(module: PythonModule) -> bool:
    return is_test_path(module.path) or (module.tree is not None and bool(_testcase_classes(module.tree)))


@dataclass(frozen=True, kw_only=True)
class _ModuleTests:
    """One module's part: whether it is a test module, its size, and for a test module its tests (None
    without any), why it did not parse (None when it did) and its imports (see `_imports`)."""

    path: str
    is_test: bool
    lines: int
    tests: TestFile | None = None
    unparsable: Evidence | None = None
    imports: tuple[tuple[str | None, str], ...] = ()

    def imported_names(self, helpers: frozenset[str]) -> Iterator[str]:
        """The absolute dotted names it imports, less the imports of test helpers beside it (`helpers`
        being every module and folder name of the test files, by path)."""
        return (name for helper, name in self.imports if helper is None or helper not in helpers)


@per_file("tests")
def _tests_in_module(file: SourceFile) -> _ModuleTests | None:
    """What `detect_tests` needs of one module (None for a notebook, which it does not read)."""
    module = file.module
    if module is None:
        return None
    lines = code_lines(module.text)
    if not _is_test_module(module):
        return _ModuleTests(path=module.path, is_test=False, lines=lines)
    if module.tree is None:
        return _ModuleTests(path=module.path, is_test=True, lines=lines,
                            unparsable=Evidence(path=module.path, excerpt=excerpt(module.error or "not parsable")))
    return _ModuleTests(path=module.path, is_test=True, lines=lines,
                        tests=_test_file(module), imports=tuple(_imports(module)))


def _test_file(module: PythonModule) -> TestFile | None:
    """A parsed test module's test count, with evidence at its first test; None without any test."""
    tests = find_test_definitions(module.tree)
    if not tests:
        return None
    first = min(tests, key=lambda n: n.lineno)
    line_text = module.text.splitlines()[first.lineno - 1] if first.lineno else ""
    return TestFile(path=module.path, count=len(tests),
                    evidence=Evidence(path=module.path, line=first.lineno,
                                      excerpt=excerpt(f"{len(tests)} tests; {line_text}")))


def code_lines(text: str) -> int:
    """Non-blank lines that are not `#` comments."""
    # A line's first character after leading white space is "" when it is blank and "#" for a comment
    # (`strip` and `lstrip` take off the same white space): one slice a line instead of three calls.
    firsts = [line[:1] for line in map(str.lstrip, text.splitlines())]
    return len(firsts) - firsts.count("") - firsts.count("#")


def project_module_names(paths: Iterable[str]) -> frozenset[str]:
    """Dotted names under which the modules at `paths` (and their package folders) can be imported."""
    names: set[str] = set()
    for path in paths:
        parts = path[:-3].split("/")
        if parts[-1] == "__init__":
            parts.pop()
        for start in range(len(parts)):
            if start and not (start == 1 and parts[0] in _SOURCE_ROOTS) and parts[start].lower() in _TAKEN_NAMES:
                continue  # `utils/torch.py` is not what `import torch` finds
            names.update(".".join(parts[start:end]) for end in range(start + 1, len(parts) + 1))
    return frozenset(names)


def _module_paths(path: str) -> Iterator[str]:
    """`a/b/c.py` -> `a/b/c`, `a/b`, `a`: the module and the folders holding it, without suffix."""
    parts = path[:-3].split("/")
    for end in range(len(parts), 0, -1):
        yield "/".join(parts[:end])


def _imports(module: PythonModule) -> Iterator[tuple[str | None, str]]:
    """Absolute dotted names imported anywhere in a parsed `module` (`from a import b` gives `a.b`).

    Each comes with the path an absolute import would also find beside the module (`tests/utils` for
    `import utils` in `tests/test_x.py`), which leaves it out when that is a test helper; None for a
    relative import.
    """
    folder = module.path.split("/")[:-1]
    beside = "/".join(folder)
    for node in nodes_of(module.tree, ast.Import, ast.ImportFrom):
        if isinstance(node, ast.Import):
            yield from ((posixpath.join(beside, a.name.split(".")[0]), a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            helper = None if node.level else posixpath.join(beside, (node.module or "").split(".")[0])
            if node.level:
                if node.level - 1 > len(folder):
                    continue  # climbs above the repository root
                base = folder[:len(folder) - node.level + 1] + (node.module.split(".") if node.module else [])
            else:
                base = (node.module or "").split(".")
            prefix = ".".join(p for p in base if p)
            for alias in node.names:
                yield helper, (f"{prefix}.{alias.name}" if prefix and alias.name != "*" else prefix or alias.name)


def _resolve(name: str, known: frozenset[str]) -> str | None:
    """The longest leading part of dotted `name` that is one of the `known` module names."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in known:
            return ".".join(parts[:end])
    return None


def detect_tests(repo: RepoView, sources: Sources) -> TestFacts:
    """Test files and the number of test functions in them."""
    del repo  # the code pass carries everything needed
    modules = code_pass(sources).of("tests")
    test_modules = [m for m in modules if m.is_test]
    known = project_module_names(m.path for m in modules if not m.is_test)
    helpers = frozenset(path for m in test_modules for path in _module_paths(m.path))
    tested = {found for m in test_modules for name in m.imported_names(helpers) if (found := _resolve(name, known))}
    return TestFacts(files=tuple(sorted((m.tests for m in test_modules if m.tests), key=lambda f: f.path)),
                     unparsable=tuple(m.unparsable for m in test_modules if m.unparsable),
                     tested_modules=tuple(sorted(tested)),
                     test_lines=sum(m.lines for m in test_modules),
                     code_lines=sum(m.lines for m in modules if not m.is_test))
