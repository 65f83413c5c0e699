"""Repository hygiene facts: big blobs in history, committed data and model files, .gitignore coverage."""
from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from gitutil import commit_files, git, make_git_repo, write_files

from portcheck.analyzer.detect import CORE_PROVIDERS
from portcheck.analyzer.facts import FACT_PROVIDERS
from portcheck.analyzer.facts.artifacts import DATA_MIN_BYTES, MODEL_MIN_BYTES, artifact_kind
from portcheck.analyzer.facts.files import LARGE_FILE_BYTES
from portcheck.analyzer.gitsafe import GitUnavailable, SafeGit
from portcheck.analyzer.inputs import InputAbsent, Inputs
from portcheck.analyzer.repo import RepoView

BIG = b"\0" * (LARGE_FILE_BYTES + 1)
LFS_POINTER = (b"version https://git-lfs.github.com/spec/v1\n"
               b"oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345678\n")


def facts_of(root: Path, name: str) -> Any:
    """The input `name` for the repository at `root`, computed as a scan computes it (git when present)."""
    with ExitStack() as stack:
        try:
            safe: SafeGit | None = SafeGit.open(root)
            stack.callback(safe.close)
        except GitUnavailable:
            safe = None
        tree = safe.tree() if safe is not None and safe.head else None
        repo = RepoView(root, tracked={e.path: e.size for e in tree} if tree is not None else None)
        given: dict[str, Any] = {"repo": repo, "tree": tree, **({"git": safe} if safe is not None else {})}
        inputs = Inputs({**CORE_PROVIDERS, **FACT_PROVIDERS}, given)
        if safe is None:
            inputs.mark_absent("git", "no git")
        return inputs.get(name)


# ----- history_blobs ------------------------------------------------------------------------------


def test_history_blobs_tell_removed_blobs_from_ones_at_head_and_older_versions(tmp_path: Path) -> None:
    first = make_git_repo(tmp_path, {"data/raw.csv": BIG, "model.pt": BIG + b"v1", "keep.bin": BIG + b"k"})
    commit_files(tmp_path, {"data/raw.csv": None, "model.pt": BIG + b"v2"}, message="drop raw, retrain")
    blobs = {(b.blob.path, b.at_head, b.path_at_head) for b in facts_of(tmp_path, "history_blobs").blobs}
    assert blobs == {("data/raw.csv", False, False), ("model.pt", False, True), ("model.pt", True, True),
                     ("keep.bin", True, True)}
    removed = facts_of(tmp_path, "history_blobs").removed
    raw = next(b for b in removed if b.blob.path == "data/raw.csv")
    assert raw.blob.commit == first and f"added in {first[:10]}" in (raw.evidence.excerpt or "")
    assert "no longer at HEAD" in (raw.evidence.excerpt or "")


def test_history_blobs_are_absent_without_commits(tmp_path: Path) -> None:
    make_git_repo(tmp_path)
    with pytest.raises(InputAbsent, match="no commits"):
        facts_of(tmp_path, "history_blobs")


def test_history_blobs_are_incomplete_when_blobs_are_missing_from_the_store(tmp_path: Path) -> None:
    make_git_repo(tmp_path, {"a.txt": "a\n", "b.txt": "b\n"})
    oid = git(tmp_path, "rev-parse", "HEAD:b.txt")
    (tmp_path / ".git" / "objects" / oid[:2] / oid[2:]).unlink()
    facts = facts_of(tmp_path, "history_blobs")
    assert facts.missing == 1 and not facts.complete and facts.removed == ()


# ----- artifacts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "kind"), [
    ("data/train.csv", ("data", ".csv")), ("x/TRAIN.PARQUET", ("data", ".parquet")),
    ("dump.csv.gz", ("data", ".csv.gz")), ("bundle.tar.gz", ("archive", ".tar.gz")),
    ("m/best.ckpt", ("model", ".ckpt")), ("hf/pytorch_model-00001-of-00002.bin", ("model", ".bin")),
    ("firmware.bin", None), ("notes.txt", None), ("train.py", None), (".pkl", None),
])
def test_artifact_kind_is_judged_by_name(path: str, kind: tuple[str, str] | None) -> None:
    assert artifact_kind(path) == kind


def test_data_from_1_mib_and_models_from_100_kib_are_committed_artifacts(tmp_path: Path) -> None:
    make_git_repo(tmp_path, {
        "data/train.csv": b"1" * DATA_MIN_BYTES, "data/sample.csv": b"1" * (DATA_MIN_BYTES - 1),
        "src/train.py": "print(1)\n", "src/rf.pkl": b"p" * MODEL_MIN_BYTES,
        "src/scaler.pkl": b"p" * (MODEL_MIN_BYTES - 1), "release.zip": b"z" * DATA_MIN_BYTES,
    })
    facts = facts_of(tmp_path, "artifacts")
    assert facts.source == "git"
    assert [(a.path, a.kind) for a in facts.files] == [
        ("data/train.csv", "data"), ("release.zip", "archive"), ("src/rf.pkl", "model")]


def test_each_artifact_gets_the_ignore_line_and_the_dvc_or_lfs_command_that_fixes_it(tmp_path: Path) -> None:
    make_git_repo(tmp_path, {
        "data/raw/train.csv": b"1" * DATA_MIN_BYTES, "data/README.md": "# data\n",
        "models/yolo.py": "class Net: ...\n", "models/best.pt": b"w" * MODEL_MIN_BYTES,
        "src/lookup.csv": b"1" * DATA_MIN_BYTES, "src/app.py": "print(1)\n",
        "notebooks/data/x.parquet": b"1" * DATA_MIN_BYTES, "notebooks/eda.ipynb": "{}",
    })
    fixes = {a.path: (a.ignore_line, a.keep_with) for a in facts_of(tmp_path, "artifacts").files}
    assert fixes == {
        "data/raw/train.csv": ("/data/", "dvc add data/raw/train.csv"),
        "models/best.pt": ("*.pt", 'git lfs track "*.pt"'),
        "notebooks/data/x.parquet": ("notebooks/data/", "dvc add notebooks/data/x.parquet"),
        "src/lookup.csv": ("/src/lookup.csv", "dvc add src/lookup.csv"),
    }


def test_lfs_pointers_dvc_files_fixtures_and_committed_environments_are_not_artifacts(tmp_path: Path) -> None:
    make_git_repo(tmp_path, {
        "weights/best.pt": LFS_POINTER, ".gitattributes": "*.pt filter=lfs diff=lfs merge=lfs -text\n",
        "data/train.csv": b"1" * DATA_MIN_BYTES, "data/train.csv.dvc": "outs:\n- path: train.csv\n",
        "raw/big.parquet": b"1" * DATA_MIN_BYTES, "raw.dvc": "outs:\n- path: raw\n",
        "tests/fixtures/tiny_model.onnx": b"o" * MODEL_MIN_BYTES,
        "venv/pyvenv.cfg": "home = /usr/bin\n",
        "venv/lib/python3.11/site-packages/scipy/boost.npz": b"1" * DATA_MIN_BYTES,
        "data/test/labels.csv": b"1" * DATA_MIN_BYTES,
    })
    facts = facts_of(tmp_path, "artifacts")
    assert [a.path for a in facts.files] == ["data/test/labels.csv"]
    assert facts.dvc_files == ("data/train.csv.dvc", "raw.dvc") and facts.lfs_patterns == ("*.pt",)


def test_without_git_an_lfs_rule_exempts_the_work_tree_copy(tmp_path: Path) -> None:
    write_files(tmp_path, {"a/best.pt": b"w" * MODEL_MIN_BYTES, "b/best.ckpt": b"w" * MODEL_MIN_BYTES,
                           "a/.gitattributes": "*.pt filter=lfs\n"})
    facts = facts_of(tmp_path, "artifacts")
    assert facts.source == "work-tree" and [a.path for a in facts.files] == ["b/best.ckpt"]


def test_an_lfs_rule_added_after_the_commit_does_not_hide_the_blob_git_stores(tmp_path: Path) -> None:
    make_git_repo(tmp_path, {"best.pt": b"w" * MODEL_MIN_BYTES})
    commit_files(tmp_path, {".gitattributes": "*.pt filter=lfs\n"}, message="track with lfs")
    (found,) = facts_of(tmp_path, "artifacts").files
    assert found.path == "best.pt" and found.lfs_rule


def test_an_artifact_committed_before_its_ignore_rule_is_marked_ignored(tmp_path: Path) -> None:
    make_git_repo(tmp_path, {"out/model.h5": b"h" * MODEL_MIN_BYTES, "out/log.py": "x = 1\n",
                             "big.feather": b"f" * DATA_MIN_BYTES})
    commit_files(tmp_path, {".gitignore": "*.h5\n"}, message="ignore weights")
    facts = facts_of(tmp_path, "artifacts")
    assert [(a.path, a.ignored) for a in facts.files] == [("big.feather", False), ("out/model.h5", True)]
    assert facts.ignore_lines == ("/big.feather",)
    assert "already ignored" in (facts.files[1].evidence.excerpt or "")


# ----- ignore rules -------------------------------------------------------------------------------


def test_ignore_rules_follow_git_folders_negations_and_nested_files(tmp_path: Path) -> None:
    write_files(tmp_path, {".gitignore": "build/\n*.log\n!keep.log\n/data/*\n!data/.gitkeep\n",
                           "sub/.gitignore": "secret.txt\n", "sub/a.py": "", "data/.gitkeep": ""})
    rules = facts_of(tmp_path, "ignore_rules")
    assert rules.files == (".gitignore", "sub/.gitignore")
    assert rules.ignores("x/build/out.bin") and rules.ignores("a.log") and not rules.ignores("keep.log")
    assert rules.ignores("data/train.csv") and not rules.ignores("data/.gitkeep")
    assert rules.ignores("sub/secret.txt") and not rules.ignores("secret.txt")
    assert rules.patterns == ("build/", "*.log", "/data/*", "secret.txt")


# ----- ignore coverage ----------------------------------------------------------------------------

FULL_IGNORE = ".env\n.venv/\nvenv/\n__pycache__/\n.ipynb_checkpoints/\ncheckpoints/\n*.pt\n/data/\n"


def _coverage(tmp_path: Path, files: dict[str, Any]) -> dict[str, Any]:
    """Commit `files` (the `.gitignore` last, so it does not keep any of them out) and judge coverage."""
    make_git_repo(tmp_path, {path: content for path, content in files.items() if path != ".gitignore"})
    commit_files(tmp_path, {".gitignore": files[".gitignore"]}, message="ignore rules")
    facts = facts_of(tmp_path, "ignore_coverage")
    return {c.name: c for c in facts.categories}


def test_a_complete_gitignore_covers_every_category_that_applies(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    cats = _coverage(tmp_path, {".gitignore": FULL_IGNORE, "src/train.py": "import torch\n",
                                "nb/eda.ipynb": "{}"})
    assert list(cats) == ["environment files", "virtual environments", "Python caches", "notebook checkpoints",
                          "model weights and checkpoints", "data"]
    assert all(c.covered and not c.lines and not c.committed for c in cats.values())


def test_categories_that_do_not_apply_are_not_judged(tmp_path: Path) -> None:
    cats = _coverage(tmp_path, {".gitignore": "*.tmp\n", "README.md": "# r\n", "report.py": "import json\n"})
    assert set(cats) == {"environment files", "virtual environments", "Python caches"}


def test_missing_categories_list_the_lines_to_append(tmp_path: Path) -> None:
    make_git_repo(tmp_path, {".gitignore": "__pycache__/\n", "train.py": "import sklearn\nimport torch\n"})
    write_files(tmp_path, {"data/raw.csv": "a,b\n"})  # untracked: not a committed sample
    facts = facts_of(tmp_path, "ignore_coverage")
    assert [c.name for c in facts.missing] == ["environment files", "virtual environments",
                                               "model weights and checkpoints", "data"]
    assert facts.missing_lines == (".env", ".venv/", "venv/", "checkpoints/", "*.pkl", "*.joblib", "*.pt",
                                   "*.pth", "*.ckpt", "/data/")


def test_a_small_committed_data_sample_is_not_demanded_to_be_ignored(tmp_path: Path) -> None:
    cats = _coverage(tmp_path, {".gitignore": "*.tmp\n", "data/iris.csv": "a,b\n1,2\n", "run.py": "x = 1\n"})
    assert "data" not in cats


def test_weights_rules_scoped_to_one_folder_count_as_coverage(tmp_path: Path) -> None:
    cats = _coverage(tmp_path, {".gitignore": "exp/models/*.joblib\n", "exp/train.py": "import sklearn\n"})
    assert cats["model weights and checkpoints"].covered


def test_committed_caches_checkpoints_and_env_files_are_listed_by_folder(tmp_path: Path) -> None:
    cats = _coverage(tmp_path, {
        ".gitignore": FULL_IGNORE, "app/main.py": "x = 1\n", "app/__pycache__/main.cpython-312.pyc": b"\0",
        "app/__pycache__/util.cpython-312.pyc": b"\0", ".ipynb_checkpoints/eda-checkpoint.ipynb": "{}",
        "eda.ipynb": "{}", ".env": "KEY=1\n", "deploy/.env": "COMPOSE_PROJECT_NAME=x\n",
        "deploy/docker-compose.yml": "services: {}\n"})
    assert cats["Python caches"].committed == ("app/__pycache__/",)
    assert cats["notebook checkpoints"].committed == (".ipynb_checkpoints/",)
    assert cats["environment files"].committed == (".env",)


def test_a_virtual_environment_in_the_folder_must_itself_be_ignored(tmp_path: Path) -> None:
    write_files(tmp_path, {"env/pyvenv.cfg": "home = /usr/bin\n"})
    cats = _coverage(tmp_path, {".gitignore": ".venv/\nvenv/\n", "main.py": "x = 1\n"})
    venv = cats["virtual environments"]
    assert not venv.covered and venv.lines == ("env/",) and venv.reason == "env/ is here"


def test_a_committed_virtual_environment_is_reported(tmp_path: Path) -> None:
    cats = _coverage(tmp_path, {".gitignore": "*.tmp\n", "main.py": "x = 1\n",
                                "myenv/pyvenv.cfg": "home = /usr/bin\n",
                                "myenv/lib/python3.11/site-packages/six.py": "x = 1\n"})
    assert cats["virtual environments"].committed == ("myenv/",)
    assert cats["Python caches"].committed == ()


def test_a_model_file_of_unknown_size_is_reported_and_a_data_file_is_not(tmp_path: Path) -> None:
    make_git_repo(tmp_path, {"Best.pt": b"w" * 10, "big.csv": b"1" * 10, "train.py": "print(1)\n"})
    for name in ("Best.pt", "big.csv"):
        oid = git(tmp_path, "rev-parse", f"HEAD:{name}")
        (tmp_path / ".git" / "objects" / oid[:2] / oid[2:]).unlink()
        (tmp_path / name).unlink()
    (found,) = facts_of(tmp_path, "artifacts").files
    assert (found.path, found.size) == ("Best.pt", -1) and "size unknown" in (found.evidence.excerpt or "")


def test_ignore_rules_are_the_ones_the_walk_applied_not_a_second_read(tmp_path):
    from portcheck.analyzer.facts.artifacts import load_ignore_rules
    from portcheck.analyzer.repo import RepoView

    (tmp_path / "sub").mkdir()
    (tmp_path / ".gitignore").write_text("# caches\n*.pkl\n!keep.pkl\n")
    (tmp_path / "sub" / ".gitignore").write_text("data/\n")
    repo = RepoView(tmp_path)
    rules = load_ignore_rules(repo)
    assert rules.files == (".gitignore", "sub/.gitignore")
    assert [spec for _, spec in rules.chain] == [repo.ignore_files[".gitignore"].spec, repo.ignore_files["sub/.gitignore"].spec]
    assert rules.patterns == ("*.pkl", "data/")
    assert rules.ignores("model.pkl") and not rules.ignores("keep.pkl") and rules.ignores("sub/data/x.csv")
