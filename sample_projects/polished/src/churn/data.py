"""Load the customer table and split it into train and test sets."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

TARGET = "churned"
COLUMNS = (
    "tenure_months",
    "monthly_charges",
    "total_charges",
    "contract",
    "internet",
    "payment",
    "support_calls",
    "senior",
    TARGET,
)


def load_data(path: str | Path) -> pd.DataFrame:
    """Read the customer CSV and check that every expected column is there."""
    frame = pd.read_csv(path)
    missing = [column for column in COLUMNS if column not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}")
    return frame[list(COLUMNS)]


def split(
    frame: pd.DataFrame, seed: int, test_size: float = 0.25
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.Series]:
    """Stratified train/test split, so both halves keep the same churn rate."""
    features = frame.drop(columns=[TARGET])
    target = frame[TARGET]
    return train_test_split(features, target, test_size=test_size, stratify=target, random_state=seed)
