"""The sandbox: steps run in a forked child with limits; the parent stops, records and resumes, never hangs."""
from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from portcheck.analyzer.sandbox import Budget, Channel, Failed, describe_exception, supervise

MIB = 1024 * 1024


def _steps(*steps: tuple[str, Callable[[], Any]]) -> Callable[[Channel, Mapping[str, Any]], None]:
    """A job that runs `steps` in order, skipping those already known, as the scan's job does."""
    def job(channel: Channel, known: Mapping[str, Any]) -> None:
        for key, step in steps:
            if key in known:
                continue
            channel.started(key)
            try:
                value = step()
            except Exception as exc:
                value = Failed(describe_exception(exc))
            channel.finished(key, value)
    return job


def _address_space() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmSize in /proc/self/status")


def test_a_step_over_its_budget_is_stopped_and_the_job_resumes_after_it():
    job = _steps(("a", lambda: 1), ("slow", lambda: time.sleep(60)), ("c", lambda: 3))
    result = supervise(job, budget=Budget(step_seconds=0.5), describe=lambda key: f"step {key}")
    assert result.values["a"] == 1 and result.values["c"] == 3
    assert result.values["slow"] == Failed("step slow took longer than its 0.5 s budget and was stopped")
    assert [s.key for s in result.stops] == ["slow"] and not result.out_of_time


def _long_step(channel: Channel, rounds: int, renew: bool) -> int:
    for _ in range(rounds):
        time.sleep(0.2)
        if renew:
            channel.renewed("long")
    return rounds


@pytest.mark.parametrize("renew", [True, False])
def test_a_long_step_that_reports_progress_renews_its_budget_and_a_silent_one_does_not(renew):
    def job(channel: Channel, known: Mapping[str, Any]) -> None:
        if "long" not in known:
            channel.started("long")
            channel.finished("long", _long_step(channel, 6, renew))  # 1.2 s in all, 0.2 s between reports
        channel.started("after")
        channel.finished("after", "ok")

    result = supervise(job, budget=Budget(step_seconds=0.6), describe=lambda key: f"step {key}")
    expected = 6 if renew else Failed("step long took longer than its 0.6 s budget and was stopped")
    assert result.values["long"] == expected and result.values["after"] == "ok"


def test_the_total_budget_ends_the_job_and_later_steps_are_never_reached():
    job = _steps(("a", lambda: 1), ("slow", lambda: time.sleep(60)), ("c", lambda: 3))
    result = supervise(job, budget=Budget(total_seconds=1, step_seconds=30))
    assert result.out_of_time
    assert result.values["slow"] == Failed("the scan's time budget of 1 s ran out during slow")
    assert "c" not in result.values and result.values["a"] == 1


def test_a_step_that_kills_its_process_is_recorded_and_the_rest_still_runs():
    job = _steps(("crash", lambda: os.kill(os.getpid(), signal.SIGSEGV)), ("after", lambda: "ok"))
    result = supervise(job, budget=Budget())
    assert result.values["crash"] == Failed("crash ended its process with SIGSEGV (it may have run out of memory)")
    assert result.values["after"] == "ok"


def test_memory_beyond_the_address_space_limit_fails_that_step_only():
    limit = _address_space() + 300 * MIB
    job = _steps(("hog", lambda: len(bytearray(2048 * MIB))), ("after", lambda: "ok"))
    result = supervise(job, budget=Budget(memory_bytes=limit))
    assert isinstance(result.values["hog"], Failed) and result.values["hog"].reason.startswith("MemoryError")
    assert result.values["after"] == "ok"
    assert len(bytearray(512 * MIB)) == 512 * MIB  # the limit was the child's, not this process's


def test_a_write_beyond_the_file_size_limit_fails_instead_of_killing(tmp_path):
    target = tmp_path / "big.bin"
    job = _steps(("write", lambda: target.write_bytes(b"x" * (2 * MIB))), ("after", lambda: "ok"))
    result = supervise(job, budget=Budget(file_bytes=MIB))
    assert isinstance(result.values["write"], Failed) and "File too large" in result.values["write"].reason
    assert result.values["after"] == "ok"


def test_an_exception_escaping_the_job_blames_the_open_step_and_the_job_resumes():
    def job(channel: Channel, known: Mapping[str, Any]) -> None:
        if "broken" not in known:
            channel.started("broken")
            raise RuntimeError("the job itself broke")
        channel.started("next")
        channel.finished("next", "ok")
    result = supervise(job, budget=Budget())
    assert result.values["broken"].reason.startswith("broken failed: RuntimeError: the job itself broke")
    assert result.values["next"] == "ok"


def _spawn_and_hang(pid_file: Path) -> None:
    child = subprocess.Popen(["sleep", "60"])
    pid_file.write_text(str(child.pid))
    time.sleep(60)


def test_programs_a_stopped_step_started_are_killed_with_it(tmp_path):
    pid_file = tmp_path / "pid"
    result = supervise(_steps(("spawn", lambda: _spawn_and_hang(pid_file))), budget=Budget(step_seconds=1))
    assert isinstance(result.values["spawn"], Failed)
    pid = int(pid_file.read_text())
    for _ in range(50):  # the kill is sent before supervise returns; the kernel may take a moment to reap
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        stat = Path(f"/proc/{pid}/stat").read_text() if Path(f"/proc/{pid}/stat").exists() else ""
        if " Z " in stat:  # a zombie waiting for its (re-parented) parent: dead
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"process {pid} started by the stopped step is still running")


def test_progress_messages_reach_the_parent():
    seen: list[str] = []

    def job(channel: Channel, known: Mapping[str, Any]) -> None:
        channel.progress("half way")
    supervise(job, budget=Budget(), progress=seen.append)
    assert seen == ["half way"]


def test_inline_mode_gives_the_same_values_without_a_child():
    job = _steps(("pid", os.getpid), ("b", lambda: [1, 2]))
    isolated, inline = supervise(job, budget=Budget()), supervise(job, budget=Budget(isolate=False))
    assert isolated.values["b"] == inline.values["b"] == [1, 2]
    assert inline.values["pid"] == os.getpid() != isolated.values["pid"]


@pytest.mark.parametrize("field, value", [("total_seconds", 0), ("step_seconds", -1), ("memory_bytes", 0)])
def test_budgets_must_be_positive(field, value):
    with pytest.raises(ValueError):
        Budget(**{field: value})
