"""Seed facts: seeding calls and keywords in code, seed keys in configs the code reads."""
from __future__ import annotations

from pathlib import Path

import nbformat
from conftest import detect_in

from portcheck.analyzer.facts import seeds
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


# Calls at the edges of what `_may_seed` lets through: a called call's name ends in "()", a subscripted
# chain has no dotted name, seed functions in any case, generators, seed keywords on any call.
EDGE_CALLS = {
    "calls.py": ("import torch, jax, random\nfrom random import seed\ng = torch.Generator().manual_seed(7)\n"
                 "f()(seed=3)\nx[0].seed(1)\nx[0](seed=2)\nSet_Seed(4)\nseed_everything(5)\nseed(6)\n"
                 "k = jax.random.key(0)\nr = random.Random(1)\nnp.random.RandomState(SEED)\nfoo.bar.seed(2)\n"
                 "foo().seed(2)\nmodel.fit(X, random_state=cfg.seed)\nother.key(1)\nf(seed=None)\n"),
}


def test_the_call_prefilter_hides_no_seeding_call(tmp_path, monkeypatch):
    fast = scan(tmp_path / "fast", EDGE_CALLS)
    monkeypatch.setattr(seeds, "_may_seed", lambda call: True)
    assert fast == scan(tmp_path / "slow", EDGE_CALLS)
    assert [e.line for e in fast.evidence] == [3, 4, 7, 8, 9, 10, 11, 12, 15]


def test_config_seed_keys_read_as_attributes_keywords_or_strings(tmp_path):
    facts = scan(tmp_path, {"configs/c.yaml": "my_seed: 1\nseed_value: 2\nrandom_state: 3\nseed: 4\nother_thing: 5\n",
                            "train.py": "cfg.my_seed\nf(seed_value=cfg)\nx = cfg['random_state']\nprint(cfg.other_thing)\n"})
    assert [(e.path, e.line) for e in facts.evidence] == [("configs/c.yaml", 1), ("configs/c.yaml", 2),
                                                          ("configs/c.yaml", 3)]
