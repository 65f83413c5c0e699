"""The command line: outputs, exit codes, selection, and usage errors in one line without a traceback."""
import json
from pathlib import Path

from conftest import copy_sample, run_cli


def assert_one_line_usage_error(proc):
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("portcheck: error:"), proc.stderr
    assert "Traceback" not in proc.stderr


def test_version_prints_the_version():
    proc = run_cli("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("portcheck ")


def test_help_teaches_the_commands():
    proc = run_cli("--help")
    assert proc.returncode == 0
    for word in ("scan", "checks", "explain", "--fail-under"):
        assert word in proc.stdout


def test_missing_path_file_path_and_bad_option_are_usage_errors(tmp_path):
    assert_one_line_usage_error(run_cli(str(tmp_path / "nope")))
    afile = tmp_path / "file.txt"
    afile.write_text("x")
    assert_one_line_usage_error(run_cli(str(afile)))
    assert_one_line_usage_error(run_cli(str(tmp_path), "--format", "pdf"))
    assert_one_line_usage_error(run_cli(str(tmp_path), "--fail-under", "101"))
    assert_one_line_usage_error(run_cli())
    assert_one_line_usage_error(run_cli("explain", "ZZ999"))


def test_default_run_writes_the_html_report_in_the_current_folder_and_prints_a_summary(tmp_path, polished_repo):
    out = tmp_path / "cwd"
    out.mkdir()
    proc = run_cli(str(polished_repo), cwd=out)
    assert proc.returncode == 0, proc.stderr
    report = out / "portcheck-report.html"
    assert report.exists() and report.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert str(report) in proc.stdout
    assert "\x1b[" not in proc.stdout  # not a terminal: no colours


def test_json_goes_to_stdout_and_nothing_else_does(polished_repo, tmp_path):
    proc = run_cli(str(polished_repo), "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["tool"]["name"] == "portcheck" and 0 <= doc["scores"]["overall"] <= 100
    assert list(tmp_path.iterdir()) == []  # nothing written where it was not asked


def test_output_file_and_dash(polished_repo, tmp_path):
    target = tmp_path / "out.sarif"
    proc = run_cli(str(polished_repo), "--format", "sarif", "-o", str(target), cwd=tmp_path)
    assert proc.returncode == 0 and json.loads(target.read_text())["version"] == "2.1.0"
    proc = run_cli(str(polished_repo), "--format", "html", "-o", "-", cwd=tmp_path)
    assert proc.stdout.startswith("<!DOCTYPE html>")


def test_output_through_a_symlink_or_device_writes_through_it_and_keeps_the_link(polished_repo, tmp_path):
    real = tmp_path / "reports" / "real.json"
    real.parent.mkdir()
    real.write_text("old")
    (tmp_path / "latest.json").symlink_to(real)
    (tmp_path / "null").symlink_to("/dev/null")
    assert run_cli(str(polished_repo), "-f", "json", "-o", "latest.json", cwd=tmp_path).returncode == 0
    assert (tmp_path / "latest.json").is_symlink() and json.loads(real.read_text())["tool"]["name"] == "portcheck"
    assert run_cli(str(polished_repo), "-f", "json", "-o", "null", cwd=tmp_path).returncode == 0
    assert (tmp_path / "null").is_symlink() and Path("/dev/null").is_char_device()


def test_fail_under_exits_1_below_the_threshold_and_0_at_or_above(polished_repo, tmp_path):
    score = json.loads(run_cli(str(polished_repo), "-f", "json").stdout)["scores"]["overall"]
    assert run_cli(str(polished_repo), "-f", "json", "--fail-under", str(score + 1)).returncode == 1
    assert run_cli(str(polished_repo), "-f", "json", "--fail-under", str(score)).returncode == 0


def test_select_and_ignore_choose_which_checks_run(polished_repo):
    doc = json.loads(run_cli(str(polished_repo), "-f", "json", "--select", "QA", "--ignore", "QA101").stdout)
    ids = {c["id"] for c in doc["checks"]}
    assert ids and all(i.startswith("QA") for i in ids) and "QA101" not in ids
    assert doc["ignored"]["QA101"] == "ignored on the command line"


def test_repository_config_ignores_with_reason_and_reports_unknown_ids(tmp_path):
    repo = copy_sample("average", tmp_path, with_git=False)
    (repo / "pyproject.toml").write_text(
        '[tool.portcheck]\nignore = { QA107 = "generated elsewhere", ZZ999 = "typo" }\nfail-under = 100\n')
    proc = run_cli(str(repo), "-f", "json")
    doc = json.loads(proc.stdout)
    assert doc["ignored"] == {"QA107": "generated elsewhere"}
    assert any("ZZ999" in n["message"] for n in doc["scan_notes"])
    assert proc.returncode == 1  # fail-under from [tool.portcheck]


def test_checks_lists_and_explain_documents(tmp_path):
    listing = run_cli("checks").stdout.splitlines()
    assert any(line.startswith("RD101 ") for line in listing)
    text = run_cli("explain", "qa101").stdout
    assert text.startswith("QA101: ") and "Why a panel cares" in text and "How to fix" in text


def test_also_writes_more_formats_of_the_same_scan(polished_repo, tmp_path):
    proc = run_cli(str(polished_repo), "-f", "json", "--also", "markdown=summary.md",
                   "--also", "sarif=out.sarif", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    overall = json.loads(proc.stdout)["scores"]["overall"]
    assert f"{overall}/100" in (tmp_path / "summary.md").read_text()
    assert json.loads((tmp_path / "out.sarif").read_text())["version"] == "2.1.0"


def test_also_with_an_unknown_format_is_a_usage_error_before_scanning(polished_repo, tmp_path):
    proc = run_cli(str(polished_repo), "-f", "json", "--also", "pdf=out.pdf", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "unknown format 'pdf'" in proc.stderr
    assert proc.stdout == "" and list(tmp_path.iterdir()) == []
