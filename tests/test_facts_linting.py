"""Linter/formatter facts: config files, pyproject tables, ini sections, pre-commit hooks, CI steps."""
from __future__ import annotations

import textwrap
from pathlib import Path

from gitutil import write_files

from portcheck.analyzer.facts.ci import detect_ci
from portcheck.analyzer.facts.dependencies import detect_dependencies
from portcheck.analyzer.facts.linting import detect_linting
from portcheck.analyzer.repo import RepoView


def linting(root: Path, files: dict):
    write_files(root, files)
    repo = RepoView(root)
    return detect_linting(repo, detect_ci(repo), detect_dependencies(repo))


def tool(facts, name):
    return next(t for t in facts.tools if t.name == name)


PYPROJECT = textwrap.dedent("""\
    [project]
    name = "churn"
    dependencies = ["pandas==2.2.2"]

    [tool.black]
    line-length = 100

    [tool.ruff.lint]
    select = ["E", "F"]

    [[tool.mypy.overrides]]
    module = "x"

    [tool.pytest.ini_options]
    testpaths = ["tests"]
    """)

PRE_COMMIT = textwrap.dedent("""\
    repos:
      - repo: https://github.com/pre-commit/pre-commit-hooks
        rev: v4.6.0
        hooks:
          - id: trailing-whitespace
      - repo: https://github.com/astral-sh/ruff-pre-commit
        rev: v0.6.9
        hooks:
          - id: ruff
            args: [--fix]
          - id: ruff-format
      - repo: https://github.com/nbQA-dev/nbQA
        rev: 1.8.5
        hooks:
          - id: nbqa-black
      - repo: local
        hooks:
          - id: typecheck
            name: types
            entry: mypy src
            language: system
    """)


def test_pyproject_tables_are_found_with_their_lines(tmp_path: Path) -> None:
    facts = linting(tmp_path, {"pyproject.toml": PYPROJECT})
    assert [(t.name, t.kind) for t in facts.tools] == [("black", "formatter"), ("mypy", "type checker"),
                                                        ("ruff", "linter")]
    assert [(e.path, e.line) for e in tool(facts, "ruff").configs] == [("pyproject.toml", 8)]
    assert tool(facts, "black").configs[0].excerpt == "[tool.black]"
    assert facts.present and not any(t.enforced for t in facts.tools)


def test_config_files_and_ini_sections_count_anywhere_but_vendored_folders(tmp_path: Path) -> None:
    facts = linting(tmp_path, {
        ".flake8": "[flake8]\nmax-line-length = 100\n",
        "service/setup.cfg": "[metadata]\nname = x\n\n[tool:isort]\nprofile = black\n\n[pylint.MESSAGES CONTROL]\ndisable = C\n",
        "tox.ini": "[tox]\nenvlist = py311\n\n[pep8]\nmax-line-length = 100\n",
        "ruff.toml": "line-length = 100\n",
        "third_party/lib/pyproject.toml": "[tool.ruff]\nline-length = 80\n",
    })
    places = {t.name: [(e.path, e.line) for e in t.configs] for t in facts.tools}
    assert places == {"flake8": [(".flake8", None)], "isort": [("service/setup.cfg", 4)],
                      "pylint": [("service/setup.cfg", 7)], "pycodestyle": [("tox.ini", 4)],
                      "ruff": [("ruff.toml", None)]}


def test_pre_commit_hooks_name_tools_by_id_and_entry_with_lines(tmp_path: Path) -> None:
    facts = linting(tmp_path, {".pre-commit-config.yaml": PRE_COMMIT})
    assert facts.pre_commit_hooks == ("trailing-whitespace", "ruff", "ruff-format", "nbqa-black", "typecheck")
    assert [(e.line, e.excerpt) for e in tool(facts, "ruff").hooks] == [(9, "pre-commit hook ruff"),
                                                                       (11, "pre-commit hook ruff-format")]
    assert [e.line for e in tool(facts, "black").hooks] == [15]
    assert [e.line for e in tool(facts, "mypy").hooks] == [18]
    assert all(t.enforced for t in facts.tools) and not facts.pre_commit_in_ci


def test_ci_lint_steps_and_pre_commit_in_ci_are_recognised(tmp_path: Path) -> None:
    workflow = textwrap.dedent("""\
        on: push
        jobs:
          lint:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - uses: pre-commit/action@v3.0.1
              - run: pip install flake8 && flake8 src --max-line-length 100
              - uses: psf/black@stable
        """)
    facts = linting(tmp_path, {".github/workflows/lint.yml": workflow, ".pre-commit-config.yaml": PRE_COMMIT})
    assert facts.pre_commit_in_ci
    assert [(e.path, e.line) for e in tool(facts, "flake8").ci] == [(".github/workflows/lint.yml", 8)]
    assert [e.line for e in tool(facts, "black").ci] == [9]
    assert len(facts.ci_steps) == 3


def test_a_tool_only_declared_as_a_dependency_is_not_configured(tmp_path: Path) -> None:
    facts = linting(tmp_path, {"requirements-dev.txt": "black==24.4.2\npytest==8.2.0\n"})
    black = tool(facts, "black")
    assert not black.configured and [(e.path, e.line) for e in black.declared] == [("requirements-dev.txt", 1)]
    assert facts.declared_only == (black,) and not facts.present


def test_pre_commit_without_lint_hooks_and_malformed_config(tmp_path: Path) -> None:
    only_whitespace = "repos:\n  - repo: local\n    hooks:\n      - id: trailing-whitespace\n"
    facts = linting(tmp_path / "a", {".pre-commit-config.yaml": only_whitespace})
    assert facts.pre_commit is not None and facts.tools == () and not facts.present
    broken = linting(tmp_path / "b", {".pre-commit-config.yaml": "repos: [\n  - id: ruff\n"})
    assert broken.tools == () and broken.problems[0].excerpt.startswith("malformed YAML")


def test_repository_without_any_tool(tmp_path: Path) -> None:
    facts = linting(tmp_path, {"train.py": "print(1)\n", "setup.cfg": "[metadata]\nname = x\n"})
    assert facts.tools == () and facts.pre_commit is None and not facts.present


def test_makefile_recipe_running_a_linter_counts_as_configured(tmp_path: Path) -> None:
    makefile = "install:\n\tpip install -r requirements.txt\n\nlint:\n\t@flake8 src\n\techo black is next\n\nfmt:\n\tblack src\n"
    facts = linting(tmp_path, {"Makefile": makefile, "requirements.txt": "flake8==7.0.0\n"})
    flake8 = tool(facts, "flake8")
    assert flake8.configured and not flake8.enforced
    assert [(e.line, e.excerpt) for e in flake8.make] == [(5, "make lint: flake8 src")]
    assert [e.line for e in tool(facts, "black").make] == [9]
