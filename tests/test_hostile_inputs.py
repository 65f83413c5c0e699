"""Malformed input, scanned end to end: every broken file becomes a finding that names it (a check
result's evidence or a scan note), the command never shows a traceback, nothing in the files runs,
nothing outside the repository is read, and the repository is byte-identical afterwards.

Complements sample_projects/malformed (scanned by test_scan.py for "no check breaks"): here each broken
input is asserted to be *reported*, with and without git where it matters, and the git object database
itself is damaged. A missing path and a path that is a file are usage errors (test_cli.py).
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from conftest import check_result, run_cli
from gitutil import git, make_git_repo, tree_snapshot, write_files
from nbformat import v3

from portcheck.analyzer.model import Status

BINARY = bytes(range(256)) * 8


def scan_json(repo: Path, cwd: Path) -> dict:
    """`portcheck REPO --format json`: a report (exit 0 or 1), no traceback, the tree left as it was."""
    before = tree_snapshot(repo)
    proc = run_cli(str(repo), "--format", "json", cwd=cwd)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
    assert tree_snapshot(repo) == before
    return json.loads(proc.stdout)


def make_repo(root: Path, files: dict[str, str | bytes], *, with_git: bool = True) -> Path:
    """`files` under ROOT, committed in a fresh repository when `with_git`."""
    if with_git:
        make_git_repo(root, files)
    else:
        root.mkdir(parents=True)
        write_files(root, files)
    return root


def unreadable(doc: dict) -> dict[tuple[str, int | None], str]:
    """QA115's evidence: (path, line) -> the reason the file could not be read."""
    result = next(c for c in doc["checks"] if c["id"] == "QA115")
    return {(e["path"], e.get("line")): e.get("excerpt") or "" for e in result["evidence"]}


def reason(doc: dict, path: str, line: int | None = None) -> str:
    found = unreadable(doc)
    assert (path, line) in found, f"{path}:{line} not reported; reported: {sorted(found, key=str)}"
    return found[(path, line)]


def notes_on(doc: dict, path: str) -> list[str]:
    return [f"{n['kind']}: {n['message']}" for n in doc["scan_notes"] if n.get("path") == path]


# ----- packaging files -----------------------------------------------------------------------------


@pytest.mark.parametrize("with_git", [True, False], ids=["git", "no-git"])
def test_broken_packaging_files_are_each_named_with_the_reason(tmp_path, with_git):
    repo = make_repo(tmp_path / "repo", {
        "README.md": "# Churn\n",
        "pyproject.toml": "[project\nname = 'churn'\n",
        "tools/pyproject.toml": BINARY,
        "legacy/pyproject.toml": "a" + ".a" * 5000 + " = 1\n",  # tomllib's time grows with the square of this
        "setup.cfg": "install_requires = numpy\n[options\n",
        "legacy/setup.cfg": "[options]\ninstall_requires =\n    numpy" + " \t" * 20000 + "x\n",  # configparser's too
        "setup.py": "from setuptools import setup\nsetup(name='churn', install_requires=['numpy'\n",
    }, with_git=with_git)
    doc = scan_json(repo, tmp_path)
    assert "TOML" in reason(doc, "pyproject.toml", 1)
    assert "TOML" in reason(doc, "tools/pyproject.toml", 1)
    assert "dotted key of more than 100 parts" in reason(doc, "legacy/pyproject.toml", 1)
    assert "MissingSectionHeaderError" in reason(doc, "setup.cfg", 1)
    assert "a line of 40010 characters" in reason(doc, "legacy/setup.cfg")
    assert "syntax error at line 2" in reason(doc, "setup.py")
    assert any("not valid TOML" in n for n in notes_on(doc, "pyproject.toml"))


# ----- requirements --------------------------------------------------------------------------------

REQUIREMENTS = "\n".join([
    "-r requirements.txt",                     # 1: includes itself
    "-r requirements/a.txt",                   # 2: a.txt and b.txt include each other
    "-r ../outside.txt",                       # 3
    "-r /etc/passwd",                          # 4
    "-r missing.txt",                          # 5
    "-r https://127.0.0.1:9/more.txt",         # 6
    "--index-url https://127.0.0.1:9/simple",  # 7: options, not dependencies
    "--extra-index-url https://127.0.0.1:9/x",
    "-e .",
    "--pre",
    "--no-binary :all: --only-binary=:none:",
    "file:///etc/passwd",                      # 12: a local file URL: declared, not pinned, never read
    "mypkg @ file:///x",                       # 13
    "numpy>=>1",                               # 14
    "bad\x00name==1.0",                        # 15
    "scipy==1.11.4\r",                         # 16: a CRLF line, pinned
    "long" + "x" * 100_000 + "==1.0",          # 17: a 100 KB line, pinned
    "torch" + " " * 50_000 + "--hash=sha256:" + "0" * 64,  # 18: a 50,000-space run before an option
    "pandas  # " + "#" * 50_000,               # 19
]) + "\n"


def test_every_broken_requirement_shape_is_named_and_nothing_outside_is_read(tmp_path):
    (tmp_path / "outside.txt").write_text("outside-canary-package==6.6.6\n")
    repo = make_repo(tmp_path / "repo", {
        "README.md": "# Churn\n",
        "requirements.txt": REQUIREMENTS,
        "requirements/a.txt": "-r b.txt\nrequests==2.31.0\n",
        "requirements/b.txt": "-r a.txt\nflask==3.0.0\n",
    })
    doc = scan_json(repo, tmp_path)
    assert "outside the repository" in reason(doc, "requirements.txt", 3)
    assert "outside the repository" in reason(doc, "requirements.txt", 4)
    assert "not found" in reason(doc, "requirements.txt", 5)
    assert "remote include not followed" in reason(doc, "requirements.txt", 6)
    assert "not a valid requirement: numpy>=>1" in reason(doc, "requirements.txt", 14)
    assert "not a valid requirement: bad\ufffdname" in reason(doc, "requirements.txt", 15)  # NUL shown as U+FFFD
    assert {"requirements/a.txt", "requirements/b.txt"} <= set(doc["facts"]["dependencies"]["files"])
    pinning = next(c for c in doc["checks"] if c["id"] == "RP102")
    assert {(e["path"], e["line"]) for e in pinning["evidence"]} == {
        ("requirements.txt", 12), ("requirements.txt", 13), ("requirements.txt", 18), ("requirements.txt", 19)}
    assert len(pinning["message"]) < 300  # names are cut in messages
    text = json.dumps(doc)
    assert "outside-canary-package" not in text and "root:x:0:0" not in text


def test_a_requirements_file_of_options_only_has_nothing_to_pin(tmp_path):
    files = {"requirements.txt": "--index-url https://127.0.0.1:9/simple\n-e .\n--pre\n\n# nothing else\n"}
    result = check_result(tmp_path / "repo", files, "RP102")
    assert result.status is Status.SKIP and "nothing to pin" in result.message


# ----- notebooks -----------------------------------------------------------------------------------


def test_unreadable_notebooks_are_named_and_an_nbformat_3_notebook_is_read(tmp_path):
    good = nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", execution_count=1)]))
    old = v3.new_notebook(worksheets=[v3.new_worksheet(cells=[v3.new_code_cell(
        input="1 / 0", prompt_number=1,
        outputs=[v3.new_output("pyerr", ename="ZeroDivisionError", evalue="division by zero", traceback=["..."])])])])
    repo = make_repo(tmp_path / "repo", {
        "README.md": "# Notebooks\n",
        "notebooks/ok.ipynb": good,
        "notebooks/v3.ipynb": nbformat.writes(old, version=3),
        "notebooks/truncated.ipynb": good[: len(good) // 2],
        "notebooks/no_cells.ipynb": json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}}),
        "notebooks/empty.ipynb": "",
        "notebooks/list.ipynb": "[1, 2, 3]",
        "notebooks/binary.ipynb": BINARY,
    })
    doc = scan_json(repo, tmp_path)
    for name in ("truncated", "no_cells", "empty", "list", "binary"):
        assert reason(doc, f"notebooks/{name}.ipynb")
    assert {path for path, _ in unreadable(doc)} == {f"notebooks/{n}.ipynb" for n in
                                                     ("truncated", "no_cells", "empty", "list", "binary")}
    errors = next(c for c in doc["checks"] if c["id"] == "QA101")
    assert errors["status"] == "fail" and [e["path"] for e in errors["evidence"]] == ["notebooks/v3.ipynb"]
    assert doc["facts"]["notebooks"]["count"] == 7


# ----- Python sources and binary files ----------------------------------------------------------


def test_latin1_nul_and_binary_files_are_named_and_a_declared_encoding_is_accepted(tmp_path):
    repo = make_repo(tmp_path / "repo", {
        "README.md": BINARY,
        "src/latin1.py": b"# Mod\xe8le de r\xe9gression\nx = 1\n",
        "src/latin1_late.py": b"x = 1\ny = 2\nname = 'caf\xe9'\n",
        "src/declared.py": b"# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n",
        "src/nul.py": b"x = 1\x00\ny = 2\n",
        "src/blob.py": BINARY,
        "src/ok.py": "def f():\n    return 1\n",
    })
    doc = scan_json(repo, tmp_path)
    assert "Python refuses to read it" in reason(doc, "src/latin1.py")
    assert "not valid utf-8 text at byte 23" in reason(doc, "src/latin1_late.py")
    assert "null bytes" in reason(doc, "src/nul.py")
    assert reason(doc, "src/blob.py")
    assert not {"src/declared.py", "src/ok.py"} & {path for path, _ in unreadable(doc)}
    assert any("not UTF-8" in n for n in notes_on(doc, "README.md"))


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16"])
def test_a_readme_that_is_not_utf8_is_read_and_only_real_damage_is_noted(tmp_path, encoding):
    text = "# Café churn\n\nThis project predicts which customers will churn next month with a gradient boosting model.\n"
    repo = make_repo(tmp_path / "repo", {"README.md": text.encode(encoding)})
    doc = scan_json(repo, tmp_path)
    assert doc["facts"]["readme"]["describes_purpose"] is True
    noted = notes_on(doc, "README.md")
    assert noted == ([] if encoding == "utf-16" else ["partly-read: README.md is not UTF-8 text: undecodable bytes "
                                                      "(the first at byte 5) were replaced"])


# ----- YAML with python tags ---------------------------------------------------------------------


def test_yaml_python_tags_never_run_anywhere_and_the_files_are_named(tmp_path):
    canary = tmp_path / "canary"
    payload = f"!!python/object/apply:os.system ['touch {canary}']"
    popen = f"!!python/object/new:subprocess.Popen [['touch', '{canary}']]"
    proof = tmp_path / "proof.yml"
    proof.write_text(f"x: {payload}\n")
    subprocess.run([sys.executable, "-c", f"import yaml; yaml.unsafe_load(open({str(proof)!r}).read())"],
                   check=True, timeout=60)
    assert canary.exists(), "the payload is live: an unsafe loader runs it"
    canary.unlink()
    repo = make_repo(tmp_path / "repo", {
        "README.md": "# Configs\n",
        "environment.yml": f"name: churn\ndependencies:\n  - {payload}\n  - numpy=1.26.4\n",
        ".github/workflows/ci.yml": f"on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
                                   f"      - run: {payload}\n      - run: pytest\n",
        ".pre-commit-config.yaml": f"repos:\n  - repo: {popen}\n",
        "configs/train.yaml": f"lr: {payload}\nval_split: {popen}\n",
        "mlruns/0/meta.yaml": f"name: {payload}\nexperiment_id: '0'\n",
        "conda/meta.yaml": f"package:\n  name: x\nrequirements:\n  run:\n    - {payload}\n",
    })
    doc = scan_json(repo, tmp_path)
    assert not canary.exists()
    for path in ("environment.yml", ".github/workflows/ci.yml", ".pre-commit-config.yaml", "conda/meta.yaml"):
        assert "YAML" in reason(doc, path), path


# ----- the git object database -------------------------------------------------------------------


def _garble_loose_tree(repo: Path) -> None:
    tree = git(repo, "rev-parse", "HEAD^{tree}")
    obj = repo / ".git" / "objects" / tree[:2] / tree[2:]
    obj.chmod(0o644)
    obj.write_bytes(b"not a zlib stream")


def _truncate_pack(repo: Path) -> None:
    git(repo, "repack", "-q", "-a", "-d")
    pack = next((repo / ".git" / "objects" / "pack").glob("*.pack"))
    pack.chmod(0o644)
    with open(pack, "r+b") as handle:
        handle.truncate(64)


@pytest.mark.parametrize("damage", ["no commits", "garbled loose object", "truncated pack"])
def test_a_damaged_or_empty_git_database_is_scanned_from_the_work_tree(tmp_path, damage):
    repo = tmp_path / "repo"
    if damage == "no commits":
        make_git_repo(repo)
        write_files(repo, {"README.md": "# Churn\n", "train.py": "print(1)\n"})
    else:
        make_git_repo(repo, {"README.md": "# Churn\n", "train.py": "print(1)\n"})
        (_garble_loose_tree if damage == "garbled loose object" else _truncate_pack)(repo)
    doc = scan_json(repo, tmp_path)
    assert doc["facts"]["readme"]["present"] is True
    history = next(c for c in doc["checks"] if c["id"] == "QA108")
    assert history["status"] == "skip"
    if damage != "no commits":
        assert doc["repo"]["commit"] is None
        assert any(n["kind"] == "git-unavailable" for n in doc["scan_notes"])


# ----- regular expressions over repository text ----------------------------------------------------

ADVERSARIAL = textwrap.dedent('''
    import sys
    import time
    from pathlib import Path

    from portcheck.analyzer.facts import ci, code_layout, dependencies, evaluation, task_vocabulary, workflow
    from portcheck.analyzer.project_files import _parse_toml
    from portcheck.analyzer.repo import RepoView
    from portcheck.analyzer.story import readme_text, results, steps_setting
    from portcheck.checks.notebooks import suggested_title

    N = 100_000
    cfg_repo = RepoView(Path(sys.argv[1]))
    cases = {
        "requirement comment": lambda: list(dependencies.logical_lines("numpy" + " " * N + "x")),
        "requirement options": lambda: dependencies._TRAILING_OPTIONS.split("torch" + " " * N + "x"),
        "conda lock names": lambda: dependencies._CONDA_LOCK_NAME.findall("\\n" * N),
        "recipe templates": lambda: dependencies.without_jinja("{%" * (N // 2) + "{{\\n" * (N // 3)),
        "dotted TOML key": lambda: _parse_toml("p.toml", "a." * N),
        "money": lambda: evaluation._MONEY.search("1," * (N // 2)),
        "std": lambda: evaluation._STD_WITH_NUMBER.search("sd" + " " * N),
        "progress": lambda: evaluation._PROGRESS.search("1" * N),
        "bare number": lambda: evaluation._BARE_NUMBER.fullmatch(" " * N + "1" * N + " " * N + "x"),
        "config keys": lambda: evaluation._CONFIG_CANDIDATE.search("dev" * (N // 3)),
        "jenkins step": lambda: ci._JENKINS_STEP.search("sh" + " " * N),
        "install": lambda: ci.installs_project(["pip", "install", "-f", "conda" * (N // 5)]),
        "run script": lambda: list(code_layout._RUNS_SCRIPT.finditer("\\n" * N)),
        "just recipe": lambda: workflow._JUST_RECIPE.match("a" * N),
        "estimator names": lambda: [p.search("For" * (N // 3)) for p, _ in task_vocabulary.NAME_PATTERNS],
        "dangling brackets": lambda: readme_text._DANGLING.sub("", " " * N + "x"),
        "generic column": lambda: results._GENERIC_COLUMN.search(" " * N + "x"),
        "setup.cfg long line": lambda: dependencies.detect_dependencies(cfg_repo),
        "percent": lambda: steps_setting._PERCENT.search("1" * N),
        "split sentence": lambda: steps_setting._SPLIT_SENTENCE.search("a" * N),
        "notebook copy name": lambda: suggested_title("-" * N + ".ipynb"),
    }
    for name, run in cases.items():
        started = time.perf_counter()
        run()
        print(f"{name}: {time.perf_counter() - started:.3f} s", flush=True)
    print(f"all {len(cases)} finished")
''')


def test_regular_expressions_over_repository_text_finish_on_adversarial_100kb_inputs(tmp_path):
    """Each of these backtracked quadratically or worse before it was made linear (or, for setup.cfg,
    is kept from configparser's pattern): on the same 100 KB inputs the old code took from seconds to
    far more than a minute each. A generous timeout, no timing asserts."""
    write_files(tmp_path, {"setup.cfg": "[metadata]\nname = x" + " \t" * 50_000 + "y\n"})
    proc = subprocess.run([sys.executable, "-c", ADVERSARIAL, str(tmp_path)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.endswith("all 21 finished\n"), proc.stdout
