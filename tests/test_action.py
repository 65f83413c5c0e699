"""The composite GitHub Action (action.yml), run step by step the way a runner does.

Each `run:` step is executed with `bash --noprofile --norc -eo pipefail` (what `shell: bash` means on a
runner), its `env:` expressions filled in from the inputs and the outputs of earlier steps, with
GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and RUNNER_TEMP pointing at temp files, in a temp copy of
sample_projects/polished. The `uses:` steps (setup-python, upload-artifact, upload-sarif) need GitHub's
servers; they are checked for presence, pinning and their `if:` conditions. The install step needs a
package index; it is syntax-checked, and the portcheck installed next to this test's Python stands in
for what it installs.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import copy_sample
from gitutil import git, tree_snapshot

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS = ACTION["runs"]["steps"]
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def step(step_id: str) -> dict:
    return next(s for s in STEPS if s.get("id") == step_id)


def uses_step(action: str) -> dict:
    return next(s for s in STEPS if s.get("uses", "").startswith(action + "@"))


def installed_portcheck(tmp_path: Path) -> str:
    """The portcheck console script beside this Python (a fresh venv with `pip install -e .` has one);
    otherwise a two-line script that runs this Python's portcheck the same way."""
    script = Path(sys.executable).parent / "portcheck"
    if script.is_file() and os.access(script, os.X_OK):
        return str(script)
    wrapper = tmp_path / "portcheck"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m portcheck.analyzer.cli "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


class Runner:
    """Runs the action's `run:` steps in order, keeping their outputs the way a runner does."""

    def __init__(self, tmp_path: Path, workspace: Path, inputs: dict[str, str]) -> None:
        unknown = set(inputs) - set(ACTION["inputs"])
        assert not unknown, f"not inputs of the action: {unknown}"
        self.inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
        self.inputs.update(inputs)
        self.workspace = workspace
        self.temp = tmp_path / "runner-temp"
        self.temp.mkdir()
        self.summary = tmp_path / "step-summary.md"
        self.summary.touch()
        self.outputs: dict[str, dict[str, str]] = {"install": {"portcheck": installed_portcheck(tmp_path)}}

    def value(self, expression: str) -> str:
        """A `${{ }}` expression of the kinds the action's env blocks use."""
        parts = expression.split(".")
        if parts[0] == "inputs" and len(parts) == 2:
            return self.inputs[parts[1]]
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            return self.outputs.get(parts[1], {}).get(parts[3], "")  # a missing output is ''
        if expression == "github.action_path":
            return str(ROOT)
        raise AssertionError(f"the test runner does not know ${{{{ {expression} }}}}")

    def fill(self, text: str) -> str:
        return EXPRESSION.sub(lambda m: self.value(m.group(1)), text)

    def run(self, step_id: str) -> subprocess.CompletedProcess:
        spec = step(step_id)
        output_file = self.temp / f"output-{step_id}"
        output_file.touch()
        script = self.temp / f"step-{step_id}.sh"
        script.write_text(spec["run"], encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_"))}
        env.update({"RUNNER_TEMP": str(self.temp), "GITHUB_OUTPUT": str(output_file),
                    "GITHUB_STEP_SUMMARY": str(self.summary), "GITHUB_WORKSPACE": str(self.workspace)})
        env.update({name: self.fill(str(value)) for name, value in spec.get("env", {}).items()})
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=self.workspace,
                              env=env, capture_output=True, text=True, timeout=300)
        pairs = (line.split("=", 1) for line in output_file.read_text(encoding="utf-8").splitlines() if "=" in line)
        self.outputs[step_id] = dict(pairs)
        return proc

    def action_output(self, name: str) -> str:
        return self.fill(ACTION["outputs"][name]["value"])


@pytest.fixture
def workspace(tmp_path):
    repo = copy_sample("polished", tmp_path / "work")
    return repo


def test_action_is_composite_with_the_steps_in_order():
    assert ACTION["runs"]["using"] == "composite"
    kinds = [s.get("id") or s["uses"].split("@")[0] for s in STEPS]
    assert kinds == ["python", "install", "scan", "actions/upload-artifact", "github/codeql-action/upload-sarif",
                     "thresholds"]
    for s in STEPS:
        if "run" in s:
            assert s["shell"] == "bash"
        else:
            assert re.fullmatch(r"[\w./-]+@v\d+", s["uses"]), f"{s['uses']} is not pinned to a major version"


def test_setup_python_leaves_the_jobs_own_python_alone():
    setup = uses_step("actions/setup-python")
    assert setup["with"] == {"python-version": "${{ inputs.python-version }}", "update-environment": False}


def test_uploads_run_after_a_low_score_and_only_when_there_is_something_to_upload():
    artifact = uses_step("actions/upload-artifact")
    assert artifact["if"] == "${{ !cancelled() && steps.scan.outputs.html-report != '' }}"
    assert artifact["with"]["path"] == "${{ steps.scan.outputs.html-report }}"
    sarif = uses_step("github/codeql-action/upload-sarif")
    assert sarif["if"] == "${{ !cancelled() && inputs.sarif == 'true' && steps.scan.outputs.sarif-report != '' }}"
    assert sarif["with"]["sarif_file"] == "${{ steps.scan.outputs.sarif-report }}"
    assert step("thresholds")["if"] == "${{ !cancelled() }}" and STEPS[-1] is step("thresholds")
    assert "if" not in step("scan")  # it always runs, and itself succeeds below a threshold


def test_run_scripts_get_inputs_only_through_env_and_are_valid_bash(tmp_path):
    for s in (s for s in STEPS if "run" in s):
        assert "${{" not in s["run"], f"step {s['id']}: expressions in a script allow injection; use env"
        script = tmp_path / f"{s['id']}.sh"
        script.write_text(s["run"])
        proc = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr


def test_every_input_is_used_and_every_expression_names_a_declared_input():
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"inputs\.([\w-]+)", text))
    assert used == set(ACTION["inputs"])


def test_install_step_installs_the_actions_own_checkout_into_its_own_venv():
    install = step("install")
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert install["env"]["PYTHON"] == "${{ steps.python.outputs.python-path }}"
    assert '"") requirement="$ACTION_PATH"' in install["run"] and "-m venv" in install["run"]
    assert 'echo "portcheck=$bin/portcheck" >> "$GITHUB_OUTPUT"' in install["run"]


def test_default_run_writes_the_summary_and_the_html_report_and_passes(tmp_path, workspace):
    before = tree_snapshot(workspace)
    runner = Runner(tmp_path, workspace, {})
    scan = runner.run("scan")
    assert scan.returncode == 0, scan.stderr
    assert scan.stderr == "" and "portcheck: " in scan.stdout and "Top fixes" in scan.stdout  # the terminal summary
    html = Path(runner.action_output("html-report"))
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>") and html.is_relative_to(runner.temp)
    markdown = Path(runner.action_output("markdown-report")).read_text(encoding="utf-8")
    assert runner.summary.read_text(encoding="utf-8") == markdown and markdown.startswith("# portcheck: ")
    assert runner.action_output("sarif-report") == "" and runner.action_output("exit-code") == "0"
    final = runner.run("thresholds")
    assert final.returncode == 0 and "no score is below a threshold" in final.stdout
    assert tree_snapshot(workspace) == before and git(workspace, "status", "--porcelain") == ""


def test_scores_below_thresholds_still_publish_the_reports_then_fail_the_last_step(tmp_path, workspace):
    runner = Runner(tmp_path, workspace, {"fail-under": "100", "fail-under-area": "metrics=100", "sarif": "true"})
    scan = runner.run("scan")
    assert scan.returncode == 0, scan.stderr  # so the upload steps run
    assert runner.action_output("exit-code") == "1"
    lines = scan.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith("portcheck: overall score ") and lines[0].endswith("below 100")
    assert lines[1].startswith("portcheck: metrics score ")  # shown once, not once per rendering
    sarif = json.loads(Path(runner.action_output("sarif-report")).read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    assert Path(runner.action_output("html-report")).is_file()
    assert "below the threshold of 100" in runner.summary.read_text(encoding="utf-8")
    final = runner.run("thresholds")
    assert final.returncode == 1 and final.stdout.startswith("::error title=portcheck::")


def test_a_usage_error_fails_the_scan_step_with_nothing_to_upload(tmp_path, workspace):
    runner = Runner(tmp_path, workspace, {"fail-under-area": "speed=50"})
    scan = runner.run("scan")
    assert scan.returncode == 2 and "unknown area 'speed'" in scan.stderr
    assert runner.action_output("html-report") == "" and runner.summary.read_text() == ""
    assert runner.run("thresholds").returncode == 2


def test_the_last_step_fails_when_the_scan_never_ran(tmp_path, workspace):
    runner = Runner(tmp_path, workspace, {})  # e.g. the install step failed, so the scan step was skipped
    final = runner.run("thresholds")
    assert final.returncode == 1 and "portcheck did not run" in final.stdout


def test_pre_commit_hook_prints_the_markdown_report_writes_nothing_and_fails_under_the_repo_threshold(tmp_path):
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "portcheck")
    assert hook["language"] == "python" and hook["pass_filenames"] is False and hook["always_run"] is True
    repo = copy_sample("polished", tmp_path)
    command = [installed_portcheck(tmp_path), *hook["args"]]  # pre-commit runs `entry args` in the repo root
    assert hook["entry"] == "portcheck"
    passing = subprocess.run(command, cwd=repo, capture_output=True, text=True, timeout=300)
    assert passing.returncode == 0 and passing.stdout.startswith("# portcheck: "), passing.stderr
    (repo / "pyproject.toml").write_text("[tool.portcheck]\nfail-under = 100\n")
    before = tree_snapshot(repo)
    failing = subprocess.run(command, cwd=repo, capture_output=True, text=True, timeout=300)
    assert failing.returncode == 1 and "below the threshold of 100" in failing.stdout
    assert failing.stderr.startswith("portcheck: overall score ")
    assert tree_snapshot(repo) == before
