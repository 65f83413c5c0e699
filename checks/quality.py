"""Repository hygiene checks: large files, machine-specific paths, committed secrets, a root .gitignore."""
from __future__ import annotations

from portcheck.analyzer.check import check
from portcheck.analyzer.facts.code_hygiene import PathFacts, SecretFacts
from portcheck.analyzer.facts.files import LargeFiles
from portcheck.analyzer.model import Area, Evidence, Outcome, Severity

from ._util import cap, names, plural

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

