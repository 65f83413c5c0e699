import argparse

import joblib
import pandas as pd

from preprocessing import make_matrix

parser = argparse.ArgumentParser()
parser.add_argument("--model", default="models/model.joblib")
parser.add_argument("--data", default="data/test.csv")
parser.add_argument("--out", default="predictions.csv")
args = parser.parse_args()

saved = joblib.load(args.model)
df = pd.read_csv(args.data)
X = make_matrix(df, columns=saved["columns"])
df["SalePrice"] = saved["model"].predict(X)
df[["Id", "SalePrice"]].to_csv(args.out, index=False)
print("wrote", len(df), "predictions to", args.out)
