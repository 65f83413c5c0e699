"""Draw the README's precision-recall figure for runs recorded in MLflow.

Each run's model is rebuilt from its logged parameters and refitted with its logged seed,
so the curves are those of the runs in the results table.

    python -m churn.plots --runs baseline-logreg hgb-depth2 --out docs/pr_curves.png
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import mlflow  # noqa: E402
from sklearn.metrics import precision_recall_curve  # noqa: E402

from churn.data import load_data, split  # noqa: E402
from churn.train import EXPERIMENT, build_model, parse_params, set_seeds  # noqa: E402

BOOKKEEPING = {"model", "seed", "threshold", "n_train", "n_test", "positive_rate"}


def logged_settings(run_name: str) -> tuple[str, dict[str, object], int]:
    """Model kind, model parameters and seed of the newest run called `run_name`."""
    runs = mlflow.search_runs(
        experiment_names=[EXPERIMENT],
        filter_string=f"tags.mlflow.runName = '{run_name}'",
        order_by=["start_time DESC"],
    )
    if runs.empty:
        raise ValueError(f"no run named {run_name!r} in experiment {EXPERIMENT!r}")
    params = {
        key.removeprefix("params."): value
        for key, value in runs.iloc[0].items()
        if key.startswith("params.") and isinstance(value, str)
    }
    model_params = [f"{k}={v}" for k, v in params.items() if k not in BOOKKEEPING]
    return params["model"], parse_params(model_params), int(params["seed"])


def plot(run_names: list[str], data_path: Path, out: Path) -> None:
    """Refit each run's model and save the precision-recall curves of its test split."""
    frame = load_data(data_path)
    fig, ax = plt.subplots(figsize=(4.8, 3.4), dpi=90)
    for run_name in run_names:
        kind, params, seed = logged_settings(run_name)
        set_seeds(seed)
        x_train, x_test, y_train, y_test = split(frame, seed=seed)
        scores = build_model(kind, params, seed).fit(x_train, y_train).predict_proba(x_test)[:, 1]
        precision, recall, _ = precision_recall_curve(y_test, scores)
        ax.step(recall, precision, where="post", label=run_name)
    ax.axhline(y_test.mean(), color="grey", linestyle=":", label="churn rate (random ranking)")
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_title("Precision-recall on the test split")
    ax.legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, metadata={"Software": None})
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description="Plot precision-recall curves of logged runs.")
    parser.add_argument("--runs", nargs="+", default=["baseline-logreg", "hgb-depth2"])
    parser.add_argument("--data", type=Path, default=Path("data/sample.csv"))
    parser.add_argument("--tracking-uri", default="file:mlruns")
    parser.add_argument("--out", type=Path, default=Path("docs/pr_curves.png"))
    args = parser.parse_args(argv)
    os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
    mlflow.set_tracking_uri(args.tracking_uri)
    plot(args.runs, args.data, args.out)


if __name__ == "__main__":
    main()
