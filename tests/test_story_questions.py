"""Likely panel questions: each appears exactly when its trigger is in the repository, cites the fact that
triggered it, and every piece of evidence exists. Real repositories are written to tmp_path and scanned
end to end; the history ones are real git repositories, the run store one a real MLflow store."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from gitutil import make_git_repo, write_files
from story_helpers import log_runs
from test_facts_history import ADA, commit_as, day

from portcheck.analyzer.model import Evidence, TalkingPoint
from portcheck.analyzer.scan import scan
from portcheck.analyzer.story.questions import MAX_QUESTIONS, QUESTION_TRIGGERS

README = "# Iris species\n\nClassifies iris flowers into their three species.\n"
IMBALANCED = ("# Fraud detection\n\nOnly 2% of transactions are fraudulent, so the classes are highly imbalanced.\n"
              "\n## Results\n\n")
FOREST = "from sklearn.ensemble import RandomForestClassifier\nmodel = RandomForestClassifier()\nmodel.fit(X, y)\n"


def questions_of(root: Path, files: dict[str, str] | None = None) -> list[TalkingPoint]:
    """Write `files` under `root`, scan it end to end, and return the likely questions."""
    root.mkdir(parents=True, exist_ok=True)
    write_files(root, files or {})
    report = scan(root)
    assert not [n for n in report.scan_notes if n.kind == "story-error"], report.scan_notes
    found = [t for t in report.talking_points if t.kind == "question"]
    assert_evidence_exists(root, found)
    return found


def topics(found: list[TalkingPoint]) -> list[str]:
    return [q.topic for q in found]


def the(found: list[TalkingPoint], topic: str) -> TalkingPoint:
    return next(q for q in found if q.topic == topic)


def where(evidence: tuple[Evidence, ...]) -> list[tuple[str, int | None]]:
    return [(e.path, e.line) for e in evidence]


def assert_evidence_exists(root: Path, found: list[TalkingPoint]) -> None:
    """Every cited path exists in the repository; a line is within the file, a notebook line a cell."""
    for q in found:
        assert q.kind == "question" and q.topic in QUESTION_TRIGGERS and q.title and q.text and q.answer
        assert q.evidence, q.topic
        for e in q.evidence:
            target = root / e.path
            assert target.exists(), (q.topic, e.path)
            if e.line is None:
                continue
            if e.in_notebook:
                assert 1 <= e.line <= len(json.loads(target.read_text())["cells"]), (q.topic, e)
            else:
                assert 1 <= e.line <= len(target.read_text().splitlines()), (q.topic, e)


# ---- metric choice on imbalanced classes


def test_accuracy_only_on_imbalanced_classes_asks_why_not_recall(tmp_path):
    found = questions_of(tmp_path, {"README.md": IMBALANCED + "Accuracy: 0.98\n", "train.py": FOREST})
    q = the(found, "imbalanced-accuracy")
    assert q.title == "Why accuracy, and not recall or PR-AUC?"
    assert "accuracy 0.98 at README.md:7" in q.text and "README.md:3" in q.text
    assert ("README.md", 3) in where(q.evidence) and ("README.md", 7) in where(q.evidence)
    assert "with 2% positives, a model that never predicts the positive class scores 98% accuracy (you report 0.98)" \
        in q.answer and "PR-AUC" in q.answer


def test_accuracy_with_recall_or_on_balanced_classes_is_not_asked(tmp_path):
    with_recall = questions_of(tmp_path / "recall", {"README.md": IMBALANCED + "Accuracy: 0.98, recall: 0.61\n",
                                                     "train.py": FOREST})
    assert "imbalanced-accuracy" not in topics(with_recall) and "imbalanced-roc-auc" not in topics(with_recall)
    balanced = questions_of(tmp_path / "balanced", {"README.md": README + "\nAccuracy: 0.98\n", "train.py": FOREST})
    assert "imbalanced-accuracy" not in topics(balanced)


def test_roc_auc_only_on_imbalanced_classes_asks_about_pr_auc(tmp_path):
    found = questions_of(tmp_path / "roc", {"README.md": IMBALANCED + "ROC-AUC: 0.91\n", "train.py": FOREST})
    q = the(found, "imbalanced-roc-auc")
    assert "ROC-AUC 0.91 at README.md:7" in q.text and ("README.md", 7) in where(q.evidence)
    assert "imbalanced-accuracy" not in topics(found)
    with_pr = questions_of(tmp_path / "pr", {"README.md": IMBALANCED + "ROC-AUC: 0.91, PR-AUC: 0.40\n",
                                             "train.py": FOREST})
    assert "imbalanced-roc-auc" not in topics(with_pr)


# ---- leakage

SPLIT = "from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler\n"


def test_a_scaler_fitted_before_the_split_asks_how_nothing_leaked(tmp_path):
    code = (SPLIT + "from sklearn.linear_model import LogisticRegression\n"
            "X = StandardScaler().fit_transform(X)\n"
            "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
            "LogisticRegression().fit(X_train, y_train)\n")
    q = the(questions_of(tmp_path, {"README.md": README, "train.py": code}), "leakage")
    assert q.title == "How do you know nothing from the test set leaked into training?"
    assert q.evidence[0] == Evidence(path="train.py", line=4, excerpt="X = StandardScaler().fit_transform(X)")
    assert "StandardScaler fitted on X before train_test_split" in q.text and "fit_transform(X_train)" in q.answer


def test_a_scaler_fitted_on_the_training_split_is_no_leak(tmp_path):
    code = (SPLIT + "from sklearn.linear_model import LogisticRegression\n"
            "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
            "scaler = StandardScaler().fit(X_train)\n"
            "LogisticRegression().fit(scaler.transform(X_train), y_train)\n")
    assert "leakage" not in topics(questions_of(tmp_path, {"README.md": README, "train.py": code}))


# ---- team work


def history(root: Path, authors: list[tuple[str, str]], readme: str = README) -> Path:
    make_git_repo(root)
    for n, author in enumerate(authors):
        written = {f"src/part{n}.py": f"x = {n}\n", **({"README.md": readme} if n == 0 else {})}
        commit_as(root, written, f"Add part {n} of the pipeline", date=day(n), author=author)
    return root


SAM, ANA = ("Sam Lee", "sam@example.org"), ("Ana Ruiz", "ana@example.org")


def test_a_team_history_asks_what_your_part_was(tmp_path):
    repo = history(tmp_path / "team", [ADA, SAM, ADA, ANA, SAM, ADA, ANA])
    q = the(questions_of(repo), "team-part")
    assert q.title == "What was your part in this project?"
    assert q.text.startswith("3 people committed to this repository (.git); the most active, Ada Tester, wrote 3 of 7")
    assert "Nothing in the README says who did what." in q.text
    assert [e.excerpt for e in q.evidence] == ["Ada Tester: 3 commits", "Ana Ruiz: 2 commits", "Sam Lee: 2 commits"]


def test_a_team_whose_readme_states_roles_is_pointed_at_it(tmp_path):
    readme = README + "\n## Team and my role\n\nI built the model; Sam wrote the API.\n"
    q = the(questions_of(history(tmp_path / "team", [ADA, SAM, ADA, ANA, SAM], readme)), "team-part")
    assert 'README.md:5 ("Team and my role")' in q.text and where(q.evidence)[0] == ("README.md", 5)


def test_a_solo_or_mostly_solo_history_is_not_asked_for_your_part(tmp_path):
    assert "team-part" not in topics(questions_of(history(tmp_path / "solo", [ADA] * 6)))
    mostly = history(tmp_path / "mostly", [ADA] * 9 + [SAM])
    assert "team-part" not in topics(questions_of(mostly))


# ---- results and baseline


def test_a_model_without_reported_results_asks_what_it_achieved(tmp_path):
    code = FOREST + "from sklearn.metrics import f1_score\nprint(f1_score(y, model.predict(X)))\n"
    q = the(questions_of(tmp_path, {"README.md": README, "train.py": code}), "no-results")
    assert q.title == "What did your model achieve, and on which metric?"
    assert "RandomForestClassifier (train.py:2" in q.text and "Your code computes F1 (train.py:5)" in q.text
    assert where(q.evidence) == [("train.py", 2), ("train.py", 5)]


def test_reported_results_are_not_asked_for(tmp_path):
    found = questions_of(tmp_path, {"README.md": README + "\nAccuracy: 0.91\n", "train.py": FOREST})
    assert "no-results" not in topics(found)


def test_results_without_a_baseline_ask_what_you_compared_against(tmp_path):
    code = FOREST + "from sklearn.linear_model import LogisticRegression\nlr = LogisticRegression()\n"
    q = the(questions_of(tmp_path, {"README.md": README + "\nThe model reaches an F1 of 0.81.\n", "train.py": code}),
            "no-baseline")
    assert q.title == "What did you compare against?"
    assert "F1 0.81 at README.md:5" in q.text and "Your code also builds LogisticRegression (train.py:5)" in q.text
    assert "DummyClassifier with strategy='most_frequent'" in q.answer
    assert where(q.evidence) == [("README.md", 5), ("train.py", 5)]


def test_a_baseline_row_or_a_dummy_model_is_a_comparison(tmp_path):
    table = ("\n| Model | F1 |\n|---|---|\n| Majority-class baseline | 0.00 |\n| Random forest | 0.81 |\n")
    assert "no-baseline" not in topics(questions_of(tmp_path / "row", {"README.md": README + table,
                                                                       "train.py": FOREST}))
    dummy = FOREST + "from sklearn.dummy import DummyClassifier\nDummyClassifier().fit(X, y)\n"
    assert "no-baseline" not in topics(questions_of(tmp_path / "dummy", {
        "README.md": README + "\nThe model reaches an F1 of 0.81.\n", "train.py": dummy}))


# ---- model choice

XGB = "import xgboost as xgb\nmodel = xgb.XGBClassifier(n_estimators=400)\nmodel.fit(X, y)\n"


def test_gradient_boosting_asks_why_not_a_simpler_model(tmp_path):
    q = the(questions_of(tmp_path, {"README.md": README, "train.py": XGB}), "complex-model")
    assert q.title == ("Why XGBoost rather than a simpler model? What does it cost in latency and "
                       "interpretability?")
    assert q.text == 'You build XGBClassifier at train.py:2 ("model = xgb.XGBClassifier(n_estimators=400)").'
    assert where(q.evidence) == [("train.py", 2)] and "SHAP" in q.answer


def test_the_simpler_model_and_the_measured_gain_are_named(tmp_path):
    table = ("\n## Results\n\n| Model | PR-AUC |\n|---|---|\n| Logistic regression (baseline) | 0.21 |\n"
             "| XGBoost | 0.43 |\n")
    code = XGB + "from sklearn.linear_model import LogisticRegression\nbaseline = LogisticRegression()\n"
    q = the(questions_of(tmp_path, {"README.md": README + table, "train.py": code}), "complex-model")
    assert q.title.startswith("Why XGBoost over a linear model like your LogisticRegression?")
    assert "and also LogisticRegression at train.py:5" in q.text
    assert "PR-AUC 0.21 (Logistic regression (baseline)) → 0.43 (XGBoost) (+0.22)" in q.text
    assert q.answer.startswith("Whether the gain over Logistic regression (baseline) (+0.22 PR-AUC) holds up")
    assert where(q.evidence) == [("train.py", 2), ("train.py", 5), ("README.md", 9), ("README.md", 10)]


def test_a_neural_network_in_a_notebook_is_asked_about(tmp_path):
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import torch.nn as nn"),
                                           nbformat.v4.new_code_cell("class Net(nn.Module):\n    pass")])
    q = the(questions_of(tmp_path, {"README.md": README, "model.ipynb": nbformat.writes(book)}), "complex-model")
    assert q.title.startswith("Why a neural network rather than a simpler model?")
    assert where(q.evidence) == [("model.ipynb", 2)] and "model.ipynb, cell 2" in q.text


def test_a_random_forest_alone_is_not_asked_about_complexity(tmp_path):
    assert "complex-model" not in topics(questions_of(tmp_path, {"README.md": README, "train.py": FOREST}))


# ---- time-ordered data


def test_a_time_split_asks_about_look_ahead(tmp_path):
    code = ("from sklearn.model_selection import TimeSeriesSplit, cross_val_score\n"
            "from sklearn.linear_model import Ridge\n"
            "scores = cross_val_score(Ridge(), X, y, cv=TimeSeriesSplit(n_splits=5))\n")
    q = the(questions_of(tmp_path, {"README.md": README, "train.py": code}), "look-ahead")
    assert q.title == "How do you make sure the model never sees the future?"
    assert "You split by time at train.py:3" in q.text and where(q.evidence)[0] == ("train.py", 3)


def test_shuffled_folds_on_unordered_data_do_not_ask_about_look_ahead(tmp_path):
    code = ("from sklearn.model_selection import KFold, cross_val_score\nfrom sklearn.linear_model import Ridge\n"
            "scores = cross_val_score(Ridge(), X, y, cv=KFold(n_splits=5, shuffle=True))\n")
    assert "look-ahead" not in topics(questions_of(tmp_path, {"README.md": README, "train.py": code}))


# ---- imputation


def test_median_imputation_asks_about_indicators(tmp_path):
    code = "import pandas as pd\ndf = pd.read_csv('x.csv')\ndf['age'] = df['age'].fillna(df['age'].median())\n"
    q = the(questions_of(tmp_path, {"README.md": README, "clean.py": code}), "imputation")
    assert q.title == "Why impute with the median, and did you add missing-value indicators?"
    assert "median at clean.py:3" in q.text and "Nothing in clean.py keeps a missing-value indicator." in q.text
    assert where(q.evidence) == [("clean.py", 3)] and "training split" in q.answer


def test_mean_imputation_with_indicators_says_they_are_kept(tmp_path):
    code = ("from sklearn.impute import SimpleImputer\n"
            "imputer = SimpleImputer(strategy='mean', add_indicator=True)\n")
    q = the(questions_of(tmp_path, {"README.md": README, "features.py": code}), "imputation")
    assert q.title.startswith("Why impute with the mean")
    assert "The same file keeps missing-value indicators" in q.text


def test_constant_fills_are_not_asked_about(tmp_path):
    code = "import pandas as pd\ndf = pd.read_csv('x.csv')\ndf['city'] = df['city'].fillna('unknown')\n"
    assert "imputation" not in topics(questions_of(tmp_path, {"README.md": README, "clean.py": code}))


# ---- serving


def test_a_serving_app_asks_about_drift_and_retraining(tmp_path):
    q = the(questions_of(tmp_path, {"README.md": README, "app.py": "from fastapi import FastAPI\napp = FastAPI()\n"}),
            "monitoring")
    assert q.title == "How would you monitor this model in production, detect drift and decide when to retrain?"
    assert 'You serve the model: app.py:2 ("app = FastAPI()")' in q.text and where(q.evidence) == [("app.py", 2)]


def test_a_dockerfile_alone_asks_too_but_a_dev_container_does_not(tmp_path):
    q = the(questions_of(tmp_path / "docker", {"README.md": README, "Dockerfile": "FROM python:3.11\nCOPY . .\n"}),
            "monitoring")
    assert "You package the project in a container (Dockerfile:1" in q.text
    dev = questions_of(tmp_path / "dev", {"README.md": README, ".devcontainer/Dockerfile": "FROM python:3.11\n"})
    assert "monitoring" not in topics(dev)


# ---- tests


def test_a_pipeline_without_tests_asks_how_you_know_it_is_correct(tmp_path):
    q = the(questions_of(tmp_path, {"README.md": README, "train.py": FOREST}), "no-tests")
    assert q.title == "How do you know the pipeline is correct?"
    assert 'builds RandomForestClassifier at train.py:2 ("model = RandomForestClassifier()")' in q.text


def test_a_pipeline_with_tests_or_no_pipeline_is_not_asked(tmp_path):
    tested = questions_of(tmp_path / "tested", {"README.md": README, "train.py": FOREST,
                                                "tests/test_train.py": "def test_fit():\n    assert True\n"})
    assert "no-tests" not in topics(tested)
    assert "no-tests" not in topics(questions_of(tmp_path / "empty", {"README.md": README, "util.py": "x = 1\n"}))


# ---- threshold


def test_class_weights_ask_how_the_threshold_was_chosen(tmp_path):
    code = ("from sklearn.linear_model import LogisticRegression\n"
            "clf = LogisticRegression(class_weight='balanced')\nclf.fit(X, y)\n")
    q = the(questions_of(tmp_path, {"README.md": README, "train.py": code}), "threshold")
    assert q.title == "How did you choose the decision threshold?"
    assert "You weight the classes at train.py:2" in q.text and where(q.evidence) == [("train.py", 2)]


def test_an_unweighted_classifier_is_not_asked_about_the_threshold(tmp_path):
    code = "from sklearn.linear_model import LogisticRegression\nclf = LogisticRegression()\nclf.fit(X, y)\n"
    assert "threshold" not in topics(questions_of(tmp_path, {"README.md": README, "train.py": code}))


# ---- many runs


@pytest.mark.parametrize("runs, asked", [(10, True), (9, False)])
def test_many_tracked_runs_ask_how_the_best_was_picked(tmp_path, monkeypatch, runs, asked):
    tmp_path.joinpath("README.md").write_text(README)
    log_runs(monkeypatch, tmp_path, [(f"rf-{n}", {"max_depth": n + 2}, {"f1": 0.5 + n / 100}) for n in range(runs)])
    found = questions_of(tmp_path)
    assert ("many-runs" in topics(found)) is asked
    if asked:
        q = the(found, "many-runs")
        assert q.title == "You tried 10 runs: how did you pick the best without overfitting the test set?"
        assert q.text.startswith("Your run store (mlruns) holds 10 runs.")
        assert all(e.path.startswith("mlruns/") for e in q.evidence)


# ---- tuning


def test_a_grid_search_asks_what_was_tuned(tmp_path):
    code = ("from sklearn.model_selection import GridSearchCV\nfrom sklearn.svm import SVC\n"
            "search = GridSearchCV(SVC(), {'C': [0.1, 1, 10]}, cv=5)\nsearch.fit(X, y)\n")
    q = the(questions_of(tmp_path, {"README.md": README, "tune.py": code}), "tuning")
    assert q.title == "What did you tune, on which data, and what did tuning gain?"
    assert "You search hyperparameters at tune.py:3" in q.text and where(q.evidence) == [("tune.py", 3)]


def test_cross_validation_alone_is_not_tuning(tmp_path):
    code = ("from sklearn.model_selection import cross_val_score\nfrom sklearn.svm import SVC\n"
            "print(cross_val_score(SVC(), X, y, cv=5).mean())\n")
    assert "tuning" not in topics(questions_of(tmp_path, {"README.md": README, "tune.py": code}))


# ---- noise

TWO_MODELS = "\n## Results\n\n| Model | F1 |\n|---|---|\n| Logistic regression | 0.70 |\n| Random forest | 0.75 |\n"


def test_two_models_compared_without_spread_ask_about_noise(tmp_path):
    q = the(questions_of(tmp_path, {"README.md": README + TWO_MODELS, "train.py": FOREST}), "noise")
    assert q.title == "Is the difference between your models bigger than the noise?"
    assert "F1 0.70 (Logistic regression)" in q.text and "0.75 (Random forest)" in q.text
    assert sorted(where(q.evidence)) == [("README.md", 9), ("README.md", 10)]


def test_results_with_their_spread_are_not_asked_about_noise(tmp_path):
    spread = TWO_MODELS.replace("0.75 |", "0.75 ± 0.02 |")
    assert "noise" not in topics(questions_of(tmp_path, {"README.md": README + spread, "train.py": FOREST}))


# ---- order, cap, determinism


def test_questions_follow_the_priority_order_and_stop_at_the_cap(tmp_path):
    code = (SPLIT + XGB + "import pandas as pd\nfrom sklearn.linear_model import LogisticRegression\n"
            "df['age'] = df['age'].fillna(df['age'].median())\n"
            "X = StandardScaler().fit_transform(X)\n"
            "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
            "LogisticRegression(class_weight='balanced').fit(X_train, y_train)\n"
            "from sklearn.model_selection import GridSearchCV\nGridSearchCV(model, {'max_depth': [2, 3]})\n")
    found = questions_of(tmp_path, {"README.md": IMBALANCED + "Accuracy: 0.98\n", "train.py": code,
                                    "app.py": "from flask import Flask\napp = Flask(__name__)\n"})
    assert len(found) == MAX_QUESTIONS
    assert topics(found) == sorted(topics(found), key=QUESTION_TRIGGERS.index)
    assert topics(found)[:2] == ["imbalanced-accuracy", "leakage"]


def test_the_same_repository_gives_the_same_questions(tmp_path):
    files = {"README.md": IMBALANCED + "Accuracy: 0.98\n", "train.py": XGB,
             "app.py": "from fastapi import FastAPI\napp = FastAPI()\n"}
    assert questions_of(tmp_path, files) == questions_of(tmp_path, files)


def test_an_empty_repository_has_no_questions(tmp_path):
    assert questions_of(tmp_path / "empty") == []
