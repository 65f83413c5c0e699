import pandas as pd
import pytest

from churn.data import TARGET, load_data, split
from churn.synth import generate


def test_load_data_rejects_a_table_without_the_target(tmp_path):
    path = tmp_path / "no_target.csv"
    generate(rows=20, seed=0).drop(columns=[TARGET]).to_csv(path, index=False)
    with pytest.raises(ValueError, match="churned"):
        load_data(path)


def test_split_keeps_the_churn_rate_in_both_halves():
    frame = generate(rows=800, seed=1)
    _, _, y_train, y_test = split(frame, seed=42)
    assert abs(y_train.mean() - y_test.mean()) < 0.01


def test_synthetic_data_is_reproducible_from_its_seed():
    pd.testing.assert_frame_equal(generate(rows=50, seed=3), generate(rows=50, seed=3))
