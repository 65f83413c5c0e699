"""README checks on small READMEs written for the purpose: pass, fail and the edge cases."""
import pytest
from conftest import check_result

from portcheck.analyzer.model import Status

GOOD = """# Churn prediction

Predicts which subscribers will cancel next month from their usage history, so the retention team
can call them first.

## Setup

```bash
pip install -r requirements.txt
```

## Usage

```bash
python -m churn.train
```

## Results

![Precision-recall curve of the model and the baseline](docs/pr.png)

| model | ROC-AUC | PR-AUC |
|---|---|---|
| logistic regression (baseline) | 0.78 | 0.21 |
| gradient boosting | 0.86 | 0.43 |
"""

BADGES_ONLY = """# churn

[![CI](https://img.shields.io/badge/ci-passing-green.svg)](https://example.org)
[![License](https://img.shields.io/badge/license-MIT-blue.svg)](LICENSE)
"""

RST = """Churn prediction
================

Predicts which subscribers will cancel next month, so the retention team can call them first.

Setup
-----

.. code-block:: bash

   pip install -r requirements.txt

Results
-------

The model reaches a ROC-AUC of 0.86 on the held-out test set.
"""

GERMAN = """# Kündigungsvorhersage

Dieses Projekt sagt voraus, welche Kunden im nächsten Monat kündigen.

```bash
pip install -r requirements.txt
```
"""

HTML_TABLE = """# Churn prediction

Predicts which subscribers will cancel next month so the retention team can call them first.

<table>
<tr><th>Model</th><th>Accuracy</th><th>F1</th></tr>
<tr><td>baseline</td><td>0.81</td><td>0.40</td></tr>
<tr><td>XGBoost</td><td>0.90</td><td>0.62</td></tr>
</table>
"""

RESULTS_IN_IMAGE = GOOD.split("| model")[0]


def with_docs(readme: str, name: str = "README.md") -> dict:
    return {name: readme, "docs/pr.png": b"\x89PNG\r\n\x1a\n", "LICENSE": "MIT\n"}


@pytest.mark.parametrize("check_id", ["RD101", "RD102", "RD103", "RD104", "RD105", "RD106", "RD107"])
def test_a_good_readme_passes(tmp_path, check_id):
    assert check_result(tmp_path, with_docs(GOOD), check_id).status is Status.PASS


def test_no_readme_fails_rd101_and_the_others_skip(tmp_path):
    assert check_result(tmp_path / "a", {"train.py": "print(1)\n"}, "RD101").status is Status.FAIL
    assert check_result(tmp_path / "b", {"train.py": "print(1)\n"}, "RD103").status is Status.SKIP


def test_a_readme_of_only_badges_does_not_say_what_the_project_does(tmp_path):
    result = check_result(tmp_path, {"README.md": BADGES_ONLY}, "RD102")
    assert result.status is Status.FAIL and result.fix


def test_an_empty_readme_is_present_but_says_nothing(tmp_path):
    assert check_result(tmp_path / "a", {"README.md": ""}, "RD101").status is Status.PASS
    for check_id in ("RD102", "RD103", "RD104"):
        assert check_result(tmp_path / check_id, {"README.md": ""}, check_id).status is Status.FAIL


def test_a_restructuredtext_readme_is_read_with_a_real_parser(tmp_path):
    files = {"README.rst": RST}
    assert check_result(tmp_path / "a", files, "RD102").status is Status.PASS
    assert check_result(tmp_path / "b", files, "RD103").status is Status.PASS
    assert check_result(tmp_path / "c", files, "MT101").status is Status.PASS


def test_a_non_english_readme_still_gets_its_setup_command_found(tmp_path):
    assert check_result(tmp_path, {"README.md": GERMAN}, "RD103").status is Status.PASS


def test_metrics_in_an_html_table_count_as_results(tmp_path):
    result = check_result(tmp_path, {"README.md": HTML_TABLE}, "MT101")
    assert result.status is Status.PASS and "accuracy" in result.message


def test_results_only_in_an_image_are_not_numbers_a_panel_can_read(tmp_path):
    result = check_result(tmp_path, with_docs(RESULTS_IN_IMAGE), "MT101")
    assert result.status is Status.FAIL and result.question


def test_broken_local_image_is_reported_with_its_line(tmp_path):
    result = check_result(tmp_path, {"README.md": GOOD}, "RD106")  # docs/pr.png not written
    assert result.status is Status.FAIL
    assert result.evidence[0].path == "README.md" and result.evidence[0].line == 20


def test_a_local_figure_without_alt_text_warns_but_web_badges_do_not(tmp_path):
    readme = GOOD.replace("![Precision-recall curve of the model and the baseline]", "![]")
    assert check_result(tmp_path / "a", with_docs(readme), "RD105").status is Status.WARN
    badges = BADGES_ONLY + "\n![](https://img.shields.io/badge/x-y-green.svg)\n![PR curve](docs/pr.png)\n"
    assert check_result(tmp_path / "b", with_docs(badges), "RD105").status is Status.PASS


def test_story_parts_present_and_missing_are_named(tmp_path):
    result = check_result(tmp_path, with_docs(GOOD), "RD108")
    assert result.status in (Status.WARN, Status.FAIL)
    assert "limitations or next steps" in result.message and "present:" in result.message


def test_citation_is_expected_only_when_the_readme_builds_on_a_paper(tmp_path):
    paper = GOOD + "\nWe build on [the focal loss paper](https://arxiv.org/abs/1708.02002).\n"
    assert check_result(tmp_path / "a", with_docs(GOOD), "RD109").status is Status.SKIP
    assert check_result(tmp_path / "b", with_docs(paper), "RD109").status is Status.WARN
    cff = dict(with_docs(paper), **{"CITATION.cff": "cff-version: 1.2.0\ntitle: churn\n"})
    assert check_result(tmp_path / "c", cff, "RD109").status is Status.PASS
