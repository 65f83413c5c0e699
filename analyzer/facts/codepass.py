"""One pass over the repository's Python code: each file is parsed, read by every detector, and let go.

Each detector that reads code registers a *per-file part* with `@per_file(NAME)`: a function from one
`SourceFile` (a module, or a notebook's code cells) to a small summary (plain data: evidence, names,
counts; never a syntax tree), or None when the file has nothing for it. `code_pass(sources)` reads the
files one at a time in a fixed order (the listed .py files, then the notebooks, as listed), parses each
once, hands it to every registered part and drops the tree before the next file, so a scan holds one
syntax tree at a time, not all of them (on keras, about 500 MiB of trees). Each detector then merges its
summaries, in that order, with what it reads elsewhere (`CodeSummaries.of(NAME)`). Parts belong to the
fact detectors (this package), so all are registered when it is imported, before any pass runs.

With `jobs` above 1 the files are read by that many forked processes, which take consecutive ranges of
them one at a time as they become free (`pool.map_in_forks`); the summaries are put back into file
order, so the result is the same as one process's. A part that raises on a file fails only its own
detector, with the file named.
"""
from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..inputs import InputFailed
from ..pool import map_in_forks
from ..sandbox import describe_exception
from ..sources import PythonModule, Sources
from .pycode import CodeUnit, cell_units, code_unit

Part = Callable[["SourceFile"], Any]
PARTS: dict[str, Part] = {}


def per_file(name: str) -> Callable[[Part], Part]:
    """Register `function` as detector `name`'s per-file part (one per name)."""
    def register(function: Part) -> Part:
        if name in PARTS and PARTS[name] is not function:
            raise ValueError(f"two per-file parts named {name!r}")
        PARTS[name] = function
        return function
    return register


@dataclass(frozen=True, kw_only=True)
class SourceFile:
    """One file as the per-file parts see it.

    `units` are its parsed code units: the module itself, or each notebook code cell that parses (magics
    blanked), in cell order; empty when nothing parses. `module` is the .py file's text and parse result
    (None for a notebook).
    """

    path: str
    units: list[CodeUnit]
    module: PythonModule | None = None


@dataclass(frozen=True, kw_only=True)
class ModuleRecord:
    """A .py file that was read: whether it parsed (`error` None), and whether its text holds a
    replacement character (bytes that were not UTF-8, read with replacement)."""

    path: str
    error: str | None = None
    replaced_bytes: bool = False


@dataclass(frozen=True, kw_only=True)
class _FileResult:
    summaries: dict[str, Any]
    failures: dict[str, str]
    module: ModuleRecord | None


@dataclass(frozen=True, kw_only=True)
class CodeSummaries:
    """What the per-file parts found, file by file in pass order, and every .py file read."""

    modules: tuple[ModuleRecord, ...]
    files: tuple[_FileResult, ...] = field(repr=False)

    def of(self, name: str) -> list[Any]:
        """Detector `name`'s summaries (Nones left out), in file order; raises `InputFailed` when its
        part broke on some file, and KeyError for a name no part was registered under."""
        if name not in PARTS:
            raise KeyError(f"no per-file part is registered as {name!r}")
        for result in self.files:
            if name in result.failures:
                raise InputFailed(result.failures[name])
        return [result.summaries[name] for result in self.files if name in result.summaries]


_PASSES: weakref.WeakKeyDictionary[Sources, CodeSummaries] = weakref.WeakKeyDictionary()


def code_pass(sources: Sources, jobs: int = 1, progress: Callable[[str], None] | None = None,
              alive: Callable[[], None] | None = None) -> CodeSummaries:
    """Every registered part's summaries for the repository's code, computed once per `Sources`.

    `progress` is told how many files are read, now and then; `alive` is called each time a file (one
    process) or a range of files (several) is done, so that a watchdog can tell a long pass from a
    stuck one."""
    done = _PASSES.get(sources)
    if done is None:
        done = _PASSES[sources] = _run(sources, jobs, _Teller(progress, alive))
    return done


# ==== the pass =====================================================================================

@dataclass(frozen=True)
class _Item:
    """A file to read: a .py path, or the position of a notebook in `sources.notebooks`."""

    path: str
    notebook: int | None


def _items(sources: Sources) -> list[_Item]:
    return ([_Item(f.path, None) for f in sources.python_files()]
            + [_Item(notebook.path, position) for position, notebook in enumerate(sources.notebooks)])


def _run(sources: Sources, jobs: int, tell: _Teller) -> CodeSummaries:
    items = _items(sources)
    tell.total = len(items)
    if jobs <= 1 or len(items) < 2:
        results = []
        for item in items:
            results.append(_read_one(sources, item))
            tell(len(results))
    else:
        results = map_in_forks(len(items), _RangeReader(sources, items), sources.repo, jobs, progress=tell)
    kept = [r for r in results if r is not None]
    return CodeSummaries(modules=tuple(r.module for r in kept if r.module is not None), files=tuple(kept))


class _Teller:
    """Told how many files are done: calls `alive` each time, and tells `progress` how many of `total`
    are read at most every `EVERY` seconds."""

    EVERY = 0.5

    def __init__(self, progress: Callable[[str], None] | None, alive: Callable[[], None] | None) -> None:
        self.progress, self.alive = progress, alive
        self.total = 0
        self._last = time.monotonic()

    def __call__(self, done: int) -> None:
        if self.alive is not None:
            self.alive()
        now = time.monotonic()
        if self.progress is not None and now - self._last >= self.EVERY:
            self._last = now
            self.progress(f"reading code: {done:,} of {self.total:,} files")


class _RangeReader:
    """Reads a range of the pass's files, in a forked process."""

    def __init__(self, sources: Sources, items: list[_Item]) -> None:
        self.sources, self.items = sources, items

    def __call__(self, start: int, end: int) -> list[_FileResult | None]:
        return [_read_one(self.sources, item) for item in self.items[start:end]]


def _read_one(sources: Sources, item: _Item) -> _FileResult | None:
    """One file parsed and read by every part; None for a .py file that could not be read."""
    if item.notebook is None:
        module = sources.parse_module(item.path)
        if module is None:
            return None
        units = [code_unit(module.path, None, module.tree, module.text)] if module.tree is not None else []
        file = SourceFile(path=item.path, units=units, module=module)
        record = ModuleRecord(path=module.path, error=module.error, replaced_bytes="\ufffd" in module.text)
    else:
        file = SourceFile(path=item.path, units=list(cell_units(item.path, sources.notebooks[item.notebook].code_cells)))
        record = None
    summaries: dict[str, Any] = {}  # only the parts that found something: most find nothing in most files
    failures: dict[str, str] = {}
    for name, part in PARTS.items():
        try:
            summary = part(file)
        except Exception as exc:  # noqa: BLE001 - a bug in one part must cost only its own detector
            failures[name] = f"{describe_exception(exc)} (reading {item.path})"
            continue
        if summary is not None:
            summaries[name] = summary
    return _FileResult(summaries=summaries, failures=failures, module=record)
