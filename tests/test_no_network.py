"""A scan opens no network connection, however much of the repository points at the network.

The repository is a real blobless partial clone whose promisor remote, other remotes, `url.insteadOf`
rewrite, HTTP proxy and submodule all point at a TCP listener this test holds on 127.0.0.1 (plain git
reading a missing blob there connects to it at once: the payload is live). Its README, requirements,
pyproject, environment.yml, notebook, `.gitmodules`, `.lfsconfig` and MLflow store (artifact URIs) name
the same listener and an unresolvable host. A second repository borrows objects through
`objects/info/http-alternates`. Each is scanned by the `portcheck` CLI in a Python whose audit hook
(tests/audited.py) records every socket, name lookup and program start, in forked children too.

The scan passes when the listener received no connection, the audit log holds no IPv4/IPv6 socket,
bind, connect, send or name lookup (urllib3's import-time IPv6 probe excepted, see `AuditedRun.network`),
the only program started is git, and the repositories are byte-identical afterwards.
"""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from audited import python_audited, run_audited
from conftest import SAMPLES
from gitutil import commit_files, git, git_env, make_git_repo, tree_snapshot

LISTEN_TIMEOUT = 10.0
# git (run by SafeGit, through `env -i`), and `uname -p`, which Python's platform module runs when mlflow
# is imported. Nothing from the repository.
ALLOWED_PROGRAMS = {"git", "env", "uname"}


class Listener:
    """A TCP server socket on the loopback interface that only counts the connections it was offered."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.setblocking(False)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"

    def connections(self) -> int:
        """Connections waiting to be accepted (each is accepted and closed)."""
        count = 0
        while True:
            try:
                conn, _ = self.socket.accept()
            except BlockingIOError:
                return count
            conn.close()
            count += 1

    def wait_for_connection(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.connections():
                return True
            time.sleep(0.02)
        return False


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.socket.close()


def notebook(url: str) -> str:
    """An executed notebook whose markdown, HTML output and code all name the network."""
    return json.dumps({
        "nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "cells": [
            {"cell_type": "markdown", "id": "m1", "metadata": {},
             "source": f"# Explore\n\n![chart]({url}/chart.png) data from {url}/data.csv"},
            {"cell_type": "code", "id": "c1", "metadata": {}, "execution_count": 1,
             "source": f"import pandas as pd\nframe = pd.read_csv('{url}/data.csv')\nframe.head()",
             "outputs": [{"output_type": "execute_result", "execution_count": 1, "metadata": {},
                          "data": {"text/plain": "frame", "text/html": f"<img src='{url}/pixel.gif'><iframe src='{url}/'></iframe>"}}]},
        ],
    })


def project_files(url: str) -> dict[str, str]:
    """A small ML project whose every configuration names the listener or an unresolvable host."""
    files = {
        "README.md": (f"# Churn\n\nPredicts churn. ![build]({url}/badge.svg) ![cov](https://portcheck-canary.invalid/c.svg)\n\n"
                      f"## Setup\n\n```bash\npip install -r requirements.txt\n```\n\nData: [download]({url}/data.zip)\n"),
        "requirements.txt": (f"--index-url {url}/simple\n--extra-index-url https://portcheck-canary.invalid/simple\n"
                             f"--find-links {url}/wheels\n-r {url}/more-requirements.txt\nnumpy==2.4.6\n"
                             f"churnlib @ {url}/churnlib-1.0-py3-none-any.whl\n"
                             f"git+{url}/tool.git#egg=tool\nhttps://portcheck-canary.invalid/pkg.tar.gz\n"),
        "pyproject.toml": (f'[project]\nname = "churn"\nversion = "0.1"\ndependencies = ["lib @ {url}/lib.whl"]\n'
                           f'[[tool.poetry.source]]\nname = "mirror"\nurl = "{url}/simple"\n'
                           f'[tool.uv]\nindex-url = "{url}/simple"\n'),
        "environment.yml": f"name: churn\nchannels:\n  - {url}/conda\ndependencies:\n  - pip:\n      - --index-url {url}/simple\n",
        ".gitmodules": f'[submodule "lib"]\n\tpath = lib\n\turl = {url}/lib.git\n',
        ".lfsconfig": f"[lfs]\n\turl = {url}/lfs\n",
        "notebooks/explore.ipynb": notebook(url),
        "src/train.py": (f'import mlflow\n\nmlflow.set_tracking_uri("{url}")\nDATA = "{url}/data.csv"\n\n\n'
                         'def main():\n    """Train."""\n    mlflow.log_metric("f1", 0.5)\n'),
    }
    for path in sorted((SAMPLES / "polished" / "mlruns").rglob("*")):
        if path.is_file():
            text = path.read_text(encoding="utf-8").replace("file:///app/", f"{url}/app/")
            files[str(path.relative_to(SAMPLES / "polished"))] = text
    return files


def partial_clone(work: Path, listener: Listener) -> tuple[Path, str]:
    """A blobless clone of a two-commit project whose remotes all point at the listener; the id of a
    blob it lacks (plain git fetches it from the promisor remote on demand)."""
    source = work / "source"
    make_git_repo(source, project_files(listener.url), message="Add the churn project")
    old_blob = git(source, "rev-parse", "HEAD:src/train.py")
    commit_files(source, {"src/train.py": project_files(listener.url)["src/train.py"] + "# tuned\n"}, message="Tune")
    git(source, "config", "uploadpack.allowFilter", "true")
    clone = work / "clone"
    subprocess.run(["git", "clone", "-q", "--filter=blob:none", source.as_uri(), str(clone)], check=True,
                   capture_output=True, env=git_env(), timeout=60)
    git(clone, "config", "remote.origin.url", f"{listener.url}/churn.git")
    with open(clone / ".git" / "config", "a", encoding="utf-8") as config:
        config.write(f'[remote "upstream"]\n\turl = https://github.com/example/churn.git\n'
                     f'[url "{listener.url}/"]\n\tinsteadOf = https://github.com/\n'
                     f'[http]\n\tproxy = {listener.url}\n'
                     f'[submodule "lib"]\n\turl = {listener.url}/lib.git\n\tactive = true\n'
                     f'[fetch]\n\trecurseSubmodules = true\n[protocol]\n\tallow = always\n')
    shutil.rmtree(source)
    return clone, old_blob


def http_alternates_repo(work: Path, listener: Listener) -> Path:
    repo = work / "borrowing"
    make_git_repo(repo, {"README.md": "# Borrowing\n\nObjects come from elsewhere.\n", "train.py": "print(1)\n"})
    (repo / ".git" / "objects" / "info" / "http-alternates").write_text(f"{listener.url}/objects\n")
    return repo


def test_the_audit_hook_and_the_listener_see_a_connection(tmp_path, listener):
    """The control: a Python process that does connect is caught by both witnesses."""
    port = listener.url.rsplit(":", 1)[1]
    run = python_audited(tmp_path, f"import socket; socket.create_connection(('127.0.0.1', {port})).close()")
    assert run.proc.returncode == 0, run.proc.stderr
    assert run.started
    assert {"socket.__new__", "socket.connect"} <= {e["event"] for e in run.network()}
    assert listener.wait_for_connection(LISTEN_TIMEOUT)


def test_plain_git_on_the_partial_clone_connects_to_the_listener(tmp_path, listener):
    """The payload is live: reading a missing blob with plain git fetches it from the promisor remote."""
    clone, old_blob = partial_clone(tmp_path, listener)
    missing = git(clone, "rev-list", "--objects", "--missing=print", "HEAD")
    assert f"?{old_blob}" in missing.split()
    proc = subprocess.Popen(["git", "-C", str(clone), "cat-file", "-p", old_blob], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=git_env())
    try:
        assert listener.wait_for_connection(LISTEN_TIMEOUT)
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.parametrize("kind", ["partial clone", "http alternates"])
def test_a_full_scan_opens_no_network_connection(tmp_path, listener, kind):
    repo = partial_clone(tmp_path, listener)[0] if kind == "partial clone" else http_alternates_repo(tmp_path, listener)
    before = tree_snapshot(repo)

    run = run_audited(tmp_path, "scan", str(repo), "--format", "json", "--output", str(tmp_path / "report.json"),
                      "--also", f"html={tmp_path / 'report.html'}", "--no-progress")

    assert run.proc.returncode in (0, 1), run.proc.stderr
    assert "Traceback" not in run.proc.stderr
    assert run.started
    assert run.network() == []
    assert listener.connections() == 0
    assert {Path(program).name for program in run.programs()} <= ALLOWED_PROGRAMS
    assert run.home_files() == []  # mlflow's telemetry did not even write its installation id
    assert run.temp_files() == []  # the run-store copies and git's shadow repository are gone
    assert tree_snapshot(repo) == before
    report = json.loads((tmp_path / "report.json").read_text())
    if kind == "partial clone":
        assert report["repo"]["commit"] is not None  # git history was read, through the listener-free shadow
        assert report["facts"]["tracking"] == ["mlflow"]
        assert run.of("import")  # the MLflow store was read, so mlflow (and urllib3) were imported
    else:
        assert any("http-alternates" in note["message"] for note in report["scan_notes"])
