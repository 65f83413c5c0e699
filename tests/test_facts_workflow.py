"""Workflow facts: environments, entry points, read configs, hard-coded hyperparameters, data access."""
from __future__ import annotations

import ast
from pathlib import Path

from gitutil import write_files

from portcheck.analyzer.facts.pycode import called_name, code_unit, dotted_name, import_aliases, nodes_of, qualified_name
from portcheck.analyzer.facts.readme import load_readme
from portcheck.analyzer.facts.workflow import (
    _CONFIG_READERS,
    _DOWNLOAD_CALLS,
    _DOWNLOAD_PREFIXES,
    _FILE_DOWNLOADERS,
    _GENERIC_FETCHES,
    _URL_READERS,
    _code_data_access,
    _heads_towards,
    _may_name_download,
    _reads_config,
    detect_workflow,
)
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


# ---- the fast paths of the per-file part: each must skip only what cannot count

_IMPORTS = """
import json, os
import yaml as y
import ruamel.yaml
import dvc.api
from configparser import ConfigParser as Parser
from omegaconf import OmegaConf
import hydra
from sklearn import datasets
from sklearn.datasets import fetch_openml as fo, load_iris
import sklearn.datasets as skd
import kaggle
from kaggle import api
from urllib import request
from urllib.request import urlretrieve
import tensorflow as tf
from tensorflow import keras
from keras import datasets as kd
import datasets as hf
from datasets import load_dataset
import pandas as pd
import torch
"""
_CALLS = """
cfg = y.safe_load(open("c.yaml")).get("lr")
d = json.loads(s)
OmegaConf.load("x")
ruamel.yaml.YAML().load(f)
dvc.api.params_show()
Parser().read("setup.cfg")
run = hydra.main(config_path="conf")(print)
datasets.fetch_openml("x")
fo("x"); load_iris()
skd.fetch_california_housing().data.copy()
skd.load_digits()
kaggle.api.dataset_download_files("x")
api.competition_download_files("y")
request.urlretrieve("https://x/data.zip", "d.zip")
urlretrieve("https://x/w.pth")
tf.keras.datasets.mnist.load_data()
keras.datasets.cifar10.load_data()
kd.mnist.load_data()
hf.load_dataset("squad"); load_dataset("imdb")
pd.read_csv("https://x/data.csv"); pd.read_csv("local.csv")
torch.hub.download_url_to_file("https://x/data.csv", "a")
x = foo()(); y = [1][0].read_csv("https://a"); z = pd.DataFrame().read_csv
os.path.join("a", "b")
"""


def _unit(text: str):
    return code_unit("m.py", None, ast.parse(text), text)


def test_reads_config_skips_only_files_and_chains_that_cannot_name_a_reader():
    def every_name(unit) -> bool:  # the definition, without the skipping
        aliases = import_aliases([unit.tree])
        return any((qualified_name(n.func if isinstance(n, ast.Call) else n, aliases) or "").startswith(_CONFIG_READERS)
                   for n in nodes_of(unit.tree, ast.Call, ast.Attribute))

    lines = _CALLS.strip().splitlines()
    readers = [line for line in lines if every_name(_unit(_IMPORTS + line))]
    assert len(readers) >= 7  # yaml, json, OmegaConf, ruamel, dvc, configparser, hydra
    for line in lines:
        unit = _unit(_IMPORTS + line)
        assert _reads_config([unit]) == every_name(unit), line
    assert not _reads_config([_unit("import os\nos.path.join('a')\n")])


def test_download_name_skipping_never_skips_a_name_looked_for():
    def looked_for(name: str) -> bool:  # every test `_fetches_data` makes of the qualified name
        return (name in _GENERIC_FETCHES or name in _FILE_DOWNLOADERS or name in _DOWNLOAD_CALLS
                or name.startswith(_DOWNLOAD_PREFIXES) or (".datasets." in name and name.endswith(".load_data")))

    unit = _unit(_IMPORTS + _CALLS)
    aliases = import_aliases([unit.tree])
    heads = _heads_towards(aliases, _DOWNLOAD_PREFIXES)
    calls = nodes_of(unit.tree, ast.Call)
    found = [call for call in calls if looked_for(qualified_name(call.func, aliases) or "")]
    assert len(found) >= 14
    assert all(_may_name_download(call.func, heads) for call in found)
    assert not all(_may_name_download(call.func, heads) for call in calls)  # it does skip some
    readers = [call for call in calls if (dotted_name(call.func) or "").rsplit(".", 1)[-1] in _URL_READERS]
    assert len(readers) == 2 and all(called_name(call.func) in _URL_READERS for call in readers)


def test_data_access_in_a_file_keeps_walk_order_with_or_without_download_functions():
    text = ("import gdown\ngdown.download('https://y/data.zip')\ndef download_data():\n"
            "    gdown.download('https://x/data.zip')\nasync def download_more():\n    pass\n")
    assert [e.line for e in _code_data_access([_unit(text)])] == [3, 2, 4]  # as `ast.walk` meets them
    assert [e.line for e in _code_data_access([_unit(text.replace("def download", "def fetch"))])] == [2, 4]
