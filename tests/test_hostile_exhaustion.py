"""Resource exhaustion: inputs past each bound of a scan (file sizes, parse sizes, nesting, JSON shape,
YAML nodes and aliases, file and folder counts), scanned end to end, and the bounds themselves.

The cases are bench/hostile.py's, built at test scale: each just past the bound it attacks (a file one
byte over the read cap, not 60 MB; 45 levels of folders, not 200). All of them go into one folder,
scanned once through the CLI; each must then be named by a scan note (or, for an input that is read
and judged, by its check's finding), with no traceback and the tree unchanged. bench/hostile.py scans
the same cases at full size and measures time and memory.
"""
from __future__ import annotations

import ast
import importlib.util
import json
import sys
import time
from pathlib import Path

import pytest
from test_hostile_paths import scan_reports

from portcheck.analyzer.facts.notebooks import inspect_notebook
from portcheck.analyzer.facts.yamlsafe import MAX_YAML_NODES, YamlRefused, load_yaml, try_load_yaml
from portcheck.analyzer.repo import Limits, RepoView
from portcheck.analyzer.scan import scan
from portcheck.analyzer.sources import (
    MAX_AST_DEPTH,
    MAX_JSON_DEPTH,
    MAX_PYTHON_CHARS,
    nests_deeper_than,
    parse_notebook,
    parse_python,
)

BENCH_HOSTILE = Path(__file__).resolve().parent.parent / "bench" / "hostile.py"
SCAN_SECONDS = 60  # the shared scan takes a few seconds; a bound that fails would take minutes


def _load_bench_cases():
    spec = importlib.util.spec_from_file_location("bench_hostile", BENCH_HOSTILE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


hostile = _load_bench_cases()
SHARED = [case for case in hostile.CASES if not case.accepted]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    """Every case past a bound, at test scale, in one folder scanned once through the CLI."""
    work = tmp_path_factory.mktemp("exhaustion")
    repo = work / "repo"
    repo.mkdir()
    for case in SHARED:
        case.build(repo, False)
    return scan_reports(repo, work)


def test_a_folder_of_every_input_past_a_bound_scans_quickly_and_completely(scanned):
    assert scanned.seconds < SCAN_SECONDS
    assert [r["id"] for r in scanned.doc["checks"] if r["status"] == "error"] == []


@pytest.mark.parametrize("case", SHARED, ids=lambda case: case.name)
def test_each_input_past_a_bound_is_named_by_a_scan_note_or_its_finding(case, scanned):
    assert hostile.naming(scanned.doc, case) != "-", case.what


def test_more_files_than_the_cap_are_noted_not_listed(tmp_path):
    hostile.CASES[[c.name for c in hostile.CASES].index("files-30k")].build(tmp_path, False)  # 300 files
    report = scan(tmp_path, limits=Limits(max_files=250))
    (note,) = [n for n in report.scan_notes if n.kind == "file-cap"]
    assert "250 files" in note.message and note.path


# ---- Python: size and nesting bounds -----------------------------------------------------------------

@pytest.mark.parametrize("source", [
    "(" * 200_000,                         # CPython's 200-bracket limit
    "x = " + "-" * 100_000 + "1",          # the parser's stack guard (MemoryError)
    "x = a" + ".b" * 100_000,              # RecursionError while building the tree
    "x = 1" + " + 1" * 250,                # parses, 250 levels deep
    'x = f"{' + "a + " * 300 + 'a}"',      # the same inside an f-string
    "".join(" " * i + "if x:\n" for i in range(101)) + " " * 101 + "pass\n",  # 101 indentation levels
    "#" * (MAX_PYTHON_CHARS + 1),          # one character past the size bound: not parsed at all
], ids=["parens", "unary", "attributes", "additions", "fstring", "indentation", "size"])
def test_python_past_a_bound_is_refused_as_over_bound_not_as_a_syntax_error(source):
    start = time.monotonic()
    module = parse_python("deep.py", source)
    assert time.monotonic() - start < 5
    assert module.tree is None and module.over_bound and module.error.startswith("not parsed: ")


def test_python_at_the_bounds_is_parsed():
    assert parse_python("ok.py", "#" * MAX_PYTHON_CHARS).tree is not None
    assert parse_python("ok.py", "if a: pass\n" + "elif a: pass\n" * 150).tree is not None  # 152 levels
    module = parse_python("bad.py", "def (:\n")
    assert module.error.startswith("syntax error") and not module.over_bound


def _depth(node: ast.AST) -> int:
    best, stack = 0, [(node, 1)]
    while stack:
        node, depth = stack.pop()
        best = max(best, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return best


CHAINS = {
    "additions": lambda n: "x = 1" + " + 1" * n, "attributes": lambda n: "x = a" + ".b" * n,
    "calls": lambda n: "x = a" + "()" * n, "subscripts": lambda n: "x = a" + "[1]" * n,
    "unary": lambda n: "x = " + "-" * n + "1", "not": lambda n: "x = " + "not " * n + "1",
    "conditionals": lambda n: "x = " + "a if b else " * n + "c", "lambdas": lambda n: "x = " + "lambda: " * n + "1",
    "elifs": lambda n: "if a: pass\n" + "elif a: pass\n" * n, "fstring": lambda n: 'x = f"{' + "a+" * n + 'a}"',
    "multiline": lambda n: "x = (1\n" + "+ 1\n" * n + ")", "decorator": lambda n: "@d(" + "a+" * n + "a)\ndef f(): pass",
}


@pytest.mark.parametrize("kind", sorted(CHAINS))
def test_depth_bound_agrees_with_the_exact_depth_around_the_limit(kind):
    for n in range(MAX_AST_DEPTH - 10, MAX_AST_DEPTH + 10):
        tree = ast.parse(CHAINS[kind](n))
        assert nests_deeper_than(tree, MAX_AST_DEPTH) == (_depth(tree) > MAX_AST_DEPTH), (kind, n)


# ---- notebooks: JSON shape, no validation -----------------------------------------------------------

def test_notebook_json_at_the_depth_bound_is_read_and_one_level_more_is_refused():
    # the document nests 6 levels down to an output's data: notebook, cells, cell, outputs, output, data
    inside = MAX_JSON_DEPTH - 6
    ok = parse_notebook("ok.ipynb", hostile.notebook_with_json("[" * inside + "]" * inside))
    deep = parse_notebook("deep.ipynb", hostile.notebook_with_json("[" * (inside + 1) + "]" * (inside + 1)))
    assert ok.error is None and len(ok.cells) == 1
    assert deep.over_bound and deep.error == f"not read: its JSON nests more than {MAX_JSON_DEPTH} levels deep"


def test_v3_notebook_whose_json_output_nests_too_deep_is_refused_after_conversion():
    payload = "[" * 150 + "]" * 150
    old = {"metadata": {}, "nbformat": 3, "nbformat_minor": 0, "worksheets": [{"cells": [{
        "cell_type": "code", "input": "x", "language": "python", "metadata": {}, "prompt_number": 1,
        "outputs": [{"output_type": "pyout", "json": payload, "metadata": {}}]}]}]}
    assert parse_notebook("old.ipynb", json.dumps(old)).over_bound


def test_invalid_notebook_that_takes_nbformats_validator_seconds_is_read_without_it():
    # nbformat.reads needs ~14 s for this 1.4 MB file (jsonschema describing 20,000 invalid outputs)
    text = hostile.notebook([hostile.code_cell("raise", [
        {"output_type": "error", "ename": "E", "evalue": "v", "traceback": [1]} for _ in range(20_000)])])
    start = time.monotonic()
    book = parse_notebook("invalid.ipynb", text)
    assert time.monotonic() - start < 2
    assert book.error is None and len(book.cells[0].outputs) == 20_000


def test_markdown_that_would_make_the_notebook_regexes_quadratic_is_inspected_in_linear_time():
    cells = [hostile.code_cell("x = 1", [])] + [{"cell_type": "markdown", "source": text} for text in (
        ["<" * 20_000] + ["results" + " " * 19_990 + "x"] * 100)]  # each took 0.5-0.8 s before
    book = parse_notebook("story.ipynb", hostile.notebook(cells))
    start = time.monotonic()
    report = inspect_notebook(book)
    assert time.monotonic() - start < 5
    assert report.narrative is not None and report.narrative.conclusion_cell is None


# ---- YAML: nodes, aliases, nesting ------------------------------------------------------------------

def test_alias_bomb_is_refused_at_once_and_noted_when_the_file_is_named(tmp_path):
    view = RepoView(tmp_path)
    start = time.monotonic()
    documents, reason = try_load_yaml(hostile.alias_bomb("on: push"), repo=view, path="ci.yml")
    assert time.monotonic() - start < 1
    assert documents == [] and "alias bomb" in reason
    assert [(n.kind, n.path) for n in view.notes] == [("not-parsed", "ci.yml")]


def test_big_yaml_is_refused_after_the_node_bound_not_after_composing_it_all():
    text = hostile.yaml_list(2 * 1024 * 1024 - 4096)  # ~100,000 list items: 300,000 nodes
    start = time.monotonic()
    with pytest.raises(YamlRefused, match=f"more than {MAX_YAML_NODES} nodes"):
        load_yaml(text)
    assert time.monotonic() - start < 5  # composing all of it took 6-27 s


def test_deep_yaml_is_refused_in_flow_and_block_style():
    with pytest.raises(YamlRefused):
        load_yaml("[" * 100_000 + "]" * 100_000)
    with pytest.raises(YamlRefused):
        load_yaml("".join("  " * i + "k:\n" for i in range(200)) + "  " * 200 + "v\n")


def test_malformed_yaml_is_not_noted_as_a_refusal(tmp_path):
    view = RepoView(tmp_path)
    assert try_load_yaml("jobs: [unclosed\n", repo=view, path="ci.yml")[1].startswith("malformed YAML")
    assert view.notes == []
