import numpy as np
import pandas as pd

from churn.features import NUMERIC, build_preprocessor


def _customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "tenure_months": [0, 10, 20, 30],
            "monthly_charges": [20.0, 50.0, 80.0, 110.0],
            "total_charges": [np.nan, 500.0, 1600.0, 3300.0],
            "contract": ["monthly", "1yr", "2yr", "monthly"],
            "internet": ["none", "dsl", "fiber", "fiber"],
            "payment": ["echeck", "card", "bank", "mail"],
            "support_calls": [0, 1, 4, 2],
            "senior": [0, 1, 0, 0],
        }
    )


def test_preprocessor_leaves_no_missing_values_and_flags_them():
    matrix = build_preprocessor().fit_transform(_customers())
    assert not np.isnan(matrix).any()
    # one indicator column per numeric feature that had a gap: total_charges and avg_monthly_spend
    assert matrix.shape[1] == len(NUMERIC) + 2 + 3 + 3 + 4 + 1


def test_missing_total_is_imputed_with_the_training_median():
    preprocessor = build_preprocessor().fit(_customers())
    imputer = preprocessor.named_steps["columns"].named_transformers_["numeric"].named_steps["impute"]
    assert imputer.strategy == "median"
    assert imputer.statistics_[NUMERIC.index("total_charges")] == 1600.0
