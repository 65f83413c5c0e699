"""pyproject.toml and Makefiles are read and parsed once per scan, and no parse failure escapes."""
from __future__ import annotations

from gitutil import write_files

from portcheck.analyzer.model import Status
from portcheck.analyzer.project_files import read_makefile, read_toml
from portcheck.analyzer.repo import RepoView
from portcheck.analyzer.scan import scan


def test_each_file_is_parsed_once_per_repository_view(tmp_path):
    write_files(tmp_path, {"pyproject.toml": '[project]\nname = "x"\n', "Makefile": "train:\n\tpython train.py\n"})
    repo = RepoView(tmp_path)
    assert read_toml(repo, "pyproject.toml") is read_toml(repo, "pyproject.toml")
    assert read_makefile(repo, "Makefile") is read_makefile(repo, "Makefile")
    assert read_makefile(repo, "Makefile").targets["train"].recipe == [(2, "python train.py")]
    assert read_toml(RepoView(tmp_path), "pyproject.toml") is not read_toml(repo, "pyproject.toml")
    assert read_toml(repo, "absent.toml") is None


def test_a_pathologically_nested_pyproject_is_a_finding_for_every_reader_not_an_error(tmp_path):
    write_files(tmp_path, {"pyproject.toml": "a = " + "[" * 50_000 + "\n", "train.py": "print(1)\n"})
    parsed = read_toml(RepoView(tmp_path), "pyproject.toml")
    assert parsed.data is None and parsed.error
    report = scan(tmp_path)
    assert [r.id for r in report.checks if r.status is Status.ERROR] == []
    assert any(n.kind == "config" and "not valid TOML" in n.message for n in report.scan_notes)
