"""Repository hygiene checks: large files, machine-specific paths, committed secrets, a root .gitignore,
and files that cannot be read."""
from __future__ import annotations

import io
import tokenize
from collections.abc import Iterator

from portcheck.analyzer.check import check
from portcheck.analyzer.facts.ci import CIFacts
from portcheck.analyzer.facts.code_hygiene import PathFacts, SecretFacts
from portcheck.analyzer.facts.codepass import code_pass
from portcheck.analyzer.facts.common import excerpt
from portcheck.analyzer.facts.dependencies import DependencyFacts
from portcheck.analyzer.facts.files import LargeFiles
from portcheck.analyzer.facts.linting import LintingFacts
from portcheck.analyzer.facts.notebooks import NotebookFacts
from portcheck.analyzer.facts.runstore import RunStoreFacts
from portcheck.analyzer.model import Area, Evidence, Outcome, Severity
from portcheck.analyzer.repo import RepoView
from portcheck.analyzer.sources import Sources
from portcheck.analyzer.wording import plural

from ._util import cap, names

QUALITY = Area.QUALITY


@check("QA104", area=QUALITY, title="No files over 10 MiB in git", weight=2)
def large_files(large_files: LargeFiles) -> Outcome:
    """What it checks: no tracked file is larger than 10 MiB.

    Why a panel cares: a 400 MB CSV or checkpoint in git makes the repository slow to clone and tells
    the panel that data and code are not separated; GitHub refuses files over 100 MB outright.

    How to fix: remove the file from git (`git rm --cached FILE`), add its pattern to `.gitignore`,
    and keep it in DVC, Git LFS or object storage, with a download step in the README.

    Example: `data/train.csv` (420 MiB) → `git rm --cached data/train.csv`, `data/` in `.gitignore`,
    `dvc add data/train.csv` and a `dvc pull` line in the README.
    """
    unknown = (f"; {plural(len(large_files.unknown_size), 'tracked file')} of unknown size (blob missing from "
               f"the object store, e.g. a partial clone): {names(large_files.unknown_size)}"
               if large_files.unknown_size else "")
    if not large_files.files:
        return Outcome.passed(f"no tracked file is over 10 MiB{unknown}")
    return Outcome.failed(
        f"{plural(len(large_files.files), 'file')} over 10 MiB in git: {names(f.path for f in large_files.files)}{unknown}",
        evidence=cap(f.evidence for f in large_files.files),
        fix="Untrack these files (git rm --cached), ignore them in .gitignore, and store them with DVC, "
            "Git LFS or object storage, with a download step in the README.",
    )


@check("QA105", area=QUALITY, title="No machine-specific absolute paths", weight=2)
def absolute_paths(absolute_paths: PathFacts) -> Outcome:
    """What it checks: code, notebook code cells and config files contain no path that only exists on
    one machine: `/home/<user>/`, `/Users/<user>/`, `C:\\…`, `/content/drive`, `/mnt/`, `/scratch/`, `/nfs/`.

    Why a panel cares: a hard-coded `/home/alice/data/train.csv` means nobody else can run the code
    without editing it — the quickest way to fail "could I reproduce this?".

    How to fix: take paths from a config file, a command-line argument or an environment variable,
    relative to the project root.

    Example: `pd.read_csv("/home/alice/data/train.csv")` → `pd.read_csv(DATA_DIR / "train.csv")` with
    `DATA_DIR = Path(os.environ.get("DATA_DIR", "data"))`.
    """
    if not absolute_paths.present:
        return Outcome.passed("no machine-specific absolute path in code or config")
    places = sorted({e.path for e in absolute_paths.evidence})
    return Outcome.failed(
        f"{plural(len(absolute_paths.evidence), 'machine-specific path')} in {names(places)}",
        evidence=cap(absolute_paths.evidence),
        fix="Read paths from a config file, an argument or an environment variable, relative to the project root.",
        question="If I clone this on my laptop, what do I have to edit before it runs?",
    )


@check("QA106", area=QUALITY, title="No committed credentials", weight=3, severity=Severity.HIGH)
def secrets(secrets: SecretFacts) -> Outcome:
    """What it checks: no live-looking credential is committed — cloud keys (AKIA…), API tokens
    (sk-…, hf_…, ghp_…), tracking-service keys, real-looking passwords — in code, configs or notebook
    outputs. Placeholders, CI secret references and well-known local defaults are not findings. The
    report never prints the secret: only its kind, place and a masked prefix.

    Why a panel cares: a key in a public repository is a security incident, and reviewers who spot
    one question your engineering judgement for the rest of the interview.

    How to fix: revoke the key with its provider first (it is already public), then read it from an
    environment variable or a `.env` file that `.gitignore` excludes; consider rewriting history.

    Example: `WANDB_API_KEY = "3f…"` → `os.environ["WANDB_API_KEY"]`, with `.env` in `.gitignore`.
    """
    if not secrets.present:
        return Outcome.passed("no committed credential found")
    kinds = sorted({f.kind for f in secrets.findings})
    return Outcome.failed(
        f"{plural(len(secrets.findings), 'committed credential')} ({', '.join(kinds)})",
        evidence=cap(f.evidence for f in secrets.findings),
        fix="Revoke each key with its provider now, then load it from an environment variable or an "
            "ignored .env file.",
    )


@check("QA107", area=QUALITY, title=".gitignore at the root", weight=1, severity=Severity.LOW)
def gitignore(gitignore: Evidence | None) -> Outcome:
    """What it checks: the repository has a `.gitignore` at its root.

    Why a panel cares: without one, virtual environments, caches, data dumps, checkpoints and `.env`
    files end up committed sooner or later — each is a small sign of carelessness.

    How to fix: add a `.gitignore` covering `__pycache__/`, `.venv/`, `.env`, `data/`, `*.ckpt`,
    `mlruns/` (unless you commit runs on purpose) and `.ipynb_checkpoints/`.

    Example: start from GitHub's Python template and add your data and checkpoint folders.
    """
    if gitignore is not None:
        return Outcome.passed(".gitignore is present", evidence=[gitignore])
    return Outcome.failed(
        "no .gitignore at the root",
        fix="Add a .gitignore covering __pycache__/, .venv/, .env, data/, checkpoints and .ipynb_checkpoints/.",
    )


def _encoding_problem(repo: RepoView, path: str) -> str | None:
    """Why Python would refuse to read the bytes of the module at `path` (not UTF-8, nor the encoding
    its coding line declares), or None."""
    data = repo.read_bytes(path)
    if data is None:
        return None
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        data.decode(encoding)
    except SyntaxError as exc:  # bytes that are not UTF-8 in the first two lines, an unknown coding line, ...
        return f"Python refuses to read it: {exc.msg}"
    except UnicodeDecodeError as exc:
        return f"Python refuses to read it: not valid {encoding} text at byte {exc.start}, and no coding line says otherwise"
    return None


def _unreadable(repo: RepoView, sources: Sources, notebooks: NotebookFacts, dependencies: DependencyFacts,
                ci: CIFacts, linting: LintingFacts, runs: RunStoreFacts) -> Iterator[Evidence]:
    """Every input the scan could not read or parse, each with the reason (in the excerpt)."""
    for module in code_pass(sources).modules:  # the pass read each module with replacement characters, so
        # only a module whose text holds one needs its bytes read again
        problem = module.error or (_encoding_problem(repo, module.path) if module.replaced_bytes else None)
        if problem is not None:
            yield Evidence(path=module.path, excerpt=excerpt(problem))
    for notebook in notebooks.unreadable:
        yield Evidence(path=notebook.path, excerpt=excerpt(notebook.error or "not readable"))
    yield from dependencies.unparseable  # may repeat setup.py's syntax error (the caller keeps one per place)
    yield from ci.problems
    yield from linting.problems
    yield from runs.problems


@check("QA115", area=QUALITY, title="Project files can be read", weight=2)
def readable_files(repo: RepoView, sources: Sources, notebooks: NotebookFacts, dependencies: DependencyFacts,
                   ci: CIFacts, linting: LintingFacts, runs: RunStoreFacts) -> Outcome:
    """What it checks: every file the other checks read can be read and parsed — Python modules,
    notebooks, dependency declarations (requirements files and their includes, pyproject.toml,
    setup.py, setup.cfg, Pipfile, conda files, lock files), CI and pre-commit configurations and
    tracked runs. A syntax error, a module in Latin-1 without a coding line (Python refuses to run
    it), a truncated or binary notebook, invalid TOML or YAML, a requirement pip rejects, an include
    that is missing or points outside the repository: each is listed with the reason. Files refused
    for their size or type are also named in the scan notes.

    Why a panel cares: a file that does not parse is a file that does not run. A reviewer who meets
    `pip install -r requirements.txt` failing, or a notebook GitHub cannot render, stops there — and
    every check that needed the file had to skip it.

    How to fix: open each file listed and fix it (the reason names the line where the parser gives
    one), or remove it from the repository if it is a leftover.

    Example: `requirements.txt:12 numpy>=>1` → `numpy>=1.26`; `notebooks/eda.ipynb` truncated by a
    bad merge → restore it from an earlier commit (`git checkout HEAD~1 -- notebooks/eda.ipynb`).
    """
    problems: list[Evidence] = []
    places: set[tuple[str, int | None]] = set()
    for problem in _unreadable(repo, sources, notebooks, dependencies, ci, linting, runs):
        if (problem.path, problem.line) not in places:  # one report per place
            places.add((problem.path, problem.line))
            problems.append(problem)
    if not problems:
        return Outcome.passed("every Python module, notebook, dependency declaration, CI file and tracked run parses")
    return Outcome.failed(
        f"{plural(len(problems), 'problem')} reading {names(sorted({e.path for e in problems}))}: "
        f"{problems[0].location()} "
        f"{problems[0].excerpt or ''}".rstrip(),
        evidence=cap(problems),
        fix="Fix each file listed (the evidence gives the parser's reason), or remove it if it is a leftover.",
        question="Does a fresh clone of this repository install and run as it is?",
    )
