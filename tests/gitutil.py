"""Test helpers: build real git repositories deterministically, and snapshot a folder tree.

Every git command here runs with a clean environment (no user or system config, fixed author and
committer, fixed dates), so the same calls give the same commit ids on any machine:

    sha = make_git_repo(tmp_path / "proj", {"README.md": "# demo\\n", "src/train.py": b"print(1)\\n"})
    sha2 = commit_files(tmp_path / "proj", {"src/train.py": None}, message="drop train")  # None deletes

`tree_snapshot(path)` records every entry's lstat mode, mtime and content hash (never opening FIFOs or
following symlinks), to prove a scan left a tree byte-identical.
"""
from __future__ import annotations

import hashlib
import os
import stat
import subprocess
from collections.abc import Mapping
from pathlib import Path

AUTHOR_NAME = "Ada Tester"
AUTHOR_EMAIL = "ada@example.com"
BASE_EPOCH = 1_700_000_000  # commit n (0-based) of a repository is dated BASE_EPOCH + n * 3600

FileContent = bytes | str | None


def git_env(date: int | None = None) -> dict[str, str]:
    """A clean environment for test git commands; `date` (Unix seconds) fixes author and committer dates."""
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": "/nonexistent",
        "LC_ALL": "C",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_AUTHOR_NAME": AUTHOR_NAME,
        "GIT_AUTHOR_EMAIL": AUTHOR_EMAIL,
        "GIT_COMMITTER_NAME": AUTHOR_NAME,
        "GIT_COMMITTER_EMAIL": AUTHOR_EMAIL,
    }
    if date is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"@{date} +0000"
    return env


def git(repo: Path, *args: str, stdin: bytes | None = None, date: int | None = None) -> str:
    """Run `git -C repo ARGS` with the clean environment; return stdout stripped. Fails on error."""
    result = subprocess.run(["git", "-C", str(repo), *args], input=stdin, capture_output=True,
                            env=git_env(date), check=True, timeout=30)
    return result.stdout.decode("utf-8", "surrogateescape").strip()


def write_files(root: Path, files: Mapping[str, FileContent]) -> None:
    """Write `files` (relative POSIX path -> bytes, UTF-8 text, or None to delete) under `root`."""
    for rel, content in files.items():
        target = root / rel
        if content is None:
            target.unlink(missing_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


def commit_count(repo: Path) -> int:
    """Number of commits reachable from HEAD (0 in a repository without commits)."""
    result = subprocess.run(["git", "-C", str(repo), "rev-list", "--count", "HEAD"],
                            check=False, capture_output=True, env=git_env(), timeout=30)
    return int(result.stdout) if result.returncode == 0 else 0


def commit_files(repo: Path, files: Mapping[str, FileContent], *, message: str = "update",
                 date: int | None = None) -> str:
    """Write `files`, stage everything (`git add -A`) and commit; return the new commit id.

    `date` defaults to BASE_EPOCH + 3600 * (commits so far), so histories are deterministic.
    """
    write_files(repo, files)
    when = BASE_EPOCH + 3600 * commit_count(repo) if date is None else date
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "--no-verify", "-m", message, date=when)
    return git(repo, "rev-parse", "HEAD")


def make_git_repo(path: Path, files: Mapping[str, FileContent] | None = None, *,
                  message: str = "initial commit", branch: str = "main",
                  object_format: str = "sha1") -> str | None:
    """Create a repository at `path` on `branch`; with `files`, commit them and return HEAD's id.

    Without `files` the repository has no commits and None is returned. `object_format` may be
    "sha256".
    """
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", branch, f"--object-format={object_format}")
    if files is None:
        return None
    return commit_files(path, files, message=message)


def tree_snapshot(root: Path) -> dict[str, tuple[int, int, str]]:
    """{relative path: (lstat mode, mtime_ns, content digest)} for every entry under `root`.

    Regular files are hashed, symlinks record their target, directories and special files (FIFOs,
    sockets) only their mode and mtime: nothing is followed or opened except regular files.
    """
    top = os.lstat(root)
    snapshot: dict[str, tuple[int, int, str]] = {".": (top.st_mode, top.st_mtime_ns, "")}
    for folder, dirs, names in os.walk(root, followlinks=False):
        for name in dirs + names:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            if stat.S_ISREG(info.st_mode):
                with open(path, "rb") as handle:
                    digest = hashlib.sha256(handle.read()).hexdigest()
            elif stat.S_ISLNK(info.st_mode):
                digest = "-> " + os.readlink(path)
            else:
                digest = ""
            snapshot[os.path.relpath(path, root)] = (info.st_mode, info.st_mtime_ns, digest)
    return snapshot
