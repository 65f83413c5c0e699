"""The HTML report opened in a real headless Chromium: it renders, and it asks the network for nothing.

Chromium is a Debian package (`apt-get install chromium`); .ci/run installs it and sets
PORTCHECK_REQUIRE_BROWSER=1 so that a missing browser fails CI instead of skipping.
"""
import os
import shutil
import subprocess

import pytest

from portcheck.reports import html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium():
    if CHROMIUM is None:
        if os.environ.get("PORTCHECK_REQUIRE_BROWSER"):
            pytest.fail("chromium is required (PORTCHECK_REQUIRE_BROWSER is set) but not installed")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return CHROMIUM


def run_chromium(chromium, tmp_path, *args):
    return subprocess.run([chromium, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
                          capture_output=True, text=True, timeout=120)


def test_report_renders_in_chromium_without_network_requests(chromium, tmp_path, scanned_report):
    page = tmp_path / "report.html"
    page.write_text(html.render(scanned_report), encoding="utf-8")
    dom = run_chromium(chromium, tmp_path, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<h1" in dom.stdout and str(scanned_report.scores.overall) in dom.stdout
    assert "Refused to" not in dom.stderr  # no Content-Security-Policy violation: nothing was blocked
    shot = tmp_path / "shot.png"
    run_chromium(chromium, tmp_path, f"--screenshot={shot}", "--window-size=1200,2400", page.as_uri())
    assert shot.exists() and shot.stat().st_size > 10_000
