"""`--jobs N`: detectors spread over worker processes give the same report as one process, and a
worker that dies or overruns fails only its own detector, worded as a serial scan words it."""
from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest
from conftest import copy_sample, run_cli

from portcheck.analyzer.facts import FACT_PROVIDERS
from portcheck.analyzer.sandbox import Budget
from portcheck.analyzer.scan import STEP_STOPPED, scan
from portcheck.reports.json_report import render

SAMPLES = ("polished", "average", "average-dl", "weak", "malformed", "hostile")


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("jobs")
    return {name: copy_sample(name, base / name) for name in SAMPLES}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A generated ML repository of 150 files and 30 commits (bench/generate.py): modules, notebooks, tests."""
    root = tmp_path_factory.mktemp("generated") / "repo"
    bench = Path(__file__).resolve().parent.parent / "bench" / "generate.py"
    import subprocess
    subprocess.run([sys.executable, str(bench), str(root), "--files", "150", "--commits", "30"], check=True,
                   capture_output=True)
    return root


@pytest.mark.parametrize("name", SAMPLES)
def test_a_parallel_scan_is_byte_identical_to_a_serial_one(samples, name):
    serial = render(scan(samples[name], jobs=1))
    assert render(scan(samples[name], jobs=3)) == serial


def test_a_generated_repository_scans_the_same_with_two_and_with_eight_workers(generated):
    serial = render(scan(generated, jobs=1))
    assert render(scan(generated, jobs=2)) == serial
    assert render(scan(generated, jobs=8)) == serial


def _dies(repo):
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_worker_killed_mid_detector_fails_that_detector_as_a_serial_scan_would(samples, monkeypatch):
    monkeypatch.setitem(FACT_PROVIDERS, "license", _dies)
    serial = scan(samples["polished"], jobs=1)
    parallel = scan(samples["polished"], jobs=3)
    assert render(parallel) == render(serial)
    reason = "the license detector ended its process with SIGKILL (it may have run out of memory)"
    assert [n.message for n in parallel.scan_notes if n.kind == STEP_STOPPED] == [reason]
    errors = [c for c in parallel.checks if c.status.value == "error"]
    assert "RD107" in [c.id for c in errors] and all(reason in c.message for c in errors)


def _hangs(repo):
    time.sleep(30)


def test_a_worker_over_the_step_budget_is_stopped_and_the_rest_completes(samples, monkeypatch):
    monkeypatch.setitem(FACT_PROVIDERS, "citation", _hangs)
    started = time.monotonic()
    report = scan(samples["average"], jobs=3, budget=Budget(step_seconds=1.5))
    assert time.monotonic() - started < 25
    assert [n.message for n in report.scan_notes if n.kind == STEP_STOPPED] == [
        "the citation detector took longer than its 1.5 s budget and was stopped"]
    errors = [c for c in report.checks if c.status.value == "error"]
    assert "RD109" in [c.id for c in errors] and all("citation detector took longer" in c.message for c in errors)
    assert render(report) == render(scan(samples["average"], jobs=1, budget=Budget(step_seconds=1.5)))


def test_the_cli_takes_jobs_and_refuses_zero(samples, tmp_path):
    out = tmp_path / "r.json"
    done = run_cli("scan", str(samples["weak"]), "--format", "json", "-o", str(out), "--jobs", "2", "--no-progress")
    assert done.returncode == 0, done.stderr
    assert out.read_text() == render(scan(samples["weak"], jobs=1))
    refused = run_cli("scan", str(samples["weak"]), "--jobs", "0")
    assert refused.returncode == 2 and "--jobs" in refused.stderr
    assert "--jobs" in run_cli("scan", "--help").stdout
