"""Modelling facts: model families, imputation, serving and tuning read from real files and notebooks."""
from __future__ import annotations

import ast
from pathlib import Path

import nbformat
from gitutil import write_files

from portcheck.analyzer.facts.files import detect_docker
from portcheck.analyzer.facts.modelling import (
    _MISSING_CHECKS,
    _STATISTICS,
    MAX_PER_FAMILY,
    ModellingFacts,
    _called_attributes,
    _is_missing_flag,
    _statistic,
    detect_modelling,
)
from portcheck.analyzer.facts.pycode import code_unit, nodes_of
from portcheck.analyzer.repo import RepoView
from portcheck.analyzer.sources import Sources


def facts_of(root: Path, files: dict[str, str]) -> ModellingFacts:
    write_files(root, files)
    repo = RepoView(root)
    return detect_modelling(repo, Sources(repo), detect_docker(repo))


def names(facts: ModellingFacts) -> list[tuple[str, str]]:
    return [(m.name, m.family) for m in facts.models]


def notebook(*cells: str) -> str:
    return nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]))


# ---- models


def test_sklearn_estimators_map_to_their_families_in_family_order(tmp_path):
    code = ("from sklearn.dummy import DummyClassifier\nfrom sklearn.linear_model import LogisticRegression, Ridge\n"
            "from sklearn.tree import DecisionTreeClassifier\nfrom sklearn.ensemble import RandomForestClassifier, "
            "HistGradientBoostingClassifier\nfrom sklearn.svm import SVC\nfrom sklearn.neighbors import "
            "KNeighborsClassifier\nfrom sklearn.naive_bayes import GaussianNB\nfrom sklearn.neural_network import "
            "MLPClassifier\n"
            "models = [MLPClassifier(), HistGradientBoostingClassifier(), RandomForestClassifier(), SVC(),\n"
            "          DecisionTreeClassifier(), KNeighborsClassifier(), GaussianNB(), Ridge(), LogisticRegression(),\n"
            "          DummyClassifier(strategy='most_frequent')]\n")
    facts = facts_of(tmp_path, {"train.py": code})
    assert dict(names(facts)) == {
        "MLPClassifier": "neural_net", "HistGradientBoostingClassifier": "gradient_boosting",
        "RandomForestClassifier": "forest", "SVC": "svm", "DecisionTreeClassifier": "tree",
        "KNeighborsClassifier": "knn", "GaussianNB": "naive_bayes", "Ridge": "linear", "LogisticRegression": "linear",
        "DummyClassifier": "baseline"}
    assert facts.families == ["baseline", "linear", "naive_bayes", "knn", "tree", "svm", "forest",
                              "gradient_boosting", "neural_net"]
    assert facts.models[0].evidence.path == "train.py" and facts.models[0].evidence.line == 9


def test_boosting_libraries_are_found_through_their_aliases(tmp_path):
    facts = facts_of(tmp_path, {
        "a.py": "import xgboost as xgb\nclf = xgb.XGBClassifier(n_estimators=400)\n",
        "b.py": "import lightgbm as lgb\nbooster = lgb.train(params, dtrain)\nreg = lgb.LGBMRegressor()\n",
        "c.py": "from catboost import CatBoostClassifier as CB\nmodel = CB(verbose=0)\n",
        "d.py": "import statsmodels.api as sm\nfit = sm.OLS(y, X).fit()\n",
    })
    assert names(facts) == [("XGBClassifier", "gradient_boosting"), ("lightgbm.train", "gradient_boosting"),
                            ("LGBMRegressor", "gradient_boosting"), ("CatBoostClassifier", "gradient_boosting"),
                            ("OLS", "linear")]
    first = facts.models[0].evidence
    assert (first.path, first.line, first.excerpt) == ("a.py", 2, "clf = xgb.XGBClassifier(n_estimators=400)")


def test_a_local_class_with_a_library_name_and_test_files_are_not_models(tmp_path):
    facts = facts_of(tmp_path, {
        "mine.py": "class XGBClassifier:\n    pass\n\nmodel = XGBClassifier()\n",
        "tests/test_model.py": "from sklearn.ensemble import RandomForestClassifier\nRandomForestClassifier()\n",
        "test_train.py": "import xgboost\nxgboost.XGBRegressor()\n",
    })
    assert facts.models == ()


def test_a_star_import_from_a_model_package_counts(tmp_path):
    facts = facts_of(tmp_path, {"m.py": "from sklearn.ensemble import *\nrf = RandomForestClassifier()\n"})
    assert names(facts) == [("RandomForestClassifier", "forest")]


def test_neural_networks_subclasses_keras_and_pretrained_models(tmp_path):
    facts = facts_of(tmp_path, {
        "net.py": "from torch import nn\nclass Net(nn.Module):\n    pass\n",
        "lit.py": "import lightning as L\nclass Lit(L.LightningModule):\n    pass\n",
        "keras_seq.py": "import tensorflow as tf\nmodel = tf.keras.Sequential([tf.keras.layers.Dense(1)])\n",
        "tv.py": "from torchvision import models\nm = models.resnet18(weights=models.ResNet18_Weights.DEFAULT)\n",
        "tm.py": "import timm\nm = timm.create_model('efficientnet_b0', pretrained=True)\n",
        "hf.py": ("from transformers import AutoModelForSequenceClassification, AutoTokenizer\n"
                  "tok = AutoTokenizer.from_pretrained('bert-base-uncased')\n"
                  "m = AutoModelForSequenceClassification.from_pretrained('bert-base-uncased')\n"),
    })
    assert names(facts) == [("AutoModelForSequenceClassification", "neural_net"), ("Sequential", "neural_net"),
                            ("Lit", "neural_net"), ("Net", "neural_net"), ("timm efficientnet_b0", "neural_net"),
                            ("resnet18", "neural_net")]
    assert facts.models[0].evidence.line == 3  # the tokenizer on line 2 is not a model


def test_layers_used_inside_a_network_are_components_and_the_whole_model_leads(tmp_path):
    code = ("import torch.nn as nn\n"
            "class Block(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.body = nn.Sequential(nn.Linear(4, 4))\n"
            "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.blocks = [Block() for _ in range(3)]\n"
            "    @classmethod\n    def build(cls):\n        return Net()\n")
    facts = facts_of(tmp_path, {"model.py": code})
    assert [(m.name, m.component) for m in facts.models] == [("Block", True), ("nn.Sequential", True),
                                                             ("Net", False)]
    assert facts.leading[0].name == "Net"


def test_models_in_notebook_cells_cite_the_cell(tmp_path):
    facts = facts_of(tmp_path, {"nb.ipynb": notebook("import xgboost as xgb", "%matplotlib inline\nx = 1",
                                                     "model = xgb.XGBRegressor()")})
    evidence = facts.models[0].evidence
    assert (evidence.path, evidence.line, evidence.excerpt) == ("nb.ipynb", 3, "cell 3: model = xgb.XGBRegressor()")


def test_models_are_bounded_per_family(tmp_path):
    files = {f"m{n:02}.py": "from sklearn.ensemble import RandomForestClassifier\nRandomForestClassifier()\n"
             for n in range(MAX_PER_FAMILY + 5)}
    facts = facts_of(tmp_path, files)
    assert len(facts.models) == MAX_PER_FAMILY and facts.models[0].evidence.path == "m00.py"


# ---- imputation


def strategies(facts: ModellingFacts) -> list[tuple[str, bool, int | None]]:
    return [(i.strategy, i.indicator, i.evidence.line) for i in facts.imputation]


def test_sklearn_imputers_keep_strategy_and_indicator(tmp_path):
    code = ("from sklearn.impute import SimpleImputer, KNNImputer\n"
            "from sklearn.experimental import enable_iterative_imputer\nfrom sklearn.impute import IterativeImputer\n"
            "a = SimpleImputer(strategy='median', add_indicator=True)\nb = SimpleImputer()\n"
            "c = KNNImputer(n_neighbors=5)\nd = IterativeImputer()\nSTRATEGY = 'most_frequent'\n"
            "e = SimpleImputer(strategy=STRATEGY)\nf = SimpleImputer(strategy=pick())\n")
    facts = facts_of(tmp_path, {"features.py": code})
    assert strategies(facts) == [("median", True, 4), ("mean", False, 5), ("knn", False, 6), ("iterative", False, 7),
                                 ("most_frequent", False, 9)]


def test_pandas_fills_read_the_statistic_even_through_a_name(tmp_path):
    code = ("import pandas as pd\nimport torch.nn.functional as F\n"
            "df = pd.read_csv('x.csv')\nmedian_age = df['Age'].median()\n"
            "df['Age'] = df['Age'].fillna(median_age)\n"
            "df['Fare'].fillna(df['Fare'].mean(), inplace=True)\n"
            "df['Port'] = df['Port'].fillna(df['Port'].mode()[0])\n"
            "df['Cabin'] = df['Cabin'].fillna('Unknown')\n"
            "df = df.fillna(method='ffill')\nts = ts.bfill()\nts = ts.interpolate()\n"
            "up = F.interpolate(image, scale_factor=2)\nbatch = tokenizer.pad(features)\n"
            "df['x'] = df['x'].fillna(unknown_value)\n"
            "df = (df.groupby('id')['amount']\n      .fillna(df['amount'].median()))\n")
    facts = facts_of(tmp_path, {"clean.py": code})
    assert strategies(facts) == [("median", False, 5), ("mean", False, 6), ("most_frequent", False, 7),
                                 ("constant", False, 8), ("ffill", False, 9), ("bfill", False, 10),
                                 ("interpolate", False, 11), ("median", False, 16)]
    assert facts.imputation[-1].evidence.excerpt == ".fillna(df['amount'].median()))"


def test_an_isna_flag_column_or_missing_indicator_marks_the_file(tmp_path):
    fill = "import pandas as pd\ndf['Age'] = df['Age'].fillna(df['Age'].median())\n"
    facts = facts_of(tmp_path, {
        "flag.py": fill + "df['Age_missing'] = df['Age'].isna().astype(int)\n",
        "indicator.py": fill + "from sklearn.impute import MissingIndicator\nmi = MissingIndicator()\n",
        "summary.py": fill + "report['missing'] = df.isnull().sum()\n"
                             "df['Age'] = df['Age'].fillna(0 if df['Age'].isna().all() else 1)\n"
                             "rows['x'] = df.loc[df['Age'].isna(), 'Age']\n",
        "assign.py": fill + "df = df.assign(age_missing=df['Age'].isnull())\n",
    })
    by_file = {i.evidence.path: i.indicator for i in facts.imputation if i.strategy == "median"}
    assert by_file == {"assign.py": True, "flag.py": True, "indicator.py": True, "summary.py": False}


# ---- serving


def test_serving_apps_in_code(tmp_path):
    facts = facts_of(tmp_path, {
        "api.py": "from fastapi import FastAPI\napp = FastAPI(title='churn')\n",
        "web.py": "import flask\napp = flask.Flask(__name__)\n",
        "ui.py": "import pandas as pd\nimport streamlit as st\nst.title('Churn')\n",
        "demo.py": "import gradio as gr\ngr.Interface(fn=predict, inputs='text', outputs='label').launch()\n",
        "service.py": "import bentoml\n@bentoml.service(resources={'cpu': '1'})\nclass Churn:\n    pass\n",
        "not_an_app.py": "from flask import Flask\nFlaskLike = Flask\n",
    })
    assert [(e.path, e.line) for e in facts.serving] == [("api.py", 2), ("demo.py", 2), ("service.py", 2),
                                                         ("ui.py", 2), ("web.py", 2)]


def test_dockerfile_commands_that_serve(tmp_path):
    facts = facts_of(tmp_path, {
        "app.py": "from flask import Flask\napp = Flask(__name__)\n",
        "Dockerfile": 'FROM python:3.11\nCOPY . .\nCMD ["uvicorn", "api:app", \\\n     "--port", "80"]\n',
        "docker/Dockerfile.app": "FROM python:3.11\nENTRYPOINT python ./app.py\n",
        "docker/Dockerfile.train": 'FROM python:3.11\nCMD ["python", "train.py"]\n',
        "docker-compose.yml": "services:\n  api:\n    command: uvicorn api:app\n",
    })
    assert [(e.path, e.line, e.excerpt) for e in facts.serving] == [
        ("app.py", 2, "app = Flask(__name__)"),
        ("Dockerfile", 3, 'CMD ["uvicorn", "api:app", \\'),
        ("docker/Dockerfile.app", 2, "ENTRYPOINT python ./app.py"),
    ]


# ---- tuning


def test_hyperparameter_searches_and_tuning_libraries(tmp_path):
    facts = facts_of(tmp_path, {
        "a.py": ("from sklearn.model_selection import GridSearchCV, RandomizedSearchCV, ParameterGrid\n"
                 "g = GridSearchCV(model, grid, cv=5)\nr = RandomizedSearchCV(model, dist)\n"
                 "for p in ParameterGrid(grid):\n    pass\n"),
        "b.py": ("from sklearn.experimental import enable_halving_search_cv\n"
                 "from sklearn.model_selection import HalvingGridSearchCV\nh = HalvingGridSearchCV(model, grid)\n"),
        "c.py": "import optuna\nstudy = optuna.create_study(direction='maximize')\n",
        "d.py": "from hyperopt import fmin, tpe\nbest = fmin(objective, space, algo=tpe.suggest)\n",
        "e.py": "from ray import tune\ntuner = tune.Tuner(trainable)\n",
        "f.py": "import keras_tuner as kt\ntuner = kt.RandomSearch(build_model, objective='val_accuracy')\n",
        "g.py": "from sklearn.model_selection import cross_val_score\ncross_val_score(model, X, y)\n",
    })
    assert [(e.path, e.line) for e in facts.tuning] == [("a.py", 2), ("a.py", 3), ("a.py", 4), ("b.py", 3),
                                                        ("c.py", 2), ("d.py", 2), ("e.py", 2), ("f.py", 2)]


def test_tuning_in_a_notebook_cites_its_cell(tmp_path):
    facts = facts_of(tmp_path, {"tune.ipynb": notebook("from sklearn.model_selection import GridSearchCV",
                                                       "gs = GridSearchCV(rf, grid)")})
    assert [(e.path, e.line) for e in facts.tuning] == [("tune.ipynb", 2)]


# ---- totality and determinism


def test_odd_and_broken_code_never_raises(tmp_path):
    facts = facts_of(tmp_path, {
        "broken.py": "def (:\n",
        "odd.py": ("from sklearn.impute import SimpleImputer\nimport pandas as pd\n"
                   "SimpleImputer(**options)\ndf.fillna()\ndf.fillna(value=None)\n(lambda: 1)()\n"
                   "x[0](1)\nclass A(B[C], metaclass=M):\n    pass\n@(lambda f: f)\ndef g():\n    pass\n"
                   "df[df.isna()] = 0\n"),
        "deep.py": "x = " + "-" * 5000 + "1\n",
        "bad.ipynb": "{not json",
        "Dockerfile": "\\\n",
    })
    assert facts.models == () and facts.imputation == () and facts.serving == ()


def test_same_repository_same_facts(tmp_path):
    files = {"b.py": "import xgboost\nxgboost.XGBClassifier()\n",
             "a.py": "from sklearn.linear_model import LogisticRegression\nLogisticRegression()\n"}
    first = facts_of(tmp_path, files)
    assert first == facts_of(tmp_path, files)
    assert [m.evidence.path for m in first.models] == ["a.py", "b.py"]


def test_whole_models_survive_the_bound_before_their_layers(tmp_path):
    layers = "".join(f"class Layer{n}(nn.Module):\n    pass\n" for n in range(MAX_PER_FAMILY + 2))
    calls = ", ".join(f"Layer{n}()" for n in range(MAX_PER_FAMILY + 2))
    code = f"from torch import nn\n{layers}class Net(nn.Module):\n    def __init__(self):\n        self.layers = [{calls}]\n"
    facts = facts_of(tmp_path, {"model.py": code})
    assert len(facts.models) == MAX_PER_FAMILY and facts.leading[0].name == "Net"
    assert facts.models[-1].name == "Net"  # still listed in reading order


_ASSIGNMENTS = """
import numpy as np
m = df.Age.median()
n = np.nanmean(df.x) + 1
k = df["c"].mode()[0]
df["flag"] = df.x.isna().astype(int)
df.loc[:, "f"] = np.where(df.y.isnull(), 1, 0)
t = df.x.isna().sum()
plain = 3
s: float = stats(df).mean
"""


def test_units_calling_no_statistic_or_missing_check_are_skipped_only_when_nothing_could_be_found(tmp_path):
    lines = _ASSIGNMENTS.strip().splitlines()
    found_any = set()
    for line in lines:
        unit = code_unit("m.py", None, ast.parse(line), line)
        called = _called_attributes(unit)
        for node in nodes_of(unit.tree, ast.Assign, ast.AnnAssign):
            if _statistic(node.value) is not None:
                found_any.add("statistic")
                assert not called.isdisjoint(_STATISTICS), line
            if _is_missing_flag(node.value):
                found_any.add("flag")
                assert not called.isdisjoint(_MISSING_CHECKS), line
    assert found_any == {"statistic", "flag"}
    facts = facts_of(tmp_path, {"clean.ipynb": notebook("import pandas as pd\nm = df.Age.median()",
                                                        "df['Age'] = df['Age'].fillna(m)",
                                                        "df['was_missing'] = df.Age.isna()")})
    assert [(i.strategy, i.indicator) for i in facts.imputation] == [("median", True)]
