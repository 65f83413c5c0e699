"""README facts, licence and citation: small READMEs written into temp folders, parsed for real."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from portcheck.analyzer.facts.readme import (
    STORY_PARTS,
    ReadmeFacts,
    detect_citation,
    detect_license,
    detect_readme,
    find_readme,
    load_readme,
)
from portcheck.analyzer.repo import Limits, RepoView


def readme_of(view: RepoView) -> ReadmeFacts:
    """README facts the way a scan computes them: load, then detect."""
    return detect_readme(view, load_readme(view))


SCHEMA = json.loads((Path(__file__).parent / "data" / "facts.schema.json").read_text())


def write(root: Path, rel: str, content: str | bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def readme(tmp_path: Path, text: str | bytes, name: str = "README.md",
           files: dict[str, str] | None = None) -> ReadmeFacts:
    write(tmp_path, name, text)
    for rel, content in (files or {}).items():
        write(tmp_path, rel, content)
    return readme_of(RepoView(tmp_path))


def metric_names(tmp_path: Path, text: str, name: str = "README.md") -> list[str]:
    return readme(tmp_path, text, name).to_schema()["metric_names"]


def assert_valid(facts: ReadmeFacts) -> None:
    jsonschema.validate(facts.to_schema(), SCHEMA["properties"]["readme"])


# ----- finding the README ------------------------------------------------------------------------

def test_no_readme_gives_absent_facts_that_still_fit_the_schema(tmp_path: Path) -> None:
    write(tmp_path, "docs/README.md", "# Only a nested README\n\nThis project predicts churn.\n")
    facts = readme_of(RepoView(tmp_path))
    assert facts.to_schema() == {
        "present": False, "path": None, "describes_purpose": False, "install_instructions": False,
        "usage_instructions": False, "reports_results": False, "metric_names": [], "has_figures": False,
        "broken_local_links": [],
    }
    assert_valid(facts)


@pytest.mark.parametrize("names, chosen", [
    (["README.rst", "README.md", "README.txt"], "README.md"),
    (["readme.MD"], "readme.MD"),
    (["Readme.rst", "README.txt"], "Readme.rst"),
    (["README"], "README"),
    (["README.TXT", "README"], "README.TXT"),
])
def test_root_readme_is_found_in_any_case_preferring_markdown(tmp_path: Path, names: list[str], chosen: str) -> None:
    for name in names:
        write(tmp_path, name, "x\n")
    assert find_readme(RepoView(tmp_path)) == chosen


def test_readme_over_the_read_limit_is_present_but_unread_with_the_reason(tmp_path: Path) -> None:
    write(tmp_path, "README.md", "# Big\n\n" + "This project predicts churn. " * 50)
    facts = readme_of(RepoView(tmp_path, limits=Limits(max_file_bytes=100)))
    assert facts.present and facts.path == "README.md"
    assert facts.problem and not facts.to_schema()["describes_purpose"]


# ----- purpose -----------------------------------------------------------------------------------

def test_first_paragraph_stating_the_task_is_the_purpose_with_its_line(tmp_path: Path) -> None:
    facts = readme(tmp_path, "# Churn\n\nBuild a classification model that predicts which customers will leave.\n")
    assert facts.purpose is not None and facts.purpose.line == 3
    assert facts.purpose.excerpt.startswith("Build a classification model")


def test_descriptive_title_alone_states_the_purpose(tmp_path: Path) -> None:
    facts = readme(tmp_path, "# End-to-End Object Detection with Transformers\n")
    assert facts.to_schema()["describes_purpose"] is True and facts.purpose.line == 1


@pytest.mark.parametrize("text", [
    "# Example MLflow project\n",
    "# Titanic_\n",
    "# PyTorch Notebooks\n\nRandom tutorials created in NumPy and PyTorch.\n",
    "# CS101\n\nA notebook file with the full implementation is available - [nb](https://x.org/nb.ipynb)\n",
])
def test_a_bare_title_a_vague_line_or_a_pointer_does_not_state_a_purpose(tmp_path: Path, text: str) -> None:
    assert readme(tmp_path, text).to_schema()["describes_purpose"] is False


def test_a_notice_paragraph_is_skipped_before_the_purpose(tmp_path: Path) -> None:
    text = ("# tinyGPT\n\n**Update 2025** This repo is deprecated, see the new one.\n\n"
            "The simplest repository for training medium-sized GPTs on a single GPU.\n")
    facts = readme(tmp_path, text)
    assert facts.purpose is not None and facts.purpose.line == 5


def test_purpose_is_read_from_an_html_header_block(tmp_path: Path) -> None:
    text = ('<p align="center">\n  <h1>FraudNet</h1>\n'
            '  <p>Detecting fraudulent card transactions with graph neural networks.</p>\n</p>\n')
    facts = readme(tmp_path, text)
    assert facts.purpose is not None and facts.purpose.line == 3


# ----- install and usage -------------------------------------------------------------------------

def test_fenced_pip_and_python_commands_are_install_and_usage_evidence(tmp_path: Path) -> None:
    text = "# X\n\n```bash\n$ pip install -r requirements.txt\npython train.py --epochs 3\n```\n"
    facts = readme(tmp_path, text)
    assert [(e.line, e.excerpt) for e in facts.install] == [(4, "pip install -r requirements.txt")]
    assert [(e.line, e.excerpt) for e in facts.usage] == [(5, "python train.py --epochs 3")]


def test_prose_install_sentence_and_inline_command_count(tmp_path: Path) -> None:
    text = "# X\n\nInstall the packages listed in requirements.txt.\nThen run `python -m src.serve` to start.\n"
    facts = readme(tmp_path, text).to_schema()
    assert facts["install_instructions"] and facts["usage_instructions"]


def test_shell_steps_under_a_setup_heading_are_install_steps(tmp_path: Path) -> None:
    text = "# X\n\n## Configure environment\n\n```bash\ncp .env.example .env\n```\n"
    facts = readme(tmp_path, text)
    assert [e.excerpt for e in facts.install] == ["cp .env.example .env"] and not facts.usage


def test_make_setup_is_install_and_make_train_is_usage(tmp_path: Path) -> None:
    facts = readme(tmp_path, "# X\n\n```\nmake setup\nmake train-force\nmake test\n```\n")
    assert [e.excerpt for e in facts.install] == ["make setup"]
    assert [e.excerpt for e in facts.usage] == ["make train-force"]


def test_python_code_that_predicts_is_usage(tmp_path: Path) -> None:
    text = "# X\n\n```python\nfrom pkg import Model\nm = Model.load('m.pt')\nprint(m.predict(x))\n```\n"
    facts = readme(tmp_path, text)
    assert [e.line for e in facts.usage] == [6]


@pytest.mark.parametrize("text", [
    "# X\n\nMake sure you have a GPU. Python is great.\n",
    "# X\n\n```bash\ngit clone https://github.com/a/b\ncd b\npytest -q\npython -m pip --version\n```\n",
    "# X\n\n```yaml\ntrain: true\n```\n",
])
def test_clone_test_and_prose_lines_are_neither_install_nor_usage(tmp_path: Path, text: str) -> None:
    facts = readme(tmp_path, text).to_schema()
    assert not facts["install_instructions"] and not facts["usage_instructions"]


# ----- metrics -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, names", [
    ("Our model achieves 93.2% accuracy on the test set.", ["accuracy"]),
    ("- Accuracy: 0.87\n- Precision: 0.80\n- Recall: 0.75", ["accuracy", "precision", "recall"]),
    ("RMSE of 3.2 and R² = 0.91, MAE 1.1", ["mae", "r2", "rmse"]),
    ("the best validation loss is 1.4697.", ["loss"]),
    ("ROC AUC 0.836 (validation set), F1-score: 0.71", ["f1", "roc_auc"]),
    ("Top-1 Acc: 76.1%, PR-AUC 0.4, log loss 0.35", ["log_loss", "pr_auc", "top1"]),
    ("BLEU score of 27.3, ROUGE-L: 41.2, perplexity of 23.4", ["bleu", "perplexity", "rouge"]),
    ("Recall@10: 0.51, MRR: 0.51", ["other:mrr", "recall"]),
    ("The F1-score improved from 0.72 to 0.81.", ["f1"]),
    ("Recall for class 1 is 0.8.", ["recall"]),
])
def test_metrics_stated_with_a_value_in_prose_are_canonicalised(tmp_path: Path, text: str, names: list[str]) -> None:
    assert metric_names(tmp_path, "# X\n\n" + text + "\n") == names


@pytest.mark.parametrize("text", [
    "The dataset has 10,000 samples and 20 features; the model has 124M parameters.",
    "We trained for 50 epochs in 2023 with a learning rate of 0.001 on Python 3.10.",
    "We use accuracy, precision and recall as metrics (Recall@k, NDCG).",
    "Retraining starts if F1 drops below 0.6; the target accuracy is 0.95; accuracy > 0.9 is required.",
    "175+ tests with 89% coverage.",
    "```yaml\nmin_f1: 0.60\nmin_roc_auc: 0.75\n```",
    "```bash\npython train.py trainer.precision=16\n```",
    "Run `python train.py +trainer.precision=16` for mixed precision.",
])
def test_sizes_counts_versions_thresholds_and_bare_names_are_not_results(tmp_path: Path, text: str) -> None:
    facts = readme(tmp_path, "# X\n\n" + text + "\n")
    assert facts.to_schema()["reports_results"] is False and facts.metrics == ()


def test_markdown_table_metric_columns_with_numbers_count_with_the_cell_line(tmp_path: Path) -> None:
    text = ("# X\n\n| Model | Params | Train Loss | Accuracy (%) | ROC-AUC |\n|---|---|---|---|---|\n"
            "| LR | 11M | 0.52 | **81.2** | 0.85 |\n")
    facts = readme(tmp_path, text)
    assert facts.metric_names == ["accuracy", "loss", "roc_auc"]
    assert {(m.name, m.value, m.evidence.line) for m in facts.metrics} == {
        ("loss", "0.52", 5), ("accuracy", "81.2", 5), ("roc_auc", "0.85", 5)}


def test_metric_rows_of_a_key_value_table_count(tmp_path: Path) -> None:
    text = "# X\n\n| Metric | Score |\n|---|---|\n| Accuracy | 0.93 |\n| F1 | 0.91 |\n| Threshold | 0.5 |\n"
    assert metric_names(tmp_path, text) == ["accuracy", "f1"]


def test_html_table_split_by_blank_lines_counts_its_metric_column(tmp_path: Path) -> None:
    text = ("# Detector\n\nObject detection on COCO.\n\n<table>\n<tr><th>name</th><th>box AP</th><th>PQ</th>"
            "<th>size</th></tr>\n\n<tr><td>R50</td><td>42.0</td><td>43.4</td><td>159Mb</td></tr>\n</table>\n")
    facts = readme(tmp_path, text)
    assert facts.metric_names == ["map", "other:pq"]
    assert {m.evidence.line for m in facts.metrics} == {8}


def test_classification_report_output_counts_its_columns(tmp_path: Path) -> None:
    text = ("# X\n\n```\n              precision    recall  f1-score   support\n\n"
            "           0       0.90      0.95      0.92       500\n```\n")
    assert metric_names(tmp_path, text) == ["f1", "precision", "recall"]


@pytest.mark.parametrize("context, name", [
    ("We train an object detector on COCO and obtain 42 AP.", "map"),
    ("Our fraud classifier reaches 0.42 AP on the imbalanced test set.", "pr_auc"),
])
def test_bare_ap_is_map_for_detection_and_pr_auc_otherwise(tmp_path: Path, context: str, name: str) -> None:
    assert metric_names(tmp_path, f"# X\n\n{context}\n") == [name]


# ----- figures and links -------------------------------------------------------------------------

def test_markdown_and_html_images_are_figures_but_commented_html_is_not(tmp_path: Path) -> None:
    text = ('# X\n\n![ROC curve](img/roc.png)\n\n<p align="center"><img src="img/arch.png" width="80%"></p>\n\n'
            '<!-- <img src="old.png"> -->\n')
    facts = readme(tmp_path, text, files={"img/roc.png": ""})
    assert [(f.src, f.alt, f.evidence.line) for f in facts.figures] == [
        ("img/roc.png", "ROC curve", 3), ("img/arch.png", None, 5)]
    assert facts.broken_local_links == ["img/arch.png"]


def test_no_images_means_no_figures(tmp_path: Path) -> None:
    assert readme(tmp_path, "# X\n\n[docs](https://example.org)\n").to_schema()["has_figures"] is False


def test_only_relative_targets_that_do_not_exist_are_broken(tmp_path: Path) -> None:
    write(tmp_path, "docs/guide.md", "x")
    write(tmp_path, "my file.md", "x")
    text = ("# X\n\n[a](docs/guide.md#part) [b](docs/) [c](./docs/guide.md?plain=1) [d](my%20file.md) "
            "[e](/docs/guide.md) [f](#anchor) [g](https://x.org/missing.md) [h](mailto:a@b.c)\n\n"
            "[gone](notebooks/eda.ipynb) [out](../elsewhere.md) <a href=\"data/raw.csv\">raw</a>\n")
    facts = readme(tmp_path, text)
    assert facts.broken_local_links == ["../elsewhere.md", "data/raw.csv", "notebooks/eda.ipynb"]
    assert {b.evidence.line for b in facts.broken_links} == {5}
    assert_valid(facts)


# ----- reStructuredText and plain text -----------------------------------------------------------

RST = """\
|badge|

.. |badge| image:: https://img.shields.io/badge/ci-passing-green

Churn Predictor
===============

This project predicts customer churn for a telecom operator using gradient boosting.

.. include:: secret.txt

.. raw:: html

   <img src="raw.png">

Installation
------------

.. code-block:: bash

   pip install -r requirements.txt

Run ``python train.py`` to train. See `the report <docs/missing.pdf>`_.

+---------+------+
| Model   | F1   |
+=========+======+
| XGBoost | 0.82 |
+---------+------+

.. figure:: docs/roc.png
   :alt: ROC curve

   The ROC curve.
"""


def test_rst_readme_is_parsed_with_docutils_for_every_field(tmp_path: Path) -> None:
    facts = readme(tmp_path, RST, "README.rst", files={"docs/roc.png": ""})
    assert facts.format == "rst"
    assert facts.to_schema() == {
        "present": True, "path": "README.rst", "describes_purpose": True, "install_instructions": True,
        "usage_instructions": True, "reports_results": True, "metric_names": ["f1"], "has_figures": True,
        "broken_local_links": ["docs/missing.pdf"],
    }
    assert [(h.title, h.level, h.line) for h in facts.sections] == [("Churn Predictor", 1, 5),
                                                                     ("Installation", 2, 16)]
    assert facts.purpose.line == 8 and facts.install[0].line == 21


def test_rst_include_and_raw_directives_never_pull_in_other_content(tmp_path: Path) -> None:
    write(tmp_path, "secret.txt", "Our model reaches an accuracy of 0.99.\n")
    facts = readme(tmp_path, RST, "README.rst")
    assert "accuracy" not in facts.metric_names
    assert "raw.png" not in {f.src for f in facts.figures}


def test_plain_text_readme_uses_line_heuristics(tmp_path: Path) -> None:
    text = ("SENTIMENT CLASSIFIER\n\nThis repository trains a classifier that detects the sentiment of reviews.\n\n"
            "INSTALL:\n\n    pip install -r requirements.txt\n\nResults: test accuracy 0.89.\n")
    facts = readme(tmp_path, text, "README.txt")
    assert facts.format == "text"
    assert facts.to_schema()["install_instructions"] and facts.metric_names == ["accuracy"]
    assert facts.sections[0].title == "SENTIMENT CLASSIFIER" and not facts.figures


# ----- malformed input ---------------------------------------------------------------------------

@pytest.mark.parametrize("content", [
    b"\x00\xff\xfe binary \x89PNG\r\n\x1a\n" * 200,
    "> " * 5000 + "deep quote",
    "- " * 3000 + "deep list",
    "<table>" * 2000 + "<tr><td>accuracy</td><td>0.9",
    "[x](" + "(" * 5000 + ")",
    "|a|b|\n|-|-|\n" + "|1|\n" * 2000,
])
def test_malformed_markdown_never_raises_and_fits_the_schema(tmp_path: Path, content: str | bytes) -> None:
    assert_valid(readme(tmp_path, content))


def test_rst_too_deep_for_docutils_is_read_as_plain_text_with_the_reason(tmp_path: Path) -> None:
    text = "Fraud detector that predicts card fraud in real time.\n\n" + "".join(
        "  " * i + "- item\n\n" for i in range(300)) + "pip install -r requirements.txt\n"
    facts = readme(tmp_path, text, "README.rst")
    assert facts.format == "text" and "RecursionError" in facts.problem
    assert facts.to_schema()["describes_purpose"] and facts.to_schema()["install_instructions"]


def test_malformed_rst_never_raises(tmp_path: Path) -> None:
    text = "Title\n=====\n\n.. image::\n\n.. csv-table::\n   :file: /etc/passwd\n\n`unclosed <\n\n" + "  " * 500 + "x\n"
    assert_valid(readme(tmp_path, text, "README.rst"))


# ----- sections and story ------------------------------------------------------------------------

def test_sections_and_story_parts_come_with_evidence(tmp_path: Path) -> None:
    text = ("# Churn\n\nWe predict churn for a telecom company.\n\n## Data\n\n"
            "We use the Telco Customer Churn dataset from Kaggle.\n\n## Approach\n\nWe train XGBoost.\n\n"
            "## Results\n\nAccuracy: 0.81\n\n## Limitations\n\nSmall sample.\n")
    facts = readme(tmp_path, text)
    assert [h.title for h in facts.sections] == ["Churn", "Data", "Approach", "Results", "Limitations"]
    parts = {p.name: p for p in facts.story_parts}
    assert tuple(parts) == STORY_PARTS
    assert parts["data"].present and parts["data"].source == "Kaggle" and parts["data"].evidence.line == 5
    assert parts["problem"].evidence.line == 3
    assert (parts["approach"].evidence.line, parts["results"].evidence.line,
            parts["limitations"].evidence.line) == (9, 13, 17)
    assert not parts["evaluation"].present


def test_a_long_heading_that_merely_contains_a_keyword_is_not_a_story_part(tmp_path: Path) -> None:
    facts = readme(tmp_path, "# X\n\n### 1. RAG Pipeline - Retrieval System with Systematic Evaluation\n")
    assert not facts.story_part("evaluation").present and not facts.story_part("approach").present


# ----- licence and citation ----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["LICENSE", "LICENCE.md", "license.txt", "COPYING", "LICENSE-MIT"])
def test_licence_file_at_the_root_in_any_spelling(tmp_path: Path, name: str) -> None:
    write(tmp_path, name, "\nMIT License\n\nCopyright ...\n")
    evidence = detect_license(RepoView(tmp_path))
    assert evidence is not None and (evidence.path, evidence.line, evidence.excerpt) == (name, 2, "MIT License")


def test_licence_only_in_a_subfolder_does_not_count(tmp_path: Path) -> None:
    write(tmp_path, "sub/LICENSE", "MIT")
    write(tmp_path, "LICENSES_NOTES.md", "which licence?")
    assert detect_license(RepoView(tmp_path)) is None


def test_citation_cff_at_the_root_is_citation(tmp_path: Path) -> None:
    write(tmp_path, "CITATION.cff", "cff-version: 1.2.0\n")
    view = RepoView(tmp_path)
    assert detect_citation(view, readme_of(view)).path == "CITATION.cff"


def test_bibtex_entry_in_a_readme_code_fence_is_citation_with_its_line(tmp_path: Path) -> None:
    facts = readme(tmp_path, "# X\n\n## Cite\n\n```bibtex\n@inproceedings{doe2024,\n  title={X}\n}\n```\n")
    evidence = detect_citation(RepoView(tmp_path), facts)
    assert evidence is not None and evidence.line == 6


def test_an_email_or_decorator_is_not_a_bibtex_entry(tmp_path: Path) -> None:
    facts = readme(tmp_path, "# X\n\nMail me at misc@example.org.\n\n```python\n@article_cache\ndef f(): ...\n```\n")
    assert detect_citation(RepoView(tmp_path), facts) is None


def test_html_superscripts_in_table_headers_separate_words_but_not_exponents(tmp_path):
    (tmp_path / "README.md").write_text(
        "# Detector\n\nDetects objects in street images for a delivery robot.\n\n"
        "| Model | Size<br><sup>(pixels) | mAP<sup>val<br>50-95 |\n|---|---|---|\n| small | 640 | 37.4 |\n\n"
        "The regressor reaches R<sup>2</sup> 0.93 on held-out data.\n")
    facts = readme_of(RepoView(tmp_path))
    assert {(m.name, m.value) for m in facts.metrics} == {("map", "37.4"), ("r2", "0.93")}
