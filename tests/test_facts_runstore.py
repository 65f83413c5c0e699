"""Run-store facts: real MLflow stores (file and sqlite) written by mlflow, DVC and wandb files, and
hostile stores — all read through RepoView without changing a byte of the scanned tree."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from gitutil import tree_snapshot, write_files
from story_helpers import log_with

from portcheck.analyzer.facts.runstore import RunStoreFacts, detect_run_stores
from portcheck.analyzer.repo import RepoView

SAMPLES = Path(__file__).resolve().parent.parent / "sample_projects"
RUNS = [  # (name, params, metric history per key: the last value is the final one)
    ("baseline", {"model": "dummy", "seed": 1}, {"f1": [0.10, 0.20], "loss": [0.9]}),
    ("logreg", {"model": "logreg", "C": 0.5}, {"f1": [0.55, 0.61], "loss": [0.4]}),
    ("forest", {"model": "rf", "n_estimators": 100}, {"f1": [0.58], "loss": [0.35]}),
]


def _log_runs(tracking_uri: str) -> list[str]:
    """Log RUNS into a new experiment "churn" with mlflow's client; return the run ids."""
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=tracking_uri)
    return log_with(client, client.create_experiment("churn"), RUNS)


@pytest.fixture
def file_store(tmp_path, monkeypatch) -> tuple[Path, list[str]]:
    """A project whose `mlruns/` mlflow itself wrote (file store), and its run ids."""
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    root = tmp_path / "proj"
    root.mkdir()
    run_ids = _log_runs((root / "mlruns").as_uri())
    return root, run_ids


def _detect(root: Path) -> RunStoreFacts:
    return detect_run_stores(RepoView(root))


def _run_dir(root: Path, run_id: str) -> Path:
    return next((root / "mlruns").glob(f"*/{run_id}"))


def test_file_store_written_by_mlflow_reads_runs_params_and_final_metrics(file_store):
    root, run_ids = file_store
    facts = _detect(root)
    assert facts.stores == ("mlruns",)
    assert facts.problems == ()
    assert sorted(r.run_id for r in facts.runs) == sorted(run_ids)
    assert [r.name for r in facts.runs] == ["baseline", "logreg", "forest"]  # by start_time
    baseline = facts.runs[0]
    assert baseline.tool == "mlflow" and baseline.experiment == "churn" and baseline.status == "FINISHED"
    assert baseline.params == (("model", "dummy"), ("seed", "1"))
    assert baseline.metrics == (("f1", 0.20), ("loss", 0.9))
    assert baseline.evidence.path.startswith("mlruns/") and baseline.evidence.path.endswith("/meta.yaml")
    assert facts.best_run("f1", higher_is_better=True).name == "logreg"
    assert facts.best_run("loss", higher_is_better=False).name == "forest"
    assert facts.best_run("auc", higher_is_better=True) is None
    assert [r.name for r in facts.baseline_runs()] == ["baseline"]


def test_reading_leaves_the_tree_byte_identical_and_the_environment_restored(file_store, monkeypatch):
    root, _ = file_store
    (root / "mlruns" / ".trash").rmdir()  # as committed: git keeps no empty folders
    monkeypatch.delenv("MLFLOW_ALLOW_FILE_STORE")
    before = tree_snapshot(root)
    facts = _detect(root)
    assert len(facts.runs) == 3
    assert tree_snapshot(root) == before
    assert "MLFLOW_ALLOW_FILE_STORE" not in os.environ


def test_output_is_deterministic_and_names_no_temporary_path(file_store):
    root, run_ids = file_store
    (_run_dir(root, run_ids[1]) / "meta.yaml").write_text("run_id: [unclosed\n")
    first, second = _detect(root), _detect(root)
    assert first == second
    assert first.problems and "portcheck-runs-" not in repr(first)


def test_hostile_file_store_yields_problems_and_keeps_the_good_runs(file_store, tmp_path):
    root, (baseline_id, logreg_id, forest_id) = file_store
    secret = tmp_path / "outside-secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    os.symlink(secret, _run_dir(root, baseline_id) / "params" / "leak")  # must not be read
    (_run_dir(root, logreg_id) / "metrics" / "f1").write_text("1700000000000 not-a-number 0\n")
    forest_meta = _run_dir(root, forest_id) / "meta.yaml"
    forest_meta.write_text(forest_meta.read_text().replace(f"run_id: {forest_id}", "run_id: ../../../etc"))
    bad_run = _run_dir(root, forest_id).parent / "deadbeef"
    write_files(bad_run, {"meta.yaml": "run_id: [unclosed\n"})
    before = tree_snapshot(root)

    facts = _detect(root)

    assert tree_snapshot(root) == before
    assert "TOP-SECRET-VALUE" not in repr(facts)
    by_name = {r.name: r for r in facts.runs}
    assert set(by_name) == {"baseline", "logreg"}
    assert "leak" not in dict(by_name["baseline"].params)
    assert by_name["logreg"].metrics == (("loss", 0.4),)  # the malformed metric file is left out
    problem_paths = {p.path for p in facts.problems}
    assert any(p.endswith(f"{logreg_id}/metrics/f1") for p in problem_paths)
    assert any(p.endswith(f"{forest_id}/meta.yaml") for p in problem_paths)
    assert any(p.endswith("deadbeef/meta.yaml") for p in problem_paths)
    assert all(p.excerpt for p in facts.problems)


def test_store_over_the_file_cap_is_read_partially_with_a_problem(file_store, monkeypatch):
    from portcheck.analyzer.facts import runstore

    root, _ = file_store
    monkeypatch.setattr(runstore, "MAX_STORE_FILES", 12)
    facts = _detect(root)
    assert len(facts.runs) < 3
    assert any("read partially" in (p.excerpt or "") and p.path == "mlruns" for p in facts.problems)


def test_invalid_run_folder_name_and_empty_store_are_problems(tmp_path):
    write_files(tmp_path, {
        "a/mlruns/0/meta.yaml": "experiment_id: '0'\nname: Default\nlifecycle_stage: active\n",
        "b/mlruns/1/bad%2e%2e/meta.yaml": "run_id: x\n",
    })
    facts = _detect(tmp_path)
    assert facts.runs == ()
    assert facts.stores == ("a/mlruns", "b/mlruns")
    excerpts = {p.path: p.excerpt for p in facts.problems}
    assert "no readable MLflow runs" in excerpts["a/mlruns"]
    assert "not a valid run id" in excerpts["b/mlruns/1/bad%2e%2e/meta.yaml"]


def test_sqlite_store_written_by_mlflow_reads_without_changing_the_database(tmp_path):
    pytest.importorskip("sqlalchemy")
    pytest.importorskip("alembic")
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

    root = tmp_path / "proj"
    root.mkdir()
    uri = f"sqlite:///{root / 'mlflow.db'}"
    _log_runs(uri)
    SqlAlchemyStore._engine_map.pop(uri).dispose()
    before = tree_snapshot(root)

    facts = _detect(root)

    assert tree_snapshot(root) == before
    assert facts.stores == ("mlflow.db",) and facts.problems == ()
    assert [r.name for r in facts.runs] == ["baseline", "logreg", "forest"]
    assert facts.runs[1].metrics == (("f1", 0.61), ("loss", 0.4))
    assert facts.runs[1].evidence.path == "mlflow.db" and facts.runs[1].experiment == "churn"


def test_corrupt_database_is_a_problem_and_other_db_files_are_ignored(tmp_path):
    write_files(tmp_path, {
        "mlflow.db": b"SQLite format 3\x00" + b"\xff" * 200,
        "data/cache.db": b"not sqlite at all",
        "tracking/mlflow.db": b"garbage",
    })
    facts = _detect(tmp_path)
    assert facts.runs == ()
    assert facts.stores == ("mlflow.db", "tracking/mlflow.db")
    assert {p.path for p in facts.problems} == {"mlflow.db", "tracking/mlflow.db"}


def test_dvc_metrics_and_params_named_by_dvc_yaml(tmp_path):
    write_files(tmp_path, {
        "dvc.yaml": ("stages:\n  train:\n    cmd: python train.py\n    params:\n      - lr\n"
                     "      - configs/model.yaml:\n          - depth\n"
                     "    metrics:\n      - eval/metrics.json:\n          cache: false\n"),
        "params.yaml": "lr: 0.01\ntrain:\n  epochs: 5\n",
        "configs/model.yaml": "depth: 3\nname: DummyClassifier\n",
        "eval/metrics.json": json.dumps({"test": {"f1": 0.7, "auc": "0.8"}, "note": "ok", "done": True}),
    })
    facts = _detect(tmp_path)
    (run,) = facts.runs
    assert (run.store, run.tool, run.run_id) == ("dvc.yaml", "dvc", "workspace")
    assert run.metrics == (("test.auc", 0.8), ("test.f1", 0.7))
    assert run.params == (("depth", "3"), ("lr", "0.01"), ("name", "DummyClassifier"), ("train.epochs", "5"))
    assert run.evidence.path == "eval/metrics.json"
    assert facts.baseline_runs() == (run,)


def test_dvc_yaml_naming_a_missing_or_malformed_file_is_a_problem(tmp_path):
    write_files(tmp_path, {
        "dvc.yaml": "metrics:\n  - missing.json\n  - bad.json\n",
        "bad.json": "{nope",
    })
    facts = _detect(tmp_path)
    assert facts.runs == ()
    assert {p.path for p in facts.problems} == {"dvc.yaml", "bad.json"}


def test_wandb_offline_run_summary_and_config(tmp_path):
    folder = "wandb/offline-run-20240101_120000-abc123"
    write_files(tmp_path, {
        f"{folder}/files/wandb-summary.json": json.dumps(
            {"val/acc": 0.91, "loss": 0.2, "_timestamp": 1704110400.5, "_step": 9, "best": "n/a"}),
        f"{folder}/files/config.yaml": ("wandb_version: 1\n_wandb:\n  desc: null\n  value: {}\n"
                                        "lr:\n  desc: null\n  value: 0.001\n"),
        "wandb/run-20240102_000000-zz9/files/wandb-summary.json": "[1, 2]",
    })
    facts = _detect(tmp_path)
    (run,) = facts.runs
    assert (run.store, run.tool, run.run_id) == (folder, "wandb", "abc123")
    assert run.metrics == (("loss", 0.2), ("val/acc", 0.91))
    assert run.params == (("lr", "0.001"),)
    assert run.start_time == 1704110400500
    assert [p.path for p in facts.problems] == ["wandb/run-20240102_000000-zz9/files/wandb-summary.json"]


def test_polished_sample_store_has_five_runs_and_a_baseline():
    facts = _detect(SAMPLES / "polished")
    assert facts.stores == ("mlruns",) and facts.problems == ()
    assert len(facts.runs) == 5
    assert {r.experiment for r in facts.runs} == {"churn-prediction"}
    assert [r.name for r in facts.baseline_runs()] == ["baseline-logreg"]


def test_repository_without_a_store_never_imports_mlflow(tmp_path):
    write_files(tmp_path, {"train.py": "import mlflow\n", "README.md": "# demo\n"})
    code = ("import sys; from pathlib import Path\n"
            "from portcheck.analyzer.repo import RepoView\n"
            "from portcheck.analyzer.facts.runstore import detect_run_stores\n"
            f"facts = detect_run_stores(RepoView(Path({str(tmp_path)!r})))\n"
            "print(facts.runs == () and facts.stores == (), 'mlflow' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.split() == ["True", "False"]
