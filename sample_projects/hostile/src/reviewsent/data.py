"""Load the review table and split it once, stratified, with a fixed seed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

DATA = Path(__file__).resolve().parents[2] / "data" / "reviews.csv"


def load_reviews(path: Path = DATA) -> pd.DataFrame:
    """The reviews as a table with `text` and `label` (1 = negative review)."""
    return pd.read_csv(path)


def split(frame: pd.DataFrame, seed: int = 42) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An 80/20 train/test split, stratified on the label."""
    return train_test_split(frame, test_size=0.2, random_state=seed, stratify=frame["label"])
