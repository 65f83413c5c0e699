"""Paths out of the repository: links to files and folders outside the root, link loops, links to
devices, FIFOs and a socket, committed in git or left untracked.

Each repository is scanned end to end through the CLI (JSON, HTML and Markdown reports written outside
it) and must leave: exit status 0 or 1 without a traceback, well inside the timeout (nothing blocks), no
text planted outside the root in any report (nothing outside is read), no canary (nothing is run), the
tree byte-identical, the scan's temporary folder empty, and a scan note naming each refused path.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from conftest import run_cli
from gitutil import commit_files, git, make_git_repo, tree_snapshot, write_files

from portcheck.analyzer.repo import MAX_SKIP_NOTES, RepoView

# text planted outside the repository: none of it may reach a report
SECRETS = ("OUTSIDE-README-7f3a", "outsidepkg-9b1c", "OUTSIDE_CODE_4d2e", "OUTSIDE-NOTEBOOK-5e6f", "OUTSIDE_FOLDER_8a9b")
NOTHING_BLOCKS_SECONDS = 60  # a scan of these small repositories takes about a second
REPORTS = {"json": "report.json", "html": "report.html", "markdown": "report.md"}


@dataclass(frozen=True)
class Scanned:
    """One CLI scan: the JSON report, the text of every report written, and how long the scan took."""

    doc: dict
    texts: dict[str, str]
    seconds: float

    def notes_for(self, path: str) -> list[dict]:
        """The scan notes naming `path`."""
        return [note for note in self.doc["scan_notes"] if note.get("path") == path]


def scan_reports(repo: Path, work: Path) -> Scanned:
    """Scan REPO with the CLI from WORK (JSON, HTML and Markdown reports there) and assert the invariants:
    exit status 0 or 1 without a traceback, the tree byte-identical, the temporary folder left empty."""
    out, tmp = work / "out", work / "tmp"
    out.mkdir()
    tmp.mkdir()
    before = tree_snapshot(repo)
    start = time.monotonic()
    proc = run_cli("scan", str(repo), "--format", "json", "-o", str(out / REPORTS["json"]), "--no-progress",
                   "--also", f"html={out / REPORTS['html']}", "--also", f"markdown={out / REPORTS['markdown']}",
                   cwd=out, env={**os.environ, "TMPDIR": str(tmp), "XDG_CACHE_HOME": str(work / "cache")})
    seconds = time.monotonic() - start
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    assert tree_snapshot(repo) == before
    assert os.listdir(tmp) == []
    texts = {kind: (out / name).read_text(encoding="utf-8") for kind, name in REPORTS.items()}
    return Scanned(doc=json.loads(texts["json"]), texts=texts, seconds=seconds)


def plant_outside(root: Path, canary: Path) -> Path:
    """A folder outside any repository holding secret text: a README, requirements, a module that creates
    `canary` when run, a notebook, and a folder with a module."""
    outside = root / "outside"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        f"print('{SECRETS[3]}')", execution_count=1,
        outputs=[nbformat.v4.new_output("stream", name="stdout", text=f"{SECRETS[3]}\n")])])
    write_files(outside, {
        "README.md": f"# {SECRETS[0]}\n\nAccuracy 0.99 on the test set.\n",
        "requirements.txt": f"{SECRETS[1]}==1.0\n",
        "train.py": f"import pathlib\n\n{SECRETS[2]} = 1\npathlib.Path({str(canary)!r}).write_text('ran')\n",
        "analysis.ipynb": nbformat.writes(notebook),
        "folder/module.py": f"{SECRETS[4]} = 'password = hunter2'\n",
    })
    return outside


def bind_socket(path: Path) -> None:
    """Leave a unix socket file at `path` (bound, then closed: the file stays)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.bind(str(path))


# paths of the main repository that are not regular files, each of which a scan must name
COMMITTED_LINKS = {
    "README.md": "../outside/README.md",
    "requirements.txt": "../outside/requirements.txt",
    "src/leak.py": "../../outside/train.py",
    "notebooks/leak.ipynb": "../../outside/analysis.ipynb",
    "data": "../outside/folder",           # a folder outside
    "loop_a": "loop_b",                    # a -> b -> a
    "loop_b": "loop_a",
    "here": ".",                           # a folder linked to itself
    "zeros.py": "/dev/zero",
    "random.py": "/dev/urandom",
}
UNTRACKED_LINKS = {"notes.md": "../outside/README.md", "src/random_too.py": "/dev/urandom"}
FIFOS = ("pipe.py", "src/fifo.txt")
SOCKET = "agent.sock"


@pytest.fixture(scope="module")
def paths_out(tmp_path_factory) -> tuple[Path, Path, Scanned]:
    """The main repository (committed links, untracked links, FIFOs, a socket), scanned once:
    (repository, canary, scan)."""
    root = tmp_path_factory.mktemp("paths")
    canary = root / "canary"
    plant_outside(root, canary)
    repo = root / "repo"
    make_git_repo(repo, {"src/model.py": "from sklearn.linear_model import LogisticRegression\n\nmodel = LogisticRegression()\n"})
    for rel, target in COMMITTED_LINKS.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, repo / rel)
    commit_files(repo, {}, message="add links")
    assert git(repo, "ls-files", "-s", "README.md").startswith("120000")  # committed as a symbolic link
    for rel, target in UNTRACKED_LINKS.items():
        os.symlink(target, repo / rel)
    for rel in FIFOS:
        os.mkfifo(repo / rel)
    bind_socket(repo / SOCKET)
    return repo, canary, scan_reports(repo, root)


def test_every_link_fifo_and_socket_is_refused_and_named_in_a_scan_note(paths_out):
    _, _, scanned = paths_out
    for rel in [*COMMITTED_LINKS, *UNTRACKED_LINKS, *FIFOS, SOCKET]:
        notes = scanned.notes_for(rel)
        assert [note["kind"] for note in notes] == ["not-regular-file"], (rel, scanned.doc["scan_notes"])
        assert rel in notes[0]["message"]
    link = scanned.notes_for("README.md")[0]["message"]
    assert "symbolic link" in link and "not followed" in link
    assert "FIFO" in scanned.notes_for("pipe.py")[0]["message"]
    assert "socket" in scanned.notes_for(SOCKET)[0]["message"]


def test_no_text_from_outside_the_root_reaches_any_report(paths_out):
    _, _, scanned = paths_out
    for kind, text in scanned.texts.items():
        assert [secret for secret in SECRETS if secret in text] == [], kind


def test_refused_paths_count_as_absent(paths_out):
    _, _, scanned = paths_out
    facts = scanned.doc["facts"]
    assert facts["readme"]["present"] is False
    assert "requirements.txt" not in facts["dependencies"]["files"]
    assert facts["notebooks"]["count"] == 0


def test_nothing_outside_is_run_though_the_payload_is_live(paths_out, tmp_path):
    repo, canary, scanned = paths_out
    assert not canary.exists() and scanned.doc["repo"]["commit"] == git(repo, "rev-parse", "HEAD")
    subprocess.run([sys.executable, str(canary.parent / "outside" / "train.py")], check=True, timeout=30)
    assert canary.read_text() == "ran"  # control: the payload does run when Python is given it
    canary.unlink()


def test_scan_never_blocks_on_fifos_or_devices(paths_out):
    assert paths_out[2].seconds < NOTHING_BLOCKS_SECONDS


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "dev-urandom", "outside-file"])
def test_readme_and_module_that_are_fifos_or_links_to_devices_never_block(kind, tmp_path):
    canary = tmp_path / "canary"
    outside = plant_outside(tmp_path, canary)
    repo = tmp_path / "repo"
    make_git_repo(repo, {"src/model.py": "import numpy as np\n"})
    for rel in ("README.md", "train.py"):
        if kind == "fifo":
            os.mkfifo(repo / rel)
        else:
            target = {"dev-zero": "/dev/zero", "dev-urandom": "/dev/urandom", "outside-file": outside / "train.py"}[kind]
            os.symlink(target, repo / rel)
    scanned = scan_reports(repo, tmp_path)
    assert scanned.seconds < NOTHING_BLOCKS_SECONDS
    assert [n["kind"] for n in scanned.notes_for("README.md")] == ["not-regular-file"]
    assert [n["kind"] for n in scanned.notes_for("train.py")] == ["not-regular-file"]
    assert scanned.doc["facts"]["readme"]["present"] is False
    assert not canary.exists()


# ---- the walk's rules for entries it does not list (in process, on RepoView) ----------------------

def test_ignored_links_pass_silently_unless_tracked(tmp_path):
    repo = tmp_path / "repo"
    write_files(repo, {".gitignore": "data\nmodels\n.venv\n", "train.py": "print(1)\n"})
    os.symlink("/mnt/datasets/churn", repo / "data")           # ignored: a usual way to keep data out of git
    os.symlink("/usr", repo / ".venv")                         # ignored
    os.symlink("/usr/lib/node_modules", repo / "node_modules")  # a folder name the walk always skips
    os.symlink("/mnt/models", repo / "models")                 # ignored, but HEAD tracks the link
    os.symlink("/etc/passwd", repo / "shadow.txt")             # neither ignored nor tracked
    view = RepoView(repo, tracked={"models": 11, ".gitignore": 18, "train.py": 9})
    assert sorted(note.path for note in view.notes) == ["models", "shadow.txt"]
    assert [f.path for f in view.files] == [".gitignore", "train.py"]


def test_past_the_note_limit_the_remaining_special_entries_are_counted_in_one_note(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    for number in range(MAX_SKIP_NOTES + 5):
        os.symlink("/etc/hostname", repo / f"link{number:03d}.txt")
    view = RepoView(repo)
    named = [note for note in view.notes if note.path]
    assert len(named) == MAX_SKIP_NOTES and named[0].path == "link000.txt"
    (summary,) = [note for note in view.notes if not note.path]
    assert summary.kind == "not-regular-file" and summary.message.startswith("5 more entries")


def test_reads_through_a_linked_folder_are_refused_and_named(tmp_path):
    plant_outside(tmp_path, tmp_path / "canary")
    repo = tmp_path / "repo"
    repo.mkdir()
    os.symlink(tmp_path / "outside" / "folder", repo / "data")
    view = RepoView(repo)
    assert view.read_bytes("data/module.py") is None and not view.is_dir("data") and not view.exists("data/module.py")
    walked, read = view.notes  # the walk names the link; the refused read names the path asked for
    assert (walked.kind, walked.path, read.kind, read.path) == ("not-regular-file", "data", "not-regular-file", "data/module.py")
    assert read.message.startswith("data is a symbolic link")
