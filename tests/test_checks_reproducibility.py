"""Reproducibility checks on small projects written for the purpose."""
from conftest import check_result
from portcheck.analyzer.model import Status


def test_unpinned_dependencies_get_a_pip_freeze_line_that_prints_the_exact_pins(tmp_path):
    result = check_result(tmp_path, {"requirements.txt": "pandas==2.2.2\nscikit-learn>=1.0\ntyping_extensions\n"},
                          "RP102")
    assert result.status is Status.WARN
    assert "scikit[-_.]learn|typing[-_.]extensions" in result.fix
    assert [e.line for e in result.evidence] == [2, 3]


def test_every_dependency_pinned_passes_and_none_pinned_fails(tmp_path):
    assert check_result(tmp_path / "a", {"requirements.txt": "pandas==2.2.2\n"}, "RP102").status is Status.PASS
    assert check_result(tmp_path / "b", {"requirements.txt": "pandas\n"}, "RP102").status is Status.FAIL


def test_python_version_from_python_version_file_or_warned_when_absent(tmp_path):
    files = {"requirements.txt": "pandas==2.2.2\n"}
    assert check_result(tmp_path / "a", files, "RP108").status is Status.WARN
    stated = dict(files, **{".python-version": "3.11\n"})
    result = check_result(tmp_path / "b", stated, "RP108")
    assert result.status is Status.PASS and result.evidence[0].path == ".python-version"
