"""Task facts: the kind of ML problem, class imbalance and the metrics the code computes."""
from __future__ import annotations

from pathlib import Path

import nbformat
from gitutil import write_files

from portcheck.analyzer.facts.readme import load_readme
from portcheck.analyzer.facts.task import (
    MAX_SIGNALS_PER_KIND,
    canonical_metric,
    detect_task,
)
from portcheck.analyzer.repo import RepoView
from portcheck.analyzer.sources import Sources


def scan(root: Path, files: dict):
    write_files(root, files)
    repo = RepoView(root)
    return detect_task(Sources(repo), load_readme(repo))


def notebook(*cells: tuple[str, str]) -> str:
    make = {"md": nbformat.v4.new_markdown_cell, "code": nbformat.v4.new_code_cell}
    return nbformat.writes(nbformat.v4.new_notebook(cells=[make[kind](text) for kind, text in cells]))


def metric_names(facts) -> set[str]:
    return {m.name for m in facts.code_metrics}


# ---- the task ---------------------------------------------------------------------------------------


def test_classifier_and_regressor_estimators_name_the_task(tmp_path):
    clf = scan(tmp_path / "c", {"train.py": "from sklearn.ensemble import RandomForestClassifier\n"
                                            "model = RandomForestClassifier(n_estimators=100)\n"})
    assert clf.task == "classification"
    assert [(e.path, e.line) for e in clf.evidence_for("classification")] == [("train.py", 2)]
    assert clf.signals[0].reason == "RandomForestClassifier"
    reg = scan(tmp_path / "r", {"train.py": "import xgboost as xgb\nfrom sklearn.linear_model import Ridge\n"
                                            "a = xgb.XGBRegressor()\nb = Ridge(alpha=1.0)\n"})
    assert reg.task == "regression"
    assert {s.reason for s in reg.signals} == {"XGBRegressor", "Ridge"}
    assert reg.imbalanced is False


def test_losses_and_boosting_objectives_name_the_task(tmp_path):
    cases = {
        "ce.py": ("import torch.nn as nn\ncriterion = nn.CrossEntropyLoss()\n", "classification"),
        "mse.py": ("import torch\nloss_fn = torch.nn.MSELoss()\n", "regression"),
        "keras.py": ("model.compile(optimizer='adam', loss='binary_crossentropy')\n", "classification"),
        "xgb.py": ("params = {'objective': 'reg:squarederror', 'max_depth': 6}\n", "regression"),
        "lgbm.py": ("import lightgbm as lgb\nranker = lgb.LGBMRanker(objective='lambdarank')\n", "ranking"),
    }
    for name, (code, task) in cases.items():
        assert scan(tmp_path / name, {name: code}).task == task, name


def test_detection_segmentation_generation_and_clustering_code(tmp_path):
    cases = {
        "det.py": (("from torchvision.models.detection import fasterrcnn_resnet50_fpn\n"
                   "from pycocotools.cocoeval import COCOeval\nm = fasterrcnn_resnet50_fpn()\n"
                   "e = COCOeval(gt, dt, 'bbox')\n"), "detection"),
        "seg.py": ("import segmentation_models_pytorch as smp\nmodel = smp.Unet('resnet34')\n", "segmentation"),
        "gen.py": (("from transformers import AutoModelForCausalLM\n"
                   "m = AutoModelForCausalLM.from_pretrained('gpt2')\n"
                   "out = m.generate(ids, max_new_tokens=50)\n"), "generation"),
        "clu.py": ("from sklearn.cluster import KMeans\nkm = KMeans(n_clusters=3)\n", "clustering"),
        "fc.py": ("from prophet import Prophet\nm = Prophet()\n", "forecasting"),
        "rec.py": ("from surprise import SVD\nalgo = SVD()\n", "recommendation"),
    }
    for name, (code, task) in cases.items():
        facts = scan(tmp_path / name, {name: code})
        assert facts.task == task, (name, facts.signals)


def test_readme_alone_states_the_task(tmp_path):
    churn = scan(tmp_path / "churn", {"README.md": "# Customer churn prediction\n\n"
                                                   "We predict whether a customer will leave next month.\n"})
    assert churn.task == "classification"
    assert {s.reason for s in churn.signals} == {"churn prediction", "predict whether"}
    assert churn.signals[0].evidence.path == "README.md" and churn.signals[0].evidence.line == 1
    price = scan(tmp_path / "price", {"README.md": "# Houses\n\nThis project aims to predict the sale price "
                                                   "of houses in Ames from 79 features.\n"})
    assert price.task == "regression"
    detect = scan(tmp_path / "det", {"README.md": "Object detection for traffic signs\n"
                                                  "==================================\n\nTrained with YOLOv8.\n"})
    assert detect.task == "detection"
    nothing = scan(tmp_path / "none", {"README.md": "# Notes\n\nInstall the requirements and read the code.\n"})
    assert nothing.task is None and nothing.signals == ()


def test_the_readme_outweighs_an_incidental_code_signal(tmp_path):
    facts = scan(tmp_path, {"README.md": "# Sales forecasting\n\nWe forecast weekly sales per store.\n",
                            "utils.py": "import torch.nn.functional as F\nloss = F.cross_entropy(a, b)\n"})
    assert facts.task == "forecasting"
    assert dict(facts.totals) == {"classification": 1, "forecasting": 2}


def test_readme_words_in_code_blocks_or_regression_tests_do_not_count(tmp_path):
    facts = scan(tmp_path, {"README.md": "# Tooling\n\nRun the regression tests before a release.\n\n"
                                         "```python\nclf = classify(x)\n```\n"})
    assert facts.task is None


def test_malformed_code_and_notebooks_are_skipped(tmp_path):
    facts = scan(tmp_path, {
        "broken.py": "from sklearn.ensemble import RandomForestClassifier\nmodel = RandomForestClassifier(\n",
        "bad.ipynb": "{ not json",
        "nul.py": b"x = 1\x00\n",
        "deep.py": "x = " + "(" * 150 + "1" + ")" * 150 + "\n",
        "ok.py": "from sklearn.linear_model import LinearRegression\nm = LinearRegression()\n",
    })
    assert facts.task == "regression"
    assert [s.evidence.path for s in facts.signals] == ["ok.py"]


def test_test_files_are_not_the_project(tmp_path):
    facts = scan(tmp_path, {"tests/test_model.py": "from imblearn.over_sampling import SMOTE\n"
                                                   "from sklearn.svm import SVC\nX, y = SMOTE().fit_resample(X, y)\n"
                                                   "SVC()\n",
                            "test_metrics.py": "from sklearn.metrics import f1_score\nf1_score(a, b)\n"})
    assert facts.signals == () and facts.imbalance == () and facts.code_metrics == ()


def test_signals_are_capped_per_kind_but_counted_and_ordered_deterministically(tmp_path):
    files = {f"exp{i:02d}.py": "from sklearn.svm import SVR\nSVR()\n" for i in range(MAX_SIGNALS_PER_KIND + 15)}
    files.update({f"clf{i}.py": "from sklearn.svm import SVC\nSVC()\n" for i in range(MAX_SIGNALS_PER_KIND + 5)})
    files["README.md"] = "# Classifying flowers\n\nWe classify iris species.\n"
    first = scan(tmp_path / "a", files)
    second = scan(tmp_path / "b", files)
    assert first == second
    assert len(first.evidence_for("regression")) == MAX_SIGNALS_PER_KIND
    assert dict(first.totals)["regression"] == MAX_SIGNALS_PER_KIND + 15
    # 30 classifiers plus a README statement (weight 3) against 40 regressors
    assert dict(first.totals)["classification"] == MAX_SIGNALS_PER_KIND + 5 + 2
    assert first.task == "regression"
    kinds = [s.kind for s in first.signals]
    assert kinds == sorted(kinds, key=["classification", "regression"].index)


# ---- imbalance --------------------------------------------------------------------------------------


def test_fraud_notebook_with_smote_is_imbalanced(tmp_path):
    book = notebook(
        ("md", "# Credit card fraud detection\n\nOnly 0.17% of the transactions are fraudulent."),
        ("code", ("%matplotlib inline\nimport pandas as pd\nfrom imblearn.over_sampling import SMOTE\n"
                 "from sklearn.linear_model import LogisticRegression\n"
                 "from sklearn.metrics import classification_report, roc_auc_score")),
        ("code", ("X_res, y_res = SMOTE(random_state=0).fit_resample(X_train, y_train)\n"
                 "clf = LogisticRegression().fit(X_res, y_res)")),
        ("code", ("print(classification_report(y_test, clf.predict(X_test)))\n"
                 "print(roc_auc_score(y_test, clf.predict_proba(X_test)[:, 1]))")),
    )
    facts = scan(tmp_path, {"fraud.ipynb": book})
    assert facts.task == "classification"
    assert facts.imbalanced is True
    resampling = facts.evidence_for("resampling")
    assert [(e.path, e.line) for e in resampling] == [("fraud.ipynb", 3)]
    assert resampling[0].excerpt.startswith("cell 3:")
    words = facts.evidence_for("words")
    assert words[0].line == 1 and "0.17%" in words[0].excerpt
    assert {e.line for e in facts.evidence_for("domain")} >= {1}
    assert metric_names(facts) == {"precision", "recall", "f1", "accuracy", "roc_auc"}
    assert {m.evidence.line for m in facts.code_metrics} == {4}


def test_balanced_cifar_classifier_is_not_imbalanced(tmp_path):
    facts = scan(tmp_path, {"README.md": "# CIFAR-10 image classification\n\nA ResNet-18 trained from scratch.\n",
                            "train.py": (
                                "import torch.nn as nn\nimport torchvision\n"
                                "trainset = torchvision.datasets.CIFAR10(root='./data', train=True)\n"
                                "criterion = nn.CrossEntropyLoss()\n"
                                "for x, y in loader:\n"
                                "    correct += predicted.eq(y).sum().item()\n"
                                "acc = 100. * correct / total\n"
                                "print(f'Test accuracy: {acc:.2f}')\n")})
    assert facts.task == "classification"
    assert facts.imbalanced is False and facts.imbalance == ()
    assert metric_names(facts) == {"accuracy"}
    assert {m.evidence.line for m in facts.code_metrics} == {7, 8}


def test_class_weights_in_code_make_it_imbalanced(tmp_path):
    cases = {
        "sk.py": "from sklearn.linear_model import LogisticRegression\nLogisticRegression(class_weight='balanced')\n",
        "util.py": "from sklearn.utils.class_weight import compute_class_weight\nw = compute_class_weight('balanced')\n",
        "xgb.py": "import xgboost as xgb\nxgb.XGBClassifier(scale_pos_weight=99)\n",
        "torch.py": "import torch.nn as nn\nloss = nn.CrossEntropyLoss(weight=class_weights)\n",
        "sampler.py": "from torch.utils.data import WeightedRandomSampler\ns = WeightedRandomSampler(w, len(w))\n",
    }
    for name, code in cases.items():
        assert scan(tmp_path / name, {name: code}).imbalanced is True, name
    neutral = scan(tmp_path / "n", {"n.py": "import xgboost as xgb\nxgb.XGBClassifier(scale_pos_weight=1)\n"
                                            "LogisticRegression(class_weight=None)\n"})
    assert neutral.imbalance == () and neutral.imbalanced is False


def test_stratify_alone_is_only_a_weak_signal(tmp_path):
    facts = scan(tmp_path, {"split.py": "from sklearn.model_selection import train_test_split, StratifiedKFold\n"
                                        "a, b, c, d = train_test_split(X, y, stratify=y)\n"
                                        "cv = StratifiedKFold(n_splits=5)\n"
                                        "e = train_test_split(X, y, stratify=None)\n"
                                        "from sklearn.svm import SVC\nSVC()\n"})
    assert [e.line for e in facts.evidence_for("stratify")] == [2, 3]
    assert facts.imbalanced is False


def test_loss_and_domain_count_only_for_classification(tmp_path):
    detector = scan(tmp_path / "d", {"README.md": "# Defect detection with YOLO\n\nObject detection of defects.\n",
                                     "loss.py": "import torch.nn as nn\nBCEobj = nn.BCEWithLogitsLoss(pos_weight=pw)\n"
                                                "from torchvision.ops import nms, box_iou\nnms(b, s, 0.5)\n"})
    assert detector.task == "detection"
    assert {s.kind for s in detector.imbalance} == {"loss", "domain"}
    assert detector.imbalanced is False
    classifier = scan(tmp_path / "c", {"m.py": "import torch.nn as nn\n"
                                               "crit = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([9.0]))\n"})
    assert classifier.task == "classification" and classifier.imbalanced is True
    churn_price = scan(tmp_path / "p", {"README.md": "# Churn\n\nWe predict the revenue lost to churn.\n"})
    assert churn_price.task == "regression" and churn_price.imbalanced is False


def test_a_domain_word_in_one_passage_is_not_the_project(tmp_path):
    book = notebook(("md", "## Anomaly detection\nGaussian mixtures can also find anomalies."),
                    ("code", "from sklearn.svm import SVC\nSVC()"))
    one = scan(tmp_path / "one", {"chapter.ipynb": book})
    assert one.evidence_for("domain") and one.imbalanced is False
    named = scan(tmp_path / "named", {"fraud_model.py": "from sklearn.svm import SVC\nSVC()\n"})
    assert named.evidence_for("domain")[0].line is None and named.imbalanced is True
    column = scan(tmp_path / "col", {"a.py": "y = df['Churn']\n", "b.py": "from sklearn.svm import SVC\nSVC()\n",
                                     "c.py": "df = pd.read_csv('data/telco_churn.csv')\n"})
    assert column.imbalanced is True


def test_imbalance_words_in_prose_comments_and_strings(tmp_path):
    cases = {
        "README.md": "# Loans\n\nThe classes are highly imbalanced, so we report PR-AUC.\n",
        "c.py": "# undersample the majority class: fraud is rare\nx = 1\n",
        "s.py": 'def f():\n    """Resample the minority class."""\n',
        "nb.ipynb": notebook(("md", "Positives make up only 3% of the samples.")),
    }
    for name, text in cases.items():
        facts = scan(tmp_path / name.replace(".", "_"), {name: text})
        assert facts.evidence_for("words"), name
        assert facts.imbalanced is True, name
    docstring = scan(tmp_path / "doc", {"s.py": 'def f():\n    """Load data.\n\n    Beware: skewed classes.\n    """\n'})
    assert [e.line for e in docstring.evidence_for("words")] == [4]


# Texts each pattern matches, one or more per alternative, some with letters `re.IGNORECASE` equates with
# ASCII ones ("ſ" with "s", "İ" and "ı" with "i", the Kelvin sign with "k").
IMBALANCE_TEXTS = ["imbalanced", "UNBALANCE", "it is unbalanced data", "Class-Imbalance", "dataimbalance",
                   "skewed class distributions", "Skewed Targets", "minority classes", "the MAJORITY class",
                   "rare positives", "Rare events", "oversampling the minority", "under-sampled of the majority",
                   "SMOTE", "ſmote", "İmbalanced", "ımbalanced", "minorıty class", "\u212aeep the minority class"]
PERCENT_TEXTS = ["only 0.17% are fraud", "5 percent positive", "fraud rate of 1.2 %", "(.5%) positives"]
DOMAIN_TEXTS = ["fraudulent", "Anomalies", "anomalous", "CHURNED", "rare diseases", "defects", "defective",
                "intrusion", "credit defaults", "default risk", "Machine failures", "predictive maintenance",
                "outlier detection", "click-through", "Click through", "\u212aeep fraud", "ſpam fraud"]


def test_needle_prefilter_passes_every_text_a_pattern_matches():
    from portcheck.analyzer.facts import task_vocabulary as vocab
    from portcheck.analyzer.facts.task import _DOMAIN_NEEDLES, _PROSE_WORDS, _PROSE_WORDS_AND_DOMAIN, _may_hold, _spaced
    cases = [(vocab.IMBALANCE_WORDS, IMBALANCE_TEXTS, _PROSE_WORDS), (vocab.PERCENT, PERCENT_TEXTS, _PROSE_WORDS),
             (vocab.DOMAIN, DOMAIN_TEXTS, _PROSE_WORDS_AND_DOMAIN), (vocab.DOMAIN, DOMAIN_TEXTS, _DOMAIN_NEEDLES)]
    for pattern, texts, needles in cases:
        for text in texts:
            for variant in (text, text.upper(), f"x {text}. y", text.replace(" ", "_")):
                if pattern.search(variant) or pattern.search(_spaced(variant)):
                    assert _may_hold(variant, needles), (variant, needles)
        assert all(pattern.search(text) for text in texts)  # the texts above do test the pattern
    assert not _may_hold("Load the weights from a checkpoint.", _PROSE_WORDS_AND_DOMAIN)
    assert not _may_hold("model_path", _DOMAIN_NEEDLES)


def test_prose_findings_are_the_same_without_the_prefilter(monkeypatch):
    import random

    from portcheck.analyzer.facts import task
    from portcheck.analyzer.model import Evidence
    pieces = [*IMBALANCE_TEXTS, *PERCENT_TEXTS, *DOMAIN_TEXTS, "accuracy", "not", "no", "the", "data", "1%",
              "50%", "positives", ".", "!", "\n", "fraud", "is", "rare", "classes", "unbalanced parentheses"]
    rng = random.Random(7)
    texts = [" ".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(2000)]

    def findings(text, domain):
        found = task._FileFindings()
        task._scan_prose(text, found, lambda offset, sentence: Evidence(path="p", line=offset, excerpt=sentence),
                         domain=domain)
        return found.found

    fast = [findings(text, domain) for text in texts for domain in (False, True)]
    monkeypatch.setattr(task, "_may_hold", lambda text, needles: True)
    assert fast == [findings(text, domain) for text in texts for domain in (False, True)]
    assert sum(1 for f in fast if f) > 500  # most texts do find something


def test_negated_or_unrelated_words_and_rates_do_not_count(tmp_path):
    facts = scan(tmp_path, {
        "README.md": ("# Iris\n\nThe dataset is not imbalanced: 50 flowers per class.\n\n"
                      "Our data doesn't suffer from class imbalance.\n\n"
                      "We hold out 20% of the data as a test split.\n\n"
                      "Recall improved by 5% on the positive class.\n\n"
                      "There is a 2% probability that it is spam.\n\n"
                      "Fare is heavily skewed, so we log-transform it.\n\n"
                      "Other strategies exist, such as over-sampling.\n"),
        "p.py": "# unbalanced parentheses in the regex below\nx = 1\n",
    })
    assert facts.imbalance == ()


# ---- metrics in code --------------------------------------------------------------------------------


def test_metric_calls_are_canonicalised(tmp_path):
    code = (
        "import numpy as np\nimport evaluate\nimport mlflow\nimport torchmetrics\n"
        "from sklearn.metrics import (accuracy_score, f1_score, average_precision_score, precision_recall_curve,\n"
        "    classification_report, mean_squared_error, r2_score)\n"
        "a = accuracy_score(y, p)\n"                                   # 7
        "b = f1_score(y, p, average='macro')\n"                        # 8
        "c = average_precision_score(y, s)\n"                          # 9
        "pr = precision_recall_curve(y, s)\n"                          # 10
        "print(classification_report(y, p))\n"                         # 11
        "r = mean_squared_error(y, p, squared=False)\n"                # 12
        "root = np.sqrt(mean_squared_error(y, p))\n"                   # 13
        "q = r2_score(y, p)\n"                                         # 14
        "model.compile(loss='mse', metrics=['mae', 'AUC'])\n"          # 15
        "cross_val_score(m, X, y, scoring='neg_mean_absolute_error')\n"  # 16
        "f = torchmetrics.F1Score(task='binary')\n"                    # 17
        "bleu = evaluate.load('bleu')\n"                               # 18
        "mlflow.log_metric('val_rmse', rmse)\n"                        # 19
        "print(f'Test MAPE: {mape:.3f}')\n"                            # 20
        "pr = keras.metrics.AUC(curve='PR')\n"                         # 21
    )
    facts = scan(tmp_path, {"eval.py": code})
    by_line: dict[int, set[str]] = {}
    for m in facts.code_metrics:
        by_line.setdefault(m.evidence.line, set()).add(m.name)
    assert by_line == {
        7: {"accuracy"}, 8: {"f1"}, 9: {"pr_auc"}, 10: {"pr_auc"}, 11: {"precision", "recall", "f1", "accuracy"},
        12: {"rmse"}, 13: {"rmse"}, 14: {"r2"}, 15: {"mae", "roc_auc"}, 16: {"mae"}, 17: {"f1"}, 18: {"bleu"},
        19: {"rmse"}, 20: {"mape"}, 21: {"pr_auc"},
    }


def test_hand_computed_and_retrieval_metrics(tmp_path):
    facts = scan(tmp_path, {"m.py": (
        "val_acc = (pred == y).float().mean()\n"
        "best_acc = 0\n"                                   # a constant, not a computation
        "min_f1 = cfg.get('min_f1', 0.6)\n"                # a threshold
        "f1 = metrics.get('f1')\n"                         # read back, not computed
        "acc = torch.accelerator.current_accelerator()\n"  # an accelerator
        "r = recall_at_k(ranked, relevant, 10)\n"
        "n = ndcg_score(true, scores)\n")})
    assert [(m.name, m.evidence.line) for m in facts.code_metrics] == [("accuracy", 1), ("recall", 6), ("ndcg", 7)]
    assert facts.task == "ranking"


def test_canonical_metric_names():
    assert canonical_metric("neg_root_mean_squared_error") == "rmse"
    assert canonical_metric("roc_auc_ovr") == "roc_auc"
    assert canonical_metric("sparse_categorical_accuracy") == "accuracy"
    assert canonical_metric("f1_weighted") == "f1"
    assert canonical_metric("average_precision") == "pr_auc"
    assert canonical_metric("logloss") == "log_loss"
    assert canonical_metric("recall_at_k") == "recall"
    assert canonical_metric("epoch") is None and canonical_metric("") is None


def test_metric_names_with_a_split_prefix_keep_their_metric():
    # Hugging Face's Trainer logs eval_f1 and eval_accuracy: both are metrics, not only the accuracy.
    assert canonical_metric("eval_f1") == "f1" and canonical_metric("eval_accuracy") == "accuracy"
    assert canonical_metric("val/f1") == "f1" and canonical_metric("test_roc_auc") == "roc_auc"
    assert canonical_metric("test") is None and canonical_metric("val_") is None
