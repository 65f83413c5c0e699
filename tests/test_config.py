"""[tool.portcheck] and command-line selection of checks."""
from pathlib import Path

from portcheck.analyzer.check import check
from portcheck.analyzer.config import CLI_REASON, read_repo_config, select_checks, with_cli
from portcheck.analyzer.model import Area, Outcome
from portcheck.analyzer.repo import RepoView


def _make(check_id: str):
    @check(check_id, area=Area.README, title=check_id)
    def func() -> Outcome:
        """Test check."""
        return Outcome.passed("ok")
    return func


CHECKS = [_make(i) for i in ("RD101", "RD102", "RP101", "QA101")]


def repo_with(tmp_path: Path, pyproject: str) -> RepoView:
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    return RepoView(tmp_path)


def test_repo_config_selects_ignores_with_reasons_and_sets_a_threshold(tmp_path):
    cfg = read_repo_config(repo_with(tmp_path, """
[tool.portcheck]
select = ["RD", "RP101"]
ignore = { RD102 = "the demo has no usage" }
fail-under = 60
"""))
    sel = select_checks(CHECKS, cfg)
    assert [c.id for c in sel.run] == ["RD101", "RP101"]
    assert sel.ignored == {"RD102": "the demo has no usage"}
    assert cfg.fail_under == 60 and sel.unknown == ()


def test_unknown_ids_are_reported(tmp_path):
    cfg = read_repo_config(repo_with(tmp_path, '[tool.portcheck]\nignore = ["ZZ999", "QA101"]\n'))
    sel = select_checks(CHECKS, cfg)
    assert sel.unknown == ("ZZ999",)
    assert "QA101" in sel.ignored


def test_cli_select_replaces_and_cli_ignore_adds(tmp_path):
    cfg = read_repo_config(repo_with(tmp_path, '[tool.portcheck]\nselect = ["RD"]\nignore = ["RD101"]\n'))
    merged = with_cli(cfg, select=["rp", "qa101"], ignore=["RP101"], fail_under=80)
    sel = select_checks(CHECKS, merged)
    assert [c.id for c in sel.run] == ["QA101"]
    assert sel.ignored["RP101"] == CLI_REASON
    assert merged.fail_under == 80


def test_malformed_config_is_a_problem_not_a_crash(tmp_path):
    cfg = read_repo_config(repo_with(tmp_path, "[tool.portcheck\nselect = ["))
    assert cfg.problems and "not valid TOML" in cfg.problems[0]
    cfg = read_repo_config(repo_with(tmp_path, '[tool]\nportcheck = 3\n'))
    assert cfg.problems == ("[tool.portcheck] is not a table; ignored",)
    cfg = read_repo_config(repo_with(tmp_path, '[tool.portcheck]\nselect = "RD"\nfail-under = 500\ncolour = 1\n'))
    assert len(cfg.problems) == 3 and cfg.select == () and cfg.fail_under is None


def test_no_pyproject_means_defaults(tmp_path):
    cfg = read_repo_config(RepoView(tmp_path))
    assert cfg.select == () and dict(cfg.ignore) == {} and cfg.problems == ()
