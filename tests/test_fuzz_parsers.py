"""Fuzzing the parsers that read repository text: README, dependency declarations, notebooks, YAML and
the `[tool.portcheck]` table. Whatever the text, a detector returns its facts (malformed input becomes a
problem or None) and never raises; a whole scan of a generated repository gives a result of a known
status for every check.

Examples are drawn from token soups close to each format (so that they reach the parsers' deep paths,
not only their first error) and are derandomised, so CI runs the same cases every time;
`PORTCHECK_FUZZ=5000 pytest tests/test_fuzz_parsers.py` fuzzes longer with fresh randomness. Each bug
the fuzzing found is pinned below as an `@example`.
"""
from __future__ import annotations

import json
import os
import string
from pathlib import Path

import yaml
from gitutil import write_files
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from portcheck.analyzer.config import Config, read_repo_config
from portcheck.analyzer.facts.dependencies import detect_dependencies
from portcheck.analyzer.facts.notebooks import detect_notebooks
from portcheck.analyzer.facts.readme import detect_readme, load_readme
from portcheck.analyzer.facts.yamlsafe import YamlRefused, load_yaml, try_load_yaml
from portcheck.analyzer.model import Status
from portcheck.analyzer.repo import RepoView
from portcheck.analyzer.scan import scan
from portcheck.analyzer.sources import Sources, parse_notebook
from portcheck.reports import json_report, markdown

# PORTCHECK_FUZZ=N fuzzes for longer: N examples per test, freshly random (the default run is fixed).
LONG_RUN = int(os.environ.get("PORTCHECK_FUZZ", "0"))
FUZZ = settings(derandomize=not LONG_RUN, deadline=None, database=None, max_examples=LONG_RUN or 1000,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def soup(tokens: list[str], *, max_size: int = 40) -> st.SearchStrategy[str]:
    """Texts made of format tokens with a little arbitrary text between them."""
    piece = st.sampled_from(tokens) | st.text(alphabet=string.printable + "é€±→\x00\ufeff\u202e", max_size=6)
    return st.lists(piece, max_size=max_size).map("".join)


COMMON = ["\n", "\r\n", " ", "  ", "\t", "#", "\\", "\x00", "'", '"', "=", ":", ",", ".", "-", "[", "]", "{", "}"]

MARKDOWN = COMMON + [
    "# ", "## ", "```", "```python\n", "~~~", "    ", "| ", " | ", "|---|", "- ", "* ", "1. ", "> ", "**", "_",
    "[link](", "](docs/x.png)", "![", "<img src=", "<a href='", "<table><tr><td>", "</td></tr></table>",
    "<!--", "-->", "<script>", "<h2>", "</h2>", "`", "accuracy", "F1", "ROC-AUC", "0.93", "93%", "±", "+/-",
    " of ", "baseline", "USD", "$1,000", "1,", "epoch", "test set", "80/20", "split", "Results", "Data",
    "pip install -r requirements.txt", "python train.py", "@article{x,", "https://arxiv.org/abs/1234",
    "=====", "-----", "..", "::", ".. image:: x.png", "sd ", "std", "dev:", "For", "Classification",
]
REQUIREMENTS = COMMON + [
    "numpy", "scikit-learn", "==", ">=", "<", "~=", "===", "1.2.3", "*", "[extra]", ";", " ; python_version<'3.9'",
    "-r ", "-c ", "-e ", "--requirement=", "requirements.txt", "../outside.txt", "/etc/passwd", "--index-url ",
    "--extra-index-url ", "--hash=sha256:", "--pre", "file:///etc/passwd", " @ ", "git+https://h/x.git@",
    "abcdef1234567", "#egg=", ".whl", ".tar.gz", "./local", "http://", "\\\n",
]
TOML = COMMON + [
    "[project]\n", "[tool.portcheck]\n", "[tool.poetry.dependencies]\n", "[packages]\n", "[dev-packages]\n",
    "[[package]]\n", "dependencies = ", "select = ", "ignore = ", "fail-under = ", "fail-under-area = ",
    "requires-python = ", "name = ", "version = ", '"numpy>=1"', '"RD"', "readme = 70", "{ ", " }", "[ ", " ]",
    "a.b.c", '"""', "'''", "true", "101", "-1", "1979-05-27", "inf", "nan", "0x1F", "1_000", "python",
]
SETUP_CFG = COMMON + [
    "[metadata]\n", "[options]\n", "[options.extras_require]\n", "name = ", "install_requires =\n",
    "    numpy==1.0\n", "python_requires = ", "%(x)s", "file: requirements.txt", ";",
]
CONDA = COMMON + [
    "name: env\n", "channels:\n", "dependencies:\n", "  - ", "pip:\n", "    - ", "numpy=1.2.3", "python=3.11",
    "conda-forge::", "&a ", "*a", "!!python/object/apply:os.system ['true']", "package:\n", "requirements:\n",
    "  run:\n", "{% set v = 1 %}", "{{ v }}", "{%", "{{",
]
YAML_TOKENS = COMMON + [
    "- ", ": ", "key", "&a ", "*a", "<<: *a", "? ", "|\n", ">\n", "---\n", "...\n", "%YAML 1.1\n", "!!binary ",
    "!!python/object/apply:os.system ['true']", "!!python/name:os.system", "!!str ", "!!int ", "!!timestamp ",
    "2001-12-14t21:59:43.10-05:00", "1e400", "0o777", "~", "null", "yes", "[a, b]", "{a: 1}",
]
NOTEBOOK_KEYS = ["cells", "cell_type", "source", "outputs", "execution_count", "nbformat", "nbformat_minor",
                 "metadata", "worksheets", "output_type", "traceback", "ename", "evalue", "data", "text",
                 "input", "prompt_number", "code", "markdown", "error", "stream", "image/png", "text/html"]
JSON_LEAF = (st.none() | st.booleans() | st.integers(-3, 5) | st.floats(allow_nan=False)
             | st.sampled_from(NOTEBOOK_KEYS + [4, 3, 5, "x = 1\n", "%matplotlib inline", "import numpy"])
             | st.text(max_size=8))
JSON_VALUE = st.recursive(JSON_LEAF, lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(st.sampled_from(NOTEBOOK_KEYS), inner, max_size=5), max_leaves=25)


def view(root: Path, files: dict[str, str | bytes]) -> RepoView:
    """`files` written into the new folder `root`, and a repository view of it."""
    write_files(root, files)
    return RepoView(root)


# ----- README --------------------------------------------------------------------------------------


@FUZZ
@given(text=soup(MARKDOWN, max_size=60), name=st.sampled_from(["README.md", "README.rst", "README.txt", "README"]))
@example(text="# T\n\n" + "1," * 3000 + " USD saved", name="README.md")
@example(text="Data\n====\n\n.. image:: " + "x" * 500 + "\n", name="README.rst")
def test_readme_facts_never_raise(tmp_path_factory, text, name):
    repo = view(tmp_path_factory.mktemp("readme"), {name: text})
    facts = detect_readme(repo, load_readme(repo))
    schema = facts.to_schema()
    assert schema["present"] and schema["path"] == name
    assert all(isinstance(m, str) for m in schema["metric_names"])


# ----- dependency declarations --------------------------------------------------------------------

DECLARATIONS = {
    "requirements.txt": soup(REQUIREMENTS), "requirements/dev.txt": soup(REQUIREMENTS),
    "pyproject.toml": soup(TOML), "Pipfile": soup(TOML), "poetry.lock": soup(TOML),
    "setup.cfg": soup(SETUP_CFG), "environment.yml": soup(CONDA), "recipe/meta.yaml": soup(CONDA),
    "conda-lock.yml": soup(CONDA), "Pipfile.lock": st.builds(json.dumps, JSON_VALUE),
    "setup.py": soup(COMMON + ["setup(", "install_requires=", "['numpy']", "extras_require=", "{'a': x}", ")",
                               "name=", "python_requires=", "+", "deps"]),
}


@FUZZ
@given(files=st.fixed_dictionaries({}, optional=DECLARATIONS))
@example(files={"requirements.txt": "-r requirements.txt\n-r requirements/dev.txt\n",
                "requirements/dev.txt": "-r ../requirements.txt\n-c /etc/passwd\n"})
@example(files={"recipe/meta.yaml": "package:\n  name: x\nrequirements:\n  run:\n    - numpy\n" + "{%" * 2000})
@example(files={"setup.cfg": "[options]\ninstall_requires =\n    numpy" + " " * 5000 + "x\n"})
@example(files={"pyproject.toml": "a" + ".a" * 2000 + " = 1\n"})
def test_dependency_facts_never_raise(tmp_path_factory, files):
    repo = view(tmp_path_factory.mktemp("deps"), files)
    facts = detect_dependencies(repo)
    assert facts.to_schema()["pinning"] in ("all", "partial", "none", "absent")
    written = set(files)
    assert {e.path for e in facts.unparseable} <= written
    assert {d.evidence.path for d in facts.dependencies} <= written


# ----- notebooks -----------------------------------------------------------------------------------


@FUZZ
@given(document=JSON_VALUE, cut=st.integers(0, 400))
@example(document={"nbformat": 3, "worksheets": [{"cells": [{"cell_type": "code", "input": 1}]}]}, cut=400)
@example(document={"nbformat": 4, "cells": [{"cell_type": "code", "outputs": [{"output_type": "error"}]}]}, cut=400)
def test_notebook_reading_never_raises(tmp_path_factory, document, cut):
    whole = json.dumps(document)
    for text in (whole, whole[:cut]):  # the document, and the document cut short as a bad merge leaves it
        notebook = parse_notebook("n.ipynb", text)
        assert notebook.error is not None or isinstance(notebook.cells, tuple)
    repo = view(tmp_path_factory.mktemp("nb"), {"n.ipynb": whole, "cut.ipynb": whole[:cut]})
    facts = detect_notebooks(Sources(repo))
    assert facts.to_schema()["count"] == 2


# ----- YAML and TOML -------------------------------------------------------------------------------


def plain(value) -> bool:
    """Only what a safe YAML loader builds: no object of any other class."""
    if isinstance(value, dict):
        return all(plain(k) and plain(v) for k, v in value.items())
    if isinstance(value, (list, tuple, set)):
        return all(plain(v) for v in value)
    return value is None or type(value).__module__ in ("builtins", "datetime")


@FUZZ
@given(text=soup(YAML_TOKENS, max_size=50))
@example(text="a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c, *c, *c]\n")
@example(text="!!python/object/apply:os.system ['true']\n")
@example(text='timeout-minutes: !!int ""\n')  # found by fuzzing: IndexError escaped try_load_yaml
@example(text="on: !!timestamp x\n")           # found by fuzzing: AttributeError escaped try_load_yaml
@example(text='cache: !!bool ""\n')            # found by fuzzing: KeyError escaped try_load_yaml
def test_yaml_loader_raises_only_its_own_errors_and_builds_only_plain_values(text):
    try:
        documents, failed = load_yaml(text), False
    except (YamlRefused, yaml.YAMLError):
        documents, failed = [], True
    assert plain(documents)
    assert try_load_yaml(text) == (documents, None) or (failed and try_load_yaml(text)[0] == [])


@FUZZ
@given(text=soup(TOML, max_size=50))
@example(text='[tool.portcheck]\nselect = "RD"\nignore = [1]\nfail-under = true\nfail-under-area = { x = 1 }\n')
@example(text="[tool.portcheck]\nfail-under-area = []\nunknown = 1\n")
def test_repository_config_never_raises(tmp_path_factory, text):
    repo = view(tmp_path_factory.mktemp("toml"), {"pyproject.toml": text})
    config = read_repo_config(repo)
    assert isinstance(config, Config) and all(isinstance(p, str) for p in config.problems)
    assert config.fail_under is None or 0 <= config.fail_under <= 100


# ----- a whole scan --------------------------------------------------------------------------------


@settings(FUZZ, max_examples=max(40, LONG_RUN // 20))
@given(readme=soup(MARKDOWN, max_size=30), requirements=soup(REQUIREMENTS, max_size=20), notebook=JSON_VALUE)
def test_a_scan_of_a_generated_repository_gives_a_known_status_for_every_check(tmp_path_factory, readme,
                                                                                requirements, notebook):
    root = tmp_path_factory.mktemp("scan")
    write_files(root, {"README.md": readme, "requirements.txt": requirements, "analysis.ipynb": json.dumps(notebook)})
    report = scan(root)
    assert report.checks and all(isinstance(r.status, Status) for r in report.checks)
    assert not [r for r in report.checks if r.status is Status.ERROR]
    json.loads(json_report.render(report))
    assert markdown.render(report)
