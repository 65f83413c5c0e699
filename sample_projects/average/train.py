import argparse
import os

import joblib
import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import train_test_split

from config import MAX_DEPTH, N_ESTIMATORS, SEED, TARGET, TEST_SIZE
from preprocessing import make_matrix

np.random.seed(SEED)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="data/train.csv")
    parser.add_argument("--out", default="models/model.joblib")
    parser.add_argument("--drop-outliers", action="store_true")
    args = parser.parse_args()

    df = pd.read_csv(args.data)
    print("loaded", df.shape)
    if args.drop_outliers:
        # the two huge houses with low prices
        df = df[~((df["GrLivArea"] > 4000) & (df[TARGET] < 300000))]
        print("after dropping outliers", df.shape)

    X = make_matrix(df)
    y = df[TARGET]
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=TEST_SIZE, random_state=SEED)

    model = RandomForestRegressor(n_estimators=N_ESTIMATORS, max_depth=MAX_DEPTH, random_state=SEED, n_jobs=-1)
    model.fit(X_train, y_train)

    preds = model.predict(X_val)
    rmse = np.sqrt(mean_squared_error(y_val, preds))
    print("validation RMSE:", round(rmse))

    importances = sorted(zip(model.feature_importances_, X.columns), reverse=True)
    for imp, name in importances[:10]:
        print(f"{name:25s} {imp:.3f}")

    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    joblib.dump({"model": model, "columns": list(X.columns)}, args.out)
    print("saved to", args.out)


if __name__ == "__main__":
    main()
