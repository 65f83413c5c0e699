import pandas as pd

from reviewsent.data import split


def test_split_keeps_the_label_balance():
    frame = pd.DataFrame({"text": [f"review {i}" for i in range(50)], "label": [1] * 10 + [0] * 40})
    train, test = split(frame)
    assert len(test) == 10
    assert test["label"].sum() == 2
