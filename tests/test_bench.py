"""The benchmark tools in bench/: the generator builds a valid repository, the floor and the runner measure it.

No timing is asserted here (the figures depend on the machine); these tests prove the tools work and
report what they read, on tiny generated repositories.
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from gitutil import commit_count, git, make_git_repo

BENCH = Path(__file__).resolve().parent.parent / "bench"


def bench(script: str, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """Run `python bench/SCRIPT ARGS` with this interpreter."""
    return subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True, text=True,
                          timeout=timeout)


def generate(dest: Path, files: int = 30, commits: int = 6, seed: int = 0) -> Path:
    result = bench("generate.py", str(dest), "--files", str(files), "--commits", str(commits), "--seed", str(seed))
    assert result.returncode == 0, result.stderr
    return dest


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("bench") / "gen", files=30, commits=6)


def test_generator_makes_a_clean_repository_with_the_requested_files_and_commits(generated):
    tracked = git(generated, "ls-files").splitlines()
    assert len(tracked) == 30
    assert commit_count(generated) == 6
    assert git(generated, "status", "--porcelain") == ""
    assert {"README.md", "requirements.txt", "scripts/train.py", ".github/workflows/ci.yml"} <= set(tracked)
    assert any(p.startswith("src/") and p.count("/") >= 2 for p in tracked)
    assert "| Model | Accuracy |" in (generated / "README.md").read_text()


def test_generated_python_parses_and_notebooks_are_valid_executed_nbformat(generated):
    tracked = git(generated, "ls-files").splitlines()
    python = [p for p in tracked if p.endswith(".py")]
    notebooks = [p for p in tracked if p.endswith(".ipynb")]
    assert python and notebooks
    for rel in python:
        ast.parse((generated / rel).read_bytes(), filename=rel)
    for rel in notebooks:
        nb = nbformat.read(generated / rel, as_version=4)
        nbformat.validate(nb)
        assert any(cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")


def test_generator_gives_the_same_commits_for_the_same_seed(tmp_path, generated):
    again = generate(tmp_path / "again", files=30, commits=6, seed=0)
    other = generate(tmp_path / "other", files=30, commits=6, seed=1)
    assert git(again, "rev-parse", "HEAD") == git(generated, "rev-parse", "HEAD")
    assert git(other, "rev-parse", "HEAD") != git(generated, "rev-parse", "HEAD")


def test_generator_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "keep.txt").write_text("mine\n")
    result = bench("generate.py", str(tmp_path), "--files", "20")
    assert result.returncode == 2
    assert "not an empty folder" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_floor_counts_what_it_read_and_what_did_not_parse(tmp_path):
    repo = tmp_path / "proj"
    make_git_repo(repo, {"ok.py": "x = 1\n", "broken.py": "def f(:\n", "nb.ipynb": "{not json",
                         "good.ipynb": json.dumps({"cells": []}), "README.md": "# demo\n"})
    result = bench("floor.py", str(repo), "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert (figures["files"], figures["read"], figures["python_files"], figures["notebooks"]) == (5, 5, 2, 2)
    assert figures["parse_failures"] == 2
    assert figures["seconds"] >= 0 and figures["bytes_read"] > 0


def test_runner_reports_floor_cold_warm_ratios_and_peak_memory_for_a_repository(generated):
    result = bench("run.py", str(generated), "--repeat", "1", "--json",
                   "--portcheck", f"{sys.executable} -m portcheck.analyzer.cli", timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["machine"]["cpus"] >= 1 and report["help_s"] > 0
    (figures,) = report["repositories"]
    assert figures["head"] == git(generated, "rev-parse", "HEAD")
    assert (figures["files"], figures["commits"], figures["failures"]) == (30, 6, [])
    assert figures["cold_s"] > 0 and figures["warm_s"] > 0 and figures["peak_mib"] > 0
    assert figures["cold_ratio"] == pytest.approx(figures["cold_s"] / figures["floor_s"], rel=0.01)
    assert figures["cold_target_s"] == pytest.approx(1.5 * figures["floor_s"] + 0.5, abs=0.002)


def test_runner_refuses_a_folder_without_git(tmp_path):
    result = bench("run.py", str(tmp_path), "--repeat", "1")
    assert result.returncode == 2
    assert "not a git repository" in result.stderr


def test_parts_names_every_per_file_part_and_the_reading(generated):
    from portcheck.analyzer.facts.codepass import PARTS

    result = bench("parts.py", str(generated), "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert set(figures) == {*PARTS, "reading and parsing", "the whole pass"}
    assert all(seconds >= 0 for seconds in figures.values())
    assert figures["the whole pass"] >= figures["reading and parsing"] > 0
