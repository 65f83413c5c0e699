"""Workflow facts: environments, entry points, read configs, hard-coded hyperparameters, data access."""
from __future__ import annotations

from pathlib import Path

from gitutil import write_files

from portcheck.analyzer.facts.readme import load_readme
from portcheck.analyzer.facts.workflow import detect_workflow
from portcheck.analyzer.repo import RepoView
from portcheck.analyzer.sources import Sources


def scan(root: Path, files: dict[str, str]):
    write_files(root, files)
    repo = RepoView(root)
    return detect_workflow(repo, Sources(repo), load_readme(repo))


def where(evidence) -> list[tuple[str, int | None]]:
    return [(e.path, e.line) for e in evidence]


def test_makefile_run_targets_are_entry_points_but_not_tooling_targets(tmp_path):
    facts = scan(tmp_path, {"Makefile": ".PHONY: train test\nVAR := 1\nlint:\n\truff .\ntrain: data\n"
                                        "\tpython train.py\nrun-tests:\n\tpytest\nall: train\n"})
    assert where(facts.entry_points) == [("Makefile", 5), ("Makefile", 9)]
    assert facts.has_entry_point


def test_dvc_stages_are_entry_points_and_data_deps_are_data_access(tmp_path):
    facts = scan(tmp_path, {"dvc.yaml": "stages:\n  prepare:\n    cmd: python prep.py\n    deps:\n"
                                        "      - prep.py\n      - data/raw.csv\n  train:\n    cmd: python t.py\n",
                            "data/raw.csv.dvc": "outs:\n- path: raw.csv\n"})
    assert where(facts.entry_points) == [("dvc.yaml", 2), ("dvc.yaml", 7)]
    assert where(facts.data_access) == [("data/raw.csv.dvc", None), ("dvc.yaml", 6)]


def test_console_scripts_run_scripts_and_mlproject(tmp_path):
    facts = scan(tmp_path, {"pyproject.toml": '[project]\nname = "x"\n[project.scripts]\nx-train = "x.cli:main"\n',
                            "scripts/run_all.sh": "python train.py\n", "reproduce.sh": "make\n",
                            "MLproject": "name: x\n\nentry_points:\n  main:\n    command: python t.py\n",
                            "setup.sh": "pip install .\n"})
    assert where(facts.entry_points) == [("MLproject", 3), ("pyproject.toml", 4), ("reproduce.sh", None),
                                         ("scripts/run_all.sh", None)]


def test_argparse_main_guard_in_train_module_only(tmp_path):
    guarded = "import argparse\ndef main():\n    argparse.ArgumentParser().parse_args()\n\nif __name__ == '__main__':\n    main()\n"
    facts = scan(tmp_path, {"train.py": guarded, "utils.py": guarded,
                            "main.py": "if __name__ == '__main__':\n    print('no arguments parsed')\n"})
    assert where(facts.entry_points) == [("train.py", 5)]


def test_hydra_configs_read_by_code_count_and_unread_config_does_not(tmp_path):
    facts = scan(tmp_path, {
        "src/train.py": "import hydra\n@hydra.main(config_path='../configs', config_name='train')\n"
                        "def main(cfg):\n    pass\n",
        "configs/train.yaml": "defaults:\n  - model: mlp\nlr: 0.001\n",
        "configs/model/mlp.yaml": "hidden: 64\n",
    })
    assert where(facts.config_files) == [("configs/model/mlp.yaml", None), ("configs/train.yaml", None)]
    assert facts.configured
    unread = scan(tmp_path / "unread", {"config.yaml": "lr: 0.1\n", "train.py": "print('training')\n"})
    assert unread.config_files == () and not unread.configured


def test_python_config_module_counts_only_when_imported(tmp_path):
    config = "LEARNING_RATE = 1e-3\nEPOCHS = 10\nNAME = 'x'\n"
    facts = scan(tmp_path / "used", {"config.py": "DATA = 'd'\n" + config, "train.py": "from config import EPOCHS\n"})
    assert where(facts.config_files) == [("config.py", 2)]
    unused = scan(tmp_path / "unused", {"config.py": config, "train.py": "print(1)\n"})
    assert unused.config_files == ()


def test_hardcoded_hyperparameter_literals_capped_at_ten(tmp_path):
    lines = "import torch\nopt = torch.optim.Adam(params, lr=0.001)\nrf = RF(n_estimators=cfg.n)\n" + \
            "".join(f"fit(epochs={i})\n" for i in range(12))
    facts = scan(tmp_path, {"train.py": lines, "tests/test_train.py": "fit(lr=0.1)\n"})
    assert facts.hardcoded_hyperparameters[0].path == "train.py"
    assert facts.hardcoded_hyperparameters[0].line == 2 and "lr=0.001" in facts.hardcoded_hyperparameters[0].excerpt
    assert len(facts.hardcoded_hyperparameters) == 10
    assert all(e.path == "train.py" for e in facts.hardcoded_hyperparameters)


def test_download_script_calls_and_readme_dataset_link(tmp_path):
    facts = scan(tmp_path, {
        "scripts/download_data.py": "print('hi')\n",
        "scripts/download_weights.sh": "wget model\n",
        "loaders.py": "from torchvision import datasets\nds = datasets.MNIST('d', download=True)\n"
                   "import requests\nr = requests.get(api_url)\n",
        "README.md": "# P\n\nData from [Kaggle](https://www.kaggle.com/datasets/u/churn).\n\n"
                     "[old](https://kaggle.com/u/data) [model](https://www.kaggle.com/models/u/m) ![b](https://zenodo.org/badge.svg)\n",
    })
    assert where(facts.data_access) == [("README.md", 3), ("README.md", 5), ("loaders.py", 2), ("scripts/download_data.py", None)]
    assert facts.has_data_access


def test_environments_docker_devcontainer_conda_nix(tmp_path):
    facts = scan(tmp_path, {"docker/Dockerfile": "# base\nFROM python:3.11\n",
                            ".devcontainer/devcontainer.json": "{}", "environment.yml": "name: x\n",
                            "flake.nix": "{}", "Dockerfile.md": "about docker\n"})
    assert where(facts.environments) == [(".devcontainer/devcontainer.json", None), ("docker/Dockerfile", 2),
                                         ("environment.yml", None), ("flake.nix", None)]
    assert facts.has_environment


def test_malformed_files_are_skipped(tmp_path):
    facts = scan(tmp_path, {"Makefile": "\x00\x01 ::: =\n\ttab only\ntrain\n", "dvc.yaml": "stages: [\n",
                            "pyproject.toml": "[project.scripts\n", "sub/dvc.yaml": "- just a list\n",
                            "train.py": "def broken(:\n"})
    assert facts.entry_points == () and facts.data_access == ()


def test_empty_repository_has_nothing(tmp_path):
    facts = scan(tmp_path, {"README.md": "# Nothing\n"})
    assert not (facts.has_environment or facts.has_entry_point or facts.configured or facts.has_data_access)
    assert facts.hardcoded_hyperparameters == ()


def notebook(*cells: str) -> str:
    import nbformat

    return nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]))


def test_dataset_links_in_sub_folder_readmes_are_read(tmp_path):
    facts = scan(tmp_path, {"README.md": "# Portfolio\n\nSee the projects.\n",
                            "churn/README.md": "# Churn\n\n- **Source:** [Kaggle](https://www.kaggle.com/blastchar/telco)\n",
                            "node_modules/pkg/README.md": "[d](https://www.kaggle.com/datasets/u/x)\n",
                            "docs/guide.md": "[d](https://www.kaggle.com/datasets/u/y)\n"})
    assert where(facts.data_access) == [("churn/README.md", 3)]


def test_other_readmes_are_bounded_shallowest_first(tmp_path):
    files = {f"p{i:02}/README.md": "[d](https://zenodo.org/records/1)\n" for i in range(25)}
    files["a/b/c/README.md"] = "[d](https://zenodo.org/records/2)\n"
    facts = scan(tmp_path, {"README.md": "# Many\n", **files})
    assert len(facts.data_access) == 10
    assert all(e.path.count("/") == 1 for e in facts.data_access)


def test_notebook_shell_lines_fetching_data_count_but_weights_and_api_calls_do_not(tmp_path):
    facts = scan(tmp_path, {"explore.ipynb": notebook(
        "!pip install gdown\n!wget https://yolo.example/releases/yolov5s.pt",
        "!kaggle datasets download -d blastchar/telco-customer-churn",
        "import pandas as pd\n!curl https://api.example.com/health",
        "!curl -L -o train.csv https://example.org/files/train.csv",
        "!gdown --id 1AbCdEf -O data.zip",
        "%%bash\nwget -q https://example.org/data/corpus.tar.gz")})
    assert where(facts.data_access) == [("explore.ipynb", 2), ("explore.ipynb", 4), ("explore.ipynb", 5),
                                        ("explore.ipynb", 6)]
    assert "kaggle datasets download" in facts.data_access[0].excerpt


def test_readme_code_blocks_with_data_commands_count_but_installers_do_not(tmp_path):
    facts = scan(tmp_path, {"README.md": "# P\n\n```bash\nwget https://repo.anaconda.com/miniconda/Miniconda3.sh\n"
                                         "pip install -r requirements.txt\ndvc pull\n"
                                         "wget https://example.org/data/train.parquet\n```\n\n"
                                         "```bash\ncurl http://localhost:8000/health\n```\n"})
    assert where(facts.data_access) == [("README.md", 6), ("README.md", 7)]


def test_dataset_url_in_module_constant_passed_to_a_reader_is_resolved(tmp_path):
    facts = scan(tmp_path, {
        "load.py": "import pandas as pd\nURL = 'https://example.org/titanic-train.csv'\nLOCAL = 'data/x.csv'\n"
                   "df = pd.read_csv(URL)\nlocal = pd.read_csv(LOCAL)\n",
        "ambiguous.py": "import pandas as pd\nU = 'https://example.org/a.csv'\nU = other()\npd.read_csv(U)\n",
        "nb.ipynb": notebook("DATASET_LOC = 'https://example.org/datasets/dataset.csv'", "import ray",
                             "ds = ray.data.read_csv(DATASET_LOC)"),
    })
    assert where(facts.data_access) == [("load.py", 4), ("nb.ipynb", 3)]


def test_thumbnails_page_fetches_and_weight_downloaders_are_not_data_access(tmp_path):
    facts = scan(tmp_path, {
        "generate/pages.py": "import requests\ndef download_thumbnail(video, folder):\n"
                             "    r = requests.get(f'https://img.youtube.com/vi/{video}/0.jpg')\n"
                             "page = requests.get(page_url)\n",
        "utils/downloads.py": "import torch, urllib.request\ndef download_one(url, f):\n"
                              "    torch.hub.download_url_to_file(url, f)\n"
                              "def is_url(url):\n    return urllib.request.urlopen(url).getcode() == 200\n",
        "weights.py": "import torch\ntorch.hub.download_url_to_file('https://x.org/releases/download/v1/yolov5s.pt', 'w.pt')\n",
        "tutorial.py": "import torch\ntorch.hub.download_url_to_file('https://x.org/assets/coco2017val.zip', 'tmp.zip')\n",
        "mnist.py": "class MNIST:\n    def download(self):\n        '''Download the MNIST data.'''\n        pass\n"
                    "def download_dataset(name):\n    pass\n",
        "figures.py": "import os, urllib.request\nFILENAME = 'california.png'\n"
                      "urllib.request.urlretrieve(url, os.path.join(images_path, FILENAME))\n",
        "data/prepare.py": "import requests\ntext = requests.get(src).text\n",
        "data/scripts/get_coco.sh": "curl -L $url -o coco.zip\n",
    })
    assert where(facts.data_access) == [("data/prepare.py", 2), ("data/scripts/get_coco.sh", None),
                                        ("mnist.py", 2), ("mnist.py", 5), ("tutorial.py", 2)]
