"""What the story tests share: MLflow run stores written by mlflow's own client."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

# (run name, params, metric values): a final value, or a list of values logged at steps 0, 1, …
Run = tuple[str | None, Mapping[str, object], Mapping[str, float | list[float]]]

CHURN_RUNS: list[Run] = [  # a baseline, two models and a run whose metric is NaN, as the run keys are logged
    ("dummy-baseline", {"model": "DummyClassifier"}, {"val_f1": 0.21, "test_f1": 0.2, "epoch": 3.0}),
    ("logreg", {"model": "logreg"}, {"test_f1": 0.6123456789, "test_roc_auc": 0.81, "training_accuracy_score": 0.99}),
    ("xgboost", {"model": "xgb"}, {"test_f1": 0.66, "test_roc_auc": 0.86}),
    (None, {"model": "broken"}, {"test_f1": float("nan")}),
]


def log_runs(monkeypatch: pytest.MonkeyPatch, root: Path, runs: Iterable[Run], experiment: str = "churn") -> list[str]:
    """Write an MLflow file store at ROOT/mlruns with mlflow's own client, one finished run per (name, params,
    metrics), each metric logged once at step 0; return the run ids in order. mlflow writes file stores only
    with MLFLOW_ALLOW_FILE_STORE=true, which `monkeypatch` sets for the test."""
    from mlflow.tracking import MlflowClient

    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    client = MlflowClient(tracking_uri=(root / "mlruns").as_uri())
    return log_with(client, client.create_experiment(experiment), runs)


def log_with(client, experiment_id: str, runs: Iterable[Run]) -> list[str]:
    """Log one finished run per (name, params, metrics) with an mlflow client, a metric's values at steps
    0, 1, … (a single value once at step 0), with fixed times; return the run ids in order."""
    ids = []
    for number, (name, params, metrics) in enumerate(runs):
        run = client.create_run(experiment_id, run_name=name, start_time=1_700_000_000_000 + number)
        for key, value in params.items():
            client.log_param(run.info.run_id, key, value)
        for key, values in metrics.items():
            for step, value in enumerate(values if isinstance(values, list) else [values]):
                client.log_metric(run.info.run_id, key, value, timestamp=1_700_000_000_000 + step, step=step)
        client.set_terminated(run.info.run_id)
        ids.append(run.info.run_id)
    return ids
