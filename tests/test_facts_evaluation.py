"""Evaluation facts: printed metrics, baseline, validation protocol, reported variation and impact."""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import nbformat
from gitutil import write_files

from portcheck.analyzer.facts.evaluation import (
    MAX_ITEMS,
    EvaluationFacts,
    detect_evaluation,
)
from portcheck.analyzer.facts.readme import ReadmeSource, load_readme
from portcheck.analyzer.repo import RepoView
from portcheck.analyzer.sources import Sources

v4 = nbformat.v4


def scan(root: Path, files: dict[str, str]) -> EvaluationFacts:
    write_files(root, files)
    repo = RepoView(root)
    return detect_evaluation(Sources(repo), load_readme(repo))


def notebook(*cells) -> str:
    return nbformat.writes(v4.new_notebook(cells=list(cells)))


def code(source: str, *outputs, count: int = 1):
    return v4.new_code_cell(source, execution_count=count, outputs=list(outputs))


def printed(text: str):
    return v4.new_output("stream", name="stdout", text=text)


def result(text: str):
    return v4.new_output("execute_result", data={"text/plain": text}, execution_count=1)


def lines_of(evidence) -> list[int | None]:
    return [e.line for e in evidence]


# ---- baseline -------------------------------------------------------------------------------------

RESULTS_TABLE = """# Churn

## Results

| Model | ROC-AUC | PR-AUC |
|-------|---------|--------|
| Majority class (baseline) | 0.50 | 0.26 |
| XGBoost | 0.86 | 0.62 |
"""


def test_results_table_baseline_row_is_found_at_its_line(tmp_path):
    facts = scan(tmp_path, {"README.md": RESULTS_TABLE})
    assert facts.has_baseline
    assert facts.baseline[0].line == 7 and "Majority class" in facts.baseline[0].excerpt


def test_simple_model_row_beside_a_stronger_one_is_a_baseline(tmp_path):
    table = "| Model | Accuracy |\n|---|---|\n| Logistic regression | 0.81 |\n| Random forest | 0.87 |\n"
    facts = scan(tmp_path, {"README.md": "# Titanic\n\n" + table})
    assert lines_of(facts.baseline) == [5]
    alone = scan(tmp_path / "alone", {"README.md": "# T\n\n| Model | Accuracy |\n|---|---|\n| Logistic regression | 0.81 |\n"})
    assert not alone.has_baseline


def test_prose_baselines_are_found(tmp_path):
    sentences = [
        "Our XGBoost model reaches 0.86 ROC-AUC versus 0.78 for a logistic regression baseline.",
        "Always predicting the majority class gives 73% accuracy.",
        "XGBoost outperforms logistic regression on every fold.",
        "We compared it with a DummyClassifier and a dummy regressor.",
    ]
    for i, sentence in enumerate(sentences):
        facts = scan(tmp_path / str(i), {"README.md": f"# Project\n\nSome intro here.\n\n{sentence}\n"})
        assert lines_of(facts.baseline) == [5], sentence


def test_baseline_look_alikes_are_not_baselines(tmp_path):
    readme = """# Detector

We provide baseline DETR and DETR-DC5 models.
We use stable-baselines3 for PPO; see https://github.com/openai/baselines for details.
Drift is measured against the training baseline statistics, compared daily.
Ensemble predictions use a majority vote over 500 trees.
Run `python baseline.py --compare` to start.

```bash
python baseline.py  # compare against 0.5
```

## Baseline training

```bash
python train.py --activation relu
```
"""
    facts = scan(tmp_path, {"README.md": readme})
    assert facts.baseline == ()


def test_baseline_heading_counts_when_its_section_reports_numbers(tmp_path):
    readme = ("# LM\n\n## baselines\n\nOpenAI checkpoints give these numbers:\n\n"
              "| model | val loss |\n|---|---|\n| gpt2 | 3.12 |\n\n## finetuning\n\nText.\n")
    facts = scan(tmp_path, {"README.md": readme})
    assert lines_of(facts.baseline) == [3]


def test_rst_results_table_baseline_row(tmp_path):
    readme = ("Churn\n=====\n\nResults\n-------\n\n"
              "========================  =======\nModel                     ROC-AUC\n========================  =======\n"
              "Dummy classifier          0.50\nXGBoost                   0.86\n========================  =======\n")
    facts = scan(tmp_path, {"README.rst": readme})
    assert [e.line for e in facts.baseline] == [10]


def test_plans_are_not_reports(tmp_path):
    readme = ("# Portfolio\n\n## Future projects\n\n- Classic NLP baselines: TF-IDF vs Transformers comparison\n"
              "- Report accuracy 0.91 ± 0.02 over 5 seeds\n- Cut fraud losses by 20%\n\n### Ideas\n\nMore baselines.\n\n"
              "## Results\n\nXGBoost beats the logistic regression baseline by 4 points.\n")
    facts = scan(tmp_path, {"README.md": readme})
    assert lines_of(facts.baseline) == [15]
    assert facts.uncertainty == () and facts.impact == ()


def test_code_baselines_dummy_estimators_and_baseline_models(tmp_path):
    facts = scan(tmp_path, {
        "a_dummy.py": "from sklearn.dummy import DummyClassifier\nclf = DummyClassifier(strategy='most_frequent')\n",
        "b_named.py": "from sklearn.linear_model import LogisticRegression\nbaseline_model = LogisticRegression()\n",
        "c_def.py": "def train_baseline(X, y):\n    return None\n",
        "d_drift.py": "baseline_stats = compute_stats(df)\nbaseline = y.mean()\ndef load_drift_baseline():\n    pass\n",
        "tests/test_x.py": "from sklearn.dummy import DummyRegressor\nDummyRegressor()\n",
    })
    assert [(e.path, e.line) for e in facts.baseline] == [("a_dummy.py", 2), ("b_named.py", 2), ("c_def.py", 1)]


def test_notebook_baseline_in_markdown_and_output(tmp_path):
    book = notebook(
        v4.new_markdown_cell("## Computing some baselines"),
        code("print(score)", printed("Baseline accuracy: 0.62\n")),
        v4.new_markdown_cell("See [baselines](https://github.com/openai/baselines) for RL."),
    )
    facts = scan(tmp_path, {"nb.ipynb": book})
    assert [(e.line, e.excerpt) for e in facts.baseline] == [
        (1, "cell 1: Computing some baselines"), (2, "cell 2: Baseline accuracy: 0.62")]


def test_notebook_baseline_mention_right_above_a_printed_result(tmp_path):
    book = notebook(
        v4.new_markdown_cell("Baseline training (saves the best weights)"),
        code("!python train.py --activation relu", printed("Best Val=86.78% | Test=85.83%\n")),
        v4.new_markdown_cell("The baseline config lives in configs/."),
        code("print(cfg)", printed("lr: 5\n")),
    )
    facts = scan(tmp_path, {"nb.ipynb": book})
    assert [(e.line, e.excerpt) for e in facts.baseline] == [(1, "cell 1: Baseline training (saves the best weights)")]


# ---- printed metrics ------------------------------------------------------------------------------

REPORT = """              precision    recall  f1-score   support

           0       0.95      0.97      0.96        50
           1       0.90      0.85      0.87        20

    accuracy                           0.93        70
   macro avg       0.92      0.91      0.92        70
weighted avg       0.93      0.93      0.93        70
"""


def test_printed_metrics_with_cell_numbers_and_excerpts(tmp_path):
    book = notebook(
        v4.new_markdown_cell("# Model"),
        code("print(f'Accuracy: {acc}')", printed("Accuracy: 0.93\n")),
        code("print(classification_report(y, p))", printed(REPORT)),
    )
    facts = scan(tmp_path, {"nb.ipynb": book})
    got = [(m.name, m.value, m.evidence.line) for m in facts.output_metrics]
    assert got == [("accuracy", "0.93", 2), ("accuracy", "0.93", 3), ("precision", "0.92", 3),
                   ("recall", "0.91", 3), ("f1", "0.92", 3)]
    assert facts.output_metrics[0].evidence.excerpt == "cell 2: Accuracy: 0.93"
    assert facts.output_metrics[2].evidence.excerpt.startswith("cell 3: macro avg")
    assert facts.output_metrics[0].evidence.path == "nb.ipynb"


def test_fold_arrays_error_outputs_and_old_progress_lines_are_skipped(tmp_path):
    error = v4.new_output("error", ename="ValueError", evalue="Accuracy: 0.5", traceback=["Accuracy: 0.5"])
    progress = ("Epoch 1/2\n1875/1875 [==============================] - 5s 3ms/step - loss: 0.45 - accuracy: 0.84\n"
                "Epoch 2/2\n1875/1875 [==============================] - 5s 3ms/step - loss: 0.30 - accuracy: 0.91\n")
    book = notebook(
        code("scores = cross_val_score(m, X, y, cv=5)\nprint(scores)", printed("accuracy: [0.91 0.92 0.93 0.90 0.94]\n")),
        code("fail()", error),
        code("model.fit(X, y, epochs=2)", printed(progress)),
    )
    facts = scan(tmp_path, {"nb.ipynb": book})
    assert [(m.name, m.value, m.evidence.line) for m in facts.output_metrics] == [("loss", "0.30", 3),
                                                                                  ("accuracy", "0.91", 3)]


def test_unnamed_values_are_named_by_the_code_that_printed_them(tmp_path):
    book = notebook(
        code("from sklearn.metrics import accuracy_score\naccuracy_score(y_test, pred)", result("0.8712")),
        code("mean_squared_error(y, p, squared=False)", result("6.52")),
        code("acc_log_reg = round(clf.score(X, y) * 100, 2)\nprint(str(acc_log_reg) + ' percent')",
             printed("80.7 percent\n")),
        code("threshold_90_precision", result("3370.01")),
        code("len(df)", result("891")),
    )
    facts = scan(tmp_path, {"nb.ipynb": book})
    assert [(m.name, m.value, m.evidence.line) for m in facts.output_metrics] == [
        ("accuracy", "0.8712", 1), ("rmse", "6.52", 2), ("accuracy", "80.7%", 3)]


def test_printed_table_values_must_stand_under_their_metric(tmp_path):
    table = ("   epoch      lr  train_loss  val_loss\n"
             "0      0  0.0001    0.577060  0.499463\n")
    facts = scan(tmp_path, {"nb.ipynb": notebook(code("df", result(table)))})
    assert [(m.name, m.value) for m in facts.output_metrics] == [("loss", "0.577060")]


def test_coco_summary_gives_map_not_iou_thresholds(tmp_path):
    coco = (" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.374\n"
            " Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 0.572\n")
    facts = scan(tmp_path, {"nb.ipynb": notebook(code("evaluate()", printed(coco)))})
    assert [(m.name, m.value) for m in facts.output_metrics] == [("map", "0.374")]


def test_output_reading_is_bounded(tmp_path):
    noise = "x" * 30_000 + "\nAccuracy: 0.99\n"  # past the per-cell read limit
    lines = "".join(f"Accuracy: 0.{i:02d}\nF1: 0.{i:02d}\nRMSE: {i}.5\nMAE: {i}.1\nR2: 0.{i:02d}\n"
                    f"Precision: 0.{i:02d}\nRecall: 0.{i:02d}\n" for i in range(10, 60))
    big = notebook(code("print(noise)", printed(noise)),
                   *[code("print(lines)", printed(lines * 20)) for _ in range(40)])  # ~5 MB of output
    started = time.perf_counter()
    facts = scan(tmp_path, {"big.ipynb": big})
    assert time.perf_counter() - started < 10
    assert all(m.value != "0.99" for m in facts.output_metrics)
    assert len(facts.output_metrics) == MAX_ITEMS


# ---- validation -----------------------------------------------------------------------------------

def kinds(facts: EvaluationFacts) -> set[tuple[str, str, int | None]]:
    return {(s.kind, s.evidence.path, s.evidence.line) for s in facts.validation}


def test_split_and_cross_validation_calls(tmp_path):
    facts = scan(tmp_path, {
        "split.py": ("from sklearn.model_selection import train_test_split\n"
                     "X_tr, X_te, y_tr, y_te = train_test_split(\n    X, y, test_size=0.2,\n    stratify=y)\n"),
        "cv.py": "from sklearn.model_selection import StratifiedKFold\ncv = StratifiedKFold(n_splits=5)\n",
        "ts.py": "from sklearn.model_selection import TimeSeriesSplit\nfor tr, te in TimeSeriesSplit(5).split(X):\n    pass\n",
        "grid.py": "from sklearn.model_selection import GridSearchCV\ng = GridSearchCV(m, grid, cv=3)\n",
        "date.py": "train = df[df['date'] < '2021-01-01']\ntest = df[df['date'] >= '2021-01-01']\n"
                   "recent = runs[runs['start_time'] >= cutoff]\n",
        "keras_fit.py": "model.fit(X, y, validation_data=(Xv, yv))\n",
    })
    assert kinds(facts) == {
        ("holdout", "split.py", 2), ("stratified", "split.py", 4),
        ("cross_validation", "cv.py", 2), ("stratified", "cv.py", 2),
        ("cross_validation", "ts.py", 2), ("time_split", "ts.py", 2),
        ("cross_validation", "grid.py", 2),
        ("time_split", "date.py", 1), ("time_split", "date.py", 2),
        ("validation_set", "keras_fit.py", 1),
    }
    assert facts.has_validation and facts.validation_kinds == ["holdout", "cross_validation", "stratified",
                                                               "time_split", "validation_set"]


def test_validation_sets_from_loaders_hooks_and_configs(tmp_path):
    facts = scan(tmp_path, {
        "data.py": ("from torchvision import datasets\nfrom torch.utils.data import DataLoader\n"
                    "test_set = datasets.MNIST('d', train=False)\nval_loader = DataLoader(val_set)\n"
                    "val_loader = DataLoader(other)\ny_val_pred = model.predict(X_val)\n"
                    "parts = line.split(',')\n"),
        "module.py": "class M:\n    def val_dataloader(self):\n        return None\n",
        "configs/data.yaml": "data:\n  val_split: 0.1\n  batch_size: 32\n",
        "data/coco.yaml": "train: images/train\nval: images/val\n",
        ".github/workflows/ci.yaml": "test_size: 0.2\n",
    })
    assert kinds(facts) == {
        ("holdout", "data.py", 3), ("validation_set", "data.py", 4),
        ("validation_set", "module.py", 2),
        ("validation_set", "configs/data.yaml", 2), ("validation_set", "data/coco.yaml", 2),
    }


def test_readme_states_the_protocol(tmp_path):
    readme = ("# Churn\n\nWe evaluate with stratified 5-fold cross-validation and keep a held-out test set.\n\n"
              "```bash\npython evaluate.py --test-set data/test.csv\n```\n\nRun the test suite with pytest.\n")
    facts = scan(tmp_path, {"README.md": readme})
    assert [(s.kind, s.evidence.line) for s in facts.validation] == [("readme", 3)]


def test_no_validation_in_a_plain_script(tmp_path):
    facts = scan(tmp_path, {"README.md": "# Tool\n\nA small tool.\n", "main.py": "model.fit(X, y)\nprint('done')\n"})
    assert not facts.has_validation


# ---- uncertainty ----------------------------------------------------------------------------------

def test_readme_reports_variation(tmp_path):
    readme = """# Model

Accuracy is 0.91 ± 0.02 on the test set.

ROC-AUC of 0.86 (std 0.01).

We report the mean over 5 seeds.

95% confidence intervals come from bootstrapping.

| Model | F1 |
|---|---|
| BERT | 91.2±0.3 |
"""
    facts = scan(tmp_path, {"README.md": readme})
    assert lines_of(facts.uncertainty) == [3, 5, 7, 9, 13]
    assert facts.reports_uncertainty


def test_variation_look_alikes(tmp_path):
    readme = ("# Notes\n\nThe loss is x ± y in the formula.\n\nThe CI pipeline runs tests.\n\n"
              "We scale inputs to mean 0 and standard deviation 1.\n\nWe use std to normalise.\n")
    assert scan(tmp_path, {"README.md": readme}).uncertainty == ()


def test_notebook_cross_validation_mean_and_std(tmp_path):
    describe = "       Age\ncount  714.0\nmean   29.7\nstd    14.5\n"
    book = notebook(
        code("display_scores(scores)", printed("Scores: [1.0 2.0]\nMean: 69052.46\nStandard deviation: 2731.67\n")),
        code("print(cv)", printed("Accuracy: 0.91 (+/- 0.02)\n")),
        code("df.describe()", result(describe)),
    )
    facts = scan(tmp_path, {"nb.ipynb": book})
    assert [(e.line, e.excerpt) for e in facts.uncertainty] == [
        (1, "cell 1: Standard deviation: 2731.67"), (2, "cell 2: Accuracy: 0.91 (+/- 0.02)")]


# ---- impact ---------------------------------------------------------------------------------------

IMPACT = [
    "The model reduces false alarms by 30% compared with the rule-based system.",
    "At a 0.3 threshold it could save the retention team about $120k per year.",
    "Deployed, it helps retain roughly 500 customers a month.",
    "It cuts manual review time by 40%.",
    "Missing a fraudulent transaction costs far more than a false positive, so we optimise recall.",
    "The classifier catches 85% of fraudulent transactions before they settle.",
    "It reduces operational costs by 15%.",
]
NOT_IMPACT = [
    "Install with `$ pip install -r requirements.txt` first.",
    "We minimise the cost function with SGD.",
    "Reduce the learning rate if the loss diverges.",
    "Users can run the script from the command line.",
    "The dataset contains 7,043 customers and 21 columns.",
    "Dropout reduces the risk of overfitting.",
    "Training costs about $5 on a single GPU.",
    "Mixed precision cuts training time by 40%.",
    "House prices range from $100k to $500k.",
    "We minimize the cost with gradient descent.",
    "We generate customer-level features.",
    "Shuffling before the split reduces the risk of data leakage.",
]


def test_impact_sentences(tmp_path):
    for i, sentence in enumerate(IMPACT):
        facts = scan(tmp_path / str(i), {"README.md": f"# Project\n\n{sentence}\n"})
        assert lines_of(facts.impact) == [3], sentence


def test_impact_look_alikes(tmp_path):
    readme = "# Project\n\n" + "\n\n".join(NOT_IMPACT) + "\n\n```bash\n$ 100 savings\n```\n"
    facts = scan(tmp_path, {"README.md": readme})
    assert facts.impact == () and not facts.states_impact


def test_business_impact_heading(tmp_path):
    facts = scan(tmp_path, {"README.md": "# Churn\n\n## Business impact\n\nSee the dashboard.\n"})
    assert lines_of(facts.impact) == [3]


# ---- totality and order ---------------------------------------------------------------------------

def test_malformed_inputs_and_no_readme(tmp_path):
    facts = scan(tmp_path, {
        "broken.ipynb": "{not json",
        "bad.py": "def f(:\n",
        "configs/bad.yaml": "val_split: [unclosed\n",
        "configs/bomb.yaml": "a: &a [1, 2]\nb: [*a, *a, *a]\nval_split: 0.2\n",
        "odd.ipynb": json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
            {"cell_type": "code", "source": "x", "metadata": {}, "execution_count": 1,
             "outputs": [{"output_type": "stream", "text": 5}, {"output_type": "execute_result", "data": []}]}]}),
    })
    assert facts.output_metrics == () and facts.baseline == () and facts.impact == ()
    assert [s.kind for s in facts.validation] == ["validation_set"]


def test_unreadable_readme_gives_no_readme_facts(tmp_path):
    write_files(tmp_path, {"README.md": RESULTS_TABLE})
    repo = RepoView(tmp_path)
    facts = detect_evaluation(Sources(repo), ReadmeSource(path="README.md", document=None, problem="unreadable"))
    assert facts == EvaluationFacts(output_metrics=(), baseline=(), validation=(), uncertainty=(), impact=())


def test_same_repository_gives_the_same_facts(tmp_path):
    files = {"README.md": RESULTS_TABLE, "a.py": "from sklearn.model_selection import KFold\nKFold(5)\n",
             "nb.ipynb": notebook(code("print(acc)", printed("Accuracy: 0.93\n")))}
    assert scan(tmp_path / "one", files) == scan(tmp_path / "two", files)


def test_every_list_is_capped(tmp_path):
    many = "".join(f"x{i} = train_test_split(X, y)\n" for i in range(30))
    readme = "# P\n\n" + "\n\n".join(f"Model {i} reaches 0.{i}1 ± 0.02 accuracy versus the baseline." for i in range(30))
    facts = scan(tmp_path, {"m.py": "from sklearn.model_selection import train_test_split\n" + many,
                            "README.md": readme + "\n"})
    assert len(facts.validation) == MAX_ITEMS and len(facts.baseline) == MAX_ITEMS
    assert len(facts.uncertainty) == MAX_ITEMS


CALLED = ["train_test_split", "ms.train_test_split", "a.b().KFold", "KFold()", "x[0].KFold", "x[0]().KFold",
          "(lambda: 1)()", "f()()", "DummyClassifier", "sklearn.dummy.DummyClassifier", "DummyClassifier()",
          "x[0].DummyClassifier", "make().DummyRegressor", "print", "a.b.c"]


def test_callee_and_called_as_read_a_call_as_its_dotted_name_does():
    import ast

    from portcheck.analyzer.facts import evaluation
    from portcheck.analyzer.facts.pycode import dotted_name

    for source in CALLED:
        func = ast.parse(f"{source}(x)", mode="eval").body.func
        name = dotted_name(func) or ""
        own = name.replace("()", "").rsplit(".", 1)[-1]
        assert evaluation._callee(func) == (own if own in evaluation._SPLITTERS else ""), source
        assert evaluation._called_as(func, evaluation._DUMMY_MODELS) == (
            name.rsplit(".", 1)[-1] in evaluation._DUMMY_MODELS), source


def test_cross_validation_estimators_and_functions_through_any_import(tmp_path):
    facts = scan(tmp_path, {
        "a.py": "from sklearn.linear_model import LogisticRegressionCV as L\nm = L()\n",
        "b.py": "import xgboost as xgb\nr = xgb.cv(params, dtrain)\n",
        "c.py": "from lightgbm import cv\nr = cv(params, data)\n",
        "d.py": "import sklearn\nm = sklearn.linear_model.RidgeCV()\nn = sklearn.calibration.CalibratedClassifierCV()\n",
        "e.py": "import numpy as np\nm = np.RidgeCV()\nimport mylib as sklearn_like\nsklearn_like.cv()\n",
    })
    assert kinds(facts) == {("cross_validation", "a.py", 2), ("cross_validation", "b.py", 2),
                            ("cross_validation", "c.py", 2), ("cross_validation", "d.py", 2)}


def _first_characters(items, ignore_case: bool) -> tuple[set[tuple[str, bool]], bool]:
    """(the literal characters a parsed pattern can start with, each with whether case is ignored;
    whether it can match empty); any other start (a class, any character) fails the test."""
    from re import _constants as sre  # the parser's opcodes: the pattern read as the `re` module reads it

    found: set[tuple[str, bool]] = set()
    for op, arg in items:
        if op is sre.LITERAL:
            return found | {(chr(arg), ignore_case)}, False
        if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
            continue
        if op is sre.BRANCH:
            branches = [_first_characters(branch, ignore_case) for branch in arg[1]]
            found |= set().union(*(chars for chars, _ in branches))
            if not any(empty for _, empty in branches):
                return found, False
        elif op is sre.SUBPATTERN:
            _, add, remove, inner = arg
            chars, empty = _first_characters(inner, (ignore_case or bool(add & re.IGNORECASE))
                                             and not remove & re.IGNORECASE)
            found |= chars
            if not empty:
                return found, False
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            chars, empty = _first_characters(arg[2], ignore_case)
            found |= chars
            if not (empty or arg[0] == 0):
                return found, False
        else:
            raise AssertionError(f"a metric form starts with {op}, not a literal letter")
    return found, True


def test_every_metric_form_starts_with_a_letter():
    """`METRIC_PATTERN` looks ahead for a letter before trying its forms; that changes no match only
    while every form's first character is a letter, and so is every character `re` folds it to."""
    from re import _parser

    from portcheck.analyzer.facts.metric_mentions import METRIC_PATTERN

    starts, empty = _first_characters(list(_parser.parse(METRIC_PATTERN.pattern)), False)
    assert starts and not empty
    letter = re.compile(r"[^\W\d_]")
    assert all(letter.fullmatch(char) for char, _ in starts)
    folded = "".join(re.escape(char) for char, ignore_case in starts if ignore_case)
    every_character = "".join(map(chr, range(0x110000)))
    assert all(letter.fullmatch(m.group()) for m in re.finditer(f"(?i:[{folded}])", every_character))


def test_code_baseline_calls_and_definitions_keep_the_walk_order(tmp_path):
    facts = scan(tmp_path, {"m.py": "class BaselineModel:\n    def fit(self):\n        return DummyRegressor()\n"
                                    "clf = DummyClassifier()\n",
                            "n.py": "clf = DummyClassifier()\n"})
    assert [(e.path, e.line) for e in facts.baseline] == [("m.py", 1), ("m.py", 4), ("m.py", 3), ("n.py", 1)]
