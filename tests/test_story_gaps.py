"""Story gaps: ranked by what they cost in an interview, one per gap, each with the smallest fix. Real
repositories are scanned end to end; the ranking itself is also checked on check results built directly."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
from conftest import copy_sample
from gitutil import write_files
from nbformat.v4 import new_code_cell, new_notebook

from portcheck.analyzer.model import Area, CheckResult, Evidence, Report, Severity, Status, TalkingPoint
from portcheck.analyzer.scan import scan
from portcheck.analyzer.story.facts import StoryFacts
from portcheck.analyzer.story.gaps import GAP_COSTS, MAX_GAPS, story_gaps

RANK = list(GAP_COSTS)

LEAKY = """\
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


def main(X, y):
    X = StandardScaler().fit_transform(X)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    model = LogisticRegression().fit(X_train, y_train)
    print("accuracy", model.score(X_test, y_test))
"""


def gaps_of(report: Report) -> list[TalkingPoint]:
    return [p for p in report.talking_points if p.kind == "gap"]


def finding(check_id: str, message: str, fix: str, *evidence: Evidence, status: Status = Status.FAIL) -> CheckResult:
    return CheckResult(id=check_id, area=Area.QUALITY, title=check_id, severity=Severity.MEDIUM, weight=2,
                       status=status, message=message, fix=fix, evidence=evidence)


def assert_ranked(gaps: list[TalkingPoint]) -> None:
    """Unshown steps and findings first, by cost; then partly shown steps, by cost; no id twice."""
    topics = [g.topic for g in gaps]
    assert len(topics) == len(set(topics)) and len(gaps) <= MAX_GAPS
    partial = [bool(g.title and g.title.endswith("(partly shown)")) for g in gaps]
    assert partial == sorted(partial)
    for group in (False, True):
        ranks = [RANK.index(g.topic) for g, p in zip(gaps, partial) if p is group]
        assert ranks == sorted(ranks), topics


def test_empty_repository_gaps_start_with_the_problem_and_the_missing_numbers(tmp_path):
    gaps = gaps_of(scan(tmp_path))
    assert [g.topic for g in gaps] == ["problem", "results", "baseline", "validation", "data", "models"]
    assert all(g.kind == "gap" and g.text and g.fix for g in gaps)
    assert "README.md" in gaps[0].fix
    assert GAP_COSTS["problem"] in gaps[0].text  # the gap says what it costs


def test_weak_sample_gaps_are_ranked_by_cost_with_check_findings_among_them(tmp_path):
    root = copy_sample("weak", tmp_path)
    gaps = gaps_of(scan(root))
    assert [g.topic for g in gaps] == ["problem", "metric", "baseline", "stratify", "data", "impact"]
    assert_ranked(gaps)
    metric = gaps[1]
    assert "(MT102)" in metric.text and "PR-AUC" in metric.fix
    assert "stratify=y" in gaps[3].fix  # the corrected line, built from the notebook's own call
    for gap in gaps:
        for e in gap.evidence:
            assert (root / e.path).exists(), e


def test_leakage_ranks_right_after_the_missing_results_and_gives_the_corrected_code(tmp_path):
    write_files(tmp_path, {"README.md": "# Churn\n\nThis project predicts which customers churn, so that retention "
                                        "can call them first.\n", "train.py": LEAKY})
    gaps = gaps_of(scan(tmp_path))
    topics = [g.topic for g in gaps]
    assert topics[:2] == ["results", "leakage"], topics
    leak = gaps[1]
    assert "StandardScaler" in leak.text and "(QA150)" in leak.text
    assert "X_train = " in leak.fix or "Pipeline" in leak.fix
    assert ("train.py", 7) in {(e.path, e.line) for e in leak.evidence}
    assert_ranked(gaps)


def test_polished_sample_has_only_partly_shown_gaps(tmp_path):
    root = copy_sample("polished", tmp_path)
    gaps = gaps_of(scan(root))
    assert gaps and all(g.title.endswith("(partly shown)") for g in gaps)
    assert [g.topic for g in gaps] == ["trade_offs"]
    assert "latency" in gaps[0].text and "ms per prediction" in gaps[0].fix


def test_notebook_run_out_of_order_is_a_gap_with_its_cells_as_evidence(tmp_path):
    cells = [new_code_cell("x = 1", execution_count=5), new_code_cell("y = x + 1", execution_count=2)]
    write_files(tmp_path, {"analysis.ipynb": nbformat.writes(new_notebook(cells=cells))})
    report = scan(tmp_path)
    assert "notebook_order" not in [g.topic for g in gaps_of(report)]  # nine unshown steps cost more
    gaps = story_gaps(StoryFacts(checks=report.checks), [])  # the findings alone
    order = next(g for g in gaps if g.topic == "notebook_order")
    assert order.evidence == (Evidence(path="analysis.ipynb", line=2, excerpt="cell 1 ran as [5], then cell 2 as [2]"),)
    assert "Restart" in order.fix or "restart" in order.fix
    assert len(json.loads((tmp_path / "analysis.ipynb").read_text())["cells"]) >= order.evidence[0].line


def test_check_findings_rank_by_cost_and_passing_checks_give_no_gap():
    facts = StoryFacts(checks=(
        finding("RP102", "2 dependencies without an exact version: pandas, xgboost", "Pin them.",
                Evidence(path="requirements.txt", line=2)),
        finding("QA102", "cells run out of order in 1 notebook: eda.ipynb", "Restart and run all.",
                Evidence(path="eda.ipynb", line=7)),
        finding("QA150", "1 preprocessing step fitted before the data is split", "Split first.",
                Evidence(path="train.py", line=12)),
        finding("QA101", "no error outputs", "", status=Status.PASS),
        finding("RP103", "no automated tests found", "Add tests/.", status=Status.WARN),
    ))
    gaps = story_gaps(facts, [])
    assert [g.topic for g in gaps] == ["leakage", "tests", "notebook_order", "pinning"]
    assert gaps[0].text.startswith("1 preprocessing step fitted before the data is split (QA150). “Did anything")
    assert gaps[-1].fix == "Pin them." and gaps[-1].evidence == (Evidence(path="requirements.txt", line=2),)


def test_unshown_steps_rank_above_partly_shown_ones_and_each_gap_appears_once():
    facts = StoryFacts()
    steps = [
        TalkingPoint(kind="walkthrough", topic="trade_offs", title="Trade-offs", shown=True,
                     text="Interpretability: “…”. Gap: nothing states latency.", fix="Add a latency line."),
        TalkingPoint(kind="walkthrough", topic="limitations", title="Limitations and next steps", shown=False,
                     text="The README names no limitation.", fix="Add a Limitations section."),
        TalkingPoint(kind="walkthrough", topic="problem", title="Problem", shown=True,
                     text="Open with “…”. Gap: nothing says why the problem matters.", fix="Add why."),
        TalkingPoint(kind="walkthrough", topic="data", title="Data", shown=True, text="Size: “…”.", fix=None),
    ]
    gaps = story_gaps(facts, steps)
    assert [(g.topic, g.title) for g in gaps] == [
        ("limitations", "Limitations and next steps"),
        ("problem", "Problem (partly shown)"),
        ("trade_offs", "Trade-offs (partly shown)"),
    ]
    assert gaps[1].text.startswith("Problem is only partly shown: nothing says why the problem matters.")
    assert story_gaps(facts, steps) == gaps  # deterministic


def test_gaps_are_capped_and_deterministic(tmp_path):
    write_files(tmp_path, {"train.py": LEAKY, "requirements.txt": "scikit-learn\n"})
    first, second = gaps_of(scan(tmp_path)), gaps_of(scan(tmp_path))
    assert first == second and len(first) == MAX_GAPS
    assert_ranked(first)
    assert all(Path(tmp_path, e.path).exists() for g in first for e in g.evidence)
