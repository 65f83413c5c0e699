"""Experiment-tracking facts (`tracking`): the tools a repository ACTUALLY uses.

A tool counts when Python code or a notebook imports it and then uses it (a call or an attribute
access through the imported name), when a training framework's logger class for it is used
(Lightning `WandbLogger`, keras `TensorBoard` callback, transformers `report_to=`), when a config
instantiates such a logger (`_target_:`) or sets `report_to:`, when DVC tracks data or metrics
(`*.dvc` files, `dvc.yaml` with metrics/plots), when a notebook or script starts TensorBoard on a log
folder, or when a run store is committed (`mlruns/`, `mlflow.db`, TensorBoard event files, wandb run
folders, `.aim/`). A name in a requirements file does not count, and neither does
`torch.profiler.tensorboard_trace_handler` (a profiler trace, not experiment tracking).
"""
from __future__ import annotations

import ast
import functools
import posixpath
import re
from dataclasses import dataclass

from ..model import Evidence
from ..repo import RepoView
from ..sources import Sources
from .codepass import SourceFile, code_pass, per_file
from .common import cell_evidence, excerpt
from .pycode import CodeUnit, chain_root, import_aliases, nodes_of, qualified_name

TOOLS = ("aim", "clearml", "comet", "dvc", "mlflow", "neptune", "sacred", "tensorboard", "wandb")


# ----- which tool a qualified name belongs to ----------------------------------------------------

_ROOT_TOOLS = {
    "wandb": "wandb", "mlflow": "mlflow", "comet_ml": "comet", "neptune": "neptune",
    "neptune_client": "neptune", "aim": "aim", "clearml": "clearml", "trains": "clearml",
    "sacred": "sacred", "dvclive": "dvc", "tensorboardX": "tensorboard", "tensorboard": "tensorboard",
}
# Logger / callback classes of training frameworks, by class name.
_CLASS_TOOLS = {
    "WandbLogger": "wandb", "WandBLogger": "wandb", "WandbCallback": "wandb",
    "MLFlowLogger": "mlflow", "MLflowLogger": "mlflow", "MLflowCallback": "mlflow",
    "TensorBoardLogger": "tensorboard", "TensorboardLogger": "tensorboard", "TensorBoardCallback": "tensorboard",
    "CometLogger": "comet", "CometCallback": "comet",
    "NeptuneLogger": "neptune", "NeptuneCallback": "neptune",
    "AimLogger": "aim", "AimCallback": "aim",
    "ClearMLLogger": "clearml", "ClearMLCallback": "clearml",
    "DVCLiveLogger": "dvc", "DVCLiveCallback": "dvc", "DvcLiveCallback": "dvc",
}
_REPORT_TO = {"wandb": "wandb", "mlflow": "mlflow", "tensorboard": "tensorboard", "comet_ml": "comet",
              "comet": "comet", "neptune": "neptune", "clearml": "clearml", "aim": "aim", "dvclive": "dvc"}


# `tool_of`'s rules beyond one name: a prefix of the qualified name, TensorFlow's summary writers and
# keras's TensorBoard callback
_PREFIX_TOOLS = {("dvc", "api"): "dvc", ("torch", "utils", "tensorboard"): "tensorboard"}
_TENSORFLOW, _TENSORBOARD_CALLBACK = "tensorflow", "TensorBoard"
# What a qualified name must start or end with for `tool_of` to name a tool: its first part is one of
# `_NAME_ROOTS` or its last part one of `_NAME_ENDS` (built from the rules, so they cannot drift apart).
_NAME_ROOTS = frozenset({*_ROOT_TOOLS, *(prefix[0] for prefix in _PREFIX_TOOLS), _TENSORFLOW})
_NAME_ENDS = frozenset({*_CLASS_TOOLS, _TENSORBOARD_CALLBACK})


@functools.lru_cache(maxsize=8192)  # asked for every tracking-rooted name; names repeat
def tool_of(qualified: str) -> str | None:
    """The tracking tool a fully qualified name belongs to, or None."""
    parts = qualified.replace("()", "").split(".")
    last = parts[-1]
    if last in _CLASS_TOOLS:
        return _CLASS_TOOLS[last]
    if parts[0] in _ROOT_TOOLS:
        return _ROOT_TOOLS[parts[0]]
    for prefix, tool in _PREFIX_TOOLS.items():
        if tuple(parts[:len(prefix)]) == prefix:
            return tool
    if parts[0] == _TENSORFLOW and "summary" in parts[1:4] and parts[1] in ("summary", "compat"):
        return "tensorboard"
    if last == _TENSORBOARD_CALLBACK and "callbacks" in parts:
        return "tensorboard"
    return None


def _report_to_tools(value: ast.AST) -> list[str]:
    items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
    return [_REPORT_TO[i.value.lower()] for i in items
            if isinstance(i, ast.Constant) and isinstance(i.value, str) and i.value.lower() in _REPORT_TO]


# ----- detection ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class TrackingFacts:
    """Tracking tools in use, each with the places that show it."""

    evidence: dict[str, tuple[Evidence, ...]]  # tool -> where it is used

    @property
    def tools(self) -> list[str]:
        return sorted(self.evidence)

    def to_schema(self) -> list[str]:
        return self.tools


class _Found:
    def __init__(self) -> None:
        self.items: dict[str, list[Evidence]] = {}

    def add(self, tool: str, evidence: Evidence) -> None:
        bucket = self.items.setdefault(tool, [])
        if len(bucket) < 20 and all((e.path, e.line) != (evidence.path, evidence.line) for e in bucket):
            bucket.append(evidence)


@per_file("tracking")
def _tracking_in_file(file: SourceFile) -> tuple[tuple[str, Evidence], ...] | None:
    """(tool, evidence) for each tracking call, `report_to=` or logger attribute in one file, in order;
    None when there is none."""
    if not file.units:
        return None
    found = []
    aliases = import_aliases([u.tree for u in file.units])
    tool_rooted = {local for local, origin in aliases.items() if origin.split(".", 1)[0] in _NAME_ROOTS}
    if not tool_rooted and not _may_name_a_tool_or_report(file.units, aliases):
        return None
    for unit in file.units:
        for node in nodes_of(unit.tree, ast.Call, ast.Attribute):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "report_to":
                        found.extend((tool, unit.evidence(node.lineno)) for tool in _report_to_tools(keyword.value))
                target = node.func
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
                target = node
            else:
                continue
            if not _may_name_a_tool(target, aliases, tool_rooted):
                continue
            name = qualified_name(target, aliases)
            tool = tool_of(name) if name else None
            if tool:
                found.append((tool, unit.evidence(node.lineno)))
    return tuple(found) or None


def _may_name_a_tool_or_report(units: list[CodeUnit], aliases: dict[str, str]) -> bool:
    """False when, in a file that imports nothing from `_NAME_ROOTS` (most files), no name can be a
    tool's and no call passes `report_to=`: told from a scan of the attributes and keywords, without
    reading each call and chain. Such a name is a tool's only by its last part (`_may_name_a_tool`):
    some attribute's name, or the last part of the import of a bare name."""
    if any(origin.rsplit(".", 1)[-1] in _NAME_ENDS for origin in aliases.values()):
        return True
    return any(any(node.attr in _NAME_ENDS for node in nodes_of(unit.tree, ast.Attribute))
               or any(node.arg == "report_to" for node in nodes_of(unit.tree, ast.keyword)) for unit in units)


def _may_name_a_tool(target: ast.AST, aliases: dict[str, str], tool_rooted: set[str]) -> bool:
    """False when `tool_of(qualified_name(target, aliases))` is surely None (most names), without
    building the name: its first part is that of the import its chain starts from (`tool_rooted` holds
    the local names whose import starts with one of `_NAME_ROOTS`), and its last part is the chain's
    outermost attribute, or, for a bare imported name, the last part of its import."""
    last = target.attr if isinstance(target, ast.Attribute) else None
    if last is not None and last not in _NAME_ENDS and not tool_rooted:
        return False  # the commonest case, told without walking the chain
    root = chain_root(target)
    if root not in aliases:
        return False  # not an imported name: `qualified_name` is None
    if root in tool_rooted:
        return True
    node = target
    while last is None and node.__class__ is ast.Call:  # a called call (`f()()`): its outermost attribute
        node = node.func
        last = node.attr if node.__class__ is ast.Attribute else None
    return (last or aliases[root].rsplit(".", 1)[-1]) in _NAME_ENDS


_TARGET = re.compile(r"""^[^#]*?["']?_target_["']?\s*[:=]\s*["']?([A-Za-z_][\w.]*)""")
_REPORT_TO_LINE = re.compile(r"""^[^#]*?["']?report_to["']?\s*[:=]\s*(.+)$""")
_LOGDIR = re.compile(r"\btensorboard\b[^\n#]*--logdir|^%load_ext\s+tensorboard\b")
_REPORT_TO_FLAG = re.compile(r"--report[_-]to[=\s]+[\"']?([\w, ]+)")
_DVC_METRICS = re.compile(r"^\s*(metrics|plots)\s*:")
_CONFIG_SUFFIXES = (".yaml", ".yml", ".json")
_SCRIPT_SUFFIXES = (".sh", ".bash", ".ps1", ".bat", ".cmd")
MAX_CONFIG_BYTES = 512 * 1024


def _scan_config_line(line: str, evidence: Evidence, found: _Found) -> None:
    """A YAML/JSON line that instantiates a logger (`_target_:`) or sets `report_to:`."""
    target = _TARGET.match(line)
    tool = tool_of(target.group(1)) if target else None
    if tool:
        found.add(tool, evidence)
    report = _REPORT_TO_LINE.match(line)
    for word in re.findall(r"[A-Za-z_]+", report.group(1)) if report else []:
        if word.lower() in _REPORT_TO:
            found.add(_REPORT_TO[word.lower()], evidence)


_WANDB_RUN = re.compile(r"^(offline-)?run-\d{8}_\d{6}-")


def run_store_tool(path: str) -> tuple[str, str] | None:
    """(tool, what) when `path` belongs to committed tracking data: DVC pointers, run stores, event files."""
    parts = path.split("/")
    name = parts[-1].lower()
    if name.endswith(".dvc") and name != ".dvc":
        return "dvc", "DVC-tracked data"
    if "mlruns" in parts[:-1] or name == "mlflow.db":
        return "mlflow", "committed MLflow run store"
    if name.startswith("events.out.tfevents."):
        return "tensorboard", "committed TensorBoard event file"
    if ".aim" in parts[:-1]:
        return "aim", "committed Aim repository"
    if "wandb" in parts[:-2] and any(_WANDB_RUN.match(p) for p in parts):
        return "wandb", "committed wandb run folder"
    return None


def _scan_text_file(path: str, text: str, found: _Found) -> None:
    """dvc.yaml metrics, config `_target_:` / `report_to:` lines, script and Makefile command lines."""
    lower = posixpath.basename(path).lower()
    for number, line in enumerate(text.splitlines(), start=1):
        evidence = Evidence(path=path, line=number, excerpt=excerpt(line))
        if lower == "dvc.yaml" and _DVC_METRICS.match(line):
            found.add("dvc", evidence)
        elif lower.endswith(_CONFIG_SUFFIXES):
            _scan_config_line(line, evidence, found)
        else:
            _scan_command_line(line.split("#", 1)[0], evidence, found)


def _scan_files(repo: RepoView, found: _Found) -> None:
    for f in repo.files:
        stored = run_store_tool(f.path)
        if stored:
            found.add(stored[0], Evidence(path=f.path, excerpt=stored[1]))
        lower = posixpath.basename(f.path).lower()
        wanted = lower in ("dvc.yaml", "makefile") or lower.endswith(_CONFIG_SUFFIXES + _SCRIPT_SUFFIXES)
        text = repo.read_text(f.path) if wanted and f.size <= MAX_CONFIG_BYTES else None
        if text is not None:
            _scan_text_file(f.path, text, found)


def _scan_command_line(line: str, evidence: Evidence, found: _Found) -> None:
    """A shell line (script, Makefile, notebook `!`/`%` line): TensorBoard on a log folder, `--report_to`."""
    if _LOGDIR.search(line.strip()):
        found.add("tensorboard", evidence)
    flag = _REPORT_TO_FLAG.search(line)
    for word in re.findall(r"\w+", flag.group(1)) if flag else []:
        if word.lower() in _REPORT_TO:
            found.add(_REPORT_TO[word.lower()], evidence)


def _scan_notebook_magics(sources: Sources, found: _Found) -> None:
    for notebook in sources.notebooks:
        for cell in notebook.code_cells:
            for line in cell.source.splitlines():
                stripped = line.strip()
                if stripped.startswith(("%", "!")):
                    evidence = cell_evidence(notebook.path, cell.number, stripped)
                    _scan_command_line(stripped, evidence, found)


def detect_tracking(repo: RepoView, sources: Sources) -> TrackingFacts:
    """Experiment-tracking tools actually used in code, notebooks, configs or committed run stores."""
    found = _Found()
    for file_found in code_pass(sources).of("tracking"):
        for tool, evidence in file_found:
            found.add(tool, evidence)
    _scan_notebook_magics(sources, found)
    _scan_files(repo, found)
    return TrackingFacts(evidence={tool: tuple(found.items[tool]) for tool in sorted(found.items)})
