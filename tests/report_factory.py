"""A small, realistic `Report` built by hand, for renderer tests (no scan needed).

`make_report()` returns a report with every kind of result (fail, warn, pass, skip, error), talking
points of each kind, a scan note and an ignored check; keyword arguments replace any Report field.
"""
from __future__ import annotations

import dataclasses
from typing import Any

from portcheck.analyzer.model import (
    Area,
    CheckResult,
    Evidence,
    Report,
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


def sample_talking_points() -> tuple[TalkingPoint, ...]:
    """One talking point of each kind, with evidence."""
    return (
        TalkingPoint(kind="walkthrough",
                     text="Problem: predict which subscribers cancel next month.",
                     evidence=(Evidence(path="README.md", line=3),)),
        TalkingPoint(kind="question",
                     text="Why ROC-AUC and not accuracy? Your README reports both.",
                     evidence=(Evidence(path="README.md", line=30, excerpt="| accuracy | 0.95 |"),)),
        TalkingPoint(kind="gap", text="No CI runs your 4 tests; add a workflow that runs pytest."),
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
    )
    return dataclasses.replace(report, **overrides)


def replace_check(report: Report, check_id: str, **changes: Any) -> Report:
    """The report with one check result changed."""
    checks = tuple(dataclasses.replace(r, **changes) if r.id == check_id else r for r in report.checks)
    return dataclasses.replace(report, checks=checks)
