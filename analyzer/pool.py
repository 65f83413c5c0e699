"""Fact detectors run side by side in forked worker processes (`--jobs N`).

Inside the sandboxed child, once the `sources` step is done (every notebook read, and the pass over the
code in which each file was parsed once and summarised by every detector's per-file part, itself split
over N processes by `map_in_forks`), the child forks N workers. Each inherits the sources with their
summaries, the repository view and the git handle as they are (copy-on-write: nothing is copied or
pickled up front). The child then hands
out detectors one at a time, costliest first, each as soon as the detectors it takes as inputs are
done, sending along those inputs' values; a worker computes the detector and sends back its value,
the notes the repository view made while reading and, for the report cache, the digest of every file
it read. The child relays each start and end to the supervisor on the worker's own *lane*, so every
detector is still watched against the step budget on its own.

Results are identical to a serial run: a detector is a function of its inputs, the values are the
same objects pickled once, the repository view's notes are put in a fixed order when the report is
assembled (`assemble.py`), and the checks themselves run afterwards in the child, in order, as before.

A worker that dies (out of memory, a crash in a C parser) fails the detector it was computing, with a
one-line reason, like a serial step would; the detectors still waiting are handed to the remaining
workers, or computed in the child when none is left. A worker never outlives the child: it exits when
its command pipe closes, and the supervisor's kill takes the child's whole process group; so does
every process `map_in_forks` starts, which the child waits for before going on.
"""
from __future__ import annotations

import gc
import inspect
import os
import select
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .inputs import InputFailed, Inputs, Provider
from .model import ScanNote
from .repo import RepoView
from .sandbox import Failed, MessageReader, describe_death, describe_exception, send_message

# Handed out in this order when their inputs are ready: first what other detectors wait for, then the
# costliest once the code pass is done (exclusive seconds, keras / PythonDataScienceHandbook: evaluation
# 0.01 / 0.45, history blobs 0.39 / 0.02, git history 0.33 / 0.04, task 0.01 / 0.16, secrets 0.01 / 0.09,
# notebooks 0.00 / 0.10); every other detector after them, in the order given.
DISPATCH_ORDER = ("readme_source", "dependencies", "docker", "ignore_rules", "history", "evaluation", "history_blobs",
                  "git_history", "task", "notebooks", "secrets")


class LaneWatcher(Protocol):
    """Told of each detector's start and end, with the lane (worker) it ran on."""

    def started(self, key: str, lane: int = 0) -> None: ...

    def finished(self, key: str, value: Any, lane: int = 0) -> None: ...

    def describe(self, key: str) -> str:
        """How the step is named in a reason: "the readme detector"."""

    def stopped(self, key: str, reason: str) -> None:
        """The step was stopped (its worker died), for the scan's notes."""


@dataclass
class _Worker:
    lane: int
    pid: int
    commands: int                 # write end of the pipe the worker reads its detectors from
    reader: MessageReader         # the worker's messages
    busy: str | None = None       # the detector it is computing
    holds: set[str] = field(default_factory=set)  # detectors' values it already has


def compute_in_parallel(inputs: Inputs, providers: Mapping[str, Provider], names: Sequence[str], jobs: int,
                        watcher: LaneWatcher, repo: RepoView, progress: Callable[[str], None] | None = None) -> None:
    """Compute the inputs `names` (not yet settled in `inputs`) on `jobs` forked workers and settle
    them in `inputs`; new notes and reads of the workers' repository views are added to `repo`'s."""
    pending = _ordered([n for n in names if not inputs.settled(n)])
    if not pending:
        return
    needs = {n: [p for p in inspect.signature(providers[n]).parameters if p in names] for n in pending}
    gc.freeze()  # what the child holds is never collected, so collections in the workers leave its pages shared
    workers: list[_Worker] = []
    for lane in range(1, min(jobs, len(pending)) + 1):
        workers.append(_start(lane, inputs, repo, workers))
    total, settled = len(pending), 0
    try:
        while workers and (pending or any(w.busy for w in workers)):
            for worker in workers:
                if worker.busy is None:
                    _hand_out(worker, pending, needs, inputs)
            busy = [w for w in workers if w.busy is not None]
            if not busy:
                break  # what is left waits on something no worker can compute: the caller computes it
            readable, _, _ = select.select([w.reader.fd for w in busy], [], [])
            for worker in busy:
                if worker.reader.fd not in readable:
                    continue
                messages = worker.reader.read_available()
                if messages is None:
                    _lost(worker, inputs, watcher)
                    workers.remove(worker)
                    continue
                for message in messages:
                    settled += _take(message, worker, inputs, watcher, repo)
                if progress is not None and worker.busy is None:
                    progress(f"facts: {settled} of {total} detectors done ({len(workers)} workers)")
    finally:
        for worker in workers:
            _close(worker)
        gc.unfreeze()


def _ordered(names: list[str]) -> list[str]:
    rank = {name: i for i, name in enumerate(DISPATCH_ORDER)}
    return sorted(names, key=lambda n: rank.get(n, len(rank)))  # stable: the others keep their order


def _hand_out(worker: _Worker, pending: list[str], needs: Mapping[str, list[str]], inputs: Inputs) -> None:
    """Send the worker the first pending detector whose inputs are settled, with the values it lacks."""
    for name in pending:
        if all(inputs.settled(n) for n in needs[name]):
            seeds = {n: inputs.outcome(n) for n in needs[name] if n not in worker.holds}
            send_message(worker.commands, (name, seeds))
            worker.busy = name
            worker.holds.update(seeds)
            pending.remove(name)
            return


def _take(message: tuple[Any, ...], worker: _Worker, inputs: Inputs, watcher: LaneWatcher, repo: RepoView) -> int:
    """Act on one worker message; 1 when it settled one of the detectors handed out."""
    kind = message[0]
    if kind == "start":
        watcher.started(message[1], worker.lane)
    elif kind == "done":
        _, name, value, notes, reads = message
        _add_changes(repo, notes, reads)
        worker.holds.add(name)
        if not inputs.settled(name):
            inputs.seed(name, value)
            watcher.finished(name, value, worker.lane)
            return 1
    elif kind == "ready":
        worker.busy = None
    return 0


def _lost(worker: _Worker, inputs: Inputs, watcher: LaneWatcher) -> None:
    """A worker's pipe closed while it was computing: it died; its detector fails with how it ended."""
    status = _close(worker)
    name = worker.busy
    if name is not None and not inputs.settled(name):
        failure = Failed(f"{watcher.describe(name)} {describe_death(status)}")  # as the supervisor words it
        inputs.seed(name, failure)
        watcher.stopped(name, failure.reason)
        watcher.finished(name, failure, worker.lane)


def _close(worker: _Worker) -> int:
    """Close the worker's pipes (it exits at the end of its commands) and reap it; its wait status (the
    first time; 0 after)."""
    _close_commands(worker)
    if worker.pid == 0:
        return 0
    status = _reap(worker.pid, worker.reader.fd)
    worker.pid = 0
    return status


def _close_commands(worker: _Worker) -> None:
    if worker.commands >= 0:
        _close_quietly(worker.commands)
        worker.commands = -1


def _close_quietly(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass


def _start(lane: int, inputs: Inputs, repo: RepoView, earlier: list[_Worker]) -> _Worker:
    return _fork_worker(lane, earlier, lambda commands, results: _worker_main(inputs, repo, commands, results))


def _fork_worker(lane: int, earlier: list[_Worker], main: Callable[[MessageReader, int], None]) -> _Worker:
    """Fork a worker that runs `main(its commands, its results pipe)`, which never returns."""
    command_read, command_write = os.pipe()
    result_read, result_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: never returns
        try:
            for fd in (command_write, result_read, *(fd for w in earlier for fd in (w.commands, w.reader.fd))):
                _close_quietly(fd)  # else an earlier worker would never see its command pipe close
            main(MessageReader(command_read), result_write)
        finally:
            os._exit(4)  # `main` exits by itself; this only stops a worker whose start went wrong
    os.close(command_read)
    os.close(result_write)
    return _Worker(lane=lane, pid=pid, commands=command_write, reader=MessageReader(result_read))


def _worker_main(inputs: Inputs, repo: RepoView, commands: MessageReader, results: int) -> None:
    """Compute each detector the child sends until the command pipe closes; never returns."""
    inputs.watch(_WorkerWatcher(results, repo))

    def compute(command: tuple[str, Mapping[str, Any]]) -> None:
        name, seeds = command
        for seeded, value in seeds.items():
            inputs.seed(seeded, value)
        try:
            inputs.get(name)
        except Exception:  # the watcher has sent the failure or absence on
            pass
        send_message(results, ("ready", name))

    _serve(commands, compute)


def _serve(commands: MessageReader, handle: Callable[[Any], None]) -> None:
    """In a worker: `handle` each command until the command pipe closes, then exit; never returns. A broken
    pipe (the child is gone) or worse ends the worker too, and the child sees its pipe close."""
    code = 0
    try:
        while (command := commands.next()) is not None:
            handle(command)
    except BaseException:
        code = 4
    finally:
        os._exit(code)


class _ViewChanges:
    """What a forked process's repository view added since the last `take`: its notes and, for the report
    cache, the digests of new reads."""

    def __init__(self, repo: RepoView) -> None:
        self.repo = repo
        self._notes = len(repo.notes)
        reads = getattr(repo, "reads", None)
        self._reads = dict(reads) if reads is not None else None

    def take(self) -> tuple[tuple[ScanNote, ...], dict[str, str]]:
        notes = tuple(self.repo.notes[self._notes:])
        self._notes = len(self.repo.notes)
        new_reads: dict[str, str] = {}
        reads = getattr(self.repo, "reads", None)
        if reads is not None and self._reads is not None:
            new_reads = {k: v for k, v in reads.items() if self._reads.get(k) != v}
            self._reads.update(new_reads)
        return notes, new_reads


def _add_changes(repo: RepoView, notes: Sequence[ScanNote], reads: Mapping[str, str]) -> None:
    """Add a forked process's view changes to the child's view."""
    repo.notes.extend(notes)
    recorded = getattr(repo, "reads", None)
    if recorded is not None:
        recorded.update(reads)


class _WorkerWatcher:
    """In a worker: sends each provider's start and end, with the notes and reads made since the last end."""

    def __init__(self, fd: int, repo: RepoView) -> None:
        self.fd = fd
        self.changes = _ViewChanges(repo)

    def started(self, key: str) -> None:
        send_message(self.fd, ("start", key))

    def finished(self, key: str, value: Any) -> None:
        notes, reads = self.changes.take()
        send_message(self.fd, ("done", key, value, notes, reads))


# ==== several pieces of one step at once ===========================================================

def map_in_forks(count: int, work: Callable[[int, int], list[Any]], repo: RepoView, processes: int, *,
                 chunks_each: int = 16, progress: Callable[[int], None] | None = None) -> list[Any]:
    """`work(start, end)` (the results for items `start` to `end`, in order) over items 0 to `count`, in
    `processes` forked processes; all results, in item order.

    The items are cut into about `chunks_each` ranges per process, handed out one at a time to whichever
    process is free, so that a process given slow items does not hold the others up; `progress` is told
    how many items are done after each range. The notes and reads of the processes' repository views
    are added to `repo`'s. An exception in `work` raises `InputFailed` here with its one-line
    description; a process that dies (out of memory, a crash in C code) raises `InputFailed` with how
    it ended. Either way every process is reaped first.
    """
    size = max(1, -(-count // (processes * chunks_each)))
    pending = [(start, min(start + size, count)) for start in range(0, count, size)]
    pending.reverse()  # handed out from the end: in item order
    workers: list[_Worker] = []
    for lane in range(min(processes, len(pending))):
        workers.append(_fork_worker(lane, workers, lambda commands, results: _range_worker_main(
            work, repo, commands, results)))
    results: dict[int, list[Any]] = {}
    failure: str | None = None
    try:
        for worker in workers:
            _next_range(worker, pending)
        while failure is None and any(w.busy for w in workers):
            busy = {w.reader.fd: w for w in workers if w.busy}
            readable, _, _ = select.select(list(busy), [], [])
            for fd in readable:
                worker = busy[fd]
                messages = worker.reader.read_available()
                if messages is None:
                    failure = f"a process reading part of the repository {describe_death(_close(worker))}"
                    worker.busy = None
                    break
                for kind, value, notes, reads in messages:
                    if kind == "failed":
                        failure = value
                        break
                    _add_changes(repo, notes, reads)
                    results[value[0]] = value[1]
                    if progress is not None:
                        progress(sum(len(r) for r in results.values()))
                    _next_range(worker, pending)
    finally:
        for worker in workers:
            _close(worker)
    if failure is not None:
        raise InputFailed(failure)
    return [result for start in sorted(results) for result in results[start]]


def _next_range(worker: _Worker, pending: list[tuple[int, int]]) -> None:
    """Hand the worker the next range, or close its command pipe (it then exits) when none is left."""
    if pending:
        start, end = pending.pop()
        send_message(worker.commands, (start, end))
        worker.busy = f"{start}:{end}"
    else:
        worker.busy = None
        _close_commands(worker)


def _range_worker_main(work: Callable[[int, int], list[Any]], repo: RepoView, commands: MessageReader,
                       results: int) -> None:
    """Compute each range sent until the command pipe closes; never returns."""
    changes = _ViewChanges(repo)

    def compute(command: tuple[int, int]) -> None:
        start, end = command
        try:
            answer: tuple[Any, ...] = ("done", (start, work(start, end)))
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which fails the step with it
            answer = ("failed", describe_exception(exc))
        send_message(results, (*answer, *changes.take()))

    _serve(commands, compute)


def _reap(pid: int, fd: int) -> int:
    _close_quietly(fd)
    return os.waitpid(pid, 0)[1]
