"""A content-keyed cache of whole reports: rescanning an unchanged repository costs a listing and a hash.

A scan's report depends on the options it ran with, the files it listed (paths, sizes, tracked or
not), the git refs (HEAD, branches, tags, packed-refs, shallow: objects are content-addressed, so equal
refs mean equal history) and the bytes of every file it read. A `Fingerprint` holds the first three;
an entry is stored under a name derived from the fingerprint and records the BLAKE2b digest of every
read. A rescan computes the fingerprint (one `git ls-tree` and a walk of the tree), finds the entry
and re-reads each recorded file: if every digest matches, the stored report is the answer.

The cache is never trusted blindly: an entry whose format, portcheck version, name or fingerprint do
not match, that is not valid JSON, or whose report does not load, is a miss (and is replaced by the
scan that follows). Entries are JSON, never pickles, written atomically, in a folder outside the
scanned repository (by default the user's cache folder). A scan that had a step stopped by its budget
is not stored.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from . import __version__

CACHE_FORMAT = 1
MAX_ENTRIES = 256          # oldest entries beyond this are removed when a new one is stored
MAX_ENTRY_BYTES = 64 * 1024 * 1024
READ_ABSENT = "-"          # the digest recorded for a read that returned nothing


def default_cache_dir() -> Path:
    """`$XDG_CACHE_HOME/portcheck` or `~/.cache/portcheck`."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "portcheck"


def read_digest(data: bytes | None) -> str:
    """The digest recorded for one read (`READ_ABSENT` when the read returned nothing)."""
    return READ_ABSENT if data is None else hashlib.blake2b(data, digest_size=20).hexdigest()


def digest_of(parts: Iterable[Any]) -> str:
    """A stable digest of JSON-able parts."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(json.dumps(part, sort_keys=True, default=str, ensure_ascii=True).encode("ascii"))
        digest.update(b"\0")
    return digest.hexdigest()


@dataclass(frozen=True, kw_only=True)
class Fingerprint:
    """What a report depends on besides the bytes of the files it read."""

    options: str   # portcheck's version and every option of the scan
    listing: str   # the files listed (path, size, tracked) and the notes the walk made
    refs: str      # HEAD and every ref, or why there is no git history

    @property
    def name(self) -> str:
        """The entry's file name stem."""
        return digest_of([CACHE_FORMAT, __version__, self.options, self.listing, self.refs])


@dataclass(frozen=True, kw_only=True)
class Hit:
    """A cached report whose every read still matches: its JSON text."""

    report_json: str


Reread = Callable[[str, int | None], bytes | None]


def read_key(path: str, max_bytes: int | None) -> str:
    """How a read is recorded: its byte bound and its path."""
    return f"{'' if max_bytes is None else max_bytes}:{path}"


def _split_key(key: str) -> tuple[str, int | None]:
    bound, _, path = key.partition(":")
    return path, int(bound) if bound else None


class ReportCache:
    """One cache folder of report entries."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _entry(self, fingerprint: Fingerprint) -> Path:
        return self.directory / f"{fingerprint.name}.json"

    def lookup(self, fingerprint: Fingerprint, reread: Reread) -> Hit | None:
        """The stored report if its entry is sound and every recorded read gives the same bytes today."""
        entry = _load_entry(self._entry(fingerprint))
        if entry is None or entry.get("fingerprint") != asdict(fingerprint) or entry.get("name") != fingerprint.name:
            return None
        reads, report = entry.get("reads"), entry.get("report")
        if not isinstance(reads, dict) or not isinstance(report, str):
            return None
        for key, digest in reads.items():
            if not isinstance(key, str) or not isinstance(digest, str):
                return None
            path, bound = _split_key(key)
            if read_digest(reread(path, bound)) != digest:
                return None
        return Hit(report_json=report)

    def store(self, fingerprint: Fingerprint, reads: Mapping[str, str], report_json: str) -> str | None:
        """Write the entry atomically; returns why it could not be written, or None."""
        entry = {"format": CACHE_FORMAT, "version": __version__, "name": fingerprint.name,
                 "fingerprint": asdict(fingerprint), "reads": dict(sorted(reads.items())), "report": report_json}
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, temp = tempfile.mkstemp(prefix=".entry-", suffix=".tmp", dir=self.directory)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump(entry, fh, ensure_ascii=False)
                os.replace(temp, self._entry(fingerprint))
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
            self._prune()
        except OSError as exc:
            return f"the report cache in {self.directory} could not be written: {exc.strerror or exc}"
        return None

    def _prune(self) -> None:
        entries = sorted(self.directory.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[MAX_ENTRIES:]:
            old.unlink(missing_ok=True)


def _load_entry(path: Path) -> dict[str, Any] | None:
    """The entry at `path` if it is a regular file of a sound size holding this format and version."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            entry = json.loads(fh.read(MAX_ENTRY_BYTES + 1))
    except (OSError, ValueError, RecursionError):
        return None
    finally:
        os.close(fd)
    if not isinstance(entry, dict) or entry.get("format") != CACHE_FORMAT or entry.get("version") != __version__:
        return None
    return entry


def code_digest(modules: Iterable[str] = ()) -> str:
    """A digest of portcheck's own code and templates (and of the files of `modules`, e.g. plugin checks).

    Sizes and modification times, not contents: cheap, and it changes with any edit or upgrade, so a
    cache never outlives the code that wrote it even in an editable install.
    """
    import sys

    package = Path(__file__).resolve().parent.parent
    files: set[Path] = set()
    for folder in (package / "analyzer", package / "checks", package / "reports"):
        if folder.is_dir():
            files.update(p for p in folder.rglob("*") if p.suffix in (".py", ".j2", ".css", ".js", ".json"))
    for name in modules:
        origin = getattr(sys.modules.get(name), "__file__", None)
        if origin:
            files.add(Path(origin))
    stamps = []
    for path in sorted(files):
        try:
            info = path.stat()
        except OSError:
            continue
        stamps.append([str(path), info.st_size, info.st_mtime_ns])
    return digest_of(stamps)
