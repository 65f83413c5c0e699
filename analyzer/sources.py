"""Parsed sources shared by every detector: Python modules and notebooks, each parsed once.

Nothing here executes code from the repository: Python files are parsed with `ast`; notebooks are
decoded as JSON and read by nbformat's own version readers and converters, never by its validator
(on a crafted notebook the validator falls back to jsonschema to describe the error, which takes tens
of seconds, and it only logs what it finds); a v4 notebook of the usual shape is read the same way
without nbformat (`_plain_v4_cells`: 3 × faster, and nbformat is not even imported). A file that
cannot be parsed yields an object with `error` set, never an exception.

Bounds, so that a hostile repository cannot exhaust a scan; an input refused by one has
`over_bound` set, and `Sources` records a scan note naming it:

* Python source longer than `MAX_PYTHON_CHARS` is not parsed (a file bigger than that many bytes is
  not even read): `ast` holds up to ~800 bytes per character of dense code (a 10 MiB file of `x=1`
  lines needs 6 GiB and minutes); the biggest real modules are under 1 MB, mostly generated.
* A syntax tree deeper than `MAX_AST_DEPTH` is dropped: detectors walk trees recursively, and real
  code stays far below it (the deepest module of a large site-packages nests 63 levels; an `elif`
  chain nests one level per branch). CPython's
  own nesting limits (200 nested brackets, 100 indentation levels) and its stack guards
  (RecursionError or MemoryError while building the tree) are the same refusal.
* A notebook longer than `MAX_NOTEBOOK_CHARS` is not decoded. Its JSON is decoded by `json.loads`,
  whose C decoder stops with RecursionError past the interpreter's recursion limit; a decoded document
  nesting deeper than `MAX_JSON_DEPTH` levels or holding more than `MAX_JSON_CONTAINERS` arrays and
  objects never reaches nbformat, whose readers recurse in Python and copy every container (3 million
  empty objects in one output take nbformat 6 s and 1.3 GB). Real notebooks nest 7–8 levels and hold
  at most a few thousand containers. A v3 notebook's JSON outputs (strings holding JSON, decoded by the
  converter) are measured again after conversion.
"""
from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .node_index import within_depth
from .repo import RepoFile, RepoView

MAGIC_LINE = re.compile(r"^(\s*)([%!?]|\w+\s*=\s*[%!])")

MAX_PYTHON_CHARS = 1024 * 1024
MAX_AST_DEPTH = 200
MAX_NOTEBOOK_CHARS = 10 * 1024 * 1024
MAX_JSON_DEPTH = 100
MAX_JSON_CONTAINERS = 100_000

# CPython's messages for its own nesting limits: deep nesting, not a mistake in the code
_PARSER_LIMITS = ("too many nested parentheses", "too many levels of indentation", "too many statically nested blocks",
                  "nested too deeply")


@dataclass(frozen=True, kw_only=True)
class PythonModule:
    """One .py file: its text and syntax tree (None when it does not parse, with the reason).

    `over_bound` when it was not parsed because of a bound (size or nesting), not a syntax error.
    """

    path: str
    text: str
    tree: ast.Module | None
    error: str | None = None
    over_bound: bool = False


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
    """One .ipynb file; `cells` is empty and `error` set when it could not be read as a notebook.

    `over_bound` when it was not read because of a bound (size or nesting).
    """

    path: str
    cells: tuple[NotebookCell, ...]
    error: str | None = None
    over_bound: bool = False

    @property
    def code_cells(self) -> list[NotebookCell]:
        return [c for c in self.cells if c.cell_type == "code"]


# ==== Python =======================================================================================

def parse_python(path: str, text: str) -> PythonModule:
    """Parse Python source; any failure (syntax, NUL bytes, size, deep nesting) becomes `error`."""
    if len(text) > MAX_PYTHON_CHARS:
        return _python_refused(path, text, f"{len(text):,} characters, over the bound of {MAX_PYTHON_CHARS:,} "
                                           f"for parsing Python")
    try:
        tree = ast.parse(text, filename=path)
    except SyntaxError as exc:
        if any(limit in str(exc.msg) for limit in _PARSER_LIMITS):
            return _python_refused(path, text, f"nested deeper than Python's parser allows ({exc.msg}, line {exc.lineno})")
        where = f" at line {exc.lineno}" if exc.lineno else ""  # a NUL byte has no line on Python 3.11
        return PythonModule(path=path, text=text, tree=None, error=f"syntax error{where}: {exc.msg}")
    except (RecursionError, MemoryError) as exc:
        return _python_refused(path, text, f"nested too deeply to parse ({type(exc).__name__})")
    except ValueError as exc:
        return PythonModule(path=path, text=text, tree=None, error=f"cannot parse: {type(exc).__name__}")
    if nests_deeper_than(tree, MAX_AST_DEPTH):
        return _python_refused(path, text, f"its syntax tree nests more than {MAX_AST_DEPTH} levels deep")
    return PythonModule(path=path, text=text, tree=tree)


def _python_refused(path: str, text: str, why: str) -> PythonModule:
    return PythonModule(path=path, text=text, tree=None, error=f"not parsed: {why}", over_bound=True)


def nests_deeper_than(tree: ast.AST, limit: int) -> bool:
    """Whether some path from `tree` down to a leaf holds more than `limit` nodes; without recursion.
    The walk that measures it lists and indexes the tree's nodes for the detectors (`node_index`), so
    measuring costs nothing more."""
    return not within_depth(tree, limit)


def cell_as_python(source: str) -> str:
    """A code cell's source with IPython magics and shell escapes blanked, line numbers kept."""
    lines = source.split("\n")
    if lines and lines[0].lstrip().startswith("%%"):
        return "\n" * (len(lines) - 1)
    return "\n".join("" if MAGIC_LINE.match(line) else line for line in lines)


# ==== notebooks ====================================================================================

def json_shape(value: Any, *, max_depth: int = MAX_JSON_DEPTH,
               max_containers: int = MAX_JSON_CONTAINERS) -> tuple[int, int]:
    """(levels, containers) of a decoded JSON value: how deeply its arrays and objects nest (0 for a
    scalar) and how many there are. Level by level, without recursion, in time linear in the value's
    size; counting stops after the level where either passes its maximum."""
    level = [value] if isinstance(value, (dict, list)) else []
    depth = containers = 0
    while level and depth <= max_depth and containers <= max_containers:
        depth += 1
        containers += len(level)
        below = []
        for container in level:
            for item in container.values() if isinstance(container, dict) else container:
                if isinstance(item, (dict, list)):
                    below.append(item)
        level = below
    return depth, containers


def _json_refusal(value: Any) -> str | None:
    """Why a decoded notebook (or its converted cells) is too deep or too big for nbformat, or None."""
    depth, containers = json_shape(value)
    if depth > MAX_JSON_DEPTH:
        return f"its JSON nests more than {MAX_JSON_DEPTH} levels deep"
    if containers > MAX_JSON_CONTAINERS:
        return f"its JSON holds more than {MAX_JSON_CONTAINERS:,} arrays and objects"
    return None


def parse_notebook(path: str, text: str) -> Notebook:
    """Read a notebook of any nbformat version as v4 cells, without validating it; failures become `error`."""
    if len(text) > MAX_NOTEBOOK_CHARS:
        return _notebook_refused(path, f"{len(text):,} characters, over the bound of {MAX_NOTEBOOK_CHARS:,} for a notebook")
    try:
        document = json.loads(text)
        refusal = _json_refusal(document)
        if refusal is None:
            raw_cells = _v4_cells(document)
            refusal = _json_refusal(raw_cells)  # a v3 JSON output is decoded by the converter
    except RecursionError:  # json.loads' own guard, far past MAX_JSON_DEPTH
        refusal = f"its JSON nests more than {MAX_JSON_DEPTH} levels deep"
    except Exception as exc:  # noqa: BLE001 - nbformat raises its own reader errors; a bad file must not end the scan
        return Notebook(path=path, cells=(), error=f"not a readable notebook: {type(exc).__name__}")
    if refusal is not None:
        return _notebook_refused(path, refusal)
    if not isinstance(raw_cells, list):
        return Notebook(path=path, cells=(), error="notebook has no cell list")
    return Notebook(path=path, cells=tuple(_cell(i, c) for i, c in enumerate(raw_cells, start=1)))


def _notebook_refused(path: str, why: str) -> Notebook:
    return Notebook(path=path, cells=(), error=f"not read: {why}", over_bound=True)


def _v4_cells(document: Any) -> Any:
    """The cells of a decoded notebook as nbformat v4 has them: read by nbformat's reader for its
    version (lines rejoined, transient fields dropped; what `nbformat.reader.reads` does after
    decoding), older versions upgraded by its converters. A v4.x notebook is not upgraded to the
    newest minor version: that only adds random cell ids."""
    if not isinstance(document, dict):
        raise TypeError("a notebook is a JSON object")
    plain = _plain_v4_cells(document)
    if plain is not None:
        return plain
    import nbformat  # 0.1 s with its validator's jsonschema: only for notebooks the plain path leaves
    from nbformat.reader import get_version
    from nbformat.v4.convert import upgrade_cell

    major, minor = get_version(document)
    node = nbformat.versions[major].to_notebook_json(document, minor=minor)
    if major in (1, 2):
        node = nbformat.convert(node, 3)  # the v1 -> v2 -> v3 converters do not validate
        major = 3
    if major != 3:
        return node.get("cells")
    # the v3 -> v4 step of nbformat's converter without its validation: worksheets flattened, cells upgraded
    return [upgrade_cell(cell) for sheet in node.get("worksheets") or [] for cell in sheet.get("cells") or []]


_MIME_BUNDLE_OUTPUTS = frozenset({"execute_result", "display_data"})


def _plain_v4_cells(document: dict) -> list | None:
    """The cells of a v4 notebook of the usual shape exactly as nbformat's v4 reader gives them, in
    place and without nbformat; None for any other version or shape, which nbformat then reads.

    The reader (`nbformat.v4.nbjson.to_notebook`) copies the document into `NotebookNode`s, rejoins
    split lines (`rwbase.rejoin_lines`: a cell's `source`, an attachment's or a rich output's non-JSON
    mime values, a stream's `text`) and pops transient metadata (`strip_transient`; of it, only the
    cells' `trusted` flag is in what is returned). Here the copy is skipped (the document is ours, fresh
    from `json.loads`; a `NotebookNode` is a dict) and so is importing nbformat (0.1 s). Only shapes on
    which the reader can neither fail nor act differently are taken: notebook and cell metadata objects,
    a cell list of objects, attachments objects of objects, code cells' outputs lists of objects with a
    string `output_type` and, where it is rejoined, object data and string-only line lists;
    `tests/test_notebook_reading.py` compares both on every such shape.
    """
    if document.get("nbformat", 1).__class__ is not int or document["nbformat"] != 4 \
            or document.get("metadata").__class__ is not dict or document.get("cells").__class__ is not list:
        return None
    cells = document["cells"]
    if not all(_plain_cell(cell) for cell in cells):
        return None
    for cell in cells:
        cell["metadata"].pop("trusted", None)
        if cell.get("source").__class__ is list:
            cell["source"] = "".join(cell["source"])
        for attachment in cell.get("attachments", {}).values():
            _rejoin_bundle(attachment)
        if cell.get("cell_type") == "code":
            for output in cell.get("outputs", []):
                kind = output.get("output_type", "")
                if kind in _MIME_BUNDLE_OUTPUTS:
                    _rejoin_bundle(output.get("data", {}))
                elif kind and output.get("text").__class__ is list:
                    output["text"] = "".join(output["text"])
    return cells


def _plain_cell(cell: Any) -> bool:
    """A cell on which nbformat's v4 reader can neither fail nor do more than `_plain_v4_cells` does."""
    if cell.__class__ is not dict or cell.get("metadata").__class__ is not dict:
        return False
    if cell.get("source").__class__ is list and not _all_strings(cell["source"]):
        return False
    attachments = cell.get("attachments", {})
    if attachments.__class__ is not dict or not all(a.__class__ is dict for a in attachments.values()):
        return False
    if cell.get("cell_type") != "code":
        return True
    outputs = cell.get("outputs", [])
    return outputs.__class__ is list and all(_plain_output(output) for output in outputs)


def _plain_output(output: Any) -> bool:
    if output.__class__ is not dict or output.get("output_type", "").__class__ is not str:
        return False
    if output.get("output_type", "") in _MIME_BUNDLE_OUTPUTS:
        return output.get("data", {}).__class__ is dict
    text = output.get("text")
    return text.__class__ is not list or _all_strings(text)


def _all_strings(items: list) -> bool:
    return all(item.__class__ is str for item in items)


def _rejoin_bundle(data: dict) -> None:
    """`rwbase._rejoin_mimebundle`: each value that is a list of strings, under a non-JSON mime type, joined."""
    for key, value in data.items():
        if value.__class__ is list and not (key == "application/json" or key.startswith("application/")
                                            and key.endswith("+json")) and _all_strings(value):
            data[key] = "".join(value)


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


# ==== one repository ===============================================================================

class Sources:
    """The notebooks of one repository view, read once and kept, and its Python modules, each parsed on
    demand (`parse_module`; the code pass, `facts/codepass.py`, parses each once and lets it go).

    Inputs refused by a bound are noted on the view (`not-parsed`, naming the file).
    """

    def __init__(self, repo: RepoView) -> None:
        self.repo = repo

    @cached_property
    def notebooks(self) -> list[Notebook]:
        """Every listed .ipynb file; unreadable ones carry `error`."""
        return [self.read_notebook(f.path) for f in self.repo.with_suffix(".ipynb")]

    def read_notebook(self, path: str) -> Notebook:
        """The notebook at `path` read through the view (not cached here); unreadable ones carry `error`."""
        text = self.repo.read_text(path)
        if text is None:
            return Notebook(path=path, cells=(), error="not read (see scan notes)")
        return self.notebook_from_text(path, text)

    def notebook_from_text(self, path: str, text: str) -> Notebook:
        """`parse_notebook`, with a scan note naming `path` when a bound refused it."""
        notebook = parse_notebook(path, text)
        if notebook.over_bound:
            self.refused(path, notebook.error or "not read")
        return notebook

    def python_files(self) -> list[RepoFile]:
        """Every listed .py file small enough to parse; a scan note names each one over the bound."""
        files = []
        for f in self.repo.with_suffix(".py"):
            if f.size > MAX_PYTHON_CHARS:
                self.refused(f.path, f"not parsed: {f.size:,} bytes, over the bound of {MAX_PYTHON_CHARS:,} for "
                                     f"parsing Python")
            else:
                files.append(f)
        return files

    def parse_module(self, path: str) -> PythonModule | None:
        """The .py file at `path` read through the view and parsed (not cached here); None when it cannot
        be read. A scan note names it when a bound refused it."""
        text = self.repo.read_text(path)
        if text is None:
            return None
        module = parse_python(path, text)
        if module.over_bound:
            self.refused(path, module.error or "not parsed")
        return module

    def refused(self, path: str, error: str) -> None:
        """Note on the view that the input at `path` is left out of every check, and why."""
        self.repo.note("not-parsed", f"{path}: {error}; it is left out of every check", path)
