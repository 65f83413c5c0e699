"""SafeGit reads history through a hardened shadow repository and never lets the candidate's .git act."""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from gitutil import AUTHOR_EMAIL, AUTHOR_NAME, BASE_EPOCH, commit_files, git, make_git_repo, tree_snapshot

from portcheck.analyzer import gitsafe
from portcheck.analyzer.gitsafe import CommitInfo, GitRefused, GitUnavailable, SafeGit, TreeEntry

MARKER_NAMES = ("fsmonitor", "pager", "clean", "smudge", "textconv", "alias", "gpg", "ssh", "hook")
HOOK_NAMES = ("pre-commit", "post-checkout", "post-index-change", "reference-transaction",
              "pre-auto-gc", "post-rewrite")


def _marker_scripts(tmp_path: Path) -> tuple[Path, Path]:
    """Executable scripts outside the repository, each touching markers/<its name> when run."""
    bin_dir, markers = tmp_path / "evil-bin", tmp_path / "markers"
    bin_dir.mkdir()
    markers.mkdir()
    for name in MARKER_NAMES:
        script = bin_dir / name
        script.write_text(f"#!/bin/sh\ntouch '{markers}/{name}'\nexit 0\n")
        script.chmod(0o755)
    return bin_dir, markers


def _add_signed_commit(repo: Path) -> str:
    """Put a commit carrying a (fake) gpgsig header on main, so log.showSignature would call gpg."""
    tree, parent = git(repo, "rev-parse", "HEAD^{tree}"), git(repo, "rev-parse", "HEAD")
    who = f"{AUTHOR_NAME} <{AUTHOR_EMAIL}> {BASE_EPOCH + 86400} +0000"
    body = (f"tree {tree}\nparent {parent}\nauthor {who}\ncommitter {who}\n"
            "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n"
            "\nsigned commit\n")
    sha = git(repo, "hash-object", "-t", "commit", "-w", "--stdin", stdin=body.encode())
    git(repo, "update-ref", "refs/heads/main", sha)
    return sha


def _make_hostile_repo(tmp_path: Path) -> tuple[Path, Path, str]:
    """A repository whose .git config, hooks and attributes would run marker scripts under plain git."""
    bin_dir, markers = _marker_scripts(tmp_path)
    repo = tmp_path / "hostile"
    make_git_repo(repo, {".gitattributes": "* filter=x diff=x\n", "data.txt": "plain data\n",
                         "src/model.py": "print('hi')\n"})
    commit_files(repo, {"data.txt": "plain data, v2\n"}, message="second")
    signed = _add_signed_commit(repo)
    hooks = repo / ".git" / "hooks"
    for name in HOOK_NAMES:
        (hooks / name).write_text(f"#!/bin/sh\ntouch '{markers}/hook'\n")
        (hooks / name).chmod(0o755)
    (tmp_path / "elsewhere").mkdir()
    with open(repo / ".git" / "config", "a", encoding="utf-8") as config:
        config.write(f"""[core]
\tfsmonitor = {bin_dir}/fsmonitor
\tpager = {bin_dir}/pager
\tsshCommand = {bin_dir}/ssh
\tworktree = {tmp_path}/elsewhere
[filter "x"]
\tclean = {bin_dir}/clean
\tsmudge = {bin_dir}/smudge
\trequired = true
[diff "x"]
\ttextconv = {bin_dir}/textconv
[alias]
\tst = !{bin_dir}/alias
[log]
\tshowSignature = true
[gpg]
\tprogram = {bin_dir}/gpg
""")
    return repo, markers, signed


def test_hostile_config_would_run_programs_under_plain_git(tmp_path: Path) -> None:
    """Control: the hostile fixture is live, so the next test's silence means something."""
    repo, markers, _ = _make_hostile_repo(tmp_path)
    copy = tmp_path / "copy"
    shutil.copytree(repo, copy, symlinks=True)
    env = {"PATH": os.environ["PATH"], "HOME": "/nonexistent", "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_DIR": str(copy / ".git")}
    subprocess.run(["git", "log", "-1"], env=env, capture_output=True, timeout=30, check=False)
    subprocess.run(["git", "status"], env=env, capture_output=True, timeout=30, check=False)
    assert {"gpg", "fsmonitor"} <= {path.name for path in markers.iterdir()}


def test_hostile_repo_is_read_without_running_anything_or_changing_a_byte(tmp_path: Path) -> None:
    repo, markers, signed = _make_hostile_repo(tmp_path)
    before = tree_snapshot(repo)

    with SafeGit.open(repo, timeout=20) as safe:
        assert safe.head == signed
        tree = safe.tree()
        assert [entry.path for entry in tree] == [".gitattributes", "data.txt", "src/model.py"]
        data = next(entry for entry in tree if entry.path == "data.txt")
        assert safe.read_blob(data.oid, 1000) == b"plain data, v2\n"  # no smudge filter ran
        commits = safe.commits()
        assert [c.summary for c in commits] == ["signed commit", "second", "initial commit"]
        repo_py = safe.gitpython_repo()
        assert [c.hexsha for c in repo_py.iter_commits()] == [c.sha for c in commits]
        head_commit = repo_py.head.commit
        assert head_commit.gpgsig  # parsed, never verified
        diff = head_commit.parents[0].parents[0].diff(head_commit.parents[0], create_patch=True)
        assert [d.b_path for d in diff] == ["data.txt"]
        assert (head_commit.tree / "data.txt").data_stream.read() == b"plain data, v2\n"

    assert sorted(markers.iterdir()) == []
    assert tree_snapshot(repo) == before


def test_include_path_to_a_fifo_outside_git_does_not_hang(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    make_git_repo(repo, {"a.txt": "a\n"})
    fifo = tmp_path / "include.fifo"
    os.mkfifo(fifo)
    with open(repo / ".git" / "config", "a", encoding="utf-8") as config:
        config.write(f"[include]\n\tpath = {fifo}\n")

    with SafeGit.open(repo, timeout=10) as safe:
        assert [c.summary for c in safe.commits()] == ["initial commit"]
        assert [c.summary for c in safe.gitpython_repo().iter_commits()] == ["initial commit"]


def _gitfile(repo: Path, tmp_path: Path) -> None:
    shutil.rmtree(repo / ".git")
    (repo / ".git").write_text(f"gitdir: {tmp_path}/other/.git\n")


def _git_symlink(repo: Path, tmp_path: Path) -> None:
    (repo / ".git").rename(tmp_path / "real.git")
    (repo / ".git").symlink_to(tmp_path / "real.git")


def _commondir(repo: Path, tmp_path: Path) -> None:
    (repo / ".git" / "commondir").write_text(f"{tmp_path}/other/.git\n")


def _alternates(repo: Path, tmp_path: Path) -> None:
    (repo / ".git" / "objects" / "info" / "alternates").write_text(f"{tmp_path}/other/.git/objects\n")


def _http_alternates(repo: Path, tmp_path: Path) -> None:
    (repo / ".git" / "objects" / "info" / "http-alternates").write_text("https://example.com/objects\n")


def _symlink_inside(repo: Path, tmp_path: Path) -> None:
    (repo / ".git" / "refs" / "heads" / "evil").symlink_to("/etc/passwd")


def _fifo_inside(repo: Path, tmp_path: Path) -> None:
    os.mkfifo(repo / ".git" / "info" / "hang")


@pytest.mark.parametrize(("break_repo", "reason"), [
    (_gitfile, ".git is a file"),
    (_git_symlink, ".git is a symlink"),
    (_commondir, ".git/commondir present"),
    (_alternates, ".git/objects/info/alternates present"),
    (_http_alternates, ".git/objects/info/http-alternates present"),
    (_symlink_inside, "symlink inside .git: .git/refs/heads/evil"),
    (_fifo_inside, "FIFO inside .git: .git/info/hang"),
])
def test_hostile_git_layouts_are_refused_with_a_reason(
        tmp_path: Path, break_repo: Callable[[Path, Path], None], reason: str) -> None:
    make_git_repo(tmp_path / "other", {"other.txt": "x\n"})
    repo = tmp_path / "repo"
    make_git_repo(repo, {"a.txt": "a\n"})
    (repo / ".git" / "info").mkdir(exist_ok=True)
    break_repo(repo, tmp_path)
    with pytest.raises(GitRefused, match=reason.replace(".", r"\.")):
        SafeGit.open(repo)


def test_folder_without_its_own_git_is_unavailable_even_inside_a_repository(tmp_path: Path) -> None:
    parent = tmp_path / "parent"
    make_git_repo(parent, {"sub/a.txt": "a\n"})
    with pytest.raises(GitUnavailable, match="no .git folder") as caught:
        SafeGit.open(parent / "sub")
    assert not isinstance(caught.value, GitRefused)


def test_missing_folder_and_missing_git_program_are_unavailable(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(GitUnavailable, match="not a folder"):
        SafeGit.open(tmp_path / "nowhere")
    repo = tmp_path / "repo"
    make_git_repo(repo, {"a.txt": "a\n"})
    (tmp_path / "empty-bin").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(GitUnavailable, match="git is not installed"):
        SafeGit.open(repo)


def test_repository_without_commits_has_no_head_tree_or_history(tmp_path: Path) -> None:
    repo = tmp_path / "empty"
    make_git_repo(repo)
    with SafeGit.open(repo) as safe:
        assert safe.head is None
        assert safe.tree() == []
        assert safe.commits() == []
        assert safe.read_blob("0" * 40, 100) is None
        assert not safe.gitpython_repo().head.is_valid()


@pytest.mark.parametrize("head", [b"ref: ../../etc\n", b"ref: refs/heads/../../../etc/passwd\n",
                                  b"ref: refs/heads/a b\n", b"garbage\n", b"", b"\xff\xfe\x00",
                                  b"ref: refs/heads/main" + b"x" * 5000])
def test_malformed_head_is_refused(tmp_path: Path, head: bytes) -> None:
    repo = tmp_path / "repo"
    make_git_repo(repo, {"a.txt": "a\n"})
    (repo / ".git" / "HEAD").write_bytes(head)
    with pytest.raises(GitRefused, match="HEAD"):
        SafeGit.open(repo)


def test_head_at_a_missing_commit_or_a_corrupt_branch_is_unavailable(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    sha = make_git_repo(repo, {"a.txt": "a\n"})
    assert sha is not None
    (repo / ".git" / "HEAD").write_text("1" * 40 + "\n")
    with pytest.raises(GitUnavailable, match="missing from the object database"):
        SafeGit.open(repo)
    (repo / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (repo / ".git" / "refs" / "heads" / "main").write_text("not a sha\n")
    with pytest.raises(GitUnavailable, match="corrupt"):
        SafeGit.open(repo)
    (repo / ".git" / "refs" / "heads" / "main").write_text(sha + "\n")
    (repo / ".git" / "objects" / sha[:2] / sha[2:]).unlink()
    with pytest.raises(GitUnavailable, match="missing"):
        SafeGit.open(repo)


def test_head_on_an_unborn_branch_means_no_commits(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    make_git_repo(repo, {"a.txt": "a\n"})
    (repo / ".git" / "HEAD").write_text("ref: refs/heads/not-yet\n")
    with SafeGit.open(repo) as safe:
        assert safe.head is None and safe.commits() == []


def test_tree_lists_blobs_sorted_with_odd_paths_sizes_and_modes(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    latin1 = os.fsdecode(b"caf\xe9.txt")  # not UTF-8: decoded with surrogateescape, like os.scandir
    repo.mkdir()
    os.symlink("b.txt", repo / "link")
    make_git_repo(repo, {"b.txt": "bb\n", "a\nnewline.txt": "x", latin1: b"\x00\x01\x02",
                         "dir/deep/z.bin": b"z" * 10})
    with SafeGit.open(repo) as safe:
        tree = safe.tree()
    assert [entry.path for entry in tree] == sorted(["a\nnewline.txt", "b.txt", latin1,
                                                     "dir/deep/z.bin", "link"])
    by_path = {entry.path: entry for entry in tree}
    assert by_path[latin1].size == 3 and by_path["dir/deep/z.bin"].size == 10
    assert by_path["link"].mode == "120000" and by_path["b.txt"].mode == "100644"
    assert all(isinstance(entry, TreeEntry) and len(entry.oid) == 40 for entry in tree)


def test_commits_are_newest_first_with_authors_dates_and_a_cap(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    make_git_repo(repo, {"a.txt": "1"}, message="one")
    commit_files(repo, {"a.txt": "2"}, message="two\n\nbody text")
    last = commit_files(repo, {"a.txt": None, "b.txt": "3"}, message="three")
    with SafeGit.open(repo) as safe:
        commits = safe.commits()
        assert safe.commits(max_count=2) == commits[:2]
        assert safe.commits(max_count=0) == []
    assert [c.summary for c in commits] == ["three", "two", "one"]
    assert commits[0] == CommitInfo(sha=last, author_name=AUTHOR_NAME, author_email=AUTHOR_EMAIL,
                                    authored_at=BASE_EPOCH + 7200, committed_at=BASE_EPOCH + 7200,
                                    summary="three")


def test_read_blob_is_bounded_and_rejects_anything_but_a_blob_id(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    sha = make_git_repo(repo, {"a.txt": "hello\n"})
    with SafeGit.open(repo) as safe:
        (entry,) = safe.tree()
        assert safe.read_blob(entry.oid, 6) == b"hello\n"
        assert safe.read_blob(entry.oid, 5) is None
        tree_oid = git(repo, "rev-parse", "HEAD^{tree}")
        for not_a_blob in (tree_oid, sha, "f" * 40, "HEAD", "--output=/tmp/x", "A" * 40, ""):
            assert safe.read_blob(not_a_blob, 1000) is None


def test_inherited_git_environment_does_not_leak_into_git_or_gitpython(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import git as gitpython

    make_git_repo(tmp_path / "other", {"other.txt": "x\n"}, message="other history")
    repo = tmp_path / "repo"
    make_git_repo(repo, {"a.txt": "a\n"}, message="own history")
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "other" / ".git"))
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "portcheck.leak")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", "yes")
    with SafeGit.open(repo) as safe:
        assert [c.summary for c in safe.commits()] == ["own history"]
        repo_py = safe.gitpython_repo()
        assert [c.summary for c in repo_py.iter_commits()] == ["own history"]
        with pytest.raises(gitpython.GitCommandError):
            repo_py.git.config("--get", "portcheck.leak")


def test_shadow_is_outside_the_repo_and_removed_on_close_and_exit(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    make_git_repo(repo, {"a.txt": "a\n"})
    safe = SafeGit.open(repo)
    shadow = Path(safe.gitpython_repo().git_dir)
    assert shadow.is_dir() and repo not in shadow.parents
    safe.close()
    safe.close()
    assert not shadow.exists()
    with SafeGit.open(repo) as safe:
        shadow = Path(safe.gitpython_repo().git_dir)
        assert shadow.is_dir()
    assert not shadow.exists()


def test_shallow_clone_with_packed_refs_reads_its_truncated_history(tmp_path: Path) -> None:
    origin = tmp_path / "origin"
    make_git_repo(origin, {"a.txt": "1"}, message="old")
    head = commit_files(origin, {"a.txt": "2"}, message="new")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", str(clone))
    assert (clone / ".git" / "shallow").is_file() and (clone / ".git" / "packed-refs").is_file()
    with SafeGit.open(clone) as safe:
        assert safe.head == head
        assert [c.summary for c in safe.commits()] == ["new"]


def test_sha256_repository_is_read(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    sha = make_git_repo(repo, {"a.txt": "a\n"}, object_format="sha256")
    with SafeGit.open(repo) as safe:
        assert safe.head == sha and len(sha or "") == 64
        (entry,) = safe.tree()
        assert len(entry.oid) == 64 and safe.read_blob(entry.oid, 10) == b"a\n"


def test_results_are_deterministic_across_opens(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    make_git_repo(repo, {"z.txt": "z", "a/b.txt": "b", "m.txt": "m"})
    runs = []
    for _ in range(2):
        with SafeGit.open(repo) as safe:
            runs.append((safe.head, safe.tree(), safe.commits()))
    assert runs[0] == runs[1]
    assert stat.S_ISDIR(os.lstat(repo / ".git").st_mode)


def test_temporary_folder_inside_the_repository_is_refused_before_writing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    repo = tmp_path / "repo"
    make_git_repo(repo, {"a.txt": "a\n"})
    before = tree_snapshot(repo)
    monkeypatch.setattr(tempfile, "tempdir", str(repo / ".git"))
    with pytest.raises(GitUnavailable, match="temporary folder"):
        SafeGit.open(repo)
    assert tree_snapshot(repo) == before


def test_repository_under_a_path_with_a_newline_and_quote_is_read(tmp_path: Path) -> None:
    repo = tmp_path / 'odd\n"dir' / "repo"  # the shadow's alternates line must be C-quoted
    make_git_repo(repo, {"a.txt": "a\n"})
    with SafeGit.open(repo) as safe:
        (entry,) = safe.tree()
        assert safe.read_blob(entry.oid, 10) == b"a\n"


def test_a_blob_missing_from_the_object_store_has_size_minus_one(tmp_path):
    from gitutil import git, make_git_repo

    from portcheck.analyzer.gitsafe import SafeGit

    repo = tmp_path / "repo"
    make_git_repo(repo, {"model.pt": b"weights" * 10, "README.md": "# r\n"})
    oid = git(repo, "rev-parse", "HEAD:model.pt")
    (repo / ".git" / "objects" / oid[:2] / oid[2:]).unlink()
    with SafeGit.open(repo) as g:
        sizes = {e.path: e.size for e in g.tree()}
    assert sizes == {"README.md": 4, "model.pt": -1}


# ----- large_blobs: big blobs anywhere in the history a clone receives


def _history_with_big_blobs(repo: Path) -> dict[str, str]:
    """main: big.csv (3000 B) added then deleted, keep.pt (2000 B) still at HEAD, small.txt (10 B)."""
    first = make_git_repo(repo, {"data/big.csv": b"a" * 3000, "small.txt": b"0123456789"}, message="add data")
    commit_files(repo, {"keep.pt": b"w" * 2000}, message="add weights")
    commit_files(repo, {"data/big.csv": None}, message="drop data")
    return {"first": first or "", "big": git(repo, "rev-parse", f"{first}:data/big.csv"),
            "keep": git(repo, "rev-parse", "HEAD:keep.pt")}


def test_large_blobs_lists_deleted_and_current_big_blobs_with_the_commit_that_added_them(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    ids = _history_with_big_blobs(repo)
    with SafeGit.open(repo) as safe:
        scan = safe.large_blobs(1000)
    assert [(b.path, b.size, b.oid) for b in scan.blobs] == [("data/big.csv", 3000, ids["big"]),
                                                            ("keep.pt", 2000, ids["keep"])]
    assert scan.blobs[0].commit == ids["first"] and scan.blobs[0].committed_at == BASE_EPOCH
    assert scan.total == 2 and scan.missing == 0 and not scan.truncated and scan.objects > 5


@pytest.mark.parametrize("bound", [5000, 2500, 1000])
def test_large_blobs_in_one_git_process_when_none_is_large_and_the_full_walk_otherwise(tmp_path: Path, monkeypatch,
                                                                                       bound: int) -> None:
    repo = tmp_path / "repo"
    _history_with_big_blobs(repo)
    shortcut = gitsafe._counted_without_large_blobs
    taken: list[bool] = []
    monkeypatch.setattr(gitsafe, "_counted_without_large_blobs", lambda *args: taken.append(shortcut(*args)) or taken[-1])
    with SafeGit.open(repo) as safe:
        scan = safe.large_blobs(bound)
    monkeypatch.setattr(gitsafe, "_counted_without_large_blobs", lambda *args: False)
    with SafeGit.open(repo) as safe:
        assert scan == safe.large_blobs(bound)  # the full walk's answer
    assert taken == [bound == 5000] and scan.objects > 5  # 3000 and 2000 bytes: large under the lower bounds


def test_large_blobs_a_path_with_a_tilde_or_question_mark_takes_the_full_walk(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    make_git_repo(repo, {"notes~old?.txt": "a\n", "a.txt": "b\n"})
    with SafeGit.open(repo) as safe:
        scan = safe.large_blobs(1000)
    assert scan.objects == 4 and scan.blobs == () and not scan.missing  # commit, tree, two blobs


def test_large_blobs_bound_is_strict_and_keeps_the_largest_within_max_blobs(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _history_with_big_blobs(repo)
    with SafeGit.open(repo) as safe:
        assert [b.size for b in safe.large_blobs(2000).blobs] == [3000]
        capped = safe.large_blobs(1000, max_blobs=1)
    assert [b.path for b in capped.blobs] == ["data/big.csv"] and capped.total == 2


def test_large_blobs_ignore_the_stash_and_filter_branch_backups_but_see_other_branches(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    make_git_repo(repo, {"a.txt": "a\n"})
    git(repo, "checkout", "-q", "-b", "side")
    commit_files(repo, {"side.bin": b"s" * 4000}, message="side branch")
    git(repo, "checkout", "-q", "main")
    backup = git(repo, "hash-object", "-w", "--stdin", stdin=b"o" * 5000)
    tree = git(repo, "mktree", stdin=f"100644 blob {backup}\told.bin\n".encode())
    git(repo, "update-ref", "refs/original/refs/heads/main", git(repo, "commit-tree", tree, "-m", "backup"))
    (repo / "a.txt").write_bytes(b"x" * 6000)
    git(repo, "stash", "-q")
    with SafeGit.open(repo) as safe:
        scan = safe.large_blobs(1000)
    assert [b.path for b in scan.blobs] == ["side.bin"]


def test_large_blobs_count_objects_missing_from_the_store_instead_of_failing(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    ids = _history_with_big_blobs(repo)
    (repo / ".git" / "objects" / ids["big"][:2] / ids["big"][2:]).unlink()
    with SafeGit.open(repo) as safe:
        scan = safe.large_blobs(1000)
    assert [b.path for b in scan.blobs] == ["keep.pt"] and scan.missing == 1


def test_large_blobs_stop_at_max_objects_and_say_so(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _history_with_big_blobs(repo)
    with SafeGit.open(repo) as safe:
        scan = safe.large_blobs(1000, max_objects=3)
    assert scan.truncated and scan.objects == 3


def test_large_blobs_of_a_repository_without_commits_are_none(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    make_git_repo(repo)
    with SafeGit.open(repo) as safe:
        scan = safe.large_blobs(0)
    assert scan.blobs == () and scan.objects == 0 and not scan.truncated


def test_large_blobs_on_a_hostile_repository_run_nothing_and_change_nothing(tmp_path: Path) -> None:
    repo, markers, _ = _make_hostile_repo(tmp_path)
    before = tree_snapshot(repo)
    with SafeGit.open(repo) as safe:
        scan = safe.large_blobs(5)
    assert {b.path for b in scan.blobs} == {"data.txt", ".gitattributes", "src/model.py"}
    assert all(b.commit for b in scan.blobs)
    assert sorted(os.listdir(markers)) == []
    assert tree_snapshot(repo) == before
