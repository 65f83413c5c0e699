import numpy as np
import pytest

from churn.evaluate import compute_metrics, recall_at_top


def test_perfect_ranking_scores_one_on_every_metric():
    y_true = np.array([0, 0, 0, 1, 1])
    metrics = compute_metrics(y_true, np.array([0.1, 0.2, 0.3, 0.8, 0.9]))
    for name in ("roc_auc", "pr_auc", "recall", "precision", "f1", "accuracy"):
        assert metrics[name] == pytest.approx(1.0), name


def test_always_no_churn_has_high_accuracy_but_zero_recall():
    y_true = np.array([0] * 19 + [1])
    metrics = compute_metrics(y_true, np.zeros(20))
    assert metrics["accuracy"] == pytest.approx(0.95)
    assert metrics["recall"] == 0.0


def test_recall_at_top_counts_churners_among_the_highest_scores():
    y_true = np.array([1, 0, 1, 0, 0, 0, 0, 0, 0, 1])
    y_score = np.array([0.9, 0.8, 0.1, 0.2, 0.3, 0.0, 0.0, 0.0, 0.0, 0.7])
    assert recall_at_top(y_true, y_score, 0.2) == pytest.approx(1 / 3)
