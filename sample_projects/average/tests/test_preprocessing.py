import numpy as np
import pandas as pd

from preprocessing import clean, make_matrix


def test_clean_fills_missing():
    df = pd.DataFrame({"a": [1.0, np.nan], "b": ["x", None]})
    out = clean(df)
    assert out.isna().sum().sum() == 0


def test_make_matrix_keeps_training_columns():
    df = pd.DataFrame(
        {
            "OverallQual": [5, 7],
            "GrLivArea": [1200, 1800],
            "GarageCars": [1, 2],
            "TotalBsmtSF": [800, np.nan],
            "YearBuilt": [1970, 2005],
            "LotArea": [8000, 9500],
            "Neighborhood": ["NAmes", "CollgCr"],
        }
    )
    cols = ["OverallQual", "GrLivArea", "Neighborhood_NAmes", "Neighborhood_OldTown"]
    X = make_matrix(df, columns=cols)
    assert list(X.columns) == cols
    assert X["Neighborhood_OldTown"].sum() == 0
