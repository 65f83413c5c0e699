"""Parsed sources shared by every detector: Python modules and notebooks, each parsed once.

Nothing here executes code from the repository: Python files are parsed with `ast`, notebooks read
with nbformat. A file that cannot be parsed yields an object with `error` set, never an exception.
"""
from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .repo import RepoView

MAGIC_LINE = re.compile(r"^(\s*)([%!?]|\w+\s*=\s*[%!])")


@dataclass(frozen=True, kw_only=True)
class PythonModule:
    """One .py file: its text and syntax tree (None when it does not parse, with the reason)."""

    path: str
    text: str
    tree: ast.Module | None
    error: str | None = None


@dataclass(frozen=True, kw_only=True)
class NotebookCell:
    """One notebook cell. `number` is 1-based, counting every cell as a reader sees them."""

    number: int
    cell_type: str
    source: str
    execution_count: int | None
    outputs: tuple[dict[str, Any], ...]


@dataclass(frozen=True, kw_only=True)
class Notebook:
    """One .ipynb file; `cells` is empty and `error` set when it could not be read as a notebook."""

    path: str
    cells: tuple[NotebookCell, ...]
    error: str | None = None

    @property
    def code_cells(self) -> list[NotebookCell]:
        return [c for c in self.cells if c.cell_type == "code"]


def parse_python(path: str, text: str) -> PythonModule:
    """Parse Python source; any failure (syntax, NUL bytes, deep nesting) becomes `error`."""
    try:
        tree = ast.parse(text, filename=path)
    except SyntaxError as exc:
        return PythonModule(path=path, text=text, tree=None, error=f"syntax error at line {exc.lineno}: {exc.msg}")
    except (ValueError, RecursionError, MemoryError) as exc:
        return PythonModule(path=path, text=text, tree=None, error=f"cannot parse: {type(exc).__name__}")
    return PythonModule(path=path, text=text, tree=tree)


def cell_as_python(source: str) -> str:
    """A code cell's source with IPython magics and shell escapes blanked, line numbers kept."""
    lines = source.split("\n")
    if lines and lines[0].lstrip().startswith("%%"):
        return "\n" * (len(lines) - 1)
    return "\n".join("" if MAGIC_LINE.match(line) else line for line in lines)


def parse_notebook(path: str, text: str) -> Notebook:
    """Read a notebook with nbformat (any version it can convert to v4); failures become `error`."""
    import nbformat  # light, but only needed when a repository has notebooks

    try:
        node = nbformat.reads(text, as_version=4)
    except (json.JSONDecodeError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        return Notebook(path=path, cells=(), error=f"not a readable notebook: {type(exc).__name__}")
    except Exception as exc:  # nbformat raises its own reader errors; a bad file must not end the scan
        return Notebook(path=path, cells=(), error=f"not a readable notebook: {type(exc).__name__}")
    raw_cells = node.get("cells") if isinstance(node, dict) else None
    if not isinstance(raw_cells, list):
        return Notebook(path=path, cells=(), error="notebook has no cell list")
    return Notebook(path=path, cells=tuple(_cell(i, c) for i, c in enumerate(raw_cells, start=1)))


def _cell(number: int, raw: Any) -> NotebookCell:
    if not isinstance(raw, dict):
        return NotebookCell(number=number, cell_type="unknown", source="", execution_count=None, outputs=())
    source = raw.get("source", "")
    if isinstance(source, list):
        source = "".join(s for s in source if isinstance(s, str))
    count = raw.get("execution_count")
    outputs = raw.get("outputs") or []
    return NotebookCell(
        number=number,
        cell_type=str(raw.get("cell_type", "unknown")),
        source=source if isinstance(source, str) else "",
        execution_count=count if isinstance(count, int) and not isinstance(count, bool) else None,
        outputs=tuple(o for o in outputs if isinstance(o, dict)) if isinstance(outputs, list) else (),
    )


class Sources:
    """Lazily parsed Python modules and notebooks of one repository view, each parsed once."""

    def __init__(self, repo: RepoView) -> None:
        self.repo = repo

    @cached_property
    def python_modules(self) -> list[PythonModule]:
        """Every listed .py file that could be read, parsed (or with its parse error)."""
        modules = []
        for f in self.repo.with_suffix(".py"):
            text = self.repo.read_text(f.path)
            if text is not None:
                modules.append(parse_python(f.path, text))
        return modules

    @cached_property
    def notebooks(self) -> list[Notebook]:
        """Every listed .ipynb file; unreadable ones carry `error`."""
        books = []
        for f in self.repo.with_suffix(".ipynb"):
            text = self.repo.read_text(f.path)
            if text is None:
                books.append(Notebook(path=f.path, cells=(), error="not read (see scan notes)"))
            else:
                books.append(parse_notebook(f.path, text))
        return books

    def code_units(self) -> list[tuple[str, int, str]]:
        """(path, first line or cell number, python source) for every module and notebook code cell.

        For a module the number is 1 (line numbers in its source are file lines); for a notebook cell
        it is the cell number, and line numbers within the source are lines within the cell.
        """
        units = [(m.path, 1, m.text) for m in self.python_modules]
        for nb in self.notebooks:
            units.extend((nb.path, c.number, cell_as_python(c.source)) for c in nb.code_cells)
        return units
