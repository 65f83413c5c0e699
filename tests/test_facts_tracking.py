"""Tracking facts: tools count only when actually used in code, notebooks, configs or run stores."""
from __future__ import annotations

from pathlib import Path

import nbformat
from conftest import detect_in

from portcheck.analyzer.facts.tracking import detect_tracking


def scan(root: Path, files: dict[str, str]):
    return detect_in(root, files, detect_tracking)


def notebook(*cells: str) -> str:
    return nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]))


def test_import_and_use_counts_with_evidence(tmp_path):
    facts = scan(tmp_path, {"train.py": "import wandb\n\nif False:\n    wandb.init(project='x')\n"})
    assert facts.to_schema() == ["wandb"]
    assert (facts.evidence["wandb"][0].path, facts.evidence["wandb"][0].line) == ("train.py", 4)


def test_import_alone_or_requirement_mention_does_not_count(tmp_path):
    facts = scan(tmp_path, {"train.py": "import mlflow\nprint('hi')\n", "requirements.txt": "wandb\nmlflow\n",
                            "README.md": "We use `wandb.init()`.\n"})
    assert facts.to_schema() == []


def test_framework_logger_classes_and_callbacks(tmp_path):
    facts = scan(tmp_path, {
        "a.py": "from lightning.pytorch.loggers import WandbLogger\nlogger = WandbLogger(project='p')\n",
        "b.py": "import tensorflow as tf\ncb = tf.keras.callbacks.TensorBoard(log_dir='logs')\n",
        "c.py": ("from transformers import TrainingArguments\n"
                 "args = TrainingArguments('o', report_to=['mlflow', 'none'])\n"),
        "d.py": "import pytorch_lightning as pl\nl = pl.loggers.CometLogger(api_key=None)\n",
    })
    assert facts.to_schema() == ["comet", "mlflow", "tensorboard", "wandb"]


def test_profiler_trace_handler_is_not_tensorboard_tracking(tmp_path):
    facts = scan(tmp_path, {"bench.py": (
        "import torch\nwith torch.profiler.profile(\n"
        "    on_trace_ready=torch.profiler.tensorboard_trace_handler('./log')):\n    pass\n")})
    assert facts.to_schema() == []
    writer = scan(tmp_path / "w", {"t.py": "from torch.utils.tensorboard import SummaryWriter\nw = SummaryWriter()\n"})
    assert writer.to_schema() == ["tensorboard"]


def test_hydra_target_configs_but_not_commented_ones(tmp_path):
    facts = scan(tmp_path, {
        "configs/logger/neptune.yaml": "neptune:\n  _target_: lightning.pytorch.loggers.neptune.NeptuneLogger\n",
        "configs/logger/aim.yaml": "# _target_: aim.pytorch_lightning.AimLogger\n",
        "configs/logger/csv.yaml": "csv:\n  _target_: lightning.pytorch.loggers.csv_logs.CSVLogger\n",
    })
    assert facts.to_schema() == ["neptune"]
    assert facts.evidence["neptune"][0].line == 2


def test_dvc_files_and_committed_run_stores(tmp_path):
    facts = scan(tmp_path, {
        "data/raw.csv.dvc": "outs:\n- md5: 1\n  path: raw.csv\n",
        "mlruns/0/meta.yaml": "name: Default\n",
        "runs/exp1/events.out.tfevents.1700000000.host": "",
    })
    assert facts.to_schema() == ["dvc", "mlflow", "tensorboard"]
    only_stages = scan(tmp_path / "s", {"dvc.yaml": "stages:\n  train:\n    cmd: python train.py\n"})
    assert only_stages.to_schema() == []
    dvc_yaml = "stages:\n  train:\n    cmd: python t.py\n    metrics:\n    - m.json\n"
    with_metrics = scan(tmp_path / "m", {"dvc.yaml": dvc_yaml})
    assert with_metrics.to_schema() == ["dvc"]


def test_notebook_cells_share_imports_and_magics_count(tmp_path):
    facts = scan(tmp_path, {
        "nb.ipynb": notebook("import mlflow", "x = 1", "mlflow.log_metric('acc', 0.9)"),
        "tb.ipynb": notebook("%load_ext tensorboard\n%tensorboard --logdir runs"),
    })
    assert facts.to_schema() == ["mlflow", "tensorboard"]
    assert facts.evidence["mlflow"][0].line == 3 and facts.evidence["mlflow"][0].excerpt.startswith("cell 3:")


def test_malformed_inputs_do_not_raise(tmp_path):
    facts = scan(tmp_path, {"broken.py": "import wandb\nwandb.init(\n", "bad.ipynb": "{not json",
                            "configs/x.yaml": "_target_: [unclosed\n", "bin.json": "\x00\xff"})
    assert facts.to_schema() == []


def test_report_to_flag_in_scripts_and_notebook_shell_lines(tmp_path):
    facts = scan(tmp_path, {"scripts/train.sh": "python run.py --report_to wandb  # log\n",
                            "nb.ipynb": notebook("!python run.py --report-to=mlflow")})
    assert facts.to_schema() == ["mlflow", "wandb"]


# Names at the edges of what `_may_name_a_tool` lets through: a tool's root, a logger class reached by an
# attribute, by a bare (aliased) import or through calls, the tensorflow / torch / dvc forms, and names
# that only look like them.
EDGE_NAMES = {
    "a.py": "from pytorch_lightning.loggers import WandbLogger as W\nW(project='p')\nW()().x\n",
    "b.py": "import pytorch_lightning as pl\npl.loggers.MLFlowLogger()\npl.Trainer().AimLogger\n",
    "c.py": "from keras.callbacks import TensorBoard\nTensorBoard()\nimport keras\nkeras.callbacks.TensorBoard()\n",
    "d.py": "import tensorflow as tf\ntf.summary.scalar('x', 1)\ntf.compat.v1.summary.FileWriter('l')\ntf.nn.relu(x)\n",
    "e.py": "import torch\ntorch.utils.tensorboard.SummaryWriter()\nimport dvc.api\ndvc.api.open('x')\n",
    "f.py": "import numpy as np\nnp.CometLogger\nnp.random().NeptuneLogger()\nx[0].WandbLogger()\nlocal.WandbLogger()\n",
    "g.py": "from tensorboardX import SummaryWriter as SW\nSW()\nimport sacred\nsacred.Experiment('e')\n",
    "h.py": "import transformers\nargs = transformers.TrainingArguments(report_to='wandb')\nf(report_to=['mlflow'])\n",
    "i.py": "import keras\nkeras.layers.Dense(3)\nx.y = 1\n",
}


def test_the_name_prefilter_hides_no_tool(tmp_path, monkeypatch):
    from portcheck.analyzer.facts import tracking

    fast = scan(tmp_path / "fast", EDGE_NAMES)
    monkeypatch.setattr(tracking, "_may_name_a_tool", lambda target, aliases, tool_rooted: True)
    monkeypatch.setattr(tracking, "_may_name_a_tool_or_report", lambda units, aliases: True)
    assert fast == scan(tmp_path / "slow", EDGE_NAMES)
    assert {tool: sorted((e.path, e.line) for e in found) for tool, found in fast.evidence.items()} == {
        "aim": [("b.py", 3)], "comet": [("f.py", 2)], "dvc": [("e.py", 4)], "mlflow": [("b.py", 2), ("h.py", 3)],
        "neptune": [("f.py", 3)], "sacred": [("g.py", 4)],
        "tensorboard": [("c.py", 2), ("c.py", 4), ("d.py", 2), ("d.py", 3), ("e.py", 2), ("g.py", 2)],
        "wandb": [("a.py", 2), ("a.py", 3), ("h.py", 2)]}
