"""Feature engineering and the preprocessing step shared by every model."""

from __future__ import annotations

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

NUMERIC = ["tenure_months", "monthly_charges", "total_charges", "support_calls", "avg_monthly_spend"]
CATEGORICAL = ["contract", "internet", "payment"]
BINARY = ["senior"]


def add_features(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the average spend per month of tenure (missing when the total is missing)."""
    out = frame.copy()
    out["avg_monthly_spend"] = out["total_charges"] / out["tenure_months"].clip(lower=1)
    return out


def build_preprocessor() -> Pipeline:
    """Derived features, then median imputation (charges are right-skewed) with
    missing-value indicators and scaling for numbers, one-hot encoding for categories."""
    numeric = Pipeline(
        [
            ("impute", SimpleImputer(strategy="median", add_indicator=True)),
            ("scale", StandardScaler()),
        ]
    )
    categorical = Pipeline(
        [
            ("impute", SimpleImputer(strategy="most_frequent")),
            ("onehot", OneHotEncoder(handle_unknown="ignore")),
        ]
    )
    columns = ColumnTransformer(
        [
            ("numeric", numeric, NUMERIC),
            ("categorical", categorical, CATEGORICAL),
            ("binary", "passthrough", BINARY),
        ]
    )
    return Pipeline([("derive", FunctionTransformer(add_features)), ("columns", columns)])
