"""Notebook hygiene facts (`notebooks.*`): error outputs, out-of-order and unexecuted notebooks.

Notebooks come parsed from `Sources` (nbformat, any version it upgrades to v4). With git history only
tracked notebooks count (what a visitor of the repository sees); without it, every listed one. When
HEAD's tree is given, tracked notebooks the work-tree walk does not list (e.g. a committed
`.ipynb_checkpoints/` folder, which the walk skips) are read and counted too. A notebook that cannot
be read still counts, recorded with the reason; it adds to no other count.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from ..gitsafe import TreeEntry
from ..model import Evidence
from ..sources import Notebook, Sources, parse_notebook
from .common import excerpt

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
MAX_ERROR_VALUE = 80


@dataclass(frozen=True, kw_only=True)
class CellError:
    """An `error` output: the 1-based cell number and the exception's name and (shortened) value."""

    cell: int
    ename: str
    evalue: str


@dataclass(frozen=True, kw_only=True)
class OrderBreak:
    """The first pair of executed code cells whose counts do not increase (earlier cell first)."""

    first_cell: int
    first_count: int
    second_cell: int
    second_count: int


@dataclass(frozen=True, kw_only=True)
class NotebookReport:
    """What one notebook shows; `error` is set (and nothing else) when it could not be read."""

    path: str
    code_cells: int = 0
    errors: tuple[CellError, ...] = ()
    order_break: OrderBreak | None = None
    unexecuted: bool = False
    error: str | None = None

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    @property
    def out_of_order(self) -> bool:
        return self.order_break is not None

    def error_evidence(self) -> tuple[Evidence, ...]:
        """One evidence per error output; `line` is the cell number."""
        return tuple(Evidence(path=self.path, line=e.cell,
                              excerpt=excerpt(f"cell {e.cell}: {e.ename}: {e.evalue}".rstrip(": ")))
                     for e in self.errors)

    def order_evidence(self) -> Evidence | None:
        """Where execution order breaks: the later cell, citing both counts."""
        b = self.order_break
        if b is None:
            return None
        return Evidence(path=self.path, line=b.second_cell,
                        excerpt=f"cell {b.first_cell} ran as [{b.first_count}], "
                                f"then cell {b.second_cell} as [{b.second_count}]")


@dataclass(frozen=True, kw_only=True)
class NotebookFacts:
    """Every counted notebook (sorted by path) and the schema's four counts."""

    notebooks: tuple[NotebookReport, ...]

    @property
    def unreadable(self) -> tuple[NotebookReport, ...]:
        return tuple(n for n in self.notebooks if n.error is not None)

    def to_schema(self) -> dict[str, int]:
        return {
            "count": len(self.notebooks),
            "with_errors": sum(n.has_errors for n in self.notebooks),
            "out_of_order": sum(n.out_of_order for n in self.notebooks),
            "unexecuted": sum(n.unexecuted for n in self.notebooks),
        }


def detect_notebooks(sources: Sources, tree: list[TreeEntry] | None = None) -> NotebookFacts:
    """Notebook facts for the repository behind `sources`.

    `tree` (HEAD's tree) is optional: with it, the tracked `.ipynb` paths decide which notebooks
    count, including tracked ones the walk skipped; without it, the listed notebooks count (only the
    tracked ones when the listing knows of git history).
    """
    listed = {nb.path: nb for nb in sources.notebooks}
    if tree is not None:
        paths = sorted({e.path for e in tree if e.path.lower().endswith(".ipynb")})
        books = [listed.get(p) or _read(sources, p) for p in paths]
    else:
        files = sources.repo.with_suffix(".ipynb")
        with_git = any(f.tracked for f in sources.repo.files)
        keep = {f.path for f in files if f.tracked or not with_git}
        books = [nb for path, nb in sorted(listed.items()) if path in keep]
    return NotebookFacts(notebooks=tuple(inspect_notebook(nb) for nb in books))


def _read(sources: Sources, path: str) -> Notebook:
    text = sources.repo.read_text(path)
    if text is None:
        return Notebook(path=path, cells=(), error="tracked but not readable in the work tree (see scan notes)")
    return parse_notebook(path, text)


def inspect_notebook(nb: Notebook) -> NotebookReport:
    """Error outputs, the first execution-order break and whether no code cell was run."""
    if nb.error is not None:
        return NotebookReport(path=nb.path, error=nb.error)
    code = nb.code_cells
    errors = tuple(_cell_error(c.number, out) for c in code for out in c.outputs
                   if out.get("output_type") == "error")
    executed = [(c.number, c.execution_count) for c in code if c.execution_count is not None]
    order_break = None
    for (cell_a, count_a), (cell_b, count_b) in pairwise(executed):
        if count_b <= count_a:
            order_break = OrderBreak(first_cell=cell_a, first_count=count_a,
                                     second_cell=cell_b, second_count=count_b)
            break
    return NotebookReport(path=nb.path, code_cells=len(code), errors=errors, order_break=order_break,
                          unexecuted=bool(code) and not executed)


def _cell_error(cell: int, output: dict) -> CellError:
    ename, evalue = output.get("ename"), output.get("evalue")
    ename = _ANSI.sub("", ename) if isinstance(ename, str) else "error"
    evalue = " ".join(_ANSI.sub("", evalue).split()) if isinstance(evalue, str) else ""
    if len(evalue) > MAX_ERROR_VALUE:
        evalue = evalue[: MAX_ERROR_VALUE - 1] + "…"
    return CellError(cell=cell, ename=ename or "error", evalue=evalue)
