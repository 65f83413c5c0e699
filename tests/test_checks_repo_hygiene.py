"""QA130–QA132: large blobs left in history, committed data and model files, .gitignore coverage."""
from __future__ import annotations

from pathlib import Path

from conftest import check_result
from gitutil import commit_files, git, make_git_repo, tree_snapshot, write_files

from portcheck.analyzer.facts.artifacts import DATA_MIN_BYTES, MODEL_MIN_BYTES
from portcheck.analyzer.facts.files import LARGE_FILE_BYTES
from portcheck.analyzer.model import Status
from portcheck.analyzer.scan import scan

BIG = b"\0" * (LARGE_FILE_BYTES + 1)


def result(root: Path, check_id: str):
    return next(r for r in scan(root, select=[check_id]).checks if r.id == check_id)


# ----- QA130 --------------------------------------------------------------------------------------


def test_qa130_warns_about_a_big_blob_deleted_from_head_with_the_history_rewrite(tmp_path: Path) -> None:
    first = make_git_repo(tmp_path, {"data/raw.csv": BIG, "train.py": "print(1)\n"})
    commit_files(tmp_path, {"data/raw.csv": None}, message="drop raw data")
    before = tree_snapshot(tmp_path)
    r = result(tmp_path, "QA130")
    assert r.status is Status.WARN
    assert "1 blob over 10 MiB" in r.message and "data/raw.csv" in r.message
    assert r.evidence[0].path == "data/raw.csv" and first[:10] in (r.evidence[0].excerpt or "")
    assert "git filter-repo --strip-blobs-bigger-than 10M" in (r.fix or "")
    assert "--invert-paths --path data/raw.csv" in (r.fix or "") and "force-push" in (r.fix or "")
    assert tree_snapshot(tmp_path) == before


def test_qa130_leaves_files_still_at_head_to_qa104(tmp_path: Path) -> None:
    make_git_repo(tmp_path, {"model.pt": BIG})
    r = result(tmp_path, "QA130")
    assert r.status is Status.PASS and "objects checked" in r.message


def test_qa130_reports_an_older_version_of_a_file_still_at_head(tmp_path: Path) -> None:
    make_git_repo(tmp_path, {"model.pt": BIG})
    commit_files(tmp_path, {"model.pt": b"small now\n"}, message="shrink")
    r = result(tmp_path, "QA130")
    assert r.status is Status.WARN and "older version of a file still at HEAD" in (r.evidence[0].excerpt or "")


def test_qa130_is_skipped_when_blobs_are_missing_from_a_partial_clone(tmp_path: Path) -> None:
    make_git_repo(tmp_path, {"a.txt": "a\n", "b.txt": "b\n"})
    oid = git(tmp_path, "rev-parse", "HEAD:b.txt")
    (tmp_path / ".git" / "objects" / oid[:2] / oid[2:]).unlink()
    r = result(tmp_path, "QA130")
    assert r.status is Status.SKIP and "1 object of the history is not in this clone's object store" in r.message


def test_qa130_is_skipped_without_git(tmp_path: Path) -> None:
    r = check_result(tmp_path, {"train.py": "print(1)\n"}, "QA130")
    assert r.status is Status.SKIP and "git" in r.message


# ----- QA131 --------------------------------------------------------------------------------------


def test_qa131_warns_with_the_ignore_lines_and_the_dvc_and_lfs_commands(tmp_path: Path) -> None:
    make_git_repo(tmp_path, {"data/train.csv": b"1" * DATA_MIN_BYTES, "src/rf.pkl": b"p" * MODEL_MIN_BYTES,
                             "src/train.py": "print(1)\n"})
    r = result(tmp_path, "QA131")
    assert r.status is Status.WARN
    assert r.message.startswith("1 data file, 1 model file committed: data/train.csv (1.0 MiB)")
    assert [e.path for e in r.evidence] == ["data/train.csv", "src/rf.pkl"]
    fix = r.fix or ""
    assert "git rm --cached data/train.csv src/rf.pkl" in fix and "`/data/`, `*.pkl`" in fix
    assert "`dvc add data/train.csv`" in fix and '`git lfs track "*.pkl"`' in fix


def test_qa131_passes_and_mentions_dvc_when_data_is_kept_outside_git(tmp_path: Path) -> None:
    make_git_repo(tmp_path, {"data/train.csv.dvc": "outs:\n- path: train.csv\n", "data/.gitignore": "/train.csv\n",
                             "data/sample.csv": "a,b\n", "train.py": "print(1)\n"})
    r = result(tmp_path, "QA131")
    assert r.status is Status.PASS and "DVC: data/train.csv.dvc" in r.message
    assert r.talking_point and "versioned outside git" in r.talking_point


def test_qa131_without_git_judges_the_work_tree(tmp_path: Path) -> None:
    r = check_result(tmp_path, {"model.onnx": b"o" * MODEL_MIN_BYTES, "app.py": "print(1)\n"}, "QA131")
    assert r.status is Status.WARN and "in the work tree, not ignored" in r.message


# ----- QA132 --------------------------------------------------------------------------------------


def test_qa132_is_skipped_without_a_root_gitignore_and_nothing_committed_that_belongs_outside(tmp_path: Path) -> None:
    r = check_result(tmp_path, {"train.py": "import torch\n"}, "QA132")
    assert r.status is Status.SKIP and "QA107" in r.message


def test_qa132_lists_the_missing_categories_and_the_exact_lines(tmp_path: Path) -> None:
    r = check_result(tmp_path, {".gitignore": "__pycache__/\n.env\n", "train.py": "import torch\n"}, "QA132")
    assert r.status is Status.WARN
    assert "virtual environments" in r.message and "model weights and checkpoints (the code imports torch)" in r.message
    assert r.fix == ("Append to .gitignore, one per line: `.venv/`, `venv/`, `checkpoints/`, `*.pt`, `*.pth`, "
                     "`*.ckpt`.")
    assert r.evidence[0].path == ".gitignore"


def test_qa132_reports_committed_caches_even_without_a_gitignore(tmp_path: Path) -> None:
    make_git_repo(tmp_path, {"app/main.py": "x = 1\n", "app/__pycache__/main.cpython-312.pyc": b"\0"})
    r = result(tmp_path, "QA132")
    assert r.status is Status.WARN and "1 path that belongs outside git committed: app/__pycache__/" in r.message
    assert r.fix == "Untrack them: `git rm -r --cached app/__pycache__/`."


def test_qa132_passes_with_a_gitignore_that_covers_what_applies(tmp_path: Path) -> None:
    write_files(tmp_path, {".gitignore": ".env\n.venv/\n__pycache__/\n*.pkl\n", "fit.py": "import sklearn\n"})
    make_git_repo(tmp_path, {"README.md": "# r\n"})
    r = result(tmp_path, "QA132")
    assert r.status is Status.PASS
    assert r.message == ".gitignore covers environment files, virtual environments, Python caches, " \
                        "model weights and checkpoints"
