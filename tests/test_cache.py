"""The report cache: an unchanged repository's rescan returns the same report without scanning; any change is a full scan."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import copy_sample, run_cli
from gitutil import commit_files, git, tree_snapshot

import portcheck.analyzer.assemble as assemble_module
import portcheck.analyzer.cache as cache_module
from portcheck.analyzer.cache import ReportCache
from portcheck.analyzer.sandbox import Budget
from portcheck.analyzer.scan import scan
from portcheck.reports.html import render as render_html
from portcheck.reports.json_report import render

SCANNING = "reading git history"  # a progress line only a full scan says


def scan_with(root: Path, cache: ReportCache | None, **options) -> tuple[str, bool]:
    """(JSON report, whether the repository was really scanned)."""
    said: list[str] = []
    report = scan(root, cache=cache, progress=said.append, **options)
    return render(report), SCANNING in said


def cold(root: Path, **options) -> str:
    return render(scan(root, **options))


@pytest.fixture
def repo(tmp_path) -> Path:
    return copy_sample("average", tmp_path)


@pytest.fixture
def cache(tmp_path) -> ReportCache:
    return ReportCache(tmp_path / "cache")


def test_an_unchanged_repository_is_answered_from_the_cache_with_the_same_report(repo, cache):
    first, scanned_first = scan_with(repo, cache)
    second, scanned_second = scan_with(repo, cache)
    assert scanned_first and not scanned_second
    assert second == first == cold(repo)


def test_a_cached_report_renders_the_same_html(repo, cache):
    fresh = scan(repo, cache=cache)
    cached = scan(repo, cache=cache)
    assert render_html(cached) == render_html(fresh)


def test_a_cached_report_names_the_folder_it_was_asked_about(repo, cache, tmp_path):
    scan_with(repo, cache)
    clone = tmp_path / "elsewhere" / "average"
    clone.parent.mkdir()
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    report, scanned = scan_with(clone, cache)
    assert json.loads(report)["repo"]["root"] == str(clone.resolve())
    assert report == cold(clone)


@pytest.mark.parametrize("change", ["edit a read file", "same size edit", "new untracked file", "delete a file",
                                    "new commit", "new branch"])
def test_any_change_means_a_full_scan_equal_to_a_cold_one(repo, cache, change):
    scan_with(repo, cache)
    readme = repo / "README.md"
    if change == "edit a read file":
        readme.write_text(readme.read_text() + "\n## Results\n\n| model | accuracy |\n|---|---|\n| a | 0.9 |\n")
    elif change == "same size edit":
        text = readme.read_text()
        readme.write_text(text.replace("a", "b", 1) if "a" in text else text.upper())
        os.utime(readme, (1, 1))
    elif change == "new untracked file":
        (repo / "tests").mkdir(exist_ok=True)
        (repo / "tests" / "test_model.py").write_text("def test_it():\n    assert 1 + 1 == 2\n")
    elif change == "delete a file":
        (repo / "requirements.txt").unlink()
    elif change == "new commit":
        commit_files(repo, {"NOTES.md": "more\n"}, message="notes")
    elif change == "new branch":
        git(repo, "branch", "experiment")
    report, scanned = scan_with(repo, cache)
    assert scanned
    assert report == cold(repo)


def test_a_changed_configuration_or_option_means_a_full_scan(repo, cache):
    scan_with(repo, cache)
    pyproject = repo / "pyproject.toml"
    pyproject.write_text((pyproject.read_text() if pyproject.exists() else "") + "\n[tool.portcheck]\nignore = ['RD']\n")
    report, scanned = scan_with(repo, cache)
    assert scanned and report == cold(repo)
    report, scanned = scan_with(repo, cache, select=["RP"])
    assert scanned and report == cold(repo, select=["RP"])
    again, scanned = scan_with(repo, cache, select=["RP"])
    assert not scanned and again == report


def test_a_new_portcheck_version_means_a_full_scan(repo, cache, monkeypatch):
    scan_with(repo, cache)
    monkeypatch.setattr(cache_module, "__version__", "99.0.0")
    monkeypatch.setattr(assemble_module, "__version__", "99.0.0")
    report, scanned = scan_with(repo, cache)
    assert scanned and json.loads(report)["tool"]["version"] == "99.0.0"
    assert report == cold(repo)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "other format", "forged digests", "not a file"])
def test_a_corrupt_or_foreign_entry_is_ignored_and_replaced(repo, cache, damage):
    first, _ = scan_with(repo, cache)
    [entry] = cache.directory.glob("*.json")
    document = json.loads(entry.read_text())
    if damage == "garbage":
        entry.write_bytes(os.urandom(4096))
    elif damage == "truncated":
        entry.write_bytes(entry.read_bytes()[:1000])
    elif damage == "empty":
        entry.write_bytes(b"")
    elif damage == "other format":
        entry.write_text(json.dumps({**document, "format": 0}))
    elif damage == "forged digests":  # a report for other content under this repository's name
        document["reads"] = {key: "0" * 40 for key in document["reads"]}
        document["report"] = document["report"].replace('"overall"', '"overall_forged"')
        entry.write_text(json.dumps(document))
    elif damage == "not a file":
        entry.unlink()
        entry.mkdir()
    report, scanned = scan_with(repo, cache)
    assert scanned
    if damage == "not a file":  # the entry cannot be replaced: the report says so, and is otherwise the same
        notes = json.loads(report)["scan_notes"]
        assert [n["kind"] for n in notes if n not in json.loads(first)["scan_notes"]] == ["cache"]
        return
    assert report == first
    _, scanned_again = scan_with(repo, cache)
    assert not scanned_again


def test_a_cache_folder_inside_the_repository_is_not_used_and_nothing_is_written_there(repo):
    before = tree_snapshot(repo)
    report, scanned = scan_with(repo, ReportCache(repo / ".cache"))
    assert scanned and tree_snapshot(repo) == before
    assert any(n["kind"] == "cache" and "inside the repository" in n["message"] for n in json.loads(report)["scan_notes"])


def test_a_scan_with_a_stopped_step_is_not_stored(repo, cache):
    table = "".join(f"v{i}=0\n" for i in range(90_000))  # eight of these take over a second to parse
    commit_files(repo, {f"src/table_{k}.py": table for k in range(8)}, message="generated tables")
    report, _ = scan_with(repo, cache, budget=Budget(step_seconds=0.3))
    assert any(n["kind"] == "step-stopped" for n in json.loads(report)["scan_notes"])
    assert not list(cache.directory.glob("*.json"))


def test_cli_uses_the_users_cache_folder_by_default_and_no_cache_writes_none(repo, tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    result = run_cli(str(repo), "--format", "json", "--no-cache", env=env)
    assert result.returncode in (0, 1) and not (tmp_path / "xdg").exists()
    result = run_cli(str(repo), "--format", "json", env=env)
    assert result.returncode in (0, 1)
    assert len(list((tmp_path / "xdg" / "portcheck").glob("*.json"))) == 1
    mine = tmp_path / "mine"
    result = run_cli(str(repo), "--format", "json", "--cache-dir", str(mine), env=env)
    assert len(list(mine.glob("*.json"))) == 1
