"""CI facts: which CI files exist, whether they run tests, and the bounded YAML loader."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from portcheck.analyzer.facts.ci import detect_ci, runs_test_runner, simple_commands
from portcheck.analyzer.facts.yamlsafe import YamlRefused, load_yaml
from portcheck.analyzer.repo import RepoView


def scan(root: Path, files: dict[str, str]):
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return detect_ci(RepoView(root))


WORKFLOW = """name: ci
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Run pytest later
        run: |
          pip install -r requirements.txt pytest
          ruff check .
          python -m pytest -q tests/
"""


def test_github_workflow_running_pytest(tmp_path):
    facts = scan(tmp_path, {".github/workflows/ci.yml": WORKFLOW})
    assert facts.to_schema() == {"present": True, "runs_tests": True, "files": [".github/workflows/ci.yml"]}
    [command] = facts.test_commands
    assert (command.path, command.line) == (".github/workflows/ci.yml", 12)
    assert facts.installs_project and facts.runs_linter


def test_installing_or_echoing_pytest_is_not_running_tests(tmp_path):
    facts = scan(tmp_path, {".gitlab-ci.yml": (
        "build:\n  name: pytest job\n  script:\n    - pip install pytest\n    - echo 'pytest later'\n"
        "    - python train.py\n")})
    assert facts.present and not facts.runs_tests


def test_make_target_is_followed_into_the_makefile(tmp_path):
    facts = scan(tmp_path, {
        ".travis.yml": "language: python\nscript:\n  - make ci\n",
        "Makefile": "ci: lint unit\n\nlint:\n\truff check .\n\nunit:\n\t@pytest -q\n",
    })
    assert facts.runs_tests
    assert any(e.path == "Makefile" and e.line == 7 for e in facts.test_configs)


def test_tox_circleci_and_jenkins(tmp_path):
    circle = scan(tmp_path / "a", {
        ".circleci/config.yml": ("jobs:\n  t:\n    steps:\n      - run:\n          name: Tests\n"
                                 "          command: tox -e py311\n"),
        "tox.ini": "[tox]\nenvlist = py311\n",
    })
    assert circle.runs_tests and [e.path for e in circle.test_configs] == ["tox.ini"]
    jenkins = scan(tmp_path / "b", {"Jenkinsfile": "pipeline {\n  stages { stage('t') { steps {\n    sh '''\n"
                                                   "      pip install .\n      pytest\n    '''\n  } } }\n}\n"})
    assert jenkins.runs_tests and jenkins.test_commands[0].line == 5


def test_no_ci_and_disabled_workflow(tmp_path):
    facts = scan(tmp_path, {".github/workflows/old.yml.disabled": WORKFLOW, "ci.yml": WORKFLOW})
    assert facts.to_schema() == {"present": False, "runs_tests": False, "files": []}


def test_alias_bomb_is_refused_quickly(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [" + ", ".join([f"*{previous}"] * 9) + "]\n"
    bomb += "jobs:\n  t:\n    steps:\n      - run: pytest\n"
    start = time.monotonic()
    facts = scan(tmp_path, {".github/workflows/bomb.yml": bomb})
    assert time.monotonic() - start < 2
    assert facts.present and not facts.runs_tests
    assert "refused" in (facts.problems[0].excerpt or "")


def test_malformed_yaml_is_a_problem_not_an_error(tmp_path):
    facts = scan(tmp_path, {".github/workflows/bad.yml": "jobs: [unclosed\n  - run: pytest\n"})
    assert facts.present and not facts.runs_tests
    assert facts.problems[0].path == ".github/workflows/bad.yml"


def test_load_yaml_refuses_recursion_and_deep_nesting():
    with pytest.raises(YamlRefused):
        load_yaml("a: &a [*a]\n")
    with pytest.raises(YamlRefused):
        load_yaml("[" * 5000 + "]" * 5000)
    assert load_yaml("a: &x {k: 1}\nb: *x\n") == [{"a": {"k": 1}, "b": {"k": 1}}]


def test_shell_command_recognition():
    assert any(runs_test_runner(w) for w in simple_commands("cd src && FOO=1 uv run pytest -x"))
    assert any(runs_test_runner(w) for w in simple_commands("bash scripts/run_tests.sh"))
    assert not any(runs_test_runner(w) for w in simple_commands("python -m pip install pytest tox"))
    assert not any(runs_test_runner(w) for w in simple_commands("curl -d @test_request.json http://x"))


PORTCHECK_WORKFLOW = """on: [push]
jobs:
  readiness:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pip install portcheck
      - run: portcheck . --fail-under 70
      - run: python -m portcheck.analyzer.cli . --format json
      - uses: someone/portcheck-action@v1
"""


def test_workflow_running_portcheck(tmp_path):
    facts = scan(tmp_path, {".github/workflows/ready.yml": PORTCHECK_WORKFLOW})
    assert facts.runs_portcheck_check
    assert [e.line for e in facts.runs_portcheck] == [8, 9, 10]
    assert facts.runs_portcheck[0].excerpt == "portcheck . --fail-under 70"


def test_installing_or_mentioning_portcheck_does_not_run_it(tmp_path):
    facts = scan(tmp_path, {".github/workflows/ci.yml": WORKFLOW.replace(
        "ruff check .", "pip install portcheck\n          echo portcheck")})
    assert facts.runs_portcheck == () and not facts.runs_portcheck_check
