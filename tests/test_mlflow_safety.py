"""MLflow stores are read for runs, params, metrics and tags only: no model, artifact or pickle is ever
loaded, no file outside the repository is read, and a database is opened as a copy, never in place.

The repository holds both kinds of store, each with live payloads:
- a file store written by mlflow's own client, plus by hand: a model artifact (`MLmodel` with sklearn and
  python_function flavours, `model.pkl` and `python_model.pkl` that run `touch CANARY` when unpickled)
  in a run's `artifacts/` and as an mlflow 3 logged model (`models/m-…`, the run's `outputs/`, the
  `mlflow.log-model.history` tag); a run and an experiment whose `meta.yaml` carry a YAML python tag
  calling `os.system("touch CANARY")`; a broken `meta.yaml`; a metric file of non-numeric lines; metric
  and param files named with markup (mlflow rejects such names and would fail the whole run); a run
  whose `run_id` climbs out (`../../../etc/passwd`); and symlinks to outside (a metric file, a param
  file, a whole run folder and a whole experiment folder, each holding a secret value);
- `mlflow.db`, written by mlflow's client, then given a metric key `../../etc/passwd`, a run id
  `../../etc/passwd`, artifact locations inside the repository (with the same canary model) and WAL
  journaling (opening it in place would create `mlflow.db-wal`/`-shm` beside it).

Each payload is shown live with plain tools first (unpickling and `yaml.unsafe_load` create the canary,
sqlite creates the journal files, mlflow in this environment turns its telemetry on). The scan runs in
the `portcheck` CLI under an audit hook (tests/audited.py): no canary, no class from outside portcheck
unpickled, no watched file opened, no sqlite connection to a file in the repository, nothing left in
HOME or TMPDIR, the tree byte-identical.
"""
from __future__ import annotations

import contextlib
import json
import os
import pickle
import shlex
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from audited import python_audited, run_audited
from gitutil import tree_snapshot, write_files
from story_helpers import log_with

from portcheck.analyzer.facts.runstore import detect_run_stores
from portcheck.analyzer.repo import RepoView

SECRET = 0.987654  # a metric value, and a text, that only files outside the repository hold
SECRET_TEXT = "TOP-SECRET-PARAM"
MODEL_FILES = ("model.pkl", "python_model.pkl", "MLmodel")
OUTSIDE_NAMES = ("passwd", "secret_metric", "secret_param")
SAFE_UNPICKLED = frozenset({"builtins", "copyreg", "collections", "datetime", "enum", "pathlib", "_codecs"})
RUNS = [("baseline", {"model": "dummy"}, {"f1": 0.21}), ("forest", {"model": "rf", "n_estimators": 200}, {"f1": 0.74})]
LOGGED_MODEL = "m-0f1e2d3c4b5a69788796a5b4c3d2e1f0"
PI_RUN = "31415926535897932384626433832795"      # a good run in an experiment whose name is a python tag
LINKED_RUN = "2badc0de2badc0de2badc0de2badc0de"  # a whole run outside, linked into the store


class Touch:
    """Unpickled, this runs `touch PATH` (what a hostile model file does to whoever loads it)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return os.system, (f"touch {shlex.quote(str(self.path))}",)


def mlmodel(run_id: str) -> str:
    """An MLmodel file whose flavours name the pickles beside it."""
    return (f"artifact_path: model\nrun_id: {run_id}\nmodel_uuid: 2b3c\nflavors:\n"
            "  python_function:\n    loader_module: mlflow.sklearn\n    model_path: model.pkl\n"
            "    python_model: python_model.pkl\n    python_version: 3.11.7\n"
            "  sklearn:\n    pickled_model: model.pkl\n    serialization_format: cloudpickle\n    sklearn_version: 1.5.0\n")


def model_files(folder: str, run_id: str, payload: bytes) -> dict[str, str | bytes]:
    return {f"{folder}/MLmodel": mlmodel(run_id), f"{folder}/model.pkl": payload,
            f"{folder}/python_model.pkl": payload, f"{folder}/conda.yaml": "dependencies: [python=3.11]\n"}


def yaml_payload(canary: Path) -> str:
    return f"!!python/object/apply:os.system [{json.dumps(f'touch {shlex.quote(str(canary))}')}]"


def log_runs(tracking_uri: str, experiment: str, artifact_location: str | None = None) -> tuple[str, list[str]]:
    """RUNS logged with mlflow's own client; (experiment id, run ids)."""
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=tracking_uri)
    experiment_id = client.create_experiment(experiment, artifact_location=artifact_location)
    run_ids = log_with(client, experiment_id, RUNS)
    return experiment_id, run_ids


def write_database(path: Path, artifacts: Path) -> list[str]:
    """mlflow.db with RUNS plus a third run, then made hostile by hand; the good runs' ids."""
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore
    from mlflow.tracking import MlflowClient

    uri = f"sqlite:///{path}"
    _, run_ids = log_runs(uri, "db-churn", artifact_location=artifacts.as_uri())
    client = MlflowClient(tracking_uri=uri)
    escape = client.create_run(client.get_run(run_ids[0]).info.experiment_id, run_name="escape").info.run_id
    client.log_metric(run_ids[1], "loss", 0.3, timestamp=1_700_000_000_000, step=0)
    SqlAlchemyStore._engine_map.pop(uri).dispose()
    with contextlib.closing(sqlite3.connect(path)) as db:
        for table in ("metrics", "latest_metrics"):
            db.execute(f"UPDATE {table} SET key = '../../etc/passwd' WHERE key = 'loss'")
        for table in ("runs", "tags", "metrics", "params", "latest_metrics"):
            db.execute(f"UPDATE {table} SET run_uuid = '../../etc/passwd' WHERE run_uuid = ?", (escape,))
        db.commit()
        assert db.execute("PRAGMA journal_mode=WAL").fetchone() == ("wal",)
    assert not path.with_name(path.name + "-wal").exists()
    return run_ids


@dataclass(frozen=True)
class Store:
    root: Path            # the repository
    canary: Path          # what every payload would create
    outside: Path         # a folder beside the repository with secrets and whole runs
    file_runs: list[str]  # the file store's good run ids (baseline, forest)
    db_runs: list[str]    # the database's good run ids
    experiment: str       # the file store's experiment id


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    work = tmp_path_factory.mktemp("mlflow-safety")
    root, outside, canary = work / "proj", work / "outside", work / "CANARY"
    payload = pickle.dumps(Touch(canary))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
        experiment, file_runs = log_runs((root / "mlruns").as_uri(), "churn")
        generated = work / "generated"
        generated.mkdir()
        db_runs = write_database(generated / "mlflow.db", root / "mlartifacts")
    shutil.copyfile(generated / "mlflow.db", root / "mlflow.db")
    shutil.rmtree(root / "mlruns" / ".trash", ignore_errors=True)
    exp = f"mlruns/{experiment}"
    baseline, forest = (f"{exp}/{run}" for run in file_runs)
    db_experiment = "1"
    files: dict[str, str | bytes] = {
        "README.md": "# Churn\n\nPredicts churn; runs are in `mlruns/` and `mlflow.db`.\n",
        "train.py": "import mlflow\n\nmlflow.sklearn.log_model(model, 'model')\n",
        **model_files(f"{baseline}/artifacts/model", file_runs[0], payload),
        **model_files(f"{exp}/models/{LOGGED_MODEL}/artifacts", file_runs[1], payload),
        f"{exp}/models/{LOGGED_MODEL}/meta.yaml": (f"model_id: {LOGGED_MODEL}\nexperiment_id: '{experiment}'\n"
                                                   f"name: model\nsource_run_id: {file_runs[1]}\n"
                                                   f"artifact_location: file://{root}/{exp}/models/{LOGGED_MODEL}/artifacts\n"),
        f"{forest}/outputs/{LOGGED_MODEL}/meta.yaml": f"destination_id: {LOGGED_MODEL}\ndestination_type: MODEL_OUTPUT\nstep: 0\n",
        f"{forest}/tags/mlflow.log-model.history": json.dumps([{"run_id": file_runs[1], "artifact_path": "model",
                                                                "flavors": {"sklearn": {"pickled_model": "model.pkl"}}}]),
        f"{forest}/metrics/loss": "abc def\nnot a number\n",
        f"{forest}/metrics/<img src=x onerror=alert(1)>": "1700000000000 0.5 0\n",  # a name mlflow rejects
        f"{forest}/params/<svg onload=alert(1)>": "1",
        f"{exp}/0badc0de0badc0de0badc0de0badc0de/meta.yaml": f"run_id: {yaml_payload(canary)}\nstatus: [\n",
        f"{exp}/1badc0de1badc0de1badc0de1badc0de/meta.yaml": (
            f"run_id: ../../../etc/passwd\nexperiment_id: '{experiment}'\nrun_name: climber\nstatus: 3\n"
            "lifecycle_stage: active\nstart_time: 1\nuser_id: x\nartifact_uri: file:///etc\n"),
        "mlruns/31415/meta.yaml": f"experiment_id: '31415'\nname: {yaml_payload(canary)}\nlifecycle_stage: active\n",
        **{f"mlruns/31415/{PI_RUN}/{rel}": data for rel, data in _run_files(root / baseline, "31415", PI_RUN).items()},
        **model_files(f"mlartifacts/{db_experiment}/{db_runs[0]}/artifacts/model", db_runs[0], payload),
    }
    write_files(root, files)
    # secrets and whole runs outside the repository, reachable only through symlinks
    write_files(outside, {"secret_metric": f"1700000000000 {SECRET} 0\n", "secret_param": SECRET_TEXT,
                          **{f"run/{rel}": data for rel, data in _run_files(root / forest, experiment, LINKED_RUN).items()},
                          "experiment/meta.yaml": "experiment_id: '27'\nname: outside\nlifecycle_stage: active\n"})
    (outside / "run" / "params" / "leak").write_text(SECRET_TEXT)
    os.symlink(outside / "secret_metric", root / forest / "metrics" / "leaked_auc")
    os.symlink(outside / "secret_param", root / baseline / "params" / "leaked_param")
    os.symlink(outside / "run", root / exp / LINKED_RUN)
    os.symlink(outside / "experiment", root / "mlruns" / "27")
    os.symlink("/etc/passwd", root / forest / "tags" / "passwd")
    return Store(root=root, canary=canary, outside=outside, file_runs=file_runs, db_runs=db_runs, experiment=experiment)


def _run_files(folder: Path, experiment_id: str, run_id: str) -> dict[str, str]:
    """A copy of the run in `folder` (no artifacts) as run `run_id` of experiment `experiment_id`."""
    files = {str(p.relative_to(folder)): p.read_text() for p in folder.rglob("*") if p.is_file() and "artifacts" not in p.parts}
    meta = yaml.safe_load(files["meta.yaml"])
    meta.update(experiment_id=experiment_id, run_id=run_id, run_uuid=run_id,
                artifact_uri=f"file:///elsewhere/{experiment_id}/{run_id}/artifacts")
    files["meta.yaml"] = yaml.safe_dump(meta)
    return files


def test_every_payload_is_live_under_plain_tools(store, tmp_path):
    """Whoever unpickles the model, loads the YAML unsafely, opens the database in place or imports
    mlflow here gets what the payloads promise: the scan below must avoid each of them."""
    pickle.loads((store.root / "mlruns" / store.experiment / store.file_runs[0] / "artifacts/model/model.pkl").read_bytes())
    assert store.canary.exists()
    store.canary.unlink()
    yaml.unsafe_load((store.root / "mlruns/31415/meta.yaml").read_text())
    assert store.canary.exists()
    store.canary.unlink()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    shutil.copyfile(store.root / "mlflow.db", scratch / "mlflow.db")
    with contextlib.closing(sqlite3.connect(scratch / "mlflow.db")) as db:
        db.execute("SELECT count(*) FROM runs").fetchone()
        assert (scratch / "mlflow.db-wal").exists() and (scratch / "mlflow.db-shm").exists()
    telemetry = python_audited(tmp_path, "import mlflow")
    assert telemetry.proc.returncode == 0, telemetry.proc.stderr
    assert telemetry.home_files() == [".config", ".config/mlflow", ".config/mlflow/telemetry.json"]


def test_a_scan_reads_no_model_artifact_pickle_or_outside_file_and_never_opens_the_database_in_place(store, tmp_path):
    before = tree_snapshot(store.root)

    run = run_audited(tmp_path, "scan", str(store.root), "--format", "json", "--output", str(tmp_path / "report.json"),
                      "--no-progress", watch_names=("README.md", *MODEL_FILES, *OUTSIDE_NAMES))

    assert run.proc.returncode in (0, 1), run.proc.stderr
    assert "Traceback" not in run.proc.stderr
    assert run.started and run.of("import"), "the stores were read, so mlflow was imported"
    assert not store.canary.exists()
    unpickled = {(e["args"][0], e["args"][1]) for e in run.of("pickle.find_class")}
    assert {(module, name) for module, name in unpickled
            if not module.startswith("portcheck.") and module not in SAFE_UNPICKLED} == set()
    opened = {Path(e["args"][0]).name for e in run.of("open")}
    assert opened == {"README.md"}  # the watch sees the scan's reads; no model file, no file outside, by name
    connected = [e["args"][0] for e in run.of("sqlite3.connect")]
    assert connected, "the database copy was opened"
    assert not [path for path in connected if str(store.root) in str(path)]
    assert tree_snapshot(store.root) == before
    assert sorted(p.name for p in store.root.glob("mlflow.db*")) == ["mlflow.db"]
    assert run.temp_files() == [] and run.home_files() == []
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["facts"]["tracking"] == ["mlflow"]
    assert str(SECRET) not in json.dumps(report) and SECRET_TEXT not in json.dumps(report)


def test_only_runs_params_metrics_and_tags_are_read_and_each_hostile_part_is_a_problem(store):
    before = tree_snapshot(store.root)

    facts = detect_run_stores(RepoView(store.root))

    assert tree_snapshot(store.root) == before
    assert not store.canary.exists()
    assert str(SECRET) not in repr(facts) and SECRET_TEXT not in repr(facts)
    assert facts.stores == ("mlflow.db", "mlruns")
    file_runs = {r.run_id: r for r in facts.runs if r.store == "mlruns"}
    baseline, forest = store.file_runs
    assert set(file_runs) == {baseline, forest, PI_RUN}  # nothing from the linked-in run or experiment, nor the climber
    assert file_runs[PI_RUN].experiment is None and file_runs[PI_RUN].metrics == (("f1", 0.21),)
    assert file_runs[baseline].params == (("model", "dummy"),) and file_runs[baseline].metrics == (("f1", 0.21),)
    assert file_runs[forest].metrics == (("f1", 0.74),)  # the non-numeric loss and the linked leaked_auc are out
    assert file_runs[baseline].experiment == file_runs[forest].experiment == "churn"
    db_runs = {r.run_id: r for r in facts.runs if r.store == "mlflow.db"}
    assert set(db_runs) == set(store.db_runs)
    assert db_runs[store.db_runs[1]].metrics == (("../../etc/passwd", 0.3), ("f1", 0.74))  # a name, never a path
    problems = {p.path: p.excerpt or "" for p in facts.problems}
    exp = f"mlruns/{store.experiment}"
    assert "malformed metric file" in problems[f"{exp}/{forest}/metrics/loss"]
    assert "not one mlflow accepts" in problems[f"{exp}/{forest}/metrics/<img src=x onerror=alert(1)>"]
    assert "not one mlflow accepts" in problems[f"{exp}/{forest}/params/<svg onload=alert(1)>"]
    assert f"{exp}/0badc0de0badc0de0badc0de0badc0de/meta.yaml" in problems       # YAML python tag, parse error
    assert f"{exp}/1badc0de1badc0de1badc0de1badc0de/meta.yaml" in problems       # run_id climbing out
    assert "mlruns" not in problems  # the store as a whole was read
    assert any("experiment 31415" in text for text in problems.values())        # python tag in an experiment name
    assert any("../../etc/passwd" in text for path, text in problems.items() if path == "mlflow.db")
    shown = repr(facts)
    assert "MLmodel" not in shown and "model.pkl" not in shown and LOGGED_MODEL not in shown


def test_mlflow_is_not_imported_for_a_repository_without_an_mlflow_store(tmp_path):
    """mlflow in the code, the requirements and the README, a DVC store, a wandb offline run, a sqlite
    file that is not MLflow's and an `mlflow.db` that is not sqlite: nothing needs mlflow's client."""
    root = tmp_path / "proj"
    write_files(root, {
        "README.md": "# Churn\n\nTracked with MLflow (`mlflow ui`).\n",
        "requirements.txt": "mlflow==3.17.2\n",
        "train.py": "import mlflow\n\nmlflow.log_metric('f1', 0.5)\n",
        "dvc.yaml": "metrics:\n  - metrics.json\n",
        "metrics.json": json.dumps({"f1": 0.5}),
        "wandb/offline-run-20240101_120000-abc123/files/wandb-summary.json": json.dumps({"f1": 0.5}),
        "tracking/mlflow.db": b"not a database",
    })
    with contextlib.closing(sqlite3.connect(root / "cache.db")) as db:
        db.execute("CREATE TABLE runs (id TEXT)")
        db.commit()

    run = run_audited(tmp_path, "scan", str(root), "--format", "json", "--output", str(tmp_path / "report.json"),
                      "--no-progress")

    assert run.proc.returncode in (0, 1), run.proc.stderr
    assert run.started
    assert run.of("import") == []
    assert run.temp_files() == []
