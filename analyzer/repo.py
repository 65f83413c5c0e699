"""A read-only, bounded view of a repository's work tree.

`RepoView` walks the work tree once, when it is made, and lists the regular files a reader of the
repository would see: symbolic links are never followed (neither listed nor entered), `.git`, virtual
environments, `node_modules` and tool caches are skipped, and the repository's `.gitignore` files
(root and nested, gitwildmatch semantics via `pathspec`) filter the rest — except that a path in
HEAD's tree (`tracked`) is always listed, even under an ignored folder.

Every read goes through one guarded path: the relative path is normalised lexically and must stay
inside the root; each folder on the way is opened relative to the previous one with `O_NOFOLLOW |
O_DIRECTORY`; the file is checked with `lstat`, opened with `O_NOFOLLOW | O_NONBLOCK` and checked
again with `fstat` (only a regular file is read, so a FIFO cannot block and a device is never
opened); the read is bounded by a per-file limit and by a budget for the whole scan. A refusal
returns None and records a `ScanNote`; a path that simply does not exist returns None silently.

Choices worth knowing:

* The skipped folders (`.git`, virtual environments, `node_modules`, caches) are skipped even when
  HEAD tracks files in them; only `.gitignore` rules yield to tracking.

* A file or folder whose name is not valid UTF-8 is skipped by the walk and noted ("unreadable",
  with the name shown using backslash escapes), so every `RepoFile.path` is JSON-safe and can be
  read back with `read_bytes`.
* A read refused for size is noted as "file-too-large" whether the global `max_file_bytes` or a
  caller's smaller `max_bytes` refused it; the message says which bound applied.
* An entry the walk would list but that is not a regular file or a folder — a symbolic link (to a
  file, a folder, a device or itself), a FIFO, a socket, a device — is noted ("not-regular-file",
  naming the path) and never opened; the first `MAX_SKIP_NOTES` get a note each, the rest one note
  with their count. Ignored entries (unless tracked) and entries named like the skipped folders are
  passed over silently, as the walk passes over them when they are folders.
* Notes are deduplicated: one note per (kind, path), and a single note per cap ("file-cap",
  "depth-cap", "byte-cap"). Their order is the order in which they occurred. Readers of the view may
  add their own with `note` (e.g. a file read but too deeply nested to parse).
* Nothing read is cached here; callers cache what they parse, so memory stays bounded.
"""
from __future__ import annotations

import os
import re
import stat
import threading
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pathspec

from .model import ScanNote

# Folders the walk never enters, wherever they are.
SKIPPED_DIR_NAMES = frozenset({
    ".git", "node_modules", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache",
    ".tox", ".nox", ".ipynb_checkpoints", ".eggs",
})
# Folder names that are a virtual environment when they hold `pyvenv.cfg` or `bin/activate`.
VENV_DIR_NAMES = frozenset({".venv", "venv", "env"})
# A `.gitignore` bigger than this is not applied (noted): matching cost grows with its pattern count.
MAX_IGNORE_FILE_BYTES = 64 * 1024
# Entries that are not regular files or folders get a note each up to this many, then one note with the count.
MAX_SKIP_NOTES = 100

_CAP_KINDS = frozenset({"file-cap", "depth-cap", "byte-cap"})
_ROOT_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
_DIR_FLAGS = _ROOT_FLAGS | os.O_NOFOLLOW
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_READ_CHUNK = 1024 * 1024


@dataclass(frozen=True, kw_only=True)
class Limits:
    """Bounds on what one scan walks and reads."""

    max_file_bytes: int = 10 * 1024 * 1024      # a read of a bigger file is refused (returns None) and noted
    max_files: int = 50_000                    # the walk stops listing after this many files (noted)
    max_total_bytes: int = 1024 * 1024 * 1024  # total bytes all reads may return over a scan (noted when hit)
    max_depth: int = 40                         # folders deeper than this are not walked (noted)


@dataclass(frozen=True, kw_only=True)
class RepoFile:
    """A regular file the walk listed."""

    path: str      # repository-relative POSIX path, e.g. "src/train.py"
    size: int      # bytes, from lstat
    tracked: bool  # the path is in HEAD's tree (always False when there is no git history)


class _Refused(Exception):
    """A path the view will not read; becomes a ScanNote."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class _Missing(Exception):
    """A path that does not exist (or runs through a file): None without a note."""


@dataclass(frozen=True)
class _Entry:
    name: str
    is_dir: bool
    size: int
    other: str | None = None  # what an entry that is neither a folder nor a regular file is ("a FIFO", ...)


@dataclass(frozen=True)
class _Listing:
    entries: tuple[_Entry, ...]   # real folders, regular files and other entries, sorted by name
    is_venv: bool
    ignore_spec: pathspec.GitIgnoreSpec | None


IgnoreChain = tuple[tuple[str, pathspec.GitIgnoreSpec], ...]  # (folder prefix "a/b/", spec), outermost first


@dataclass(frozen=True)
class IgnoreFile:
    """A `.gitignore` the walk applied: its compiled spec and its rule lines (no blanks or comments)."""

    spec: pathspec.GitIgnoreSpec
    rules: tuple[str, ...]


def split_relative(path: str) -> list[str] | None:
    """Lexically normalise a repository-relative path into its components.

    `a/./b/../c` gives `["a", "c"]`, `""` or `"."` gives `[]` (the root). None for an absolute path,
    one containing NUL, or one that climbs above the root. A trailing slash is dropped (callers that
    care check it themselves).
    """
    if "\x00" in path or path.startswith("/"):
        return None
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return parts


def _printable(path: str) -> str:
    """A JSON-safe rendering of a walk path that may hold surrogate-escaped bytes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _type_name(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link (not followed)"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def compile_ignore(text: str) -> tuple[pathspec.GitIgnoreSpec, list[int]]:
    """Compile `.gitignore` text; invalid pattern lines are dropped and their 1-based numbers returned."""
    lines = text.splitlines()
    try:
        return pathspec.GitIgnoreSpec.from_lines(lines), []
    except (ValueError, re.error):
        pass
    good: list[str] = []
    bad: list[int] = []
    for number, line in enumerate(lines, start=1):
        try:
            pathspec.GitIgnoreSpec.from_lines([line])
        except (ValueError, re.error):
            bad.append(number)
        else:
            good.append(line)
    return pathspec.GitIgnoreSpec.from_lines(good), bad


def is_ignored(chain: IgnoreChain, rel: str, is_dir: bool) -> bool:
    """Git's answer for `rel`: the deepest `.gitignore` with a matching pattern decides."""
    for prefix, spec in reversed(chain):
        result = spec.check_file(rel[len(prefix):] + ("/" if is_dir else ""))
        if result.include is not None:
            return bool(result.include)
    return False


def _parent_dirs(paths: Mapping[str, int]) -> frozenset[str]:
    """Every folder ("a", "a/b") that holds one of `paths`."""
    dirs: set[str] = set()
    for path in paths:
        parts = path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:i]))
    return frozenset(dirs)


class RepoView:
    """A read-only, bounded view of the work tree under `root`; the walk happens at construction.

    `tracked` maps HEAD's tracked paths to blob sizes (None: no git history). Raises OSError only
    when `root` itself is not an openable folder; everything below the root is handled as notes.
    """

    def __init__(self, root: Path, *, tracked: Mapping[str, int] | None = None,
                 limits: Limits = Limits()) -> None:
        self.root: Path = Path(root).resolve()
        self.limits = limits
        self.notes: list[ScanNote] = []
        self._noted: set[tuple[str, ...]] = set()
        self._lock = threading.Lock()
        self._bytes_returned = 0
        os.close(os.open(self.root, _ROOT_FLAGS))  # fail early: the root must be a folder
        self._tracked: Mapping[str, int] = tracked or {}
        # every `.gitignore` the walk read and applied, by path: later readers use these, never reread
        self.ignore_files: dict[str, IgnoreFile] = {}
        found = sorted(self._walk(), key=lambda f: f.path)
        self.files: tuple[RepoFile, ...] = tuple(found)
        self._by_path: dict[str, RepoFile] = {f.path: f for f in found}

    # ----- queries -------------------------------------------------------------------------------

    def file(self, path: str) -> RepoFile | None:
        """The listed file at `path` (normalised), or None."""
        parts = split_relative(path)
        if not parts or path.endswith("/"):
            return None
        return self._by_path.get("/".join(parts))

    def exists(self, path: str) -> bool:
        """True for a listed file, or a folder inside the root reached without a symlink component.

        `path` is normalised lexically (`a/./b/../c`); a path escaping the root is False; a trailing
        slash asks for a folder. Callers decode URL escapes themselves.
        """
        return self.file(path) is not None or self.is_dir(path)

    def is_dir(self, path: str) -> bool:
        """True when `path` is a real folder inside the root (no component is a symlink)."""
        parts = split_relative(path)
        if parts is None:
            return False
        try:
            fd = self._open_dir(parts)
        except (_Refused, _Missing, OSError):
            return False
        os.close(fd)
        return True

    def with_suffix(self, *suffixes: str) -> list[RepoFile]:
        """Listed files whose name ends with one of `suffixes` (case-insensitive), sorted by path."""
        wanted = tuple(s.lower() for s in suffixes)
        if not wanted:
            return []
        return [f for f in self.files if f.path.rsplit("/", 1)[-1].lower().endswith(wanted)]

    # ----- reads ---------------------------------------------------------------------------------

    def read_bytes(self, path: str, max_bytes: int | None = None) -> bytes | None:
        """The bytes of the regular file at `path`, or None (refusals are noted, absence is not).

        Refused: a path that is absolute, holds NUL or leaves the root ("outside-root"); a symlink
        anywhere on the way, a FIFO, socket, device or folder ("not-regular-file"); a file bigger
        than `max_bytes` or `Limits.max_file_bytes` ("file-too-large"); a read past the scan's byte
        budget ("byte-cap"); an OS error ("unreadable").
        """
        parts = split_relative(path)
        shown = _printable(path)
        if parts is None:
            self.note("outside-root", f"{shown!r} is not a relative path inside the repository; not read",
                      shown)
            return None
        rel = "/".join(parts)
        limit = self.limits.max_file_bytes if max_bytes is None else min(max_bytes, self.limits.max_file_bytes)
        if not parts:
            self.note("not-regular-file", "the repository root is a folder; not read", rel)
            return None
        try:
            dir_fd = self._open_dir(parts[:-1])
            try:
                return self._read_in(dir_fd, parts[-1], rel, limit)
            finally:
                os.close(dir_fd)
        except _Missing:
            return None
        except _Refused as refusal:
            self.note(refusal.kind, refusal.message, _printable(rel))
            return None
        except OSError as exc:
            self.note("unreadable", f"{_printable(rel)}: {exc.strerror or exc}", _printable(rel))
            return None

    def read_text(self, path: str, max_bytes: int | None = None) -> str | None:
        """`read_bytes` decoded as UTF-8 with replacement characters (a leading BOM is dropped)."""
        data = self.read_bytes(path, max_bytes)
        return None if data is None else data.decode("utf-8-sig", errors="replace")

    # ----- guarded file system access ------------------------------------------------------------

    def _open_dir(self, parts: list[str]) -> int:
        """An fd for the folder `parts` under the root, opened one component at a time, never via a symlink."""
        fd = os.open(self.root, _ROOT_FLAGS)
        try:
            for i, part in enumerate(parts):
                try:
                    child = os.open(part, _DIR_FLAGS, dir_fd=fd)
                except OSError as exc:
                    raise self._classify_open_error(fd, part, "/".join(parts[:i + 1]), exc) from None
                os.close(fd)
                fd = child
        except BaseException:
            os.close(fd)
            raise
        return fd

    @staticmethod
    def _classify_open_error(dir_fd: int, name: str, rel: str, exc: OSError) -> Exception:
        """Why a folder component could not be opened: missing, a symlink, or an OS error."""
        try:
            st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        except FileNotFoundError:
            return _Missing()
        except OSError:
            return _Refused("unreadable", f"{_printable(rel)}: {exc.strerror or exc}")
        if stat.S_ISLNK(st.st_mode):
            return _Refused("not-regular-file", f"{_printable(rel)} is {_type_name(st.st_mode)}; not read")
        if not stat.S_ISDIR(st.st_mode):
            return _Missing()  # a file used as a folder: the path does not exist
        return _Refused("unreadable", f"{_printable(rel)}: {exc.strerror or exc}")

    def _read_in(self, dir_fd: int, name: str, rel: str, limit: int) -> bytes:
        """Read regular file `name` in folder `dir_fd` within `limit` bytes and the scan's budget."""
        shown = _printable(rel)
        try:
            st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        except FileNotFoundError:
            raise _Missing() from None
        if not stat.S_ISREG(st.st_mode):
            raise _Refused("not-regular-file", f"{shown} is {_type_name(st.st_mode)}; not read")
        self._check_size(shown, st.st_size, limit)
        fd = os.open(name, _FILE_FLAGS, dir_fd=dir_fd)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):  # replaced between lstat and open
                raise _Refused("not-regular-file", f"{shown} is {_type_name(st.st_mode)}; not read")
            self._check_size(shown, st.st_size, limit)
            self._reserve(shown, st.st_size)
            data = b""
            try:
                data = self._read_fd(fd, limit + 1)
                if len(data) > limit:  # grew after fstat
                    self._check_size(shown, len(data), limit)
            finally:
                with self._lock:
                    self._bytes_returned += (len(data) if len(data) <= limit else 0) - st.st_size
        finally:
            os.close(fd)
        return data

    def _check_size(self, shown: str, size: int, limit: int) -> None:
        if size > limit:
            which = ("the per-file read limit" if limit == self.limits.max_file_bytes
                     else "the caller's read limit")
            raise _Refused("file-too-large", f"{shown} is {size} bytes, over {which} of {limit} bytes; not read")

    def _reserve(self, shown: str, size: int) -> None:
        """Count `size` bytes against the scan's budget, or refuse the read."""
        with self._lock:
            if self._bytes_returned + size > self.limits.max_total_bytes:
                raise _Refused("byte-cap", f"the scan's read budget of {self.limits.max_total_bytes} bytes "
                                           f"was used up at {shown}; later reads were refused")
            self._bytes_returned += size

    @staticmethod
    def _read_fd(fd: int, most: int) -> bytes:
        chunks: list[bytes] = []
        got = 0
        while got < most:
            chunk = os.read(fd, min(_READ_CHUNK, most - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def note(self, kind: str, message: str, path: str | None = None) -> None:
        """Record a ScanNote once per (kind, path), and once per cap kind (`file-cap`, `depth-cap`,
        `byte-cap`). Readers use it for inputs they read but would not process, naming the path."""
        key = (kind,) if kind in _CAP_KINDS else (kind, path or "")
        with self._lock:
            if key in self._noted:
                return
            self._noted.add(key)
            self.notes.append(ScanNote(kind=kind, message=message, path=path))

    # ----- the walk ------------------------------------------------------------------------------

    def _walk(self) -> Iterator[RepoFile]:
        """Breadth-first walk in sorted order (so a file cap keeps the shallowest files)."""
        limits = self.limits
        tracked_dirs = _parent_dirs(self._tracked)
        # (folder rel path, ignore rules in force above it, list only tracked paths below it)
        queue: deque[tuple[str, IgnoreChain, bool]] = deque([("", (), False)])
        seen: set[tuple[int, int]] = set()
        too_deep: list[str] = []  # at most one path kept: the first, for the note
        too_deep_count = 0
        listed = 0
        others = 0  # entries neither folders nor regular files, that the walk would otherwise list
        while queue:
            folder, chain, tracked_only = queue.popleft()
            listing = self._list_folder(folder, seen, read_ignore=not tracked_only)
            if listing is None or listing.is_venv:
                continue
            prefix = folder + "/" if folder else ""
            if listing.ignore_spec is not None:
                chain = chain + ((prefix, listing.ignore_spec),)
            for entry in listing.entries:
                rel = prefix + entry.name
                if entry.name == ".git" or (entry.is_dir and entry.name in SKIPPED_DIR_NAMES):
                    continue
                ignored = tracked_only or is_ignored(chain, rel, entry.is_dir)
                if entry.other is not None:
                    if entry.name not in SKIPPED_DIR_NAMES and (not ignored or rel in self._tracked):
                        others += 1
                        if others <= MAX_SKIP_NOTES:
                            self.note("not-regular-file", f"{rel} is {entry.other}; not read", rel)
                    continue
                if entry.is_dir:
                    if ignored and rel not in tracked_dirs:
                        continue
                    if rel.count("/") + 1 > limits.max_depth:
                        too_deep_count += 1
                        too_deep = too_deep or [rel]
                        continue
                    queue.append((rel, chain, ignored))
                    continue
                is_tracked = rel in self._tracked
                if ignored and not is_tracked:
                    continue
                if listed >= limits.max_files:
                    self.note("file-cap", f"the walk stopped after listing {limits.max_files} files; "
                                          f"{rel} and any later files were not listed", rel)
                    queue.clear()
                    break
                listed += 1
                yield RepoFile(path=rel, size=entry.size, tracked=is_tracked)
        if others > MAX_SKIP_NOTES:
            self.note("not-regular-file", f"{others - MAX_SKIP_NOTES} more entries that are symbolic links, FIFOs, "
                                          f"sockets or devices were not read (only the first {MAX_SKIP_NOTES} are named)")
        if too_deep:
            self.note("depth-cap", f"{too_deep_count} folder(s) deeper than {limits.max_depth} levels were "
                                   f"not walked, first {too_deep[0]}", too_deep[0])

    def _list_folder(self, folder: str, seen: set[tuple[int, int]], *, read_ignore: bool) -> _Listing | None:
        """The sorted entries of one folder, whether it is a virtual environment (never the root), and
        its compiled `.gitignore`; None (noted) when the folder cannot be read."""
        shown = _printable(folder) or "."
        try:
            fd = self._open_dir(folder.split("/") if folder else [])
        except _Missing:
            return None
        except _Refused as refusal:
            self.note(refusal.kind, refusal.message, shown)
            return None
        except OSError as exc:
            self.note("unreadable", f"{shown}: {exc.strerror or exc}", shown)
            return None
        try:
            st = os.fstat(fd)
            if (st.st_dev, st.st_ino) in seen:
                self.note("unreadable", f"{shown} was already walked (a bind mount loop); skipped", shown)
                return None
            seen.add((st.st_dev, st.st_ino))
            entries, names = self._scan_entries(fd, folder)
            is_venv = bool(folder) and ("pyvenv.cfg" in names or (
                folder.rsplit("/", 1)[-1] in VENV_DIR_NAMES and self._has_activate(fd, entries)))
            spec = None
            if read_ignore and not is_venv and ".gitignore" in names:
                spec = self._load_ignore(fd, (folder + "/" if folder else "") + ".gitignore")
            return _Listing(entries=entries, is_venv=is_venv, ignore_spec=spec)
        except OSError as exc:
            self.note("unreadable", f"{shown}: {exc.strerror or exc}", shown)
            return None
        finally:
            os.close(fd)

    def _scan_entries(self, fd: int, folder: str) -> tuple[tuple[_Entry, ...], frozenset[str]]:
        """The entries of the open folder `fd`: real folders, regular files and (with `other` set) anything
        else; names not valid UTF-8 are noted and skipped."""
        prefix = folder + "/" if folder else ""
        entries: list[_Entry] = []
        names: set[str] = set()
        with os.scandir(fd) as scan:
            for item in scan:
                names.add(item.name)
                if not _is_utf8(item.name):
                    shown = _printable(prefix + item.name)
                    self.note("unreadable", f"{shown}: the name is not valid UTF-8; skipped", shown)
                    continue
                try:
                    if item.is_dir(follow_symlinks=False):
                        entries.append(_Entry(item.name, True, 0))
                    elif item.is_file(follow_symlinks=False):
                        entries.append(_Entry(item.name, False, item.stat(follow_symlinks=False).st_size))
                    else:  # lstat only: a symlink is not followed, a FIFO or device never opened
                        entries.append(_Entry(item.name, False, 0, _type_name(item.stat(follow_symlinks=False).st_mode)))
                except OSError as exc:
                    shown = prefix + item.name
                    self.note("unreadable", f"{shown}: {exc.strerror or exc}", shown)
        entries.sort(key=lambda e: e.name)
        return tuple(entries), frozenset(names)

    @staticmethod
    def _has_activate(fd: int, entries: tuple[_Entry, ...]) -> bool:
        """True when the open folder `fd` holds a real `bin/` folder with an `activate` entry."""
        if not any(e.is_dir and e.name == "bin" for e in entries):
            return False
        try:
            bin_fd = os.open("bin", _DIR_FLAGS, dir_fd=fd)
        except OSError:
            return False
        try:
            os.stat("activate", dir_fd=bin_fd, follow_symlinks=False)
        except OSError:
            return False
        finally:
            os.close(bin_fd)
        return True

    def _load_ignore(self, dir_fd: int, rel: str) -> pathspec.GitIgnoreSpec | None:
        """The compiled `.gitignore` at `rel` (read through the guarded read), or None if refused."""
        limit = min(MAX_IGNORE_FILE_BYTES, self.limits.max_file_bytes)
        try:
            data = self._read_in(dir_fd, ".gitignore", rel, limit)
        except _Missing:
            return None
        except _Refused as refusal:
            self.note(refusal.kind, f"{refusal.message}; its ignore rules were not applied", rel)
            return None
        except OSError as exc:
            self.note("unreadable", f"{rel}: {exc.strerror or exc}; its ignore rules were not applied", rel)
            return None
        text = data.decode("utf-8", errors="replace")
        spec, bad_lines = compile_ignore(text)
        self.ignore_files[rel] = IgnoreFile(spec=spec, rules=tuple(
            line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")))
        if bad_lines:
            shown = ", ".join(str(n) for n in bad_lines[:10]) + (", ..." if len(bad_lines) > 10 else "")
            self.note("unreadable", f"{rel}: invalid ignore pattern(s) on line(s) {shown} were skipped", rel)
        return spec
