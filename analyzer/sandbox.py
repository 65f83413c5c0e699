"""Risky work in a child process: resource limits, time budgets, and a kill from outside.

A scan's risky half (walking the tree, git, parsing every file, run stores, the checks) runs as a
*job* in a forked child process. The child sets resource limits on itself (address space, CPU time,
size of any file it writes, no core dumps) and reports back over a pipe, step by step: "step X
started", "step X finished with this value". The parent only reads that pipe. It never interrupts
anything with a signal of its own (a signal landing mid-read would corrupt GitPython's persistent
`cat-file` stream); it watches the clock and, when a step runs past its budget, kills the child's
whole process group, records the step as failed, and forks a new child that starts from everything
already finished. A step that crashes the child (out of memory, a segfault in a C parser) is recorded
the same way. So a scan always ends, within about the total budget, with every step either finished
or failed with a one-line reason.

    result = supervise(job, budget=Budget(total_seconds=600, step_seconds=180))
    result.values   # step key -> the value the child sent, or a `Failed`
    result.stops    # the steps that were stopped, with why

`job(channel, known)` runs in the child. `known` maps the keys of steps already finished (or failed)
in earlier children to their values; the job skips those and reports the others through `channel`.
Where `os.fork` does not exist, or `Budget.isolate` is False (profiling), the job runs in this
process with the same protocol and no limits.
"""
from __future__ import annotations

import faulthandler
import os
import pickle
import resource
import select
import shutil
import signal
import struct
import tempfile
import time
import traceback
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .gitsafe import is_inside

GIB = 1024 ** 3
_HEADER = struct.Struct("!Q")


@dataclass(frozen=True, kw_only=True)
class Budget:
    """How long and how much a scan's risky work may take."""

    total_seconds: float = 600.0      # the whole job, across restarts
    step_seconds: float = 180.0       # any one step (a detector, a check)
    memory_bytes: int = 6 * GIB       # the child's address space (RLIMIT_AS)
    file_bytes: int = 1 * GIB         # the largest file the child may write, e.g. a temporary copy (RLIMIT_FSIZE)
    isolate: bool = True              # False: run in this process (for profiling); no limits, no kill

    def __post_init__(self) -> None:
        if self.total_seconds <= 0 or self.step_seconds <= 0:
            raise ValueError("time budgets must be positive")
        if self.memory_bytes <= 0 or self.file_bytes <= 0:
            raise ValueError("memory and file limits must be positive")


class ScanError(Exception):
    """A scan produced nothing at all (its repository could not even be listed); str(exc) is one line."""

    def __init__(self, message: str, *, out_of_time: bool = False) -> None:
        super().__init__(message)
        self.out_of_time = out_of_time


@dataclass(frozen=True)
class Failed:
    """A step that did not produce a value: `reason` is one line, e.g. "ValueError: bad (at f, line 3)"."""

    reason: str


@dataclass(frozen=True)
class Stop:
    """A step the supervisor stopped or saw die, and why."""

    key: str
    reason: str


@dataclass
class Supervised:
    """What a supervised job produced: a value or `Failed` per step it reached, the stops, the messages."""

    values: dict[str, Any] = field(default_factory=dict)
    stops: list[Stop] = field(default_factory=list)
    out_of_time: bool = False


class Channel:
    """The child's side of the pipe: what a job calls to report its steps."""

    def __init__(self, emit: Callable[[tuple[Any, ...]], None]) -> None:
        self._emit = emit

    def started(self, key: str, lane: int = 0) -> None:
        """Step `key` begins; the supervisor starts its clock.

        `lane` tells apart steps that run at the same time in worker processes (`pool.py`): each
        lane's innermost step is watched against the step budget on its own.
        """
        self._emit(("start", key, lane))

    def finished(self, key: str, value: Any, lane: int = 0) -> None:
        """Step `key` ended with `value` (anything picklable, or a `Failed`)."""
        self._emit(("done", key, value, lane))

    def renewed(self, key: str, lane: int = 0) -> None:
        """Open step `key` made progress (a long step working through many inputs: the code pass): its
        step budget starts again, and so do those of the steps around it on its lane, which wait for
        it; the budget then bounds the time between two reports of progress, not the whole step."""
        self._emit(("renew", key, lane))

    def stopped(self, key: str, reason: str) -> None:
        """Step `key` was stopped inside the job (a worker process died): a `Stop`, as if the supervisor saw it."""
        self._emit(("stopped", key, reason))

    def progress(self, message: str) -> None:
        """A line for the progress display."""
        self._emit(("progress", message))


Job = Callable[[Channel, Mapping[str, Any]], None]
Progress = Callable[[str], None]
Describe = Callable[[str], str]


def available_cpus() -> int:
    """How many CPUs this process may run on (its affinity mask; the machine's count where there is none)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def send_message(fd: int, message: Any) -> None:
    """Write one message to a pipe: its pickle, prefixed by the pickle's length."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    _write_all(fd, _HEADER.pack(len(data)) + data)


class MessageReader:
    """Reassembles `send_message`'s messages from the chunks read off one pipe."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._buffer = bytearray()
        self._ready: deque[Any] = deque()

    def read_available(self) -> list[Any] | None:
        """One read (call when `fd` is readable): every message completed so far; None at end of file."""
        chunk = os.read(self.fd, 1 << 20)
        if not chunk:
            return None
        self._split(chunk)
        messages = list(self._ready)
        self._ready.clear()
        return messages

    def next(self) -> Any | None:
        """Block until the next whole message; None at end of file."""
        while not self._ready:
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                return None
            self._split(chunk)
        return self._ready.popleft()

    def _split(self, chunk: bytes) -> None:
        self._buffer.extend(chunk)
        while len(self._buffer) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(self._buffer)
            if len(self._buffer) < _HEADER.size + size:
                break
            payload = bytes(self._buffer[_HEADER.size:_HEADER.size + size])
            del self._buffer[:_HEADER.size + size]
            self._ready.append(pickle.loads(payload))  # our own process's messages, over our own pipe


def describe_exception(exc: BaseException) -> str:
    """One line for an exception: its type, message (capped) and the innermost frame."""
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" (at {where.name}, line {where.lineno})" if where else ""
    text = " ".join(str(exc).split())[:300]
    return f"{type(exc).__name__}: {text}{at}" if text else f"{type(exc).__name__}{at}"


def supervise(job: Job, *, budget: Budget, progress: Progress | None = None,
              describe: Describe = lambda key: key, keep_out: Path | None = None) -> Supervised:
    """Run `job` to the end in sandboxed children, restarting after each stopped step.

    The children's temporary files (`tempfile`, TMPDIR) go into one folder this process removes at
    the end, so nothing a killed child was writing is left behind; unless the temporary folder lies
    inside `keep_out` (the scanned repository), where nothing may be written at all.
    """
    result = Supervised()
    if not budget.isolate or not hasattr(os, "fork"):
        _run_inline(job, result, progress)
        return result
    writable = keep_out is None or not is_inside(tempfile.gettempdir(), keep_out)
    folder = tempfile.mkdtemp(prefix="portcheck-scan-") if writable else None
    try:
        _supervise(job, budget, progress, describe, folder, result)
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    return result


def _supervise(job: Job, budget: Budget, progress: Progress | None, describe: Describe, scratch: str | None,
               result: Supervised) -> None:
    deadline = time.monotonic() + budget.total_seconds
    while True:
        run = _ChildRun(job, dict(result.values), budget, deadline, progress, scratch)
        ending = run.wait(result.values)
        result.stops.extend(run.stopped)
        if ending is None:
            return
        active, why, out_of_time = ending
        reason = _stop_reason(describe(active or ""), why, budget)
        result.stops.append(Stop(key=active or "", reason=reason))
        result.out_of_time = out_of_time
        if active is None or isinstance(result.values.get(active), Failed):
            return  # nothing to blame, or it broke again after a restart: no progress is possible
        result.values[active] = Failed(reason)
        if out_of_time:
            return


def _stop_reason(what: str, why: str, budget: Budget) -> str:
    if why == "step-time":
        return f"{what} took longer than its {budget.step_seconds:g} s budget and was stopped"
    if why == "total-time":
        return f"the scan's time budget of {budget.total_seconds:g} s ran out during {what}"
    return f"{what} {why}"


def _run_inline(job: Job, result: Supervised, progress: Progress | None) -> None:
    def emit(message: tuple[Any, ...]) -> None:
        if message[0] == "done":
            result.values[message[1]] = message[2]
        elif message[0] == "stopped":
            result.stops.append(Stop(key=message[1], reason=message[2]))
        elif message[0] == "progress" and progress:
            progress(message[1])

    job(Channel(emit), {})


class _ChildRun:
    """One forked child running the job from `known`, watched by the parent."""

    def __init__(self, job: Job, known: dict[str, Any], budget: Budget, deadline: float,
                 progress: Progress | None, scratch: str | None) -> None:
        self.budget, self.deadline, self.progress = budget, deadline, progress
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(read_end)
            _child_main(job, known, budget, write_end, scratch)
        os.close(write_end)
        try:
            os.setpgid(pid, pid)  # also here, so a kill right after the fork still finds the group
        except OSError:
            pass
        self.pid, self.reader = pid, MessageReader(read_end)
        self.lanes: dict[int, list[tuple[str, float]]] = {}  # each lane's open steps, innermost last
        self.stopped: list[Stop] = []  # steps the job itself reported stopped
        self.finished = False
        self.crash: str | None = None
        self.status: int | None = None

    def wait(self, values: dict[str, Any]) -> tuple[str | None, str, bool] | None:
        """Collect messages into `values` until the child ends: None when the job finished, else why not."""
        try:
            while True:
                now = time.monotonic()
                if now >= self.deadline:
                    blamed = self._blamed()
                    self._kill_and_reap()
                    return blamed, "total-time", True
                limit, late = self.deadline, None
                for steps in self.lanes.values():
                    if steps and steps[-1][1] + self.budget.step_seconds < limit:
                        limit, late = steps[-1][1] + self.budget.step_seconds, steps[-1][0]
                if late is not None and now >= limit:
                    self._kill_and_reap()
                    return late, "step-time", False
                ready, _, _ = select.select([self.reader.fd], [], [], max(0.0, limit - now))
                if not ready:
                    continue
                messages = self.reader.read_available()
                if messages is None:
                    return self._ended()
                for message in messages:
                    self._take(message, values)
        finally:
            os.close(self.reader.fd)
            self._kill_and_reap()

    def _take(self, message: tuple[Any, ...], values: dict[str, Any]) -> None:
        kind = message[0]
        if kind == "start":
            self.lanes.setdefault(message[2], []).append((message[1], time.monotonic()))
        elif kind == "done":
            key, lane = message[1], message[3]
            values[key] = message[2]
            self.lanes[lane] = [(k, t) for k, t in self.lanes.get(lane, ()) if k != key]
        elif kind == "renew":  # the step and the steps around it, which wait for it, start their clocks again
            key, lane, steps = message[1], message[2], self.lanes.get(message[2], [])
            keys = [k for k, _ in steps]
            if key in keys:
                now = time.monotonic()
                self.lanes[lane] = [(k, now if i <= keys.index(key) else t) for i, (k, t) in enumerate(steps)]
        elif kind == "progress" and self.progress:
            self.progress(message[1])
        elif kind == "stopped":
            self.stopped.append(Stop(key=message[1], reason=message[2]))
        elif kind == "end":
            self.finished = True
        elif kind == "crash":
            self.crash = message[1]

    def _blamed(self) -> str | None:
        """The step to blame when the whole child stops: the main lane's innermost, else the latest begun."""
        if self.lanes.get(0):
            return self.lanes[0][-1][0]
        tops = [steps[-1] for steps in self.lanes.values() if steps]
        return max(tops, key=lambda step: step[1])[0] if tops else None

    def _ended(self) -> tuple[str | None, str, bool] | None:
        status = self._kill_and_reap()
        if self.finished:
            return None
        active = self._blamed()
        if self.crash is not None:
            return active, f"failed: {self.crash}", False
        return active, describe_death(status), False

    def _kill_and_reap(self) -> int:
        if self.status is not None:
            return self.status
        for kill, target in ((os.killpg, self.pid), (os.kill, self.pid)):
            try:
                kill(target, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        _, self.status = os.waitpid(self.pid, 0)
        return self.status


def describe_death(status: int) -> str:
    """One line for how a process ended, from its `waitpid` status."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == signal.SIGXCPU:
            return "ran out of CPU time and was stopped"
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else f"signal {sig}"
        hint = " (it may have run out of memory)" if sig in (signal.SIGKILL, signal.SIGABRT, signal.SIGSEGV) else ""
        return f"ended its process with {name}{hint}"
    return f"ended its process with exit status {os.WEXITSTATUS(status)}"


def _child_main(job: Job, known: dict[str, Any], budget: Budget, fd: int, scratch: str | None) -> None:
    """The forked child: limit itself, run the job, report, and exit without touching the parent's state."""
    code = 0
    try:
        if scratch is not None:
            tempfile.tempdir = scratch
            os.environ["TMPDIR"] = scratch
        os.setpgid(0, 0)  # its own process group, so one kill takes it and the programs it started
        faulthandler.disable()  # a crash is reported by the parent in one line, not as a stack dump
        signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the parent's to handle
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an oversized write raises OSError instead of killing
        _limit(resource.RLIMIT_AS, budget.memory_bytes)
        _limit(resource.RLIMIT_FSIZE, budget.file_bytes)
        _limit(resource.RLIMIT_CPU, int(budget.total_seconds) + 5)
        _limit(resource.RLIMIT_CORE, 0)

        def emit(message: tuple[Any, ...]) -> None:
            send_message(fd, message)

        channel = Channel(emit)
        try:
            job(channel, known)
        except BaseException as exc:  # the innermost open step is blamed; the parent restarts after it
            emit(("crash", describe_exception(exc)))
            code = 3
        else:
            emit(("end",))
    except BaseException:  # even the pipe broke: the parent sees the exit status
        code = 4
    finally:
        os._exit(code)


def _limit(kind: int, value: int) -> None:
    soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    try:
        resource.setrlimit(kind, (value, hard))
    except (ValueError, OSError):
        pass


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
