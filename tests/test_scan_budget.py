"""A scan under time and memory budgets: a slow or greedy step is stopped, reported, and the report still comes out."""
from __future__ import annotations

import json
import time
from pathlib import Path

import jsonschema
import pytest
from conftest import copy_sample, run_cli
from gitutil import make_git_repo, tree_snapshot

from portcheck.analyzer.sandbox import Budget, ScanError
from portcheck.analyzer.scan import OUT_OF_TIME, STEP_STOPPED, scan
from portcheck.reports.json_report import render

SCHEMA = json.loads((Path(__file__).parent / "data" / "facts.schema.json").read_text())


@pytest.fixture(scope="module")
def slow_to_parse(tmp_path_factory) -> Path:
    """A small project plus eight 0.9 MB modules (90,000 statements each, under the parse bound): parsing takes seconds."""
    root = tmp_path_factory.mktemp("slow") / "proj"
    table = "".join(f"v{i}=0\n" for i in range(90_000))
    make_git_repo(root, {
        "README.md": "# Churn\n\nPredicts churn.\n",
        "requirements.txt": "numpy==1.26.4\n",
        **{f"src/table_{k}.py": table for k in range(8)},
    })
    return root


def test_a_detector_over_its_budget_becomes_errors_and_a_note_and_the_report_is_complete(slow_to_parse):
    before = tree_snapshot(slow_to_parse)
    report = scan(slow_to_parse, budget=Budget(step_seconds=0.3))
    stopped = [n.message for n in report.scan_notes if n.kind == STEP_STOPPED]
    assert stopped == ["reading sources took longer than its 0.3 s budget and was stopped"]
    errors = [c for c in report.checks if c.status.value == "error"]
    assert errors and all("reading sources took longer" in c.message for c in errors)
    unknown = [n.message for n in report.scan_notes if n.kind == "fact-error"]
    assert "facts.tests could not be determined: reading sources took longer than its 0.3 s budget and was stopped" in unknown
    assert any(c.status.value == "pass" for c in report.checks)  # checks that need no parsing still ran
    jsonschema.validate(json.loads(render(report))["facts"], SCHEMA)
    assert tree_snapshot(slow_to_parse) == before


def test_the_whole_budget_running_out_is_an_out_of_time_note_not_a_hang(slow_to_parse):
    report = scan(slow_to_parse, budget=Budget(total_seconds=2, step_seconds=60))
    [note] = [n for n in report.scan_notes if n.kind == OUT_OF_TIME]
    assert note.message.startswith("the scan's time budget of 2 s ran out during ")
    not_reached = [c for c in report.checks if "time budget of 2 s ran out" in c.message]
    assert not_reached and all(c.status.value == "error" for c in not_reached)


def test_a_budget_too_small_to_list_the_repository_is_a_scan_error(slow_to_parse):
    with pytest.raises(ScanError) as caught:
        scan(slow_to_parse, budget=Budget(total_seconds=0.001))
    assert caught.value.out_of_time and "time budget of 0.001 s ran out" in str(caught.value)


def test_cli_budgets_stop_a_slow_step_and_still_write_the_report(slow_to_parse, tmp_path):
    out = tmp_path / "report.json"
    result = run_cli(str(slow_to_parse), "--format", "json", "-o", str(out), "--step-budget", "0.3")
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    notes = json.loads(out.read_text())["scan_notes"]
    assert any(n["kind"] == STEP_STOPPED for n in notes)


def test_cli_budget_options_are_checked_before_scanning(tmp_path):
    repo = copy_sample("weak", tmp_path / "weak")
    result = run_cli(str(repo), "--time-budget", "0", "--format", "json")
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "--time-budget" in result.stderr


def test_default_budget_scan_matches_an_unsandboxed_scan(tmp_path):
    repo = copy_sample("polished", tmp_path / "polished")
    sandboxed = render(scan(repo))
    inline = render(scan(repo, budget=Budget(isolate=False)))
    assert sandboxed == inline


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_step_budget_bounds_each_file_of_the_code_pass_not_the_whole_pass(tmp_path, monkeypatch, jobs):
    """Eight files that each take 0.15 s: 1.2 s of reading code, under a 0.5 s step budget."""
    from portcheck.analyzer.facts.codepass import PARTS

    monkeypatch.setitem(PARTS, "slow", lambda file: time.sleep(0.15))
    root = tmp_path / "proj"
    make_git_repo(root, {"README.md": "# x\n", **{f"src/m{k}.py": f"x = {k}\n" for k in range(8)}})
    report = scan(root, budget=Budget(step_seconds=0.5), jobs=jobs)
    assert [n.message for n in report.scan_notes if n.kind == STEP_STOPPED] == []
    assert not [c for c in report.checks if c.status.value == "error"]
