"""A past commit of a repository, materialised into a temporary folder so it can be scanned as it was.

`scan_revision(root, "v1.0")` reads the commit through the hardened git access only (`SafeGit`: the
repository's `.git` is inspected, never handed to git, and its work tree is never touched), writes the
commit's files into a fresh temporary folder outside the repository, scans that folder and removes it.

What the snapshot holds, and what it leaves out (each left-out kind becomes one scan note):

* Regular files (modes 100644 and 100755), with their bytes. A blob over the scan's per-file read bound
  (`Limits.max_file_bytes`, 10 MiB) is written as a sparse placeholder of the same size: a scan never
  reads such a file, only its size, so size-based checks (large files, committed artifacts) judge the
  commit correctly without copying gigabytes.
* Not materialised: symbolic links (mode 120000, as a scan never follows one anyway), gitlinks
  (submodules: another repository's commit, no content here), blobs missing from the object store
  (partial clones), paths a checkout could not hold safely (a `.git`, `.` or `..` component), files past
  the snapshot's file or byte cap, and paths the file system refuses (too long, a name clash).
* No git history: the folder has no `.git`. History-based checks (`history_checks`) cannot judge a
  snapshot, so a comparison should leave them out of both scans, as `portcheck diff --since` does.
  Without HEAD's tracked-file list, the scan also applies the commit's `.gitignore` files to its own
  tracked files: a file the commit tracked inside an ignored folder is not seen.
"""
from __future__ import annotations

import dataclasses
import inspect
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .gitsafe import CommitTree, GitUnavailable, SafeGit, TreeEntry
from .model import Report, ScanNote
from .registry import Registry
from .repo import Limits

HISTORY_INPUTS = frozenset({"git", "history"})
_REGULAR_MODES = {"100644": 0o644, "100755": 0o755, "100664": 0o644}
_SYMLINK_MODE = "120000"
_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_EXAMPLES = 5  # paths named in a note before "and N more"


@dataclass(frozen=True, kw_only=True)
class Snapshot:
    """A commit's files in a temporary folder: `root` (named like the repository's folder), the
    commit's full id, the revision as the user named it, how many files were written (placeholders
    included), and a scan note per kind of entry that was left out or written as a placeholder."""

    root: Path
    commit: str
    rev: str
    files: int
    notes: tuple[ScanNote, ...]


@dataclass
class _Leftovers:
    """Paths of one kind that the snapshot did not materialise (or wrote as placeholders)."""

    kind: str
    what: str
    paths: list[str] = dataclasses.field(default_factory=list)

    def note(self) -> ScanNote | None:
        if not self.paths:
            return None
        shown = ", ".join(_printable(p) for p in self.paths[:_EXAMPLES])
        more = f" and {len(self.paths) - _EXAMPLES} more" if len(self.paths) > _EXAMPLES else ""
        return ScanNote(kind=self.kind, message=f"{self.what} ({len(self.paths)}): {shown}{more}",
                        path=_printable(self.paths[0]))


def _printable(path: str) -> str:
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _safe_parts(path: str) -> list[str] | None:
    """The components of a tree path a checkout can hold safely, or None (`.`, `..`, `.git`, empty)."""
    parts = path.split("/")
    if any(not part or part in (".", "..") or part.casefold() == ".git" or "\x00" in part for part in parts):
        return None
    return parts


def _write_file(root: Path, parts: list[str], data: bytes | None, size: int, mode: int) -> None:
    """Create `root/parts` as a new regular file with `data`, or sparse of `size` bytes when data is None."""
    target = root.joinpath(*parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, _WRITE_FLAGS, mode)
    try:
        if data is None:
            os.ftruncate(fd, size)
        else:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def materialise(git: SafeGit, tree: CommitTree, destination: Path, *, rev: str,
                limits: Limits | None = None) -> Snapshot:
    """Write the files of `tree` (from `git.tree_at(rev)`) into `destination`, a folder that must not
    exist yet; return what was written and notes on what was not (see the module documentation)."""
    limits = limits or Limits()
    destination.mkdir(mode=0o700)
    left = {kind: _Leftovers(kind, what) for kind, what in (
        ("snapshot-symlink", "symbolic links not materialised in the snapshot, as a scan never follows one"),
        ("snapshot-submodule", "submodules (gitlinks) not materialised in the snapshot"),
        ("snapshot-missing-blob", "files whose content is missing from the object store, not materialised"),
        ("snapshot-unsafe-path", "paths a checkout cannot hold safely (., .. or .git), not materialised"),
        ("snapshot-placeholder", f"files over {limits.max_file_bytes // (1024 * 1024)} MiB written as "
                                 "size-only placeholders (a scan reads only their size)"),
        ("snapshot-cap", f"files past the snapshot's cap ({limits.max_files} files, "
                         f"{limits.max_total_bytes // (1024 * 1024)} MiB), not materialised"),
        ("snapshot-write-failed", "files the file system refused (name too long or clashing), not materialised"),
    )}
    left["snapshot-submodule"].paths.extend(tree.gitlinks)
    wanted: list[tuple[TreeEntry, list[str], int]] = []
    for entry in tree.entries:
        parts = _safe_parts(entry.path)
        if entry.mode == _SYMLINK_MODE:
            left["snapshot-symlink"].paths.append(entry.path)
        elif parts is None or entry.mode not in _REGULAR_MODES:
            left["snapshot-unsafe-path"].paths.append(entry.path)
        elif entry.size < 0:
            left["snapshot-missing-blob"].paths.append(entry.path)
        else:
            wanted.append((entry, parts, _REGULAR_MODES[entry.mode]))
    planned: list[tuple[TreeEntry, list[str], int, bool]] = []  # (entry, parts, mode, placeholder)
    budget = limits.max_total_bytes
    for entry, parts, mode in wanted:
        placeholder = entry.size > limits.max_file_bytes
        if len(planned) >= limits.max_files or (not placeholder and entry.size > budget):
            left["snapshot-cap"].paths.append(entry.path)
            continue
        planned.append((entry, parts, mode, placeholder))
        budget -= 0 if placeholder else entry.size
    contents = git.read_blobs([entry.oid for entry, _, _, placeholder in planned if not placeholder],
                              limits.max_file_bytes)
    written = 0
    for entry, parts, mode, placeholder in planned:
        data = None if placeholder else next(contents)[1]
        if data is None and not placeholder:
            left["snapshot-missing-blob"].paths.append(entry.path)
            continue
        try:
            _write_file(destination, parts, data, entry.size, mode)
        except OSError:
            left["snapshot-write-failed"].paths.append(entry.path)
            continue
        if placeholder:
            left["snapshot-placeholder"].paths.append(entry.path)
        written += 1
    notes = tuple(note for group in left.values() if (note := group.note()) is not None)
    return Snapshot(root=destination, commit=tree.commit, rev=rev, files=written, notes=notes)


@contextmanager
def open_snapshot(root: Path, rev: str, *, limits: Limits | None = None) -> Iterator[Snapshot]:
    """The commit `rev` of the repository at `root`, materialised in a fresh temporary folder outside it
    for the duration of the `with` block (removed afterwards).

    GitUnavailable (its message fit for one line) when `root` has no usable git history, its `.git` is
    refused, `rev` names no commit, or the temporary folder lies inside the repository.
    """
    root = root.resolve()
    if Path(tempfile.gettempdir()).resolve().is_relative_to(root):
        raise GitUnavailable("the temporary folder lies inside the repository (set TMPDIR elsewhere)")
    with SafeGit.open(root) as git:
        tree = git.tree_at(rev)
        workspace = Path(tempfile.mkdtemp(prefix="portcheck-snapshot-"))
        try:
            yield materialise(git, tree, workspace / (root.name or "repository"), rev=rev, limits=limits)
        finally:
            shutil.rmtree(workspace, ignore_errors=True)


def history_checks(registry: Registry, providers: Mapping[str, Callable[..., object]] | None = None
                   ) -> tuple[str, ...]:
    """Ids of the checks that need git history: those asking, directly or through the input providers
    they ask for (by default the scan's own), for `git` or `history`, and those requiring such a check;
    sorted."""
    if providers is None:
        from .detect import CORE_PROVIDERS
        from .facts import FACT_PROVIDERS

        providers = {**CORE_PROVIDERS, **FACT_PROVIDERS}
    needs: dict[str, bool] = {}

    def needs_history(name: str, seen: frozenset[str] = frozenset()) -> bool:
        if name in HISTORY_INPUTS:
            return True
        if name not in needs:
            provider = providers.get(name)
            params = inspect.signature(provider).parameters if provider is not None and name not in seen else {}
            needs[name] = any(needs_history(p, seen | {name}) for p in params)
        return needs[name]

    found = {c.id for c in registry.checks.values() if any(needs_history(i) for i in c.inputs)}
    grew = True
    while grew:
        more = {c.id for c in registry.checks.values() if found.intersection(c.requires)} - found
        found |= more
        grew = bool(more)
    return tuple(sorted(found))


def scan_revision(root: Path, rev: str, *, ignore: Iterable[str] = (), registry: Registry | None = None,
                  progress: Callable[[str], None] | None = None, limits: Limits | None = None) -> Report:
    """Scan the commit `rev` of the repository at `root` from a snapshot (see `open_snapshot`).

    The report names `root` and the commit's full id; its scan notes say it came from a snapshot and
    list what the snapshot left out (the scan's own "no git history" note is replaced by that).
    """
    from .scan import scan

    with open_snapshot(root, rev, limits=limits) as snap:
        report = scan(snap.root, ignore=ignore, registry=registry, progress=progress, limits=limits)
    origin = ScanNote(kind="snapshot", message=(
        f"scanned from a snapshot of {_printable(rev)} ({snap.commit[:7]}): the commit's {snap.files} files "
        "without git history, so history-based checks could not run"))
    kept = tuple(n for n in report.scan_notes if n.kind != "git-unavailable")
    return dataclasses.replace(report, repo_root=str(root.resolve()), commit=snap.commit,
                               scan_notes=(origin, *snap.notes, *kept))
