"""The code base passes its own linter configuration ([tool.ruff] in pyproject.toml)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing_in_the_code_base():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "analyzer", "checks", "reports", "tests", "bench"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
