"""`portcheck diff`: two saved JSON reports, or a past commit against the work tree (`--since REV`).

The project under comparison is the polished sample split into two real commits: the first lacks the
LICENSE and the tests, the second adds them.
"""
from __future__ import annotations

import dataclasses
import json
import os
import stat

import pytest
from conftest import SAMPLES, run_cli
from gitutil import commit_files, git, make_git_repo, tree_snapshot
from report_factory import make_report

from portcheck.analyzer.model import Area, CheckResult, Severity, Status
from portcheck.analyzer.repo import Limits
from portcheck.analyzer.snapshot import history_checks, open_snapshot, scan_revision
from portcheck.reports import json_report
from portcheck.reports.diff import Change, classify, compare, render_terminal

ADDED_LATER = ("LICENSE", "tests/")


def _sample_files(name: str) -> dict[str, bytes]:
    root = SAMPLES / name
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def two_commits(tmp_path_factory) -> dict:
    """A repository whose second commit adds the LICENSE and the tests; a JSON report of each commit."""
    work = tmp_path_factory.mktemp("diff")
    repo = work / "churn"
    files = _sample_files("polished")
    later = {path: data for path, data in files.items() if path.startswith(ADDED_LATER)}
    make_git_repo(repo, {path: data for path, data in files.items() if path not in later}, message="First version")
    old_json = work / "old.json"
    assert run_cli("scan", str(repo), "--format", "json", "-o", str(old_json), "--no-progress").returncode == 0
    commit_files(repo, later, message="Add a license and the tests")
    new_json = work / "new.json"
    assert run_cli("scan", str(repo), "--format", "json", "-o", str(new_json), "--no-progress").returncode == 0
    return {"repo": repo, "old": old_json, "new": new_json, "work": work}


def _changes(document: dict) -> dict[str, str]:
    return {c["id"]: c["change"] for c in document["changes"]}


def test_since_compares_a_past_commit_with_the_work_tree(two_commits):
    proc = run_cli("diff", "--since", "HEAD~1", str(two_commits["repo"]), "--format", "json", "--no-progress")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    changes = _changes(doc)
    assert changes["RD107"] == "fixed" and changes["RP103"] == "fixed"  # the LICENSE, the tests
    assert not {kind for kind in changes.values()} & {"regressed", "new", "worse"}
    scores = doc["scores"]
    assert scores["overall"]["delta"] == scores["overall"]["new"] - scores["overall"]["old"] > 0
    assert scores["areas"]["reproducibility"]["delta"] > 0 and scores["areas"]["readme"]["delta"] > 0
    assert doc["old"]["commit"] == git(two_commits["repo"], "rev-parse", "HEAD~1")
    assert doc["new"]["label"] == "work tree" and doc["regression"] is False
    assert any("history-based checks were left out" in note for note in doc["notes"])


def test_since_terminal_output_names_the_fixes_and_the_score_change(two_commits):
    proc = run_cli("diff", "--since", "HEAD~1", str(two_commits["repo"]), "--no-progress")
    assert proc.returncode == 0, proc.stderr
    assert "Fixed (" in proc.stdout and "RD107" in proc.stdout and "FAIL → PASS" in proc.stdout
    assert "\x1b[" not in proc.stdout  # no colour when standard output is not a terminal
    assert "without git history" in proc.stdout


def test_since_leaves_the_repository_byte_identical(two_commits):
    repo = two_commits["repo"]
    (repo / "README.md").write_text((repo / "README.md").read_text() + "\nA work-tree edit.\n")
    before = tree_snapshot(repo)
    proc = run_cli("diff", "--since", "HEAD~1", str(repo), "-o", str(two_commits["work"] / "d.html"),
                   "--no-progress")
    assert proc.returncode == 0, proc.stderr
    assert tree_snapshot(repo) == before


def test_snapshot_scan_agrees_with_a_scan_of_that_commit_except_history_checks(two_commits):
    left_out = history_checks_of_registry()
    snapshot = scan_revision(two_commits["repo"], "HEAD~1", ignore=left_out)
    checkout = json_report.load_report(two_commits["old"])
    assert {r.id: r.status for r in snapshot.checks} == \
        {r.id: r.status for r in checkout.checks if r.id not in left_out}
    assert snapshot.repo_root == str(two_commits["repo"].resolve()) and snapshot.scan_notes[0].kind == "snapshot"


def history_checks_of_registry() -> tuple[str, ...]:
    from portcheck.analyzer.registry import load_registry

    found = history_checks(load_registry())
    assert {"QA108", "QA140"} <= set(found)  # git history facts
    return found


def test_diff_of_two_json_reports_from_scan(two_commits):
    proc = run_cli("diff", str(two_commits["old"]), str(two_commits["new"]), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert _changes(doc)["RD107"] == "fixed" and _changes(doc)["RP103"] == "fixed"
    assert doc["old"]["label"] == str(two_commits["old"]) and doc["counts"]["fixed"] >= 2
    assert doc["scores"]["overall"]["delta"] > 0


def test_fail_on_regression_exits_1_only_when_something_got_worse(two_commits):
    old, new = str(two_commits["old"]), str(two_commits["new"])
    assert run_cli("diff", old, new, "--fail-on-regression").returncode == 0
    backwards = run_cli("diff", new, old, "--fail-on-regression")
    assert backwards.returncode == 1
    assert "Regressed (" in backwards.stdout
    assert backwards.stderr.startswith("portcheck: regression:") and "RD107" in backwards.stderr


def test_output_file_format_follows_its_name_and_the_write_is_reported(two_commits, tmp_path):
    target = tmp_path / "diff.json"
    proc = run_cli("diff", str(two_commits["old"]), str(two_commits["new"]), "-o", str(target))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(target.read_text())["kind"] == "portcheck-diff"
    assert proc.stdout.startswith("portcheck diff: overall ") and str(target) in proc.stdout
    assert [p.name for p in tmp_path.iterdir()] == ["diff.json"]  # no temporary file left behind


def assert_one_line_usage_error(proc, *fragments: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("portcheck: error:"), proc.stderr
    assert all(fragment in lines[0] for fragment in fragments), lines[0]


def test_malformed_or_foreign_json_is_a_one_line_usage_error(two_commits, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema_version": "1.0", "checks": [')
    assert_one_line_usage_error(run_cli("diff", str(broken), str(two_commits["new"])), "broken.json", "not valid JSON")
    foreign = tmp_path / "foreign.json"
    foreign.write_text('{"name": "something else"}')
    assert_one_line_usage_error(run_cli("diff", str(two_commits["old"]), str(foreign)), "not a portcheck JSON report")
    assert_one_line_usage_error(run_cli("diff", str(two_commits["old"])), "two JSON reports")


def test_since_with_a_bad_revision_or_no_git_is_a_one_line_usage_error(two_commits, tmp_path):
    repo = str(two_commits["repo"])
    assert_one_line_usage_error(run_cli("diff", "--since", "no-such-tag", repo), "no-such-tag", "names no commit")
    assert_one_line_usage_error(run_cli("diff", "--since", "--upload-pack=touch /tmp/x", repo), "is not a revision")
    assert_one_line_usage_error(run_cli("diff", "--since", "HEAD", str(tmp_path)), "--since HEAD", ".git")
    assert_one_line_usage_error(run_cli("diff", "--since", "HEAD", repo, repo), "at most one")


def _hostile_pair():
    hostile = '<script>alert("x")</script><img src=https://evil.example/p.png>'
    old = make_report()
    regressed = CheckResult(id="QA999", area=Area.QUALITY, title=f"Title {hostile}", severity=Severity.HIGH,
                            weight=3, status=Status.FAIL, message=f"message {hostile}", fix=f"fix {hostile}")
    passed = dataclasses.replace(regressed, status=Status.PASS, message="fine")
    return (dataclasses.replace(old, checks=(*old.checks, passed)),
            dataclasses.replace(old, checks=(*old.checks, regressed)), hostile)


def test_html_has_the_strict_csp_and_escapes_hostile_check_text(tmp_path):
    old, new, hostile = _hostile_pair()
    old_json, new_json = tmp_path / "old.json", tmp_path / "new.json"
    old_json.write_text(json_report.render(old))
    new_json.write_text(json_report.render(new))
    out = tmp_path / "diff.html"
    proc = run_cli("diff", str(old_json), str(new_json), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'sha256-' in page
    assert "<script" not in page and "<img" not in page and hostile not in page
    assert "message &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "Regressed" in page and "QA999" in page


def test_terminal_rendering_strips_control_characters_from_repository_text():
    old, new, _ = _hostile_pair()
    sneaky = dataclasses.replace(new, checks=tuple(
        dataclasses.replace(r, message="line\x1b[31m red\nnext") if r.id == "QA999" else r for r in new.checks))
    text = render_terminal(compare(old, sneaky, old_label="a", new_label="b"))
    assert "\x1b" not in text and "line [31m red next" in text


@pytest.mark.parametrize(("old", "new", "change"), [
    (Status.FAIL, Status.PASS, Change.FIXED), (Status.WARN, Status.PASS, Change.FIXED),
    (Status.PASS, Status.FAIL, Change.REGRESSED), (Status.PASS, Status.WARN, Change.REGRESSED),
    (Status.SKIP, Status.FAIL, Change.NEW), (Status.ERROR, Status.WARN, Change.NEW),
    (Status.WARN, Status.FAIL, Change.WORSE), (Status.FAIL, Status.WARN, Change.BETTER),
    (Status.FAIL, Status.SKIP, Change.GONE), (Status.PASS, Status.SKIP, Change.CHANGED),
    (None, Status.FAIL, Change.APPEARED), (Status.PASS, None, Change.DISAPPEARED),
    (Status.WARN, Status.WARN, Change.UNCHANGED),
])
def test_every_status_pair_has_one_change(old, new, change):
    assert classify(old, new) is change


def test_changes_are_ordered_by_kind_then_area_then_id_and_version_changes_are_noted():
    base = make_report()
    by_id = {r.id: r for r in base.checks}
    flipped = tuple(dataclasses.replace(r, status=Status.PASS) if r.is_finding else r for r in base.checks)
    newer = dataclasses.replace(base, checks=flipped[1:], tool_version="9.9")
    diff = compare(base, newer, old_label="a", new_label="b")
    order = [(c.change, c.id) for c in diff.changes]
    assert order == sorted(order, key=lambda item: (list(Change).index(item[0]),
                                                    list(Area).index(by_id[item[1]].area), item[1]))
    assert diff.of(Change.DISAPPEARED)[0].id == base.checks[0].id
    assert any("different portcheck versions" in note for note in diff.notes)
    assert compare(base, newer, old_label="a", new_label="b") == diff  # deterministic


def test_snapshot_skips_symlinks_and_hostile_paths_and_writes_big_files_as_placeholders(tmp_path):
    repo = tmp_path / "proj"
    make_git_repo(repo, {"README.md": "# demo\n", "weights.bin": b"\x01" * 5000, "run.sh": "echo hi\n"})
    os.symlink("README.md", repo / "link.md")
    os.chmod(repo / "run.sh", 0o755)
    blob = git(repo, "hash-object", "-w", "--stdin", stdin=b"evil\n")
    inner = git(repo, "mktree", stdin=f"100644 blob {blob}\tconfig\n".encode())
    commit_files(repo, {}, message="add a link")
    head_tree = git(repo, "rev-parse", "HEAD^{tree}")
    listing = git(repo, "ls-tree", head_tree) + f"\n040000 tree {inner}\t.git\n040000 tree {inner}\t..\n"
    crafted = git(repo, "mktree", stdin=listing.encode())
    git(repo, "update-ref", "refs/tags/crafted", git(repo, "commit-tree", crafted, "-m", "crafted"))
    outside_before = sorted(p.name for p in tmp_path.iterdir())
    with open_snapshot(repo, "crafted", limits=Limits(max_file_bytes=1000)) as snap:
        files = sorted(p.relative_to(snap.root).as_posix() for p in snap.root.rglob("*"))
        assert files == ["README.md", "run.sh", "weights.bin"]
        assert (snap.root / "weights.bin").stat().st_size == 5000  # size-only placeholder
        assert (snap.root / "weights.bin").read_bytes() == bytes(5000)
        assert stat.S_IMODE((snap.root / "run.sh").stat().st_mode) == 0o755
        assert not snap.root.resolve().is_relative_to(repo.resolve())
        kinds = {note.kind: note.message for note in snap.notes}
        assert set(kinds) == {"snapshot-symlink", "snapshot-unsafe-path", "snapshot-placeholder"}
        assert "link.md" in kinds["snapshot-symlink"] and ".git/config" in kinds["snapshot-unsafe-path"]
        workspace = snap.root.parent
    assert not workspace.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == outside_before
