"""Metrics for an imbalanced binary problem, and the results table read back from MLflow.

    python -m churn.evaluate            # prints the README's results table from mlruns/
"""

from __future__ import annotations

import argparse
import os

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)

TABLE_COLUMNS = {
    "roc_auc": "ROC-AUC",
    "pr_auc": "PR-AUC",
    "recall": "Recall",
    "precision": "Precision",
    "f1": "F1",
    "accuracy": "Accuracy",
    "recall_at_top10": "Recall@top 10%",
}


def recall_at_top(y_true: np.ndarray, y_score: np.ndarray, fraction: float) -> float:
    """Share of all churners found when retention calls the top `fraction` of customers by score."""
    y_true = np.asarray(y_true)
    n_called = max(1, int(round(fraction * len(y_true))))
    called = np.argsort(-np.asarray(y_score), kind="stable")[:n_called]
    return float(y_true[called].sum() / max(1, y_true.sum()))


def compute_metrics(y_true: np.ndarray, y_score: np.ndarray, threshold: float = 0.5) -> dict[str, float]:
    """Ranking metrics on scores, and threshold metrics on `y_score >= threshold`."""
    y_pred = (np.asarray(y_score) >= threshold).astype(int)
    return {
        "roc_auc": float(roc_auc_score(y_true, y_score)),
        "pr_auc": float(average_precision_score(y_true, y_score)),
        "recall": float(recall_score(y_true, y_pred, zero_division=0)),
        "precision": float(precision_score(y_true, y_pred, zero_division=0)),
        "f1": float(f1_score(y_true, y_pred, zero_division=0)),
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "recall_at_top10": recall_at_top(y_true, y_score, 0.10),
    }


def results_table(tracking_uri: str, experiment: str) -> str:
    """A Markdown table of every finished run in `experiment`, oldest first."""
    import mlflow

    os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
    mlflow.set_tracking_uri(tracking_uri)
    runs = mlflow.search_runs(experiment_names=[experiment], order_by=["start_time ASC"])
    header = "| Run | Model | " + " | ".join(TABLE_COLUMNS.values()) + " |"
    rows = [header, "|---|---|" + "---:|" * len(TABLE_COLUMNS)]
    for _, run in runs.iterrows():
        values = " | ".join(f"{run[f'metrics.{name}']:.3f}" for name in TABLE_COLUMNS)
        rows.append(f"| {run['tags.mlflow.runName']} | {run['params.model']} | {values} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    """Print the results table for the committed run store."""
    parser = argparse.ArgumentParser(description="Print the results table from MLflow.")
    parser.add_argument("--tracking-uri", default="file:mlruns")
    parser.add_argument("--experiment", default="churn-prediction")
    args = parser.parse_args(argv)
    print(results_table(args.tracking_uri, args.experiment))


if __name__ == "__main__":
    main()
