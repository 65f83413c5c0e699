import mlflow

from churn.synth import generate
from churn.train import EXPERIMENT, parse_params, run


def test_parse_params_casts_numbers_and_none():
    assert parse_params(["max_depth=3", "learning_rate=0.05", "class_weight=none"]) == {
        "max_depth": 3,
        "learning_rate": 0.05,
        "class_weight": None,
    }


def test_a_training_run_logs_params_and_metrics_to_mlflow(tmp_path):
    data = tmp_path / "customers.csv"
    generate(rows=300, seed=11).to_csv(data, index=False)
    uri = f"file:{tmp_path / 'mlruns'}"

    metrics = run(data, "logreg", {"C": 1.0}, run_name="test-run", tracking_uri=uri)

    logged = mlflow.search_runs(experiment_names=[EXPERIMENT]).iloc[0]
    assert logged["params.model"] == "logreg"
    assert logged["metrics.pr_auc"] == metrics["pr_auc"]
    assert 0.0 <= metrics["roc_auc"] <= 1.0
