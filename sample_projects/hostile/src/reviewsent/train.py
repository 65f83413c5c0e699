"""Train one sentiment model and log its parameters and test metrics to MLflow.

    python -m reviewsent.train --model dummy --run-name baseline
    python -m reviewsent.train --model logreg
"""

from __future__ import annotations

import argparse
import random

import mlflow
import numpy as np
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, average_precision_score, f1_score
from sklearn.pipeline import make_pipeline

from reviewsent.data import load_reviews, split

SEED = 42
EXPERIMENT = "review-sentiment"


def set_seeds(seed: int) -> None:
    """Seed every random number generator the pipeline touches."""
    random.seed(seed)
    np.random.seed(seed)


def build_model(kind: str):
    """A TF-IDF pipeline ending in the chosen classifier."""
    if kind == "dummy":
        return make_pipeline(TfidfVectorizer(), DummyClassifier(strategy="most_frequent"))
    return make_pipeline(TfidfVectorizer(min_df=2), LogisticRegression(max_iter=1000, random_state=SEED))


def main() -> None:
    """Fit on the training split, score the test split, log everything to MLflow."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", choices=("dummy", "logreg"), default="logreg")
    parser.add_argument("--run-name", default=None)
    args = parser.parse_args()
    set_seeds(SEED)
    train, test = split(load_reviews(), seed=SEED)
    model = build_model(args.model).fit(train["text"], train["label"])
    scores = model.predict_proba(test["text"])[:, 1]
    predicted = (scores >= 0.4).astype(int)
    mlflow.set_experiment(EXPERIMENT)
    with mlflow.start_run(run_name=args.run_name or args.model):
        mlflow.log_params({"model": args.model, "seed": SEED, "threshold": 0.4})
        mlflow.log_metrics({
            "f1": f1_score(test["label"], predicted),
            "pr_auc": average_precision_score(test["label"], scores),
            "accuracy": accuracy_score(test["label"], predicted),
        })


if __name__ == "__main__":
    main()
