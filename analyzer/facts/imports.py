"""Imported packages and whether the repository declares them.

Every absolute `import` in the repository's modules and notebook cells is resolved to the
distributions that could provide it (`import_names.IMPORT_DISTRIBUTIONS`, else the import name
itself) and compared with the declared dependencies. Not third-party: the standard library
(`sys.stdlib_module_names`, `__future__`, Python 2's old module names), relative imports, the
project's own modules (any `.py` file or folder of Python code in the repository), imports in
`setup.py` (build requirements, which are not dependencies), and what a notebook runtime provides
(`google.colab`, `IPython` in a notebook), and protobuf-generated modules (`*_pb2`), which are built
from the repository's `.proto` files. An import is optional — listed, never a finding — inside
`if TYPE_CHECKING:`, in a `try:` whose handler catches ImportError, or under an `if` that tests
availability (`if find_spec("wandb"):`, `if _SH_AVAILABLE:`, `if has_apex:`). A package counts as
declared when one of its distributions is declared or pinned by a lock file, or when a declared
distribution hands it out as part of its own API (`import_names.PROVIDED_BY`: `omegaconf` with
`hydra-core`). Nothing of the scanning environment is consulted: the result depends on the
repository only.
"""
from __future__ import annotations

import ast
import posixpath
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from packaging.utils import canonicalize_name

from ..model import Evidence
from ..repo import RepoView
from ..sources import Sources
from .codepass import SourceFile, code_pass, per_file
from .dependencies import DependencyFacts
from .import_names import (
    IMPORT_DISTRIBUTIONS,
    NAMESPACE_PACKAGES,
    NOTEBOOK_RUNTIME_MODULES,
    PROVIDED_BY,
    PYTHON2_STDLIB,
)
from .pycode import CodeUnit

MAX_EVIDENCE = 5
_STDLIB = frozenset(sys.stdlib_module_names) | {"__future__", "__main__"} | PYTHON2_STDLIB
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
_SOURCE_ROOTS = frozenset({"", "src", "lib", "source"})
_CODE_SUFFIXES = (".py", ".pyi", ".pyx")
_KNOWN = {name.lower() for name in IMPORT_DISTRIBUTIONS}
_GENERATED = re.compile(r"_pb2(_grpc)?$")
_HARDWARE_CHECKS = frozenset({"is_available"})  # torch.cuda.is_available(): a device, not a package
_AVAILABILITY = re.compile(r"TYPE_CHECKING|find_spec|available|installed|^_?has_|_has_", re.IGNORECASE)


@dataclass(frozen=True, kw_only=True)
class ImportedPackage:
    """A third-party package the code imports, the distributions that provide it, and where."""

    module: str                        # top-level import name ("sklearn"), or a namespace prefix ("google.protobuf")
    distributions: tuple[str, ...]     # candidate distribution names, normalised, the usual one first
    declared: bool                     # a candidate or a providing distribution is declared (or locked)
    optional: bool                     # every import of it is guarded (try/except ImportError, TYPE_CHECKING)
    evidence: tuple[Evidence, ...]     # the import lines, required ones first (at most MAX_EVIDENCE)


@dataclass(frozen=True, kw_only=True)
class ImportFacts:
    """Third-party imports of the repository's code, sorted by module."""

    packages: tuple[ImportedPackage, ...]
    declarations_found: bool   # False when the repository has no dependency declaration file at all

    @property
    def undeclared(self) -> tuple[ImportedPackage, ...]:
        """Required (not optional) imports that no declaration provides."""
        return tuple(p for p in self.packages if not p.declared and not p.optional)


# ----- the repository's own modules ----------------------------------------------------------------


@dataclass(frozen=True)
class _LocalModules:
    """Names the repository's own code provides, and where (for names a third-party package also uses)."""

    names: frozenset[str]                       # any .py stem or folder of Python code, at any depth
    places: dict[str, frozenset[str]]           # name -> folders holding a module or package of that name

    def provides(self, name: str, importer: str) -> bool:
        """Whether `import name` from file `importer` would find the repository's own code.

        A name that is also a well-known third-party package (a `models/xgboost.py` wrapper) counts as
        local only next to the importer or in a source root (the repository root, `src/`, `lib/`).
        """
        if name not in self.names:
            return False
        if name.lower() not in _KNOWN:
            return True
        folders = self.places.get(name, frozenset())
        return posixpath.dirname(importer) in folders or bool(folders & _SOURCE_ROOTS)


def _local_modules(repo: RepoView) -> _LocalModules:
    places: dict[str, set[str]] = {}
    for f in repo.files:
        folder, base = posixpath.split(f.path)
        if base.lower().endswith(_CODE_SUFFIXES):
            places.setdefault(base.rsplit(".", 1)[0], set()).add(folder)
            parts = folder.split("/") if folder else []
            for depth, part in enumerate(parts):  # every folder above Python code is importable by its name
                places.setdefault(part, set()).add("/".join(parts[:depth]))
    return _LocalModules(names=frozenset(places), places={k: frozenset(v) for k, v in places.items()})


# ----- imports in the code ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Import:
    name: str        # the absolute dotted name imported
    line: int
    optional: bool


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(t, (ast.Name, ast.Attribute)) and
               (t.id if isinstance(t, ast.Name) else t.attr) in _IMPORT_ERRORS for t in types)


def _guards_availability(test: ast.expr) -> bool:
    """`if TYPE_CHECKING:`, `if find_spec("x"):`, `if _X_AVAILABLE:`, `if not has_x: ... else:` and the like."""
    names = (node.id if isinstance(node, ast.Name) else node.attr
             for node in ast.walk(test) if isinstance(node, (ast.Name, ast.Attribute)))
    return any(_AVAILABILITY.search(name) for name in names if name not in _HARDWARE_CHECKS)


# The fields of a node that hold statements, in the order `ast.iter_child_nodes` visits them.
_STATEMENT_LISTS = ("body", "orelse", "finalbody", "handlers", "cases")


def _imports(node: ast.AST, optional: bool = False) -> Iterator[_Import]:
    """Absolute imports under `node`, each marked optional when a guard around it makes it so."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield _Import(alias.name, node.lineno, optional)
        return
    if isinstance(node, ast.ImportFrom):
        if node.level == 0 and node.module:
            for alias in node.names:  # `from google import protobuf` imports google.protobuf
                yield _Import(f"{node.module}.{alias.name}" if alias.name != "*" else node.module,
                              node.lineno, optional)
        return
    if isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
        guarded = optional or any(_catches_import_error(h) for h in node.handlers)
        for child in node.body:
            yield from _imports(child, guarded)
        for handler in node.handlers:  # a fallback import runs only when the first choice is missing
            yield from _imports(handler, optional or _catches_import_error(handler))
        for child in [*node.orelse, *node.finalbody]:
            yield from _imports(child, optional)
        return
    if isinstance(node, ast.If) and _guards_availability(node.test):
        for child in [*node.body, *node.orelse]:
            yield from _imports(child, True)
        return
    for field in _STATEMENT_LISTS:  # imports are statements: expressions never hold one, so skip them
        children = getattr(node, field, None)
        if isinstance(children, list):
            for child in children:
                yield from _imports(child, optional)


def _unit_imports(unit: CodeUnit) -> Iterable[_Import]:
    """The unit's imports as `_imports` finds them: by `_collect_imports`, or, for a unit nested deeper than
    it goes, by `_imports` itself (whose RecursionError on a very deep unit keeps what came before it)."""
    found: list[_Import] = []
    try:
        _collect_imports(unit.tree.body, False, found, 0)
    except _TooDeep:
        return _deep_unit_imports(unit)
    return found


def _deep_unit_imports(unit: CodeUnit) -> Iterator[_Import]:
    try:
        yield from _imports(unit.tree)
    except RecursionError:  # a pathologically nested module: its imports are not worth a crash
        return


# `_collect_imports` goes this many statement lists deep at most; `_imports` there is far from the recursion
# limit, so both find every import.
_MAX_COLLECT_DEPTH = 100


class _TooDeep(Exception):
    """A unit nested deeper than `_MAX_COLLECT_DEPTH`."""


_TRY_STATEMENTS = (ast.Try, getattr(ast, "TryStar", ast.Try))
_STATEMENT_FIELDS: dict[type, tuple[str, ...]] = {}  # a statement class -> its `_STATEMENT_LISTS` fields


def _collect_imports(statements: list[ast.AST], optional: bool, found: list[_Import], depth: int) -> None:
    """What `_imports` yields for `statements`, in the same order, appended to `found`, in less time:
    no generator per statement, and an `if`'s test is read only when imports lie below it (a guard makes
    optional every import below it, and no other). Raises `_TooDeep` past `_MAX_COLLECT_DEPTH` lists."""
    if depth > _MAX_COLLECT_DEPTH:
        raise _TooDeep
    depth += 1
    for node in statements:
        kind = node.__class__
        if kind is ast.Import or kind is ast.ImportFrom:
            found.extend(_imports(node, optional))
        elif kind in _TRY_STATEMENTS:
            _collect_imports(node.body, optional or any(_catches_import_error(h) for h in node.handlers),
                             found, depth)
            for handler in node.handlers:
                _collect_imports(handler.body, optional or _catches_import_error(handler), found, depth)
            _collect_imports([*node.orelse, *node.finalbody], optional, found, depth)
        elif kind is ast.If:
            start = len(found)
            _collect_imports([*node.body, *node.orelse], optional, found, depth)
            if not optional and len(found) > start and _guards_availability(node.test):
                found[start:] = [_Import(i.name, i.line, True) for i in found[start:]]
        else:
            fields = _STATEMENT_FIELDS.get(kind)
            if fields is None:
                fields = _STATEMENT_FIELDS[kind] = tuple(f for f in _STATEMENT_LISTS if f in kind._fields)
            for field in fields:
                _collect_imports(getattr(node, field), optional, found, depth)


# ----- import name -> distributions ---------------------------------------------------------------


def _table_key(name: str) -> str:
    """The longest listed dotted prefix of `name`; else its namespace-qualified or top-level name."""
    parts = name.split(".")
    for size in range(len(parts), 0, -1):
        prefix = ".".join(parts[:size])
        if prefix in IMPORT_DISTRIBUTIONS:
            return prefix
    if parts[0] in NAMESPACE_PACKAGES and len(parts) > 1:
        return ".".join(parts[:2])
    return parts[0]


def distributions_for(module: str) -> tuple[str, ...]:
    """Candidate distributions (normalised) for an import name as `_table_key` gives it."""
    listed = IMPORT_DISTRIBUTIONS.get(module)
    if listed is None:
        listed = (module.replace(".", "-"),)
    return tuple(dict.fromkeys(canonicalize_name(d) for d in listed))


def _with_providers(candidates: tuple[str, ...]) -> set[str]:
    """The candidates and the distributions that provide them as part of their own API."""
    names = set(candidates)
    for candidate in candidates:
        names.update(canonicalize_name(p) for p in PROVIDED_BY.get(candidate, ()))
    return names


def _runtime_provided(name: str, unit: CodeUnit) -> bool:
    if unit.cell is None:
        return False
    parts = name.split(".")
    return any(".".join(parts[:size]) in NOTEBOOK_RUNTIME_MODULES for size in range(1, len(parts) + 1))


def _is_build_script(path: str) -> bool:
    return posixpath.basename(path) == "setup.py"


# ----- one file's imports -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sighting:
    """A possibly third-party import: its absolute dotted name, whether a guard makes it optional, and where."""

    name: str
    optional: bool
    evidence: Evidence


@dataclass(frozen=True)
class _FileImports:
    """One file's part: its imports that are not obviously the standard library, generated or provided by
    a notebook runtime, in order (whether the project or a declared name provides them is decided later)."""

    path: str
    sightings: tuple[_Sighting, ...]


@per_file("imports")
def _imports_in_file(file: SourceFile) -> _FileImports | None:
    """The imports of one module or notebook that may be third-party; None for `setup.py` or without any."""
    if not file.units or _is_build_script(file.path):
        return None
    sightings = tuple(_Sighting(imported.name, imported.optional, unit.evidence(imported.line))
                      for unit in file.units for imported in _unit_imports(unit)
                      if not _never_third_party(imported.name, unit))
    return _FileImports(path=file.path, sightings=sightings) if sightings else None


def _never_third_party(name: str, unit: CodeUnit) -> bool:
    """The standard library, a protobuf-generated module, or what the notebook runtime provides."""
    top = name.split(".")[0]
    return top in _STDLIB or bool(_GENERATED.search(top)) or _runtime_provided(name, unit)


# ----- the detector -------------------------------------------------------------------------------


def detect_imports(repo: RepoView, sources: Sources, dependencies: DependencyFacts) -> ImportFacts:
    """Third-party packages the code imports, each with its candidate distributions and evidence,
    and whether any candidate is declared in the repository's dependency files."""
    local = _local_modules(repo)
    declared = {d.name for d in dependencies.dependencies} | set(dependencies.locked)
    found: dict[str, list[tuple[bool, Evidence]]] = {}
    for file in code_pass(sources).of("imports"):
        for sighting in file.sightings:
            top = sighting.name.split(".")[0]
            if local.provides(top, file.path) or canonicalize_name(top) in dependencies.own_names:
                continue
            found.setdefault(_table_key(sighting.name), []).append((sighting.optional, sighting.evidence))
    packages = []
    for module in sorted(found):
        sightings = sorted(found[module], key=lambda s: (s[0], s[1].path, s[1].line or 0))
        candidates = distributions_for(module)
        packages.append(ImportedPackage(
            module=module,
            distributions=candidates,
            declared=any(c in declared for c in _with_providers(candidates)),
            optional=all(optional for optional, _ in sightings),
            evidence=tuple(dict.fromkeys(e for _, e in sightings))[:MAX_EVIDENCE],
        ))
    return ImportFacts(packages=tuple(packages), declarations_found=bool(dependencies.files))
