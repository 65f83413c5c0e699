"""Committed experiment run stores (`run_stores`): the runs, params and final metrics a repository holds.

Read, never run: MLflow file stores (any folder named `mlruns`) and MLflow sqlite databases (`*.db`
with MLflow's tables) are read with mlflow's own client, DVC metrics and params files named by a
`dvc.yaml` (plus its default `params.yaml`) and wandb offline run folders
(`wandb/*run-*/files/wandb-summary.json` and `config.yaml`) are parsed directly.

MLflow never sees the repository. Its file store follows symlinks, writes `.trash` into the folder it
opens and fails a whole run on one malformed metric file or one name it rejects; its database store
creates or migrates tables in the file it opens. So each MLflow store is copied into a temporary
folder first, only through the RepoView (regular files it lists, bounded reads, no symlinks), within
a file-count and byte cap. Only what runs, params, metrics and tags are read from is copied: the
experiments' and runs' `meta.yaml`, experiment tags and the runs' `metrics/`, `params/` and `tags/`
files; artifacts, logged models, traces, datasets, inputs and outputs never leave the repository.
Metric files mlflow could not parse and metric, param or tag files whose names mlflow rejects
(markup, `..`) are left out of the copy and recorded as problems; each run is read on its own
(`get_run`), so a broken run is a problem, not a lost store. A database is read from its copy only
(the repository's file is never opened by sqlite). Nothing that loads a model, an artifact or a pickle
is called. `mlflow` is imported only when an MLflow store exists; `MLFLOW_ALLOW_FILE_STORE=true` and
`MLFLOW_DISABLE_TELEMETRY=true` are set only around the read (the import included). The temporary
folder is always removed, and no temporary path reaches the result.
"""
from __future__ import annotations

import contextlib
import logging
import math
import os
import posixpath
import re
import sqlite3
import tempfile
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import Evidence
from ..repo import RepoView
from .common import excerpt
from .yamlsafe import try_load_yaml

MAX_STORE_FILES = 20_000              # files copied from all MLflow stores together
MAX_STORE_BYTES = 200 * 1024 * 1024   # bytes copied from all MLflow stores together
MAX_RUNS_PER_STORE = 1_000            # runs read from one store
MAX_VALUE_CHARS = 200                 # a parameter value is cut to this many characters
MAX_DOC_BYTES = 2 * 1024 * 1024       # a DVC / wandb file bigger than this is not parsed
MAX_FLAT_KEYS = 2_000                 # keys taken from one DVC / wandb file

_SQLITE_MAGIC = b"SQLite format 3\x00"
_MLFLOW_TABLES = frozenset({"experiments", "runs", "metrics", "params"})
_RUN_ID = re.compile(r"^[a-zA-Z0-9][\w\-]{0,255}$")  # mlflow's own run-id rule
_BASELINE = re.compile(r"baseline|dummy", re.IGNORECASE)
_WANDB_SUMMARY = re.compile(r"(?:^|/)wandb/([^/]*run-[^/]+)/files/wandb-summary\.json$")
_RESERVED = frozenset({"artifacts", ".trash", "models", "traces", "datasets", "tags"})  # never a run or experiment id
_RUN_RECORDS = frozenset({"metrics", "params", "tags"})  # the folders of a run that get_run reads
# Names mlflow's file store accepts for metrics, params and tags (its non-Windows rule); anything else
# makes mlflow fail the whole run.
_MLFLOW_NAME = re.compile(r"[/\w.\- :]+")


@dataclass(frozen=True, kw_only=True)
class TrackedRun:
    """One tracked run: its store, identity, params and final metric values."""

    store: str                      # repository-relative store path ("mlruns", "mlflow.db", "dvc.yaml", "wandb/offline-run-…")
    tool: str                       # "mlflow" | "dvc" | "wandb"
    run_id: str                     # mlflow run id / dvc "workspace" / wandb run id
    name: str | None                # run name (mlflow tag mlflow.runName / run_name), None if absent
    experiment: str | None
    params: tuple[tuple[str, str], ...]     # sorted, values as strings, each capped at 200 chars
    metrics: tuple[tuple[str, float], ...]  # final (latest) value per metric key, sorted by key
    status: str | None
    start_time: int | None          # ms since epoch as stored (for ordering only)
    evidence: Evidence              # path to the run's folder/meta.yaml or the db/file

    def metric(self, key: str) -> float | None:
        """The final value of metric `key`, or None."""
        return dict(self.metrics).get(key)

    @property
    def is_baseline(self) -> bool:
        """The run's name or a parameter value says baseline or dummy."""
        texts = [self.name or ""] + [value for _, value in self.params]
        return any(_BASELINE.search(text) for text in texts)


def _run_order(run: TrackedRun) -> tuple:
    return (run.store, run.experiment is None, run.experiment or "", run.start_time is None,
            run.start_time or 0, run.run_id)


@dataclass(frozen=True, kw_only=True)
class RunStoreFacts:
    """Every run found in the repository's committed run stores, and what could not be read."""

    runs: tuple[TrackedRun, ...]            # deterministic order: store, experiment, start_time, run_id
    problems: tuple[Evidence, ...]          # broken runs / unreadable stores, each with a short excerpt
    stores: tuple[str, ...]                 # store paths found

    def best_run(self, metric: str, higher_is_better: bool) -> TrackedRun | None:
        """The run with the best final value of `metric` (NaN ignored; ties: the first in order)."""
        best: TrackedRun | None = None
        best_value = 0.0
        for run in self.runs:
            value = run.metric(metric)
            if value is None or math.isnan(value):
                continue
            if best is None or (value > best_value if higher_is_better else value < best_value):
                best, best_value = run, value
        return best

    def baseline_runs(self) -> tuple[TrackedRun, ...]:
        """Runs whose name or parameter values say baseline or dummy (e.g. `DummyClassifier`)."""
        return tuple(run for run in self.runs if run.is_baseline)


# ----- shared helpers ----------------------------------------------------------------------------

@dataclass
class _Collector:
    """Runs and problems gathered over one detection, and the copy budget they share."""

    runs: list[TrackedRun] = field(default_factory=list)
    problems: list[Evidence] = field(default_factory=list)
    stores: set[str] = field(default_factory=set)
    files_left: int = field(default_factory=lambda: MAX_STORE_FILES)
    bytes_left: int = field(default_factory=lambda: MAX_STORE_BYTES)

    def problem(self, path: str, text: str) -> None:
        self.problems.append(Evidence(path=path, excerpt=excerpt(text)))


def _text_value(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value) if isinstance(value, float) else str(value)
    return text[:MAX_VALUE_CHARS]


def _number(value: Any) -> float | None:
    """A metric value: int or float (not bool), or a numeric string; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Leaf values of nested dicts as ("a.b", leaf); lists are leaves."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _flatten(child, f"{prefix}{key}.")
        return
    if prefix:
        yield prefix[:-1], value


def _parse_document(repo: RepoView, path: str, col: _Collector) -> Any:
    """A JSON / YAML / TOML file of the repository as plain values, or None (problem recorded)."""
    data = repo.read_bytes(path, MAX_DOC_BYTES)
    if data is None:
        col.problem(path, "not readable (missing, too large or not a regular file)")
        return None
    text = data.decode("utf-8-sig", errors="replace")
    lower = path.lower()
    try:
        if lower.endswith(".json"):
            import json
            return json.loads(text)
        if lower.endswith(".toml"):
            import tomllib
            return tomllib.loads(text)
    except (ValueError, RecursionError) as exc:
        col.problem(path, f"malformed {lower.rsplit('.', 1)[-1].upper()}: {exc}")
        return None
    documents, reason = try_load_yaml(text)
    if reason is not None:
        col.problem(path, reason)
        return None
    return documents[0] if documents else None


# ----- DVC ---------------------------------------------------------------------------------------

def _dvc_named_files(spec: Any, base: str) -> tuple[set[str], set[str]]:
    """(metrics files, params files) a parsed `dvc.yaml` names, repository-relative."""
    metrics: set[str] = set()
    params: set[str] = set()

    def add(entries: Any, into: set[str], folder: str, default: str | None = None) -> None:
        for entry in entries if isinstance(entries, list) else []:
            names = list(entry) if isinstance(entry, dict) else [entry]
            for name in names:
                if not isinstance(name, str):
                    continue
                if default is None:  # metrics: every entry is a file (or folder)
                    target: str | None = name
                else:  # params: a file, or a key of the default params file
                    target = name if name.endswith((".yaml", ".yml", ".json", ".toml")) else default
                if target:
                    into.add(posixpath.normpath(posixpath.join(folder, target)))

    if not isinstance(spec, dict):
        return metrics, params
    add(spec.get("metrics"), metrics, base)
    add(spec.get("params"), params, base, "params.yaml")
    stages = spec.get("stages")
    for stage in stages.values() if isinstance(stages, dict) else []:
        if not isinstance(stage, dict):
            continue
        wdir = stage.get("wdir") if isinstance(stage.get("wdir"), str) else "."
        folder = posixpath.normpath(posixpath.join(base, wdir))
        add(stage.get("metrics"), metrics, folder)
        add(stage.get("params"), params, folder, "params.yaml")
    return metrics, params


def _read_dvc(repo: RepoView, col: _Collector) -> None:
    for dvc_file in (f.path for f in repo.files if posixpath.basename(f.path) == "dvc.yaml"):
        spec = _parse_document(repo, dvc_file, col)
        base = posixpath.dirname(dvc_file)
        metrics_files, params_files = _dvc_named_files(spec, base)
        default_params = posixpath.join(base, "params.yaml")
        if repo.file(default_params) is not None:
            params_files.add(default_params)
        if not metrics_files and not params_files:
            continue
        col.stores.add(dvc_file)
        metrics: dict[str, float] = {}
        params: dict[str, str] = {}
        for path in sorted(metrics_files):
            if repo.is_dir(path):
                continue  # a metrics folder (DVC plots/metrics dirs) is not read
            if path.startswith("..") or repo.file(path) is None:
                col.problem(dvc_file, f"metrics file {path} is not in the repository")
                continue
            for key, value in list(_flatten(_parse_document(repo, path, col)))[:MAX_FLAT_KEYS]:
                number = _number(value)
                if number is not None:
                    metrics[key] = number
        for path in sorted(params_files):
            if path.startswith("..") or repo.file(path) is None:
                col.problem(dvc_file, f"params file {path} is not in the repository")
                continue
            for key, value in list(_flatten(_parse_document(repo, path, col)))[:MAX_FLAT_KEYS]:
                params[key] = _text_value(value)
        if metrics or params:
            col.runs.append(TrackedRun(
                store=dvc_file, tool="dvc", run_id="workspace", name=None, experiment=None,
                params=tuple(sorted(params.items())), metrics=tuple(sorted(metrics.items())),
                status=None, start_time=None,
                evidence=Evidence(path=min(metrics_files) if metrics_files else dvc_file)))


# ----- wandb -------------------------------------------------------------------------------------

def _read_wandb(repo: RepoView, col: _Collector) -> None:
    for summary_path in (f.path for f in repo.files if _WANDB_SUMMARY.search(f.path)):
        match = _WANDB_SUMMARY.search(summary_path)
        assert match is not None
        folder = summary_path[: -len("/files/wandb-summary.json")]
        col.stores.add(folder)
        summary = _parse_document(repo, summary_path, col)
        if not isinstance(summary, dict):
            if summary is not None:
                col.problem(summary_path, "wandb summary is not a JSON object")
            continue
        metrics = {}
        for key, value in list(summary.items())[:MAX_FLAT_KEYS]:
            number = _number(value) if not isinstance(value, str) else None
            if not str(key).startswith("_") and number is not None:
                metrics[str(key)] = number
        params: dict[str, str] = {}
        config_path = f"{folder}/files/config.yaml"
        if repo.file(config_path) is not None:
            config = _parse_document(repo, config_path, col)
            for key, value in list(config.items())[:MAX_FLAT_KEYS] if isinstance(config, dict) else []:
                if str(key).startswith("_") or key == "wandb_version":
                    continue
                params[str(key)] = _text_value(value.get("value") if isinstance(value, dict) else value)
        timestamp = _number(summary.get("_timestamp"))
        col.runs.append(TrackedRun(
            store=folder, tool="wandb", run_id=match.group(1).rsplit("-", 1)[-1], name=None,
            experiment=None, params=tuple(sorted(params.items())), metrics=tuple(sorted(metrics.items())),
            status=None, start_time=int(timestamp * 1000) if timestamp is not None and math.isfinite(timestamp)
            else None, evidence=Evidence(path=summary_path)))


# ----- MLflow: finding stores and copying them ---------------------------------------------------

def _mlruns_roots(repo: RepoView) -> list[str]:
    """The outermost folders named `mlruns` that hold listed files."""
    roots: set[str] = set()
    for f in repo.files:
        parts = f.path.split("/")[:-1]
        if "mlruns" in parts:
            roots.add("/".join(parts[: parts.index("mlruns") + 1]))
    return sorted(roots)


def _metric_file_ok(data: bytes) -> bool:
    """Whether mlflow's file store can parse a metric file: `timestamp value [step]` per line."""
    lines = data.decode("utf-8", errors="replace").splitlines()
    if not lines:
        return False
    for line in lines:
        parts = line.strip().split(" ")
        if len(parts) not in (2, 3):
            return False
        try:
            int(parts[0])
            float(parts[1])
            if len(parts) == 3:
                int(parts[2])
        except ValueError:
            return False
    return True


def _copy_file(repo: RepoView, path: str, target: Path, col: _Collector, store: str,
               accept: Callable[[bytes], bool] | None = None, refusal: str = "") -> bool:
    """Copy one listed file within the shared caps; False when a cap stops the copy.

    `accept` may turn the bytes down: the file is then left out and `refusal` recorded as a problem.
    """
    entry = repo.file(path)
    if entry is None:
        return True
    if col.files_left <= 0 or entry.size > col.bytes_left:
        col.problem(store, f"store larger than the read cap ({MAX_STORE_FILES} files, "
                           f"{MAX_STORE_BYTES // (1024 * 1024)} MB); read partially")
        return False
    data = repo.read_bytes(path)
    if data is None:
        col.problem(path, "not readable (too large or not a regular file); left out")
        return True
    if accept is not None and not accept(data):
        col.problem(path, refusal)
        return True
    col.files_left -= 1
    col.bytes_left -= len(data)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return True


def _mlflow_name_ok(name: str) -> bool:
    """Whether mlflow's file store accepts `name` (a metric, param or tag file below its folder)."""
    return (_MLFLOW_NAME.fullmatch(name) is not None and posixpath.normpath(name) == name
            and not name.startswith(("..", "/")))


def _store_record(rel: list[str]) -> tuple[str, str] | None:
    """What a file store path (split, below the store) holds when reading runs needs it: ("meta", "")
    for an experiment's or a run's meta.yaml, ("tags" | "params" | "metrics", name) for a record;
    None for anything else (artifacts, logged models, traces, datasets, inputs, outputs, stray files)."""
    if len(rel) < 2 or not rel[0] or rel[0] in _RESERVED:
        return None
    if rel[1:] == ["meta.yaml"]:
        return "meta", ""
    if rel[1] == "tags" and len(rel) >= 3:
        return "tags", "/".join(rel[2:])
    if rel[1] in _RESERVED or len(rel) < 3:
        return None
    if rel[2:] == ["meta.yaml"]:
        return "meta", ""
    if rel[2] in _RUN_RECORDS and len(rel) >= 4:
        return rel[2], "/".join(rel[3:])
    return None


def _copy_mlruns(repo: RepoView, store: str, dest: Path, col: _Collector) -> list[tuple[str, str]]:
    """Copy what a file store's runs are read from into `dest`; return its (experiment id, run id) pairs."""
    prefix = store + "/"
    runs: set[tuple[str, str]] = set()
    for f in repo.files:
        if not f.path.startswith(prefix):
            continue
        rel = f.path[len(prefix):].split("/")
        record = _store_record(rel)
        if record is None:
            continue
        kind, name = record
        if kind == "meta" and len(rel) == 3:
            if _RUN_ID.match(rel[1]) is None:
                col.problem(f.path, f"run folder name {rel[1]!r} is not a valid run id; skipped")
                continue
            runs.add((rel[0], rel[1]))
        if kind != "meta" and not _mlflow_name_ok(name):
            col.problem(f.path, f"{kind[:-1]} name {name!r} is not one mlflow accepts; left out")
            continue
        if not _copy_file(repo, f.path, dest.joinpath(*rel), col, store,
                          accept=_metric_file_ok if kind == "metrics" else None,
                          refusal="malformed metric file (expected `timestamp value [step]` lines); left out"):
            break
    for experiment_id, run_id in runs:  # mlflow requires these folders to accept a run folder
        for sub in ("metrics", "params", "tags", "artifacts"):
            (dest / experiment_id / run_id / sub).mkdir(parents=True, exist_ok=True)
    return sorted(runs)


def _mlflow_tables(path: Path) -> frozenset[str] | None:
    """Table names of the sqlite file at `path` (opened read-only), or None when it is not one."""
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            rows = connection.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    return frozenset(str(row[0]) for row in rows)


def _db_run_ids(path: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as connection:
        rows = connection.execute("SELECT run_uuid FROM runs ORDER BY run_uuid").fetchall()
    return [str(row[0]) for row in rows]


def _copy_databases(repo: RepoView, dest: Path, col: _Collector) -> list[tuple[str, Path]]:
    """Copy each `*.db` that is an MLflow sqlite database; return (repository path, copy) pairs."""
    found: list[tuple[str, Path]] = []
    for number, entry in enumerate(repo.with_suffix(".db")):
        named = posixpath.basename(entry.path) == "mlflow.db"
        target = dest / f"db{number}" / "mlflow.db"
        if not _copy_file(repo, entry.path, target, col, entry.path):
            break
        if not target.exists():
            continue
        if target.read_bytes()[:16] != _SQLITE_MAGIC:
            if named:
                col.stores.add(entry.path)
                col.problem(entry.path, "mlflow.db is not an sqlite database")
            continue
        tables = _mlflow_tables(target)
        if tables is None or not _MLFLOW_TABLES <= tables:
            if named:
                col.stores.add(entry.path)
                col.problem(entry.path, "corrupt or not an MLflow database (no MLflow tables)")
            continue
        col.stores.add(entry.path)
        found.append((entry.path, target))
    return found


# ----- MLflow: reading the copies ----------------------------------------------------------------

# Set around every use of mlflow, its first import included: the file store stays readable, and
# mlflow's usage telemetry stays off (enabled, `import mlflow` writes an installation id under
# ~/.config/mlflow and a usage event would make it call its telemetry servers).
_MLFLOW_ENVIRONMENT = {"MLFLOW_ALLOW_FILE_STORE": "true", "MLFLOW_DISABLE_TELEMETRY": "true"}


@contextlib.contextmanager
def _mlflow_environment() -> Iterator[None]:
    """Set `_MLFLOW_ENVIRONMENT` for the duration of a read, then restore the environment."""
    before = {name: os.environ.get(name) for name in _MLFLOW_ENVIRONMENT}
    os.environ.update(_MLFLOW_ENVIRONMENT)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _clean(exc: BaseException, temp: Path, store: str) -> str:
    """An exception's first line with temporary paths replaced by the store path."""
    text = (str(exc).strip().splitlines() or [""])[0]
    for shown in (temp.as_uri(), str(temp)):
        text = text.replace(shown, "<copy>")
    text = re.sub(r"<copy>(/db\d+/mlflow\.db|/mlruns\d*)?", store, text)
    return f"{type(exc).__name__}: {text}"


def _tracked_mlflow_run(run: Any, store: str, experiment: str | None, evidence: Evidence) -> TrackedRun:
    info, data = run.info, run.data
    params = tuple(sorted((str(k), _text_value(v)) for k, v in data.params.items()))
    metrics = tuple(sorted((str(k), float(v)) for k, v in data.metrics.items()))
    name = info.run_name or data.tags.get("mlflow.runName") or None
    return TrackedRun(store=store, tool="mlflow", run_id=str(info.run_id), name=name, experiment=experiment,
                      params=params, metrics=metrics, status=str(info.status) if info.status else None,
                      start_time=int(info.start_time) if info.start_time is not None else None,
                      evidence=evidence)


def _read_runs(client: Any, store: str, run_ids: list[tuple[str | None, str]], temp: Path,
               col: _Collector, evidence_for: Any) -> None:
    """Read each run with `client.get_run`; a failure is a problem for that run only."""
    if len(run_ids) > MAX_RUNS_PER_STORE:
        col.problem(store, f"{len(run_ids)} runs; only the first {MAX_RUNS_PER_STORE} were read")
    names: dict[str, str | None] = {}
    for experiment_id, run_id in run_ids[:MAX_RUNS_PER_STORE]:
        evidence = evidence_for(experiment_id, run_id)
        try:
            run = client.get_run(run_id)
            exp_id = str(run.info.experiment_id)
            if exp_id not in names:
                try:
                    names[exp_id] = client.get_experiment(exp_id).name
                except Exception as exc:  # noqa: BLE001 - a broken experiment keeps its runs
                    names[exp_id] = None
                    col.problem(evidence.path, f"experiment {exp_id}: {_clean(exc, temp, store)}")
            col.runs.append(_tracked_mlflow_run(run, store, names[exp_id], evidence))
        except Exception as exc:  # noqa: BLE001 - mlflow raises many kinds; one run only
            col.problem(evidence.path, f"run {run_id}: {_clean(exc, temp, store)}")


def _read_file_store(store: str, copy: Path, run_ids: list[tuple[str, str]], temp: Path,
                     col: _Collector) -> None:
    from mlflow.tracking import MlflowClient

    try:
        client = MlflowClient(tracking_uri=copy.as_uri())
        _read_runs(client, store, list(run_ids), temp, col,
                   lambda exp, run: Evidence(path=f"{store}/{exp}/{run}/meta.yaml"))
    except Exception as exc:  # noqa: BLE001 - the store as a whole could not be opened
        col.problem(store, _clean(exc, temp, store))


def _open_database(uri: str) -> Any:
    """A client for a copied database; an out-of-date schema is upgraded in the copy first."""
    from mlflow.exceptions import MlflowException
    from mlflow.tracking import MlflowClient

    try:
        return MlflowClient(tracking_uri=uri)  # opens the store now: checks the schema
    except MlflowException as exc:
        if "out-of-date database schema" not in str(exc):
            raise
    import sqlalchemy
    from mlflow.store.db.utils import (
        _upgrade_db,  # `mlflow db upgrade`, run on the copy only
    )

    engine = sqlalchemy.create_engine(uri)
    try:
        _upgrade_db(engine)
    finally:
        engine.dispose()
    _dispose_engine(uri)
    return MlflowClient(tracking_uri=uri)


def _read_database(store: str, copy: Path, temp: Path, col: _Collector) -> None:
    uri = f"sqlite:///{copy}"
    try:
        run_ids: list[tuple[str | None, str]] = [(None, run_id) for run_id in _db_run_ids(copy)]
        client = _open_database(uri)
        _read_runs(client, store, run_ids, temp, col,
                   lambda _exp, run: Evidence(path=store, excerpt=f"run {run}"))
    except Exception as exc:  # noqa: BLE001 - missing driver, corrupt tables, failed upgrade, ...
        col.problem(store, _clean(exc, temp, store))
    finally:
        _dispose_engine(uri)


def _dispose_engine(uri: str) -> None:
    """Drop mlflow's cached engine for a copy that is about to be deleted."""
    try:
        from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore
    except ImportError:
        return
    engine = SqlAlchemyStore._engine_map.pop(uri, None)  # mlflow caches one engine per URI
    if engine is not None:
        engine.dispose()


def _read_mlflow(repo: RepoView, col: _Collector) -> None:
    roots = _mlruns_roots(repo)
    if not roots and not repo.with_suffix(".db"):
        return
    with tempfile.TemporaryDirectory(prefix="portcheck-runs-") as name:
        temp = Path(name)
        databases = _copy_databases(repo, temp, col)
        copies: list[tuple[str, Path, list[tuple[str, str]]]] = []
        for number, store in enumerate(roots):
            col.stores.add(store)
            copy = temp / f"mlruns{number}"
            copy.mkdir()
            run_ids = _copy_mlruns(repo, store, copy, col)
            if not run_ids:
                col.problem(store, "no readable MLflow runs in this folder")
                continue
            copies.append((store, copy, run_ids))
        if not copies and not databases:
            return
        with _quiet_libraries(), _mlflow_environment():
            for store, copy, run_ids in copies:
                _read_file_store(store, copy, run_ids, temp, col)
            for store, copy in databases:
                _read_database(store, copy, temp, col)


@contextlib.contextmanager
def _quiet_libraries() -> Iterator[None]:
    """mlflow, SQLAlchemy and alembic talk (deprecation warnings, INFO logs about tables); a scan's
    output is portcheck's alone, so silence them for the read and restore the levels afterwards."""
    loggers = [logging.getLogger(name) for name in ("mlflow", "alembic", "sqlalchemy")]
    levels = [logger.level for logger in loggers]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for logger in loggers:
                logger.setLevel(logging.ERROR)
            yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def detect_run_stores(repo: RepoView) -> RunStoreFacts:
    """Read the repository's committed run stores (MLflow, DVC, wandb offline) into runs and problems."""
    col = _Collector()
    for reader in (_read_mlflow, _read_dvc, _read_wandb):
        try:
            reader(repo, col)
        except Exception as exc:  # noqa: BLE001 - totality: a reader bug must not sink the scan
            col.problem(".", f"run store reading failed: {type(exc).__name__}")
    problems = sorted(set(col.problems), key=lambda e: (e.path, e.excerpt or ""))
    return RunStoreFacts(runs=tuple(sorted(col.runs, key=_run_order)), problems=tuple(problems),
                         stores=tuple(sorted(col.stores)))
