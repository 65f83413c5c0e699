"""Notebook hygiene facts (`notebooks.*`): error outputs, out-of-order and unexecuted notebooks, and
per notebook the hidden state, late imports, output sizes, Markdown narrative and name hygiene.

Notebooks come parsed from `Sources` (any nbformat version read as v4, never validated, bounded in
size and nesting). With git history only tracked notebooks count (what a visitor of the repository
sees); without it, every listed one. When HEAD's tree is given, tracked notebooks the work-tree walk
does not list (e.g. a committed `.ipynb_checkpoints/` folder, which the walk skips) are read and
counted too. A notebook that cannot be read still counts, recorded with the reason; it adds to no
other count. Regular expressions here run on capped text and are linear (no quantifier can rescan
what another gave up).

Definitions (cell numbers are 1-based over all cells, as a reader counts them):

* Hidden state: between two code cells that both ran, in cell order and with increasing counts
  `[a]` then `[b]`, the kernel ran `b - a - 1` executions the notebook does not show; before the
  first executed cell, `first - 1`. Non-blank code cells left unexecuted in that stretch may account
  for some of them (run, then cleared), so they are subtracted; what remains, if above zero, is a
  gap. A notebook run once top to bottom from a fresh kernel reads [1], [2], [3] … and has none.
  Pairs whose counts do not increase are the order break, not gaps.
* Late imports: top-level `import` / `from … import` statements (also inside top-level `try`, `if`,
  `with` and loops, never inside a function or class) in a code cell that comes after the first
  cell doing work and is not one of the first two Python code cells. Work is any statement other
  than imports, docstrings, upper-case constants and configuration calls on imported modules
  (`warnings.filterwarnings`, `pd.set_option`, `np.random.seed`, `sys.path.append`,
  `plt.style.use`, `drive.mount`, `mlflow.set_experiment`, …) or assignments into them
  (`plt.rcParams[…] = …`, `os.environ[…] = …`). Imports in that first working cell are not late.
  Cells that do not parse as Python, or hold only magics and shell lines, are left out.
* Output size: each output's payload in UTF-8 bytes (every MIME type of a display bundle, a stream's
  text, an error's traceback) and, for text shown as text, its line count. Oversized outputs are
  those of at least `HUGE_OUTPUT_BYTES` (1 MiB) or `LONG_OUTPUT_LINES` (1,000) lines; a notebook
  is heavy when its outputs total at least `HEAVY_NOTEBOOK_BYTES` (5 MiB).
* Narrative (for notebooks with at least one non-blank code cell): the top is the cells before the
  first working code cell (imports and setup cells do not end it; see late imports), plus the first
  three cells. The title is a Markdown heading there (or
  a first line set entirely in bold); the introduction a paragraph of at least five words there; the
  conclusion a Markdown paragraph of at least five words after the last non-blank code cell, or a
  heading or bold lead-in naming a conclusion, summary, results, takeaways, findings or next steps
  in the second half of the notebook.
* Name: Jupyter's and Colab's default or copy names (`Untitled3.ipynb`, `Copy of x.ipynb`,
  `x-Copy1.ipynb`, `x - Copy.ipynb`, `x (1).ipynb`, `x_copy.ipynb`) and placeholders (`notebook`,
  `test`, `temp`, `scratch`, `new`, optionally numbered). Autosaves in `.ipynb_checkpoints/` are not
  judged by name.
"""
from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from ..gitsafe import TreeEntry
from ..model import Evidence
from ..sources import Notebook, NotebookCell, Sources
from .codepass import SourceFile, code_pass, per_file
from .common import cell_evidence, excerpt
from .pycode import CodeUnit, cell_units, import_aliases, qualified_name
from .readme_document import parse_markdown_cell

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
MAX_ERROR_VALUE = 80

HUGE_OUTPUT_BYTES = 1024 * 1024
LONG_OUTPUT_LINES = 1000
HEAVY_NOTEBOOK_BYTES = 5 * 1024 * 1024
TOP_CELLS = 3            # the first cells always count as the top of a notebook
IMPORT_CELLS = 2         # imports in the first Python code cells are never late
MIN_PROSE_WORDS = 5      # an introduction or conclusion paragraph has at least this many words
MAX_MARKDOWN_CHARS = 20_000  # a markdown cell is parsed only this far (bounded work)
_SYMLINK_MODE = "120000"     # a committed symbolic link in HEAD's tree


# ==== what one notebook shows =====================================================================

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
class CountGap:
    """Executions the notebook does not show, just before `cell` ran as `[count]`.

    `previous_cell` / `previous_count` are the executed code cell above it (None / 0 when `cell` is the
    first executed one); `hidden` is how many executions happened in between that no unexecuted cell
    accounts for (always at least 1).
    """

    previous_cell: int | None
    previous_count: int
    cell: int
    count: int
    hidden: int


@dataclass(frozen=True, kw_only=True)
class LateImport:
    """An import statement in a code cell after the first cell that does work.

    `statement` is the import as Python writes it back (`import seaborn as sns`); `repeated` when the
    same statement already appeared in an earlier cell.
    """

    cell: int
    statement: str
    repeated: bool = False


@dataclass(frozen=True, kw_only=True)
class NotebookImports:
    """Where a notebook's imports stand, read from its parsed code cells (see `NotebookReport`)."""

    path: str
    late_imports: tuple[LateImport, ...] = ()
    first_work_cell: int | None = None
    import_cell: int | None = None


@dataclass(frozen=True, kw_only=True)
class CellOutput:
    """One output's size: its cell, what it mostly is (a MIME type, `stream` or `error`), its payload
    in UTF-8 bytes and its line count when it is text shown as text (0 otherwise)."""

    cell: int
    kind: str
    size: int
    lines: int = 0

    @property
    def oversized(self) -> bool:
        return self.size >= HUGE_OUTPUT_BYTES or self.lines >= LONG_OUTPUT_LINES

    def describe(self) -> str:
        """`stream output of 8,628 lines, 685 KiB`, `image/png output of 1.2 MiB`."""
        size = human_size(self.size)
        if self.lines:
            return f"{self.kind} output of {self.lines:,} line{'s' if self.lines != 1 else ''}, {size}"
        return f"{self.kind} output of {size}"


@dataclass(frozen=True, kw_only=True)
class Narrative:
    """The Markdown around a notebook's code: where its title, introduction and conclusion are.

    Cell numbers are None where the part is missing; `title` is the title's text.
    """

    markdown_cells: int
    code_cells: int
    first_code_cell: int
    last_code_cell: int
    title: str | None = None
    title_cell: int | None = None
    intro_cell: int | None = None
    conclusion_cell: int | None = None

    @property
    def markdown_share(self) -> float:
        """Markdown cells among Markdown and non-blank code cells (0.0–1.0)."""
        return self.markdown_cells / (self.markdown_cells + self.code_cells)

    @property
    def missing(self) -> tuple[str, ...]:
        """The parts not found, in reading order: `title`, `introduction`, `conclusion`."""
        parts = (("title", self.title_cell), ("introduction", self.intro_cell), ("conclusion", self.conclusion_cell))
        return tuple(name for name, cell in parts if cell is None)


@dataclass(frozen=True, kw_only=True)
class NotebookReport:
    """What one notebook shows; `error` is set (and nothing else) when it could not be read."""

    path: str
    code_cells: int = 0
    errors: tuple[CellError, ...] = ()
    order_break: OrderBreak | None = None
    unexecuted: bool = False
    error: str | None = None
    gaps: tuple[CountGap, ...] = ()
    late_imports: tuple[LateImport, ...] = ()
    first_work_cell: int | None = None  # the first code cell doing more than imports and setup
    import_cell: int | None = None      # where imports belong: the first code cell of the top (up to the
    #                                     first working cell, or among the first two) that imports anything,
    #                                     else the first Python code cell
    output_bytes: int = 0
    largest_output: CellOutput | None = None
    oversized_outputs: tuple[CellOutput, ...] = ()
    narrative: Narrative | None = None

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    @property
    def out_of_order(self) -> bool:
        return self.order_break is not None

    @property
    def executed(self) -> bool:
        """Readable, with at least one code cell that has an execution count."""
        return self.error is None and self.code_cells > 0 and not self.unexecuted

    @property
    def hidden_executions(self) -> int:
        """Executions the saved cells do not show, over every gap."""
        return sum(g.hidden for g in self.gaps)

    @property
    def heavy(self) -> bool:
        """Outputs total at least `HEAVY_NOTEBOOK_BYTES`."""
        return self.output_bytes >= HEAVY_NOTEBOOK_BYTES

    @property
    def autosave(self) -> bool:
        """An autosave Jupyter keeps in `.ipynb_checkpoints/` (a copy of another notebook)."""
        return is_autosave(self.path)

    @property
    def name_problem(self) -> str | None:
        """Why the file name says nothing (`Jupyter's default name`, `a copy`…), or None."""
        return name_problem(self.path)

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

    def gap_evidence(self) -> tuple[Evidence, ...]:
        """One evidence per gap, at the cell after it, citing both counts and what is hidden."""
        out = []
        for g in self.gaps:
            runs = f"{g.hidden} execution{'s' if g.hidden != 1 else ''}"
            verb = "is" if g.hidden == 1 else "are"
            if g.previous_cell is None:
                text = f"cell {g.cell} is the first to run, as [{g.count}]: {runs} before it {verb} hidden"
            else:
                text = (f"cell {g.previous_cell} ran as [{g.previous_count}], then cell {g.cell} as "
                        f"[{g.count}]: {runs} between them {verb} hidden")
            out.append(Evidence(path=self.path, line=g.cell, excerpt=excerpt(text)))
        return tuple(out)

    def import_evidence(self) -> tuple[Evidence, ...]:
        """One evidence per late import, at its cell."""
        return tuple(Evidence(path=self.path, line=i.cell, excerpt=excerpt(
            f"cell {i.cell}: {i.statement}" + (" (imported again)" if i.repeated else "")))
            for i in self.late_imports)

    def output_evidence(self) -> tuple[Evidence, ...]:
        """The oversized outputs, or the largest output of a heavy notebook that has none."""
        shown = self.oversized_outputs or ((self.largest_output,) if self.heavy and self.largest_output else ())
        total = f"; outputs total {human_size(self.output_bytes)}" if self.heavy else ""
        return tuple(cell_evidence(self.path, o.cell, f"{o.describe()}{total}") for o in shown)

    def narrative_evidence(self) -> tuple[Evidence, ...]:
        """Where the missing parts of the story belong: the first code cell (no title or
        introduction above it) and the last one (no conclusion after it)."""
        n = self.narrative
        if n is None or not n.missing:
            return ()
        out = []
        top = [part for part in n.missing if part != "conclusion"]
        if top:
            share = "" if n.markdown_cells else " (no Markdown cell at all)"
            out.append(Evidence(path=self.path, line=n.first_code_cell, excerpt=excerpt(
                f"cell {n.first_code_cell}: first code cell, no {' or '.join(top)} above it{share}")))
        if "conclusion" in n.missing:
            out.append(Evidence(path=self.path, line=n.last_code_cell, excerpt=excerpt(
                f"cell {n.last_code_cell}: last code cell, no conclusion after it")))
        return tuple(out)

    def name_evidence(self) -> Evidence | None:
        """The file, with why its name is a problem."""
        problem = self.name_problem
        if problem is None:
            return None
        return Evidence(path=self.path, excerpt=excerpt(f"{posixpath.basename(self.path)}: {problem}"))


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
    count, including tracked ones the walk skipped but not committed symbolic links (a link is not a
    notebook, and the walk notes it); without it, the listed notebooks count (only the tracked ones
    when the listing knows of git history).
    """
    listed = {nb.path: nb for nb in sources.notebooks}
    if tree is not None:
        paths = sorted({e.path for e in tree if e.path.lower().endswith(".ipynb") and e.mode != _SYMLINK_MODE})
        books = [listed.get(p) or _read(sources, p) for p in paths]
    else:
        files = sources.repo.with_suffix(".ipynb")
        with_git = any(f.tracked for f in sources.repo.files)
        keep = {f.path for f in files if f.tracked or not with_git}
        books = [nb for path, nb in sorted(listed.items()) if path in keep]
    found = {imports.path: imports for imports in code_pass(sources).of("notebooks")} if books else {}
    return NotebookFacts(notebooks=tuple(
        inspect_notebook(nb, found.get(nb.path, NotebookImports(path=nb.path)) if nb.path in listed else None)
        for nb in books))


@per_file("notebooks")
def _notebook_imports_in_file(file: SourceFile) -> NotebookImports | None:
    """A notebook's imports (None for a module, or a notebook without a parsed code cell)."""
    if file.module is not None or not file.units:
        return None
    return _notebook_imports(file.path, file.units)


def _read(sources: Sources, path: str) -> Notebook:
    """A tracked notebook the walk did not list, read like the listed ones (a bound's refusal is noted)."""
    text = sources.repo.read_text(path)
    if text is None:
        return Notebook(path=path, cells=(), error="tracked but not readable in the work tree (see scan notes)")
    return sources.notebook_from_text(path, text)


def inspect_notebook(nb: Notebook, imports: NotebookImports | None = None) -> NotebookReport:
    """Everything one notebook shows (see the module's definitions).

    `imports` is what the code pass found in its code cells; without it, the code cells are parsed here.
    """
    if nb.error is not None:
        return NotebookReport(path=nb.path, error=nb.error)
    code = nb.code_cells
    if imports is None:
        imports = _notebook_imports(nb.path, cell_units(nb.path, code))
    errors = tuple(_cell_error(c.number, out) for c in code for out in c.outputs
                   if out.get("output_type") == "error")
    executed = [(c.number, c.execution_count) for c in code if c.execution_count is not None]
    order_break = None
    for (cell_a, count_a), (cell_b, count_b) in pairwise(executed):
        if count_b <= count_a:
            order_break = OrderBreak(first_cell=cell_a, first_count=count_a,
                                     second_cell=cell_b, second_count=count_b)
            break
    outputs = [o for c in code for o in _cell_outputs(c)]
    return NotebookReport(
        path=nb.path, code_cells=len(code), errors=errors, order_break=order_break,
        unexecuted=bool(code) and not executed,
        gaps=_count_gaps(code), late_imports=imports.late_imports, first_work_cell=imports.first_work_cell,
        import_cell=imports.import_cell,
        output_bytes=sum(o.size for o in outputs),
        largest_output=max(outputs, key=lambda o: (o.size, -o.cell), default=None),
        oversized_outputs=tuple(o for o in outputs if o.oversized),
        narrative=_narrative(nb.cells, imports.first_work_cell),
    )


def _cell_error(cell: int, output: dict) -> CellError:
    ename, evalue = output.get("ename"), output.get("evalue")
    ename = _ANSI.sub("", ename) if isinstance(ename, str) else "error"
    evalue = " ".join(_ANSI.sub("", evalue).split()) if isinstance(evalue, str) else ""
    if len(evalue) > MAX_ERROR_VALUE:
        evalue = evalue[: MAX_ERROR_VALUE - 1] + "…"
    return CellError(cell=cell, ename=ename or "error", evalue=evalue)


# ==== hidden state =================================================================================

def _count_gaps(code: list[NotebookCell]) -> tuple[CountGap, ...]:
    """Gaps in the execution counts of consecutive executed cells (see the module's definition)."""
    gaps = []
    previous: NotebookCell | None = None
    unrun = 0  # non-blank unexecuted code cells since `previous`
    for cell in code:
        if cell.execution_count is None:
            unrun += bool(cell.source.strip())
            continue
        before = previous.execution_count if previous is not None else 0
        if cell.execution_count > before:
            hidden = cell.execution_count - before - 1 - unrun
            if hidden > 0:
                gaps.append(CountGap(previous_cell=previous.number if previous else None, previous_count=before,
                                     cell=cell.number, count=cell.execution_count, hidden=hidden))
        previous, unrun = cell, 0
    return tuple(gaps)


# ==== imports after the first working cell =========================================================

_SETUP_CALLS = frozenset({
    "filterwarnings", "simplefilter", "set_option", "set_printoptions", "seed", "manual_seed", "manual_seed_all",
    "set_seed", "use", "set", "set_theme", "set_style", "set_context", "set_palette", "rc", "basicConfig",
    "init_notebook_mode", "go_offline", "mount", "load_dotenv", "download", "pandas", "chdir", "disable_warnings",
    "set_verbosity", "setLevel", "set_default_dtype", "set_grad_enabled", "enable_eager_execution",
    "disable_eager_execution", "login", "register_matplotlib_converters", "init", "seed_everything",
    "set_tracking_uri", "set_registry_uri", "set_experiment", "autolog",
})
_SETUP_PREFIXES = ("sys.path.", "os.environ")


def _notebook_imports(path: str, units: Iterable[CodeUnit]) -> NotebookImports:
    """Late imports, the first cell doing work, and where imports belong (see `NotebookReport`), from
    the unit of each code cell that parses, in cell order."""
    cells = [(unit.cell, unit.tree, list(_imports(unit.tree.body))) for unit in units if unit.tree.body]
    aliases = import_aliases([ast.Module(body=[node for *_, nodes in cells for node in nodes], type_ignores=[])])
    late: list[LateImport] = []
    seen: set[str] = set()
    first_work = import_cell = None
    for index, (number, tree, nodes) in enumerate(cells):
        statements = [ast.unparse(node) for node in nodes]
        if first_work is None or index < IMPORT_CELLS:
            if statements and import_cell is None:
                import_cell = number
            if first_work is None and any(not _is_setup(stmt, aliases) for stmt in tree.body):
                first_work = number
        else:
            late.extend(LateImport(cell=number, statement=s, repeated=s in seen) for s in statements)
        seen.update(statements)
    if import_cell is None and cells:
        import_cell = cells[0][0]
    return NotebookImports(path=path, late_imports=tuple(late), first_work_cell=first_work, import_cell=import_cell)


def _imports(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """Import statements at the top level of a cell, looking into blocks but not definitions."""
    for stmt in body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            yield stmt
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        else:
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list):
                    yield from _imports(inner)
            for handler in getattr(stmt, "handlers", ()):
                yield from _imports(handler.body)


def _is_setup(stmt: ast.stmt, aliases: dict[str, str]) -> bool:
    """Imports, docstrings, upper-case constants, configuration calls and assignments on imported
    modules, and blocks made only of these."""
    if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.Pass)):
        return True
    if isinstance(stmt, ast.Expr):
        if isinstance(stmt.value, ast.Constant):
            return True
        return isinstance(stmt.value, ast.Call) and _is_setup_call(stmt.value.func, aliases)
    if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        return all(_is_setup_target(t, aliases) for t in targets)
    if isinstance(stmt, (ast.Try, ast.If)):
        blocks = [stmt.body, stmt.orelse, *([h.body for h in stmt.handlers] if isinstance(stmt, ast.Try) else [])]
        return all(_is_setup(s, aliases) for block in blocks for s in block)
    return False


def _is_setup_call(func: ast.expr, aliases: dict[str, str]) -> bool:
    name = qualified_name(func, aliases)
    if name is None:
        return False
    return name.rsplit(".", 1)[-1] in _SETUP_CALLS or name.startswith(_SETUP_PREFIXES)


def _is_setup_target(target: ast.expr, aliases: dict[str, str]) -> bool:
    """An upper-case name, or an attribute (or item of one) of an imported module."""
    if isinstance(target, ast.Name):
        return target.id.isupper()
    if isinstance(target, (ast.Tuple, ast.List)):
        return all(_is_setup_target(t, aliases) for t in target.elts)
    node = target
    while isinstance(node, ast.Subscript):
        node = node.value
    return isinstance(node, ast.Attribute) and qualified_name(node, aliases) is not None


# ==== output sizes =================================================================================

_TEXT_KINDS = ("text/plain", "stream")
_SHOWN_OVER_TEXT = ("text/html", "image/", "application/", "text/markdown", "text/latex")


def _cell_outputs(cell: NotebookCell) -> Iterator[CellOutput]:
    for output in cell.outputs:
        kind = output.get("output_type")
        if kind == "stream":
            text = _text(output.get("text"))
            yield CellOutput(cell=cell.number, kind="stream", size=_size(text), lines=text.count("\n"))
        elif kind == "error":
            yield CellOutput(cell=cell.number, kind="error", size=_size(_text(output.get("traceback"))))
        elif kind in ("execute_result", "display_data"):
            data = output.get("data")
            if not isinstance(data, dict) or not data:
                continue
            sizes = {str(mime): _size(_text(value)) for mime, value in data.items()}
            main = max(sorted(sizes), key=lambda m: sizes[m])
            plain_only = not any(m.startswith(_SHOWN_OVER_TEXT) for m in sizes)
            lines = _text(data.get("text/plain")).count("\n") if plain_only else 0
            yield CellOutput(cell=cell.number, kind=main, size=sum(sizes.values()), lines=lines)


def _text(value: Any) -> str:
    """An output field as one string: nbformat's multiline lists joined; JSON payloads as their repr."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return "" if value is None else repr(value)


def _size(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def human_size(size: int) -> str:
    """`512 B`, `685 KiB`, `1.2 MiB`."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size // 1024} KiB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MiB"


# ==== narrative ====================================================================================

_CONCLUDING = (r"conclusions?|concluding|summary|summari[sz]e|results?|takeaways?|key\s+findings|findings|"
               r"next\s+steps|final\s+thoughts|wrap[\s-]*up|discussion|lessons\s+learned|what\s+we\s+learned|"
               r"outcome|what(?:'s|\s+is)?\s+next|closing\s+thoughts|final\s+remarks")
_NUMBER = r"(?:[\d.)]+[ \t]*)?"
_CONCLUSION_LINE = re.compile(
    rf"^[ \t]*(?:(?:\#{{1,6}}|<h[1-6][^>\n]*+>)[ \t]*{_NUMBER}(?:{_CONCLUDING})\b"   # a heading
    rf"|(?:\*\*|__)[ \t]*{_NUMBER}(?:{_CONCLUDING})\b[^\n]*?(?:\*\*|__)"              # a bold lead-in
    rf"|{_NUMBER}(?:{_CONCLUDING})[ \t]*+:?[ \t]*+$)",                                  # a line of its own
    re.IGNORECASE | re.MULTILINE)
_TAG = re.compile(r"<[^<>\n]*+>")  # a scan stops at the next "<": linear on a line of "<<<<"
_BOLD_LINE = re.compile(r"^[ \t]*(\*\*|__)(?P<title>[^*_\n][^\n]*?)\1[ \t]*$")
_NOT_A_TITLE = re.compile(r"^(?:q|question|step|part|task|exercise|section)?\s*\d+(?:\.\d+)*\s*[.):]"
                          r"|^(?:[\d.)]+\s*)?(?:setup|set\s*up|imports?"
                          r"|import(?:ing)?\s+(?:the\s+)?(?:libraries|packages|"
                          r"modules|dependencies)|libraries|packages|dependencies|installation|install|requirements|"
                          r"(?:table\s+of\s+)?contents|toc)\s*:?$", re.IGNORECASE)


def _narrative(cells: tuple[NotebookCell, ...], first_work: int | None) -> Narrative | None:
    """Title, introduction and conclusion of a notebook with code (None without code); the top
    reaches down to the first working code cell (`first_work`), or the first code cell."""
    code = [c.number for c in cells if c.cell_type == "code" and c.source.strip()]
    if not code:
        return None
    markdown = [c for c in cells if c.cell_type == "markdown" and c.source.strip()]
    first, last = code[0], code[-1]
    top_end = first_work or first
    top = [c for c in markdown if c.number < top_end or c.number <= TOP_CELLS]
    title, title_cell, intro_cell = _title_and_intro(top)
    ending = [c for c in markdown if c.number > last]
    conclusion_cell = next((c.number for c in ending if _has_prose(c.source)), None)
    if conclusion_cell is None:
        half = (len(cells) + 1) // 2
        conclusion_cell = next((c.number for c in markdown
                                if c.number > half and _CONCLUSION_LINE.search(c.source[:MAX_MARKDOWN_CHARS])), None)
    return Narrative(markdown_cells=len(markdown), code_cells=len(code), first_code_cell=first, last_code_cell=last,
                     title=title, title_cell=title_cell, intro_cell=intro_cell, conclusion_cell=conclusion_cell)


def _title_and_intro(top: list[NotebookCell]) -> tuple[str | None, int | None, int | None]:
    """The title, its cell, and the first cell with an introductory paragraph.

    The title is the first block of the notebook's Markdown (badges and images have none): a heading
    other than `Setup`, `Imports`, `Q1.`…, or a first line set entirely in bold.
    """
    title = title_cell = intro_cell = None
    first_block = True
    for cell in top:
        blocks = _blocks(cell.source)
        if first_block and blocks:
            first_block = False
            bold = _BOLD_LINE.match(cell.source.lstrip().split("\n", 1)[0])
            heading = blocks[0].text if blocks[0].kind == "heading" else bold.group("title") if bold else ""
            heading = " ".join(_TAG.sub(" ", heading).split())
            if heading and not _NOT_A_TITLE.match(heading):
                title, title_cell = heading, cell.number
        if intro_cell is None and any(_words(b) >= MIN_PROSE_WORDS and " ".join(_TAG.sub(" ", b.text).split()) != title
                                      for b in blocks if b.kind == "text"):
            intro_cell = cell.number
    return title, title_cell, intro_cell


def _blocks(source: str) -> list:
    try:
        return parse_markdown_cell(source[:MAX_MARKDOWN_CHARS]).blocks
    except Exception:  # noqa: BLE001 - a parser failure on one pathological cell must not end the scan
        return []


def _words(block) -> int:
    return len(block.words.split())


def _has_prose(source: str) -> bool:
    return any(b.kind == "text" and _words(b) >= MIN_PROSE_WORDS for b in _blocks(source))


# ==== names ========================================================================================

_BAD_NAMES = (
    (re.compile(r"^untitled[\s_-]*\d*$", re.IGNORECASE), "Jupyter's default name"),
    (re.compile(r"^copy[\s_]of[\s_]", re.IGNORECASE), "Colab's name for a copy"),
    (re.compile(r"[\s_-]copy\d*$|[\s_-]-[\s_]copy(?:[\s_]\(\d+\))?$", re.IGNORECASE), "a copy's name"),
    (re.compile(r"\s?\(\d+\)$"), "a duplicate download's name"),
    (re.compile(r"^(?:notebook|test|temp|tmp|scratch|new|draft|foo)[\s_-]*\d*$", re.IGNORECASE),
     "a placeholder name"),
)


def is_autosave(path: str) -> bool:
    """Whether the notebook lies in a `.ipynb_checkpoints/` folder."""
    return ".ipynb_checkpoints" in path.split("/")[:-1]


def name_problem(path: str) -> str | None:
    """Why a notebook's file name says nothing about its content, or None when it is fine.

    Autosaves under `.ipynb_checkpoints/` are not judged (their names are Jupyter's, by design).
    """
    if is_autosave(path):
        return None
    stem = posixpath.basename(path)
    stem = stem[: -len(".ipynb")] if stem.lower().endswith(".ipynb") else stem
    return next((why for pattern, why in _BAD_NAMES if pattern.search(stem.strip())), None)
