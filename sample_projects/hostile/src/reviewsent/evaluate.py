"""Print the results table of the README from the runs in mlruns/."""

from __future__ import annotations

import mlflow

from reviewsent.train import EXPERIMENT


def main() -> None:
    """One Markdown table row per run: name, F1, PR-AUC, accuracy."""
    runs = mlflow.search_runs(experiment_names=[EXPERIMENT], order_by=["metrics.f1 ASC"])
    print("| Model | F1 | PR-AUC | Accuracy |")
    print("|---|---|---|---|")
    for _, run in runs.iterrows():
        print(f"| {run['tags.mlflow.runName']} | {run['metrics.f1']:.3f} | {run['metrics.pr_auc']:.3f} "
              f"| {run['metrics.accuracy']:.3f} |")


if __name__ == "__main__":
    main()
