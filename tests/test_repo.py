"""RepoView: the bounded, symlink-proof view of a repository work tree (real temp folders, no mocks)."""
from __future__ import annotations

import json
import os
import subprocess
import threading
from pathlib import Path

import pytest

from portcheck.analyzer.model import to_plain
from portcheck.analyzer.repo import Limits, RepoFile, RepoView, split_relative


def write(root: Path, rel: str, content: str | bytes = "x\n") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def paths(view: RepoView) -> list[str]:
    return [f.path for f in view.files]


def kinds(view: RepoView) -> list[str]:
    return [n.kind for n in view.notes]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    return root


# ----- symlinks, special files -------------------------------------------------------------------

def test_symlink_to_file_outside_root_is_not_listed_and_its_read_is_refused(tmp_path: Path, repo: Path) -> None:
    secret = write(tmp_path, "secret.txt", "top secret")
    write(repo, "README.md", "# hi\n")
    (repo / "leak.txt").symlink_to(secret)

    view = RepoView(repo)

    assert paths(view) == ["README.md"]
    assert view.read_text("leak.txt") is None
    assert view.notes[-1].kind == "not-regular-file" and view.notes[-1].path == "leak.txt"
    assert view.exists("leak.txt") is False


def test_symlinked_folder_is_neither_entered_nor_read_through(tmp_path: Path, repo: Path) -> None:
    write(tmp_path, "outside/data.csv", "a,b\n")
    (repo / "data").symlink_to(tmp_path / "outside", target_is_directory=True)
    (repo / "loop").symlink_to(".", target_is_directory=True)
    write(repo, "src/a.py", "print(1)\n")
    (repo / "src" / "up").symlink_to("..", target_is_directory=True)

    view = RepoView(repo)

    assert paths(view) == ["src/a.py"]
    assert view.read_text("data/data.csv") is None
    assert view.read_text("loop/src/a.py") is None
    assert view.notes[-1].kind == "not-regular-file"
    assert view.is_dir("data") is False and view.exists("loop/src") is False
    assert view.is_dir("src") is True


def test_fifo_is_not_listed_and_reading_it_returns_at_once(repo: Path) -> None:
    write(repo, "ok.txt")
    os.mkfifo(repo / "pipe")

    view = RepoView(repo)
    result: list[bytes | None] = []
    reader = threading.Thread(target=lambda: result.append(view.read_bytes("pipe")), daemon=True)
    reader.start()
    reader.join(timeout=5)

    assert not reader.is_alive(), "reading a FIFO blocked"
    assert result == [None]
    assert paths(view) == ["ok.txt"]
    assert kinds(view) == ["not-regular-file"]
    assert "FIFO" in view.notes[0].message


def test_reading_a_folder_is_refused(repo: Path) -> None:
    write(repo, "docs/index.md")
    view = RepoView(repo)
    assert view.read_bytes("docs") is None
    assert view.read_bytes("") is None
    assert kinds(view) == ["not-regular-file", "not-regular-file"]


# ----- paths -------------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["/etc/passwd", "../secret.txt", "a/../../secret.txt", "README.md\x00.txt"])
def test_reads_of_paths_that_leave_the_root_are_refused_as_outside_root(tmp_path: Path, repo: Path,
                                                                         bad: str) -> None:
    write(tmp_path, "secret.txt", "top secret")
    write(repo, "README.md")
    view = RepoView(repo)

    assert view.read_bytes(bad) is None
    assert kinds(view) == ["outside-root"]
    json.dumps(to_plain(view.notes))


def test_relative_paths_are_normalised_before_reading(repo: Path) -> None:
    write(repo, "docs/guide.md", "guide")
    view = RepoView(repo)
    assert view.read_text("docs/./x/../guide.md") == "guide"
    assert view.file("./docs//guide.md") == RepoFile(path="docs/guide.md", size=5, tracked=False)
    assert split_relative("a/./b/../c/") == ["a", "c"]
    assert split_relative("..") is None


def test_exists_and_is_dir_for_link_targets(repo: Path) -> None:
    write(repo, "README.md")
    write(repo, "docs/setup.md")
    (repo / "empty").mkdir()
    view = RepoView(repo)

    assert view.exists("../x") is False
    assert view.exists("docs/") is True and view.is_dir("docs/") is True
    assert view.exists("docs/setup.md") is True
    assert view.exists("docs/setup.md/") is False  # a trailing slash asks for a folder
    assert view.exists("docs/../README.md") is True
    assert view.exists("docs/missing.md") is False
    assert view.is_dir("README.md") is False
    assert view.is_dir("empty") is True
    assert view.notes == []  # queries never add notes


def test_missing_file_reads_as_none_without_a_note(repo: Path) -> None:
    write(repo, "README.md")
    view = RepoView(repo)
    assert view.read_text("requirements.txt") is None
    assert view.read_text("README.md/inner") is None
    assert view.notes == []


def test_file_name_that_is_not_utf8_is_skipped_with_a_json_safe_note(repo: Path) -> None:
    write(repo, "good.py")
    with open(os.path.join(os.fsencode(repo), b"bad\xff.py"), "wb") as fh:
        fh.write(b"x")
    view = RepoView(repo)

    assert paths(view) == ["good.py"]
    assert kinds(view) == ["unreadable"]
    assert view.notes[0].path == "bad\\xff.py"
    json.dumps(to_plain(view.notes))


# ----- skipped folders and .gitignore ------------------------------------------------------------

def test_git_venvs_node_modules_and_caches_are_skipped(repo: Path) -> None:
    write(repo, "train.py")
    write(repo, ".git/config", "[core]\n")
    write(repo, "sub/.git", "gitdir: ../.git/modules/sub\n")
    write(repo, "sub/lib.py")
    write(repo, "myenv/pyvenv.cfg", "home = /usr/bin\n")
    write(repo, "myenv/lib/site.py")
    write(repo, "env/bin/activate", "# activate\n")
    write(repo, "env/lib/x.py")
    write(repo, "venv/notes.txt")  # a folder named venv without venv markers is an ordinary folder
    for cache in ("node_modules/pkg/index.js", "src/__pycache__/a.pyc", ".mypy_cache/x", ".pytest_cache/x",
                  ".ruff_cache/x", ".tox/x", ".nox/x", "nb/.ipynb_checkpoints/a.ipynb", ".eggs/x"):
        write(repo, cache)

    view = RepoView(repo)

    assert paths(view) == ["sub/lib.py", "train.py", "venv/notes.txt"]


def test_root_gitignore_nested_gitignore_and_negation_apply(repo: Path) -> None:
    write(repo, ".gitignore", "*.log\n!keep.log\nbuild/\n/data\n")
    write(repo, "run.log")
    write(repo, "keep.log")
    write(repo, "build/out.bin")
    write(repo, "data/raw.csv")
    write(repo, "src/data/loader.py")  # "/data" is anchored at the root
    write(repo, "src/.gitignore", "*.tmp\n!important.tmp\n/local.py\n")
    write(repo, "src/a.tmp")
    write(repo, "src/important.tmp")
    write(repo, "src/local.py")
    write(repo, "src/deep/local.py")   # "/local.py" is anchored at src/
    write(repo, "src/deep/b.tmp")
    write(repo, "src/deep/trace.log")  # the root rule still applies below a nested .gitignore
    write(repo, "other/a.tmp")         # the nested rule does not apply outside its folder

    view = RepoView(repo)

    assert paths(view) == [
        ".gitignore", "keep.log", "other/a.tmp", "src/.gitignore", "src/data/loader.py",
        "src/deep/local.py", "src/important.tmp",
    ]


def test_nested_gitignore_can_reinclude_what_the_root_ignores(repo: Path) -> None:
    write(repo, ".gitignore", "*.csv\n")
    write(repo, "results/.gitignore", "!summary.csv\n")
    write(repo, "results/summary.csv")
    write(repo, "results/raw.csv")
    assert paths(RepoView(repo)) == [".gitignore", "results/.gitignore", "results/summary.csv"]


def test_ignored_but_tracked_files_are_kept_and_marked_tracked(repo: Path) -> None:
    write(repo, ".gitignore", "*.pkl\nartifacts/\n")
    write(repo, "model.pkl", b"\x80\x04")
    write(repo, "scratch.pkl")
    write(repo, "artifacts/metrics.json", "{}")
    write(repo, "artifacts/big/weights.bin")
    write(repo, "artifacts/tmp/x.bin")
    write(repo, "train.py")
    tracked = {".gitignore": 20, "model.pkl": 2, "artifacts/metrics.json": 2, "train.py": 2}

    view = RepoView(repo, tracked=tracked)

    assert [(f.path, f.tracked) for f in view.files] == [
        (".gitignore", True), ("artifacts/metrics.json", True), ("model.pkl", True), ("train.py", True),
    ]
    assert view.file("model.pkl") == RepoFile(path="model.pkl", size=2, tracked=True)


def test_tracked_map_from_a_real_git_repository(repo: Path) -> None:
    write(repo, ".gitignore", "secrets.env\n")
    write(repo, "secrets.env", "TOKEN=1\n")
    write(repo, "main.py")
    write(repo, "untracked.py")
    git = ["git", "-C", str(repo), "-c", "user.name=T", "-c", "user.email=t@example.com",
           "-c", "commit.gpgsign=false"]
    subprocess.run(git + ["init", "-q"], check=True)
    subprocess.run(git + ["add", ".gitignore", "main.py"], check=True)
    subprocess.run(git + ["add", "-f", "secrets.env"], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "init"], check=True)
    listing = subprocess.run(git + ["ls-tree", "-r", "-l", "-z", "HEAD"], check=True,
                             capture_output=True, text=True).stdout
    tracked = {}
    for record in filter(None, listing.split("\0")):
        meta, path = record.split("\t", 1)
        tracked[path] = int(meta.split()[3])

    view = RepoView(repo, tracked=tracked)

    assert [(f.path, f.tracked) for f in view.files] == [
        (".gitignore", True), ("main.py", True), ("secrets.env", True), ("untracked.py", False),
    ]


def test_gitignore_that_is_a_symlink_is_not_applied_and_noted(tmp_path: Path, repo: Path) -> None:
    write(tmp_path, "rules", "*.py\n")
    (repo / ".gitignore").symlink_to(tmp_path / "rules")
    write(repo, "a.py")
    view = RepoView(repo)
    assert paths(view) == ["a.py"]
    assert kinds(view) == ["not-regular-file"]
    assert view.notes[0].path == ".gitignore"


def test_gitignore_that_is_a_fifo_does_not_block_the_walk(repo: Path) -> None:
    os.mkfifo(repo / ".gitignore")
    write(repo, "a.py")
    view = RepoView(repo)
    assert paths(view) == ["a.py"]
    assert kinds(view) == ["not-regular-file"]


def test_invalid_gitignore_patterns_are_skipped_and_the_rest_apply(repo: Path) -> None:
    write(repo, ".gitignore", "*.log\n!\n[z-a]\n")
    write(repo, "x.log")
    write(repo, "x.py")
    view = RepoView(repo)
    assert paths(view) == [".gitignore", "x.py"]
    assert kinds(view) == ["unreadable"]
    assert "2, 3" in view.notes[0].message


# ----- caps --------------------------------------------------------------------------------------

def test_file_cap_stops_listing_keeps_shallow_files_and_is_noted(repo: Path) -> None:
    write(repo, "README.md")
    for i in range(5):
        write(repo, f"a/deep/f{i}.txt")
    view = RepoView(repo, limits=Limits(max_files=3))
    assert paths(view) == ["README.md", "a/deep/f0.txt", "a/deep/f1.txt"]
    assert kinds(view) == ["file-cap"]
    assert view.notes[0].path == "a/deep/f2.txt"


def test_depth_cap_skips_deeper_folders_and_notes_once(repo: Path) -> None:
    write(repo, "top.py")
    write(repo, "a/one.py")
    write(repo, "a/b/two.py")
    write(repo, "a/c/three.py")
    view = RepoView(repo, limits=Limits(max_depth=1))
    assert paths(view) == ["a/one.py", "top.py"]
    assert kinds(view) == ["depth-cap"]
    assert view.notes[0].path == "a/b" and "2 folder(s)" in view.notes[0].message


def test_file_over_the_size_limit_is_refused_and_noted_once(repo: Path) -> None:
    write(repo, "big.csv", "x" * 100)
    write(repo, "small.csv", "x" * 10)
    view = RepoView(repo, limits=Limits(max_file_bytes=50))

    assert [f.size for f in view.files] == [100, 10]  # listed with its size, only the read is refused
    assert view.read_bytes("big.csv") is None
    assert view.read_bytes("big.csv") is None
    assert view.read_bytes("small.csv") == b"x" * 10
    assert kinds(view) == ["file-too-large"]
    assert view.notes[0].path == "big.csv"


def test_per_call_max_bytes_refuses_a_bigger_file(repo: Path) -> None:
    write(repo, "notes.md", "x" * 100)
    view = RepoView(repo)
    assert view.read_text("notes.md", max_bytes=99) is None
    assert view.read_text("notes.md", max_bytes=100) == "x" * 100
    assert kinds(view) == ["file-too-large"]
    assert "caller's read limit of 99" in view.notes[0].message


def test_total_byte_budget_refuses_later_reads_with_one_note(repo: Path) -> None:
    for name in ("a", "b", "c", "d"):
        write(repo, f"{name}.txt", "x" * 40)
    view = RepoView(repo, limits=Limits(max_total_bytes=100))

    assert view.read_bytes("a.txt") is not None
    assert view.read_bytes("b.txt") is not None
    assert view.read_bytes("c.txt") is None
    assert view.read_bytes("d.txt") is None
    assert kinds(view) == ["byte-cap"]
    assert view.notes[0].path == "c.txt"


def test_gitignore_reads_count_against_the_byte_budget(repo: Path) -> None:
    write(repo, ".gitignore", "*.log\n" * 10)  # 60 bytes
    write(repo, "a.txt", "x" * 50)
    view = RepoView(repo, limits=Limits(max_total_bytes=100))
    assert view.read_bytes("a.txt") is None
    assert kinds(view) == ["byte-cap"]


# ----- text and determinism ----------------------------------------------------------------------

def test_non_utf8_text_decodes_with_replacement(repo: Path) -> None:
    write(repo, "latin1.txt", "café".encode("latin-1"))
    write(repo, "bom.txt", b"\xef\xbb\xbfhello")
    view = RepoView(repo)
    assert view.read_text("latin1.txt") == "caf\ufffd"
    assert view.read_text("bom.txt") == "hello"
    assert view.notes == []


def test_with_suffix_is_case_insensitive(repo: Path) -> None:
    for rel in ("a.py", "B.PY", "nb/x.ipynb", "setup.cfg", "happy"):
        write(repo, rel)
    view = RepoView(repo)
    assert [f.path for f in view.with_suffix(".py")] == ["B.PY", "a.py"]
    assert [f.path for f in view.with_suffix(".py", ".ipynb")] == ["B.PY", "a.py", "nb/x.ipynb"]
    assert view.with_suffix() == []


def test_listing_is_sorted_by_path_and_identical_across_walks(repo: Path) -> None:
    for rel in ("z.py", "a.txt", "a/b.py", "A/c.py", "a.b/d.py", "m/n/o.py"):
        write(repo, rel)
    first, second = RepoView(repo), RepoView(repo)
    assert paths(first) == sorted(paths(first))
    assert paths(first) == ["A/c.py", "a.b/d.py", "a.txt", "a/b.py", "m/n/o.py", "z.py"]
    assert first.files == second.files


def test_root_given_through_a_symlink_is_resolved(tmp_path: Path, repo: Path) -> None:
    write(repo, "README.md")
    alias = tmp_path / "alias"
    alias.symlink_to(repo, target_is_directory=True)
    view = RepoView(alias)
    assert view.root == repo.resolve()
    assert paths(view) == ["README.md"]


def test_root_that_is_not_a_folder_raises(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        RepoView(write(tmp_path, "file.txt"))
