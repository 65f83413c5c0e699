"""Workflow facts: how someone else would reproduce the project.

* `environments`: Dockerfiles / Compose files, `.devcontainer/devcontainer.json`, conda
  `environment*.yml`, Nix `flake.nix` / `shell.nix`.
* `entry_points`: one-command ways to run it — Makefile / justfile targets named like train, reproduce,
  all, pipeline, run, evaluate; `dvc.yaml` stages; `run_*.sh` / `reproduce.sh` / `train.sh` scripts;
  `[project.scripts]` console scripts; an MLflow `MLproject`; nox sessions / invoke tasks with such names; a
  `if __name__ == "__main__":` guard in a `train*` / `main*` / `run*` module that parses arguments.
* `config_files`: hyperparameter config files (YAML/JSON/TOML under `config(s)/`, `conf/`, named
  `*config*` / `params*` / `hparams*`; Python config modules with hyperparameter constants) that the
  code reads: a reader (yaml / OmegaConf / hydra / json / toml) plus a mention of the file, its stem
  or its folder in the code's strings or the README — or, for a Python config, an import of it.
* `hardcoded_hyperparameters`: calls passing numeric literals as `lr=`, `epochs=`, `batch_size=`, …
* `data_access`: `*.dvc` files and `dvc.yaml` data deps, download scripts, `download*` functions whose
  name, file or URLs speak of data, data-fetching calls (`gdown`, `datasets.load_dataset`,
  `download=True`, sklearn `fetch_*`, `pd.read_csv("https://…")` — a URL held in a module-level string
  constant is resolved; `requests.get` / `urlopen` / torch hub downloads only to a data-looking URL or
  target, never weights or page images), notebook shell lines (`!wget`, `!gdown`, `!kaggle datasets
  download`, `!curl -O` to data, `dvc pull`), and in the root README and up to 20 other `README.md`
  files links to dataset hosts (Kaggle, UCI, Zenodo, Hugging Face datasets, figshare, …) and such
  commands in code blocks.

The code is read file by file in the code pass (`codepass`; the part `workflow`); what needs every file
(config mentions and imports, the caps) is settled after it. Every field is sorted by path and line,
deduplicated, and capped at 10 entries.
"""
from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..model import Evidence
from ..project_files import MAKEFILE_NAMES, Makefile, TomlFile, read_makefile, read_toml
from ..repo import RepoView
from ..sources import Sources
from .codepass import SourceFile, code_pass, per_file
from .common import cell_evidence, excerpt
from .files import detect_docker
from .pycode import CodeUnit, called_name, chain_root, dotted_name, import_aliases, nodes_of, qualified_name
from .readme import ReadmeSource
from .readme_document import Document, parse_readme
from .testing import is_test_path
from .yamlsafe import try_load_yaml

MAX_PER_FIELD = 10
MAX_TEXT_BYTES = 512 * 1024

_CONDA = re.compile(r"(?:environment|conda)[\w.-]*\.ya?ml", re.IGNORECASE)
_NIX = frozenset({"flake.nix", "shell.nix"})
_JUST_RECIPE = re.compile(r"^@?([A-Za-z0-9][\w-]*+)[^:=\n]*+:(?![=])")
_RUN_WORDS = frozenset({"train", "training", "reproduce", "repro", "pipeline", "run", "evaluate", "eval",
                        "experiment", "experiments"})
_NOT_RUN_WORDS = frozenset({"test", "tests", "lint", "format", "docs", "clean", "install", "setup", "check",
                            "style", "typecheck", "docker", "build", "coverage", "precommit", "pre"})
_RUN_SCRIPT = re.compile(r"(?:run|reproduce|repro|train)(?:[_-][\w-]*)?\.sh", re.IGNORECASE)
_MAIN_MODULE = re.compile(r"(?:train|main|run)\w*\.py")
_ARG_PARSERS = frozenset({"argparse", "click", "typer", "hydra", "fire", "absl", "jsonargparse"})

_CONFIG_FOLDERS = frozenset({"config", "configs", "conf", "cfg", "configuration", "hparams", "params", "hyp",
                             "hyps"})
_CONFIG_NAME = re.compile(r"(?:.*[_.-])?(?:config|configs|conf|cfg|params|hparams|hyperparams|"
                          r"hyperparameters?|hyps?)(?:[_.-].*)?", re.IGNORECASE)
_CONFIG_SUFFIXES = (".yaml", ".yml", ".json", ".toml")
_NOT_CONFIG = frozenset({"pyproject.toml", "package.json", "package-lock.json", "tsconfig.json",
                         "dvc.yaml", "dvc.lock", "mkdocs.yml", "codecov.yml", "environment.yml",
                         "environment.yaml", "jsconfig.json", "renovate.json", "pixi.toml"})
_PY_CONFIG_NAMES = frozenset({"config.py", "configs.py", "settings.py", "hparams.py", "params.py",
                              "hyperparameters.py", "cfg.py", "conf.py"})
_HYPER = re.compile(r"(?:^|_)(?:lr|learning_rate|epochs?|num_epochs|n_epochs|batch_size|max_depth|"
                    r"n_estimators|dropout|weight_decay|momentum|hidden_(?:size|dim)|num_layers|n_layers?|"
                    r"max_iters?|warmup\w*|gamma|num_leaves|min_samples_\w+|block_size|n_embd|n_head)(?:$|_)",
                    re.IGNORECASE)
_CONFIG_READERS = ("yaml.safe_load", "yaml.load", "yaml.full_load", "yaml.unsafe_load", "json.load",
                   "json.loads", "tomllib.load", "toml.load", "omegaconf.OmegaConf", "hydra.main",
                   "hydra.compose", "hydra.initialize", "ruamel.yaml", "yaml.safe_load_all",
                   "dvc.api.params_show", "configparser")

_HYPER_KEYWORDS = frozenset({"lr", "learning_rate", "n_estimators", "max_depth", "epochs", "num_epochs",
                             "n_epochs", "nb_epoch", "batch_size", "weight_decay", "momentum",
                             "min_samples_split", "min_samples_leaf", "num_leaves"})

_DOWNLOAD_FILE = re.compile(r"(?:download|get_data|fetch_data|get_dataset|fetch_dataset)\w*\.(?:py|sh)",
                            re.IGNORECASE)
_NOT_DATA = re.compile(r"weight|model|checkpoint|ckpt", re.IGNORECASE)
_FETCH_SCRIPT = re.compile(r"(?:get|download|fetch)_\w+\.(?:sh|py)", re.IGNORECASE)  # under a data folder
# Words and suffixes that say a URL, target path or function name is about data ...
_DATA_WORDS = re.compile(r"data|corpus|csv|parquet|\.(?:zip|tgz|tar|gz|bz2|xz|7z|jsonl|npz|arff|xlsx?)\b",
                         re.IGNORECASE)
# ... and those that say it is about weights, page images, thumbnails or fonts (never data).
_NOT_DATA_TARGET = re.compile(r"weight|checkpoint|ckpt|thumbnail|favicon|font|\.(?:pth?|onnx|h5|safetensors|"
                              r"ttf|jpe?g|png|gif|svg|webp)\b|api\.github\.com|/releases/download/v\d.*\.pt",
                              re.IGNORECASE)
_DATA_PATH = re.compile(r"(?:^|/)(?:data|datasets?)(?:/|_|\.py)|_data\.py$|prepare\w*\.py$", re.IGNORECASE)
# Generic fetches (`requests.get`, `urlopen`, torch hub's file download) count only when the URL / target
# or the file speaks of data; general file downloaders count unless they fetch weights or images.
_GENERIC_FETCHES = frozenset({"requests.get", "urllib.request.urlopen", "torch.hub.download_url_to_file"})
_FILE_DOWNLOADERS = frozenset({"urllib.request.urlretrieve", "wget.download", "gdown.download",
                               "gdown.download_folder", "keras.utils.get_file", "tensorflow.keras.utils.get_file",
                               "torchvision.datasets.utils.download_url"})
_DOWNLOAD_CALLS = ("datasets.load_dataset", "tensorflow_datasets.load", "opendatasets.download",
                   "openml.datasets.get_dataset", "kagglehub.dataset_download")
_DOWNLOAD_PREFIXES = ("kaggle.", "sklearn.datasets.fetch_", "sklearn.datasets.load_")
_DATASET_LOADER = "load_data"  # `keras.datasets.mnist.load_data`: any `*.datasets.*.load_data`
_URL_READERS = frozenset({"read_csv", "read_parquet", "read_json", "read_excel", "read_table"})
_SHELL_FETCH = re.compile(r"(?:^|[\s!;&|(])(wget|curl|gdown)\s+\S|(?:^|[\s!;&|(])(kaggle)\s+(?:datasets|competitions)"
                          r"\s+download\b|(?:^|[\s!;&|(])(dvc)\s+pull\b", re.IGNORECASE)
_DATA_HOSTS = ("kaggle.com", "archive.ics.uci.edu", "zenodo.org", "figshare.com", "openml.org",
               "physionet.org", "data.world", "datadryad.org", "dataverse.harvard.edu",
               "cs.toronto.edu/~kriz/cifar", "image-net.org", "yann.lecun.com/exdb/mnist", "cocodataset.org")
_KAGGLE_NOT_DATA = ("/models", "/code", "/static", "/docs", "/learn", "/account", "/discussions")  # notebooks, badges
MAX_OTHER_READMES = 20
_INSTALLER = re.compile(r"\.(?:sh|exe|deb|rpm|dmg|msi|whl|pkg)\b|conda|get-pip|install", re.IGNORECASE)
_CURL_SAVES = re.compile(r"\s-[A-Za-z]*[oO]\b|\s--output\b|\s--remote-name\b|>")
_HELPER_FOLDERS = frozenset({"utils", "util", "helpers", "lib", "common"})
_VENDORED = frozenset({"node_modules", "site-packages", "venv", "vendor", "third_party", "external"})
_CODE_DEP_SUFFIXES = (".py", ".sh", ".ipynb", ".r", ".jl", ".yaml", ".yml", ".toml", ".cfg")


@dataclass(frozen=True, kw_only=True)
class WorkflowFacts:
    """Evidence for each way someone else could set up, run, configure and feed the project."""

    environments: tuple[Evidence, ...]
    entry_points: tuple[Evidence, ...]
    config_files: tuple[Evidence, ...]
    hardcoded_hyperparameters: tuple[Evidence, ...]
    data_access: tuple[Evidence, ...]

    @property
    def has_environment(self) -> bool:
        return bool(self.environments)

    @property
    def has_entry_point(self) -> bool:
        return bool(self.entry_points)

    @property
    def configured(self) -> bool:
        return bool(self.config_files)

    @property
    def has_data_access(self) -> bool:
        return bool(self.data_access)


def _finish(found: list[Evidence]) -> tuple[Evidence, ...]:
    """Deduplicated, sorted by (path, line), at most `MAX_PER_FIELD`."""
    unique = {(e.path, e.line or 0, e.excerpt or ""): e for e in found}
    return tuple(unique[key] for key in sorted(unique))[:MAX_PER_FIELD]


def _read(repo: RepoView, path: str) -> str | None:
    return repo.read_text(path, max_bytes=MAX_TEXT_BYTES)


def _line_of(text: str, pattern: re.Pattern[str]) -> tuple[int, str] | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.search(line):
            return number, line
    return None


def _at(path: str, text: str, pattern: re.Pattern[str]) -> Evidence:
    """Evidence for the first line of `text` matching `pattern`, else for the file."""
    hit = _line_of(text, pattern)
    return Evidence(path=path, line=hit[0], excerpt=excerpt(hit[1])) if hit else Evidence(path=path)


def _is_run_name(name: str) -> bool:
    """A target name like `train`, `run-pipeline`, `reproduce_all` or `all` (not `run-tests`)."""
    words = [w for w in re.split(r"[-_.:/]+", name.lower()) if w]
    if words == ["all"]:
        return True
    return bool(words) and any(w in _RUN_WORDS for w in words) and not any(w in _NOT_RUN_WORDS for w in words)


# --- environments -------------------------------------------------------------------------------------


def _environments(repo: RepoView) -> list[Evidence]:
    found = list(detect_docker(repo))
    for f in repo.files:
        name = posixpath.basename(f.path)
        if (f.path in (".devcontainer/devcontainer.json", ".devcontainer.json") or _CONDA.fullmatch(name)
                or name in _NIX):
            found.append(Evidence(path=f.path))
    return found


# --- entry points -------------------------------------------------------------------------------------


def _make_targets(path: str, text: str, pattern: re.Pattern[str]) -> list[Evidence]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = pattern.match(line)
        if match and any(_is_run_name(name) for name in match.group(1).split()):
            found.append(Evidence(path=path, line=number, excerpt=excerpt(line)))
    return found


def _makefile_entry_points(makefile: Makefile) -> list[Evidence]:
    """The lines defining Makefile targets named like train / reproduce / all (parsed as CI reads them)."""
    numbers = sorted({t.line for name, t in makefile.targets.items() if _is_run_name(name)})
    return [Evidence(path=makefile.path, line=n, excerpt=excerpt(makefile.lines[n - 1])) for n in numbers]


def _dvc_stages(path: str, text: str) -> tuple[list[Evidence], list[Evidence]]:
    """(stage evidence, data-dependency evidence) of a `dvc.yaml`; nothing when malformed."""
    documents, _problem = try_load_yaml(text)
    stages = documents[0].get("stages") if documents and isinstance(documents[0], dict) else None
    if not isinstance(stages, dict):
        return [], []
    entries, deps = [], []
    for name, stage in stages.items():
        if not isinstance(stage, dict):
            continue
        entries.append(_at(path, text, re.compile(rf"^\s+{re.escape(str(name))}\s*:")))
        for dep in stage.get("deps") or []:
            if isinstance(dep, str) and not dep.lower().endswith(_CODE_DEP_SUFFIXES):
                deps.append(_at(path, text, re.compile(rf"-\s*{re.escape(dep)}\s*$")))
    return entries, deps


def _console_scripts(pyproject: TomlFile) -> list[Evidence]:
    data, path, text = pyproject.data, pyproject.path, pyproject.text
    if data is None:
        return []
    project = data.get("project")
    poetry = data.get("tool", {}).get("poetry") if isinstance(data.get("tool"), dict) else None
    tables = [t.get("scripts") for t in (project, poetry) if isinstance(t, dict)]
    found = []
    for table in tables:
        if isinstance(table, dict):
            for name in table:
                found.append(_at(path, text, re.compile(rf"""^\s*["']?{re.escape(str(name))}["']?\s*=""")))
    return found


def _decorated_tasks(unit: CodeUnit) -> list[Evidence]:
    """nox sessions / invoke tasks whose function name reads like a run target."""
    found = []
    for node in unit.tree.body:
        if isinstance(node, ast.FunctionDef) and node.decorator_list and _is_run_name(node.name):
            names = [dotted_name(d.func if isinstance(d, ast.Call) else d) or "" for d in node.decorator_list]
            if any(n.rsplit(".", 1)[-1] in ("session", "task") for n in names):
                found.append(unit.evidence(node.lineno))
    return found


def _main_guard(unit: CodeUnit) -> Evidence | None:
    """The `if __name__ == "__main__":` line of a module that parses command-line arguments."""
    imported = {origin.split(".")[0] for origin in import_aliases([unit.tree]).values()}
    if not imported & _ARG_PARSERS:
        return None
    for node in unit.tree.body:
        if (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)
                and isinstance(node.test.left, ast.Name) and node.test.left.id == "__name__"
                and any(isinstance(c, ast.Constant) and c.value == "__main__" for c in node.test.comparators)):
            return unit.evidence(node.lineno)
    return None


def _module_entry_points(unit: CodeUnit) -> list[Evidence]:
    """A non-test module's entry points: nox sessions / invoke tasks, or a `train*` / `main*` / `run*`
    module's main guard."""
    name = posixpath.basename(unit.path)
    if name in ("noxfile.py", "tasks.py"):
        return _decorated_tasks(unit)
    if _MAIN_MODULE.fullmatch(name) and (guard := _main_guard(unit)) is not None:
        return [guard]
    return []


def _entry_points(repo: RepoView, code: list[_FileWorkflow]) -> tuple[list[Evidence], list[Evidence]]:
    """(entry points, dvc data deps)."""
    found, dvc_deps = [], []
    for f in repo.files:
        name = posixpath.basename(f.path)
        lower = name.lower()
        if _RUN_SCRIPT.fullmatch(name):
            found.append(Evidence(path=f.path))
            continue
        if lower in MAKEFILE_NAMES:
            if (makefile := read_makefile(repo, f.path)) is not None:
                found += _makefile_entry_points(makefile)
            continue
        if lower == "pyproject.toml":
            if (pyproject := read_toml(repo, f.path)) is not None:
                found += _console_scripts(pyproject)
            continue
        if lower not in ("justfile", "dvc.yaml", "mlproject"):
            continue
        text = _read(repo, f.path)
        if text is None:
            continue
        if lower == "justfile":
            found += _make_targets(f.path, text, _JUST_RECIPE)
        elif lower == "mlproject":  # an MLflow project: `mlflow run .`
            found.append(_at(f.path, text, re.compile(r"^entry_points\s*:")))
        elif lower == "dvc.yaml":
            stages, deps = _dvc_stages(f.path, text)
            found += stages
            dvc_deps += deps
    found += [e for file in code for e in file.entry_points]
    return found, dvc_deps


# --- configuration ------------------------------------------------------------------------------------


def _strings(units: list[CodeUnit]) -> set[str]:
    """String constants of one file's code, split into path pieces: whole strings, segments, stems."""
    # each distinct string is split once: a file repeats its strings ("float32", dict keys)
    texts = {node.value for unit in units for node in nodes_of(unit.tree, ast.Constant)
             if isinstance(node.value, str) and len(node.value) < 300}
    return set().union(*(_path_tokens(text) for text in texts))


_PATH_PIECES = re.compile(r"[\s\"'`=,()\[\]]+")
_PATH_SEPARATORS = re.compile(r"[/\\]+")


def _path_tokens(text: str) -> Iterator[str]:
    """The path pieces of `text`: whole pieces between quotes, spaces and brackets, their segments, stems."""
    for piece in _PATH_PIECES.split(text):
        piece = piece.strip("./\\")
        if not piece:
            continue
        yield piece
        segments = _PATH_SEPARATORS.split(piece) if "/" in piece or "\\" in piece else (piece,)
        for segment in segments:
            if segment and segment not in (".", ".."):
                yield segment
                if "." in segment:  # else the stem is the segment
                    yield posixpath.splitext(segment)[0]


def _reads_config(units: list[CodeUnit]) -> bool:
    """Whether one file's code calls or decorates with a config reader (yaml, json, OmegaConf, hydra, …)."""
    aliases = import_aliases([u.tree for u in units])
    heads = _heads_towards(aliases, _CONFIG_READERS)
    if not heads:  # most files import no reader: no name of theirs can start like one
        return False
    for unit in units:
        for node in nodes_of(unit.tree, ast.Call, ast.Attribute):
            target = node.func if isinstance(node, ast.Call) else node
            if chain_root(target) in heads and (qualified_name(target, aliases) or "").startswith(_CONFIG_READERS):
                return True
    return False


def _heads_towards(aliases: dict[str, str], prefixes: Iterable[str]) -> frozenset[str]:
    """The local names through which a qualified name can start with one of `prefixes`.

    `qualified_name` puts the import origin of a chain's first name at the start of the chain's name, so
    that name starts with prefix `p` only when the origin starts with `p` or `p` starts with the origin.
    """
    return frozenset(local for local, origin in aliases.items()
                     if any(origin.startswith(p) or p.startswith(origin) for p in prefixes))


def _is_config_data_file(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    if (not name.lower().endswith(_CONFIG_SUFFIXES) or name.lower() in _NOT_CONFIG
            or any(p.startswith(".") for p in parts) or _CONDA.fullmatch(name)):
        return False
    return (any(p.lower() in _CONFIG_FOLDERS for p in parts[:-1])
            or bool(_CONFIG_NAME.fullmatch(posixpath.splitext(name)[0])))


def _mentioned(path: str, tokens: set[str]) -> bool:
    parts = path.split("/")
    stem = posixpath.splitext(parts[-1])[0]
    return (path in tokens or parts[-1] in tokens or stem in tokens
            or any(p in tokens for p in parts[:-1] if p.lower() in _CONFIG_FOLDERS))


def _hyper_constant(unit: CodeUnit, upper_only: bool) -> int | None:
    """Line of the first module-level numeric assignment to a hyperparameter-named variable."""
    for node in unit.tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) and node.value is not None else [])
        value = getattr(node, "value", None)
        if isinstance(value, ast.UnaryOp):
            value = value.operand
        numeric = isinstance(value, ast.Constant) and type(value.value) in (int, float)
        for target in targets:
            if (numeric and isinstance(target, ast.Name) and _HYPER.search(target.id)
                    and (target.id.isupper() or not upper_only)):
                return node.lineno
    return None


def _imported_modules(units: list[CodeUnit]) -> set[str]:
    """Last parts of every module name one file imports (`from .config import X` gives `config`)."""
    names: set[str] = set()
    for unit in units:
        for node in nodes_of(unit.tree, ast.Import, ast.ImportFrom):
            if isinstance(node, ast.Import):
                names.update(a.name.rsplit(".", 1)[-1] for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.module:
                    names.add(node.module.rsplit(".", 1)[-1])
                names.update(a.name for a in node.names)  # `from . import config`
    return names


def _config_constant(unit: CodeUnit) -> Evidence | None:
    """The hyperparameter constant of a non-test config module (`config.py`, or any module in a config
    folder, where lower-case names count too); None for other modules."""
    in_folder = any(p.lower() in _CONFIG_FOLDERS for p in unit.path.split("/")[:-1])
    if posixpath.basename(unit.path) not in _PY_CONFIG_NAMES and not in_folder:
        return None
    line = _hyper_constant(unit, upper_only=not in_folder)
    return unit.evidence(line) if line is not None else None


def _config_files(repo: RepoView, code: list[_FileWorkflow], readme_text: str) -> list[Evidence]:
    """Config files the code reads, and config modules it imports or mentions."""
    tokens = set().union(*(file.strings for file in code))
    tokens.update(_path_tokens(readme_text))
    found = []
    if any(file.reads_config for file in code):
        found += [Evidence(path=f.path) for f in repo.files
                  if _is_config_data_file(f.path) and _mentioned(f.path, tokens)]
    imported = set().union(*(file.imported for file in code))
    for file in code:
        constant = file.config_constant
        if constant is not None and (posixpath.basename(constant.path)[:-3] in imported
                                     or _mentioned(constant.path, tokens)):
            found.append(constant)
    return found


# --- hard-coded hyperparameters -------------------------------------------------------------------------


def _numeric(value: ast.AST) -> bool:
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub):
        value = value.operand
    return isinstance(value, ast.Constant) and type(value.value) in (int, float)


def _hardcoded(units: list[CodeUnit]) -> list[Evidence]:
    """Numeric literals passed as hyperparameter keywords in one non-test file's calls."""
    found = []
    for unit in units:
        for node in nodes_of(unit.tree, ast.Call):
            for keyword in node.keywords:
                if keyword.arg in _HYPER_KEYWORDS and _numeric(keyword.value):
                    found.append(unit.evidence(keyword.value.lineno))
    return found


# --- data access -------------------------------------------------------------------------------------


def _says_data(text: str) -> bool:
    """Whether a URL, path or name speaks of data (not of weights, images for pages or fonts)."""
    return bool(_DATA_WORDS.search(text)) and not _NOT_DATA_TARGET.search(text)


def _module_strings(group: list[CodeUnit]) -> dict[str, str]:
    """Module-level `NAME = "text"` constants of one file (a notebook's cells share one namespace);
    a name bound to different strings, or to anything else, is left out."""
    values: dict[str, str | None] = {}
    for unit in group:
        for node in unit.tree.body:
            targets = node.targets if isinstance(node, ast.Assign) else (
                [node.target] if isinstance(node, ast.AnnAssign) and node.value is not None else [])
            value = getattr(node, "value", None)
            text = value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None
            for target in targets:
                if isinstance(target, ast.Name):
                    known = values.get(target.id, text)
                    values[target.id] = text if known == text else None
    return {name: text for name, text in values.items() if text is not None}


def _arg_text(node: ast.AST, constants: dict[str, str]) -> str:
    """An argument's source, or its string value; names of module-level string constants in it are resolved
    (`os.path.join(images_path, FILENAME)` also reads as the values of both)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name) and node.id in constants:
        return constants[node.id]
    values = [constants[n.id] for n in ast.walk(node) if isinstance(n, ast.Name) and n.id in constants]
    return " ".join([_source(node), *values])


# The last part of every name `_fetches_data` looks for by its whole name or by its end.
_DOWNLOAD_LAST_PARTS = frozenset({name.rsplit(".", 1)[-1] for name in (*_GENERIC_FETCHES, *_FILE_DOWNLOADERS,
                                                                       *_DOWNLOAD_CALLS)} | {_DATASET_LOADER})


def _may_name_download(func: ast.expr, prefix_heads: frozenset[str]) -> bool:
    """False when `func`'s qualified name can be none that `_fetches_data` looks for by name: the name of an
    attribute chain ends with the attribute (`.load_data`, `.urlretrieve`, …), and one of a chain that
    starts with a `_DOWNLOAD_PREFIXES` prefix starts at one of the `prefix_heads`; a bare name is just
    looked up."""
    if func.__class__ is ast.Name:
        return True
    if func.__class__ is ast.Attribute and func.attr in _DOWNLOAD_LAST_PARTS:
        return True
    return bool(prefix_heads) and chain_root(func) in prefix_heads


def _fetches_data(call: ast.Call, aliases: dict[str, str], path: str, constants: dict[str, str],
                  prefix_heads: frozenset[str]) -> bool:
    if call.keywords and any(k.arg == "download" and isinstance(k.value, ast.Constant) and k.value.value is True
                             for k in call.keywords):
        return True
    name = (qualified_name(call.func, aliases) or "") if _may_name_download(call.func, prefix_heads) else ""
    if name in _GENERIC_FETCHES or name in _FILE_DOWNLOADERS:  # the arguments' text, only for these calls
        args = " ".join(_arg_text(a, constants) for a in [*call.args, *(k.value for k in call.keywords)])
        if name in _GENERIC_FETCHES:  # APIs, pages, weights too: the URL, target or file must speak of data
            return _says_data(args) or (bool(_DATA_PATH.search(path)) and not _NOT_DATA_TARGET.search(args))
        return not _NOT_DATA_TARGET.search(args)  # general downloaders: anything but weights and images
    if name in _DOWNLOAD_CALLS or name.startswith(_DOWNLOAD_PREFIXES):
        return True
    if ".datasets." in name and name.endswith(f".{_DATASET_LOADER}"):  # keras.datasets.mnist.load_data
        return True
    # a reader called by name (the last part of the dotted name, when the chain has one)
    return (called_name(call.func) in _URL_READERS and bool(call.args) and dotted_name(call.func) is not None
            and _arg_text(call.args[0], constants).startswith(("http://", "https://")))


def _source(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except (RecursionError, ValueError):
        return ""


def _downloads_data(node: ast.FunctionDef | ast.AsyncFunctionDef, path: str) -> bool:
    """A `download*` function that fetches data: its name, its file's name or its URLs say so."""
    name = node.name.lower()
    if not name.startswith("download") or _NOT_DATA_TARGET.search(name):
        return False
    if _DATA_WORDS.search(name) or _is_download_file(path):
        return True
    if _says_data(ast.get_docstring(node) or ""):
        return True
    texts = [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    return any(t.startswith(("http://", "https://")) and _says_data(t) for t in texts)


def _code_data_access(units: list[CodeUnit]) -> list[Evidence]:
    """Data-downloading functions and data-fetching calls of one non-test file (a notebook's cells share
    their imports and constants)."""
    found = []
    aliases = import_aliases([u.tree for u in units])
    prefix_heads = _heads_towards(aliases, _DOWNLOAD_PREFIXES)
    constants = _module_strings(units)
    for unit in units:
        for node in nodes_of(unit.tree, ast.FunctionDef, ast.AsyncFunctionDef, ast.Call):
            if (_downloads_data(node, unit.path) if node.__class__ is not ast.Call
                    else _fetches_data(node, aliases, unit.path, constants, prefix_heads)):
                found.append(unit.evidence(node.lineno))
    return found


def _shell_fetches(text: str) -> list[tuple[int, str]]:
    """(1-based line, line) of shell commands fetching data: `wget`, `gdown`, `kaggle datasets download`,
    `dvc pull`, and `curl` to a data-looking URL; never weights or images."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _SHELL_FETCH.search(line)
        if match is None or _NOT_DATA_TARGET.search(line) or _INSTALLER.search(line):
            continue
        if (match.group(1) or "").lower() == "curl" and not (_DATA_WORDS.search(line) and _CURL_SAVES.search(line)):
            continue
        found.append((number, line))
    return found


def _notebook_shell_fetches(sources: Sources) -> list[Evidence]:
    """`!wget …`-style lines and `%%bash` / `%%sh` cells of notebooks (the line is the cell number)."""
    found = []
    for notebook in sources.notebooks:
        if is_test_path(notebook.path):
            continue
        for cell in notebook.code_cells:
            shell_cell = cell.source.lstrip().startswith(("%%bash", "%%sh", "%%script bash"))
            for _number, line in _shell_fetches(cell.source):
                if shell_cell or line.lstrip().startswith(("!", "%sx", "%system")):
                    found.append(cell_evidence(notebook.path, cell.number, line.strip()))
    return found


def _is_data_link(target: str) -> bool:
    try:
        parts = urlsplit(target)
    except ValueError:
        return False
    host = (parts.hostname or "").removeprefix("www.")
    where = host + parts.path
    if host == "huggingface.co":
        return parts.path.startswith("/datasets/")
    if host.endswith("kaggle.com"):
        return parts.path.strip("/") != "" and not parts.path.startswith(_KAGGLE_NOT_DATA)
    return any(where == h or where.startswith(h + "/") or host.endswith("." + h) for h in _DATA_HOSTS)


def _document_data_access(path: str, doc: Document) -> list[Evidence]:
    """Dataset-host links and data-fetching commands in code blocks of one parsed README."""
    found = [Evidence(path=path, line=ref.line, excerpt=excerpt(doc.line_text(ref.line)) or None)
             for ref in doc.refs if not ref.image and _is_data_link(ref.target)]
    for block in doc.blocks:
        if block.kind == "code":
            found += [Evidence(path=path, line=block.line + offset - 1, excerpt=excerpt(line) or None)
                      for offset, line in _shell_fetches(block.text)]
    return found


def _other_readmes(repo: RepoView, root_readme: str | None) -> list[tuple[str, Document]]:
    """The README.md files below the root (shallowest first, at most `MAX_OTHER_READMES`), parsed."""
    paths = sorted((f.path for f in repo.files
                    if f.path != root_readme and "/" in f.path
                    and posixpath.basename(f.path).lower() == "readme.md" and not is_test_path(f.path)
                    and not any(p.startswith(".") or p.lower() in _VENDORED for p in f.path.split("/")[:-1])),
                   key=lambda p: (p.count("/"), p))
    documents = []
    for path in paths[:MAX_OTHER_READMES]:
        text = _read(repo, path)
        if text is not None:
            documents.append((path, parse_readme(path, text)))
    return documents


def _is_download_file(path: str) -> bool:
    """`download_data.py`, `get_data.sh`, `data/scripts/get_coco.sh`, … — not `download_weights.sh` (models
    are not data), nor a download helper module (`utils/downloads.py`, `download_utils.py`) not named for data."""
    parts = path.lower().split("/")
    name = parts[-1]
    if _NOT_DATA.search(name):
        return False
    if _FETCH_SCRIPT.fullmatch(name) and any(p in ("data", "datasets") for p in parts[:-1]):
        return True  # `data/scripts/get_coco.sh`
    if not _DOWNLOAD_FILE.fullmatch(name):
        return False
    helper = "util" in name or name == "downloads.py" or any(p in _HELPER_FOLDERS for p in parts[:-1])
    return not helper or bool(_DATA_WORDS.search(name))


def _data_access(repo: RepoView, sources: Sources, code: list[_FileWorkflow], readme_source: ReadmeSource | None,
                 dvc_deps: list[Evidence]) -> list[Evidence]:
    files = [Evidence(path=f.path) for f in repo.files
             if f.path.endswith(".dvc") or _is_download_file(f.path)]
    readmes = _other_readmes(repo, readme_source.path if readme_source else None)
    if readme_source is not None and readme_source.document is not None:
        readmes.insert(0, (readme_source.path, readme_source.document))
    documents = [e for path, doc in readmes for e in _document_data_access(path, doc)]
    in_code = [e for file in code for e in file.data_access]
    return files + dvc_deps + in_code + _notebook_shell_fetches(sources) + documents


# --- the code pass -----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class _FileWorkflow:
    """One file's part: what its code says of entry points, configs, hyperparameters and data access.

    `entry_points`, `config_constant`, `hardcoded` and `data_access` are empty for a test file, the first
    two also for a notebook; `strings` (path pieces of its string constants), `imported` (last parts of the
    modules it imports) and `reads_config` count for every file.
    """

    entry_points: tuple[Evidence, ...]
    strings: frozenset[str]
    imported: frozenset[str]
    reads_config: bool
    config_constant: Evidence | None  # a config module's hyperparameter constant; kept if code imports or names it
    hardcoded: tuple[Evidence, ...]
    data_access: tuple[Evidence, ...]


@per_file("workflow")
def _workflow_in_file(file: SourceFile) -> _FileWorkflow | None:
    """What one file's code (a module, or a notebook's cells) says for each field; nothing if none parses."""
    if not file.units:
        return None
    units = file.units
    test = is_test_path(file.path)
    module = units[0] if file.module is not None and not test else None
    return _FileWorkflow(
        entry_points=tuple(_module_entry_points(module)) if module else (),
        strings=frozenset(_strings(units)),
        imported=frozenset(_imported_modules(units)),
        reads_config=_reads_config(units),
        config_constant=_config_constant(module) if module else None,
        hardcoded=() if test else tuple(_hardcoded(units)),
        data_access=() if test else tuple(_code_data_access(units)),
    )


def detect_workflow(repo: RepoView, sources: Sources, readme_source: ReadmeSource | None) -> WorkflowFacts:
    """Environments, entry points, read configs, hard-coded hyperparameters and data access."""
    code = code_pass(sources).of("workflow")
    entry_points, dvc_deps = _entry_points(repo, code)
    doc = readme_source.document if readme_source else None
    readme_text = "\n".join(doc.lines) if doc is not None else ""
    return WorkflowFacts(
        environments=_finish(_environments(repo)),
        entry_points=_finish(entry_points),
        config_files=_finish(_config_files(repo, code, readme_text)),
        hardcoded_hyperparameters=_finish([e for file in code for e in file.hardcoded]),
        data_access=_finish(_data_access(repo, sources, code, readme_source, dvc_deps)),
    )
