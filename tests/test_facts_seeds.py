"""Seed facts: seeding calls and keywords in code, seed keys in configs the code reads."""
from __future__ import annotations

from pathlib import Path

import nbformat
from conftest import detect_in

from portcheck.analyzer.facts.seeds import detect_seeds


def scan(root: Path, files: dict[str, str]):
    return detect_in(root, files, detect_seeds)


def test_seeding_calls(tmp_path):
    cases = {
        "np.py": "import numpy as np\nnp.random.seed(0)\n",
        "torch.py": "import torch\ntorch.cuda.manual_seed_all(args.seed)\n",
        "tf.py": "import tensorflow as tf\ntf.random.set_seed(1)\n",
        "pl.py": "import lightning as L\nL.seed_everything(cfg.seed, workers=True)\n",
        "rng.py": "import numpy as np\nrng = np.random.default_rng(42)\n",
        "gen.py": "import torch\ng = torch.Generator().manual_seed(7)\n",
        "from_random.py": "from random import seed\nseed(3)\n",
    }
    for name, code in cases.items():
        facts = scan(tmp_path / name, {name: code})
        assert facts.to_schema() is True, name
        assert facts.evidence[0].line == 2, name


def test_random_state_keyword_points_at_its_line(tmp_path):
    facts = scan(tmp_path, {"m.py": "from sklearn.model_selection import train_test_split\n"
                                    "a, b = train_test_split(\n    X, y,\n    random_state=42)\n"})
    assert facts.to_schema() is True and facts.evidence[0].line == 4


def test_unseeded_calls_do_not_count(tmp_path):
    facts = scan(tmp_path, {
        "m.py": "import numpy as np\nnp.random.seed()\nnp.random.seed(None)\nclf = RF(random_state=None)\n"
                "rng = np.random.default_rng()\n",
        "tests/test_m.py": "import torch\ntorch.manual_seed(0)\n",  # a seed in a unit test only
    })
    assert facts.to_schema() is False


def test_config_seed_counts_only_when_the_code_reads_it(tmp_path):
    used = scan(tmp_path / "u", {"configs/dev.yaml": "random_seed: 42\nmodel: rf\n",
                                 "train.py": "cfg = load()\nsplit(cfg['random_seed'])\n"})
    assert used.to_schema() is True and used.evidence[0].path == "configs/dev.yaml"
    unused = scan(tmp_path / "n", {"configs/dev.yaml": "random_seed: 42\n", "train.py": "print(1)\n"})
    assert unused.to_schema() is False
    null = scan(tmp_path / "z", {"c.yaml": "seed: null\n", "t.py": "cfg.seed\n"})
    assert null.to_schema() is False


def test_notebook_seed_and_malformed_code(tmp_path):
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("%matplotlib inline\nimport torch"),
                                           nbformat.v4.new_code_cell("torch.manual_seed(0)")])
    facts = scan(tmp_path, {"nb.ipynb": nbformat.writes(book), "broken.py": "np.random.seed(0\n",
                            "bad.yaml": "seed: [unclosed\n"})
    assert facts.to_schema() is True
    assert (facts.evidence[0].path, facts.evidence[0].line) == ("nb.ipynb", 2)
