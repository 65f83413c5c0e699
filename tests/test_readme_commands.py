"""The README's two newcomer commands stay true: CI runs exactly the README's test command."""
from pathlib import Path

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent


def shell_blocks() -> list[list[str]]:
    tokens = MarkdownIt("commonmark").parse((ROOT / "README.md").read_text(encoding="utf-8"))
    return [[line.strip() for line in t.content.splitlines() if line.strip() and not line.startswith("#")]
            for t in tokens if t.type == "fence" and t.info.strip() in ("bash", "sh", "shell", "console")]


def test_readme_opens_with_an_install_and_run_command_and_a_test_command():
    blocks = shell_blocks()
    assert len(blocks) >= 2
    assert any("portcheck sample_projects/" in line for line in blocks[0])
    assert any("pytest" in line for line in blocks[1])


def test_ci_runs_every_line_of_the_readme_test_command_in_order():
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    positions = [ci_lines.index(line) for line in shell_blocks()[1]]
    assert positions == sorted(positions)
