"""Hardened, read-only access to a scanned repository's git history: the only way anything touches git.

A scanned repository's `.git` is hostile. Its config can make git run programs (core.fsmonitor, hooks,
filter and textconv drivers, pagers, gpg.program through log.showSignature), `include.path` can point at
a FIFO that hangs git or at files outside the repository, and `core.worktree`, a `.git` file,
`commondir` or alternates can point at other repositories. GitPython's `Repo()` reads config files
itself. So git and GitPython never see the candidate's `.git`:

1. `SafeGit.open` first *inspects* `PATH/.git` without git: it must be a real folder (not a file, not a
   symlink), hold no `commondir`, `objects/info/alternates` or `objects/info/http-alternates`, and no
   symlink, FIFO, socket or device anywhere inside (a bounded `os.scandir` walk that follows nothing).
2. It then builds a throwaway *shadow* bare repository in a temporary folder outside the scanned tree:
   our own minimal config, `objects/info/alternates` pointing at the candidate's object folder (objects
   are read in place, never copied), and validated copies of the candidate's HEAD, loose refs,
   packed-refs and shallow list. None of the candidate's config, hooks, attributes or info files come
   along.
3. Every git process runs against the shadow only, from an empty environment (see `_hardened_env`),
   with hardening `-c` options, `--end-of-options` before revisions, and a timeout that kills its
   process group. Only the object database is read (`rev-parse`, `log`, `ls-tree`, `cat-file`).

Paths from git are decoded as UTF-8 with `surrogateescape` (the same as `os.fsdecode` on a UTF-8
file system, so they compare equal to paths from `os.scandir`); author names, e-mails and summaries are
decoded as UTF-8 with `errors="replace"`.
"""
from __future__ import annotations

import errno
import hashlib
import heapq
import os
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:  # GitPython is imported lazily: importing it runs `git version`.
    import git


class GitUnavailable(Exception):
    """No usable git history: no `.git` in PATH itself, git not installed, or a corrupt repository.

    `str(exc)` is the reason, fit for a scan note.
    """


class GitRefused(GitUnavailable):
    """A hostile or unsupported `.git` layout (e.g. ".git/commondir present"); `str(exc)` is the reason."""


@dataclass(frozen=True, kw_only=True)
class TreeEntry:
    """A blob in HEAD's tree: repository-relative POSIX path, size in bytes (-1 when the blob is missing
    from the object store), object id, octal mode."""

    path: str
    size: int
    oid: str
    mode: str


@dataclass(frozen=True, kw_only=True)
class CommitInfo:
    """One commit of HEAD's history; times are Unix seconds, `summary` the subject line."""

    sha: str
    author_name: str
    author_email: str
    authored_at: int
    committed_at: int
    summary: str


@dataclass(frozen=True, kw_only=True)
class HistoryBlob:
    """A blob in the history a clone receives: one path it was stored under (the first the object walk
    met), size in bytes, object id, and the oldest commit found adding it with that commit's time (Unix
    seconds); both None when no commit's diff shows it arriving (e.g. it came in through a merge)."""

    path: str
    size: int
    oid: str
    commit: str | None = None
    committed_at: int | None = None


@dataclass(frozen=True, kw_only=True)
class BlobScan:
    """What `SafeGit.large_blobs` found.

    `blobs`: the largest matching blobs (at most the caller's `max_blobs`), largest first, ties by id;
    `total`: how many blobs matched in all; `objects`: objects the walk examined; `missing`: objects
    absent from the object store (a partial clone's filtered blobs: their sizes are unknown);
    `truncated`: the walk stopped at the caller's `max_objects`.
    """

    blobs: tuple[HistoryBlob, ...]
    total: int
    objects: int
    missing: int
    truncated: bool


@dataclass(frozen=True, kw_only=True)
class CommitTree:
    """One commit's tree (`SafeGit.tree_at`): the commit's full id, its blobs as `SafeGit.tree` lists
    HEAD's (symlinks included, mode 120000; sorted by path) and the paths of its gitlinks (submodules:
    commits of other repositories, with no content here), sorted."""

    commit: str
    entries: tuple[TreeEntry, ...]
    gitlinks: tuple[str, ...]


# Options put before every git subcommand, ours and GitPython's.
_HARDENING_OPTIONS: tuple[str, ...] = (
    "--no-pager",
    "-c", "core.fsmonitor=false",
    "-c", "core.hooksPath=/dev/null",
    "-c", "log.showSignature=false",
    "-c", "safe.bareRepository=explicit",
    "-c", "protocol.allow=never",
    "-c", "core.commitGraph=false",  # history comes from the objects themselves, not a cache file
    "-c", "gc.auto=0",
    "-c", "maintenance.auto=false",
)

_MAX_GIT_ENTRIES = 500_000         # files and folders the `.git` inspection walk will look at
_MAX_GIT_DEPTH = 64                # folder depth inside `.git`
_MAX_HEAD_BYTES = 4096             # HEAD and each loose ref
_MAX_PACKED_REFS_BYTES = 64 * 1024 * 1024
_MAX_SHALLOW_BYTES = 16 * 1024 * 1024
_MAX_REASON_CHARS = 200
_MAX_REV_CHARS = 256               # a revision named by the user (`tree_at`)
_BATCH_BYTES = 32 * 1024 * 1024    # blob bytes one `cat-file --batch` run of `read_blobs` may return
_BATCH_OBJECTS = 2_000             # blobs one such run may return

_OID = re.compile(rb"[0-9a-f]{40}|[0-9a-f]{64}")
_OID_TEXT = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_REFNAME_BAD = re.compile(rb"[\x00-\x20\x7f~^:?*\[\\]")
_LOG_FORMAT = "%H%x00%an%x00%ae%x00%at%x00%ct%x00%s"
_LOG_FIELDS = 6
# What a clone receives: branches, tags and remote-tracking branches (plus HEAD, given by id), never the
# stash, notes or the `refs/original/` backups `git filter-branch` leaves behind.
_PUBLISHED_REFS = ("--branches", "--tags", "--remotes")
_BATCH_CHECK = "--batch-check=%(objecttype) %(objectname) %(objectsize) %(rest)"
_OBJECT_TYPES = frozenset({b"blob", b"tree", b"commit", b"tag"})

_FILE_KINDS = (
    (stat.S_ISFIFO, "FIFO"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
)


def _shown(text: str | bytes) -> str:
    """`text` for a reason string: as is when printable, else an escaped ASCII form."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "surrogateescape")
    return text if text.isprintable() else ascii(text)


def _hardened_env(git_dir: str) -> dict[str, str]:
    """The whole environment of a git process: nothing inherited but PATH, GIT_DIR on the shadow."""
    return {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": "/nonexistent",
        "LC_ALL": "C",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_OPTIONAL_LOCKS": "0",
        "GIT_ALLOW_PROTOCOL": "",
        "GIT_NO_REPLACE_OBJECTS": "1",
        "GIT_ATTR_NOSYSTEM": "1",
        "GIT_DIR": git_dir,
    }


# --------------------------------------------------------------------------- running git on the shadow

@dataclass(frozen=True)
class _GitRunner:
    """Runs hardened git commands against one shadow repository."""

    git: str        # absolute path of the git executable
    git_dir: str    # the shadow repository
    timeout: float

    @property
    def env(self) -> dict[str, str]:
        return _hardened_env(self.git_dir)

    def run(self, *args: str, stdin: bytes | None = None, ok: tuple[int, ...] = (0,)) -> tuple[int, bytes]:
        """Run `git <hardening> ARGS`; return (exit code, stdout). Raise GitUnavailable on failure."""
        command = [self.git, *_HARDENING_OPTIONS, *args]
        try:
            proc = subprocess.Popen(
                command, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env, cwd=self.git_dir,
                start_new_session=True, close_fds=True)
        except OSError as exc:
            raise GitUnavailable(f"cannot run git: {exc.strerror or exc}") from exc
        try:
            out, err = proc.communicate(stdin, timeout=self.timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise GitUnavailable(f"git {args[0]} timed out after {self.timeout:g} s") from None
        except BaseException:
            _kill_group(proc)
            raise
        if proc.returncode not in ok:
            message = err.decode("utf-8", "replace").strip().splitlines()
            detail = message[0][:_MAX_REASON_CHARS] if message else f"exit code {proc.returncode}"
            raise GitUnavailable(f"git {args[0]} failed: {detail}")
        return proc.returncode, out

    def wrap(self, command: Sequence[Any]) -> list[str]:
        """GitPython's command line rewritten to run our git under `env -i` with the hardened env."""
        env_exe = shutil.which("env", path=os.environ.get("PATH", os.defpath))
        if env_exe is None:
            raise GitUnavailable("the `env` program is not available to isolate GitPython's git")
        pairs = [f"{key}={value}" for key, value in self.env.items()]
        return [env_exe, "-i", *pairs, self.git, *_HARDENING_OPTIONS, *map(str, command[1:])]


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill a git process and everything it started, then reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.communicate()


# --------------------------------------------------------------------------- inspecting the candidate

def _walk_git_dir(git_dir: str) -> list[bytes]:
    """Refuse any symlink or special file inside `.git`; return the regular files under `refs/`.

    The walk never follows a symlink, is sorted (so the first offence reported is deterministic) and
    bounded in entries and depth. Returned paths are bytes relative to `.git`, e.g. b"refs/heads/main".
    """
    ref_files: list[bytes] = []
    seen = 0
    stack: list[tuple[bytes, int]] = [(b"", 0)]
    base = os.fsencode(git_dir)
    while stack:
        rel_dir, depth = stack.pop()
        with os.scandir(os.path.join(base, rel_dir) if rel_dir else base) as it:
            entries = sorted(it, key=lambda e: e.name)
        for entry in entries:
            seen += 1
            if seen > _MAX_GIT_ENTRIES:
                raise GitRefused(f".git holds more than {_MAX_GIT_ENTRIES} entries")
            rel = rel_dir + b"/" + entry.name if rel_dir else entry.name
            if entry.is_symlink():
                raise GitRefused(f"symlink inside .git: .git/{_shown(rel)}")
            if entry.is_dir(follow_symlinks=False):
                if depth + 1 > _MAX_GIT_DEPTH:
                    raise GitRefused(f".git is nested deeper than {_MAX_GIT_DEPTH} folders")
                stack.append((rel, depth + 1))
            elif entry.is_file(follow_symlinks=False):
                if rel.startswith(b"refs/"):
                    ref_files.append(rel)
            else:
                mode = entry.stat(follow_symlinks=False).st_mode
                kind = next((name for test, name in _FILE_KINDS if test(mode)), "special file")
                raise GitRefused(f"{kind} inside .git: .git/{_shown(rel)}")
    return sorted(ref_files)


def _check_git_dir(root: str) -> tuple[str, list[bytes]]:
    """Validate `root/.git` as a plain, self-contained folder; return its path and its loose ref files."""
    if not os.path.isdir(root):
        raise GitUnavailable(f"{_shown(root)} is not a folder")
    git_dir = os.path.join(root, ".git")
    try:
        mode = os.lstat(git_dir).st_mode
    except FileNotFoundError:
        raise GitUnavailable("no .git folder in the repository root") from None
    if stat.S_ISLNK(mode):
        raise GitRefused(".git is a symlink (it could point at another repository)")
    if stat.S_ISREG(mode):
        raise GitRefused(".git is a file (a 'gitdir:' pointer to a repository elsewhere)")
    if not stat.S_ISDIR(mode):
        raise GitRefused(".git is not a folder")
    ref_files = _walk_git_dir(git_dir)
    for name, why in (("commondir", "shares another repository's data"),
                      ("objects/info/alternates", "borrows objects from another repository"),
                      ("objects/info/http-alternates", "borrows objects from a remote repository"),
                      ("reftable", "uses the reftable ref storage, which is not supported")):
        if os.path.lexists(os.path.join(git_dir, name)):
            raise GitRefused(f".git/{name} present (the repository {why})")
    if not os.path.isdir(os.path.join(git_dir, "objects")):
        raise GitUnavailable(".git has no objects folder (corrupt repository)")
    return git_dir, ref_files


def _read_capped(dir_fd: int, rel: bytes, cap: int) -> bytes | None:
    """Bytes of the regular file `rel` under `dir_fd`, opened without following any symlink.

    None when it does not exist; GitRefused when it is not a regular file or is larger than `cap`.
    """
    parts = rel.split(b"/")
    fds: list[int] = []
    try:
        current = dir_fd
        for part in parts[:-1]:
            current = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC,
                              dir_fd=current)
            fds.append(current)
        fd = os.open(parts[-1], os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                     dir_fd=current)
        fds.append(fd)
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise GitRefused(f".git/{_shown(rel)} is not a regular file")
        chunks: list[bytes] = []
        total = 0
        while total <= cap:
            chunk = os.read(fd, min(1 << 20, cap + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > cap:
            raise GitRefused(f".git/{_shown(rel)} is larger than {cap} bytes")
        return b"".join(chunks)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a symlink that appeared after the walk
            raise GitRefused(f"symlink inside .git: .git/{_shown(rel)}") from None
        raise
    finally:
        for fd in reversed(fds):
            os.close(fd)


# --------------------------------------------------------------------------- refs: validated copies

def _is_safe_refname(name: bytes) -> bool:
    """A ref name under refs/ that `git check-ref-format` accepts and that cannot escape the refs folder."""
    if not name.startswith(b"refs/") or name.endswith((b"/", b".", b".lock")):
        return False
    if b".." in name or b"@{" in name or _REFNAME_BAD.search(name):
        return False
    return all(part and not part.startswith(b".") and not part.endswith(b".lock")
               for part in name.split(b"/"))


def _parse_ref_value(data: bytes) -> bytes | None:
    """The normalised content of HEAD or a loose ref: b"ref: refs/…" or an object id; None if invalid."""
    text = data[:-1] if data.endswith(b"\n") else data
    if text.startswith(b"ref:"):
        target = text[4:].strip()
        return b"ref: " + target if _is_safe_refname(target) else None
    return text if _OID.fullmatch(text) else None


def _filter_packed_refs(data: bytes) -> tuple[bytes, list[bytes]]:
    """packed-refs reduced to its well-formed lines (a `^peeled` line only after a kept ref); and its ids."""
    kept: list[bytes] = []
    oids: list[bytes] = []
    previous_kept = False
    for number, line in enumerate(data.split(b"\n")):
        if number == 0 and line.startswith(b"# pack-refs with:"):
            if line.isascii() and line.decode("ascii").isprintable():
                kept.append(line)
            continue
        if line.startswith(b"^"):
            if previous_kept and _OID.fullmatch(line[1:]):
                kept.append(line)
                oids.append(line[1:])
            previous_kept = False
            continue
        oid, _, name = line.partition(b" ")
        previous_kept = bool(_OID.fullmatch(oid)) and _is_safe_refname(name)
        if previous_kept:
            kept.append(line)
            oids.append(oid)
    return b"".join(line + b"\n" for line in kept), oids


@dataclass(kw_only=True)
class _Refs:
    """What the shadow copies from the candidate, every piece validated and normalised."""

    head: bytes                                  # b"ref: refs/…" or an object id
    loose: list[tuple[bytes, bytes]]             # (path under .git, normalised content)
    invalid: set[bytes]                          # loose ref names whose content was not a ref value
    packed: bytes | None
    shallow: bytes | None
    oids: list[bytes]                            # every object id named, to tell SHA-1 from SHA-256


def _refs_digest(refs: _Refs) -> str:
    """A digest of everything the shadow took from the candidate's refs: equal digests, equal history."""
    digest = hashlib.sha256(refs.head + b"\0")
    for path, content in sorted(refs.loose):
        digest.update(path + b"\0" + content + b"\0")
    for name in sorted(refs.invalid):
        digest.update(b"invalid\0" + name + b"\0")
    digest.update(b"packed\0" + (refs.packed or b"") + b"\0shallow\0" + (refs.shallow or b""))
    return digest.hexdigest()


def _collect_refs(git_dir: str, ref_files: list[bytes]) -> _Refs:
    """Read HEAD, loose refs, packed-refs and shallow from `.git` (size-capped, no symlink followed)."""
    dir_fd = os.open(git_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        raw_head = _read_capped(dir_fd, b"HEAD", _MAX_HEAD_BYTES)
        if raw_head is None:
            raise GitUnavailable(".git/HEAD is missing (corrupt repository)")
        head = _parse_ref_value(raw_head)
        if head is None:
            raise GitRefused(".git/HEAD is neither 'ref: refs/…' with a safe ref name nor an object id: "
                             + ascii(raw_head[:60]))
        oids = [] if head.startswith(b"ref: ") else [head]
        loose: list[tuple[bytes, bytes]] = []
        invalid: set[bytes] = set()
        for rel in ref_files:
            if not _is_safe_refname(rel):
                continue  # lock files and names git itself would not accept
            value = _parse_ref_value(_read_capped(dir_fd, rel, _MAX_HEAD_BYTES) or b"")
            if value is None:
                invalid.add(rel)
                continue
            loose.append((rel, value))
            if not value.startswith(b"ref: "):
                oids.append(value)
        packed = _read_capped(dir_fd, b"packed-refs", _MAX_PACKED_REFS_BYTES)
        if packed is not None:
            packed, packed_oids = _filter_packed_refs(packed)
            oids.extend(packed_oids)
        shallow = _read_capped(dir_fd, b"shallow", _MAX_SHALLOW_BYTES)
        if shallow is not None:
            shallow_oids = [line for line in shallow.split(b"\n") if _OID.fullmatch(line)]
            shallow = b"".join(oid + b"\n" for oid in shallow_oids)
            oids.extend(shallow_oids)
    finally:
        os.close(dir_fd)
    return _Refs(head=head, loose=loose, invalid=invalid, packed=packed, shallow=shallow, oids=oids)


# --------------------------------------------------------------------------- the shadow repository

def _c_quoted(path: bytes) -> bytes:
    """`path` as one line of an alternates file: literal, or C-quoted when it holds control bytes."""
    if not any(byte < 0x20 or byte == 0x7F for byte in path) and not path.startswith(b'"'):
        return path
    out = bytearray(b'"')
    for byte in path:
        if byte in (0x22, 0x5C):
            out += b"\\" + bytes([byte])
        elif byte < 0x20 or byte == 0x7F:
            out += b"\\%03o" % byte
        else:
            out.append(byte)
    return bytes(out + b'"')


def _shadow_config(oids: list[bytes]) -> bytes:
    """Our own minimal bare-repository config, in the object format the candidate's ids use."""
    lengths = {len(oid) for oid in oids}
    if len(lengths) > 1:
        raise GitRefused(".git mixes SHA-1 and SHA-256 object ids")
    if lengths == {64}:
        return (b"[core]\n\trepositoryformatversion = 1\n\tbare = true\n"
                b"[extensions]\n\tobjectformat = sha256\n")
    return b"[core]\n\trepositoryformatversion = 0\n\tbare = true\n"


def is_inside(path: str | os.PathLike[str], folder: str | os.PathLike[str]) -> bool:
    """Whether `path` is `folder` or below it, symlinks resolved (writing there would write into `folder`)."""
    real_path, real_folder = os.path.realpath(path), os.path.realpath(folder)
    return os.path.commonpath([real_path, real_folder]) == real_folder


def _write_new(path: bytes, data: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "xb") as handle:
        handle.write(data)


def _build_shadow(root: str, git_dir: str, refs: _Refs) -> str:
    """A fresh bare repository in a temporary folder, borrowing the candidate's objects in place."""
    if is_inside(tempfile.gettempdir(), root):
        raise GitUnavailable("the temporary folder lies inside the scanned repository (set TMPDIR)")
    shadow = tempfile.mkdtemp(prefix="portcheck-git-")
    try:
        base = os.fsencode(shadow)
        objects = os.fsencode(os.path.realpath(os.path.join(git_dir, "objects")))
        _write_new(os.path.join(base, b"config"), _shadow_config(refs.oids))
        _write_new(os.path.join(base, b"HEAD"), refs.head + b"\n")
        _write_new(os.path.join(base, b"objects", b"info", b"alternates"), _c_quoted(objects) + b"\n")
        for folder in (b"objects/pack", b"refs/heads", b"refs/tags"):
            os.makedirs(os.path.join(base, folder), exist_ok=True)
        for rel, value in refs.loose:
            _write_new(os.path.join(base, rel), value + b"\n")
        if refs.packed is not None:
            _write_new(os.path.join(base, b"packed-refs"), refs.packed)
        if refs.shallow:
            _write_new(os.path.join(base, b"shallow"), refs.shallow)
    except BaseException:
        shutil.rmtree(shadow, ignore_errors=True)
        raise
    return shadow


def _object_info(runner: _GitRunner, oid: str) -> tuple[str, int] | None:
    """(type, size) of an object, or None when it is missing; the id goes on stdin, never argv."""
    _, out = runner.run("cat-file", "--batch-check", stdin=oid.encode("ascii") + b"\n")
    fields = out.split()
    if len(fields) != 3 or not fields[2].isdigit():
        return None
    return fields[1].decode("ascii", "replace"), int(fields[2])


def _resolve_head(runner: _GitRunner, refs: _Refs) -> str | None:
    """HEAD's commit id in the shadow; None on an unborn branch. GitUnavailable when HEAD is broken."""
    code, out = runner.run("rev-parse", "-q", "--verify", "--end-of-options", "HEAD", ok=(0, 1))
    if code == 1:
        target = refs.head[len(b"ref: "):]
        if target in refs.invalid:
            raise GitUnavailable(f"HEAD's ref {_shown(target)} does not hold an object id (corrupt)")
        return None
    sha = out.strip().decode("ascii", "replace")
    if not _OID_TEXT.fullmatch(sha):
        raise GitUnavailable(f"git rev-parse gave an unexpected HEAD: {sha[:80]!a}")
    info = _object_info(runner, sha)
    if info is None:
        raise GitUnavailable(f"HEAD points at {sha}, which is missing from the object database")
    if info[0] != "commit":
        raise GitUnavailable(f"HEAD points at a {_shown(info[0])}, not a commit")
    return sha


# --------------------------------------------------------------------------- parsing git output

def _to_int(raw: bytes) -> int:
    """An integer field from git output; 0 when a malformed commit makes it unparsable."""
    try:
        return int(raw)
    except ValueError:
        return 0


def _ls_tree_records(out: bytes) -> Iterator[tuple[bytes, bytes, bytes, bytes, bytes]]:
    """`ls-tree -r -z -l` output as (mode, kind, oid, size, path) records; GitUnavailable if malformed."""
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, tab, path = record.partition(b"\t")
        fields = meta.split()
        if not tab or len(fields) != 4:
            raise GitUnavailable("unexpected git ls-tree output")
        mode, kind, oid, size = fields
        yield mode, kind, oid, size, path


def _parse_ls_tree(out: bytes) -> list[TreeEntry]:
    """`ls-tree -r -z -l` records to blob entries sorted by path (paths decoded with surrogateescape)."""
    entries: list[TreeEntry] = []
    for mode, kind, oid, size, path in _ls_tree_records(out):
        if kind != b"blob":
            continue  # submodules (commits) have no size and no content here
        known = size.isdigit()  # git prints "-" or "BAD" when the blob is missing from the object store
        entries.append(TreeEntry(path=path.decode("utf-8", "surrogateescape"), size=int(size) if known else -1,
                                 oid=oid.decode("ascii", "replace"), mode=mode.decode("ascii", "replace")))
    entries.sort(key=lambda entry: entry.path)
    return entries


def _parse_gitlinks(out: bytes) -> list[str]:
    """The paths of the gitlinks (submodule commits) in `ls-tree -r -z -l` output, sorted."""
    return sorted(path.decode("utf-8", "surrogateescape")
                  for _mode, kind, _oid, _size, path in _ls_tree_records(out) if kind == b"commit")


def _parse_batch(out: bytes, wanted: Sequence[str]) -> dict[str, bytes]:
    """`cat-file --batch` output for the ids in `wanted` (in that order) to {id: content} for blobs."""
    blobs: dict[str, bytes] = {}
    position = 0
    for oid in wanted:
        end = out.find(b"\n", position)
        if end < 0:
            raise GitUnavailable("unexpected git cat-file output")
        header = out[position:end].split()
        position = end + 1
        if len(header) != 3 or not header[2].isdigit():
            continue  # "<id> missing": absent from the object store
        size = int(header[2])
        content = out[position:position + size]
        if len(content) != size or out[position + size:position + size + 1] != b"\n":
            raise GitUnavailable("unexpected git cat-file output")
        position += size + 1
        if header[1] == b"blob" and header[0].decode("ascii", "replace") == oid:
            blobs[oid] = content
    return blobs


def _parse_log(out: bytes) -> list[CommitInfo]:
    """`log -z --format=_LOG_FORMAT` output to commits in git's order (text decoded with replacement)."""
    fields = out.split(b"\0")
    if fields and fields[-1] == b"":
        fields.pop()
    if len(fields) % _LOG_FIELDS:
        raise GitUnavailable("unexpected git log output")
    commits: list[CommitInfo] = []
    for start in range(0, len(fields), _LOG_FIELDS):
        sha, name, email, authored, committed, summary = fields[start:start + _LOG_FIELDS]
        if not _OID.fullmatch(sha):
            raise GitUnavailable("unexpected git log output")
        commits.append(CommitInfo(
            sha=sha.decode("ascii"), author_name=name.decode("utf-8", "replace"),
            author_email=email.decode("utf-8", "replace"), authored_at=_to_int(authored),
            committed_at=_to_int(committed), summary=summary.decode("utf-8", "replace")))
    return commits


# --------------------------------------------------------------------------- GitPython

def _hardened_repo_class(runner: _GitRunner) -> type[git.Repo]:
    """A `git.Repo` subclass whose every git process is our git under `env -i` with the hardened env.

    GitPython builds each child's environment from `os.environ` plus overrides and cannot drop inherited
    variables, so the command line itself is rewritten to start from an empty environment.
    """
    import git as gitpython

    class HardenedGit(gitpython.cmd.Git):
        """GitPython's command runner, rewritten to run hardened and time-bounded."""

        def execute(self, command: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
            if isinstance(command, (str, bytes)):
                raise GitUnavailable("shell command strings are not allowed on the shadow repository")
            kwargs["shell"] = False
            if not args:
                kwargs.setdefault("kill_after_timeout", runner.timeout)
            return super().execute(runner.wrap(command), *args, **kwargs)

    class HardenedRepo(gitpython.Repo):
        """A read-only view of the shadow repository."""

        GitCommandWrapperType = HardenedGit

    return HardenedRepo


# --------------------------------------------------------------------------- large blobs in history

@dataclass
class _BlobWalk:
    """Running totals of one `rev-list --objects | cat-file --batch-check` walk."""

    larger_than: int
    max_objects: int
    max_blobs: int
    kept: list[tuple[int, str, str]]  # a min-heap of (size, oid, path): the largest blobs so far
    total: int = 0
    objects: int = 0
    missing: int = 0
    truncated: bool = False

    def add(self, line: bytes) -> None:
        """Account for one `cat-file --batch-check` output line."""
        kind, _, rest = line.rstrip(b"\n").partition(b" ")
        if kind not in _OBJECT_TYPES:  # "<input line> missing": absent from the object store
            self.missing += 1
            return
        self.objects += 1
        if kind != b"blob":
            return
        oid, _, rest = rest.partition(b" ")
        size, _, path = rest.partition(b" ")
        if not size.isdigit() or int(size) <= self.larger_than:
            return
        self.total += 1
        item = (int(size), oid.decode("ascii", "replace"), path.decode("utf-8", "surrogateescape"))
        if len(self.kept) < self.max_blobs:
            heapq.heappush(self.kept, item)
        elif self.kept and item[:2] > self.kept[0][:2]:
            heapq.heapreplace(self.kept, item)


def _stop(procs: Sequence[subprocess.Popen[bytes]], fired: threading.Event | None = None) -> None:
    """Kill GitPython's processes (each is our git, exec'd by `env`); `fired` records that it happened."""
    if fired is not None:
        fired.set()
    for proc in procs:
        try:
            proc.kill()
        except OSError:
            pass


@contextmanager
def _bounded(procs: list[subprocess.Popen[bytes]], timeout: float) -> Iterator[None]:
    """Kill `procs` (the list may grow inside the block) when `timeout` seconds pass, then raise
    GitUnavailable, or when the block raises, reaping them either way; the block waits for them itself."""
    fired = threading.Event()
    timer = threading.Timer(timeout, _stop, args=(procs, fired))
    timer.start()
    try:
        yield
    except BaseException:
        _stop(procs)
        for proc in procs:
            proc.wait()
        raise
    finally:
        timer.cancel()
    if fired.is_set():
        raise GitUnavailable(f"git rev-list timed out after {timeout:g} s")


def _counted_without_large_blobs(repo: git.Repo, head: str, walk: _BlobWalk, timeout: float) -> bool:
    """The usual case, in one git process: when the history holds no blob over the bound and nothing is
    missing from the store, count its objects into `walk` and return True; else False (nothing counted),
    and the full walk runs.

    `rev-list --filter=blob:limit=N --filter-print-omitted` leaves out each blob of N bytes or more
    (sizes read in git, not through `cat-file`) and lists it after the rest as `~<id>`; a missing object
    is listed as `?<id>`. So an output without `~` or `?` is every object, none over the bound: what the
    full walk would count, with nothing kept. A `~` or `?` anywhere (a path may hold one), a count that
    reaches the walk's bound, or a failure (a git too old for the filter) sends it to the full walk,
    which reports them its own way. Keras: 0.45 -> 0.29 CPU s in git, and 108,401 lines counted, not parsed.
    """
    lister = repo.git.rev_list("--objects", "--missing=print", f"--filter=blob:limit={walk.larger_than + 1}",
                               "--filter-print-omitted", *_PUBLISHED_REFS, "--end-of-options", head,
                               as_process=True)  # held: GitPython ends the process when this goes
    proc = lister.proc
    lines, usual = 0, True
    with _bounded([proc], timeout):
        while chunk := proc.stdout.read(1 << 16):
            lines += chunk.count(b"\n")
            if b"~" in chunk or b"?" in chunk or lines >= walk.max_objects:
                usual = False
                _stop([proc])
                break
        code = proc.wait()
    if not usual or code:
        return False
    walk.objects = lines
    return True


def _walk_objects(repo: git.Repo, head: str, walk: _BlobWalk, timeout: float) -> None:
    """Stream the published history's objects through `cat-file --batch-check` into `walk`.

    The two processes are piped to each other directly (memory stays bounded) and both are killed
    when `timeout` seconds pass or the walk reaches `walk.max_objects`.
    """
    lister = repo.git.rev_list("--objects", "--missing=print", *_PUBLISHED_REFS, "--end-of-options", head,
                               as_process=True)
    procs = [lister.proc]
    with _bounded(procs, timeout):
        checker = repo.git.cat_file(_BATCH_CHECK, istream=lister.proc.stdout, as_process=True)
        procs.append(checker.proc)
        lister.proc.stdout.close()  # cat-file holds the pipe now; rev-list sees it close if cat-file dies
        for line in checker.proc.stdout:
            if walk.objects + walk.missing >= walk.max_objects:
                walk.truncated = True
                _stop(procs)
                break
            walk.add(line)
        codes = [proc.wait() for proc in procs]
    if not walk.truncated and any(codes):
        failed = next(proc for proc, code in zip(procs, codes) if code)
        message = failed.stderr.read(4096).decode("utf-8", "replace").strip().splitlines()
        detail = message[0][:_MAX_REASON_CHARS] if message else f"exit code {failed.returncode}"
        raise GitUnavailable(f"listing the history's objects failed: {detail}")


def _adding_commits(repo: git.Repo, head: str, paths: Sequence[str], oids: set[str]) -> dict[str, tuple[str, int]]:
    """For each blob id in `oids`, the oldest commit whose diff adds or changes one of `paths` to it.

    One path-limited `git log --raw --full-history` over the published history, oldest first (history
    simplification would hide side branches).
    """
    if not paths or not oids:
        return {}
    out = repo.git.log("--reverse", "--full-history", "--format=%H %ct", "--raw", "--no-abbrev", "--no-renames",
                       "--diff-filter=AM", *_PUBLISHED_REFS, "--end-of-options", head, "--",
                       *(f":(literal){path}" for path in paths), stdout_as_string=False)
    found: dict[str, tuple[str, int]] = {}
    commit: tuple[str, int] | None = None
    for line in out.splitlines():
        if line.startswith(b":"):
            fields = line.split(b"\t", 1)[0].split()
            new = fields[3].decode("ascii", "replace") if len(fields) >= 5 else ""
            if commit is not None and new in oids and new not in found:
                found[new] = commit
        elif line:
            sha, _, when = line.partition(b" ")
            if _OID.fullmatch(sha):
                commit = (sha.decode("ascii"), _to_int(when))
    return found


# --------------------------------------------------------------------------- the public class

class SafeGit:
    """Read-only access to the git history of `PATH/.git`, through a hardened shadow repository.

    Create with `SafeGit.open(root)`; use as a context manager or call `close()` to remove the shadow.
    Methods other than `open` raise GitUnavailable when git fails (a corrupt object, a timeout).
    """

    head: str | None

    def __init__(self, *, runner: _GitRunner, head: str | None, refs_digest: str = "") -> None:
        """Internal: use `SafeGit.open`."""
        self._runner = runner
        self.head = head
        self.refs_digest = refs_digest  # changes whenever HEAD, any ref, packed-refs or shallow changes
        self._tree: list[TreeEntry] | None = None
        self._blob_sizes: dict[str, int] = {}
        self._repos: list[Any] = []
        self._remove_shadow = weakref.finalize(self, shutil.rmtree, runner.git_dir, True)

    @classmethod
    def open(cls, root: Path, *, timeout: float = 60.0) -> SafeGit:
        """Inspect `root/.git`, build its shadow and resolve HEAD.

        Raises GitRefused for a hostile or unsupported layout, GitUnavailable when there is no `.git` in
        `root` itself (parents are never searched), git is missing, or the repository is corrupt.
        `timeout` bounds each git process, in seconds; a process over it is killed with its group.
        """
        root_path = os.path.abspath(os.fspath(root))
        try:
            git_dir, ref_files = _check_git_dir(root_path)
            refs = _collect_refs(git_dir, ref_files)
            git_exe = shutil.which("git", path=os.environ.get("PATH", os.defpath))
            if git_exe is None:
                raise GitUnavailable("git is not installed")
            shadow = _build_shadow(root_path, git_dir, refs)
        except OSError as exc:
            where = f" ({_shown(os.fsdecode(exc.filename))})" if exc.filename else ""
            raise GitUnavailable(f"cannot read .git or prepare its shadow: {exc.strerror or exc}{where}") \
                from None
        runner = _GitRunner(git=os.path.abspath(git_exe), git_dir=shadow, timeout=timeout)
        try:
            head = _resolve_head(runner, refs)
        except BaseException:
            shutil.rmtree(shadow, ignore_errors=True)
            raise
        return cls(runner=runner, head=head, refs_digest=_refs_digest(refs))

    def tree(self) -> list[TreeEntry]:
        """HEAD's tree, recursive, blobs only (symlinks included, mode 120000), sorted by path."""
        if self.head is None:
            return []
        if self._tree is None:
            _, out = self._runner.run("ls-tree", "-r", "-z", "-l", "--full-tree", "--end-of-options",
                                      self.head)
            self._tree = _parse_ls_tree(out)
            self._blob_sizes = {entry.oid: entry.size for entry in self._tree}
        return list(self._tree)

    def commits(self, max_count: int = 100_000) -> list[CommitInfo]:
        """HEAD's history, newest first (rev-list order), at most `max_count` commits."""
        if self.head is None or max_count <= 0:
            return []
        _, out = self._runner.run("log", "-z", f"--format={_LOG_FORMAT}", "--no-mailmap",
                                  f"--max-count={int(max_count)}", "--end-of-options", self.head, "--")
        return _parse_log(out)

    def read_blob(self, oid: str, max_bytes: int) -> bytes | None:
        """A blob's bytes; None for an id that is malformed, missing, not a blob or over `max_bytes`."""
        if not isinstance(oid, str) or not _OID_TEXT.fullmatch(oid):
            return None
        size = self._blob_sizes.get(oid)
        if size is None:
            info = _object_info(self._runner, oid)
            if info is None or info[0] != "blob":
                return None
            size = info[1]
        if size > max_bytes:
            return None
        _, data = self._runner.run("cat-file", "blob", "--end-of-options", oid)
        return data if len(data) <= max_bytes else None

    def resolve_commit(self, rev: str) -> str:
        """The full id of the commit `rev` names: a branch, tag, commit id, `HEAD~3`, `v1.0^` and so on.

        Resolved with `rev-parse --verify --end-of-options REV^{commit}` on the shadow, which holds the
        repository's objects and validated refs only (no reflogs, no remotes' config), so a tag resolves
        to the commit it points at. GitUnavailable (the reason fit for one line) when `rev` is empty,
        longer than 256 characters, holds control characters or starts with "-", or names no commit.
        """
        if not isinstance(rev, str) or not rev or len(rev) > _MAX_REV_CHARS or not rev.isprintable() \
                or rev.startswith("-"):
            raise GitUnavailable(f"{ascii(rev)[:_MAX_REASON_CHARS]} is not a revision")
        code, out = self._runner.run("rev-parse", "-q", "--verify", "--end-of-options", f"{rev}^{{commit}}",
                                     ok=(0, 1, 128))
        sha = out.strip().decode("ascii", "replace")
        if code != 0 or not _OID_TEXT.fullmatch(sha):
            raise GitUnavailable(f"{_shown(rev)} names no commit in this repository")
        return sha

    def tree_at(self, rev: str) -> CommitTree:
        """The tree of the commit `rev` names (see `resolve_commit`), read like `tree()` reads HEAD's:
        one `ls-tree -r -z -l --full-tree` on the shadow. Its blob sizes are remembered for `read_blob`
        and `read_blobs`. GitUnavailable when `rev` names no commit or git fails."""
        commit = self.resolve_commit(rev)
        _, out = self._runner.run("ls-tree", "-r", "-z", "-l", "--full-tree", "--end-of-options", commit)
        entries = _parse_ls_tree(out)
        self._blob_sizes.update((entry.oid, entry.size) for entry in entries)
        return CommitTree(commit=commit, entries=tuple(entries), gitlinks=tuple(_parse_gitlinks(out)))

    def read_blobs(self, oids: Sequence[str], max_bytes: int) -> Iterator[tuple[str, bytes | None]]:
        """(id, bytes) for each id in `oids`, in order; bytes None as `read_blob` gives it (malformed,
        missing, not a blob, or over `max_bytes`).

        Blobs whose sizes a tree listing gave are read in batches: one `cat-file --batch` per
        32 MiB or 2,000 blobs, ids on stdin, so memory stays bounded by a batch. Others fall back to
        `read_blob`.
        """
        batch: list[str] = []
        batch_bytes = 0
        for oid in oids:
            size = self._blob_sizes.get(oid) if isinstance(oid, str) and _OID_TEXT.fullmatch(oid) else None
            if size is None or size < 0:
                yield from self._flush_batch(batch)
                batch, batch_bytes = [], 0
                yield oid, self.read_blob(oid, max_bytes) if size is None else None
                continue
            if size > max_bytes:
                yield from self._flush_batch(batch)
                batch, batch_bytes = [], 0
                yield oid, None
                continue
            if batch and (batch_bytes + size > _BATCH_BYTES or len(batch) >= _BATCH_OBJECTS):
                yield from self._flush_batch(batch)
                batch, batch_bytes = [], 0
            batch.append(oid)
            batch_bytes += size
        yield from self._flush_batch(batch)

    def _flush_batch(self, batch: list[str]) -> Iterator[tuple[str, bytes | None]]:
        if not batch:
            return
        _, out = self._runner.run("cat-file", "--batch", stdin="".join(f"{oid}\n" for oid in batch).encode("ascii"))
        found = _parse_batch(out, batch)
        for oid in batch:
            yield oid, found.get(oid)

    def large_blobs(self, larger_than: int, *, max_objects: int = 5_000_000, max_blobs: int = 200) -> BlobScan:
        """Blobs strictly larger than `larger_than` bytes anywhere in the history a clone receives:
        reachable from branches, tags, remote-tracking branches or HEAD (not the stash, notes or the
        `refs/original/` backups of `git filter-branch`), whether or not they are still at HEAD.

        Runs through GitPython (so through the hardened runner): one streamed `rev-list --objects |
        cat-file --batch-check` pipe keeps memory bounded by `max_blobs`, then one path-limited
        `git log --raw` finds the commit that added each blob kept. The walk stops after `max_objects`
        objects (`truncated`); objects missing from the store (partial clones) are counted, never fatal.
        GitUnavailable when git fails or a process outlives the timeout.
        """
        walk = _BlobWalk(larger_than=larger_than, max_objects=max(0, max_objects),
                         max_blobs=max(0, max_blobs), kept=[])
        if self.head is None:
            return BlobScan(blobs=(), total=0, objects=0, missing=0, truncated=False)
        import git as gitpython

        try:
            repo = self.gitpython_repo()
            if not _counted_without_large_blobs(repo, self.head, walk, self._runner.timeout):
                _walk_objects(repo, self.head, walk, self._runner.timeout)
            kept = sorted(walk.kept, key=lambda item: (-item[0], item[1]))
            added = _adding_commits(repo, self.head, sorted({path for _, _, path in kept if path}),
                                    {oid for _, oid, _ in kept})
        except (gitpython.exc.GitError, OSError) as exc:
            detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:_MAX_REASON_CHARS]
            raise GitUnavailable(f"git failed while listing large blobs: {detail}") from None
        blobs = []
        for size, oid, path in kept:
            commit, when = added.get(oid, (None, None))
            blobs.append(HistoryBlob(path=path, size=size, oid=oid, commit=commit, committed_at=when))
        return BlobScan(blobs=tuple(blobs), total=walk.total, objects=walk.objects, missing=walk.missing,
                        truncated=walk.truncated)

    def gitpython_repo(self) -> git.Repo:
        """A `git.Repo` over the shadow repository; its git processes run hardened (see module doc).

        The repository is closed by `close()`. GitPython reads the shadow's own files (our config, the
        copied refs); it still honours GIT_COMMON_DIR / GIT_OBJECT_DIRECTORY from the caller's process
        environment on the Python side, so callers should not set those.
        """
        try:
            repo = _hardened_repo_class(self._runner)(self._runner.git_dir)
        except ImportError as exc:
            raise GitUnavailable(f"GitPython is not usable: {exc}") from None
        self._repos.append(repo)
        return repo

    def close(self) -> None:
        """Close GitPython repositories handed out and remove the shadow; safe to call twice."""
        for repo in self._repos:
            repo.close()
        self._repos.clear()
        self._remove_shadow()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
