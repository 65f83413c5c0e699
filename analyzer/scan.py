"""One scan, start to finish: answer from the cache when nothing changed, else scan in the sandbox.

`scan()` is the entry point. It is kept light: a rescan of an unchanged repository only lists and
hashes the files (`probe.py`) and never imports a detector; a real scan runs `assemble.full_scan`.
"""
from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from .cache import Hit, ReportCache
from .gitsafe import is_inside
from .model import Report, ScanNote
from .probe import ProbeJob, options_digest
from .registry import Registry, load_registry
from .repo import Limits
from .sandbox import Budget, ScanError, supervise

Progress = Callable[[str], None]
OUT_OF_TIME = "out-of-time"   # scan note kind: the whole scan's time budget ran out
STEP_STOPPED = "step-stopped"  # scan note kind: one step was stopped (its budget) or ended its process

__all__ = ["OUT_OF_TIME", "STEP_STOPPED", "ScanError", "scan"]


def scan(
    root: Path,
    *,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    fail_under: int | None = None,
    fail_under_area: Mapping[str, int] | None = None,
    registry: Registry | None = None,
    limits: Limits | None = None,
    budget: Budget | None = None,
    cache: ReportCache | None = None,
    progress: Progress | None = None,
    jobs: int = 1,
) -> Report:
    """Scan the repository at `root` (read-only) and return its report.

    The risky work runs in a sandboxed child process (see `sandbox` and `detect`) under `budget`;
    a step that runs out of time or memory becomes an error result and a scan note, never a hang.
    Raises `ScanError` (re-exported here) only when the repository could not even be listed.
    With a `cache`, an unchanged repository's earlier report is returned as it was (see `cache`), and a
    fresh report is stored for next time. `jobs` > 1 spreads the detectors over that many worker
    processes (see `pool`); the report is the same as with one.
    """
    say = progress or (lambda _msg: None)
    root = root.resolve()
    budget = budget or Budget()
    cache_notes: list[ScanNote] = []
    if cache is not None and is_inside(cache.directory, root):
        cache_notes.append(ScanNote(kind="cache", message=(
            f"the report cache folder {cache.directory} is inside the repository; no cache was used, "
            "so that nothing is written into the repository")))
        cache = None
    limits = limits or Limits()
    select, ignore = tuple(select), tuple(ignore)
    options = options_digest(select=select, ignore=ignore, fail_under=fail_under, fail_under_area=fail_under_area,
                             limits=limits, registry=registry)
    if cache is not None:
        cached = _cached_report(ProbeJob(root, limits, options, cache), budget, say)
        if cached is not None:
            return cached
    from .assemble import full_scan  # the detectors and checks are imported only when a scan really runs
    from .detect import ScanRequest

    request = ScanRequest(root=root, registry=registry or load_registry(), limits=limits, select=select,
                          ignore=ignore, fail_under=fail_under, fail_under_area=fail_under_area,
                          record_reads=cache is not None, options=options,
                          jobs=jobs if budget.isolate else 1)  # in-process (profiling): nothing forked
    return full_scan(request, budget=budget, cache=cache, notes=cache_notes, progress=say)


def _cached_report(probe: ProbeJob, budget: Budget, say: Progress) -> Report | None:
    """The cached report of an unchanged repository, named for this root; None on any miss."""
    from portcheck.reports.json_report import ReportFormatError, report_from_document

    found = supervise(probe, budget=budget, progress=say, keep_out=probe.root).values.get("probe")
    if not isinstance(found, Hit):
        return None
    try:
        report = report_from_document(json.loads(found.report_json))
    except (ReportFormatError, ValueError, TypeError, KeyError, RecursionError):
        return None
    return dataclasses.replace(report, repo_root=str(probe.root))
