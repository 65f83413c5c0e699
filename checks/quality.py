"""Code quality checks: notebook hygiene, large files, hard-coded paths, secrets, .gitignore, history."""
from __future__ import annotations

from portcheck.analyzer.check import check
from portcheck.analyzer.facts.code_hygiene import PathFacts, SecretFacts
from portcheck.analyzer.facts.files import LargeFiles
from portcheck.analyzer.facts.notebooks import NotebookFacts
from portcheck.analyzer.gitsafe import CommitInfo
from portcheck.analyzer.model import Area, Evidence, Outcome, Severity

from ._util import cap, names, plural

QUALITY = Area.QUALITY


def _no_notebooks(notebooks: NotebookFacts) -> Outcome | None:
    if not notebooks.notebooks:
        return Outcome.skipped("the repository has no notebooks")
    return None


@check("QA101", area=QUALITY, title="Notebooks have no error outputs", weight=2, severity=Severity.HIGH)
def notebook_errors(notebooks: NotebookFacts) -> Outcome:
    """What it checks: no notebook cell shows a saved error (a traceback output).

    Why a panel cares: a reviewer scrolling your notebook who meets a red traceback stops trusting
    every number below it. It reads as "this never ran end to end".

    How to fix: fix the failing cell, then Kernel → Restart & Run All, and commit the clean run.
    If the error is the point (a demonstration), catch it and print a short message instead.

    Example: `cell 14: KeyError: 'target'` → rename the column before the cell that uses it, rerun all.
    """
    if (skip := _no_notebooks(notebooks)):
        return skip
    broken = [n for n in notebooks.notebooks if n.has_errors]
    if not broken:
        return Outcome.passed(f"none of the {plural(len(notebooks.notebooks), 'notebook')} shows an error output")
    return Outcome.failed(
        f"error outputs in {plural(len(broken), 'notebook')}: {names(n.path for n in broken)}",
        evidence=cap(e for n in broken for e in n.error_evidence()),
        fix="Fix the failing cells, then restart the kernel, run all cells and commit the notebook.",
        question="This notebook stops with an error: does the pipeline actually run end to end?",
    )


@check("QA102", area=QUALITY, title="Notebooks ran top to bottom", weight=2)
def notebook_order(notebooks: NotebookFacts) -> Outcome:
    """What it checks: in each notebook, the execution counts of code cells increase from top to bottom.

    Why a panel cares: counts like [12] above [3] show cells were run out of order; the saved outputs
    may depend on hidden state, so nobody can reproduce them by running the notebook as written.

    How to fix: Kernel → Restart & Run All, check the outputs still hold, and commit.

    Example: cell 7 ran as [15] and cell 8 as [4] → after Restart & Run All they read [7], [8].
    """
    if (skip := _no_notebooks(notebooks)):
        return skip
    shuffled = [n for n in notebooks.notebooks if n.out_of_order]
    if not shuffled:
        return Outcome.passed("every executed notebook ran its cells in order")
    return Outcome.failed(
        f"cells run out of order in {plural(len(shuffled), 'notebook')}: {names(n.path for n in shuffled)}",
        evidence=cap(e for n in shuffled if (e := n.order_evidence()) is not None),
        fix="Restart the kernel and run all cells top to bottom, then commit the notebook.",
        question="If I restart the kernel and run this notebook top to bottom, do I get your numbers?",
    )


@check("QA103", area=QUALITY, title="Notebooks are executed", weight=1, severity=Severity.LOW)
def notebook_executed(notebooks: NotebookFacts) -> Outcome:
    """What it checks: every notebook with code cells was committed with its outputs (some execution count).

    Why a panel cares: a notebook without outputs makes the reader run it to see anything; most won't,
    and your results stay invisible.

    How to fix: run the notebook once (Restart & Run All) and commit it with outputs, or move the
    code into a script and show its results in the README.

    Example: `analysis.ipynb` with every `execution_count: null` → run all, save, commit.
    """
    if (skip := _no_notebooks(notebooks)):
        return skip
    blank = [n for n in notebooks.notebooks if n.unexecuted]
    if not blank:
        return Outcome.passed("every notebook with code was saved with its outputs")
    return Outcome.warned(
        f"{plural(len(blank), 'notebook')} saved without outputs: {names(n.path for n in blank)}",
        evidence=cap(Evidence(path=n.path) for n in blank),
        fix="Run these notebooks once and commit them with their outputs, so readers see results without running them.",
    )


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
    if not large_files.files:
        return Outcome.passed("no tracked file is over 10 MiB")
    return Outcome.failed(
        f"{plural(len(large_files.files), 'file')} over 10 MiB in git: {names(f.path for f in large_files.files)}",
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


@check("QA108", area=QUALITY, title="History shows the work", weight=1, severity=Severity.LOW)
def history_shape(history: list[CommitInfo]) -> Outcome:
    """What it checks: the git history has more than one commit.

    Why a panel cares: a project uploaded as one bulk commit hides how it was built; panels read a
    history of small, well-described commits as evidence that you worked iteratively and can explain
    each step.

    How to fix: from now on commit in small steps with messages that say what changed and why
    ("Add stratified split", "Log PR-AUC to MLflow"). Do not rewrite history just for this.

    Example: one commit "upload project" → later commits like "Add baseline logistic regression".
    """
    head = history[0]
    if len(history) == 1:
        return Outcome.warned(
            f"the whole history is one commit ({head.sha[:10]} \"{head.summary[:60]}\")",
            fix="Commit further work in small, described steps; be ready to walk through how the project evolved.",
            question="Your history is a single commit: how did the project evolve, and what did you try first?",
        )
    return Outcome.passed(f"{plural(len(history), 'commit')} in the history, up to {head.sha[:10]}")
