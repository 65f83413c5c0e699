"""Before a scan: list the repository as a scan would, fingerprint it, and look its report up in the cache.

Kept light on purpose (no detector is imported here): a rescan of an unchanged repository runs only
this, in a sandboxed child (`ProbeJob`), and never loads the checks. `fingerprint`, `RecordingRepoView`
and `open_history` are shared with the full scan (`detect.py`), so both compute the same fingerprint.
"""
from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping, Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from .cache import Fingerprint, Hit, ReportCache, code_digest, digest_of, read_digest, read_key
from .gitsafe import GitRefused, GitUnavailable, SafeGit, TreeEntry
from .model import ScanNote
from .registry import ENTRY_POINT_GROUP, Registry
from .repo import Limits, RepoView
from .sandbox import Channel


def options_digest(*, select: Sequence[str], ignore: Sequence[str], fail_under: int | None,
                   fail_under_area: Mapping[str, int] | None, limits: Limits, registry: Registry | None) -> str:
    """Every option that shapes a report, and the code that may run: portcheck's own and its checks'.

    With no `registry` (the default checks and installed plugins), plugins are identified by their
    entry points and the files of their modules, without importing anything.
    """
    if registry is None:
        checks: list[Any] = ["installed", _installed_plugins()]
        modules: list[str] = []
    else:
        checks = sorted([c.id, c.func.__module__, c.origin] for c in registry.checks.values())
        modules = sorted({row[1] for row in checks})
        checks.append([repr(n) for n in registry.notes])
    return digest_of([list(select), list(ignore), fail_under, dict(fail_under_area or {}), repr(limits), checks,
                      code_digest(modules)])


def _installed_plugins() -> list[list[Any]]:
    rows = []
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: (e.name, e.value)):
        origin, stamp = None, None
        try:
            spec = importlib.util.find_spec(ep.value.split(":")[0].strip())
            origin = spec.origin if spec is not None else None
            if origin:
                info = os.stat(origin)
                stamp = [info.st_size, info.st_mtime_ns]
        except (ImportError, ValueError, OSError):
            pass
        rows.append([ep.name, ep.value, ep.dist.version if ep.dist else None, origin, stamp])
    return rows


class RecordingRepoView(RepoView):
    """A repository view that remembers the digest of every read it answered, for the report cache."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reads: dict[str, str] = {}

    def read_bytes(self, path: str, max_bytes: int | None = None) -> bytes | None:
        data = super().read_bytes(path, max_bytes)
        self.reads[read_key(path, max_bytes)] = read_digest(data)
        return data


def fingerprint(options: str, repo: RepoView, git: SafeGit | None, git_reason: str) -> Fingerprint:
    """The fingerprint of a freshly listed repository (call before anything is read from it)."""
    listing = digest_of([[f.path, f.size, f.tracked] for f in repo.files] + [repr(n) for n in repo.notes])
    refs = f"{git.head}:{git.refs_digest}" if git is not None else f"no git: {git_reason}"
    return Fingerprint(options=options, listing=listing, refs=refs)


class ProbeJob:
    """The sandboxed cache probe: list the repository as a scan would and look its report up."""

    def __init__(self, root: Path, limits: Limits, options: str, cache: ReportCache) -> None:
        self.root, self.limits, self.options, self.cache = root, limits, options, cache

    def __call__(self, channel: Channel, known: Mapping[str, Any]) -> None:
        if "probe" in known:  # an earlier child broke on it: a miss
            return
        channel.started("probe")
        channel.progress("looking for an unchanged earlier scan")
        git, tree, git_reason = open_history(self.root, [])
        try:
            repo = RepoView(self.root, tracked={e.path: e.size for e in tree} if tree is not None else None,
                            limits=self.limits)
            found: Hit | None = self.cache.lookup(fingerprint(self.options, repo, git, git_reason),
                                                  repo.read_bytes)
        finally:
            if git is not None:
                git.close()
        channel.finished("probe", found)


def open_history(root: Path, notes: list[ScanNote]) -> tuple[SafeGit | None, list[TreeEntry] | None, str]:
    """(git, HEAD's tree, why there is no git): a refused, missing or unreadable history is noted and left out."""
    try:
        git = SafeGit.open(root)
    except GitRefused as exc:
        notes.append(ScanNote(kind="git-refused", message=f"git history not read: {exc}", path=".git"))
        return None, None, f"git history was refused: {exc}"
    except GitUnavailable as exc:
        notes.append(ScanNote(kind="git-unavailable", message=f"no git history: {exc}"))
        return None, None, f"no git history: {exc}"
    try:
        return git, (git.tree() if git.head else None), ""
    except GitUnavailable as exc:  # e.g. a corrupt object database: scan the work tree without history
        git.close()
        notes.append(ScanNote(kind="git-unavailable", message=f"no git history: HEAD's files could not be listed: {exc}",
                              path=".git"))
        return None, None, f"no git history: HEAD's files could not be listed: {exc}"
