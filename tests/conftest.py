"""Shared fixtures: sample projects copied into temp dirs (with real git history), a scanned report,
and the demo plugin package pip-installed into a temp folder."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gitutil import BASE_EPOCH, git

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_projects"
PLUGIN_SOURCE = Path(__file__).resolve().parent / "plugin_pkg"


@pytest.fixture(autouse=True, scope="session")
def private_cache_folder(tmp_path_factory):
    """Every scan the tests start keeps its report cache in a temporary folder, never in ~/.cache."""
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if previous is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = previous


def copy_sample(name: str, dest: Path, *, with_git: bool = True) -> Path:
    """Copy sample_projects/NAME to DEST/NAME; with_git: `git init` it and commit everything once."""
    target = dest / name
    shutil.copytree(SAMPLES / name, target)
    if with_git:
        git(target, "init", "-q", "-b", "main")
        git(target, "add", "-A", "-f")
        git(target, "commit", "-q", "-m", f"Add the {name} sample project", date=BASE_EPOCH)
    return target


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run `portcheck ARGS` in a subprocess with this interpreter."""
    return subprocess.run([sys.executable, "-m", "portcheck.analyzer.cli", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=300)


@pytest.fixture(scope="session")
def polished_repo(tmp_path_factory) -> Path:
    return copy_sample("polished", tmp_path_factory.mktemp("samples"))


@pytest.fixture(scope="session")
def scanned_report(polished_repo):
    from portcheck.analyzer.scan import scan

    return scan(polished_repo)


@pytest.fixture(scope="session")
def demo_plugin_path(tmp_path_factory) -> Path:
    """The demo plugin (tests/plugin_pkg) installed with pip into a temp folder, like site-packages."""
    work = tmp_path_factory.mktemp("plugin")
    shutil.copytree(PLUGIN_SOURCE, work / "src", ignore=shutil.ignore_patterns("build", "*.egg-info"))
    target = work / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-index", "--no-deps",
                    "--no-build-isolation", "--target", str(target), str(work / "src")],
                   check=True, capture_output=True, timeout=300)
    return target


@pytest.fixture
def demo_plugin(demo_plugin_path, monkeypatch) -> Path:
    """Make the installed demo plugin visible to entry-point discovery for one test."""
    monkeypatch.syspath_prepend(str(demo_plugin_path))
    return demo_plugin_path


def detect_in(root: Path, files: dict, detector):
    """Write `files` under `root`, then run a fact `detector(repo, sources)` over it."""
    from gitutil import write_files

    from portcheck.analyzer.repo import RepoView
    from portcheck.analyzer.sources import Sources

    write_files(root, files)
    repo = RepoView(root)
    return detector(repo, Sources(repo))


def check_result(root: Path, files: dict, check_id: str):
    """Write `files` under `root`, scan it with only `check_id` selected, and return that result."""
    from gitutil import write_files

    from portcheck.analyzer.scan import scan

    root.mkdir(parents=True, exist_ok=True)
    write_files(root, files)
    report = scan(root, select=[check_id])
    return next(r for r in report.checks if r.id == check_id)
