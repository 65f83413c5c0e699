"""Repository hygiene facts: big blobs in git history (`history_blobs`), data and model files committed at
HEAD (`artifacts`), and what the `.gitignore` files cover (`ignore_rules`, `ignore_coverage`).

* `history_blobs`: blobs over 10 MiB anywhere in the history a clone downloads (`SafeGit.large_blobs`),
  each marked when the same object is still in HEAD's tree (that is QA104's business) or when only its
  path is (an older version of a current file). Objects missing from a partial clone are counted.
* `artifacts`: files at HEAD (HEAD's tree sizes, else the work-tree listing) that are serialized models
  or data. Model files (`.pkl`, `.pt`, `.h5`, `.onnx`, `.ckpt`, `.safetensors`, … and
  `pytorch_model*.bin`) count from 100 KiB: smaller ones (a fitted scaler, a label encoder) cost
  nothing to clone and are usually deliberate app assets. Data files (`.csv`, `.parquet`, `.feather`,
  `.npy`, `.xlsx`, `.sqlite`, …) and archives (`.zip`, `.tar.gz`, …) count from 1 MiB: small sample
  datasets are common and fine. `.bin`, `.txt` and `.json` are too generic to judge by name. A model
  file whose blob is missing from the object store (a partial clone) and from the work tree is reported
  with its size unknown; a data file in that state is not (its size is what decides).
  Not counted: Git LFS files (pointers of ~130 bytes in HEAD's tree; when sizes come from the work
  tree, a `filter=lfs` rule in a `.gitattributes` exempts the file), files with a DVC stage file beside
  them (`train.csv.dvc`) or above them (`data.dvc`), fixtures under a test folder (`tests/`,
  `fixtures/`, `integration-test/`, unless a data folder is above it: `data/test/x.csv` counts), and
  files inside a committed virtual environment or `node_modules` (the environment is the finding).
  Each finding carries the `.gitignore` line that keeps it out: the top-most folder holding nothing but
  data, models and notes (`/data/`, anchored so `src/data/` code stays), else `*.pt` for a model kind,
  else the file itself; and the `dvc add` / `git lfs track` command that versions it instead.
* `ignore_coverage`: whether the committed `.gitignore` files (root and nested, gitwildmatch, negations
  respected, an ignored folder ignores everything below it) ignore a representative path per category.
  Only categories that apply are judged: `.env` and virtual environments always (a virtual environment
  found in the folder must itself be ignored); Python caches when there is Python code;
  `.ipynb_checkpoints/` when there are notebooks; model weights when the code imports an ML framework or
  model files are present — covered when a weights file of that framework in any usual place
  (`checkpoints/`, `models/`, `outputs/`, `logs/`, …) is ignored, or when a rule is written for weights
  even if scoped to one folder (`exp/models/*.joblib`); a root data folder (`data/`, `dataset/`,
  `datasets/`) when one exists, unless it is a deliberately committed sample (every file in it tracked
  and under 1 MiB). Files of these kinds already committed (`__pycache__/`, `.ipynb_checkpoints/`, a
  virtual environment, a `.env` not beside a Compose file) are listed too: no rule untracks them.
  `.git/info/exclude` and global ignore files are not read: they do not travel with the repository.
"""
from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pathspec

from ..gitsafe import BlobScan, GitUnavailable, HistoryBlob, SafeGit, TreeEntry
from ..inputs import InputAbsent
from ..model import Evidence
from ..repo import MAX_IGNORE_FILE_BYTES, RepoView, compile_ignore, is_ignored
from .common import excerpt
from .files import LARGE_FILE_BYTES, is_docker_file
from .imports import ImportFacts

MODEL_MIN_BYTES = 100 * 1024        # model files from this size are reported
DATA_MIN_BYTES = 1024 * 1024        # data files and archives from this size are reported
MAX_HISTORY_BLOBS = 200             # largest history blobs kept with their paths and commits

MODEL_SUFFIXES = (".pkl", ".pickle", ".pt", ".pth", ".h5", ".hdf5", ".joblib", ".onnx", ".ckpt",
                  ".safetensors", ".keras", ".tflite", ".sav", ".weights", ".caffemodel", ".mlmodel")
DATA_SUFFIXES = (".csv", ".tsv", ".parquet", ".pq", ".feather", ".arrow", ".jsonl", ".ndjson", ".xlsx",
                 ".xls", ".npy", ".npz", ".mat", ".tfrecord", ".tfrecords", ".avro", ".orc", ".sqlite",
                 ".sqlite3", ".db", ".arff", ".dta", ".sas7bdat", ".csv.gz", ".csv.zip")
ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".gz", ".bz2", ".xz", ".7z", ".rar")
_WEIGHTS_BIN = re.compile(r"pytorch_model(?:-\d+-of-\d+)?\.bin", re.IGNORECASE)
# Files that may sit in a data-only folder without making it a code folder.
_NOTE_NAMES = re.compile(r"(?:readme|license|licence|notice)(?:\.\w+)?|.*\.(?:md|rst|txt|dvc)|\..*", re.IGNORECASE)
_GITLINK_MODE = "160000"
_SYMLINK_MODE = "120000"
_DATA_FOLDERS = ("data", "dataset", "datasets")
# Where weights usually land; a folder of one of these names anywhere in the repository is probed too.
_WEIGHT_FOLDERS = ("checkpoints", "checkpoint", "ckpt", "ckpts", "models", "model", "saved_models", "weights",
                   "outputs", "output", "artifacts", "results", "logs", "lightning_logs", "runs", "experiments")
# Folder names that, in any ignore rule, mean the rule is about weights (stricter than _WEIGHT_FOLDERS).
_WEIGHT_FOLDER_NAMES = frozenset({"checkpoints", "checkpoint", "ckpt", "ckpts", "models", "model",
                                  "saved_models", "weights", "lightning_logs"})
_VENV_NAMES = (".venv", "venv", "env")
# Top-level import name -> the weights files that framework writes.
_FRAMEWORK_WEIGHTS: dict[str, tuple[str, ...]] = {
    "torch": (".pt", ".pth", ".ckpt"), "torchvision": (".pt", ".pth", ".ckpt"),
    "lightning": (".pt", ".pth", ".ckpt"), "pytorch_lightning": (".pt", ".pth", ".ckpt"),
    "timm": (".pt", ".pth", ".ckpt"), "ultralytics": (".pt",),
    "tensorflow": (".h5", ".keras"), "keras": (".h5", ".keras"), "tf_keras": (".h5", ".keras"),
    "sklearn": (".pkl", ".joblib"), "xgboost": (".pkl", ".joblib"), "lightgbm": (".pkl", ".joblib"),
    "catboost": (".pkl", ".joblib"), "joblib": (".pkl", ".joblib"),
    "transformers": (".safetensors",), "onnx": (".onnx",), "onnxruntime": (".onnx",),
}
# A test folder (`tests/`, `fixtures/`, `integration-test/`): files there are fixtures, kept on purpose.
_TEST_FOLDER = re.compile(r"(?:.*[-_])?tests?(?:[-_].*)?|fixtures?|testdata|testing", re.IGNORECASE)
_DATA_FOLDER_NAMES = frozenset({"data", "dataset", "datasets", "input", "raw"})
_LFS_ATTR = re.compile(r"(?:^|\s)filter=lfs(?:\s|$)")
_FILTER_ATTR = re.compile(r"(?:^|\s)[-!]?filter(?:=\S*)?(?:\s|$)")


def mib(size: int) -> str:
    """A size in MiB with one decimal ("12.5 MiB"), KiB under 1 MiB, "size unknown" when negative."""
    if size < 0:
        return "size unknown"
    return f"{size / 1048576:.1f} MiB" if size >= 1048576 else f"{size / 1024:.0f} KiB"


# (kind, suffixes longest first): data before archives, so `train.csv.gz` is data.
_KINDS = tuple((kind, tuple(sorted(suffixes, key=len, reverse=True)))
               for kind, suffixes in (("data", DATA_SUFFIXES), ("model", MODEL_SUFFIXES),
                                      ("archive", ARCHIVE_SUFFIXES)))


_ANY_SUFFIX = tuple(s for _, suffixes in _KINDS for s in suffixes)


def artifact_kind(path: str) -> tuple[str, str] | None:
    """("model" | "data" | "archive", matched suffix) for a file judged by its name, else None."""
    name = posixpath.basename(path).lower()
    if _WEIGHTS_BIN.fullmatch(name):
        return "model", ".bin"
    if not name.endswith(_ANY_SUFFIX):  # most files: one C-level test instead of a scan per suffix
        return None
    for kind, suffixes in _KINDS:
        suffix = next((s for s in suffixes if name.endswith(s) and name != s), None)
        if suffix is not None:
            return kind, suffix
    return None


# ----- ignore rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IgnoreRules:
    """The repository's `.gitignore` files, compiled; `ignores(path)` answers as git would."""

    chain: tuple[tuple[str, pathspec.GitIgnoreSpec], ...]   # (folder prefix "a/b/", spec), outermost first
    files: tuple[str, ...]                                    # the `.gitignore` paths read
    patterns: tuple[str, ...] = ()                            # their ignoring (not negated) patterns, stripped

    def _matches(self, rel: str, is_dir: bool) -> bool:
        applicable = tuple(item for item in self.chain if rel.startswith(item[0]))
        return is_ignored(applicable, rel, is_dir)

    def ignores(self, path: str, *, is_dir: bool = False) -> bool:
        """True when `path` is ignored: itself, or one of its folders (git never looks inside those)."""
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts)):
            if self._matches("/".join(parts[:depth]), True):
                return True
        return self._matches("/".join(parts), is_dir)


def load_ignore_rules(repo: RepoView) -> IgnoreRules:
    """The `.gitignore` files the repository walk applied (root first, then by depth), as it compiled them."""
    paths = sorted(repo.ignore_files, key=lambda p: (p.count("/"), p))
    chain = tuple((posixpath.dirname(p) + "/" if posixpath.dirname(p) else "", repo.ignore_files[p].spec)
                  for p in paths)
    patterns = tuple(rule for p in paths for rule in repo.ignore_files[p].rules if not rule.startswith("!"))
    return IgnoreRules(chain=chain, files=tuple(paths), patterns=patterns)


# ----- history blobs --------------------------------------------------------------------------------


def _day(when: int | None) -> str:
    return datetime.fromtimestamp(when, tz=UTC).strftime("%Y-%m-%d") if when else "date unknown"


@dataclass(frozen=True, kw_only=True)
class PastBlob:
    """A blob over 10 MiB in history; `at_head`: the same object is in HEAD's tree; `path_at_head`:
    a file of that path is (this blob is an older version of it)."""

    blob: HistoryBlob
    at_head: bool
    path_at_head: bool

    @property
    def evidence(self) -> Evidence:
        added = (f"added in {self.blob.commit[:10]} ({_day(self.blob.committed_at)})" if self.blob.commit
                 else "adding commit not found")
        where = "an older version of a file still at HEAD" if self.path_at_head else "no longer at HEAD"
        return Evidence(path=self.blob.path or self.blob.oid,
                        excerpt=excerpt(f"{mib(self.blob.size)} blob {self.blob.oid[:10]}, {added}, {where}"))


@dataclass(frozen=True, kw_only=True)
class HistoryBlobs:
    """Blobs over 10 MiB in the history a clone downloads, largest first (at most MAX_HISTORY_BLOBS).

    `total` counts them all; `objects` objects were examined; `missing` were absent from the object
    store (a partial clone: sizes unknown); `truncated` when the walk stopped at its object bound.
    """

    blobs: tuple[PastBlob, ...]
    total: int
    objects: int
    missing: int
    truncated: bool

    @property
    def removed(self) -> tuple[PastBlob, ...]:
        """The blobs that are not in HEAD's tree any more (still in every clone)."""
        return tuple(b for b in self.blobs if not b.at_head)

    @property
    def complete(self) -> bool:
        """Every object of the history was examined."""
        return not self.missing and not self.truncated


def detect_history_blobs(git: SafeGit, tree: list[TreeEntry] | None) -> HistoryBlobs:
    """Blobs over 10 MiB in history, marked against HEAD's `tree`; absent without commits or on a git failure."""
    if git.head is None:
        raise InputAbsent("the repository has no commits yet")
    try:
        scan: BlobScan = git.large_blobs(LARGE_FILE_BYTES, max_blobs=MAX_HISTORY_BLOBS)
    except GitUnavailable as exc:
        raise InputAbsent(f"git history could not be read: {exc}") from None
    head_oids = {entry.oid for entry in tree or ()}
    head_paths = {entry.path for entry in tree or ()}
    blobs = tuple(PastBlob(blob=b, at_head=b.oid in head_oids, path_at_head=b.path in head_paths)
                  for b in scan.blobs)
    return HistoryBlobs(blobs=blobs, total=scan.total, objects=scan.objects, missing=scan.missing,
                        truncated=scan.truncated)


# ----- committed data and model files ---------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Artifact:
    """A data, model or archive file at HEAD over its kind's size bound, with the lines that fix it.

    `ignore_line`: the `.gitignore` line that keeps it (and its siblings) out; `keep_with`: the DVC or
    Git LFS command that versions it instead; `ignored`: a `.gitignore` rule already matches it (it was
    committed before the rule); `lfs_rule`: a `.gitattributes` LFS rule matches it, yet git stores it
    as a regular blob (committed before the rule).
    """

    path: str
    size: int
    kind: str
    suffix: str
    ignore_line: str
    keep_with: str
    ignored: bool
    lfs_rule: bool

    @property
    def evidence(self) -> Evidence:
        note = ("already ignored, committed before the rule" if self.ignored
                else f"ignore `{self.ignore_line}` or `{self.keep_with}`")
        return Evidence(path=self.path, excerpt=excerpt(f"{self.kind} file, {mib(self.size)}: {note}"))


@dataclass(frozen=True, kw_only=True)
class Artifacts:
    """Data and model files committed at HEAD (`source` "git"), or present in the work tree when there
    is no git history (`source` "work-tree"), sorted by path; DVC and LFS use, for the fix wording."""

    files: tuple[Artifact, ...]
    source: str
    dvc_files: tuple[str, ...]       # `.dvc` stage files: data kept with DVC
    lfs_patterns: tuple[str, ...]    # `.gitattributes` patterns with filter=lfs

    @property
    def ignore_lines(self) -> tuple[str, ...]:
        """The distinct `.gitignore` lines the findings not yet ignored need, in the findings' order."""
        return tuple(dict.fromkeys(a.ignore_line for a in self.files if not a.ignored))


@dataclass(frozen=True)
class _Listed:
    path: str
    size: int
    from_work_tree: bool


def _listing(repo: RepoView, tree: list[TreeEntry] | None) -> list[_Listed]:
    """Files at HEAD with their blob sizes (work-tree size when the blob is missing, -1 when that is
    missing too), else the work tree."""
    if tree is None:
        return [_Listed(f.path, f.size, True) for f in repo.files]
    out = []
    for entry in tree:
        if entry.mode in (_GITLINK_MODE, _SYMLINK_MODE):
            continue
        if entry.size >= 0:
            out.append(_Listed(entry.path, entry.size, False))
        elif (on_disk := repo.file(entry.path)) is not None:
            out.append(_Listed(entry.path, on_disk.size, True))
        else:
            out.append(_Listed(entry.path, -1, False))
    return out


def _lfs_patterns(repo: RepoView) -> list[tuple[str, pathspec.GitIgnoreSpec, str]]:
    """(folder prefix, compiled pattern, pattern text) for each `.gitattributes` line deciding the filter,
    in file order (later lines win); a line with `filter=lfs` is kept with its pattern, others unset."""
    rules = []
    for f in sorted(repo.files, key=lambda f: (f.path.count("/"), f.path)):
        if posixpath.basename(f.path) != ".gitattributes":
            continue
        text = repo.read_text(f.path, max_bytes=MAX_IGNORE_FILE_BYTES) or ""
        folder = posixpath.dirname(f.path)
        for line in text.splitlines():
            pattern, *rest = line.split(None, 1) or [""]
            attrs = rest[0] if rest else ""
            if not pattern or pattern.startswith("#") or not _FILTER_ATTR.search(f" {attrs} "):
                continue
            spec, bad = compile_ignore(pattern)
            if not bad:
                rules.append((folder + "/" if folder else "", spec, pattern if _LFS_ATTR.search(attrs) else ""))
    return rules


def _lfs_matches(rules: list[tuple[str, pathspec.GitIgnoreSpec, str]], path: str) -> bool:
    decided = False
    for prefix, spec, lfs_pattern in rules:
        if path.startswith(prefix) and spec.match_file(path[len(prefix):]):
            decided = bool(lfs_pattern)
    return decided


def _is_note(path: str) -> bool:
    return bool(_NOTE_NAMES.fullmatch(posixpath.basename(path)))


def _ancestors(path: str) -> Iterator[str]:
    """`a`, `a/b` for `a/b/c.csv`, outermost first."""
    parts = path.split("/")[:-1]
    for depth in range(1, len(parts) + 1):
        yield "/".join(parts[:depth])


def _artifact_only_folders(paths: Iterable[str]) -> set[str]:
    """Folders whose every file is a data, model or archive file (any size) or a note (README, .gitkeep…)."""
    mixed: set[str] = set()
    holding: set[str] = set()
    for path in paths:
        plain = artifact_kind(path) is None and not _is_note(path)
        for folder in _ancestors(path):
            holding.add(folder)
            if plain:
                mixed.add(folder)
    return holding - mixed


def _ignore_line(path: str, kind: str, suffix: str, data_only: set[str]) -> str:
    folder = next((f for f in _ancestors(path) if f in data_only), None)
    if folder is not None:
        return f"/{folder}/" if "/" not in folder else f"{folder}/"
    if kind == "model":
        return f"*{suffix}"
    return "/" + path


def _keep_with(path: str, kind: str, suffix: str) -> str:
    if kind == "model":
        return f'git lfs track "*{suffix}"'
    return f"dvc add {path}"


def environment_roots(paths: Iterable[str]) -> set[str]:
    """Folders that are a committed virtual environment: they hold `pyvenv.cfg` or `lib/python*/site-packages`."""
    roots = set()
    for path in paths:
        if posixpath.basename(path) == "pyvenv.cfg":
            roots.add(posixpath.dirname(path))
        elif "/site-packages/" in path:
            head = path.split("/site-packages/", 1)[0]
            roots.add(head.rsplit("/lib/", 1)[0] if "/lib/" in head else head)
    return roots


def _vendored(path: str, env_roots: set[str]) -> bool:
    """Inside a committed environment or a `node_modules` folder: the environment is the finding (QA132)."""
    folders = list(_ancestors(path))
    return any(f in env_roots for f in folders) or "/node_modules/" in f"/{path}"


def _fixture(path: str) -> bool:
    """Under a test folder with no data folder above it (`tests/fixtures/m.pt`, not `data/test/x.csv`)."""
    for part in path.split("/")[:-1]:
        if part.lower() in _DATA_FOLDER_NAMES:
            return False
        if _TEST_FOLDER.fullmatch(part):
            return True
    return False


def _dvc_owned(path: str, dvc_files: set[str]) -> bool:
    return path + ".dvc" in dvc_files or any(folder + ".dvc" in dvc_files for folder in _ancestors(path))


def detect_artifacts(repo: RepoView, tree: list[TreeEntry] | None, ignore_rules: IgnoreRules) -> Artifacts:
    """Data, model and archive files committed at HEAD over their size bounds (module docstring)."""
    listed = _listing(repo, tree)
    paths = [item.path for item in listed]
    dvc_files = {p for p in paths if p.lower().endswith(".dvc")}
    lfs = _lfs_patterns(repo)
    data_only = _artifact_only_folders(paths)
    env_roots = environment_roots(paths)
    found = []
    for item in listed:
        judged = artifact_kind(item.path)
        if judged is None:
            continue
        kind, suffix = judged
        unknown_model = item.size < 0 and kind == "model"  # committed weights whatever their size
        too_small = item.size < (MODEL_MIN_BYTES if kind == "model" else DATA_MIN_BYTES)
        if (too_small and not unknown_model) or _dvc_owned(item.path, dvc_files) or _fixture(item.path) \
                or _vendored(item.path, env_roots):
            continue
        lfs_rule = _lfs_matches(lfs, item.path)
        if lfs_rule and item.from_work_tree:
            continue  # the real content of an LFS file: git stores a pointer
        found.append(Artifact(
            path=item.path, size=item.size, kind=kind, suffix=suffix,
            ignore_line=_ignore_line(item.path, kind, suffix, data_only),
            keep_with=_keep_with(item.path, kind, suffix), ignored=ignore_rules.ignores(item.path),
            lfs_rule=lfs_rule))
    return Artifacts(files=tuple(sorted(found, key=lambda a: a.path)), source="work-tree" if tree is None else "git",
                     dvc_files=tuple(sorted(dvc_files)),
                     lfs_patterns=tuple(sorted({pattern for _, _, pattern in lfs if pattern})))


# ----- .gitignore coverage --------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class IgnoreCategory:
    """One kind of file a `.gitignore` should keep out, judged because `reason`.

    `covered`: a rule ignores one of its representative paths; `lines`: what to append when it is not;
    `committed`: tracked paths of this kind (at most a few), which no rule untracks: they need
    `git rm -r --cached` whether or not the category is covered.
    """

    name: str
    reason: str
    covered: bool
    lines: tuple[str, ...]
    committed: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class IgnoreCoverage:
    """The categories that apply to this repository, in a fixed order; `gitignore` is the root file or None."""

    gitignore: Evidence | None
    files: tuple[str, ...]
    categories: tuple[IgnoreCategory, ...]

    @property
    def missing(self) -> tuple[IgnoreCategory, ...]:
        return tuple(c for c in self.categories if not c.covered)

    @property
    def committed(self) -> tuple[str, ...]:
        """Tracked paths that belong outside git, category by category."""
        return tuple(path for c in self.categories for path in c.committed)

    @property
    def missing_lines(self) -> tuple[str, ...]:
        """The lines to append, in category order, without repeats."""
        return tuple(dict.fromkeys(line for c in self.missing for line in c.lines))


_MAX_COMMITTED = 5


def _category(name: str, reason: str, rules: IgnoreRules, probes: Iterable[str], lines: Iterable[str],
              committed: Iterable[str] = (), *, covered: bool = False) -> IgnoreCategory:
    covered = covered or any(rules.ignores(probe) for probe in probes)
    return IgnoreCategory(name=name, reason=reason, covered=covered, lines=() if covered else tuple(lines),
                          committed=tuple(sorted(committed))[:_MAX_COMMITTED])


def _committed_env_files(tracked: list[str]) -> list[str]:
    """Tracked `.env` files, except one beside a Compose file (Compose reads it for variable defaults)."""
    compose_dirs = {posixpath.dirname(p) for p in tracked
                    if is_docker_file(p) and "compose" in posixpath.basename(p).lower()}
    return [p for p in tracked if posixpath.basename(p) == ".env" and posixpath.dirname(p) not in compose_dirs]


def _folders_named(name: str, paths: list[str]) -> set[str]:
    """The folders called `name` ("app/__pycache__/") that hold one of `paths`."""
    found = set()
    for path in paths:
        parts = path.split("/")[:-1]
        if name in parts:
            found.add("/".join(parts[:parts.index(name) + 1]) + "/")
    return found


def _first_folder(paths: list[str]) -> str:
    folder = posixpath.dirname(paths[0]) if paths else ""
    return folder + "/" if folder else ""


def _venv_category(repo: RepoView, rules: IgnoreRules, env_roots: set[str]) -> IgnoreCategory:
    on_disk = [name for name in _VENV_NAMES if repo.is_dir(name) and (
        repo.is_dir(f"{name}/conda-meta") or repo.read_bytes(f"{name}/pyvenv.cfg", max_bytes=4096) is not None)]
    committed = [root + "/" for root in env_roots]
    if on_disk:  # a real environment is here: exactly its folder must be ignored
        gaps = [name for name in on_disk if not rules.ignores(f"{name}/pyvenv.cfg")]
        return IgnoreCategory(name="virtual environments", reason=f"{', '.join(n + '/' for n in on_disk)} is here",
                              covered=not gaps, lines=tuple(f"{n}/" for n in gaps),
                              committed=tuple(sorted(committed))[:_MAX_COMMITTED])
    return _category("virtual environments", "Python projects create one in the project folder", rules,
                     (f"{name}/pyvenv.cfg" for name in _VENV_NAMES), (".venv/", "venv/"), committed)


def _weight_folders(paths: list[str]) -> list[str]:
    """Probe folders for weights: the usual names at the root and one level down, and every folder of
    such a name the repository has."""
    names = frozenset(_WEIGHT_FOLDERS)
    found = {folder for path in paths for folder in _ancestors(path) if posixpath.basename(folder) in names}
    return ["", *(f"{n}/" for n in _WEIGHT_FOLDERS), *(f"project/{n}/" for n in _WEIGHT_FOLDERS),
            *(f"{f}/" for f in sorted(found))]


def _weights_category(imports: ImportFacts, rules: IgnoreRules, paths: list[str]) -> IgnoreCategory | None:
    frameworks = sorted({p.module.split(".")[0] for p in imports.packages} & set(_FRAMEWORK_WEIGHTS))
    present = sorted({kind[1] for p in paths if (kind := artifact_kind(p)) and kind[0] == "model"})
    if not frameworks and not present:
        return None
    suffixes = list(dict.fromkeys([s for f in frameworks for s in _FRAMEWORK_WEIGHTS[f]] + present))
    reason = (f"the code imports {', '.join(frameworks)}" if frameworks
              else f"the repository holds {', '.join('*' + s for s in present)} files")
    probes = [f"{folder}model{suffix}" for folder in _weight_folders(paths) for suffix in suffixes]
    return _category("model weights and checkpoints", reason, rules, probes,
                     ["checkpoints/", *(f"*{s}" for s in suffixes if s != ".bin")],
                     covered=any(_targets_weights(pattern, suffixes) for pattern in rules.patterns))


def _targets_weights(pattern: str, suffixes: list[str]) -> bool:
    """A rule written for weights, even if scoped to one place: `exp/models/*.joblib`, `*/checkpoints/*`."""
    text = pattern.rstrip("/").lower()
    return text.endswith(tuple(suffixes) + MODEL_SUFFIXES) or any(
        part in _WEIGHT_FOLDER_NAMES for part in text.split("/"))


def _data_category(repo: RepoView, rules: IgnoreRules, tracked: set[str]) -> IgnoreCategory | None:
    for name in _DATA_FOLDERS:
        if not repo.is_dir(name):
            continue
        inside = [f for f in repo.files if f.path.startswith(name + "/")]
        sample = inside and all((f.path in tracked or not tracked) and f.size < DATA_MIN_BYTES for f in inside)
        if sample:
            return None  # a small sample committed on purpose
        probes = (f"{name}/train.csv", f"{name}/raw/train.csv", f"{name}/train.parquet")
        return _category("data", f"the repository has a {name}/ folder", rules, probes, (f"/{name}/",))
    return None


def detect_ignore_coverage(repo: RepoView, tree: list[TreeEntry] | None, ignore_rules: IgnoreRules,
                           imports: ImportFacts, gitignore: Evidence | None) -> IgnoreCoverage:
    """Which categories of files that belong outside git the `.gitignore` files cover (module docstring)."""
    rules = ignore_rules
    env_roots = environment_roots(entry.path for entry in tree or ())
    tracked = [entry.path for entry in tree or () if not _vendored(entry.path, env_roots)]
    paths = tracked if tree is not None else [f.path for f in repo.files]
    python = [p for p in paths if p.endswith(".py")]
    notebooks = [p for p in paths if p.endswith(".ipynb")]
    categories = [
        _category("environment files", "keys and passwords go in .env files", rules, (".env",), (".env",),
                  _committed_env_files(tracked)),
        _venv_category(repo, rules, env_roots),
    ]
    if python:
        stem = posixpath.splitext(posixpath.basename(python[0]))[0]
        categories.append(_category(
            "Python caches", "the repository has Python code", rules,
            (f"{_first_folder(python)}__pycache__/{stem}.cpython-311.pyc",), ("__pycache__/",),
            _folders_named("__pycache__", tracked) | {p for p in tracked if p.endswith(".pyc")
                                                      and "__pycache__/" not in p}))
    if notebooks:
        stem = posixpath.splitext(posixpath.basename(notebooks[0]))[0]
        categories.append(_category(
            "notebook checkpoints", "the repository has notebooks", rules,
            (f"{_first_folder(notebooks)}.ipynb_checkpoints/{stem}-checkpoint.ipynb",), (".ipynb_checkpoints/",),
            _folders_named(".ipynb_checkpoints", tracked)))
    if (weights := _weights_category(imports, rules, paths)) is not None:
        categories.append(weights)
    if (data := _data_category(repo, rules, set(tracked))) is not None:
        categories.append(data)
    return IgnoreCoverage(gitignore=gitignore, files=rules.files, categories=tuple(categories))
