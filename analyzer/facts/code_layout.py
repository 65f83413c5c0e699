"""Where the project's logic lives (`code_layout`): reusable `.py` modules, or only notebook cells.

Counted in the per-file code pass (`codepass`), each file giving its own definitions and imports and
the detector resolving them across files: functions and classes defined in the project's own modules
(tests, vendored and generated files, `setup.py`, `noxfile.py` and docs' `conf.py` left out, as in
`complexity`), and, per notebook, the functions and classes its code cells define (cell numbers as
evidence) and whether it uses the project's modules: an import that resolves to one of them (by dotted
path from the root, a source root or any folder below, as the test detector resolves them), or a cell
running one of the repository's scripts (`%run train.py`, `!python train.py`).

A notebook function or class named like a module-level function or class of a project module (other
than `main`) is recorded as a likely duplicate, with the module's definition, when — for functions —
at least half of the shorter parameter list is shared (two unrelated `evaluate`s are not confused),
and the module lies in the notebook's project: below the notebook's folder, or below the parent of
the notebook folder (`notebooks/`, `eda/`, …) that holds it; so two sibling sub-projects of a course
repository do not duplicate each other.
"""
from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..model import Evidence
from ..sources import Sources
from .codepass import SourceFile, code_pass, per_file
from .common import cell_evidence
from .complexity import UNDOCUMENTED_FILES, definitions, excluded_file_reason
from .pycode import CodeUnit, nodes_of
from .testing import project_module_names

NOT_DUPLICATES = frozenset({"main"})
NOTEBOOK_FOLDERS = frozenset({"notebooks", "notebook", "nbs", "analysis", "research", "experiments", "eda",
                              "exploration"})
_RUNS_SCRIPT = re.compile(r"^[ \t]*+(?:%run\s++(?:-\S++\s++)*|!\s*+python3?\s++(?:-\S++\s++)*)([\w./-]+\.py)\b", re.MULTILINE)


@dataclass(frozen=True, kw_only=True)
class NotebookDefinition:
    """A function or class defined in a notebook cell; `also_in` is a module's definition of the same name."""

    name: str
    evidence: Evidence                   # the `def` / `class` line; `line` is the cell number
    also_in: Evidence | None = None


@dataclass(frozen=True, kw_only=True)
class NotebookCode:
    """One notebook: the functions and classes its cells define and its uses of the project's modules."""

    path: str
    definitions: tuple[NotebookDefinition, ...]
    uses_modules: tuple[Evidence, ...]   # imports of the project's modules, `%run` / `!python` of its scripts

    @property
    def duplicates(self) -> tuple[NotebookDefinition, ...]:
        return tuple(d for d in self.definitions if d.also_in is not None)

    @property
    def uses_project_code(self) -> bool:
        return bool(self.uses_modules)


@dataclass(frozen=True, kw_only=True)
class CodeLayout:
    """How the project's code is split between modules and notebooks."""

    module_definitions: int                # functions and classes in the project's own .py modules
    modules: tuple[str, ...]               # those modules (the ones defining anything), sorted
    notebooks: tuple[NotebookCode, ...]    # notebooks with parsable code cells, sorted by path

    @property
    def notebook_definitions(self) -> int:
        return sum(len(n.definitions) for n in self.notebooks)

    @property
    def notebooks_only(self) -> bool:
        """There are notebooks with code but no module of the project's defines a function or class."""
        return bool(self.notebooks) and not self.module_definitions

    @property
    def duplicates(self) -> tuple[NotebookDefinition, ...]:
        """Notebook definitions named like a module's function or class, by notebook and cell."""
        return tuple(d for n in self.notebooks for d in n.duplicates)

    def self_contained(self, at_least: int) -> tuple[NotebookCode, ...]:
        """Notebooks defining `at_least` functions/classes and using none of the project's modules."""
        return tuple(n for n in self.notebooks if len(n.definitions) >= at_least and not n.uses_project_code)


def _imported_names(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, absolute dotted name) of every absolute import; `from a import b` gives `a.b`."""
    for node in nodes_of(tree, ast.Import, ast.ImportFrom):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield from ((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)


def _is_project_module(name: str, known: frozenset[str]) -> bool:
    parts = name.split(".")
    return any(".".join(parts[:end]) in known for end in range(1, len(parts) + 1))


@dataclass(frozen=True, kw_only=True)
class _Defined:
    """A function or class at the top of a module or notebook cell, with its parameter names (None for a
    class)."""

    name: str
    evidence: Evidence
    parameters: frozenset[str] | None


@dataclass(frozen=True, kw_only=True)
class _ModuleFile:
    """A judged `.py` module: its top-level functions and classes (none counted for `setup.py` & co.)."""

    path: str
    definitions: tuple[_Defined, ...]


@dataclass(frozen=True, kw_only=True)
class _Cell:
    """A notebook code cell that parses: its definitions and (evidence, absolute dotted name) of its imports."""

    number: int
    definitions: tuple[_Defined, ...]
    imports: tuple[tuple[Evidence, str], ...]


@dataclass(frozen=True, kw_only=True)
class _NotebookFile:
    """A judged notebook's parsed code cells, in order."""

    path: str
    cells: tuple[_Cell, ...]


@per_file("code_layout")
def _code_layout_in_file(file: SourceFile) -> _ModuleFile | _NotebookFile | None:
    if not file.units or excluded_file_reason(file):
        return None
    if file.module is None:
        return _NotebookFile(path=file.path, cells=tuple(_cell(unit) for unit in file.units))
    counted = posixpath.basename(file.path) not in UNDOCUMENTED_FILES
    return _ModuleFile(path=file.path, definitions=tuple(_top_definitions(file.units[0]) if counted else ()))


def _top_definitions(unit: CodeUnit) -> Iterator[_Defined]:
    """The functions and classes of a module or cell, methods left out."""
    for d in definitions(unit.tree.body):
        if d.kind != "method":
            yield _Defined(name=d.qualname, evidence=unit.evidence(d.node.lineno), parameters=_parameters(d.node))


def _cell(unit: CodeUnit) -> _Cell:
    return _Cell(number=unit.cell, definitions=tuple(_top_definitions(unit)),
                 imports=tuple((unit.evidence(line), name) for line, name in _imported_names(unit.tree)))


@dataclass(frozen=True)
class _Project:
    """What a notebook is compared with: the project's module names, scripts and top-level definitions."""

    known: frozenset[str]
    scripts: frozenset[str]
    defined: dict[str, list[_Defined]]

    def module_definition(self, definition: _Defined, notebook: str) -> Evidence | None:
        """The first module definition like `definition` (a notebook's) in the same project."""
        return next((d.evidence for d in self.defined.get(definition.name, ())
                     if _same_project(notebook, d.evidence.path) and _alike(definition.parameters, d.parameters)),
                    None)


def _parameters(node: ast.AST) -> frozenset[str] | None:
    """A function's parameter names (without `self` / `cls`); None for a class."""
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    args = node.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, *(a for a in (args.vararg, args.kwarg) if a)]
    return frozenset(a.arg for a in every) - {"self", "cls"}


def _alike(first: frozenset[str] | None, second: frozenset[str] | None) -> bool:
    """Two classes, or two functions sharing at least half of the shorter parameter list."""
    if first is None or second is None:
        return first is None and second is None
    shorter = min(len(first), len(second))
    return len(first & second) * 2 >= shorter if shorter else first == second


def _project_base(notebook: str) -> str:
    """The folder a notebook's project starts at: the notebook's folder or, for a notebook inside a
    notebook folder (`notebooks/`, `eda/`, …), that folder's parent ("" for the root)."""
    folders = notebook.split("/")[:-1]
    cut = next((i for i, f in enumerate(folders) if f.lower() in NOTEBOOK_FOLDERS), len(folders))
    return "/".join(folders[:cut])


def _same_project(notebook: str, module: str) -> bool:
    """True when `module` lies below the notebook's project folder."""
    base = _project_base(notebook)
    return not base or module.startswith(base + "/")


def import_name(notebook: str, module: str) -> str | None:
    """The dotted name a notebook would import `module` (a .py path) by, from its project folder with
    `src/` or `lib/` dropped; None when that is not a valid Python name."""
    base = _project_base(notebook)
    parts = module[len(base) + 1 if base else 0:].removesuffix(".py").split("/")
    if parts[0] in ("src", "lib") and len(parts) > 1:
        parts = parts[1:]
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts) if all(p.isidentifier() for p in parts) else None


def _notebook(notebook: _NotebookFile, project: _Project, sources_by_cell: dict[int, str]) -> NotebookCode:
    defined: list[NotebookDefinition] = []
    uses: list[Evidence] = []
    for cell in notebook.cells:
        defined.extend(NotebookDefinition(name=d.name, evidence=d.evidence,
                                          also_in=project.module_definition(d, notebook.path))
                       for d in cell.definitions)
        uses.extend(evidence for evidence, name in cell.imports if _is_project_module(name, project.known))
        for match in _RUNS_SCRIPT.finditer(sources_by_cell.get(cell.number, "")):
            if posixpath.basename(match.group(1)) in project.scripts:
                uses.append(cell_evidence(notebook.path, cell.number, match.group(0).strip()))
    return NotebookCode(path=notebook.path, definitions=tuple(defined), uses_modules=tuple(uses))


def _project(modules: list[_ModuleFile]) -> _Project:
    """The judged modules' names, script names and top-level definitions (but `main`), in file order."""
    defined: dict[str, list[_Defined]] = {}
    for module in modules:
        for d in module.definitions:
            if d.name not in NOT_DUPLICATES:
                defined.setdefault(d.name, []).append(d)
    return _Project(known=project_module_names(m.path for m in modules),
                    scripts=frozenset(posixpath.basename(m.path) for m in modules), defined=defined)


def detect_code_layout(sources: Sources) -> CodeLayout:
    """Functions and classes in modules versus notebooks, and which notebooks use the project's modules."""
    files = code_pass(sources).of("code_layout")
    modules = [f for f in files if isinstance(f, _ModuleFile)]
    project = _project(modules)
    raw_cells = {nb.path: {c.number: c.source for c in nb.code_cells} for nb in sources.notebooks}
    notebooks = [_notebook(notebook, project, raw_cells.get(notebook.path, {}))
                 for notebook in sorted((f for f in files if isinstance(f, _NotebookFile)), key=lambda n: n.path)]
    return CodeLayout(module_definitions=sum(len(m.definitions) for m in modules),
                      modules=tuple(sorted(m.path for m in modules if m.definitions)),
                      notebooks=tuple(notebooks))
