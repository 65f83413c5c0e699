"""Train one churn model and log its parameters and test metrics to MLflow.

    python -m churn.train --model logreg --run-name baseline-logreg
    python -m churn.train --model hgb --param max_depth=3 --param learning_rate=0.05
"""

from __future__ import annotations

import argparse
import os
import random
from pathlib import Path

import mlflow
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from churn.data import load_data, split
from churn.evaluate import compute_metrics
from churn.features import build_preprocessor

SEED = 42
EXPERIMENT = "churn-prediction"
MODELS = ("logreg", "hgb")


def set_seeds(seed: int) -> None:
    """Seed every random number generator the pipeline touches."""
    random.seed(seed)
    np.random.seed(seed)


def parse_params(pairs: list[str]) -> dict[str, object]:
    """Turn ["max_depth=3", "class_weight=none"] into {"max_depth": 3, "class_weight": None}."""
    params: dict[str, object] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"expected key=value, got {pair!r}")
        value: object = raw
        if raw.lower() == "none":
            value = None
        else:
            for cast in (int, float):
                try:
                    value = cast(raw)
                    break
                except ValueError:
                    continue
        params[key] = value
    return params


def build_model(kind: str, params: dict[str, object], seed: int) -> Pipeline:
    """Preprocessing plus the classifier; both classifiers weight the rare class up by default."""
    settings: dict[str, object] = {"class_weight": "balanced", **params}
    if kind == "logreg":
        classifier = LogisticRegression(max_iter=1000, random_state=seed, **settings)
    elif kind == "hgb":
        classifier = HistGradientBoostingClassifier(random_state=seed, **settings)
    else:
        raise ValueError(f"unknown model {kind!r}; choose one of {MODELS}")
    return Pipeline([("preprocess", build_preprocessor()), ("classifier", classifier)])


def run(
    data_path: Path,
    kind: str,
    params: dict[str, object],
    run_name: str,
    tracking_uri: str,
    seed: int = SEED,
    threshold: float = 0.5,
) -> dict[str, float]:
    """Fit on the training split, score the test split, log everything; return the metrics."""
    set_seeds(seed)
    frame = load_data(data_path)
    x_train, x_test, y_train, y_test = split(frame, seed=seed)
    model = build_model(kind, params, seed)
    model.fit(x_train, y_train)
    metrics = compute_metrics(y_test.to_numpy(), model.predict_proba(x_test)[:, 1], threshold)

    # The committed store is MLflow's file store; MLflow >= 3.13 needs this opt-in to use it.
    os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_experiment(EXPERIMENT)
    with mlflow.start_run(run_name=run_name):
        mlflow.log_params({"model": kind, "seed": seed, "threshold": threshold, **params})
        mlflow.log_params(
            {"n_train": len(y_train), "n_test": len(y_test), "positive_rate": round(y_train.mean(), 4)}
        )
        mlflow.log_metrics(metrics)
    return metrics


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description="Train a churn model and log it to MLflow.")
    parser.add_argument("--model", choices=MODELS, default="logreg")
    parser.add_argument("--param", action="append", default=[], help="model setting key=value")
    parser.add_argument("--run-name", default=None)
    parser.add_argument("--data", type=Path, default=Path("data/sample.csv"))
    parser.add_argument("--tracking-uri", default="file:mlruns")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    params = parse_params(args.param)
    metrics = run(args.data, args.model, params, args.run_name or args.model, args.tracking_uri, args.seed)
    print(" ".join(f"{name}={value:.3f}" for name, value in metrics.items()))


if __name__ == "__main__":
    main()
