"""Headless Chromium for the browser tests: one-shot runs (`--dump-dom`, `--print-to-pdf`) and a small
DevTools-protocol session over `--remote-debugging-pipe` (stdlib only) for what flags cannot do:
full-page screenshots at a given viewport width and measuring the laid-out page.

Chromium is a Debian package (`apt-get install chromium`); .ci/run installs it and sets
PORTCHECK_REQUIRE_BROWSER=1 so that a missing browser fails CI instead of skipping.
"""
from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

BINARY = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]
TIMEOUT = 120
# Put the two descriptors given on fds 3 and 4, close the originals, and exec the browser.
_TRAMPOLINE = ("import os, sys; r, w = int(sys.argv[1]), int(sys.argv[2]); os.dup2(r, 3); os.dup2(w, 4); "
               "os.close(r); os.close(w); os.execv(sys.argv[3], sys.argv[3:])")


def require_chromium() -> str:
    """The Chromium binary; skip the test without one, unless PORTCHECK_REQUIRE_BROWSER says fail."""
    if BINARY is None:
        if os.environ.get("PORTCHECK_REQUIRE_BROWSER"):
            pytest.fail("chromium is required (PORTCHECK_REQUIRE_BROWSER is set) but not installed")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return BINARY


def page_problems(log: str) -> list[str]:
    """The console lines of Chromium's stderr log that report a page problem: a Content-Security-Policy
    violation (older versions say "Refused to …", newer ones "… violates the following Content Security
    Policy directive …") or an uncaught script error."""
    return [line for line in log.splitlines()
            if ":CONSOLE" in line and any(s in line for s in ("Refused to", "Content Security Policy", "Uncaught"))]


def run(profile: Path, *args: str) -> subprocess.CompletedProcess:
    """One Chromium run with a fresh profile folder, e.g. `run(tmp / "p", "--dump-dom", url)`."""
    return subprocess.run([require_chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=TIMEOUT)


class Session:
    """A page in a Chromium driven over the DevTools pipe: open a URL at a viewport, evaluate, screenshot.

    Use as a context manager; `log` is Chromium's stderr, `errors` what the page reported as wrong
    (uncaught exceptions, console errors and warnings, CSP violations), `requests` every URL it loaded.
    """

    def __init__(self, profile: Path) -> None:
        self._stderr_path = profile.with_suffix(".stderr.log")
        commands_r, self._commands_w = os.pipe()
        self._replies_r, replies_w = os.pipe()
        # Chromium reads commands from fd 3 and writes replies to fd 4: move our ends out of the way
        # (to fds >= 10), then let a small trampoline put them on 3 and 4 for the browser it execs.
        child_r, child_w = (fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (commands_r, replies_w))
        os.close(commands_r)
        os.close(replies_w)
        self._stderr = open(self._stderr_path, "wb")  # closed in close()
        browser = [require_chromium(), *FLAGS, "--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank"]
        self.process = subprocess.Popen(
            [sys.executable, "-c", _TRAMPOLINE, str(child_r), str(child_w), *browser],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._stderr,
            pass_fds=(child_r, child_w))
        os.close(child_r)
        os.close(child_w)
        self._buffer = b""
        self._next_id = 0
        self._session: str | None = None
        self.errors: list[str] = []    # uncaught exceptions, console errors, CSP violations
        self.requests: list[str] = []  # every URL the page asked for, the page itself included

    def __enter__(self) -> Session:
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.send("Browser.close", session=False)
            except (OSError, RuntimeError):
                pass
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        os.close(self._commands_w)
        os.close(self._replies_r)
        self._stderr.close()

    @property
    def log(self) -> str:
        return self._stderr_path.read_text(encoding="utf-8", errors="replace")

    def send(self, method: str, *, session: bool = True, **params: Any) -> dict[str, Any]:
        """Send one command and return its result, recording the events that arrive meanwhile."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session and self._session:
            message["sessionId"] = self._session
        os.write(self._commands_w, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._event(reply)

    def wait_for(self, event: str) -> dict[str, Any]:
        while True:
            message = self._read()
            self._event(message)
            if message.get("method") == event:
                return message.get("params", {})

    def _event(self, message: dict[str, Any]) -> None:
        method, params = message.get("method"), message.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            self.errors.append(details.get("exception", {}).get("description") or details.get("text", ""))
        elif method == "Log.entryAdded" and params["entry"].get("level") in ("error", "warning"):
            self.errors.append(params["entry"].get("text", ""))  # CSP violations are reported here
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
            self.errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
        elif method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._replies_r, 1 << 16)
            if not chunk:
                raise RuntimeError(f"chromium closed the DevTools pipe:\n{self.log[-2000:]}")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def open(self, url: str, *, width: int, height: int = 900, mobile: bool = False) -> None:
        """Load `url` in a viewport `width` CSS pixels wide and wait for its load event."""
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=mobile)
        self.send("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (DevTools evaluation is not subject to CSP)."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        """A PNG of the whole page, not only the viewport."""
        size = self.send("Page.getLayoutMetrics")["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        data = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True, clip=clip)["data"]
        path.write_bytes(base64.b64decode(data))
        return path
