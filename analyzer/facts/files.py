"""File facts: large tracked files (`large_files`), the root `.gitignore` and Docker files (`docker`).

Sizes come from HEAD's tree when there is git history (what a clone would download), else from the
work-tree listing. A blob missing from the object store has no reliable size in the tree (git reports
it as unknown, `size == -1`); its work-tree size is used when the file is there, and it is listed as
of unknown size otherwise, never guessed large.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from ..gitsafe import TreeEntry
from ..model import Evidence
from ..repo import RepoView
from .common import excerpt

LARGE_FILE_BYTES = 10 * 1024 * 1024  # strictly more than this is "large"
_GITLINK_MODE = "160000"  # a submodule commit, not a file of this repository

_DOCKERFILE = re.compile(r"(?:dockerfile|containerfile)(?:[.-][\w.-]+)?|[\w.-]+\.(?:dockerfile|containerfile)",
                         re.IGNORECASE)
_COMPOSE = re.compile(r"(?:docker-compose[\w.-]*|compose(?:\.[\w-]+)?)\.ya?ml", re.IGNORECASE)
_FROM_LINE = re.compile(r"^\s*FROM\s+\S", re.IGNORECASE)
# `Dockerfile.md`, `Dockerfile.dockerignore` and the like are about a Dockerfile, not one.
_NOT_DOCKERFILE_SUFFIXES = (".md", ".rst", ".txt", ".json", ".sh", ".py", ".dockerignore", ".lock")


@dataclass(frozen=True, kw_only=True)
class LargeFile:
    """A tracked file over the size bound; `from_work_tree` when its size was not known from git."""

    path: str
    size: int
    from_work_tree: bool = False

    @property
    def evidence(self) -> Evidence:
        return Evidence(path=self.path, excerpt=f"{self.size} bytes ({self.size / 1048576:.1f} MiB)")


@dataclass(frozen=True, kw_only=True)
class LargeFiles:
    """Tracked files larger than 10 MiB at HEAD (or in the work tree when there is no git history).

    `source` is "git" or "work-tree"; `unknown_size` lists tracked paths whose size could not be
    learned (blob missing from the object store and no work-tree copy).
    """

    files: tuple[LargeFile, ...]
    source: str
    unknown_size: tuple[str, ...] = ()

    def to_schema(self) -> list[str]:
        return sorted(f.path for f in self.files)


def detect_large_files(repo: RepoView, tree: list[TreeEntry] | None) -> LargeFiles:
    """Files over 10 MiB: from HEAD's `tree` sizes when given, else from the work-tree listing."""
    if tree is None:
        found = [LargeFile(path=f.path, size=f.size) for f in repo.files if f.size > LARGE_FILE_BYTES]
        return LargeFiles(files=tuple(sorted(found, key=lambda f: f.path)), source="work-tree")
    found, unknown = [], []
    for entry in tree:
        if entry.mode == _GITLINK_MODE:
            continue
        if entry.size >= 0:
            if entry.size > LARGE_FILE_BYTES:
                found.append(LargeFile(path=entry.path, size=entry.size))
            continue
        on_disk = repo.file(entry.path)
        if on_disk is None:
            unknown.append(entry.path)
        elif on_disk.size > LARGE_FILE_BYTES:
            found.append(LargeFile(path=entry.path, size=on_disk.size, from_work_tree=True))
    return LargeFiles(files=tuple(sorted(found, key=lambda f: f.path)), source="git",
                      unknown_size=tuple(sorted(unknown)))


def detect_gitignore(repo: RepoView) -> Evidence | None:
    """The root `.gitignore`, with its number of rules, or None."""
    if repo.file(".gitignore") is None:
        return None
    applied = repo.ignore_files.get(".gitignore")  # the walk read it once; None when it was refused
    if applied is None:
        return Evidence(path=".gitignore")
    return Evidence(path=".gitignore", excerpt=f"{len(applied.rules)} ignore rule(s)")


def is_docker_file(path: str) -> bool:
    """A Dockerfile (`Dockerfile`, `Dockerfile.gpu`, `api.Dockerfile`, any case) or a Compose file."""
    name = posixpath.basename(path)
    if _COMPOSE.fullmatch(name):
        return True
    return bool(_DOCKERFILE.fullmatch(name)) and not name.lower().endswith(_NOT_DOCKERFILE_SUFFIXES)


def detect_docker(repo: RepoView) -> tuple[Evidence, ...]:
    """Every Dockerfile (any folder) and docker-compose / compose file, sorted by path.

    A Dockerfile's evidence points at its first `FROM` line (the base image), when it can be read.
    """
    found = []
    for f in repo.files:
        if not is_docker_file(f.path):
            continue
        found.append(_from_line(repo, f.path) or Evidence(path=f.path))
    return tuple(found)


def _from_line(repo: RepoView, path: str) -> Evidence | None:
    if _COMPOSE.fullmatch(posixpath.basename(path)):
        return None
    text = repo.read_text(path, max_bytes=256 * 1024)
    if text is None:
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        if _FROM_LINE.match(line):
            return Evidence(path=path, line=number, excerpt=excerpt(line))
    return None
