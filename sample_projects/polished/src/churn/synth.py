"""Generate the synthetic customer table in data/sample.csv.

The columns follow the public IBM Telco Customer Churn data (tenure, charges, contract,
internet service, payment method), so the pipeline can be developed and tested without
shipping customer records. Churn is drawn from a known logistic model with two
non-linear effects (a support-call threshold and expensive fibre plans), which is what a
tree ensemble should be able to pick up and a linear baseline should partly miss.

    python -m churn.synth --rows 1000 --seed 7 --out data/sample.csv
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

CONTRACTS = ("monthly", "1yr", "2yr")
INTERNET = ("fiber", "dsl", "none")
PAYMENT = ("echeck", "card", "bank", "mail")


def generate(rows: int, seed: int) -> pd.DataFrame:
    """Return `rows` synthetic customers with a binary `churned` label (about 15% positive)."""
    rng = np.random.default_rng(seed)
    contract = rng.choice(CONTRACTS, size=rows, p=[0.55, 0.25, 0.20])
    internet = rng.choice(INTERNET, size=rows, p=[0.45, 0.35, 0.20])
    payment = rng.choice(PAYMENT, size=rows, p=[0.35, 0.25, 0.25, 0.15])
    tenure = rng.integers(0, 73, size=rows)
    base_charge = np.select([internet == "fiber", internet == "dsl"], [85.0, 55.0], 25.0)
    monthly = np.clip(base_charge + rng.normal(0, 12, size=rows), 18.0, 120.0).round(2)
    total = (tenure * monthly * rng.normal(1.0, 0.05, size=rows)).round(1)
    senior = rng.binomial(1, 0.16, size=rows)
    support_calls = rng.poisson(1.1, size=rows)

    logit = (
        -2.6
        + 1.2 * (contract == "monthly")
        - 1.0 * (contract == "2yr")
        - 0.035 * tenure
        + 0.4 * (internet == "fiber")
        + 0.5 * (payment == "echeck")
        + 0.3 * senior
        + 2.2 * (support_calls >= 3)
        + 2.0 * ((internet == "fiber") & (monthly > 95))
    )
    churned = rng.binomial(1, 1.0 / (1.0 + np.exp(-logit)))

    frame = pd.DataFrame(
        {
            "tenure_months": tenure,
            "monthly_charges": monthly,
            "total_charges": total,
            "contract": contract,
            "internet": internet,
            "payment": payment,
            "support_calls": support_calls,
            "senior": senior,
            "churned": churned,
        }
    )
    # As in the Telco export, brand-new customers have no total yet, and a few rows lost it.
    missing = (tenure == 0) | (rng.random(rows) < 0.03)
    frame.loc[missing, "total_charges"] = np.nan
    return frame


def main(argv: list[str] | None = None) -> None:
    """Write the synthetic table to the path given by --out."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("data/sample.csv"))
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    generate(args.rows, args.seed).to_csv(args.out, index=False)


if __name__ == "__main__":
    main()
