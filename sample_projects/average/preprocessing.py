import numpy as np
import pandas as pd

from config import FEATURES


def clean(df):
    df = df.copy()
    # fill missing values
    for col in df.columns:
        if pd.api.types.is_numeric_dtype(df[col]):
            df[col] = df[col].fillna(0)
        else:
            df[col] = df[col].fillna("None")
    return df


def add_features(df):
    df = df.copy()
    df["HouseAge"] = 2010 - df["YearBuilt"]
    df["LogLotArea"] = np.log1p(df["LotArea"])
    return df


def make_matrix(df, columns=None):
    df = add_features(clean(df[FEATURES]))
    X = pd.get_dummies(df, columns=["Neighborhood"])
    if columns is not None:
        X = X.reindex(columns=columns, fill_value=0)
    return X
