"""Notebooks of the usual v4 shape are read without nbformat (`_plain_v4_cells`), and exactly as
nbformat's reader reads them; every other shape still goes through nbformat."""
from __future__ import annotations

import copy
import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from portcheck.analyzer import sources
from portcheck.analyzer.sources import _plain_v4_cells, parse_notebook


def usual_notebook() -> dict:
    """A v4 notebook as Jupyter writes it: split lines, every kind of output, JSON data, attachments."""
    cells = [
        new_markdown_cell("# Title\n\nSome text\n![img](attachment:a.png)",
                          attachments={"a.png": {"image/png": "iVBORw0KGgo=", "text/plain": ["a\n", "b"]}}),
        new_code_cell("import json\nprint('hi')\nx", execution_count=1, outputs=[
            new_output("stream", name="stdout", text="hi\nthere\n"),
            new_output("execute_result", execution_count=1, data={
                "text/plain": "line 1\nline 2", "text/html": "<b>x</b>\n<i>y</i>",
                "application/json": {"a": [1, 2]}, "application/vnd.custom+json": ["k\n", "v"],
                "image/svg+xml": "<svg>\n</svg>"}),
            new_output("display_data", data={"image/png": "iVBORw0KGgo="}),
            new_output("error", ename="KeyError", evalue="'x'", traceback=["Traceback\n", "KeyError"]),
        ]),
        new_code_cell("", execution_count=None),
    ]
    document = json.loads(nbformat.writes(new_notebook(cells=cells)))  # lines split, as on disk
    document["cells"][1]["metadata"]["trusted"] = True
    document["cells"][1]["outputs"][0]["text"] = ["hi\n", "there\n"]
    return document


def through_nbformat(document: dict) -> list:
    return nbformat.versions[4].to_notebook_json(copy.deepcopy(document), minor=document.get("nbformat_minor", 0)).cells


def test_a_usual_notebook_is_read_as_nbformat_reads_it() -> None:
    document = usual_notebook()
    expected = through_nbformat(document)
    plain = _plain_v4_cells(copy.deepcopy(document))
    assert plain is not None and plain == expected
    assert plain[0]["source"].startswith("# Title\n\nSome text")  # lines rejoined
    assert plain[1]["outputs"][1]["data"]["application/vnd.custom+json"] == ["k\n", "v"]  # JSON left alone
    assert "trusted" not in plain[1]["metadata"]


def _set(path: list, value):
    def change(document: dict) -> None:
        target = document
        for key in path[:-1]:
            target = target[key]
        if value is KeyError:
            del target[path[-1]]
        else:
            target[path[-1]] = value
    return change


ODD_SHAPES = {
    "version 3": _set(["nbformat"], 3),
    "version as a float": _set(["nbformat"], 4.0),
    "no notebook metadata": _set(["metadata"], KeyError),
    "notebook metadata a list": _set(["metadata"], []),
    "no cell list": _set(["cells"], KeyError),
    "cells an object": _set(["cells"], {"a": 1}),
    "a cell that is a string": _set(["cells", 0], "source"),
    "a cell without metadata": _set(["cells", 2, "metadata"], KeyError),
    "source lines that are not all strings": _set(["cells", 2, "source"], ["a", 1]),
    "attachments a list": _set(["cells", 0, "attachments"], []),
    "an attachment that is a string": _set(["cells", 0, "attachments", "a.png"], "x"),
    "outputs an object": _set(["cells", 1, "outputs"], {}),
    "an output that is a list": _set(["cells", 1, "outputs", 0], []),
    "an output type that is a list": _set(["cells", 1, "outputs", 0, "output_type"], ["stream"]),
    "rich output data a list": _set(["cells", 1, "outputs", 1, "data"], ["text/plain"]),
    "stream text lines that are not all strings": _set(["cells", 1, "outputs", 0, "text"], ["a", None]),
}


@pytest.mark.parametrize("change", ODD_SHAPES.values(), ids=ODD_SHAPES.keys())
def test_other_shapes_go_through_nbformat_and_read_the_same(change, monkeypatch) -> None:
    document = usual_notebook()
    change(document)
    assert _plain_v4_cells(copy.deepcopy(document)) is None
    text = json.dumps(document)
    read = parse_notebook("n.ipynb", text)
    monkeypatch.setattr(sources, "_plain_v4_cells", lambda document: None)
    assert read == parse_notebook("n.ipynb", text)


def test_shapes_nbformat_reads_alike_stay_on_the_plain_path(monkeypatch) -> None:
    document = usual_notebook()
    document["cells"][1]["outputs"][1]["data"]["text/plain"] = ["a", 1]  # a mixed list is left alone
    document["cells"][0]["cell_type"] = "raw"
    assert _plain_v4_cells(copy.deepcopy(document)) == through_nbformat(document)
    text = json.dumps(document)
    read = parse_notebook("n.ipynb", text)
    monkeypatch.setattr(sources, "_plain_v4_cells", lambda document: None)
    assert read == parse_notebook("n.ipynb", text)
