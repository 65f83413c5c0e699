"""Reproducibility checks on small projects written for the purpose."""
from conftest import check_result

from portcheck.analyzer.model import Status


def test_unpinned_dependencies_get_a_pip_freeze_line_that_prints_the_exact_pins(tmp_path):
    result = check_result(tmp_path, {"requirements.txt": "pandas==2.2.2\nscikit-learn>=1.0\ntyping_extensions\n"},
                          "RP102")
    assert result.status is Status.WARN
    assert "scikit[-_.]learn|typing[-_.]extensions" in result.fix
    assert [e.line for e in result.evidence] == [2, 3]


def test_every_dependency_pinned_passes_and_none_pinned_fails(tmp_path):
    assert check_result(tmp_path / "a", {"requirements.txt": "pandas==2.2.2\n"}, "RP102").status is Status.PASS
    assert check_result(tmp_path / "b", {"requirements.txt": "pandas\n"}, "RP102").status is Status.FAIL


def test_python_version_from_python_version_file_or_warned_when_absent(tmp_path):
    files = {"requirements.txt": "pandas==2.2.2\n"}
    assert check_result(tmp_path / "a", files, "RP108").status is Status.WARN
    stated = dict(files, **{".python-version": "3.11\n"})
    result = check_result(tmp_path / "b", stated, "RP108")
    assert result.status is Status.PASS and result.evidence[0].path == ".python-version"


def test_an_undeclared_import_is_a_finding_with_its_line_and_the_distribution_to_add(tmp_path):
    files = {"requirements.txt": "scikit-learn==1.5.1\n",
             "src/augment.py": "import os\nimport cv2\nfrom sklearn.linear_model import LogisticRegression\n"}
    result = check_result(tmp_path, files, "RP109")
    assert result.status is Status.FAIL
    assert (result.evidence[0].path, result.evidence[0].line) == ("src/augment.py", 2)
    assert "opencv-python" in result.fix and "scikit-learn" not in result.fix


def test_declared_local_and_standard_library_imports_pass(tmp_path):
    files = {"requirements.txt": "pandas==2.2.2\n", "src/pkg/__init__.py": "",
             "src/pkg/train.py": "import json\nimport pandas as pd\nfrom pkg import helpers\n",
             "src/pkg/helpers.py": ""}
    assert check_result(tmp_path, files, "RP109").status is Status.PASS


def test_missing_seeds_fix_names_the_frameworks_the_code_uses(tmp_path):
    files = {"requirements.txt": "torch==2.3.0\nscikit-learn==1.5.1\n",
             "train.py": "import torch\nfrom sklearn.model_selection import train_test_split\nmodel = torch.nn.Linear(2, 1)\n"}
    result = check_result(tmp_path, files, "RP107")
    assert result.status is Status.FAIL
    assert "torch.manual_seed(SEED)" in result.fix and "random_state=SEED" in result.fix
    assert "tf.random.set_seed" not in result.fix


def test_tests_that_import_project_code_pass_and_library_only_tests_fail(tmp_path):
    project = {"src/churn/__init__.py": "", "src/churn/features.py": "def build(df):\n    return df\n"}
    own = dict(project, **{"tests/test_features.py": "from churn.features import build\n\ndef test_build():\n    assert build(1) == 1\n"})
    result = check_result(tmp_path / "a", own, "RP110")
    assert result.status is Status.PASS and "churn.features" in result.message and "ratio" in result.message
    lib = dict(project, **{"tests/test_numpy.py": "import numpy as np\n\ndef test_add():\n    assert np.add(1, 1) == 2\n"})
    assert check_result(tmp_path / "b", lib, "RP110").status is Status.FAIL


TRAIN = ("import argparse\nfrom sklearn.ensemble import RandomForestClassifier\n\n"
         "def main():\n    RandomForestClassifier(n_estimators=300, max_depth=8)\n\n"
         "if __name__ == '__main__':\n    argparse.ArgumentParser().parse_args()\n    main()\n")


def test_workflow_checks_pass_with_make_target_config_download_and_dockerfile(tmp_path):
    files = {
        "Makefile": "train:\n\tpython train_model.py --config configs/train.yaml\n",
        "configs/train.yaml": "n_estimators: 300\n",
        "train_model.py": "import yaml\nfrom sklearn.ensemble import RandomForestClassifier\n"
                          "cfg = yaml.safe_load(open('configs/train.yaml'))\nRandomForestClassifier(**cfg)\n",
        "scripts/download_data.py": "from sklearn.datasets import fetch_openml\nfetch_openml('credit-g')\n",
        "Dockerfile": "FROM python:3.11-slim\n",
    }
    for check_id in ("RP111", "RP112", "RP113", "RP114"):
        result = check_result(tmp_path / check_id, files, check_id)
        assert result.status is Status.PASS, (check_id, result.message)


def test_workflow_findings_on_a_bare_training_script(tmp_path):
    files = {"model.py": "from sklearn.ensemble import RandomForestClassifier\nRandomForestClassifier(n_estimators=300)\n"}
    assert check_result(tmp_path / "a", files, "RP111").status is Status.FAIL
    hyper = check_result(tmp_path / "b", files, "RP112")
    assert hyper.status is Status.WARN and hyper.evidence[0].path == "model.py"
    assert check_result(tmp_path / "c", files, "RP113").status is Status.FAIL
    assert check_result(tmp_path / "d", files, "RP114").status is Status.WARN


def test_tracking_talking_point_names_the_best_run_and_the_baseline_run_from_the_committed_store(tmp_path):
    import shutil

    from conftest import SAMPLES

    root = tmp_path / "proj"
    root.mkdir()
    shutil.copytree(SAMPLES / "polished" / "mlruns", root / "mlruns")
    result = check_result(root, {"train.py": "import mlflow\nmlflow.log_metric('pr_auc', 0.5)\n"}, "RP106")
    assert result.status is Status.PASS
    assert 'best by pr_auc: run "hgb-depth2" (0.593)' in result.talking_point
    assert 'baseline run "baseline-logreg" (0.487)' in result.talking_point
    assert {"mlruns/102426987269556713/3cf2a99e9cf0401e8efe686fcd035d88/meta.yaml",
            "mlruns/102426987269556713/e200dfdc9c2c4e869897004861a08c39/meta.yaml"} <= {e.path for e in result.evidence}


def test_run_commands_documented_in_the_readme_count_as_an_entry_point(tmp_path):
    files = {"README.md": "# Churn\n\nPredicts churn.\n\n```bash\npython train.py --epochs 10\n```\n",
             "train.py": "from sklearn.linear_model import LogisticRegression\nLogisticRegression()\n"}
    result = check_result(tmp_path, files, "RP111")
    assert result.status is Status.PASS and result.evidence[0].path == "README.md"
