"""Comments found from the syntax tree (`facts/comments.py`) are exactly what `tokenize` finds."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from portcheck.analyzer.facts.comments import comments, tokenized_comments
from portcheck.analyzer.facts.pycode import code_unit

ROOT = Path(__file__).resolve().parent.parent

CASES = {
    "plain": "x = 1  # one\n# two\n\n    # three\n",
    "hash in strings": 's = "a # not"  # yes\nt = \'#\' + "#"\nu = b"#" # bytes\n',
    "docstring with hashes": 'def f():\n    """Example:\n\n    # not a comment\n    >>> x  # nor this\n    """\n    return 1  # real\n',
    "f-strings": 'name = "x"\nv = f"{name}#{name!r:>10}"  # after\nw = f"""\n# inside\n{name}"""  # end\n',
    "implicit concatenation across lines": 'x = ("first #1"  # between\n     "second #2")  # after\n',
    "backslash continuation in a string": 's = "a # \\\nb # c"  # real\n',
    "non-ascii before the hash": 'v = "héllo wörld"  # ünïcode\nw = "日本#語"  # 後\n',
    "form feed splits lines differently": 'x = 1\n\x0c# after form feed\ny = "#\x0c"  # z\n',
    "comment only file": "# a\n# b\n",
    "no comments": 'x = "#"\n',
    "string then comment with quote": "x = 'it''s'  # it's\n",
    "raw and byte prefixes": 'a = rb"""\n#x\n"""  # q\nb = Rb\'#\'  # r\n',
    "nested brackets across lines": "f(a,  # one\n  b,  # two\n)  # three\n",
}


@pytest.mark.parametrize("name", CASES)
def test_the_same_comments_as_tokenize(name):
    text = CASES[name]
    unit = code_unit("m.py", None, ast.parse(text), text)
    assert comments(unit) == tokenized_comments(unit.lines)


def test_the_implicit_concatenation_comment_is_found():
    text = CASES["implicit concatenation across lines"]
    unit = code_unit("m.py", None, ast.parse(text), text)
    assert comments(unit) == [(1, "# between"), (2, "# after")]


def test_every_module_of_portcheck_itself_gives_the_same_comments():
    files = [p for folder in ("analyzer", "checks", "reports", "tests", "bench") for p in (ROOT / folder).rglob("*.py")]
    assert len(files) > 100
    for path in files:
        text = path.read_text(encoding="utf-8")
        unit = code_unit(str(path), None, ast.parse(text), text)
        assert comments(unit) == tokenized_comments(unit.lines), path
