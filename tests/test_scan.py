"""Whole scans: the invariants of DESIGN.md (read-only, contained, total, deterministic), the JSON
contract, and plugins."""
import json
import os
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, copy_sample, run_cli
from gitutil import git, make_git_repo, tree_snapshot

from portcheck.analyzer.model import Status
from portcheck.analyzer.registry import load_registry
from portcheck.analyzer.scan import scan
from portcheck.reports import json_report

SCHEMA = json.loads((Path(__file__).parent / "data" / "facts.schema.json").read_text())
SHARED_SCHEMA = ROOT.parent / "shared" / "facts.schema.json"
SAMPLES = sorted(p.name for p in (ROOT / "sample_projects").iterdir() if p.is_dir())


def test_bundled_facts_schema_is_the_shared_contract():
    if not SHARED_SCHEMA.exists():
        pytest.skip("../shared is not beside this checkout")
    assert json.loads(SHARED_SCHEMA.read_text()) == SCHEMA


@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_scans_with_valid_facts_and_no_broken_check(name, tmp_path):
    repo = copy_sample(name, tmp_path)
    report = scan(repo)
    doc = json.loads(json_report.render(report))
    jsonschema.validate(doc["facts"], SCHEMA)
    errors = [(r.id, r.message) for r in report.checks if r.status is Status.ERROR]
    assert errors == []
    assert set(doc["scores"]["areas"]) <= {"readme", "reproducibility", "metrics", "quality"}
    assert all(isinstance(tp["text"], str) and "evidence" in tp for tp in doc["talking_points"])


def test_samples_are_graded_in_order(tmp_path):
    scores = {n: scan(copy_sample(n, tmp_path)).scores.overall for n in ("polished", "average", "weak")}
    assert scores["polished"] > scores["average"] > scores["weak"], scores


def test_same_repository_same_commit_gives_byte_identical_json(polished_repo):
    first = run_cli(str(polished_repo), "--format", "json")
    second = run_cli(str(polished_repo), "--format", "json")
    assert first.returncode == 0 and first.stdout == second.stdout
    doc = json.loads(first.stdout)
    assert doc["repo"]["commit"] == git(polished_repo, "rev-parse", "HEAD")
    body = json.dumps({k: doc[k] for k in ("facts", "checks", "scores", "talking_points")})
    assert str(polished_repo) not in body and "/tmp" not in body


def hostile_repo(tmp_path: Path) -> tuple[Path, Path]:
    """A repository whose git config would run programs if git were ever run on it directly."""
    marker = tmp_path / "marker"
    hook = tmp_path / "touch-marker.sh"
    hook.write_text(f"#!/bin/sh\necho ran >> {marker}\ncat\n")
    hook.chmod(0o755)
    repo = tmp_path / "hostile"
    make_git_repo(repo, {"README.md": "# Hostile\n\nA project.\n", "train.py": "print('hi')\n",
                         ".gitattributes": "* filter=evil diff=evil\n"})
    with open(repo / ".git" / "config", "a") as fh:
        fh.write(f"[core]\n\tfsmonitor = {hook}\n\tpager = {hook}\n"
                 f"[filter \"evil\"]\n\tclean = {hook}\n\tsmudge = {hook}\n\trequired = true\n"
                 f"[diff \"evil\"]\n\ttextconv = {hook}\n[log]\n\tshowSignature = true\n"
                 f"[gpg]\n\tprogram = {hook}\n[alias]\n\tlog = !{hook}\n")
    hooks = repo / ".git" / "hooks"
    for name in ("post-checkout", "pre-commit", "post-index-change", "reference-transaction"):
        (hooks / name).write_text(f"#!/bin/sh\necho {name} >> {marker}\n")
        (hooks / name).chmod(0o755)
    return repo, marker


def test_fsmonitor_filters_and_hooks_in_repo_config_never_run_and_the_tree_is_unchanged(tmp_path):
    repo, marker = hostile_repo(tmp_path)
    before = tree_snapshot(repo)
    proc = run_cli(str(repo), "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["repo"]["commit"]
    assert not marker.exists()
    assert tree_snapshot(repo) == before


def test_html_scan_writes_nothing_into_the_repository(polished_repo, tmp_path):
    before = tree_snapshot(polished_repo)
    assert run_cli(str(polished_repo), "-o", str(tmp_path / "r.html"), cwd=tmp_path).returncode == 0
    assert tree_snapshot(polished_repo) == before


def test_a_folder_without_its_own_git_is_scanned_plainly_not_through_the_parent(tmp_path):
    parent = tmp_path / "parent"
    make_git_repo(parent, {"README.md": "# parent\n"})
    child = parent / "child"
    child.mkdir()
    (child / "README.md").write_text("# Child\n\nClassifies things.\n")
    report = scan(child)
    assert report.commit is None
    history = next(r for r in report.checks if r.id == "QA108")
    assert history.status is Status.SKIP and "no .git" in history.message


def test_symlinks_out_and_fifos_do_not_escape_or_hang(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("AKIAABCDEFGHIJKLMNOP\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "README.md").symlink_to(outside)
    (repo / "train.py").symlink_to(outside)
    os.mkfifo(repo / "requirements.txt")
    report = scan(repo)
    assert report.facts["readme"]["present"] is False
    assert report.facts["secrets"] is False


def test_plugin_checks_are_discovered_and_a_crashing_one_becomes_an_error(tmp_path, demo_plugin):
    registry = load_registry()
    assert {"XP101", "XP102"} <= set(registry.checks)
    assert registry.checks["XP101"].origin == "portcheck-demo-plugin"
    repo = copy_sample("average", tmp_path)
    report = scan(repo, registry=registry)
    by_id = {r.id: r for r in report.checks}
    assert by_id["XP102"].status is Status.ERROR
    assert "the demo plugin check broke on purpose" in by_id["XP102"].message
    assert by_id["XP101"].status is Status.FAIL
    assert by_id["QA107"].status is Status.PASS  # the rest of the report stands


def test_plugin_is_listed_by_the_cli(demo_plugin_path):
    env = dict(os.environ, PYTHONPATH=str(demo_plugin_path))
    proc = run_cli("checks", env=env)
    assert "XP102" in proc.stdout and "[portcheck-demo-plugin]" in proc.stdout
