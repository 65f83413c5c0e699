# settings for training
SEED = 42
TEST_SIZE = 0.2
N_ESTIMATORS = 300
MAX_DEPTH = 18
TARGET = "SalePrice"
FEATURES = [
    "OverallQual",
    "GrLivArea",
    "GarageCars",
    "TotalBsmtSF",
    "YearBuilt",
    "LotArea",
    "Neighborhood",
]
