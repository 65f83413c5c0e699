"""Repository hygiene checks: big blobs left in git history, committed data and model files, and what
the `.gitignore` covers. Large files still at HEAD (QA104) and the presence of a `.gitignore` (QA107)
are checked in quality.py; these checks do not repeat them."""
from __future__ import annotations

from portcheck.analyzer.check import check
from portcheck.analyzer.facts.artifacts import Artifacts, HistoryBlobs, IgnoreCoverage, mib
from portcheck.analyzer.model import Area, Evidence, Outcome, Severity
from portcheck.analyzer.wording import plural

from ._util import cap, names

QUALITY = Area.QUALITY
_MAX_NAMED_PATHS = 3


@check("QA130", area=QUALITY, title="No large files in git history", weight=1)
def history_blobs(history_blobs: HistoryBlobs) -> Outcome:
    """What it checks: no blob over 10 MiB sits in the git history a clone downloads (branches, tags and
    HEAD) when it is no longer in HEAD's tree. Files still at HEAD are QA104's finding; an older version
    of a file that is still at HEAD is reported here, since deleting the file now does not remove it.

    Why a panel cares: deleting a 300 MB CSV in a later commit does not shrink the repository: every
    clone still downloads it, so the panel's `git clone` crawls, and it shows data and code were not
    kept apart from the start.

    How to fix: rewrite history without the blobs — `git filter-repo --strip-blobs-bigger-than 10M`
    (or `bfg --strip-blobs-bigger-than 10M`), then force-push. This changes every commit id from the
    first affected one: do it before you share the link, and tell anyone who cloned to clone again.
    Keep such files in DVC, Git LFS or object storage from now on.

    Example: `data/raw.csv` (420 MiB) added in a1b2c3d4e5 and deleted later →
    `git filter-repo --invert-paths --path data/raw.csv`, `git push --force`, `/data/` in `.gitignore`.

    In a partial clone (`git clone --filter=…`) blobs missing from the object store cannot be measured;
    the check is then skipped unless it already found a large blob.
    """
    removed = history_blobs.removed
    if not removed:
        if not history_blobs.complete:
            missing = history_blobs.missing
            why = (f"{plural(missing, 'object')} of the history {'is' if missing == 1 else 'are'} not in this "
                   "clone's object store (a partial clone)" if missing
                   else f"the history walk stopped after {history_blobs.objects} objects")
            return Outcome.skipped(f"{why}, so blob sizes could not all be checked; scan a full clone")
        return Outcome.passed(f"no blob over 10 MiB in the history outside HEAD "
                              f"({plural(history_blobs.objects, 'object')} checked)")
    paths = sorted({b.blob.path for b in removed if b.blob.path})
    total = sum(b.blob.size for b in removed)
    more = history_blobs.total - len(history_blobs.blobs)
    count = len(removed) + max(0, more)
    remain = "remains" if count == 1 else "remain"
    targeted = (" or, for just these files, `git filter-repo --invert-paths "
                + " ".join(f"--path {p}" for p in paths) + "`") if paths and len(paths) <= _MAX_NAMED_PATHS else ""
    return Outcome.warned(
        f"{plural(count, 'blob')} over 10 MiB ({mib(total)}{' or more' if more > 0 else ''}) {remain} in git history "
        f"though not at HEAD: {names(paths)}",
        evidence=cap(b.evidence for b in removed),
        fix="Every clone still downloads these. Rewrite history with `git filter-repo --strip-blobs-bigger-than 10M`"
            f"{targeted} (or BFG), then force-push; this changes commit ids, so do it before sharing the link.",
        question="Cloning this takes a while: what large files went through the history, and how would you "
                 "version data and models instead?",
    )


@check("QA131", area=QUALITY, title="Data and model files kept out of git", weight=2)
def committed_artifacts(artifacts: Artifacts) -> Outcome:
    """What it checks: no dataset, serialized model or data archive is committed: data files (`.csv`,
    `.parquet`, `.feather`, `.npy`, `.xlsx`, `.sqlite`, …) and archives (`.zip`, `.tar.gz`, …) from 1 MiB,
    model files (`.pkl`, `.pt`, `.pth`, `.h5`, `.joblib`, `.onnx`, `.ckpt`, `.safetensors`, …) from 100 KiB.
    Smaller files are not reported: sample datasets and small fitted objects (a scaler, a label encoder,
    a test fixture) are common, deliberate and cheap. Files tracked with Git LFS (git stores a pointer) or
    DVC (a `.dvc` file beside or above them) are fine.

    Why a panel cares: committed datasets and weights bloat every clone, go stale silently and blur what
    is code and what is output; versioning data and models properly (DVC, LFS, a registry) is a standard
    interview topic in ML engineering.

    How to fix: untrack the files (`git rm --cached FILE`), add the `.gitignore` line each finding names
    (a data-only folder as `/data/`, a model type as `*.pt`), and version them with DVC
    (`dvc add data/train.csv`, `dvc push`) or Git LFS (`git lfs track "*.pt"`), with the download step in
    the README. Untracking does not shrink history; see QA130 for that.

    Example: `models/rf.pkl` (38 MiB) → `git rm --cached models/rf.pkl`, `*.pkl` in `.gitignore`,
    `git lfs track "*.pkl"` or publish it as a release asset.
    """
    if not artifacts.files:
        kept = _kept_elsewhere(artifacts)
        return Outcome.passed(
            "no dataset or model file is committed" + (f" ({kept})" if kept else ""),
            talking_point=(f"Mention how data and models are versioned outside git ({kept})." if kept else None))
    files = artifacts.files
    kinds = ", ".join(plural(sum(a.kind == kind for a in files), f"{kind} file")
                      for kind in ("data", "model", "archive") if any(a.kind == kind for a in files))
    paths = [a.path for a in files]
    untrack = f"git rm --cached {' '.join(paths[:_MAX_NAMED_PATHS])}" + (" …" if len(paths) > _MAX_NAMED_PATHS
                                                                        else "")
    lines = artifacts.ignore_lines
    keep = sorted({a.keep_with for a in files})
    where = "committed" if artifacts.source == "git" else "in the work tree, not ignored"
    return Outcome.warned(
        f"{kinds} {where}: "
        f"{names(f'{a.path} ({mib(a.size)})' for a in files)}",
        evidence=cap(a.evidence for a in files),
        fix=(f"Untrack them (`{untrack}`)"
             + (f", add to .gitignore: {', '.join(f'`{line}`' for line in lines)}" if lines else "")
             + f"; to keep them versioned use {' or '.join(f'`{k}`' for k in keep[:_MAX_NAMED_PATHS])}"
             + (" …" if len(keep) > _MAX_NAMED_PATHS else "") + ", with the download step in the README."),
        question="Where does the data come from, and how would someone get the exact dataset and model you used?",
    )


def _kept_elsewhere(artifacts: Artifacts) -> str:
    parts = []
    if artifacts.dvc_files:
        parts.append(f"DVC: {names(artifacts.dvc_files, 2)}")
    if artifacts.lfs_patterns:
        parts.append(f"Git LFS: {names(artifacts.lfs_patterns, 2)}")
    return "; ".join(parts)


@check("QA132", area=QUALITY, title=".gitignore covers data, checkpoints, .env and virtualenvs", weight=1,
       severity=Severity.LOW)
def ignore_coverage(ignore_coverage: IgnoreCoverage) -> Outcome:
    """What it checks: the committed `.gitignore` files ignore what does not belong in git, for the kinds
    of file this repository has: `.env` files and virtual environments always, `__pycache__/` when there
    is Python code, `.ipynb_checkpoints/` when there are notebooks, model weights when the code imports
    an ML framework or holds model files (any usual place or kind, e.g. `checkpoints/` or `*.pt`), and a
    root `data/`, `dataset/` or `datasets/` folder when there is one — unless every file in it is
    committed and under 1 MiB (a sample kept on purpose). Rules are matched as git does (root and nested
    files, negations, ignored folders). Without a `.gitignore` at the root only committed files of these
    kinds are reported (QA107 asks for the file), and the check is skipped when there are none.

    Why a panel cares: without these rules the next `git add .` commits a virtualenv, a `.env` with keys
    or a 2 GB checkpoint; a complete `.gitignore` is a small sign of an engineer who has shipped before.

    Files of these kinds that are already committed (a `venv/`, `__pycache__/*.pyc`, a `.env` — not one
    beside a Compose file, which Compose reads for its defaults) are reported too, covered or not: a
    rule does not untrack them.

    How to fix: append the lines the finding lists, and `git rm -r --cached PATH` the committed paths
    it names.

    Example: a PyTorch project with `data/` and no rules for them → append `/data/`, `checkpoints/`,
    `*.pt`, `*.pth`, `*.ckpt`.
    """
    categories = ignore_coverage.categories
    committed = ignore_coverage.committed
    if ignore_coverage.gitignore is None and not committed:
        return Outcome.skipped("there is no .gitignore at the root (QA107 reports that)")
    missing = ignore_coverage.missing if ignore_coverage.gitignore is not None else ()
    if not missing and not committed:
        return Outcome.passed(f".gitignore covers {', '.join(c.name for c in categories)}",
                              evidence=[ignore_coverage.gitignore])
    untrack = f"`git rm -r --cached {' '.join(committed)}`" if committed else ""
    problems, fixes = [], []
    if missing:
        problems.append(f".gitignore does not cover {', '.join(f'{c.name} ({c.reason})' for c in missing)}")
        fixes.append("Append to .gitignore, one per line: "
                     + ", ".join(f"`{line}`" for line in ignore_coverage.missing_lines))
    if committed:
        verb = "belongs" if len(committed) == 1 else "belong"
        problems.append(f"{plural(len(committed), 'path')} that {verb} outside git committed: {names(committed)}")
        fixes.append(f"untrack what is committed: {untrack}" if missing else f"Untrack them: {untrack}")
    evidence = [*([ignore_coverage.gitignore] if ignore_coverage.gitignore else []),
                *(Evidence(path=p, excerpt="committed; belongs outside git") for p in committed)]
    return Outcome.warned("; ".join(problems), evidence=cap(evidence), fix="; then ".join(fixes) + ".")
