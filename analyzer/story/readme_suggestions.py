"""README sections to paste, generated from the facts: only those the README lacks or has weakly.

* **Setup**: the commands the dependency files found call for (`poetry install`, `uv sync`, `pipenv
  install`, `conda env create -f environment.yml`, a virtual environment with `pip install -r
  requirements.txt` and `pip install -e .`), the Python version a file pins, Docker as an alternative.
* **Usage**: the entry points found, as commands (Makefile and justfile targets, `dvc repro`, `mlflow
  run`, console scripts, run scripts, nox sessions and invoke tasks, modules with a main guard), or the
  notebooks to run when there is no script.
* **Results**: the results at a glance as a Markdown table (baseline and best marked) with where the
  numbers come from, when the README has no results table of its own.
* **Problem**, **Data**, **Limitations**: skeletons for missing story parts, filled with what the facts
  show (the task, how the data is fetched and split, how the scores were validated).

Nothing here is invented: every command names a file the scan found, every number is the repository's,
and what only the candidate knows is left as a clearly marked blank (`<…>`).
"""
from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ..facts.dependencies import DependencyFacts, is_requirements_file
from ..facts.task import ImbalanceSignal
from ..model import Evidence, ReadmeSuggestion, ResultsAtAGlance
from .facts import StoryFacts
from .readme_text import without_cell_prefix
from .results import SOURCE_NOTEBOOK, SOURCE_README, SOURCE_RUNS, metric_label

MAX_COMMANDS = 6         # usage commands listed
MAX_SCRIPTS = 4          # of which Python modules
MAX_PER_FILE = 3         # of which targets of one Makefile, justfile or pyproject
MAX_NOTEBOOKS = 3        # notebooks listed when there is no script
MAX_EVIDENCE = 6         # evidence items per suggestion

_NOT_PROJECT_PARTS = frozenset({"mlruns", "wandb", "artifacts", "site-packages", "node_modules", ".venv", "venv",
                                "docs", "doc", ".ipynb_checkpoints", "vendor", "third_party", "external"})
_DEV_REQUIREMENTS = re.compile(r"dev|test|lint|doc|ci\b|type|format", re.IGNORECASE)
_CONDA_FILE = re.compile(r"(?:environment|conda)[\w.-]*\.ya?ml", re.IGNORECASE)
_INSTALLABLE = frozenset({"setup.py", "setup.cfg", "pyproject.toml"})
_POETRY_LINE = re.compile(r"""^\s*["']?[A-Za-z0-9][\w.-]*["']?\s*=""")
_EXACT_PYTHON = re.compile(r"^=?=?\s*(\d+\.\d+)(?:\.\d+)*(?:\.\*)?$")
_MIN_PYTHON = re.compile(r"^>=\s*(\d+\.\d+)(?:\.\d+)?$")
_COVERING_INSTALL = re.compile(r"-r\s|requirements|environment|\.ya?ml|-e\s|install\s+\.|setup\.py|poetry|pipenv|"
                               r"\buv\b|pdm|conda\s+env|make\s|docker|pyproject", re.IGNORECASE)


def suggest_readme_sections(story: StoryFacts) -> tuple[ReadmeSuggestion, ...]:
    """The README sections worth adding, in README order: problem, data, setup, usage, results,
    limitations; each only when the README lacks it (or installs packages by name while a dependency
    file pins them) and the facts give something concrete to put in it."""
    readme = _ReadmeView.of(story)
    builders: tuple[Callable[[StoryFacts, _ReadmeView], ReadmeSuggestion | None], ...] = (
        _problem, _data, _setup, _usage, _results, _limitations)
    return tuple(s for build in builders if (s := build(story, readme)) is not None)


# ==== what the README has ==========================================================================


@dataclass(frozen=True)
class _ReadmeView:
    """What the README already tells, as the suggestions need it."""

    path: str | None
    install: tuple[Evidence, ...]
    usage: tuple[Evidence, ...]
    parts: frozenset[str]
    metrics: tuple[Evidence, ...]

    @classmethod
    def of(cls, story: StoryFacts) -> _ReadmeView:
        facts = story.readme
        if facts is None or not facts.present:
            return cls(path=None, install=(), usage=(), parts=frozenset(), metrics=())
        return cls(path=facts.path, install=facts.install, usage=facts.usage,
                   parts=frozenset(p.name for p in facts.story_parts if p.present),
                   metrics=tuple(m.evidence for m in facts.metrics))

    def lacks(self, what: str) -> str:
        """Why a section is suggested: the README is missing, or says nothing of `what`."""
        return "There is no README." if self.path is None else f"The README has no {what}."


def _suggestion(section: str, body: Sequence[str], reason: str, evidence: Iterable[Evidence]) -> ReadmeSuggestion:
    places: dict[tuple[str, int | None], Evidence] = {}
    for item in evidence:
        places.setdefault((item.path, item.line), item)  # each place once
    unique = list(places.values())[:MAX_EVIDENCE]
    markdown = "\n".join([f"## {section}", "", *_visible_blanks(body)]).rstrip() + "\n"
    return ReadmeSuggestion(section=section, markdown=markdown, reason=reason,
                            evidence=tuple(unique))


_BLANK = re.compile(r"(?<!`)<(?!https?://)([^<>`\n]+)>(?!`)")


def _visible_blanks(lines: Sequence[str]) -> list[str]:
    """Blanks to fill (`<…>`) as inline code outside code blocks, so that a Markdown renderer shows
    them instead of taking them for HTML tags."""
    shown, fenced = [], False
    for line in lines:
        if line.startswith("```"):
            fenced = not fenced
        shown.append(line if fenced or line.startswith("```") else _BLANK.sub(r"`<\1>`", line))
    return shown


def _code(text: str) -> str:
    """Inline code that survives backticks inside it."""
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _where(evidence: Evidence) -> str:
    return _code(evidence.location())


def _bash(lines: Sequence[str]) -> list[str]:
    return ["```bash", *lines, "```"]


def _project_file(path: str) -> bool:
    """A file of the project itself, not of a run store, a vendored tree or the documentation."""
    return not any(part.lower() in _NOT_PROJECT_PARTS for part in path.split("/")[:-1])


def _depth(path: str) -> int:
    return path.count("/")


# ==== setup ========================================================================================


@dataclass(frozen=True)
class _Setup:
    """Setup commands and the files they come from."""

    lines: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    preface: str | None = None
    docker: str | None = None


def _python_text(spec: str) -> tuple[str, str | None]:
    """How to say the pinned Python version, and the interpreter to create a venv with (or None)."""
    spec = spec.strip()
    if (exact := _EXACT_PYTHON.match(spec)) is not None:
        return f"Python {exact.group(1)}", f"python{exact.group(1)}"
    if (minimum := _MIN_PYTHON.match(spec)) is not None:
        return f"Python {minimum.group(1)} or newer", None
    return f"Python {_code(spec)}", None


def _requirements(paths: Iterable[str]) -> tuple[list[str], list[str]]:
    """(main, development) requirements files, shallowest first."""
    found = sorted((p for p in paths if is_requirements_file(p)), key=lambda p: (_depth(p), p))
    dev = [p for p in found if _DEV_REQUIREMENTS.search(posixpath.basename(p)) or
           _DEV_REQUIREMENTS.search(posixpath.dirname(p).rsplit("/", 1)[-1])]
    return [p for p in found if p not in dev], dev


def _uses_poetry(deps: DependencyFacts) -> bool:
    return any(d.evidence.path == "pyproject.toml" and _POETRY_LINE.match(d.evidence.excerpt or "")
               for d in deps.dependencies)


def _tool_install(root: set[str], deps: DependencyFacts) -> tuple[str, str, str] | None:
    """(command, file, tool) for a project managed by poetry, uv, pdm or pipenv."""
    if "poetry.lock" in root or ("pyproject.toml" in root and _uses_poetry(deps)):
        return "poetry install", "poetry.lock" if "poetry.lock" in root else "pyproject.toml", "poetry"
    if "uv.lock" in root:
        return "uv sync", "uv.lock", "uv"
    if "pdm.lock" in root:
        return "pdm install", "pdm.lock", "pdm"
    if "Pipfile" in root:
        return ("pipenv sync" if "Pipfile.lock" in root else "pipenv install"), "Pipfile", "pipenv"
    return None


def _setup_commands(story: StoryFacts) -> _Setup | None:
    deps = story.dependencies
    files = sorted(p for p in (deps.files if deps is not None else ()) if _project_file(p))
    root = {p for p in files if "/" not in p}
    evidence: list[Evidence] = []
    lines: list[str] = []
    preface = None
    interpreter = None
    python = next((v for v in (deps.python_versions if deps is not None else ()) if "/" not in v.evidence.path),
                  None)
    if python is not None:
        said, interpreter = _python_text(python.spec)
        preface = f"{said} (from {_code(python.evidence.path)})."
        evidence.append(python.evidence)
    main, dev = _requirements(root)
    conda = sorted(p for p in root if _CONDA_FILE.fullmatch(p))
    tool = _tool_install(root, deps) if deps is not None else None
    if tool is not None:
        command, source, name = tool
        lines.append(command)
        evidence.append(Evidence(path=source))
        if main:
            lines.append(f"# or, without {name}: pip install -r {shlex.quote(main[0])}")
            evidence.append(Evidence(path=main[0]))
    elif conda:
        lines += [f"conda env create -f {shlex.quote(conda[0])}", f"conda activate <the name: in {conda[0]}>"]
        evidence.append(Evidence(path=conda[0]))
    elif main or root & _INSTALLABLE:
        lines += [f"{interpreter or 'python'} -m venv .venv", "source .venv/bin/activate"]
        lines += [f"pip install -r {shlex.quote(p)}" for p in main[:2]]
        evidence += [Evidence(path=p) for p in main[:2]]
        if installable := sorted(root & _INSTALLABLE):
            lines.append("pip install -e .")
            evidence.append(Evidence(path=installable[0]))
    else:
        nested, nested_dev = _requirements(files)
        chosen = (nested or nested_dev)[:3]
        if len(chosen) > 1:
            preface = " ".join(p for p in (preface, "Each part has its own requirements; install those of the "
                                                     "part you run:") if p)
        for path in chosen:
            lines.append(f"pip install -r {shlex.quote(path)}")
            evidence.append(Evidence(path=path))
    for path in dev[:1] if tool is None else ():  # poetry, uv, pdm and pipenv install the dev groups too
        lines.append(f"pip install -r {shlex.quote(path)}   # for the tests and tools")
        evidence.append(Evidence(path=path))
    docker = next((e for e in story.docker or () if e.path == "Dockerfile"), None)
    docker_line = None
    if docker is not None:
        tag = sorted(deps.own_names)[0] if deps is not None and deps.own_names else "project"
        docker_line = f"docker build -t {tag} ."
        evidence.append(Evidence(path=docker.path, line=docker.line, excerpt=docker.excerpt))
    if not lines and docker_line is None:
        return None
    return _Setup(lines=tuple(lines), evidence=tuple(evidence), preface=preface, docker=docker_line)


def _setup(story: StoryFacts, readme: _ReadmeView) -> ReadmeSuggestion | None:
    setup = _setup_commands(story)
    if setup is None:
        return None
    if readme.install:
        files = ", ".join(_code(e.path) for e in setup.evidence if e.line is None)
        if not files or any(_COVERING_INSTALL.search(e.excerpt or "") for e in readme.install):
            return None  # the README installs from the project's files, or there are none to install from
        first = readme.install[0]
        reason = (f"The README installs packages by name ({_where(first)}) instead of from {files}, so a reader "
                  "gets whatever versions are newest, not the ones the project ran with.")
    else:
        reason = readme.lacks("setup instructions")
    body: list[str] = []
    if setup.preface:
        body += [setup.preface, ""]
    if setup.lines:
        body += _bash(setup.lines)
    if setup.docker:
        body += ["", "Or build the Docker image:" if setup.lines else "Build the Docker image:", "",
                 *_bash([setup.docker])]
    return _suggestion("Setup", body, reason, setup.evidence)


# ==== usage ========================================================================================

_MAKE_TARGET = re.compile(r"^\s*@?([A-Za-z0-9][\w.-]*)")
_DEF_NAME = re.compile(r"\bdef\s+(\w+)")
_SCRIPT_NAME = re.compile(r"""^\s*["']?([A-Za-z0-9][\w.-]*)["']?\s*=""")


def _run_in(path: str) -> str:
    folder = posixpath.dirname(path)
    return f" -C {shlex.quote(folder)}" if folder else ""


def _python_command(path: str, installable: bool) -> str:
    """How to run a module with a main guard from the repository root; it parses arguments, so
    `--help` lists them."""
    parts = path[:-3].split("/")
    if parts[0] == "src" and len(parts) > 2 and all(p.isidentifier() for p in parts[1:]):
        module = ".".join(parts[1:])
        prefix = "" if installable else "PYTHONPATH=src "
        return f"{prefix}python -m {module} --help"
    return f"python {shlex.quote(path)} --help"


def _entry_command(evidence: Evidence, installable: bool) -> tuple[int, str] | None:
    """(rank, command) for one entry point; lower ranks are the one-command ways to run everything."""
    path, text = evidence.path, evidence.excerpt or ""
    name = posixpath.basename(path)
    lower = name.lower()
    if lower in ("makefile", "gnumakefile") and (target := _MAKE_TARGET.match(text)):
        return 0, f"make{_run_in(path)} {target.group(1)}"
    if lower == "justfile" and (target := _MAKE_TARGET.match(text)):
        folder = posixpath.dirname(path)
        return 0, f"just{' --justfile ' + shlex.quote(path) if folder else ''} {target.group(1)}"
    if lower == "dvc.yaml":
        return 0, "dvc repro" if "/" not in path else f"dvc repro {shlex.quote(path)}"
    if lower == "mlproject":
        return 0, f"mlflow run {shlex.quote(posixpath.dirname(path) or '.')}"
    if lower == "pyproject.toml" and "/" not in path and (script := _SCRIPT_NAME.match(text)):
        return 1, f"{script.group(1)} --help"  # a console script: `pip install -e .` puts it on the PATH
    if lower.endswith(".sh"):
        return 2, f"bash {shlex.quote(path)}"
    if lower == "noxfile.py" and (func := _DEF_NAME.search(text)):
        return 1, f"nox -s {func.group(1)}"
    if lower == "tasks.py" and (func := _DEF_NAME.search(text)):
        return 1, f"invoke {func.group(1).replace('_', '-')}"
    if lower.endswith(".py"):
        return 3, _python_command(path, installable)
    return None


def _usage_commands(story: StoryFacts) -> tuple[list[str], list[Evidence]]:
    workflow = story.workflow
    deps = story.dependencies
    installable = deps is not None and any(p in _INSTALLABLE for p in deps.files)
    found: list[tuple[int, int, str, str, Evidence]] = []
    for evidence in workflow.entry_points if workflow is not None else ():
        if not _project_file(evidence.path):
            continue
        ranked = _entry_command(evidence, installable)
        if ranked is None:
            continue
        rank, command = ranked
        found.append((rank, _depth(evidence.path), evidence.path, command, evidence))
    commands: dict[str, list[Evidence]] = {}
    scripts = 0
    per_file: dict[str, int] = {}
    for rank, _, path, command, evidence in sorted(found, key=lambda f: f[:3]):
        if command in commands:
            commands[command].append(evidence)
        elif (len(commands) < MAX_COMMANDS and (rank != 3 or scripts < MAX_SCRIPTS)
              and per_file.get(path, 0) < MAX_PER_FILE):
            scripts += rank == 3
            per_file[path] = per_file.get(path, 0) + 1
            commands[command] = [evidence]
    lines = [_with_source(command, found_at) for command, found_at in commands.items()]
    return lines, [e for found_at in commands.values() for e in found_at]


def _with_source(command: str, found_at: list[Evidence]) -> str:
    """The command with a comment saying where it is defined (the stages, for `dvc repro`)."""
    first = found_at[0]
    if posixpath.basename(first.path).lower() == "dvc.yaml":
        stages = [(e.excerpt or "").strip().rstrip(":") for e in found_at if e.excerpt]
        return f"{command}   # stages in {first.path}: {', '.join(stages)}" if stages else command
    if shlex.quote(first.path) in command:
        return command
    if first.path == "pyproject.toml" and first.line is not None:
        return f"{command}   # after pip install -e . ({first.location()})"
    return f"{command}   # {first.location()}"


def _notebook_commands(story: StoryFacts) -> tuple[list[str], list[Evidence]]:
    books = story.notebooks.notebooks if story.notebooks is not None else ()
    paths = sorted((nb.path for nb in books if _project_file(nb.path) and nb.error is None),
                   key=lambda p: (_depth(p), p))[:MAX_NOTEBOOKS]
    return [f"jupyter notebook {shlex.quote(p)}" for p in paths], [Evidence(path=p) for p in paths]


def _usage(story: StoryFacts, readme: _ReadmeView) -> ReadmeSuggestion | None:
    if readme.usage:
        return None
    commands, evidence = _usage_commands(story)
    if commands:
        body = ["Run from the repository root:", "", *_bash(commands)]
        if any("--help" in c for c in commands):
            body += ["", "`--help` lists each script's options; add the ones you used for the results below. "
                         "<the exact command that produces your best model>"]
    else:
        commands, evidence = _notebook_commands(story)
        if not commands:
            return None
        body = ["Open each notebook and run all cells from top to bottom (Kernel → Restart & Run All):", "",
                *_bash(commands), "", "<what each notebook does, in one line each>"]
    return _suggestion("Usage", body, readme.lacks("usage instructions (how to run the project)"), evidence)


# ==== results ======================================================================================


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def _results_table(results: ResultsAtAGlance) -> list[str]:
    header = ["Model", *(metric_label(m) for m in results.metrics)]
    lines = ["| " + " | ".join(header) + " |", "|---" + "|---:" * len(results.metrics) + "|"]
    for index, row in enumerate(results.rows):
        label = _cell(row.label)
        if index == results.best:
            label = f"**{label}** (best)"
        elif index == results.baseline or row.baseline:
            label = f"{label} (baseline)"
        values = []
        for metric in results.metrics:
            value = _cell(row.value(metric) or "—")
            bold = index == results.best and metric == results.primary and value != "—"
            values.append(f"**{value}**" if bold else value)
        lines.append("| " + " | ".join([label, *values]) + " |")
    return lines


def _results_source(story: StoryFacts, results: ResultsAtAGlance) -> str:
    """Where the numbers come from: the run stores and how many runs, the notebooks and cells."""
    parts = []
    if any(r.source == SOURCE_RUNS for r in results.rows) and story.runs is not None:
        stores = ", ".join(_code(s) for s in story.runs.stores) or "the run store"
        shown = sum(r.source == SOURCE_RUNS for r in results.rows)
        total = results.runs_tried
        count = f"{total} runs" if total == shown else f"{total} runs, {shown} shown"
        parts.append(f"the tracked runs in {stores} ({count})")
    cells: dict[str, list[str]] = {}
    for row in results.rows:
        if row.source == SOURCE_NOTEBOOK:
            cells.setdefault(row.evidence.path, [])
            if row.evidence.line and str(row.evidence.line) not in cells[row.evidence.path]:
                cells[row.evidence.path].append(str(row.evidence.line))
    for path, numbers in cells.items():
        where = f" (cell{'s' if len(numbers) > 1 else ''} {', '.join(numbers)})" if numbers else ""
        parts.append(f"the printed output of {_code(path)}{where}")
    return "Numbers from " + " and ".join(parts) + "." if parts else ""


def _comparison(story: StoryFacts, results: ResultsAtAGlance) -> list[str]:
    if results.primary is None or results.best is None:
        return ["<the baseline these numbers are compared with (a majority-class or simple linear model), "
                "and its score>"]
    metric = metric_label(results.primary)
    best = results.rows[results.best]
    lines = []
    if results.baseline is not None and results.rows[results.baseline].value(results.primary):
        base = results.rows[results.baseline]
        lines.append(f"Best {metric}: {best.value(results.primary)} ({_cell(best.label)}) against "
                     f"{base.value(results.primary)} for the baseline ({_cell(base.label)}).")
    else:
        lines.append(f"Best {metric}: {best.value(results.primary)} ({_cell(best.label)}). "
                     "<the baseline it beats: a majority-class or simple linear model, and its score>")
    imbalanced = story.task is not None and story.task.imbalanced
    if imbalanced and results.primary in ("pr_auc", "f1", "recall", "other:balanced_accuracy", "other:mcc"):
        lines.append(f"{metric} is the metric to compare because the classes are imbalanced; accuracy would "
                     "reward predicting the majority class.")
    else:
        lines.append(f"<why {metric} is the right metric for this problem>")
    lines.append("<what the difference means for the people who use the model>")
    return lines


def _results(story: StoryFacts, readme: _ReadmeView) -> ReadmeSuggestion | None:
    results = story.results
    if results is None or not results.rows or not results.metrics:
        return None
    if any(r.source == SOURCE_README for r in results.rows):
        return None  # the README has its results table
    if readme.path is None:
        reason = "There is no README."
    elif readme.metrics:
        reason = (f"The README states metrics only in prose ({_where(readme.metrics[0])}); a table puts every "
                  "model or run side by side, baseline and best marked.")
    else:
        reason = "The README reports no results, though the repository holds them."
    body = [*_results_table(results), ""]
    source = _results_source(story, results)
    if source:
        body += [source, ""]
    body += _comparison(story, results)
    kept = [i for i in (results.baseline, results.best) if i is not None]
    kept += [i for i in range(len(results.rows)) if i not in kept]
    return _suggestion("Results", body, reason, (results.rows[i].evidence for i in kept))


# ==== story skeletons ==============================================================================

_VALIDATION_WORDS = {
    "stratified": "stratified split",
    "holdout": "held-out test split",
    "cross_validation": "cross-validation",
    "time_split": "split by time",
    "validation_set": "separate validation set",
}


def _validations(story: StoryFacts) -> dict[str, Evidence]:
    """The first place of each kind of validation the code shows, by kind."""
    signals = story.evaluation.validation if story.evaluation is not None else ()
    found: dict[str, Evidence] = {}
    for signal in signals:
        if signal.kind in _VALIDATION_WORDS and signal.kind not in found and _project_file(signal.evidence.path):
            found[signal.kind] = signal.evidence
    return found


def _split_text(found: dict[str, Evidence]) -> str:
    """How the data is split, in words with places; a stratified hold-out split is said once."""
    words = dict(_VALIDATION_WORDS)
    found = dict(found)
    if "stratified" in found and found["stratified"].location() == found.get("holdout", Evidence(path="")).location():
        words["holdout"] = "stratified held-out test split"
        del found["stratified"]
    return "; ".join(f"{words[kind]} ({_where(found[kind])})" for kind in _VALIDATION_WORDS if kind in found)


_IMBALANCE_ORDER = ("words", "class_weight", "resampling", "loss", "domain")


def _imbalance(story: StoryFacts) -> ImbalanceSignal | None:
    """The clearest sign that the classes are imbalanced, when the task facts conclude they are."""
    task = story.task
    if task is None or not task.imbalanced or task.task not in (None, "classification"):
        return None
    signals = [s for s in task.imbalance if s.kind in _IMBALANCE_ORDER and _project_file(s.evidence.path)]
    return min(signals, key=lambda s: _IMBALANCE_ORDER.index(s.kind), default=None)


def _imbalance_clause(signal: ImbalanceSignal) -> str:
    where = _where(signal.evidence)
    return {
        "words": f"the classes are imbalanced ({where})",
        "class_weight": f"the classes are imbalanced (the code weights them, {where})",
        "resampling": f"the classes are imbalanced (the code resamples them, {where})",
        "loss": f"the classes are imbalanced (an imbalance-aware loss, {where})",
    }.get(signal.kind, f"the positive class is likely rare, as in most such problems ({where} names the domain)")


def _problem(story: StoryFacts, readme: _ReadmeView) -> ReadmeSuggestion | None:
    task = story.task
    kind = task.task if task is not None else None
    if "problem" in readme.parts or kind is None:
        return None
    evidence = list({s.evidence.location(): s.evidence for s in task.signals
                     if s.kind == kind and _project_file(s.evidence.path)}.values())[:2]
    if not evidence:
        return None
    sentence = f"This is a {kind} task (see {', '.join(_where(e) for e in evidence)})"
    if (imbalance := _imbalance(story)) is not None:
        sentence += f"; {_imbalance_clause(imbalance)}"
        evidence.append(imbalance.evidence)
    body = ["<One sentence: what the model predicts, for whom, and what decision it supports.>", "",
            sentence + ".", "",
            "<Why it matters: what a wrong prediction costs — a missed case against a false alarm.>"]
    return _suggestion("Problem", body, readme.lacks("problem statement (what is predicted, and why it matters)"),
                       evidence)


_FETCH = re.compile(r"load_dataset|kaggle|fetch_\w+\(|openml|tfds|datasets\.\w+\(|download=True|gdown|wget|curl|"
                    r"urlopen|urlretrieve|requests\.get|read_(?:csv|parquet|json|excel|table)\(|dvc|https?://",
                    re.IGNORECASE)
_NOT_A_SOURCE = re.compile(r"^\s*(?:async\s+)?def\s|localhost|127\.0\.0\.1|0\.0\.0\.0")
MAX_SOURCES = 2


def _data_sources(story: StoryFacts) -> list[Evidence]:
    """Where the code or a DVC file gets the data, the plainest first (a download call, a URL, a `.dvc`
    file); function definitions and local servers are not sources."""
    found = story.workflow.data_access if story.workflow is not None else ()
    usable = [e for e in found if _project_file(e.path) and not _NOT_A_SOURCE.search(without_cell_prefix(e.excerpt))]
    ranked = sorted(range(len(usable)), key=lambda i: (
        not (usable[i].path.endswith(".dvc") or _FETCH.search(without_cell_prefix(usable[i].excerpt))), i))
    return [usable[i] for i in ranked[:MAX_SOURCES]]


_URL = re.compile(r"https?://[^\s)\]>\"'`]+")


def _data_source(evidence: Evidence) -> str:
    """A data source as the README shows it: a link from README text, a line of code, a DVC file."""
    if evidence.path.endswith(".dvc"):
        return f"tracked with DVC ({_code(evidence.path)})"
    text = without_cell_prefix(evidence.excerpt)
    if evidence.path.lower().endswith((".md", ".rst", ".txt")) and (url := _URL.search(text)):
        return f"<{url.group(0).rstrip('.,;')}> ({_where(evidence)})"
    return f"{_code(text)} ({_where(evidence)})" if text else _where(evidence)


def _data(story: StoryFacts, readme: _ReadmeView) -> ReadmeSuggestion | None:
    if "data" in readme.parts:
        return None
    access = _data_sources(story)
    splits = _validations(story)
    if not access and not splits:
        return None
    if access:
        source = f"- **Source:** {'; '.join(_data_source(e) for e in access)}. <the data set's name, owner and licence>"
    else:
        source = "- **Source:** <where the data comes from, its owner and licence>"
    body = [source, "- **Size:** <rows and columns, and the share of each class or the target's range>"]
    if splits:
        body.append(f"- **Split:** {_split_text(splits)}.")
    else:
        body.append("- **Split:** <how the data is split into training and test sets>")
    return _suggestion("Data", body, readme.lacks("data section (source, size, split)"),
                       [*access, *(splits[kind] for kind in _VALIDATION_WORDS if kind in splits)])


def _limitations(story: StoryFacts, readme: _ReadmeView) -> ReadmeSuggestion | None:
    if "limitations" in readme.parts:
        return None
    splits = _validations(story)
    bullets: list[str] = []
    evidence: list[Evidence] = []
    holdout = splits.get("holdout") or splits.get("stratified")
    if story.results is not None and holdout is not None and "cross_validation" not in splits:
        bullets.append(f"- The scores come from one held-out split ({_where(holdout)}), without cross-validation: "
                       "<how much they move across folds or seeds>.")
        evidence.append(holdout)
    if (imbalance := _imbalance(story)) is not None:
        clause = _imbalance_clause(imbalance)
        bullets.append(f"- {clause[0].upper()}{clause[1:]}: <how the decision threshold was chosen, and what it "
                       "trades between missed cases and false alarms>.")
        evidence.append(imbalance.evidence)
    if not bullets:
        return None
    bullets.append("- <what you would try next with more time or data, and why>")
    return _suggestion("Limitations and next steps", bullets, readme.lacks("limitations or next steps"), evidence)


__all__ = ["suggest_readme_sections"]
