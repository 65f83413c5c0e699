"""Git history facts, on real repositories built in tmp_path: counts and dates against HEAD's date,
the bulk-upload shape, low-information messages, merges, bots and merged identities."""
from __future__ import annotations

from pathlib import Path

import pytest
from gitutil import BASE_EPOCH, git, make_git_repo, write_files

from portcheck.analyzer.facts.history import (
    DAY,
    HistoryFacts,
    detect_git_history,
    is_bot,
    low_information,
)
from portcheck.analyzer.gitsafe import SafeGit

ADA = ("Ada Tester", "ada@example.com")


def commit_as(repo: Path, files: dict, message: str, *, date: int, author: tuple[str, str] = ADA,
              body: str | None = None) -> str:
    """Write `files`, stage everything and commit as `author` at `date`; return the commit id."""
    write_files(repo, files)
    git(repo, "add", "-A")
    extra = ["-m", body] if body else []
    git(repo, "commit", "-q", "--allow-empty", "--no-verify", f"--author={author[0]} <{author[1]}>",
        "-m", message, *extra, date=date)
    return git(repo, "rev-parse", "HEAD")


def facts_of(repo: Path) -> HistoryFacts:
    with SafeGit.open(repo) as safe:
        return detect_git_history(safe.commits(), safe, safe.tree())


def day(n: float) -> int:
    return BASE_EPOCH + int(n * DAY)


def files(prefix: str, count: int) -> dict[str, str]:
    return {f"{prefix}/f{i}.py": f"x = {i}\n" for i in range(count)}


# ------------------------------------------------------------------ counts and dates

def test_single_commit_is_one_commit_carrying_every_file(tmp_path):
    repo = tmp_path / "one"
    head = make_git_repo(repo, {"README.md": "# x\n", "train.py": "print(1)\n", "data/a.csv": "a\n"})
    facts = facts_of(repo)
    assert facts.commit_count == 1 and facts.head.sha == head == facts.first.sha
    assert facts.span_days == 0 and facts.merges == 0 and facts.work_commits == 1
    assert facts.bulk is not None and facts.bulk.carried == facts.bulk.head_files == 3
    assert facts.window_complete and facts.files_known and not facts.shallow


def test_span_and_recent_commits_are_measured_against_heads_date_not_the_clock(tmp_path):
    repo = tmp_path / "dated"
    make_git_repo(repo)
    commit_as(repo, {"a.py": "1\n"}, "Add loader", date=day(0))
    commit_as(repo, {"b.py": "1\n"}, "Add model", date=day(100))
    commit_as(repo, {"c.py": "1\n"}, "Add evaluation", date=day(200))
    commit_as(repo, {"d.py": "1\n"}, "Add report", date=day(250))
    facts = facts_of(repo)
    assert facts.first_date == day(0) and facts.head_date == day(250)
    assert facts.span_days == 250
    assert facts.recent_commits == 2  # day 200 and day 250 are within 90 days of HEAD
    assert facts.active_days == 4
    assert facts.first.subject == "Add loader" and facts.head.subject == "Add report"


# ------------------------------------------------------------------ bulk upload

def test_bulk_upload_with_readme_touch_ups_is_recognised(tmp_path):
    repo = tmp_path / "bulk"
    make_git_repo(repo)
    commit_as(repo, {"README.md": "# p\n", "LICENSE": "MIT\n"}, "Initial commit", date=day(0))
    upload = commit_as(repo, files("src", 20), "Add files via upload", date=day(1))
    for n in range(3):
        commit_as(repo, {"README.md": f"# p\n{n}\n"}, "Update README.md", date=day(2 + n))
    facts = facts_of(repo)
    assert facts.bulk is not None
    assert facts.bulk.commit.sha == upload
    assert (facts.bulk.carried, facts.bulk.head_files, facts.bulk.others_touched) == (20, 22, 2)
    assert facts.bulk.share == pytest.approx(20 / 22)


def test_large_first_commit_followed_by_real_work_is_not_a_bulk_upload(tmp_path):
    repo = tmp_path / "grown"
    make_git_repo(repo)
    commit_as(repo, files("src", 20), "Start from the project template", date=day(0))
    for n in range(6):
        commit_as(repo, {f"src/f{n}.py": f"y = {n}\n"}, f"Rework step {n} of the pipeline", date=day(1 + n))
    facts = facts_of(repo)
    assert facts.largest is not None and facts.largest.carried == 20
    assert facts.largest.others_touched == 6
    assert facts.bulk is None  # 6 of 20 files reworked is more than touch-ups


def test_moving_every_file_is_a_reorganisation_not_an_upload(tmp_path):
    repo = tmp_path / "moved"
    make_git_repo(repo)
    for n in range(5):
        commit_as(repo, {f"f{n}.py": f"x = {n}\n"}, f"Add step {n}", date=day(n))
    write_files(repo, {f"f{n}.py": None for n in range(5)})
    move = commit_as(repo, {f"src/f{n}.py": f"x = {n}\n" for n in range(5)}, "Move the code into src/",
                     date=day(6))
    facts = facts_of(repo)
    assert facts.largest is None or facts.largest.commit.sha != move
    assert facts.bulk is None


def test_paths_shaped_like_ids_or_status_letters_do_not_confuse_the_change_lists(tmp_path):
    odd = {"A": "1\n", "M": "2\n", "0" * 40: "3\n", f"{'a' * 40} {'b' * 40}": "4\n"}
    repo = tmp_path / "odd"
    make_git_repo(repo)
    commit_as(repo, {"README.md": "# x\n"}, "Initial commit", date=day(0))
    upload = commit_as(repo, odd, "Add oddly named files", date=day(1))
    facts = facts_of(repo)
    assert facts.largest is not None and facts.largest.commit.sha == upload
    assert facts.largest.carried == 4 and facts.largest.head_files == 5


def test_shallow_clone_is_flagged_and_never_judged_a_bulk_upload(tmp_path):
    origin = tmp_path / "origin"
    make_git_repo(origin)
    for n in range(4):
        commit_as(origin, {f"f{n}.py": f"x = {n}\n"}, f"Add step {n}", date=day(n))
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", str(clone))
    facts = facts_of(clone)
    assert facts.shallow and facts.commit_count == 1
    assert facts.bulk is None


# ------------------------------------------------------------------ messages

@pytest.mark.parametrize("subject, reason", [
    ("", "empty"),
    ("...", "empty"),
    ("update", "generic"),
    ("wip", "generic"),
    ("stuff", "generic"),
    ("fixes", "generic"),
    ("Minor changes", "generic"),
    ("Add files via upload", "generic"),
    ("initial commit", "generic"),
    ("Final version.", "generic"),
    ("Update (#1058)", "generic"),
    ("refactoring", "one word"),
    ("Docker (#117)", "one word"),
    ("Update README.md", "file name only"),
    ("Update README.md (#12)", "file name only"),
    ("updated readme", "file name only"),
    ("Update .github/workflows/ci.yml", "file name only"),
    ("Update `train.py`", "file name only"),
])
def test_low_information_subjects_are_recognised(subject, reason):
    assert low_information(subject) == reason


@pytest.mark.parametrize("subject", [
    "Add stratified 5-fold split for the churn model",
    "Fix typo",
    "Create LICENSE",
    "Delete data/temp.txt",
    "Rename utils.py to features.py",
    "v1.2.0",
    "update torch>=1.4",
    "Update dependencies",
    "fix: execute training flows via docker compose services",
])
def test_descriptive_subjects_are_not_low_information(subject):
    assert low_information(subject) is None


def test_message_judgement_excludes_merges_and_a_root_initial_commit_and_reads_bodies(tmp_path):
    repo = tmp_path / "msgs"
    make_git_repo(repo)
    commit_as(repo, {"README.md": "# x\n"}, "Initial commit", date=day(0))
    stuff = commit_as(repo, {"a.py": "1\n"}, "stuff", date=day(1))
    commit_as(repo, {"b.py": "1\n"}, "Update b.py",
              body="Use stratified folds so every split holds the minority class", date=day(2))
    squash = commit_as(repo, {"c.py": "1\n"}, "Update c.py (#7)", body="* Update c.py\n\n* fix", date=day(3))
    git(repo, "checkout", "-q", "-b", "feature")
    commit_as(repo, {"d.py": "1\n"}, "Add gradient boosting baseline", date=day(4))
    git(repo, "checkout", "-q", "main")
    commit_as(repo, {"e.py": "1\n"}, "initial commit", date=day(5))  # not the root: counted
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge branch 'feature'", "feature", date=day(6))
    facts = facts_of(repo)
    assert facts.merges == 1 and facts.work_commits == 6
    low = {m.commit.subject: m.reason for m in facts.low_info}
    assert low == {"stuff": "generic", "Update c.py (#7)": "file name only", "initial commit": "generic"}
    assert [m.commit.sha for m in facts.low_info if m.commit.subject in ("stuff", "Update c.py (#7)")] \
        == [squash, stuff]  # newest first


def test_control_characters_in_a_subject_never_reach_the_evidence(tmp_path):
    repo = tmp_path / "ctl"
    make_git_repo(repo)
    commit_as(repo, {"a.py": "1\n"}, "up\x1b[31mdate", date=day(0))
    facts = facts_of(repo)
    assert "\x1b" not in facts.head.subject and "\x1b" not in (facts.head.evidence.excerpt or "")
    assert facts.head.evidence.path == ".git" and facts.head.evidence.excerpt.startswith(facts.head.sha[:10])


# ------------------------------------------------------------------ authors

@pytest.mark.parametrize("name, email", [
    ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"),
    ("github-actions", "41898282+github-actions[bot]@users.noreply.github.com"),
    ("pre-commit-ci[bot]", "66853113+pre-commit-ci[bot]@users.noreply.github.com"),
    ("GitHub Action", "action@github.com"),
    ("Snyk bot", "snyk-bot@snyk.io"),
    ("Renovate Bot", "bot@renovateapp.com"),
])
def test_bot_identities_are_recognised(name, email):
    assert is_bot(name, email)


@pytest.mark.parametrize("name, email", [("Ada Tester", "ada@example.com"), ("Abbot Smith", "abbot@uni.edu"),
                                         ("Robotics Lab", "lab@uni.edu")])
def test_people_are_not_bots(name, email):
    assert not is_bot(name, email)


def test_bots_are_counted_apart_from_authors_and_messages(tmp_path):
    repo = tmp_path / "bots"
    make_git_repo(repo)
    commit_as(repo, {"a.py": "1\n"}, "Add data loader", date=day(0))
    commit_as(repo, {"requirements.txt": "numpy==1\n"}, "update", date=day(1),
              author=("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"))
    commit_as(repo, {"b.py": "1\n"}, "Add model", date=day(2))
    facts = facts_of(repo)
    assert facts.bot_commits == 1 and facts.bots == ("dependabot[bot]",)
    assert facts.work_commits == 2 and facts.low_info == ()
    assert facts.solo and [a.name for a in facts.authors] == ["Ada Tester"] and facts.top_share == 1.0


def test_identities_merge_by_name_by_email_and_github_login(tmp_path):
    repo = tmp_path / "people"
    make_git_repo(repo)
    for n, author in enumerate([
        ("Ada Tester", "ada@work.example.org"),
        ("Ada Tester", "ada@home.example.net"),            # same name, other e-mail
        ("ada", "ada@home.example.net"),                   # same e-mail, other name
        ("Aurélien Geron", "ageron@example.org"),
        ("Aurelien Geron", "aurelien@example.org"),        # the same name without the accent
        ("Bob", "123+bobby@users.noreply.github.com"),
        ("Robert", "bobby@users.noreply.github.com"),      # the same GitHub login
        ("root", "one@host.example.org"),
        ("root", "two@host.example.org"),                  # a placeholder name links nothing
    ]):
        commit_as(repo, {f"f{n}.py": "1\n"}, f"Add feature number {n}", date=day(n), author=author)
    facts = facts_of(repo)
    assert [(a.name, a.commits) for a in facts.authors] == [
        ("Ada Tester", 3), ("Aurelien Geron", 2), ("Bob", 2), ("root", 1), ("root", 1)]
    assert not facts.solo
    assert facts.authors[0].emails == ("ada@home.example.net", "ada@work.example.org")
    assert facts.top_share == pytest.approx(3 / 9)


def test_history_longer_than_the_window_is_counted_whole_but_judged_on_its_newest_commits(tmp_path, monkeypatch):
    from portcheck.analyzer.facts import history as history_module

    repo = tmp_path / "long"
    make_git_repo(repo)
    commit_as(repo, files("src", 10), "Add files via upload", date=day(0))
    for n in range(4):
        commit_as(repo, {"README.md": f"# {n}\n"}, "update", date=day(1 + n))
    monkeypatch.setattr(history_module, "WINDOW", 3)
    facts = facts_of(repo)
    assert facts.commit_count == 5 and facts.first.subject == "Add files via upload"
    assert not facts.window_complete and facts.work_commits == 3 and len(facts.low_info) == 3
    assert facts.bulk is None  # the upload lies outside the window: the shape is not judged
