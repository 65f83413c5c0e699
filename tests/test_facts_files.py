"""File facts: large tracked files (real git repositories), the root .gitignore and Docker files."""
from __future__ import annotations

from pathlib import Path

import pytest
from gitutil import make_git_repo

from portcheck.analyzer.facts.files import (
    LARGE_FILE_BYTES,
    detect_docker,
    detect_gitignore,
    detect_large_files,
    is_docker_file,
)
from portcheck.analyzer.gitsafe import SafeGit, TreeEntry
from portcheck.analyzer.repo import RepoView


def write(root: Path, rel: str, content: bytes | str = b"x") -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)


def sparse(root: Path, rel: str, size: int) -> None:
    """A file of `size` bytes without writing them (fast)."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.truncate(size)


def head_tree(root: Path) -> list[TreeEntry]:
    with SafeGit.open(root) as git:
        return git.tree()


# ----- large files -------------------------------------------------------------------------------

def test_tracked_files_over_ten_mib_at_head_are_large_and_the_bound_is_strict(tmp_path: Path) -> None:
    make_git_repo(tmp_path, {"models/best.pt": b"\0" * (LARGE_FILE_BYTES + 1),
                             "data/exact.bin": b"\0" * LARGE_FILE_BYTES, "train.py": "print(1)\n"})
    facts = detect_large_files(RepoView(tmp_path), head_tree(tmp_path))
    assert facts.source == "git" and facts.to_schema() == ["models/best.pt"]
    assert facts.files[0].size == LARGE_FILE_BYTES + 1 and "MiB" in facts.files[0].evidence.excerpt


def test_with_git_an_untracked_big_file_is_not_large(tmp_path: Path) -> None:
    make_git_repo(tmp_path, {"train.py": "print(1)\n"})
    sparse(tmp_path, "scratch/dump.bin", LARGE_FILE_BYTES * 2)
    assert detect_large_files(RepoView(tmp_path), head_tree(tmp_path)).to_schema() == []


def test_large_file_deleted_from_the_work_tree_is_still_large_at_head(tmp_path: Path) -> None:
    make_git_repo(tmp_path, {"weights.bin": b"\0" * (LARGE_FILE_BYTES + 10)})
    (tmp_path / "weights.bin").unlink()
    assert detect_large_files(RepoView(tmp_path), head_tree(tmp_path)).to_schema() == ["weights.bin"]


def test_without_git_the_work_tree_sizes_decide(tmp_path: Path) -> None:
    sparse(tmp_path, "b/big.csv", LARGE_FILE_BYTES + 1)
    sparse(tmp_path, "a/big.ckpt", LARGE_FILE_BYTES * 3)
    sparse(tmp_path, "small.csv", 100)
    facts = detect_large_files(RepoView(tmp_path), None)
    assert facts.source == "work-tree" and facts.to_schema() == ["a/big.ckpt", "b/big.csv"]


def test_blob_of_unknown_size_uses_the_work_tree_copy_or_is_listed_as_unknown(tmp_path: Path) -> None:
    sparse(tmp_path, "on_disk.pt", LARGE_FILE_BYTES + 1)
    tree = [
        TreeEntry(path="missing.pt", size=-1, oid="1" * 40, mode="100644"),
        TreeEntry(path="on_disk.pt", size=-1, oid="2" * 40, mode="100644"),
        TreeEntry(path="vendor/lib", size=-1, oid="3" * 40, mode="160000"),
    ]
    facts = detect_large_files(RepoView(tmp_path), tree)
    assert facts.to_schema() == ["on_disk.pt"] and facts.files[0].from_work_tree
    assert facts.unknown_size == ("missing.pt",)


def test_empty_history_gives_no_large_files(tmp_path: Path) -> None:
    sparse(tmp_path, "big.bin", LARGE_FILE_BYTES + 1)
    assert detect_large_files(RepoView(tmp_path), []).to_schema() == []


# ----- .gitignore --------------------------------------------------------------------------------

def test_root_gitignore_is_found_with_its_rule_count(tmp_path: Path) -> None:
    write(tmp_path, ".gitignore", "# caches\n__pycache__/\n\n*.pt\n")
    evidence = detect_gitignore(RepoView(tmp_path))
    assert evidence is not None and evidence.path == ".gitignore" and evidence.excerpt == "2 ignore rule(s)"


def test_nested_gitignore_only_is_not_a_root_gitignore(tmp_path: Path) -> None:
    write(tmp_path, "src/.gitignore", "*.log\n")
    assert detect_gitignore(RepoView(tmp_path)) is None


def test_gitignore_symlink_is_not_followed(tmp_path: Path) -> None:
    write(tmp_path.parent, "elsewhere.gitignore", "*.pt\n")
    (tmp_path / ".gitignore").symlink_to(tmp_path.parent / "elsewhere.gitignore")
    assert detect_gitignore(RepoView(tmp_path)) is None


# ----- Docker ------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "Dockerfile", "docker/Dockerfile", "Dockerfile.gpu", "api.Dockerfile", "dockerfile", "Containerfile",
    "docker-compose.yml", "deploy/docker-compose.prod.yaml", "compose.yaml", "compose.override.yml",
])
def test_dockerfiles_and_compose_files_anywhere_are_docker(path: str) -> None:
    assert is_docker_file(path)


@pytest.mark.parametrize("path", [
    "Dockerfile.md", "docs/dockerfile_notes.txt", "docker-compose.txt", "compose.json", "mydockerfile.py",
    "Dockerfile.dockerignore", ".dockerignore",
])
def test_files_about_docker_are_not_docker_files(path: str) -> None:
    assert not is_docker_file(path)


def test_docker_evidence_is_sorted_and_cites_the_base_image(tmp_path: Path) -> None:
    write(tmp_path, "svc/Dockerfile", "# syntax=docker/dockerfile:1\nARG V=3.11\nFROM python:${V}-slim AS base\n")
    write(tmp_path, "docker-compose.yml", "services:\n  api:\n    build: svc\n")
    write(tmp_path, "README.md", "# x\n")
    evidence = detect_docker(RepoView(tmp_path))
    assert [(e.path, e.line, e.excerpt) for e in evidence] == [
        ("docker-compose.yml", None, None), ("svc/Dockerfile", 3, "FROM python:${V}-slim AS base")]


def test_no_docker_files_gives_no_evidence(tmp_path: Path) -> None:
    write(tmp_path, "train.py", "print(1)\n")
    assert detect_docker(RepoView(tmp_path)) == ()


def test_unreadable_dockerfile_is_still_docker(tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", b"\xff\xfe\x00FROM")
    assert [e.path for e in detect_docker(RepoView(tmp_path))] == ["Dockerfile"]


def test_qa104_names_tracked_files_whose_size_is_unknown(tmp_path: Path) -> None:
    from portcheck.checks.quality import large_files

    tree = [TreeEntry(path="weights/best.pt", size=-1, oid="1" * 40, mode="100644")]
    outcome = large_files.func(large_files=detect_large_files(RepoView(tmp_path), tree))
    assert outcome.status.value == "pass"
    assert outcome.message == ("no tracked file is over 10 MiB; 1 tracked file of unknown size (blob missing from "
                               "the object store, e.g. a partial clone): weights/best.pt")
