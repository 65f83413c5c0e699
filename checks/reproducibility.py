"""Reproducibility checks: could someone else rerun this and get your numbers?"""
from __future__ import annotations

from portcheck.analyzer.check import check
from portcheck.analyzer.facts.ci import CIFacts
from portcheck.analyzer.facts.common import excerpt
from portcheck.analyzer.facts.dependencies import DependencyFacts
from portcheck.analyzer.facts.imports import ImportFacts
from portcheck.analyzer.facts.readme import ReadmeFacts
from portcheck.analyzer.facts.runstore import RunStoreFacts
from portcheck.analyzer.facts.seeds import SeedFacts
from portcheck.analyzer.facts.task import TaskFacts
from portcheck.analyzer.facts.testing import TestFacts
from portcheck.analyzer.facts.tracking import TrackingFacts
from portcheck.analyzer.facts.workflow import WorkflowFacts
from portcheck.analyzer.model import Area, Evidence, Outcome, Severity
from portcheck.analyzer.wording import plural

from ._util import cap, without_training_code

REPRO = Area.REPRODUCIBILITY
MAX_NAME = 40  # a package name longer than this is cut in messages (a hostile file can declare any name)


@check("RP101", area=REPRO, title="Dependencies declared", weight=3, severity=Severity.HIGH)
def dependencies_declared(dependencies: DependencyFacts) -> Outcome:
    """What it checks: the project declares its dependencies in a file a tool can install from:
    requirements*.txt, pyproject.toml, setup.py / setup.cfg, environment.yml, Pipfile, or a lock file.

    Why a panel cares: without a dependency file, "how do I run this?" has no answer short of reading
    every import — reproducibility fails at step one.

    How to fix: write the packages the code imports into `requirements.txt` (or pyproject.toml), with
    the versions you used (`pip freeze | grep -i -E 'pandas|scikit-learn'` shows them).

    Example: `requirements.txt` with `pandas==2.2.2`, `scikit-learn==1.5.1`, `xgboost==2.1.1`.
    """
    if dependencies.files:
        return Outcome.passed(
            f"dependencies declared in {', '.join(dependencies.files[:3])}"
            + (f" and {len(dependencies.files) - 3} more" if len(dependencies.files) > 3 else ""),
            evidence=cap(Evidence(path=f) for f in dependencies.files),
        )
    return Outcome.failed(
        "no dependency declaration file (requirements.txt, pyproject.toml, environment.yml, ...)",
        fix="Add requirements.txt (or pyproject.toml) listing every package the code imports, with exact versions.",
        question="Which library versions did you use, and how would I install them?",
    )


@check("RP102", area=REPRO, title="Dependencies pinned", weight=2, requires=("RP101",))
def dependencies_pinned(dependencies: DependencyFacts) -> Outcome:
    """What it checks: every declared third-party dependency has an exact version (`==`, `===`,
    conda `=1.2.3`, a git URL at a commit), directly or through a lock file.

    Why a panel cares: `scikit-learn` without a version installs whatever is newest; in a year your
    code may not run or may give different numbers. Pinning is the cheapest reproducibility win.

    How to fix: pin the versions you actually ran with (`pip freeze` shows them), or commit a lock
    file (uv.lock, poetry.lock, a pip-compile output).

    Example: `scikit-learn>=1.0` → `scikit-learn==1.5.1`.
    """
    pinning = dependencies.pinning
    if pinning == "all":
        return Outcome.passed("every declared dependency is pinned to an exact version",
                              evidence=cap((Evidence(path=f) for f in dependencies.lock_files), 3))
    unpinned = dependencies.unpinned
    if not unpinned:  # declaration files that name no third-party package (or none that could be read)
        return Outcome.skipped("no third-party dependency is declared, so there is nothing to pin"
                               + (" (see QA115 for declarations that could not be read)" if dependencies.unparseable else ""))
    message = (f"{plural(len(unpinned), 'dependency', 'dependencies')} without an exact version: "
               + ", ".join(excerpt(d.name, MAX_NAME) for d in unpinned[:5]) + (" ..." if len(unpinned) > 5 else ""))
    shown = "|".join(sorted({d.name.replace("-", "[-_.]") for d in unpinned if len(d.name) <= MAX_NAME})[:12])
    fix = (f"Pin each to the version you ran with: `pip freeze | grep -i -E '^({shown})=='` prints the exact "
           "lines to paste into your requirements; or commit a lock file (uv.lock, poetry.lock).")
    evidence = cap(d.evidence for d in unpinned)
    if pinning == "partial":
        return Outcome.warned(message, evidence=evidence, fix=fix)
    return Outcome.failed(message, evidence=evidence, fix=fix,
                          question="Which versions of your libraries produced these results?")


@check("RP108", area=REPRO, title="Python version stated", weight=1, severity=Severity.LOW,
       requires=("RP101",))
def python_version_stated(dependencies: DependencyFacts) -> Outcome:
    """What it checks: the repository says which Python it runs on — `requires-python` in
    pyproject.toml, a `.python-version` or `runtime.txt` file, or `python=` in a conda environment.

    Why a panel cares: libraries drop old Pythons and break on new ones; "which Python did you use?"
    is the first thing anyone rerunning your project needs to know.

    How to fix: add a `.python-version` file (one line, e.g. `3.11`) or `requires-python = ">=3.10"`
    in pyproject.toml, matching what you ran.

    Example: `echo 3.11 > .python-version`
    """
    stated = dependencies.python_version
    if stated is not None:
        return Outcome.passed(f"Python version stated: {stated.spec}", evidence=[stated.evidence])
    return Outcome.warned(
        "no Python version is stated anywhere",
        fix="Add a .python-version file (e.g. `3.11`) or requires-python in pyproject.toml, matching the "
            "version you ran.",
    )


@check("RP109", area=REPRO, title="Every imported package is declared", weight=2, requires=("RP101",))
def imports_declared(imports: ImportFacts) -> Outcome:
    """What it checks: every third-party package the code and notebooks import is declared in a
    dependency file (import names mapped to distributions: sklearn → scikit-learn, cv2 →
    opencv-python, PIL → pillow, yaml → pyyaml, …). The standard library, the project's own modules
    and optional imports (`try: import x except ImportError`) are not findings.

    Why a panel cares: `pip install -r requirements.txt` followed by `ModuleNotFoundError: cv2` is
    the most common way a reviewer's attempt to run your project ends.

    How to fix: add each missing distribution (with the version you use) to your requirements.

    Example: `import cv2` in src/augment.py, nothing in requirements.txt → add `opencv-python==4.10.0.84`.
    """
    missing = imports.undeclared
    if not missing:
        return Outcome.passed(f"all {plural(len(imports.packages), 'third-party package')} the code imports are declared")
    names = sorted({p.distributions[0] for p in missing if p.distributions})
    return Outcome.failed(
        f"{plural(len(missing), 'imported package')} not declared: " + ", ".join(p.module for p in missing[:8])
        + (" ..." if len(missing) > 8 else ""),
        evidence=cap(e for p in missing for e in p.evidence[:2]),
        fix="Add to your requirements, pinned to the versions you use: " + ", ".join(names[:12]) + ".",
        question="If I install your requirements in a fresh environment, does the code import cleanly?",
    )


@check("RP103", area=REPRO, title="Tests", weight=3, severity=Severity.HIGH)
def tests_present(tests: TestFacts) -> Outcome:
    """What it checks: the repository has automated tests (pytest `test_*` functions or unittest
    `test*` methods), and counts them.

    Why a panel cares: "how do you know your pipeline is correct?" is a standard hands-on question.
    A handful of tests on data loading, feature code and the model's input/output shapes answers it.

    How to fix: add `tests/` with a few pytest tests of your own code: the data split keeps classes
    stratified, features have no NaNs, the model predicts one probability per row.

    Example: `def test_split_is_stratified(): train, test = split(df); assert abs(train.y.mean() - test.y.mean()) < 0.01`
    """
    if tests.present:
        return Outcome.passed(
            f"{plural(tests.test_functions, 'test')} in {plural(len(tests.files), 'file')}",
            evidence=cap(f.evidence for f in tests.files),
            talking_point=f"Mention your {plural(tests.test_functions, 'automated test')}: what they protect "
                          "(data splits, features, model shapes).",
        )
    return Outcome.failed(
        "no automated tests found",
        fix="Add tests/ with a few pytest tests of your data, feature and model code.",
        question="How do you know the pipeline is correct?",
    )


@check("RP110", area=REPRO, title="Tests exercise the project's own code", weight=2, requires=("RP103",))
def tests_cover_project(tests: TestFacts) -> Outcome:
    """What it checks: the test files import the project's own modules (data loading, features,
    model code), not only third-party libraries; the message also gives the ratio of test lines to
    code lines.

    Why a panel cares: tests that only check that numpy adds numbers protect nothing. Tests of your
    split, your features and your model's input/output contract are what "how do you know it works?"
    is really asking about.

    How to fix: import your pipeline's functions in the tests and check their contracts on a tiny
    DataFrame: shapes, no NaNs after feature engineering, stratified split proportions, one
    probability per row.

    Example: `from churn.features import build_features` → `assert not build_features(df).isna().any().any()`.
    """
    ratio = f"; test-to-code ratio {tests.ratio:.2f} ({tests.test_lines} test lines, {tests.code_lines} code lines)" \
        if tests.ratio is not None else ""
    if tests.tests_project_code:
        shown = ", ".join(tests.tested_modules[:5]) + (" ..." if len(tests.tested_modules) > 5 else "")
        return Outcome.passed(f"the tests import the project's own code ({shown}){ratio}",
                              evidence=cap(f.evidence for f in tests.files))
    return Outcome.failed(
        f"the tests import none of the project's own modules{ratio}",
        evidence=cap(f.evidence for f in tests.files),
        fix="Import your data, feature and model functions in the tests and check their contracts on a tiny "
            "DataFrame (shapes, no NaNs, split proportions, one probability per row).",
        question="Which parts of your pipeline do the tests actually cover?",
    )


@check("RP104", area=REPRO, title="Continuous integration", weight=2)
def ci_present(ci: CIFacts) -> Outcome:
    """What it checks: a CI configuration (GitHub Actions, GitLab CI, Travis, CircleCI, Azure
    Pipelines, Jenkins, Bitbucket).

    Why a panel cares: CI shows the code runs on a machine other than yours, on every change — the
    "simple CI/CD" that hands-on rounds ask about.

    How to fix: add `.github/workflows/ci.yml` that installs your dependencies and runs your tests on
    every push.

    Example: a workflow with `actions/setup-python`, `pip install -r requirements.txt`, `pytest`.
    """
    if ci.present:
        does = [what for what, yes in (("installs the project", ci.installs_project),
                                       ("runs a linter", ci.runs_linter),
                                       ("runs portcheck", ci.runs_portcheck_check)) if yes]
        return Outcome.passed(f"CI configured in {', '.join(sorted(ci.files)[:3])}"
                              + (f"; it {', '.join(does)}" if does else ""),
                              evidence=cap(Evidence(path=f) for f in sorted(ci.files)))
    return Outcome.failed(
        "no CI configuration",
        fix="Add .github/workflows/ci.yml: `on: [push, pull_request]` and one job on ubuntu-latest with the "
            "steps actions/checkout@v4, actions/setup-python@v5 (python-version: \"3.11\"), "
            "`run: pip install -r requirements.txt pytest` and `run: python -m pytest -q`.",
    )


@check("RP105", area=REPRO, title="CI runs the tests", weight=2, requires=("RP104",))
def ci_runs_tests(ci: CIFacts) -> Outcome:
    """What it checks: some CI configuration actually runs the tests (pytest, python -m unittest,
    tox, nox, make test or a test script).

    Why a panel cares: a CI badge that only installs packages proves little; one that runs the tests
    on every push is evidence the project keeps working.

    How to fix: add a step that runs the test suite after the install step.

    Example: `- run: python -m pytest -q`
    """
    if ci.runs_tests:
        return Outcome.passed("CI runs the tests", evidence=cap(ci.test_commands, 3))
    return Outcome.failed(
        "CI is configured but no step runs the tests",
        evidence=cap(Evidence(path=f) for f in sorted(ci.files)),
        fix="Add a CI step that runs the test suite, e.g. `python -m pytest -q`.",
    )


# metric keys as runs log them, best first, with whether higher is better
RUN_METRIC_PREFERENCE = (("pr_auc", True), ("average_precision", True), ("roc_auc", True), ("f1", True),
                         ("accuracy", True), ("r2", True), ("rmse", False), ("mae", False), ("mse", False),
                         ("val_loss", False), ("loss", False))


def runs_summary(runs: RunStoreFacts) -> tuple[str, tuple]:
    """'14 runs tried; best by pr_auc: run "hgb" (0.593) against baseline run "logreg" (0.487)', and the
    runs it cites. Empty when no committed run logged a recognisable metric."""
    for key, higher in RUN_METRIC_PREFERENCE:
        best = runs.best_run(key, higher)
        if best is None:
            continue
        text = f"{plural(len(runs.runs), 'run')} tried; best by {key}: run \"{best.name or best.run_id[:8]}\" ({best.metric(key):.3g})"
        cited = [best]
        baseline = next((r for r in runs.baseline_runs() if r.metric(key) is not None), None)
        if baseline is not None and baseline is not best:
            text += f" against baseline run \"{baseline.name or baseline.run_id[:8]}\" ({baseline.metric(key):.3g})"
            cited.append(baseline)
        return text + ".", tuple(cited)
    return "", ()


@check("RP106", area=REPRO, title="Experiments are tracked", weight=1, severity=Severity.LOW)
def tracking_used(tracking: TrackingFacts, runs: RunStoreFacts) -> Outcome:
    """What it checks: an experiment tracker is actually used — MLflow, Weights & Biases,
    TensorBoard, Comet, Neptune, Aim, ClearML, Sacred or DVC — in code or config, or a committed run
    store (`mlruns/`, `mlflow.db`).

    Why a panel cares: "how many things did you try, and how do you know which was best?" Tracked runs
    answer with numbers instead of memory.

    How to fix: log parameters and metrics of each training run, e.g. with MLflow
    (`mlflow.log_params`, `mlflow.log_metrics`) or TensorBoard's `SummaryWriter`.

    Example: wrap training in `with mlflow.start_run(): mlflow.log_params(cfg); mlflow.log_metric("pr_auc", ap)`.
    """
    if tracking.tools:
        committed = f"; {plural(len(runs.runs), 'tracked run')} committed in {', '.join(runs.stores)}" if runs.runs else ""
        summary = runs_summary(runs)
        return Outcome.passed(
            f"experiments tracked with {', '.join(tracking.tools)}{committed}",
            evidence=cap([*(e for tool in tracking.tools for e in tracking.evidence[tool][:3]),
                          *(r.evidence for r in summary[1])]),
            talking_point=(f"Say how you tracked experiments ({', '.join(tracking.tools)})"
                           + (f": {summary[0]}" if summary[0] else ", and how you picked the best run.")),
        )
    return Outcome.warned(
        "no experiment tracking found",
        fix="Log each run's parameters and metrics (MLflow, W&B or TensorBoard) so you can show what you tried.",
        question="How many variants did you try, and how did you compare them?",
    )


SEED_LINES = (  # (import name, the line that seeds it), in the order they are usually written
    ("numpy", "np.random.seed(SEED)"),
    ("torch", "torch.manual_seed(SEED); torch.cuda.manual_seed_all(SEED)"),
    ("tensorflow", "tf.random.set_seed(SEED)"),
    ("lightning", "L.seed_everything(SEED)"),
    ("pytorch_lightning", "pl.seed_everything(SEED)"),
    ("transformers", "transformers.set_seed(SEED)"),
    ("sklearn", "pass random_state=SEED to train_test_split, CV splitters and models"),
)


def seed_fix(imported: set[str]) -> str:
    """The seed lines for the frameworks this code imports."""
    lines = ["SEED = 42", "random.seed(SEED)"] + [line for module, line in SEED_LINES if module in imported]
    return "At the start of training: " + "; ".join(lines) + "."


@check("RP107", area=REPRO, title="Random seeds are set", weight=2)
def seeds_set(seeds: SeedFacts, imports: ImportFacts) -> Outcome:
    """What it checks: code or config sets a random seed (random.seed, np.random.seed,
    torch.manual_seed, tf.random.set_seed, set_seed, seed_everything, random_state=<int>, a seed key
    used by the code).

    Why a panel cares: without seeds, rerunning gives different numbers, and you cannot tell an
    improvement from noise — a classic follow-up when you report a small gain.

    How to fix: set seeds once at the start of training from a config value, and pass `random_state`
    to scikit-learn splits and models.

    Example: `SEED = 42; random.seed(SEED); np.random.seed(SEED); torch.manual_seed(SEED)`;
    `train_test_split(..., random_state=SEED)`.
    """
    if seeds.present:
        return Outcome.passed("random seeds are set", evidence=cap(seeds.evidence, 5))
    return Outcome.failed(
        "no random seed is set anywhere",
        fix=seed_fix({p.module.split(".")[0] for p in imports.packages}),
        question="If you rerun training, do you get the same numbers? How big is run-to-run noise?",
    )


@check("RP111", area=REPRO, title="One command reproduces the results", weight=2)
def reproduce_entry_point(workflow: WorkflowFacts, task: TaskFacts, readme: ReadmeFacts) -> Outcome:
    """What it checks: there is a documented single entry point to rerun the work — a Makefile target
    (`make train`), `dvc repro` stages, a `reproduce.sh` / `train.sh` script, an MLproject, a console
    script, a training module with a command-line interface, or the run commands the README documents.

    Why a panel cares: "how would I rerun your experiment?" should have a one-line answer. Five
    notebooks to run in an unstated order do not reproduce anything.

    How to fix: add a Makefile (or a `reproduce.sh`) whose `train` / `evaluate` targets run the
    pipeline end to end, and mention it in the README's Usage section.

    Example: `train:\n\tpython -m churn.train --config configs/hgb.yaml` → `make train`.
    """
    if workflow.has_entry_point or readme.usage:
        return Outcome.passed("an entry point reruns the work",
                              evidence=cap([*workflow.entry_points, *readme.usage[:3]], 5))
    if (skip := without_training_code(task)):
        return skip
    return Outcome.failed(
        "no single command reruns the pipeline (no Makefile target, dvc.yaml stage, run script or CLI)",
        fix="Add a Makefile with `train` and `evaluate` targets (or a reproduce.sh) that run the pipeline end "
            "to end, and show it in the README.",
        question="How would I rerun your experiment from scratch, step by step?",
    )


@check("RP112", area=REPRO, title="Hyperparameters live in config", weight=1, severity=Severity.LOW)
def hyperparameters_in_config(workflow: WorkflowFacts) -> Outcome:
    """What it checks: hyperparameters (learning rate, epochs, batch size, tree depth, …) are read from
    config files the code loads (YAML/JSON/TOML, Hydra, params.yaml) rather than written as literals in
    the training code.

    Why a panel cares: configs make experiments comparable and rerunnable; literals buried in a script
    raise "which settings produced the number in your README?".

    How to fix: move the values into `configs/train.yaml` and load them (yaml.safe_load, OmegaConf or
    Hydra); log the config with each run.

    Example: `RandomForestClassifier(n_estimators=300, max_depth=8)` → `RandomForestClassifier(**cfg.model)`.
    """
    if workflow.configured:
        return Outcome.passed("hyperparameters are kept in config files the code reads",
                              evidence=cap(workflow.config_files, 5))
    if not workflow.hardcoded_hyperparameters:
        return Outcome.skipped("no hyperparameters found in code or config")
    return Outcome.warned(
        f"{plural(len(workflow.hardcoded_hyperparameters), 'hyperparameter')} written as literals in code, "
        "and no config file is read",
        evidence=cap(workflow.hardcoded_hyperparameters),
        fix="Move these values into a config file (e.g. configs/train.yaml) that the training code loads, "
            "and log it with each run.",
    )


@check("RP113", area=REPRO, title="A way to get the data", weight=2)
def data_access(workflow: WorkflowFacts, task: TaskFacts) -> Outcome:
    """What it checks: someone else can get the data: DVC-tracked data, a download script or call
    (requests, kaggle, gdown, `datasets.load_dataset`, torchvision `download=True`, sklearn `fetch_*`),
    or a dataset link in the README (Kaggle, UCI, Zenodo, Hugging Face, …).

    Why a panel cares: without the data nothing can be rerun, and "where does the data come from?" is
    the second step of every walkthrough.

    How to fix: link the dataset in the README's Data section and add a small download script (or DVC
    remote) that puts it where the code expects it.

    Example: `python scripts/download_data.py` fetching the Kaggle Telco churn CSV into `data/raw/`.
    """
    if workflow.has_data_access:
        return Outcome.passed("the data can be obtained", evidence=cap(workflow.data_access, 5))
    if (skip := without_training_code(task)):
        return skip
    return Outcome.failed(
        "nothing says how to get the data (no download script, DVC data or dataset link)",
        fix="Link the dataset in the README's Data section and add a download script (or DVC remote) that "
            "puts it where the code expects it.",
        question="Where does your data come from, and how would I get the same version?",
    )


@check("RP114", area=REPRO, title="The environment is captured", weight=1, severity=Severity.LOW)
def environment_captured(workflow: WorkflowFacts) -> Outcome:
    """What it checks: the runtime environment is captured beyond a package list: a Dockerfile or
    docker-compose file, a dev container, a conda environment file or a Nix shell.

    Why a panel cares: system libraries, CUDA and Python versions break reruns that pinned packages
    alone cannot save; a container or conda file shows you thought about deployment basics.

    How to fix: add a small Dockerfile (python base image, `pip install -r requirements.txt`, the
    train command) or a conda `environment.yml` with the Python version.

    Example: `FROM python:3.11-slim` / `COPY requirements.txt .` / `RUN pip install -r requirements.txt`.
    """
    if workflow.has_environment:
        return Outcome.passed("the environment is captured", evidence=cap(workflow.environments, 5),
                              talking_point="Mention how the environment is captured ("
                                            + ", ".join(sorted({e.path for e in workflow.environments})[:3])
                                            + ") and how you would deploy it.")
    return Outcome.warned(
        "no Dockerfile, dev container or conda environment captures the runtime",
        fix="Add a small Dockerfile (python base image, pip install -r requirements.txt, the train command) "
            "or a conda environment.yml with the Python version.",
    )
