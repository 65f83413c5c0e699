"""`portcheck cohort`: many repositories scanned across processes into one dashboard, failures as rows.

The cohort is copies of the polished, average and weak sample projects (real git repositories), a path
that does not exist and a path that is a file. It is scanned once with --jobs 1 and once with --jobs 2.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import signal
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import copy_sample, run_cli
from gitutil import tree_snapshot
from report_factory import make_report

from portcheck.analyzer import cohort
from portcheck.reports.cohort import Member, build, render_html

SAMPLES_BY_RANK = ("polished", "average", "weak")
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def cohort_run(tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("cohort")
    (work / "repos").mkdir()
    repos = [copy_sample(name, work / "repos") for name in ("weak", "polished", "average")]
    missing, a_file = work / "repos" / "no-such-project", work / "notes.txt"
    a_file.write_text("not a repository\n")
    before = {repo.name: tree_snapshot(repo) for repo in repos}
    paths = [str(p) for p in (*repos, missing, a_file)]
    runs = {jobs: run_cli("cohort", *paths, "-o", str(work / f"out{jobs}"), "--jobs", str(jobs), cwd=work)
            for jobs in (1, 2)}
    return {"work": work, "repos": repos, "missing": missing, "file": a_file, "runs": runs, "before": before}


class _Table(HTMLParser):
    """The rows of the dashboard's ranking table: (repository name, href) in page order."""

    def __init__(self) -> None:
        super().__init__()
        self.in_ranking = False
        self.rows: list[tuple[str, str | None]] = []
        self._href: str | None = None
        self._in_link = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.in_ranking = attrs.get("id") == "ranking"
        if self.in_ranking and tag == "a":
            self._href, self._in_link = attrs.get("href"), True

    def handle_data(self, data):
        if self._in_link:
            self.rows.append((data.strip(), self._href))
            self._in_link = False


def _ranking(page: str) -> list[tuple[str, str | None]]:
    parser = _Table()
    parser.feed(page)
    return parser.rows


def test_broken_paths_become_failed_rows_and_the_rest_complete(cohort_run):
    result = cohort_run["runs"][2]
    assert result.returncode == 0, result.stderr
    out = cohort_run["work"] / "out2"
    page = (out / "index.html").read_text(encoding="utf-8")
    assert f"{cohort_run['missing']}</code>: no such folder" in page
    assert f"{cohort_run['file']}</code>: is a file, not a repository folder" in page
    assert "5 repositories: 3 scanned, 2 could not be scanned" in result.stdout
    for name in SAMPLES_BY_RANK:
        report = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
        assert report["repo"]["root"].endswith(name)
        assert (out / f"{name}.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["index.html", *(f"{n}.{ext}" for n in SAMPLES_BY_RANK for ext in ("html", "json"))])


def test_progress_is_one_line_per_repository_on_stderr(cohort_run):
    lines = [line for line in cohort_run["runs"][2].stderr.splitlines() if line.startswith("[")]
    assert sorted(int(re.match(r"\[(\d+)/5\]", line).group(1)) for line in lines) == [1, 2, 3, 4, 5]
    assert any(re.fullmatch(r"\[\d/5\] polished: \d+", line) for line in lines)
    assert any(line.endswith("no-such-project: failed: no such folder") for line in lines)


def test_ranking_orders_repositories_by_overall_score_and_links_their_reports(cohort_run):
    out = cohort_run["work"] / "out1"
    rows = _ranking((out / "index.html").read_text(encoding="utf-8"))
    assert rows == [(name, f"{name}.html") for name in SAMPLES_BY_RANK]
    scores = [json.loads((out / f"{name}.json").read_text())["scores"]["overall"] for name in SAMPLES_BY_RANK]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]


def test_two_jobs_write_the_same_dashboard_and_reports_as_one(cohort_run):
    one, two = cohort_run["work"] / "out1", cohort_run["work"] / "out2"
    assert cohort_run["runs"][1].returncode == 0, cohort_run["runs"][1].stderr
    assert sorted(p.name for p in one.iterdir()) == sorted(p.name for p in two.iterdir())
    for path in one.iterdir():
        assert path.read_bytes() == (two / path.name).read_bytes(), path.name


def test_each_repository_report_is_what_portcheck_scan_writes(cohort_run):
    repo = next(r for r in cohort_run["repos"] if r.name == "average")
    scanned = run_cli("scan", str(repo), "--format", "json")
    assert scanned.returncode == 0
    assert (cohort_run["work"] / "out2" / "average.json").read_text(encoding="utf-8") == scanned.stdout


def test_scanned_repositories_are_left_byte_identical(cohort_run):
    for repo in cohort_run["repos"]:
        assert tree_snapshot(repo) == cohort_run["before"][repo.name]


def test_what_to_teach_next_counts_repositories_per_check(cohort_run):
    out = cohort_run["work"] / "out1"
    reports = [json.loads((out / f"{n}.json").read_text()) for n in SAMPLES_BY_RANK]
    failing: dict[str, int] = {}
    for report in reports:
        for check in report["checks"]:
            if check["status"] in ("fail", "warn"):
                failing[check["id"]] = failing.get(check["id"], 0) + 1
    page = (out / "index.html").read_text(encoding="utf-8")
    teach = page[page.index('id="teach-next"'):page.index('id="not-scanned"')]
    listed = re.findall(r"<td>(\d) of 3</td>.*?portcheck explain (\w+)</code>", teach, flags=re.DOTALL)
    assert {check_id: int(n) for n, check_id in listed} == failing
    assert [int(n) for n, _ in listed] == sorted((int(n) for n, _ in listed), reverse=True)


def test_from_json_merges_reports_from_ci_and_a_garbage_file_is_a_failed_row(cohort_run, tmp_path):
    ci = tmp_path / "ci-reports"
    ci.mkdir()
    for repo in cohort_run["repos"][:2]:
        done = run_cli("scan", str(repo), "--format", "json", "-o", str(ci / f"{repo.name}.json"))
        assert done.returncode == 0, done.stderr
    polished = next(r for r in cohort_run["repos"] if r.name == "polished")
    assert run_cli("scan", str(polished), "-o", str(ci / "polished.html")).returncode == 0
    (ci / "garbage.json").write_text("{not json", encoding="utf-8")
    result = run_cli("cohort", "--from-json", str(ci), "-o", str(tmp_path / "dash"))
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "dash" / "index.html").read_text(encoding="utf-8")
    assert _ranking(page) == [("polished", "../ci-reports/polished.html")]  # the weak one has no HTML beside it
    assert ">weak<" in page
    assert "<code>garbage.json</code>: not valid JSON: JSONDecodeError" in page
    assert "3 repositories: 2 scanned, 1 could not be scanned" in result.stdout


def test_list_file_skips_comments_and_resolves_paths_beside_it(cohort_run, tmp_path):
    listing = cohort_run["work"] / "cohort.txt"
    listing.write_text("# the bootcamp's cohort\n\nrepos/weak\n   \n# repos/average\n", encoding="utf-8")
    result = run_cli("cohort", "--list", str(listing), "-o", str(tmp_path / "dash"), "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert "1 repository: 1 scanned" in result.stdout
    assert _ranking((tmp_path / "dash" / "index.html").read_text(encoding="utf-8")) == [("weak", "weak.html")]


@pytest.mark.parametrize(("args", "message"), [
    ([], "give repository folders"),
    (["--from-json", "nowhere"], "--from-json nowhere: no such folder"),
    (["REPO", "--from-json", "."], "give no PATH or --list with it"),
    (["REPO", "-o", "REPO/dashboard"], "is inside the scanned repository"),
    (["--list", "missing.txt"], "--list missing.txt: cannot be read"),
])
def test_usage_errors_are_one_line_and_write_nothing(cohort_run, tmp_path, args, message):
    repo = str(next(r for r in cohort_run["repos"] if r.name == "weak"))
    result = run_cli("cohort", *(a.replace("REPO", repo) for a in args), cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())
    assert tree_snapshot(Path(repo)) == cohort_run["before"]["weak"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_scan_past_its_timeout_is_a_failed_row(cohort_run, tmp_path, jobs):
    repo = str(next(r for r in cohort_run["repos"] if r.name == "polished"))
    result = run_cli("cohort", repo, "--timeout", "0.001", "--jobs", jobs, "-o", str(tmp_path / "dash"))
    assert result.returncode == 0, result.stderr
    assert "not scanned: " + repo + ": timed out after 0.001 s" in result.stdout


def test_plan_gives_unique_safe_names_and_drops_duplicates(tmp_path):
    for folder in ("a/My Project!", "b/my project!", "c/index", "d/solo"):
        (tmp_path / folder).mkdir(parents=True)
    given = [str(tmp_path / f) for f in ("a/My Project!", "b/my project!", "c/index", "d/solo")]
    targets, duplicates = cohort.plan([*given, str(tmp_path / "d" / ".." / "d" / "solo")])
    names = [t.name for t in targets]
    assert duplicates == [str(tmp_path / "d" / ".." / "d" / "solo")]
    assert names[3] == "solo"
    assert re.fullmatch(r"My-Project-[0-9a-f]{8}", names[0]) and re.fullmatch(r"my-project-[0-9a-f]{8}", names[1])
    assert names[0].casefold() != names[1].casefold()
    assert re.fullmatch(r"index-[0-9a-f]{8}", names[2])
    assert cohort.plan(reversed(given))[0][0].name == names[3]  # a name depends on the path, not the order


# --- workers that crash or hang, to prove one bad repository never stops the rest ------------------

def echo_worker(path: str, timeout: float | None) -> cohort.Outcome:
    """A stand-in scan: crashes its process for a path ending in 'crash', hangs past any signal for
    'hang', and otherwise returns the path as its document."""
    if path.endswith("crash"):
        os._exit(3)
    if path.endswith("hang"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})  # the in-process timeout cannot fire
        time.sleep(60)
    time.sleep(0.05)
    return cohort.Outcome(document=path)


def test_a_crashing_worker_fails_only_its_own_repository():
    targets, _ = cohort.plan(["/x/one", "/x/crash", "/x/two", "/x/three", "/x/four"])
    outcomes = cohort.run(targets, jobs=2, timeout=30, worker=echo_worker)
    assert [o.document for o in outcomes] == ["/x/one", None, "/x/two", "/x/three", "/x/four"]
    assert outcomes[1].error == cohort.died_error()


def test_a_worker_stuck_beyond_interruption_is_killed_after_the_grace_period():
    targets, _ = cohort.plan(["/x/one", "/x/hang", "/x/two"])
    finished = []
    start = time.monotonic()
    outcomes = cohort.run(targets, jobs=2, timeout=0.5, worker=echo_worker,
                          on_done=lambda target, outcome: finished.append(target.name))
    assert time.monotonic() - start < 10
    assert [o.document for o in outcomes] == ["/x/one", None, "/x/two"]
    assert outcomes[1].error == "timed out after 0.5 s (its process was stopped)"
    assert sorted(finished) == ["hang", "one", "two"]


# --- the dashboard page -----------------------------------------------------------------------------

def test_dashboard_escapes_repository_text_and_keeps_the_strict_csp():
    hostile = make_report(repo_root=f"/tmp/{SCRIPT}")
    page = render_html(build([Member(label=SCRIPT, report=hostile, report_href=f"{SCRIPT}.html"),
                              Member(label=f"/srv/{SCRIPT}", error=f"broken {SCRIPT}")]))
    assert SCRIPT not in page and "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    styles = re.findall(r"<style>(.*?)</style>", page, flags=re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(styles[0].encode("utf-8")).digest()).decode("ascii")
    assert f"content=\"default-src 'none'; style-src 'sha256-{digest}';" in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*https?://""", page)


def test_equal_scores_share_a_rank_and_tie_break_by_name():
    reports = [make_report(repo_root=f"/c/{name}") for name in ("zeta", "alpha")]
    dashboard = build([Member(label=r.repo_root, report=r) for r in reports])
    assert [(row.rank, row.member.name) for row in dashboard.rows] == [(1, "alpha"), (1, "zeta")]
