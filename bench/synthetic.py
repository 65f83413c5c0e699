"""Contents of a synthetic machine-learning repository's files, deterministic from a random generator.

Each `*_text` function takes a `random.Random` and returns one file's text: Python modules with
functions and classes of varied complexity, tests, training scripts, executed-looking notebooks
(nbformat 4 with stream, table and image outputs), a README with a results table, requirements,
configuration and small data files. `bench/generate.py` decides which files exist and when they change.
"""
from __future__ import annotations

import base64
import json
import random

import nbformat
from nbformat import v4

NOUNS = ["loader", "dataset", "encoder", "decoder", "features", "metrics", "trainer", "scheduler", "sampler",
         "augment", "tokenizer", "embedding", "backbone", "head", "loss", "optim", "callbacks", "registry",
         "preprocess", "split", "ensemble", "calibration", "drift", "serving", "export", "viz", "report"]
TOPICS = ["data", "models", "features", "training", "evaluation", "utils", "pipelines", "serving", "viz",
          "nlp", "vision", "tabular", "experiments", "tracking", "io"]
VERBS = ["load", "build", "compute", "fit", "predict", "transform", "score", "split", "encode", "merge",
         "filter", "normalize", "resample", "aggregate", "validate", "export", "plot", "summarize"]
OBJECTS = ["batch", "frame", "features", "labels", "weights", "scores", "tokens", "images", "records",
           "metrics", "config", "splits", "predictions", "embeddings", "history"]
IMPORTS = ["import os", "import json", "import logging", "import math", "import random", "from pathlib import Path",
           "from typing import Any, Iterable", "import numpy as np", "import pandas as pd", "import torch",
           "import torch.nn as nn", "from sklearn.metrics import f1_score, roc_auc_score",
           "from sklearn.model_selection import train_test_split", "from dataclasses import dataclass"]
MODELS = ["LogisticRegression (baseline)", "RandomForest", "GradientBoosting", "XGBoost", "MLP", "ResNet-18",
          "DistilBERT", "LightGBM"]
PACKAGES = [("numpy", "1.26.4"), ("pandas", "2.1.4"), ("scikit-learn", "1.3.2"), ("torch", "2.1.2"),
            ("matplotlib", "3.8.2"), ("seaborn", "0.13.0"), ("pyyaml", "6.0.1"), ("tqdm", "4.66.1"),
            ("mlflow", "2.9.2"), ("xgboost", "2.0.3"), ("lightgbm", "4.1.0"), ("transformers", "4.36.2")]
INDENT = "    "


def _name(rng: random.Random) -> str:
    return f"{rng.choice(VERBS)}_{rng.choice(OBJECTS)}"


def _class_name(rng: random.Random) -> str:
    return rng.choice(NOUNS).title().replace("_", "") + rng.choice(["Model", "Pipeline", "Transformer", "Store",
                                                                     "Runner", "Builder", "Config"])


class _Code:
    """Lines of Python built with explicit indentation, from statements that are always valid syntax."""

    def __init__(self, rng: random.Random, *, top_level: bool = False) -> None:
        self.rng = rng
        self.top_level = top_level  # code outside any function (a notebook cell): no `return`
        self.lines: list[str] = []
        self.counter = 0

    def emit(self, depth: int = 0, text: str = "") -> None:
        self.lines.append(INDENT * depth + text if text else "")

    def fresh(self) -> str:
        self.counter += 1
        return f"{self.rng.choice(OBJECTS)}_{self.counter}"

    def expr(self, names: list[str]) -> str:
        rng, a, b = self.rng, self.rng.choice(names), self.rng.choice(names)
        return rng.choice([
            f"{a} + {b}", f"np.mean({a})", f"len({a})", f"{a} * {rng.uniform(0.01, 2):.3f}", f"max({a}, {b})",
            f"{a}[{rng.randint(0, 9)}]", f"[v * 2 for v in {a}]", f"{{k: v for k, v in enumerate({a})}}",
            f"sum({a}) / max(len({b}), 1)", f"{a}.get('{rng.choice(OBJECTS)}', {rng.randint(0, 100)})",
            f"str({a}).strip().lower()", f"({a}, {b})",
        ])

    def condition(self, names: list[str]) -> str:
        a = self.rng.choice(names)
        return self.rng.choice([f"{a} is None", f"len({a}) > {self.rng.randint(0, 64)}", f"not {a}",
                                f"isinstance({a}, dict)", f"{a} and {self.rng.choice(names)}",
                                f"{a} >= {self.rng.uniform(0, 1):.2f}"])

    def block(self, depth: int, names: list[str], budget: int) -> int:
        """Emit 1-5 statements at `depth`; compound statements spend `budget`. Returns the budget left."""
        for _ in range(self.rng.randint(1, 5)):
            budget = self.statement(depth, names, budget)
        return budget

    def statement(self, depth: int, names: list[str], budget: int) -> int:
        rng = self.rng
        kind = rng.choice(["if", "for", "while", "try", "with", "comp"]) if budget > 0 and depth < 7 else "simple"
        if kind == "simple" or rng.random() < 0.35:
            self.simple(depth, names)
            return budget
        budget -= 1
        if kind == "if":
            self.emit(depth, f"if {self.condition(names)}:")
            budget = self.block(depth + 1, names, budget)
            for _ in range(rng.choice([0, 0, 1, 2])):
                self.emit(depth, f"elif {self.condition(names)}:")
                budget = self.block(depth + 1, names, budget - 1)
            if rng.random() < 0.5:
                self.emit(depth, "else:")
                budget = self.block(depth + 1, names, budget)
        elif kind == "for":
            var = self.fresh()
            self.emit(depth, f"for {var} in {rng.choice(names)}:")
            budget = self.block(depth + 1, names + [var], budget)
        elif kind == "while":
            var = self.fresh()
            self.emit(depth, f"{var} = 0")
            self.emit(depth, f"while {var} < {rng.randint(2, 50)}:")
            self.emit(depth + 1, f"{var} += 1")
            budget = self.block(depth + 1, names + [var], budget)
        elif kind == "try":
            self.emit(depth, "try:")
            budget = self.block(depth + 1, names, budget)
            self.emit(depth, f"except ({rng.choice(['KeyError', 'ValueError', 'OSError'])}, TypeError) as exc:")
            self.emit(depth + 1, f"logger.warning('{_name(rng)} failed: %s', exc)")
            self.emit(depth + 1, rng.choice(["raise", "pass"] if self.top_level else ["raise", "return None", "pass"]))
        elif kind == "with":
            var = self.fresh()
            self.emit(depth, f"with open(os.path.join({rng.choice(names)}, '{rng.choice(OBJECTS)}.json')) as {var}:")
            self.emit(depth + 1, f"{self.fresh()} = json.load({var})")
            budget = self.block(depth + 1, names + [var], budget)
        else:
            var = self.fresh()
            self.emit(depth, f"{var} = [x for x in {rng.choice(names)} if {self.condition(['x'])}]")
            names.append(var)
        return budget

    def simple(self, depth: int, names: list[str]) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.55:
            var = self.fresh()
            self.emit(depth, f"{var} = {self.expr(names)}")
            names.append(var)
        elif roll < 0.7:
            self.emit(depth, f"# {rng.choice(VERBS)} the {rng.choice(OBJECTS)} first, then {rng.choice(VERBS)} them")
            self.emit(depth, f"{rng.choice(names)} = {self.expr(names)}")
        elif roll < 0.8:
            self.emit(depth, f"logger.info('{rng.choice(OBJECTS)}: %s', {rng.choice(names)})")
        elif roll < 0.9:
            metric = rng.choice(["accuracy", "f1", "roc_auc", "precision", "recall", "loss"])
            self.emit(depth, f"print(f'{metric}: {{{rng.choice(names)}!r}}')")
        else:
            self.emit(depth, f"assert {self.condition(names)}, '{rng.choice(OBJECTS)} must be valid'")

    def function(self, depth: int, *, method: bool = False) -> None:
        rng = self.rng
        args = [self.fresh() for _ in range(rng.randint(0 if method else 1, 4))]
        params = ", ".join((["self"] if method else []) + [f"{a}: Any" if rng.random() < 0.5 else a for a in args])
        if method:
            args.append("self")
        name = rng.choice(["fit", "predict", "forward", "transform", "__call__"]) if method and rng.random() < 0.4 \
            else _name(rng)
        self.emit(depth, f"def {name}({params}) -> Any:")
        if rng.random() < 0.7:
            self.emit(depth + 1, f'"""{rng.choice(VERBS).title()} the {rng.choice(OBJECTS)} for one '
                                 f'{rng.choice(OBJECTS)} step."""')
        budget = rng.choice([0, 1, 2, 3, 4, 6]) if rng.random() < 0.95 else rng.randint(8, 16)
        names = args or ["SEED"]
        self.block(depth + 1, names, budget)
        self.emit(depth + 1, f"return {rng.choice(names)}")
        self.emit()

    def klass(self) -> None:
        rng = self.rng
        base = rng.choice(["", "(nn.Module)", "(object)", "(Exception)"])
        self.emit(0, f"class {_class_name(rng)}{base}:")
        self.emit(1, f'"""A {rng.choice(NOUNS)} that {rng.choice(VERBS)}s {rng.choice(OBJECTS)}."""')
        self.emit()
        self.emit(1, "def __init__(self, config: dict | None = None) -> None:")
        if base == "(nn.Module)":
            self.emit(2, "super().__init__()")
        self.emit(2, "self.config = config or {}")
        for _ in range(rng.randint(1, 5)):
            self.emit(2, f"self.{rng.choice(OBJECTS)} = self.config.get('{rng.choice(OBJECTS)}', {rng.randint(1, 512)})")
        self.emit()
        for _ in range(rng.randint(1, 6)):
            self.function(1, method=True)


def python_module(rng: random.Random, topic: str) -> str:
    """A library module: imports, constants, then functions and classes of varied size and complexity."""
    code = _Code(rng)
    code.emit(0, f'"""{topic.title()} helpers: {rng.choice(VERBS)} and {rng.choice(VERBS)} {rng.choice(OBJECTS)}."""')
    for line in sorted(set(rng.sample(IMPORTS, rng.randint(3, 9))) | {"import os", "import json", "import logging",
                                                                          "from typing import Any", "import numpy as np"}):
        code.emit(0, line)
    code.emit()
    code.emit(0, "logger = logging.getLogger(__name__)")
    code.emit(0, f"SEED = {rng.choice([0, 7, 42, 1234, 2024])}")
    if rng.random() < 0.05:
        code.emit(0, f"DATA_DIR = '/home/{rng.choice(['alice', 'bob', 'ubuntu'])}/data/{rng.choice(OBJECTS)}'")
    else:
        code.emit(0, "DATA_DIR = os.environ.get('DATA_DIR', 'data')")
    code.emit()
    units = max(1, int(rng.lognormvariate(1.0, 0.7)))
    for _ in range(min(units, 40)):
        code.emit()
        if rng.random() < 0.3:
            code.klass()
        else:
            code.function(0)
    return "\n".join(code.lines).rstrip() + "\n"


def test_module(rng: random.Random, target: str) -> str:
    """A pytest module with a fixture and a few tests of `target`."""
    code = _Code(rng)
    code.emit(0, f'"""Tests for {target}."""')
    code.emit(0, "import numpy as np")
    code.emit(0, "import pytest")
    code.emit()
    code.emit(0, f"from {target} import *  # noqa: F403")
    code.emit()
    code.emit()
    code.emit(0, "@pytest.fixture")
    code.emit(0, f"def {rng.choice(OBJECTS)}():")
    code.emit(1, f"return np.random.default_rng({rng.randint(0, 99)}).normal(size=({rng.randint(4, 64)}, 3))")
    for _ in range(rng.randint(1, 8)):
        code.emit()
        code.emit()
        if rng.random() < 0.3:
            code.emit(0, f"@pytest.mark.parametrize('value', [{', '.join(str(rng.randint(0, 9)) for _ in range(3))}])")
        code.emit(0, f"def test_{_name(rng)}_{rng.choice(['works', 'is_stable', 'rejects_empty', 'keeps_shape'])}():")
        names = ["value"]
        code.emit(1, "value = [1, 2, 3]")
        code.block(1, names, rng.randint(0, 2))
        code.emit(1, f"assert {rng.choice(names)} is not None")
    return "\n".join(code.lines).rstrip() + "\n"


def script(rng: random.Random, package: str, purpose: str) -> str:
    """An entry-point script (train/evaluate/predict) with argparse, a seed and a metrics print-out."""
    code = _Code(rng)
    code.emit(0, f'"""{purpose.title()} entry point: python scripts/{purpose}.py --config configs/default.yaml"""')
    for line in ("import argparse", "import json", "import logging", "import os", "import random", "",
                 "import numpy as np", "import yaml", "", f"from {package} import *  # noqa: F403", "",
                 "logger = logging.getLogger(__name__)", ""):
        code.emit(0, line)
    code.function(0)
    code.emit(0, "def main() -> None:")
    code.emit(1, "parser = argparse.ArgumentParser(description=__doc__)")
    code.emit(1, "parser.add_argument('--config', default='configs/default.yaml')")
    code.emit(1, f"parser.add_argument('--epochs', type=int, default={rng.choice([5, 10, 20, 50])})")
    code.emit(1, "args = parser.parse_args()")
    code.emit(1, "with open(args.config) as fh:")
    code.emit(2, "config = yaml.safe_load(fh)")
    code.emit(1, "random.seed(config.get('seed', 42))")
    code.emit(1, "np.random.seed(config.get('seed', 42))")
    code.block(1, ["args", "config"], rng.randint(1, 6))
    code.emit(1, f"metrics = {{'accuracy': {rng.uniform(0.7, 0.95):.4f}, 'f1': {rng.uniform(0.6, 0.9):.4f}}}")
    code.emit(1, "print(json.dumps(metrics, indent=2))")
    code.emit()
    code.emit()
    code.emit(0, "if __name__ == '__main__':")
    code.emit(1, "main()")
    return "\n".join(code.lines) + "\n"


def package_init(rng: random.Random, topic: str) -> str:
    """A package __init__.py: empty, a docstring, or a docstring and a version."""
    roll = rng.random()
    if roll < 0.4:
        return ""
    text = f'"""{topic.title()} package."""\n'
    return text + (f'__version__ = "0.{rng.randint(1, 9)}.{rng.randint(0, 20)}"\n' if roll > 0.8 else "")


def _png(rng: random.Random) -> str:
    """Base64 of a PNG-sized payload (image bytes are opaque to a scanner; only their size matters)."""
    payload = b"\x89PNG\r\n\x1a\n" + rng.randbytes(rng.randint(1_500, 24_000))
    return base64.b64encode(payload).decode("ascii")


def _html_table(rng: random.Random, rows: int) -> tuple[str, str]:
    cols = rng.sample(["age", "income", "score", "label", "clicks", "tenure", "churn", "region"], 4)
    body = [[f"{rng.uniform(0, 100):.2f}" for _ in cols] for _ in range(rows)]
    plain = "   ".join(cols) + "\n" + "\n".join(f"{i}  " + "  ".join(r) for i, r in enumerate(body))
    html = ("<table border=\"1\" class=\"dataframe\">\n<thead><tr><th></th>" + "".join(f"<th>{c}</th>" for c in cols)
            + "</tr></thead>\n<tbody>\n" + "".join(f"<tr><th>{i}</th>" + "".join(f"<td>{v}</td>" for v in r) + "</tr>\n"
                                                 for i, r in enumerate(body)) + "</tbody>\n</table>")
    return plain, html


def notebook(rng: random.Random, title: str) -> str:
    """An executed-looking Jupyter notebook (nbformat 4): markdown, code, and stream/table/image/error outputs."""
    cells = [v4.new_markdown_cell(f"# {title}\n\nExploring the {rng.choice(OBJECTS)} and training a "
                                  f"{rng.choice(MODELS)}.", id="title")]
    cells.append(v4.new_code_cell("import numpy as np\nimport pandas as pd\nimport matplotlib.pyplot as plt\n"
                                  "from sklearn.metrics import accuracy_score, f1_score", id="imports", execution_count=1))
    count = 1
    for index in range(rng.randint(6, 40)):
        if rng.random() < 0.25:
            cells.append(v4.new_markdown_cell(f"## {rng.choice(VERBS).title()} {rng.choice(OBJECTS)}\n\n"
                                              f"We {rng.choice(VERBS)} the {rng.choice(OBJECTS)} here.", id=f"md{index}"))
            continue
        count += 1
        code = _Code(rng, top_level=True)
        code.block(0, ["df", "X_train", "y_train"], rng.randint(0, 2))
        outputs = []
        roll = rng.random()
        if roll < 0.3:
            plain, html = _html_table(rng, rng.randint(5, 20))
            outputs.append(v4.new_output("execute_result", data={"text/plain": plain, "text/html": html},
                                         execution_count=count))
        elif roll < 0.55:
            outputs.append(v4.new_output("display_data", data={"image/png": _png(rng),
                                                               "text/plain": "<Figure size 640x480 with 1 Axes>"}))
        elif roll < 0.9:
            metric = rng.choice(["Accuracy", "F1", "ROC-AUC", "Recall"])
            outputs.append(v4.new_output("stream", name="stdout",
                                         text="".join(f"epoch {e}: loss={rng.uniform(0.1, 1):.4f}\n"
                                                      for e in range(rng.randint(1, 30)))
                                         + f"{metric}: {rng.uniform(0.6, 0.97):.4f}\n"))
        elif roll < 0.95:
            outputs.append(v4.new_output("error", ename="KeyError", evalue=f"'{rng.choice(OBJECTS)}'",
                                         traceback=["KeyError Traceback (most recent call last)", "KeyError: 'x'"]))
        cells.append(v4.new_code_cell("\n".join(code.lines), id=f"code{index}", execution_count=count, outputs=outputs))
    nb = v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python", "version": "3.11.7"}})
    return nbformat.writes(nb) + "\n"


def readme(rng: random.Random, project: str, package: str) -> str:
    """A README: summary, install, usage, data, a results table with a baseline row, project layout."""
    models = rng.sample(MODELS[1:], rng.randint(2, 5))
    rows = [("LogisticRegression (baseline)", rng.uniform(0.6, 0.75))] + [(m, rng.uniform(0.75, 0.95)) for m in models]
    table = "\n".join(f"| {m} | {acc:.3f} | {acc - rng.uniform(0.01, 0.08):.3f} | {min(acc + 0.03, 0.99):.3f} |"
                      for m, acc in rows)
    return (f"# {project}\n\n"
            f"Predicting {rng.choice(OBJECTS)} {rng.choice(['churn', 'fraud', 'default', 'demand', 'sentiment'])} "
            f"from {rng.choice(OBJECTS)} with classical and deep models.\n\n"
            "## Installation\n\n```bash\npip install -r requirements.txt\n```\n\n"
            "## Usage\n\n```bash\npython scripts/train.py --config configs/default.yaml\n"
            "python scripts/evaluate.py --config configs/default.yaml\npytest\n```\n\n"
            f"## Data\n\nThe data lives in `data/` ({rng.randint(1, 500)}k rows); see `docs/` for its schema.\n\n"
            "## Results\n\nFive-fold cross-validation on the held-out split:\n\n"
            f"| Model | Accuracy | F1 | ROC-AUC |\n|---|---|---|---|\n{table}\n\n"
            f"## Project layout\n\n- `src/{package}/`: the library\n- `scripts/`: entry points\n"
            "- `notebooks/`: exploration\n- `tests/`: pytest suite\n")


def requirements(rng: random.Random) -> str:
    """requirements.txt: mostly pinned, a few unpinned or ranged."""
    lines = []
    for name, version in sorted(rng.sample(PACKAGES, rng.randint(5, len(PACKAGES)))):
        roll = rng.random()
        lines.append(f"{name}=={version}" if roll < 0.7 else f"{name}>={version.rsplit('.', 1)[0]}" if roll < 0.85 else name)
    return "\n".join(lines) + "\n"


def pyproject(package: str) -> str:
    """pyproject.toml for the project's package."""
    return (f"[project]\nname = \"{package}\"\nversion = \"0.1.0\"\nrequires-python = \">=3.10\"\n\n"
            "[tool.pytest.ini_options]\ntestpaths = [\"tests\"]\n\n[tool.ruff]\nline-length = 100\n")


def config_yaml(rng: random.Random) -> str:
    """An experiment configuration."""
    return (f"seed: {rng.choice([0, 42, 1234])}\nmodel:\n  name: {rng.choice(MODELS).split()[0]}\n"
            f"  lr: {rng.choice([0.1, 0.01, 0.001, 0.0003])}\n  epochs: {rng.randint(5, 100)}\n"
            f"data:\n  train: data/train.csv\n  test: data/test.csv\n  val_fraction: {rng.choice([0.1, 0.2])}\n"
            "tracking:\n  mlflow: true\n")


def data_file(rng: random.Random, suffix: str) -> str:
    """A small CSV sample or a JSON metrics file."""
    if suffix == ".json":
        return json.dumps({m: round(rng.uniform(0.5, 0.99), 4) for m in ("accuracy", "f1", "roc_auc")}, indent=2) + "\n"
    rows = [",".join(f"{rng.uniform(0, 100):.3f}" for _ in range(5)) + f",{rng.randint(0, 1)}"
            for _ in range(rng.randint(10, 200))]
    return "f1,f2,f3,f4,f5,label\n" + "\n".join(rows) + "\n"


def doc(rng: random.Random, topic: str) -> str:
    """A Markdown page of documentation."""
    paragraphs = [f"The {rng.choice(OBJECTS)} step {rng.choice(VERBS)}s {rng.choice(OBJECTS)} before the "
                  f"{rng.choice(NOUNS)} {rng.choice(VERBS)}s them." for _ in range(rng.randint(2, 12))]
    return f"# {topic.title()}\n\n" + "\n\n".join(paragraphs) + "\n"


def ci_workflow() -> str:
    """A GitHub Actions workflow that installs and runs the tests."""
    return ("name: ci\non: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: actions/checkout@v4\n      - uses: actions/setup-python@v5\n"
            "        with:\n          python-version: '3.11'\n      - run: pip install -r requirements.txt\n"
            "      - run: pytest -q\n")


STATIC_FILES = {
    ".gitignore": "__pycache__/\n*.pyc\n.venv/\ndata/raw/\nmlruns/\n*.ckpt\n",
    "LICENSE": "MIT License\n\nCopyright (c) 2024 The Authors\n\nPermission is hereby granted, free of charge, to any person "
               "obtaining a copy of this software, to deal in the Software without restriction.\n",
    "Makefile": "install:\n\tpip install -r requirements.txt\n\ntest:\n\tpytest -q\n\ntrain:\n\tpython scripts/train.py\n",
}
