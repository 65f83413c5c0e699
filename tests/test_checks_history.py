"""History checks QA108 (history shows the work), QA140 (commit messages) and QA141 (authorship),
scanned end to end on real repositories built in tmp_path."""
from __future__ import annotations

from pathlib import Path

from gitutil import BASE_EPOCH, git, make_git_repo
from test_facts_history import ADA, commit_as, day, files

from portcheck.analyzer.model import Status
from portcheck.analyzer.registry import load_registry
from portcheck.analyzer.scan import scan


def result(repo: Path, check_id: str):
    report = scan(repo, select=[check_id])
    return next(r for r in report.checks if r.id == check_id)


def healthy_repo(root: Path) -> Path:
    """Eight described commits over about five months, by one person."""
    repo = root / "healthy"
    make_git_repo(repo)
    steps = ["Add data loader for the churn CSV", "Add logistic-regression baseline",
             "Add stratified 5-fold cross-validation", "Log PR-AUC next to accuracy",
             "Add gradient boosting with class weights", "Tune max_depth with 5-fold CV",
             "Document how to reproduce the results table", "Add unit tests for the feature pipeline"]
    for n, step in enumerate(steps):
        commit_as(repo, {f"src/step{n}.py": f"x = {n}\n"}, step, date=day(n * 20))
    return repo


# ------------------------------------------------------------------ QA108

def test_qa108_kept_its_id_and_title_in_the_history_module():
    chk = load_registry(plugins=False).checks["QA108"]
    assert chk.title == "History shows the work" and chk.func.__module__.endswith("checks.history")


def test_qa108_warns_on_a_single_commit_with_its_id_and_date(tmp_path):
    repo = tmp_path / "one"
    head = make_git_repo(repo, {"README.md": "# x\n", "train.py": "print(1)\n"}, message="Initial commit")
    res = result(repo, "QA108")
    assert res.status is Status.WARN
    assert "one commit" in res.message and head[:10] in res.message
    assert [e.excerpt for e in res.evidence] == [f"{head[:10]} Initial commit"]
    assert res.question and res.fix


def test_qa108_warns_on_a_bulk_upload_with_counts_and_span(tmp_path):
    repo = tmp_path / "bulk"
    make_git_repo(repo)
    commit_as(repo, {"README.md": "# p\n", "LICENSE": "MIT\n"}, "Initial commit", date=day(0))
    upload = commit_as(repo, files("src", 20), "Add files via upload", date=day(1))
    for n in range(4):
        commit_as(repo, {"README.md": f"# p\n{n}\n"}, "Update README.md", date=day(3 + n))
    res = result(repo, "QA108")
    assert res.status is Status.WARN
    assert "added 20 of HEAD's 22 files (91%)" in res.message
    assert "the other 5 commits touch only 2 files" in res.message
    assert "(6 days)" in res.message
    assert res.evidence[0].excerpt == f"{upload[:10]} Add files via upload"


def test_qa108_warns_on_a_tiny_history(tmp_path):
    repo = tmp_path / "tiny"
    make_git_repo(repo)
    for n in range(3):
        commit_as(repo, {f"f{n}.py": "1\n"}, f"Add step {n} of the pipeline", date=day(n * 10))
    res = result(repo, "QA108")
    assert res.status is Status.WARN and "only 3 commits by people" in res.message


def test_qa108_warns_when_the_whole_history_was_written_within_a_day(tmp_path):
    repo = tmp_path / "day"
    make_git_repo(repo)
    for n in range(6):
        commit_as(repo, {f"f{n}.py": "1\n"}, f"Add step {n} of the pipeline", date=BASE_EPOCH + n * 1800)
    res = result(repo, "QA108")
    assert res.status is Status.WARN
    assert "all 6 commits were written within 3 hours (2023-11-14)" in res.message


def test_qa108_passes_a_healthy_history_with_a_talking_point(tmp_path):
    res = result(healthy_repo(tmp_path), "QA108")
    assert res.status is Status.PASS
    assert res.message.startswith("8 commits on 8 different days")
    assert "(5 months)" in res.message and "; 5 in the 90 days before HEAD" in res.message
    assert res.talking_point and "8 commits" in res.talking_point
    assert [e.excerpt.split(" ", 1)[1] for e in res.evidence] == [
        "Add data loader for the churn CSV", "Add unit tests for the feature pipeline"]


def test_qa108_skips_a_shallow_clone_rather_than_calling_it_one_commit(tmp_path):
    origin = healthy_repo(tmp_path)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", str(clone))
    res = result(clone, "QA108")
    assert res.status is Status.SKIP and "shallow" in res.message and "fetch-depth: 0" in res.message


def test_history_checks_skip_without_git(tmp_path):
    repo = tmp_path / "plain"
    repo.mkdir()
    (repo / "train.py").write_text("print(1)\n")
    for check_id in ("QA108", "QA140", "QA141"):
        res = result(repo, check_id)
        assert res.status is Status.SKIP and "no .git" in res.message


# ------------------------------------------------------------------ QA140

def test_qa140_warns_on_generic_messages_citing_commits(tmp_path):
    repo = tmp_path / "generic"
    make_git_repo(repo)
    subjects = ["Add data loader", "update", "fix", "Update train.py", "wip", "Add files via upload"]
    shas = [commit_as(repo, {f"f{n}.py": "1\n"}, s, date=day(n)) for n, s in enumerate(subjects)]
    res = result(repo, "QA140")
    assert res.status is Status.WARN
    assert res.message.startswith("5 of 6 commit messages (83%) say little about what changed")
    assert "1 only name the edited file, 4 generic" in res.message
    assert [e.excerpt for e in res.evidence] == [
        f"{shas[5][:10]} Add files via upload", f"{shas[4][:10]} wip", f"{shas[3][:10]} Update train.py",
        f"{shas[2][:10]} fix", f"{shas[1][:10]} update"]
    assert all(e.path == ".git" for e in res.evidence)
    assert "Add class weights" in res.fix


def test_qa140_passes_described_messages(tmp_path):
    res = result(healthy_repo(tmp_path), "QA140")
    assert res.status is Status.PASS and res.message == "8 of 8 commit messages say what changed"


def test_qa140_skips_with_too_few_messages(tmp_path):
    repo = tmp_path / "two"
    make_git_repo(repo)
    commit_as(repo, {"a.py": "1\n"}, "update", date=day(0))
    commit_as(repo, {"b.py": "1\n"}, "fix", date=day(1))
    res = result(repo, "QA140")
    assert res.status is Status.SKIP and "only 2 commits by people" in res.message


# ------------------------------------------------------------------ QA141

def test_qa141_solo_history_passes_with_a_your_role_talking_point(tmp_path):
    res = result(healthy_repo(tmp_path), "QA141")
    assert res.status is Status.PASS
    assert res.message == "one person wrote all 8 commits: Ada Tester"
    assert "One author wrote all 8 commits (Ada Tester)" in res.talking_point
    assert [e.excerpt for e in res.evidence] == ["Ada Tester: 8 commits"]


def team_repo(root: Path, readme: str) -> Path:
    """Ada 3, Sam 1, Ana 1 and a bot commit; the README is written in the first commit."""
    repo = root / "team"
    make_git_repo(repo)
    authors = [ADA, ADA, ("Sam Lee", "sam@example.org"), ("Ana Ruiz", "ana@example.org"), ADA,
               ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")]
    for n, author in enumerate(authors):
        written = {f"f{n}.py": "1\n", **({"README.md": readme} if n == 0 else {})}
        commit_as(repo, written, f"Add part {n} of the pipeline", date=day(n), author=author)
    return repo


def test_qa141_team_history_without_roles_in_the_readme_warns_and_asks_what_your_part_was(tmp_path):
    res = result(team_repo(tmp_path, "# Churn\n\nPredicts churn.\n"), "QA141")
    assert res.status is Status.WARN
    assert res.message == ("3 people committed; the most active, Ada Tester, wrote 3 of 5 (60%); "
                           "1 bot commit not counted, and the README does not say who did what")
    assert res.question.startswith("3 people committed to this project: what was your part")
    assert "Team and my role" in res.fix
    assert [e.excerpt for e in res.evidence] == ["Ada Tester: 3 commits", "Ana Ruiz: 1 commit", "Sam Lee: 1 commit"]


def test_qa141_team_history_passes_when_the_readme_states_roles(tmp_path):
    readme = "# Churn\n\nPredicts churn.\n\n## Team and my role\n\nI built the model; Sam wrote the API.\n"
    res = result(team_repo(tmp_path, readme), "QA141")
    assert res.status is Status.PASS
    assert res.evidence[0].path == "README.md" and res.evidence[0].line == 5
    assert "walk through your own part" in res.talking_point


def test_qa141_drive_by_contributors_do_not_make_a_team(tmp_path):
    repo = tmp_path / "mostly"
    make_git_repo(repo)
    authors = [ADA] * 12 + [("Sam Lee", "sam@example.org")] + [ADA] * 2 + [("Ana Ruiz", "ana@example.org")]
    for n, author in enumerate(authors):
        commit_as(repo, {f"f{n}.py": "1\n"}, f"Add part {n} of the pipeline", date=day(n), author=author)
    res = result(repo, "QA141")
    assert res.status is Status.PASS and "Ada Tester wrote 88% of the 16 commits" in res.talking_point


def test_qa141_an_open_source_community_is_not_asked_for_a_roles_section(tmp_path):
    repo = tmp_path / "community"
    make_git_repo(repo)
    for n in range(12):
        commit_as(repo, {f"f{n}.py": "1\n"}, f"Add part {n} of the pipeline", date=day(n),
                  author=(f"Person {chr(65 + n)}", f"p{n}@example.org"))
    res = result(repo, "QA141")
    assert res.status is Status.PASS and "open-source project with many contributors" in res.message
    assert "name the pull requests" in res.talking_point
