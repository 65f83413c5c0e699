"""Run the `portcheck` CLI in a subprocess whose Python records what it does, through audit hooks
(`sys.addaudithook`, PEP 578): sockets, name lookups, programs started, sqlite databases opened,
classes unpickled, files opened by name, and whether mlflow was imported.

The hook is installed by a `sitecustomize.py` put first on PYTHONPATH, so it is in place before
portcheck starts, in every Python process started with that environment, and in every child forked
from one (a forked child keeps its parent's hooks and the log's file descriptor):

    run = run_audited(tmp_path, "scan", str(repo), "--format", "json", watch_names=("model.pkl",))
    assert run.proc.returncode == 0
    assert not run.network()

The process runs as from a user's terminal: a minimal environment (PATH, LANG, and HOME and TMPDIR
folders of its own under the work folder) with no CI or test-runner markers, which would turn mlflow's telemetry
off by themselves and hide what portcheck must switch off.

Each event is one JSON line `{"pid", "event", "args", "where"}` appended to the log with a single
`os.write` (no audit event of its own, atomic for short lines), so parent and children can share it.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NETWORK_EVENTS = frozenset({
    "socket.__new__", "socket.connect", "socket.bind", "socket.getaddrinfo", "socket.gethostbyname",
    "socket.gethostbyaddr", "socket.getnameinfo", "socket.sendto", "socket.sendmsg", "urllib.Request",
    "http.client.connect", "ftplib.connect", "smtplib.connect", "imaplib.open", "poplib.connect",
    "nntplib.connect", "telnetlib.Telnet.open", "webbrowser.open",
})
PROGRAM_EVENTS = frozenset({"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "pty.spawn"})
INET_FAMILIES = frozenset({int(socket.AF_INET), int(socket.AF_INET6)})

SITECUSTOMIZE = r'''
import json, os, sys

_FD = os.open(os.environ["PORTCHECK_AUDIT_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
_ALWAYS = frozenset(json.loads(os.environ["PORTCHECK_AUDIT_EVENTS"]))
_NAMES = frozenset(json.loads(os.environ.get("PORTCHECK_AUDIT_NAMES", "[]")))
_BUSY = []


def _where():
    """The innermost frame outside this file and the socket module: file and function."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.endswith(("sitecustomize.py", "socket.py")):
        frame = frame.f_back
    return f"{frame.f_code.co_filename}:{frame.f_code.co_name}" if frame is not None else ""


def _plain(value):
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    if isinstance(value, bytes):
        return os.fsdecode(value)
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return repr(value)[:200]


def _wanted(event, args):
    if event in _ALWAYS:
        return True
    if event == "open":
        path = args[0]
        return isinstance(path, (str, bytes)) and os.path.basename(os.fsdecode(path)) in _NAMES
    return event == "import" and args[0] == "mlflow"


def _record(event, args):
    line = json.dumps({"pid": os.getpid(), "event": event, "args": _plain(list(args)), "where": _where()})
    os.write(_FD, line.encode("utf-8", "replace") + b"\n")


def _hook(event, args):
    if _BUSY or not _wanted(event, args):
        return
    _BUSY.append(1)
    try:
        if event == "socket.__new__":
            args = args[1:]  # family, type, proto (not the half-made socket object)
        elif event == "import":
            args = args[:1]
        _record(event, args)
    finally:
        _BUSY.pop()


sys.addaudithook(_hook)
_record("audit.started", ())
'''


@dataclass(frozen=True)
class AuditedRun:
    """A finished audited CLI run: the process and the events its Python processes recorded."""

    proc: subprocess.CompletedProcess
    events: tuple[dict[str, Any], ...]
    home: Path  # the process's HOME, empty before the run
    temp: Path  # the process's TMPDIR, empty before the run

    def home_files(self) -> list[str]:
        """What the run left in its HOME folder (mlflow's telemetry writes an installation id there)."""
        return sorted(str(p.relative_to(self.home)) for p in self.home.rglob("*"))

    def temp_files(self) -> list[str]:
        """What the run left in its TMPDIR (copies of run stores, git's shadow repository)."""
        return sorted(str(p.relative_to(self.temp)) for p in self.temp.rglob("*"))

    def of(self, *names: str) -> list[dict[str, Any]]:
        """The recorded events with one of these names."""
        return [e for e in self.events if e["event"] in names]

    @property
    def started(self) -> bool:
        """Whether the hook was installed in the CLI's process (the log is not empty by accident)."""
        return bool(self.of("audit.started"))

    def network(self) -> list[dict[str, Any]]:
        """Everything that touched the network or could have: an IPv4/IPv6 socket created, bound,
        connected or sent from, a host name looked up, a URL opened. Unix sockets are not network.

        One thing is not counted: urllib3 (imported with mlflow's client) checks at import time whether
        the machine has IPv6 by creating an AF_INET6 socket and binding it to `::1` port 0. That socket
        is loopback only, never connected and never sent on; the exception is exactly that call.
        """
        found = []
        for event in self.of(*NETWORK_EVENTS):
            if "urllib3/util/connection.py:_has_ipv6" in event["where"]:
                continue
            if event["event"] == "socket.__new__" and event["args"][0] not in INET_FAMILIES:
                continue
            if event["event"] in ("socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg") \
                    and isinstance(event["args"][1], str):
                continue  # an AF_UNIX address is a path (a str); IP addresses are tuples
            found.append(event)
        return found

    def programs(self) -> list[str]:
        """The executables started (subprocess, os.exec*, os.system, posix_spawn), as recorded."""
        out = []
        for event in self.of(*PROGRAM_EVENTS):
            first = event["args"][0] if event["args"] else ""
            out.append(first if isinstance(first, str) else str(first))
        return out


def _audited(work: Path, command: list[str], *, watch_names: tuple[str, ...], extra_events: tuple[str, ...],
             cwd: Path | None) -> AuditedRun:
    site = work / "audit-site"
    site.mkdir(parents=True, exist_ok=True)
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    log = work / f"audit-{len(list(work.glob('audit-*.jsonl')))}.jsonl"
    recorded = sorted(NETWORK_EVENTS | PROGRAM_EVENTS | {"sqlite3.connect", "pickle.find_class", *extra_events})
    home, temp = work / "home", work / "tmp"
    home.mkdir(exist_ok=True)
    temp.mkdir(exist_ok=True)
    env = {"PATH": os.environ.get("PATH", os.defpath), "HOME": str(home), "TMPDIR": str(temp), "LANG": "C.UTF-8",
           "XDG_CACHE_HOME": str(work / "report-cache"),  # portcheck's report cache: expected, and kept out of HOME
           "PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")])),
           "PORTCHECK_AUDIT_LOG": str(log),
           "PORTCHECK_AUDIT_EVENTS": json.dumps(recorded),
           "PORTCHECK_AUDIT_NAMES": json.dumps(list(watch_names))}
    proc = subprocess.run(command, capture_output=True, text=True, cwd=cwd or work, env=env, timeout=300)
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return AuditedRun(proc=proc, events=tuple(json.loads(line) for line in lines), home=home, temp=temp)


def run_audited(work: Path, *args: str, watch_names: tuple[str, ...] = (), extra_events: tuple[str, ...] = (),
                cwd: Path | None = None) -> AuditedRun:
    """Run `portcheck ARGS` with the audit hook (files under `work`); `watch_names` are file basenames
    whose every `open` is recorded (a path opened relative to a folder descriptor carries only its
    name); `extra_events` are more audit event names to record whole."""
    return _audited(work, [sys.executable, "-m", "portcheck.analyzer.cli", *args], watch_names=watch_names,
                    extra_events=extra_events, cwd=cwd)


def python_audited(work: Path, code: str) -> AuditedRun:
    """Run `python -c CODE` under the same hook: the control that shows the hook sees what it should."""
    return _audited(work, [sys.executable, "-c", code], watch_names=(), extra_events=(), cwd=None)
