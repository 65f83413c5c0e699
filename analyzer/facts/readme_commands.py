"""Install and usage commands in a README: fenced, indented, inline code and command-looking lines."""
from __future__ import annotations

import re
from collections.abc import Callable

from ..model import Evidence
from .common import excerpt
from .readme_document import Block, Document

MAX_COMMANDS = 20  # install / usage evidence kept per kind

# ---- install and usage commands -----------------------------------------------------------------

_PROMPT = re.compile(r"^(?:\$|>>>|>|%|!|#\s*\$|PS>|PS [^>]*>|[A-Z]:\\[^>]*>)\s*")
_ENV_PREFIX = re.compile(r"^(?:[A-Z_][A-Z0-9_]*=\S*\s+)+")
_INSTALL = re.compile(r"""^(?:sudo\s+)?(?:
    (?:python3?(?:\.\d+)?\s+-m\s+)?pip3?\s+(?:-\S+\s+)*install\b
  | (?:conda|mamba|micromamba)\s+(?:env\s+(?:create|update)|create|install)\b
  | (?:poetry|pipenv|pdm)\s+(?:install|sync)\b
  | uv\s+(?:sync|pip\s+(?:install|sync)|venv|add)\b
  | hatch\s+env\s+create\b
  | python3?(?:\.\d+)?\s+-m\s+venv\b | virtualenv\s | pyenv\s+(?:install|virtualenv)\b
  | python3?\s+setup\.py\s+(?:install|develop)\b
  | docker\s+(?:build|pull)\b | docker(?:-|\s+)compose\s+(?:up|build|pull)\b
  | make\s+(?:[\w-]*-)?(?:setup|install|env|venv|init|deps|dependencies|bootstrap|build|up|requirements|environment)\b
  | (?:bash\s+|sh\s+|source\s+|\.\s+|\.[/\\])?[\w./\\-]*(?:setup|install|bootstrap)[\w-]*\.(?:sh|ps1|bat)\b
  | (?:apt(?:-get)?|brew|dnf|yum)\s+install\b | npm\s+(?:install|ci)\b
)""", re.VERBOSE | re.IGNORECASE)
_USAGE = re.compile(r"""^(?:sudo\s+)?(?:
    python3?(?:\.\d+)?\s+(?:-[uOB]\s+)*(?!-m\s+(?:pip|venv|pytest|unittest|ensurepip|build|twine)\b)(?!setup\.py\b)
        (?:-m\s+[\w.]+|[\w./\\-]+\.py\b)
  | (?:torchrun|deepspeed|horovodrun|accelerate\s+launch|lightning\s+run)\b
  | (?:uvicorn|gunicorn|hypercorn)\s+\S
  | (?:streamlit|flask|fastapi|gradio|panel|chainlit)\s+(?:run|serve|dev)\b | gradio\s+\S+\.py
  | (?:mlflow|kedro|rasa)\s+(?:run|train|serve|models\s+serve)\b | dvc\s+(?:repro|exp\s+run)\b
  | (?:snakemake|nextflow\s+run|wandb\s+(?:sweep|agent))\b
  | jupyter\s+(?:notebook|lab|nbconvert|execute)\b | voila\s
  | (?:uv|poetry|pipenv|pdm|hatch|conda)\s+run\s+(?!(?:python\s+-m\s+)?(?:pytest|unittest)\b)\S
  | make\s+(?!(?:[\w-]*-)?(?:setup|install|env|venv|init|deps|dependencies|bootstrap|build|up|requirements|
        environment|test|tests|lint|format|clean|check|docs|help|pre-commit|style)\b)[\w-]+
  | (?:bash\s+|sh\s+|\./)(?![\w./-]*(?:setup|install|bootstrap|test))[\w./-]+\.sh\b
  | docker\s+run\b | docker(?:-|\s+)compose\s+(?:run|exec)\b
  | %run\s
)""", re.VERBOSE | re.IGNORECASE)
# Commands on a prose line (not in code): the unmistakable forms only ("make sure" is not a command).
_PROSE_USAGE = re.compile(r"^(?:python3?\s+(?:-m\s+(?!pip|venv|pytest|unittest)[\w.]+|[\w./-]+\.py\b)|"
                          r"(?:torchrun|accelerate\s+launch|uvicorn|streamlit\s+run)\s+\S)", re.IGNORECASE)
_PROSE_INSTALL = re.compile(
    r"\binstall(?:ing|ed)?\b[^.\n]{0,60}?(?:requirements(?:\.txt)?|dependencies|packages|environment\.ya?ml|"
    r"pyproject\.toml|conda env)|(?:requirements\.txt|environment\.ya?ml)[^.\n]{0,40}?\binstall", re.IGNORECASE)
_INSTALL_HEADING = re.compile(r"\b(?:install\w*|set ?-?up|getting started|quick ?start|requirements|prerequisites|"
                              r"environment|dependencies|configuration)\b", re.IGNORECASE)
_SHELL_SETUP = re.compile(r"^(?:cp|copy|mv|export|set)\s+\S*\.env|^(?:conda|source)\s+activate\b|"
                          r"^make\s+[\w-]+|^docker\b", re.IGNORECASE)
_CODE_CALL = re.compile(r"\.(?:predict|predict_proba|fit|generate|evaluate|train|transform|from_pretrained|"
                        r"load_state_dict|infer|run|encode|forward)\(|\btorch\.hub\.load\(|\bpipeline\(|"
                        r"\bload_model\(|\bjoblib\.load\(|\bpickle\.load\(")
_PYTHON_LANGS = frozenset({"python", "py", "python3", "pycon", "ipython", "ipython3"})


def _command(line: str) -> str:
    """A code line as a command: prompt and leading VAR=value assignments removed."""
    line = _PROMPT.sub("", line.strip())
    return _ENV_PREFIX.sub("", line)


def find_commands(doc: Document, path: str) -> tuple[tuple[Evidence, ...], tuple[Evidence, ...]]:
    """(install, usage) evidence: command lines from code blocks, inline code and prose lines; code
    blocks under a set-up heading count as install steps; Python code that loads, trains or predicts
    counts as usage."""
    install: list[Evidence] = []
    usage: list[Evidence] = []

    def add(bucket: list[Evidence], line: int, text: str) -> None:
        if len(bucket) < MAX_COMMANDS and not any(e.line == line for e in bucket):
            bucket.append(Evidence(path=path, line=line, excerpt=excerpt(text)))

    headings: list[Block] = []
    for block in doc.blocks:
        if block.kind == "heading":
            headings = [h for h in headings if h.level < block.level] + [block]
            continue
        under_setup = bool(headings) and _INSTALL_HEADING.search(headings[-1].text) is not None
        if block.kind == "code":
            _code_commands(block, under_setup, install, usage, add)
        elif block.kind == "text":
            for text, line in block.spans:
                cmd = _command(text)
                if _INSTALL.match(cmd):
                    add(install, line, cmd)
                elif _USAGE.match(cmd):
                    add(usage, line, cmd)
            for offset, raw in enumerate(block.text.split("\n")):
                cmd = _command(raw)
                if _INSTALL.match(cmd) and (" install" in cmd.lower() or doc.format == "text"):
                    add(install, block.line + offset, cmd)
                elif _PROSE_USAGE.match(cmd):
                    add(usage, block.line + offset, cmd)
                elif _PROSE_INSTALL.search(raw):
                    add(install, block.line + offset, raw)
    return tuple(install), tuple(usage)


def _code_commands(block: Block, under_setup: bool, install: list[Evidence], usage: list[Evidence],
                   add: Callable[[list[Evidence], int, str], None]) -> None:
    """Commands of one code block; a Python block counts as usage when it loads, trains or predicts."""
    lang = block.lang
    if lang in _PYTHON_LANGS or (lang in ("", "pycon") and re.match(r"\s*(?:>>>\s*)?(?:import|from)\s+\w", block.text)):
        calls = _CODE_CALL.search(block.text)
        if calls:
            line = block.line + block.text.count("\n", 0, calls.start())
            add(usage, line, block.text.split("\n")[line - block.line])
        return
    for offset, raw in enumerate(block.text.split("\n")):
        cmd = _command(raw)
        if not cmd or cmd.startswith(("#", "//", "REM ")):
            continue
        line = block.line + offset
        if _INSTALL.match(cmd):
            add(install, line, cmd)
        elif _USAGE.match(cmd):
            add(usage, line, cmd)
        elif under_setup and _SHELL_SETUP.match(cmd):
            add(install, line, cmd)


