"""The vocabulary of the ML-smell detector: which library classes and functions split data, fit
preprocessing, cross-validate, search hyperparameters or score a model. Data, not logic.

Names are matched by their last dotted part after the import origin is checked against `PACKAGES`
(so `from sklearn.preprocessing import StandardScaler as SS` is recognised, and a local class that
happens to be called `StandardScaler` is not).
"""
from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Import origins whose classes count as sklearn-style estimators and transformers.
PACKAGES = ("sklearn.", "imblearn.", "category_encoders.", "xgboost.", "lightgbm.", "catboost.")

SPLIT_FUNCTIONS = _words("train_test_split")

# Stateful preprocessing: fitting it learns statistics of the rows it sees (means, variances,
# quantiles, imputation values, selected features, components, document frequencies, target means,
# synthetic neighbours), so fitting it before the split lets the test rows shape the training data.
LEAKY_TRANSFORMERS = _words("""
    StandardScaler MinMaxScaler RobustScaler MaxAbsScaler QuantileTransformer PowerTransformer
    KBinsDiscretizer SplineTransformer
    SimpleImputer KNNImputer IterativeImputer
    SelectKBest SelectPercentile SelectFpr SelectFdr SelectFwe GenericUnivariateSelect RFE RFECV
    SelectFromModel SequentialFeatureSelector VarianceThreshold
    PCA IncrementalPCA KernelPCA SparsePCA TruncatedSVD FastICA NMF FactorAnalysis
    LatentDirichletAllocation LinearDiscriminantAnalysis
    TargetEncoder MEstimateEncoder WOEEncoder JamesSteinEncoder CatBoostEncoder LeaveOneOutEncoder
    GLMMEncoder QuantileEncoder
    TfidfVectorizer TfidfTransformer
""")
# A CountVectorizer learns only a vocabulary, unless these keywords make it choose words by frequency.
VOCABULARY_BY_FREQUENCY = ("CountVectorizer", _words("max_features min_df max_df"))
# Oversamplers create synthetic rows from their neighbours: resampling before the split puts copies of
# training rows into the test set.
RESAMPLERS = _words("""
    SMOTE SMOTENC SMOTEN ADASYN BorderlineSMOTE SVMSMOTE KMeansSMOTE RandomOverSampler SMOTETomek SMOTEENN
""")
# Learn only the set of categories or words: harmless before the split (and LabelEncoder is for the
# target), but refitting them on the test set gives it a different encoding than the training set.
ENCODERS = _words("OneHotEncoder OrdinalEncoder CountVectorizer DictVectorizer")
# Composites: a transformer when they hold a leaky step; a Pipeline may also end in a model, so only
# its fit_transform counts as preprocessing.
COMPOSITES = _words("ColumnTransformer make_column_transformer FeatureUnion make_union")
PIPELINES = _words("Pipeline make_pipeline")

SEARCHES = _words("""
    GridSearchCV RandomizedSearchCV HalvingGridSearchCV HalvingRandomSearchCV BayesSearchCV TuneSearchCV
    TuneGridSearchCV
""")
SPLITTERS = _words("""
    KFold StratifiedKFold GroupKFold StratifiedGroupKFold RepeatedKFold RepeatedStratifiedKFold ShuffleSplit
    StratifiedShuffleSplit GroupShuffleSplit LeaveOneOut LeavePOut LeaveOneGroupOut LeavePGroupsOut
    TimeSeriesSplit PredefinedSplit
""")
# Functions that cross-validate an estimator on X (their second positional argument or `X=`).
CV_FUNCTIONS = _words("""
    cross_val_score cross_validate cross_val_predict learning_curve validation_curve permutation_test_score
""")
BOOSTING_CV = _words("xgboost.cv lightgbm.cv catboost.cv")
# Estimators that choose their own hyperparameters by internal cross-validation (LogisticRegressionCV…).
CV_ESTIMATOR = re.compile(r"^(?!Calibrated)[A-Z]\w*CV$")

# Classes from `PACKAGES` that are data containers or parameter helpers, not estimators.
NOT_ESTIMATORS = _words("DMatrix Dataset Pool ParameterGrid ParameterSampler Booster")

SCORE_METHODS = _words("score")
PREDICT_METHODS = _words("predict predict_proba predict_log_proba decision_function")
# sklearn.metrics functions that are not scores of a model (plots, helpers).
NOT_SCORES = _words("make_scorer get_scorer check_scoring ConfusionMatrixDisplay RocCurveDisplay "
                    "PrecisionRecallDisplay DetCurveDisplay PredictionErrorDisplay pairwise_distances")
CLASSIFICATION_METRICS = _words("""
    accuracy_score balanced_accuracy_score f1_score fbeta_score precision_score recall_score roc_auc_score
    average_precision_score classification_report confusion_matrix log_loss matthews_corrcoef
    cohen_kappa_score precision_recall_curve roc_curve brier_score_loss precision_recall_fscore_support
""")
REGRESSION_METRICS = _words("""
    mean_squared_error mean_absolute_error r2_score root_mean_squared_error mean_absolute_percentage_error
    median_absolute_error explained_variance_score mean_squared_log_error max_error
""")

# Calls that pick the best of several scores.
SELECTION_FUNCTIONS = _words("max min sorted argmax argmin nanargmax nanargmin")
SELECTION_METHODS = _words("idxmax idxmin argmax argmin nlargest nsmallest sort_values max min")
# Methods that put their arguments into the receiver (a list or dict of scores).
MUTATORS = _words("append extend insert update add setdefault")
# Keywords whose loop-varying value is a seed, not a hyperparameter.
NOT_HYPERPARAMETERS = _words("random_state seed random_seed n_jobs verbose verbosity silent")

# Names of a held-out part that is a validation split, not the test set.
VALIDATION_NAME = re.compile(r"(?:^|_)(?:val|valid|validation|dev|cv)(?:_|\d|$)|^val", re.IGNORECASE)
# Names of data that is already a training part (a fit on it is a fit after the split).
TRAIN_NAME = re.compile(r"train|(?:^|_)trn?(?:_|\d|$)", re.IGNORECASE)

# Short variable names for a transformer in corrected code, by the kind of class (first match).
ROLE_NAMES = (
    (re.compile(r"ColumnTransformer|Pipeline|FeatureUnion|^make_"), "preprocessor"),
    (re.compile(r"Scaler|QuantileTransformer|PowerTransformer|Discretizer|SplineTransformer"), "scaler"),
    (re.compile(r"Imputer"), "imputer"),
    (re.compile(r"^Select|RFE|Threshold|Selector"), "selector"),
    (re.compile(r"Encoder"), "encoder"),
    (re.compile(r"Vectorizer|Tfidf"), "vectorizer"),
    (re.compile(r"SMOTE|Sampler|ADASYN"), "sampler"),
)
DEFAULT_ROLE_NAME = "reducer"
