"""A small, realistic `Report` built by hand, for renderer tests (no scan needed).

`make_report()` returns a report with every kind of result (fail, warn, pass, skip, error), the full
story (a nine-step walkthrough with shown, partly shown and missing steps, likely questions, ranked
gaps), results at a glance with a baseline and a best row, README suggestions, a scan note and an
ignored check; keyword arguments replace any Report field.
"""
from __future__ import annotations

import dataclasses
from typing import Any

from portcheck.analyzer.model import (
    Area,
    CheckResult,
    Evidence,
    ReadmeSuggestion,
    Report,
    ResultRow,
    ResultsAtAGlance,
    ScanNote,
    Scores,
    Severity,
    Status,
    TalkingPoint,
)

REPO_ROOT = "/home/candidate/projects/churn-model"
COMMIT = "3f9a1c0b7d2e4f6a8b9c0d1e2f3a4b5c6d7e8f90"


def sample_facts() -> dict[str, Any]:
    """Facts shaped like `shared/facts.schema.json`."""
    return {
        "readme": {
            "present": True,
            "path": "README.md",
            "describes_purpose": True,
            "install_instructions": True,
            "usage_instructions": False,
            "reports_results": True,
            "metric_names": ["accuracy", "roc_auc"],
            "has_figures": False,
            "broken_local_links": ["docs/setup.md"],
        },
        "license_file": False,
        "citation": False,
        "dependencies": {"files": ["requirements.txt"], "pinning": "partial", "lockfile": False},
        "tests": {"present": True, "test_functions": 4},
        "ci": {"present": False, "runs_tests": False, "files": []},
        "tracking": ["mlflow"],
        "seeds": True,
        "docker": False,
        "notebooks": {"count": 1, "with_errors": 0, "out_of_order": 1, "unexecuted": 0},
        "large_files": [],
        "absolute_paths": True,
        "secrets": False,
        "gitignore": True,
    }


def sample_checks() -> tuple[CheckResult, ...]:
    """One result of every status, across three areas (metrics has none: its score is n/a)."""
    return (
        CheckResult(
            id="RM101", area=Area.README, title="README says how to run the project",
            severity=Severity.MEDIUM, weight=3, status=Status.WARN,
            message="The README has install steps but no command that runs training or evaluation.",
            evidence=(Evidence(path="README.md", line=12, excerpt="pip install -r requirements.txt"),),
            fix="Add a 'Usage' section with the command that trains the model, e.g. `python train.py`.",
            question="How would I reproduce your headline number?", points=4.4,
        ),
        CheckResult(
            id="RM102", area=Area.README, title="README links resolve",
            severity=Severity.LOW, weight=1, status=Status.PASS,
            message="Every local link in the README points at a file that exists.",
            evidence=(Evidence(path="README.md"),),
        ),
        CheckResult(
            id="RP201", area=Area.REPRODUCIBILITY, title="Dependencies are pinned",
            severity=Severity.HIGH, weight=5, status=Status.FAIL,
            message="2 of 5 dependencies have no exact version.",
            evidence=(Evidence(path="requirements.txt", line=4, excerpt="xgboost"),
                      Evidence(path="requirements.txt", line=5, excerpt="pandas>=1.5")),
            fix="Pin every dependency to the version you trained with, e.g. `xgboost==2.1.1`.",
            talking_point="Mention the exact library versions behind your results.",
            points=11.6,
        ),
        CheckResult(
            id="RP202", area=Area.REPRODUCIBILITY, title="CI runs the tests",
            severity=Severity.MEDIUM, weight=3, status=Status.SKIP,
            message="No CI configuration was found, so there is nothing to check.",
        ),
        CheckResult(
            id="RP203", area=Area.REPRODUCIBILITY, title="Experiments are tracked",
            severity=Severity.MEDIUM, weight=3, status=Status.ERROR,
            message="The check raised ValueError: unreadable mlruns/0/meta.yaml",
        ),
        CheckResult(
            id="CQ401", area=Area.QUALITY, title="No machine-specific absolute paths",
            severity=Severity.MEDIUM, weight=2, status=Status.FAIL,
            message="A hard-coded absolute path ties the code to one machine.",
            evidence=(Evidence(path="src/data.py", line=7, excerpt='DATA = "/home/me/data/churn.csv"'),),
            fix="Read the data path from a CLI argument or a config file.",
            points=0.3,
        ),
        CheckResult(
            id="CQ402", area=Area.QUALITY, title="No committed secrets",
            severity=Severity.HIGH, weight=5, status=Status.PASS,
            message="No credential-looking literal was found.",
        ),
    )


RUN_BEST = "b71c2d9e04f5a6b7c8d9e0f1a2b3c4d5"
RUN_BASELINE = "3f9a0c1d2e3f4a5b6c7d8e9f0a1b2c3d"


def walkthrough_step(topic: str, title: str, minutes: int, text: str, *, shown: bool = True,
                     fix: str | None = None, evidence: tuple[Evidence, ...] = ()) -> TalkingPoint:
    """One walkthrough step as the story builder writes it."""
    return TalkingPoint(kind="walkthrough", topic=topic, title=title, minutes=minutes, text=text,
                        shown=shown, fix=fix, evidence=evidence)


def sample_walkthrough() -> tuple[TalkingPoint, ...]:
    """The nine steps, 13 minutes: shown, partly shown (a fix to add) and missing steps."""
    readme = "README.md"
    return (
        walkthrough_step("problem", "Problem", 1, "Predict which subscribers cancel next month, so retention can call them first.",
                         evidence=(Evidence(path=readme, line=3, excerpt="Predict which subscribers cancel"),)),
        walkthrough_step("data", "Data", 2, "48,213 rows; 12% of customers churn; stratified 80/20 split.",
                         evidence=(Evidence(path=readme, line=18), Evidence(path="src/split.py", line=12, excerpt="stratify=y"))),
        walkthrough_step("baseline", "Baseline", 1, f"Logistic regression, run `{RUN_BASELINE[:8]}`: ROC-AUC 0.78.",
                         evidence=(Evidence(path=f"mlruns/0/{RUN_BASELINE}/meta.yaml"),)),
        walkthrough_step("models", "Models tried", 2, "14 tracked runs: logistic regression (3), random forest (4), XGBoost (7).",
                         evidence=(Evidence(path="train.py", line=40, excerpt="XGBClassifier(max_depth=6)"),)),
        walkthrough_step("validation", "Validation", 2, "5-fold stratified cross-validation in train.py:57.",
                         fix="Report the spread over the folds, e.g. `PR-AUC 0.43 ± 0.02`.",
                         evidence=(Evidence(path="train.py", line=57),)),
        walkthrough_step("results", "Results", 2, "ROC-AUC 0.78 → 0.86 over the baseline (+0.08).",
                         evidence=(Evidence(path=readme, line=30),)),
        walkthrough_step("trade_offs", "Trade-offs", 1, "Nothing in the repository states latency or interpretability.",
                         shown=False, fix="Add one README line on what XGBoost costs in latency and explainability."),
        walkthrough_step("impact", "Business impact", 1, "Nothing turns the recall into customers kept or money saved.",
                         shown=False, fix="Add to the README:\n\n```markdown\nCalling the top 10% catches 61% of churners.\n```"),
        walkthrough_step("limitations", "Limitations and next steps", 1, "No limitations section.", shown=False,
                         fix="Add a `## Limitations` section: data period, label delay, what you would try next."),
    )


def sample_questions() -> tuple[TalkingPoint, ...]:
    """Two likely questions with why they come up and what a strong answer covers."""
    return (
        TalkingPoint(kind="question", topic="imbalance-accuracy", title="Why ROC-AUC and not accuracy?",
                     text="Your README reports accuracy 0.95 on a problem where 12% of customers churn (README.md:21).",
                     answer=("A model that always predicts `no churn` scores 88% accuracy; PR-AUC and recall at a call "
                             "budget measure what retention needs."),
                     evidence=(Evidence(path="README.md", line=30, excerpt="| accuracy | 0.95 |"),)),
        TalkingPoint(kind="question", topic="median-imputation", title="Why the median, and did you add missing-value indicators?",
                     text="`SimpleImputer(strategy=\"median\")` in src/features.py:31.",
                     answer="Skewed features, a missing-value indicator, and a run with and without.",
                     evidence=(Evidence(path="src/features.py", line=31),)),
    )


def sample_gaps() -> tuple[TalkingPoint, ...]:
    """Two ranked gaps, each with its smallest fix."""
    return (
        TalkingPoint(kind="gap", topic="impact", text="No business impact sentence: panels ask for it in every project story.",
                     fix="Add one README line: `Calling the top 10% catches 61% of churners.`"),
        TalkingPoint(kind="gap", topic="ci", text="No CI runs your 4 tests.",
                     fix="Add `.github/workflows/tests.yml` that runs `pytest`.",
                     evidence=(Evidence(path="tests/test_features.py", line=1),)),
    )


def sample_talking_points() -> tuple[TalkingPoint, ...]:
    """The walkthrough, then the questions, then the gaps, as a scan orders them."""
    return (*sample_walkthrough(), *sample_questions(), *sample_gaps())


def sample_results() -> ResultsAtAGlance:
    """Three README rows and two tracked runs on ROC-AUC and accuracy; baseline row 0, best row 3."""
    def row(label: str, source: str, roc: str | None, acc: str | None, evidence: Evidence, **extra: Any) -> ResultRow:
        values = tuple((m, v) for m, v in (("roc_auc", roc), ("accuracy", acc)) if v is not None)
        return ResultRow(label=label, source=source, values=values, evidence=evidence, **extra)

    return ResultsAtAGlance(
        metrics=("roc_auc", "accuracy"),
        rows=(
            row("Logistic regression (baseline)", "readme", "0.78", "0.91", Evidence(path="README.md", line=31), baseline=True),
            row("Random forest", "readme", "0.83", "0.93", Evidence(path="README.md", line=32)),
            row("XGBoost", "readme", "0.86", None, Evidence(path="README.md", line=33)),
            row("xgb-depth6", "runs", "0.861", "0.95", Evidence(path=f"mlruns/0/{RUN_BEST}/meta.yaml"), run_id=RUN_BEST),
            row("Notebook check", "notebook", None, "0.9", Evidence(path="notebooks/eda.ipynb", line=14)),
        ),
        primary="roc_auc", higher_is_better=True, baseline=0, best=3, runs_tried=14,
    )


def sample_suggestions() -> tuple[ReadmeSuggestion, ...]:
    """A Setup section (with a fenced block inside) and a Results section."""
    return (
        ReadmeSuggestion(section="Setup", reason="The README has no install commands.",
                         markdown="## Setup\n\n```bash\npython -m venv .venv\npip install -r requirements.txt\n```\n",
                         evidence=(Evidence(path="requirements.txt"),)),
        ReadmeSuggestion(section="Results", reason="The runs are not summarised in the README.",
                         markdown="## Results\n\n| Model | ROC-AUC |\n| --- | --- |\n| Logistic regression | 0.78 |\n| XGBoost | 0.861 |\n",
                         evidence=(Evidence(path=f"mlruns/0/{RUN_BEST}/meta.yaml"),)),
    )


def make_report(**overrides: Any) -> Report:
    """The sample report, with any field replaced by a keyword argument."""
    report = Report(
        tool_version="0.1.0",
        repo_root=REPO_ROOT,
        commit=COMMIT,
        facts=sample_facts(),
        scores=Scores(areas={"readme": 82, "reproducibility": 41, "quality": 90}, overall=67),
        checks=sample_checks(),
        talking_points=sample_talking_points(),
        scan_notes=(ScanNote(kind="file-too-large", message="Skipped: larger than 5 MiB.",
                             path="data/train.csv"),),
        ignored={"QA999": "Not relevant for a research prototype."},
        results=sample_results(),
        readme_suggestions=sample_suggestions(),
    )
    return dataclasses.replace(report, **overrides)


def replace_check(report: Report, check_id: str, **changes: Any) -> Report:
    """The report with one check result changed."""
    checks = tuple(dataclasses.replace(r, **changes) if r.id == check_id else r for r in report.checks)
    return dataclasses.replace(report, checks=checks)
