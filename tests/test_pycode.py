"""Import-alias resolution, which every code detector shares and which is computed once per tree."""
import ast

from portcheck.analyzer.facts.pycode import import_aliases


def test_later_trees_win_and_callers_cannot_change_what_others_see():
    first = ast.parse("import numpy as np\nfrom sklearn.linear_model import LogisticRegression as Model\n")
    second = ast.parse("import pandas as np\n")
    aliases = import_aliases([first, second])
    assert aliases == {"np": "pandas", "Model": "sklearn.linear_model.LogisticRegression"}
    aliases["np"] = "changed by a caller"
    assert import_aliases([first]) == {"np": "numpy", "Model": "sklearn.linear_model.LogisticRegression"}
    assert import_aliases([second, first])["np"] == "numpy"
