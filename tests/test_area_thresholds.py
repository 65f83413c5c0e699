"""Per-area thresholds: `--fail-under-area AREA=N` and `[tool.portcheck] fail-under-area`, their
validation, and the exit status with one line per area below its threshold."""
import json

import pytest
from conftest import copy_sample, run_cli
from report_factory import make_report

from portcheck.analyzer.config import (
    parse_area_thresholds,
    read_repo_config,
    threshold_failures,
    unscored_area_thresholds,
    with_cli,
)
from portcheck.analyzer.repo import RepoView
from portcheck.analyzer.scan import scan


def config_of(tmp_path, pyproject: str):
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    return read_repo_config(RepoView(tmp_path))


def usage_error_line(proc) -> str:
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("portcheck: error:") and "Traceback" not in proc.stderr
    return lines[0]


def test_command_line_items_parse_case_insensitively_and_a_later_item_wins():
    assert parse_area_thresholds(["readme=70", " Metrics = 50 ", "readme=60"]) == {"readme": 60, "metrics": 50}
    assert parse_area_thresholds([]) == {}


@pytest.mark.parametrize("item, reason", [
    ("speed=50", "unknown area 'speed'; valid areas: readme, reproducibility, metrics, quality"),
    ("readme", "is not AREA=N"),
    ("=50", "is not AREA=N"),
    ("readme=high", "must be an integer 0-100"),
    ("readme=101", "must be an integer 0-100"),
    ("readme=-1", "must be an integer 0-100"),
])
def test_malformed_command_line_items_are_refused_with_the_reason(item, reason):
    with pytest.raises(ValueError, match=reason.replace("(", r"\(")):
        parse_area_thresholds([item])


def test_repository_config_keeps_valid_area_thresholds_and_reports_each_bad_entry(tmp_path):
    cfg = config_of(tmp_path, '[tool.portcheck]\nfail-under-area = { README = 70, metrics = 50, '
                              'speed = 10, quality = 120, reproducibility = true }\n')
    assert cfg.fail_under_area == {"readme": 70, "metrics": 50}
    assert len(cfg.problems) == 3
    assert any("unknown area 'speed'" in p and "readme, reproducibility, metrics, quality" in p for p in cfg.problems)
    assert any("quality must be an integer 0-100" in p for p in cfg.problems)
    assert any("reproducibility must be an integer 0-100" in p for p in cfg.problems)


def test_a_fail_under_area_that_is_not_a_table_is_reported_and_ignored(tmp_path):
    cfg = config_of(tmp_path, '[tool.portcheck]\nfail-under-area = 70\n')
    assert cfg.fail_under_area == {} and "fail-under-area must be a table" in cfg.problems[0]


def test_a_boolean_fail_under_is_not_taken_for_a_score(tmp_path):
    cfg = config_of(tmp_path, '[tool.portcheck]\nfail-under = true\n')
    assert cfg.fail_under is None and "fail-under must be an integer 0-100" in cfg.problems[0]


def test_command_line_replaces_only_the_areas_it_names(tmp_path):
    cfg = config_of(tmp_path, '[tool.portcheck]\nfail-under-area = { readme = 70, metrics = 50 }\n')
    merged = with_cli(cfg, fail_under_area={"metrics": 20, "quality": 60})
    assert merged.fail_under_area == {"readme": 70, "metrics": 20, "quality": 60}


def test_failures_name_the_overall_score_first_then_each_area_below_in_area_order():
    # the sample report scores readme 82, reproducibility 41, quality 90, overall 67; metrics has no score
    report = make_report(fail_under=70, fail_under_area={"quality": 95, "readme": 82, "reproducibility": 50})
    assert threshold_failures(report) == [
        "overall score 67 is below 70",
        "reproducibility score 41 is below 50",
        "quality score 90 is below 95",
    ]  # readme 82 meets its threshold of 82


def test_an_area_without_a_score_is_not_below_its_threshold_but_is_named():
    report = make_report(fail_under_area={"metrics": 50})
    assert threshold_failures(report) == []
    assert unscored_area_thresholds(report) == [
        "metrics has no score (no applicable check); its threshold 50 does not apply"]


def test_the_scan_records_the_effective_area_thresholds(tmp_path):
    repo = tmp_path / "proj"
    repo.mkdir()
    (repo / "pyproject.toml").write_text('[tool.portcheck]\nfail-under-area = { readme = 70, quality = 40 }\n')
    report = scan(repo, select=["RD101"], fail_under_area={"quality": 10})
    assert report.fail_under_area == {"readme": 70, "quality": 10}


def test_cli_exits_1_with_one_line_per_area_below_its_threshold(polished_repo, scanned_report):
    areas = scanned_report.scores.areas
    proc = run_cli(str(polished_repo), "-f", "json", "--no-progress",
                   "--fail-under-area", f"reproducibility={areas['reproducibility'] + 1},readme={areas['readme']}",
                   "--fail-under-area", f"quality={areas['quality'] + 1}")
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        f"portcheck: reproducibility score {areas['reproducibility']} is below {areas['reproducibility'] + 1}",
        f"portcheck: quality score {areas['quality']} is below {areas['quality'] + 1}",
    ]
    assert json.loads(proc.stdout)["scores"]["areas"] == areas  # the report is still written in full


def test_cli_refuses_an_unknown_area_naming_the_valid_ones_and_writes_nothing(polished_repo, tmp_path):
    line = usage_error_line(run_cli(str(polished_repo), "--fail-under-area", "docs=50", cwd=tmp_path))
    assert "unknown area 'docs'" in line and "readme, reproducibility, metrics, quality" in line
    usage_error_line(run_cli(str(polished_repo), "--fail-under-area", "readme=200", cwd=tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_repository_area_thresholds_fail_the_scan_and_the_command_line_overrides_them(tmp_path):
    repo = copy_sample("polished", tmp_path, with_git=False)
    (repo / "pyproject.toml").write_text('[tool.portcheck]\nfail-under-area = { metrics = 100, speed = 3 }\n')
    proc = run_cli(str(repo), "-f", "json", "--no-progress")
    doc = json.loads(proc.stdout)
    metrics = doc["scores"]["areas"]["metrics"]
    assert metrics < 100  # the sample's metric reporting is good, not perfect
    assert proc.returncode == 1 and proc.stderr.splitlines() == [f"portcheck: metrics score {metrics} is below 100"]
    assert any("unknown area 'speed'" in n["message"] for n in doc["scan_notes"])
    relaxed = run_cli(str(repo), "-f", "json", "--no-progress", "--fail-under-area", f"metrics={metrics}")
    assert relaxed.returncode == 0 and relaxed.stderr == ""
