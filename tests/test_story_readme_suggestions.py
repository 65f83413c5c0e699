"""Suggested README sections, end to end: real temp repositories scanned with `scan`; a section is
suggested exactly when the README lacks it, and its commands match the files the repository has."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from conftest import copy_sample
from gitutil import write_files
from story_helpers import CHURN_RUNS, log_runs

from portcheck.analyzer.scan import scan

v4 = nbformat.v4

TRAIN = """import argparse

from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data")
    args = parser.parse_args()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, stratify=y)
    LogisticRegression(class_weight="balanced").fit(X_train, y_train)


if __name__ == "__main__":
    main()
"""

FULL_README = """# Churn prediction

We predict which customers will cancel next month so that retention can call them first.

## Data

The data set comes from Kaggle's Telco churn data.

## Setup

```bash
pip install -r requirements.txt
```

## Usage

```bash
python train.py --data data/churn.csv
```

## Results

| Model | F1 |
|---|---|
| Logistic regression (baseline) | 0.55 |
| XGBoost | 0.63 |

## Limitations

Only one split was used; next steps are cross-validation and threshold tuning.
"""


def suggestions_of(root: Path, files: dict[str, str | bytes]) -> dict:
    root.mkdir(parents=True, exist_ok=True)
    write_files(root, files)
    return {s.section: s for s in scan(root).readme_suggestions}


def bash_lines(markdown: str) -> list[str]:
    """The command lines of the Markdown's bash blocks, comments after `#` removed."""
    lines, inside = [], False
    for line in markdown.splitlines():
        if line.startswith("```"):
            inside = line == "```bash"
            continue
        if inside and not line.startswith("#"):
            lines.append(line.split("   #")[0].strip())
    return lines


def test_no_readme_gets_every_section_the_facts_can_fill(tmp_path):
    found = suggestions_of(tmp_path / "proj", {"requirements.txt": "scikit-learn==1.5.0\n", "train.py": TRAIN})
    # no results anywhere: no Results section, and no "one split" limitation, only the imbalance one
    assert list(found) == ["Problem", "Data", "Setup", "Usage", "Limitations and next steps"]
    assert all(s.reason == "There is no README." for s in found.values())
    assert bash_lines(found["Setup"].markdown) == ["python -m venv .venv", "source .venv/bin/activate",
                                                   "pip install -r requirements.txt"]
    assert bash_lines(found["Usage"].markdown) == ["python train.py --help"]
    assert [e.location() for e in found["Usage"].evidence] == ["train.py:15"]
    assert "**Split:** stratified held-out test split (`train.py:11`)." in found["Data"].markdown
    assert "classification" in found["Problem"].markdown
    # blanks to fill are inline code, so a Markdown renderer shows them rather than taking them for HTML
    assert "`<One sentence: what the model predicts" in found["Problem"].markdown
    limitations = found["Limitations and next steps"].markdown
    assert "the code weights them, `train.py:12`" in limitations and "held-out split" not in limitations


def test_readme_that_tells_every_part_gets_no_suggestion(tmp_path):
    found = suggestions_of(tmp_path / "proj", {"README.md": FULL_README, "requirements.txt": "pandas==2.2.2\n",
                                               "train.py": TRAIN})
    assert found == {}


def test_each_section_is_suggested_exactly_when_the_readme_lacks_it(tmp_path):
    without_usage = FULL_README.replace("## Usage\n\n```bash\npython train.py --data data/churn.csv\n```\n", "")
    found = suggestions_of(tmp_path / "proj", {"README.md": without_usage, "requirements.txt": "pandas==2.2.2\n",
                                               "train.py": TRAIN})
    assert list(found) == ["Usage"]
    assert found["Usage"].reason == "The README has no usage instructions (how to run the project)."


@pytest.mark.parametrize(("files", "commands", "cited"), [
    ({"requirements.txt": "numpy==2.0.0\n", "requirements-dev.txt": "pytest==8.0.0\n", ".python-version": "3.11\n"},
     ["python3.11 -m venv .venv", "source .venv/bin/activate", "pip install -r requirements.txt",
      "pip install -r requirements-dev.txt"], {"requirements.txt", "requirements-dev.txt", ".python-version"}),
    ({"environment.yml": "name: churn\ndependencies:\n  - python=3.10\n  - numpy=1.26.4\n"},
     ["conda env create -f environment.yml", "conda activate <the name: in environment.yml>"], {"environment.yml"}),
    ({"requirements.txt": "numpy==2.0.0\n",
      "setup.py": "from setuptools import setup\nsetup(name='churn', install_requires=['numpy'])\n"},
     ["python -m venv .venv", "source .venv/bin/activate", "pip install -r requirements.txt", "pip install -e ."],
     {"requirements.txt", "setup.py"}),
    ({"pyproject.toml": '[project]\nname = "churn"\nrequires-python = ">=3.10"\ndependencies = ["numpy"]\n',
      "uv.lock": "version = 1\n"},
     ["uv sync"], {"uv.lock", "pyproject.toml"}),
    ({"pyproject.toml": '[tool.poetry]\nname = "churn"\n\n[tool.poetry.dependencies]\npython = "^3.11"\n'
                        'numpy = "^2.0"\n'},
     ["poetry install"], {"pyproject.toml"}),
    ({"Pipfile": '[packages]\nnumpy = "==2.0.0"\n'}, ["pipenv install"], {"Pipfile"}),
    ({"backend/requirements.txt": "fastapi==0.110.0\n"}, ["pip install -r backend/requirements.txt"],
     {"backend/requirements.txt"}),
])
def test_setup_commands_match_the_dependency_files_present(tmp_path, files, commands, cited):
    setup = suggestions_of(tmp_path / "proj", {"README.md": "# Demo\n\nPredicts churn.\n", **files})["Setup"]
    assert bash_lines(setup.markdown) == commands
    assert {e.path for e in setup.evidence} == cited
    for evidence in setup.evidence:
        assert (tmp_path / "proj" / evidence.path).is_file()


def test_python_version_is_said_with_its_file(tmp_path):
    setup = suggestions_of(tmp_path / "proj", {"requirements.txt": "numpy==2.0.0\n",
                                               ".python-version": "3.11.7\n"})["Setup"]
    assert "Python 3.11 (from `.python-version`)." in setup.markdown


def test_readme_installing_packages_by_name_gets_setup_from_the_requirements_file(tmp_path):
    readme = "# Demo\n\nPredicts churn.\n\n## Install\n\n```bash\npip install pandas scikit-learn\n```\n"
    found = suggestions_of(tmp_path / "proj", {"README.md": readme, "requirements.txt": "pandas==2.2.2\n"})
    assert "installs packages by name (`README.md:8`)" in found["Setup"].reason
    assert "pip install -r requirements.txt" in bash_lines(found["Setup"].markdown)
    covered = readme.replace("pip install pandas scikit-learn", "pip install -r requirements.txt")
    assert "Setup" not in suggestions_of(tmp_path / "other", {"README.md": covered,
                                                              "requirements.txt": "pandas==2.2.2\n"})


def test_usage_lists_one_command_pipelines_before_scripts(tmp_path):
    files = {
        "README.md": "# Demo\n\nPredicts churn.\n",
        "Makefile": "train:\n\tpython src/churn/train.py\n\ntest:\n\tpytest\n",
        "dvc.yaml": "stages:\n  prepare:\n    cmd: python prep.py\n  train:\n    cmd: python train.py\n",
        "src/churn/__init__.py": "",
        "src/churn/train.py": TRAIN,
        "setup.py": "from setuptools import setup\nsetup(name='churn', install_requires=['numpy'])\n",
        "scripts/run_all.sh": "python -m churn.train\n",
    }
    usage = suggestions_of(tmp_path / "proj", files)["Usage"]
    assert bash_lines(usage.markdown) == ["make train", "dvc repro", "bash scripts/run_all.sh",
                                          "python -m churn.train --help"]
    assert "# stages in dvc.yaml: prepare, train" in usage.markdown
    assert "make test" not in usage.markdown


def test_notebook_only_project_is_told_to_run_its_notebooks(tmp_path):
    book = nbformat.writes(v4.new_notebook(cells=[v4.new_code_cell("import pandas as pd")]))
    usage = suggestions_of(tmp_path / "proj", {"README.md": "# Demo\n\nPredicts churn.\n",
                                               "notebooks/My analysis.ipynb": book})["Usage"]
    assert bash_lines(usage.markdown) == ["jupyter notebook 'notebooks/My analysis.ipynb'"]


def test_results_table_from_tracked_runs_marks_baseline_and_best(tmp_path, monkeypatch):
    root = tmp_path / "proj"
    root.mkdir()
    log_runs(monkeypatch, root, CHURN_RUNS)
    found = suggestions_of(root, {"README.md": "# Churn\n\nBinary classification of churners.\n"})
    results = found["Results"]
    table = [line for line in results.markdown.splitlines() if line.startswith("|")]
    assert table[0] == "| Model | F1 | ROC-AUC |"
    assert "| dummy-baseline (baseline) | 0.2 | — |" in table
    assert "| **xgboost** (best) | **0.66** | 0.86 |" in table
    assert "Numbers from the tracked runs in `mlruns` (4 runs, 3 shown)." in results.markdown
    assert "Best F1: 0.66 (xgboost) against 0.2 for the baseline (dummy-baseline)." in results.markdown
    assert results.reason == "The README reports no results, though the repository holds them."
    assert all(e.path.startswith("mlruns/") and (root / e.path).is_file() for e in results.evidence)


def test_no_results_section_when_the_readme_has_its_table(tmp_path):
    assert "Results" not in suggestions_of(tmp_path / "proj", {"README.md": FULL_README})


def test_polished_sample_needs_no_section_and_weak_sample_needs_setup_from_its_requirements(tmp_path):
    polished = copy_sample("polished", tmp_path, with_git=False)
    assert scan(polished).readme_suggestions == ()
    weak = copy_sample("weak", tmp_path, with_git=False)
    found = {s.section: s for s in scan(weak).readme_suggestions}
    assert "pip install -r requirements.txt" in bash_lines(found["Setup"].markdown)
    assert bash_lines(found["Usage"].markdown) == ["jupyter notebook 'Copy of model.ipynb'"]
    for suggestion in found.values():
        for evidence in suggestion.evidence:
            assert (weak / evidence.path).exists(), (suggestion.section, evidence)


def test_console_scripts_are_commands_after_an_editable_install(tmp_path):
    pyproject = ('[project]\nname = "churn"\ndependencies = ["numpy"]\n\n'
                 '[project.scripts]\nchurn-train = "churn.train:main"\n')
    found = suggestions_of(tmp_path / "proj", {"README.md": "# Demo\n\nPredicts churn.\n", "pyproject.toml": pyproject,
                                               "src/churn/__init__.py": ""})
    assert bash_lines(found["Setup"].markdown)[-1] == "pip install -e ."
    assert bash_lines(found["Usage"].markdown) == ["churn-train --help"]
    assert "# after pip install -e . (pyproject.toml:6)" in found["Usage"].markdown
