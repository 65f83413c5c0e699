"""Scanning a cohort of repositories: many scans across processes, one failure never stopping the rest.

`plan(paths)` turns the paths a mentor gave into `Target`s, each with a unique, file-system-safe name
for its reports. `run(targets, jobs=N, timeout=S, on_done=...)` scans them and returns one `Outcome`
per target, in the targets' order whatever order the scans finished in:

* `jobs == 1` scans in this process, one after another;
* `jobs > 1` uses a `concurrent.futures.ProcessPoolExecutor` of that many workers. Each worker returns
  the JSON report's text (`portcheck scan --format json`) or a one-line error, never a traceback.

`timeout` is each scan's time budget (see `sandbox.Budget`): its risky work runs in a child process
that is killed when the budget runs out, and a scan that ran out of time becomes a failed outcome.
A pool worker that is still busy `hard_grace(timeout)` seconds past the timeout is killed from outside. A worker that dies (a crash, the
out-of-memory killer, that kill) breaks the whole pool: the scans it was running with it are then run
again one at a time, so that only the repository that really kills its process becomes a failed
outcome; scans that had not started yet go back to the pool.
"""
from __future__ import annotations

import hashlib
import os
import re
import signal
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from .sandbox import describe_exception

DEFAULT_TIMEOUT = 600.0
RESERVED_NAMES = frozenset({"index"})  # the dashboard's own file stem
_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]+")
_NAME_LIMIT = 80
_POLL_SECONDS = 0.25


@dataclass(frozen=True, kw_only=True)
class Target:
    """One repository to scan: its position in the input, the path as given, a unique safe file stem."""

    index: int
    path: str
    name: str


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """What scanning one repository gave: the JSON report's text, or a one-line error."""

    document: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.document is not None


Worker = Callable[[str, "float | None"], Outcome]  # (path, timeout) -> outcome; must never raise
OnDone = Callable[[Target, Outcome], None]


def _slug(path: str) -> str:
    name = Path(path).expanduser().resolve().name or "root"
    return _UNSAFE.sub("-", name).strip(".-")[:_NAME_LIMIT] or "repository"


def plan(paths: Iterable[str]) -> tuple[list[Target], list[str]]:
    """Targets for the given paths, and the paths left out as duplicates of an earlier one.

    Names are the folder's name made safe for a file name; folders that share a name (compared
    case-insensitively, as some file systems do) or that are named like the dashboard each get a
    short hash of their absolute path appended, so a name never depends on completion order.
    """
    unique: list[tuple[str, str]] = []
    seen: set[str] = set()
    duplicates: list[str] = []
    for path in paths:
        absolute = str(Path(path).expanduser().resolve())
        if absolute in seen:
            duplicates.append(path)
            continue
        seen.add(absolute)
        unique.append((path, absolute))
    slugs = [_slug(path) for path, _ in unique]
    counts: dict[str, int] = {}
    for slug in slugs:
        counts[slug.casefold()] = counts.get(slug.casefold(), 0) + 1
    targets = []
    for index, ((path, absolute), slug) in enumerate(zip(unique, slugs)):
        if counts[slug.casefold()] > 1 or slug.casefold() in RESERVED_NAMES:
            slug = f"{slug}-{hashlib.sha256(absolute.encode('utf-8', 'surrogateescape')).hexdigest()[:8]}"
        targets.append(Target(index=index, path=path, name=slug))
    return targets, duplicates


def hard_grace(timeout: float) -> float:
    """How long past its timeout a worker's scan may run before its process is killed from outside."""
    return min(30.0, max(1.0, timeout / 2))


def timeout_error(seconds: float) -> str:
    """The failed row of a repository whose scan ran out of time."""
    return f"timed out after {seconds:g} s"


def scan_to_json(path: str, timeout: float | None = None) -> Outcome:
    """Scan the repository at `path` and return its JSON report text, or a one-line error (never raises)."""
    root = Path(path).expanduser()
    if not root.exists():
        return Outcome(error="no such folder")
    if not root.is_dir():
        return Outcome(error="is a file, not a repository folder")
    from portcheck.reports.json_report import render

    from .sandbox import Budget
    from .scan import OUT_OF_TIME, ScanError, scan

    try:
        report = scan(root, budget=Budget(total_seconds=timeout) if timeout else None)
    except ScanError as exc:
        return Outcome(error=timeout_error(timeout or 0) if exc.out_of_time else str(exc))
    except Exception as exc:  # a scan is total by design; anything left is one failed row, not a traceback
        return Outcome(error=describe_exception(exc))
    if any(note.kind == OUT_OF_TIME for note in report.scan_notes):
        return Outcome(error=timeout_error(timeout or 0))
    try:
        return Outcome(document=render(report))
    except Exception as exc:  # a scan is total by design; anything left is one failed row, not a traceback
        return Outcome(error=describe_exception(exc))


def _started(marker: str, worker: Worker, path: str, timeout: float | None) -> Outcome:
    """In a pool worker: write `marker` (this process's id: the scan has started, and where), then scan."""
    Path(marker).write_text(str(os.getpid()), encoding="ascii")
    return worker(path, timeout)


def run(targets: Sequence[Target], *, jobs: int, timeout: float | None = DEFAULT_TIMEOUT,
        on_done: OnDone | None = None, worker: Worker = scan_to_json) -> list[Outcome]:
    """Scan every target; outcomes in the targets' order. `on_done` is called as each one finishes."""
    results: dict[int, Outcome] = {}

    def finish(target: Target, outcome: Outcome) -> None:
        results[target.index] = outcome
        if on_done is not None:
            on_done(target, outcome)

    if jobs <= 1:
        for target in targets:
            finish(target, worker(target.path, timeout))
    else:
        _Pools(worker, jobs, timeout, finish).run(list(targets))
    return [results[t.index] for t in targets]


def died_error() -> str:
    """The failed row of a repository whose scan process died."""
    return "the scan's process died (it crashed, or was killed, e.g. for lack of memory)"


class _Pools:
    """Process pools over the targets, rebuilt after a worker dies, with suspects re-run one at a time."""

    markers: Path  # a private folder of start markers, one file per started scan, named by target index

    def __init__(self, worker: Worker, jobs: int, timeout: float | None, finish: Callable[[Target, Outcome], None]):
        self.worker, self.jobs, self.timeout, self.finish = worker, jobs, timeout, finish

    def run(self, targets: list[Target]) -> None:
        with tempfile.TemporaryDirectory(prefix="portcheck-cohort-") as markers:
            self.markers = Path(markers)
            queue, alone = targets, []
            while queue or alone:
                if alone:
                    target = alone.pop(0)
                    for lost in self._pool([target], 1):  # it died again on its own: it is the culprit
                        self.finish(lost, Outcome(error=died_error()))
                    continue
                batch, queue = queue, []
                lost = self._pool(batch, min(self.jobs, len(batch)))
                started = [t for t in lost if self._marker(t).exists()]
                if len(lost) == len(batch) and not started:  # the pool broke before any scan began
                    alone = lost
                    continue
                alone += started
                queue = [t for t in lost if t not in started]

    def _marker(self, target: Target) -> Path:
        return self.markers / str(target.index)

    def _pool(self, batch: list[Target], workers: int) -> list[Target]:
        """Run a batch in one pool; the targets lost to a broken pool, to run again (their markers say
        which had started: those are suspects, unless we stopped a worker ourselves)."""
        for target in batch:
            self._marker(target).unlink(missing_ok=True)
        lost: list[Target] = []
        killed: set[int] = set()
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures: dict[Future[Outcome], Target] = {
                pool.submit(_started, str(self._marker(t)), self.worker, t.path, self.timeout): t for t in batch}
            pending = set(futures)
            try:
                while pending:
                    done, pending = wait(pending, timeout=_POLL_SECONDS, return_when=FIRST_COMPLETED)
                    for future in sorted(done, key=lambda f: futures[f].index):
                        target = futures[future]
                        try:
                            outcome = future.result()
                        except BrokenProcessPool:
                            if target.index in killed:
                                self.finish(target, Outcome(error=f"{timeout_error(self.timeout or 0)} (its process was stopped)"))
                            else:
                                lost.append(target)
                            continue
                        except Exception as exc:  # e.g. a result that could not be sent back
                            outcome = Outcome(error=describe_exception(exc))
                        self.finish(target, outcome)
                    killed |= self._kill_overdue([futures[f] for f in pending if futures[f].index not in killed])
            except BaseException:  # Ctrl-C: do not start the scans still queued
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        if killed:  # we stopped a worker ourselves: the scans the broken pool took down did nothing wrong
            for target in lost:
                self._marker(target).unlink(missing_ok=True)
        return lost

    def _kill_overdue(self, running: list[Target]) -> set[int]:
        """Kill the process of every scan overdue by more than the grace period; their indexes."""
        if not self.timeout:
            return set()
        limit = self.timeout + hard_grace(self.timeout)
        killed = set()
        now = time.time()
        for target in running:
            marker = self._marker(target)
            try:
                started, pid = marker.stat().st_mtime, int(marker.read_text(encoding="ascii"))
            except (OSError, ValueError):
                continue  # not started yet
            if now - started > limit:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    continue
                killed.add(target.index)
        return killed
