"""Every place the story cites exists in the scanned repository: talking points, results and README
suggestions, on every sample project, point at real files, at lines (or notebook cells) that exist,
and at runs that are in the repository's run stores."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SAMPLES, copy_sample

from portcheck.analyzer.model import Evidence, Report
from portcheck.analyzer.scan import scan
from portcheck.reports import json_report

SAMPLE_NAMES = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def sample_reports(tmp_path_factory) -> dict[str, tuple[Path, Report]]:
    base = tmp_path_factory.mktemp("story-samples")
    reports = {}
    for name in SAMPLE_NAMES:
        root = copy_sample(name, base)
        reports[name] = (root, scan(root))
    return reports


def _cited(report: Report) -> list[tuple[str, Evidence]]:
    """Every piece of evidence the story cites, with what cites it."""
    cited = [(f"{p.kind} {p.topic or p.text[:40]!r}", e) for p in report.talking_points for e in p.evidence]
    if report.results is not None:
        cited += [(f"results row {r.label!r}", r.evidence) for r in report.results.rows]
    cited += [(f"README suggestion {s.section!r}", e) for s in report.readme_suggestions for e in s.evidence]
    return cited


def _units(path: Path) -> int:
    """How many lines a text file has, or cells a notebook has: the largest valid `line` of evidence."""
    data = path.read_bytes()
    if path.suffix.lower() == ".ipynb":
        return len(json.loads(data).get("cells", []))
    return len(data.decode("utf-8", "replace").splitlines())


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_cited_place_exists_in_the_repository(sample_reports, name):
    root, report = sample_reports[name]
    for what, evidence in _cited(report):
        target = root / evidence.path
        assert evidence.path and not Path(evidence.path).is_absolute() and ".." not in Path(evidence.path).parts, what
        assert target.exists(), f"{what} cites {evidence.path}, which is not in the repository"
        if evidence.line is not None:
            assert target.is_file(), f"{what} cites line {evidence.line} of the folder {evidence.path}"
            assert 1 <= evidence.line <= _units(target), f"{what} cites {evidence.location()}, past the end"


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_cited_run_is_in_the_run_store(sample_reports, name):
    root, report = sample_reports[name]
    rows = report.results.rows if report.results is not None else ()
    paths = [p.relative_to(root).as_posix() for p in root.rglob("*") if ".git" not in p.parts]
    for row in rows:
        if row.run_id is not None:
            assert any(row.run_id in p for p in paths), f"run {row.run_id} of row {row.label!r} is not in a run store"


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_the_story_survives_the_json_round_trip(sample_reports, name, tmp_path):
    _root, report = sample_reports[name]
    path = tmp_path / "report.json"
    path.write_text(json_report.render(report), encoding="utf-8")
    loaded = json_report.load_report(path)
    assert loaded.talking_points == report.talking_points
    assert loaded.results == report.results
    assert loaded.readme_suggestions == report.readme_suggestions


def test_the_polished_sample_tells_a_full_story(sample_reports):
    _root, report = sample_reports["polished"]
    kinds = {p.kind for p in report.talking_points}
    assert kinds == {"walkthrough", "question", "gap"} or kinds == {"walkthrough", "question"}
    assert report.results is not None and report.results.best is not None and report.results.baseline is not None
