"""The vocabulary the task detector matches: model, loss and metric names per task kind, resampling
and class-weight calls, imbalance and domain words, README task phrases. Data, not logic."""
from __future__ import annotations

import re


def names(kind: str, text: str) -> dict[str, str]:
    return dict.fromkeys(text.split(), kind)


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Class / function names (the last part of a call's dotted name) -> task kind.
NAME_KINDS: dict[str, str] = {
    **names("classification", """
        LogisticRegression LogisticRegressionCV SVC LinearSVC NuSVC GaussianNB MultinomialNB BernoulliNB
        ComplementNB CategoricalNB QuadraticDiscriminantAnalysis CrossEntropyLoss NLLLoss BCELoss
        BCEWithLogitsLoss MultiLabelSoftMarginLoss MultiMarginLoss cross_entropy nll_loss binary_cross_entropy
        binary_cross_entropy_with_logits BinaryCrossentropy CategoricalCrossentropy SparseCategoricalCrossentropy
        confusion_matrix ConfusionMatrixDisplay multilabel_confusion_matrix
        MNIST FashionMNIST KMNIST EMNIST QMNIST CIFAR10 CIFAR100 SVHN STL10 ImageNet Caltech101 Flowers102
        Food101 load_iris load_breast_cancer load_digits load_wine fetch_covtype fetch_20newsgroups
        make_classification fetch_lfw_people"""),
    **names("regression", """
        LinearRegression Ridge RidgeCV Lasso LassoCV ElasticNet ElasticNetCV SVR LinearSVR NuSVR BayesianRidge
        ARDRegression Lars LassoLars OrthogonalMatchingPursuit MSELoss L1Loss SmoothL1Loss HuberLoss mse_loss
        l1_loss smooth_l1_loss huber_loss MeanSquaredError MeanAbsoluteError load_diabetes
        fetch_california_housing load_boston make_regression"""),
    **names("clustering", """
        KMeans MiniBatchKMeans DBSCAN HDBSCAN OPTICS AgglomerativeClustering SpectralClustering MeanShift Birch
        AffinityPropagation GaussianMixture BayesianGaussianMixture KModes KPrototypes make_blobs"""),
    **names("forecasting", """
        Prophet NeuralProphet ARIMA SARIMAX AutoReg ExponentialSmoothing SimpleExpSmoothing Holt auto_arima
        AutoARIMA TimeSeriesSplit TemporalFusionTransformer NBeats NBEATSModel DeepAR TimeSeriesDataSet"""),
    **names("detection", """
        COCOeval CocoEvaluator CocoDetection VOCDetection nms batched_nms box_iou generalized_box_iou
        non_max_suppression YOLO fasterrcnn_resnet50_fpn fasterrcnn_resnet50_fpn_v2 fasterrcnn_mobilenet_v3_large_fpn
        retinanet_resnet50_fpn ssd300_vgg16 ssdlite320_mobilenet_v3_large fcos_resnet50_fpn maskrcnn_resnet50_fpn
        keypointrcnn_resnet50_fpn FasterRCNN RetinaNet MaskRCNN FastRCNNPredictor AnchorGenerator roi_align RoIAlign
        MultiScaleRoIAlign bbox_iou generalized_box_iou_loss complete_box_iou distance_box_iou xywh2xyxy xyxy2xywh
        box_cxcywh_to_xyxy box_xyxy_to_cxcywh scale_boxes scale_coords ap_per_class"""),
    **names("segmentation", """
        deeplabv3_resnet50 deeplabv3_resnet101 deeplabv3_mobilenet_v3_large fcn_resnet50 fcn_resnet101
        lraspp_mobilenet_v3_large DiceLoss GeneralizedDiceLoss TverskyLoss DiceCELoss dice_loss VOCSegmentation
        Cityscapes SBDataset Unet UNet UnetPlusPlus DeepLabV3 DeepLabV3Plus MeanIoU"""),
    **names("generation", """
        sentence_bleu corpus_bleu RougeScorer DDPMScheduler DDIMScheduler ChatOpenAI ChatOllama ChatAnthropic
        OllamaLLM LLMChain"""),
    **names("ranking", "BM25Okapi BM25L BM25Plus label_ranking_average_precision_score"),
    **names("recommendation", "LightFM AlternatingLeastSquares BayesianPersonalizedRanking"),
}
# Names ending like this -> task kind (estimators, torchmetrics task classes, transformers heads).
NAME_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^[A-Z]\w*Classifier(?:CV)?$|^(?:Binary|Multiclass|Multilabel)[A-Z]\w*$"
                r"|(?<!\w)(?>\w*?For)\w*Classification$"),  # the first "For" of the last word: linear
     "classification"),
    (re.compile(r"^[A-Z]\w*Regressor(?:CV)?$"), "regression"),
    (re.compile(r"^[A-Z]\w*Ranker$"), "ranking"),
    (re.compile(r"(?:ForCausalLM|LMHeadModel|ForConditionalGeneration|ForSeq2SeqLM|DiffusionPipeline)$"), "generation"),
    (re.compile(r"ForObjectDetection$"), "detection"),
    (re.compile(r"(?<!\w)(?>\w*?For)\w*Segmentation$"), "segmentation"),
)
# keras.datasets.<name>.load_data()
KERAS_DATASETS = {"mnist": "classification", "fashion_mnist": "classification", "cifar10": "classification",
                   "cifar100": "classification", "imdb": "classification", "reuters": "classification",
                   "boston_housing": "regression"}
# Qualified-name prefixes of task-specific libraries -> task kind.
MODULE_KINDS: tuple[tuple[str, str], ...] = (
    ("torchvision.models.detection.", "detection"), ("mmdet.", "detection"),
    ("detectron2.", "detection"), ("pycocotools.", "detection"), ("effdet.", "detection"),
    ("torchvision.models.segmentation.", "segmentation"), ("segmentation_models_pytorch.", "segmentation"),
    ("mmseg.", "segmentation"),
    ("surprise.", "recommendation"), ("lightfm.", "recommendation"), ("implicit.", "recommendation"),
    ("recbole.", "recommendation"), ("libreco.", "recommendation"),
    ("prophet.", "forecasting"), ("fbprophet.", "forecasting"), ("neuralprophet.", "forecasting"),
    ("pmdarima.", "forecasting"), ("statsmodels.tsa.", "forecasting"), ("sktime.forecasting.", "forecasting"),
    ("darts.", "forecasting"), ("statsforecast.", "forecasting"), ("gluonts.", "forecasting"),
    ("pytorch_forecasting.", "forecasting"),
    ("rank_bm25.", "ranking"), ("diffusers.", "generation"), ("ollama.", "generation"),
)
GENERATION_CALL = re.compile(r"(?:^|\.)(?:chat\.completions|completions|ChatCompletion|Completion|messages)\.create$")
FACTORY_METHODS = frozenset({"from_pretrained", "from_config", "from_single_file", "load_from_checkpoint"})
# class definitions that say what the model is
CLASS_DEF_KINDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:\w*Discriminator|GPT\w*|\w*VAE|VariationalAutoEncoder|\w*Diffusion(?:Model)?)$",
                re.IGNORECASE), "generation"),
)
GENERATE_ARGS = frozenset({"max_new_tokens", "max_length", "min_length", "temperature", "top_k", "top_p",
                            "num_beams", "do_sample", "num_return_sequences", "max_tokens", "repetition_penalty"})
GENERATOR_RECEIVER = re.compile(r"model|llm|lm\b|gpt|pipe|generator|chain|t5|bart", re.IGNORECASE)
PIPELINE_TASKS = {
    "text-classification": "classification", "sentiment-analysis": "classification",
    "zero-shot-classification": "classification", "image-classification": "classification",
    "token-classification": "classification", "ner": "classification", "audio-classification": "classification",
    "zero-shot-image-classification": "classification",
    "text-generation": "generation", "text2text-generation": "generation", "summarization": "generation",
    "conversational": "generation", "image-to-text": "generation", "text-to-image": "generation",
    "object-detection": "detection", "zero-shot-object-detection": "detection",
    "image-segmentation": "segmentation", "mask-generation": "segmentation",
}

# Metric functions and classes -> canonical metric names.
METRIC_FUNCTIONS: dict[str, tuple[str, ...]] = {
    "accuracy_score": ("accuracy",), "balanced_accuracy_score": ("other:balanced_accuracy",),
    "top_k_accuracy_score": ("accuracy",), "precision_score": ("precision",), "recall_score": ("recall",),
    "f1_score": ("f1",), "fbeta_score": ("other:fbeta",), "roc_auc_score": ("roc_auc",), "roc_curve": ("roc_auc",),
    "RocCurveDisplay": ("roc_auc",), "average_precision_score": ("pr_auc",),
    "precision_recall_curve": ("pr_auc",), "PrecisionRecallDisplay": ("pr_auc",), "auc": ("auc",),
    "classification_report": ("precision", "recall", "f1", "accuracy"),
    "precision_recall_fscore_support": ("precision", "recall", "f1"), "log_loss": ("log_loss",),
    "brier_score_loss": ("other:brier",), "matthews_corrcoef": ("other:mcc",), "cohen_kappa_score": ("other:kappa",),
    "hamming_loss": ("other:hamming_loss",), "jaccard_score": ("iou",),
    "mean_squared_error": ("mse",), "root_mean_squared_error": ("rmse",), "mean_absolute_error": ("mae",),
    "mean_absolute_percentage_error": ("mape",), "r2_score": ("r2",), "median_absolute_error": ("mae",),
    "explained_variance_score": ("other:explained_variance",), "mean_squared_log_error": ("other:msle",),
    "root_mean_squared_log_error": ("other:rmsle",),
    "silhouette_score": ("other:silhouette",), "adjusted_rand_score": ("other:ari",),
    "normalized_mutual_info_score": ("other:nmi",), "davies_bouldin_score": ("other:davies_bouldin",),
    "calinski_harabasz_score": ("other:calinski_harabasz",),
    "ndcg_score": ("ndcg",), "dcg_score": ("ndcg",),
    "Accuracy": ("accuracy",), "F1Score": ("f1",), "F1": ("f1",), "FBetaScore": ("other:fbeta",),
    "Precision": ("precision",), "Recall": ("recall",), "AUROC": ("roc_auc",), "ROC": ("roc_auc",),
    "AveragePrecision": ("pr_auc",), "PrecisionRecallCurve": ("pr_auc",), "AUC": ("roc_auc",),
    "MatthewsCorrCoef": ("other:mcc",), "CohenKappa": ("other:kappa",), "Specificity": ("other:specificity",),
    "CategoricalAccuracy": ("accuracy",), "SparseCategoricalAccuracy": ("accuracy",),
    "TopKCategoricalAccuracy": ("accuracy",), "SparseTopKCategoricalAccuracy": ("accuracy",),
    "MeanSquaredError": ("mse",), "RootMeanSquaredError": ("rmse",), "MeanAbsoluteError": ("mae",),
    "MeanAbsolutePercentageError": ("mape",), "R2Score": ("r2",),
    "BLEUScore": ("bleu",), "SacreBLEUScore": ("bleu",), "sentence_bleu": ("bleu",), "corpus_bleu": ("bleu",),
    "ROUGEScore": ("rouge",), "RougeScorer": ("rouge",), "meteor_score": ("meteor",), "Perplexity": ("perplexity",),
    "WordErrorRate": ("wer",), "CharErrorRate": ("cer",), "MeanAveragePrecision": ("map",),
    "COCOeval": ("map",), "CocoEvaluator": ("map",),
    "JaccardIndex": ("iou",), "MeanIoU": ("iou",), "Dice": ("dice",), "DiceScore": ("dice",),
    "GeneralizedDiceScore": ("dice",), "PeakSignalNoiseRatio": ("psnr",),
    "StructuralSimilarityIndexMeasure": ("ssim",), "FrechetInceptionDistance": ("fid",),
    "RetrievalNormalizedDCG": ("ndcg",), "RetrievalMRR": ("other:mrr",), "RetrievalMAP": ("map",),
    "RetrievalRecall": ("recall",), "RetrievalPrecision": ("precision",), "RetrievalHitRate": ("other:hit_rate",),
}
RETRIEVAL_METRIC_CLASSES = frozenset({"RetrievalNormalizedDCG", "RetrievalMRR", "RetrievalMAP", "RetrievalRecall",
                                       "RetrievalPrecision", "RetrievalHitRate"})
METRIC_KINDS: dict[str, str] = {
    **names("classification", """accuracy precision recall f1 roc_auc pr_auc auc log_loss top1 top5
             other:balanced_accuracy other:mcc other:kappa other:brier other:specificity other:fbeta
             other:hamming_loss"""),
    **names("regression", "mae mse rmse r2 mape other:rmsle other:msle other:smape other:explained_variance"),
    **names("generation", "bleu rouge meteor perplexity fid other:bertscore other:cider other:chrf"),
    **names("detection", "map"),
    **names("segmentation", "dice"),  # IoU is as much a detection (box) measure: no task of its own
    **names("ranking", "ndcg other:mrr other:hit_rate"),
    **names("clustering", "other:silhouette other:ari other:nmi other:davies_bouldin other:calinski_harabasz"),
}
CUSTOM_METRIC_PREFIX = re.compile(r"^(?:compute|calc|calculate|get|eval|evaluate|measure|my)_", re.IGNORECASE)
METRIC_SUFFIX = re.compile(r"_(?:macro|micro|weighted|samples|binary|ovr|ovo|ovr_weighted|ovo_weighted)$")
NUMERIC_CALL = re.compile(r"^(?:mean|nanmean|average|sum|round|float|sqrt|item|compute|score|divide|true_divide|"
                           r"evaluate\w*|eval\w*|test\w*|validat\w*)$")
THRESHOLD_NAME = re.compile(r"^(?:min|max|target|thresh(?:old)?|thres|required|expected|goal|desired)_|"
                             r"_(?:thresh(?:old)?|thres|target|min|max)$", re.IGNORECASE)
LOG_CALLS = frozenset({"log", "log_metric", "log_metrics", "log_dict", "add_scalar", "add_scalars"})

# keras `loss=` strings, boosting `objective=` / catboost `loss_function=` values -> task kind.
LOSS_STRINGS: dict[str, str] = {
    **names("classification", """binary_crossentropy categorical_crossentropy sparse_categorical_crossentropy
             binary_focal_crossentropy categorical_focal_crossentropy hinge squared_hinge categorical_hinge
             log_loss logloss crossentropy multiclass multiclassova binary cross_entropy xentropy softmax
             multiclassonevsall"""),
    **names("regression", """mse mean_squared_error mae mean_absolute_error mape mean_absolute_percentage_error
             msle mean_squared_logarithmic_error huber huber_loss log_cosh logcosh poisson regression regression_l1
             regression_l2 l1 l2 rmse quantile tweedie gamma squared_error absolute_error fair"""),
    **names("ranking", "lambdarank rank_xendcg yetirank yetirankpairwise pairlogit pairlogitpairwise queryrmse"),
}
OBJECTIVE_PREFIXES = (("binary:", "classification"), ("multi:", "classification"), ("reg:", "regression"),
                       ("rank:", "ranking"), ("count:", "regression"), ("survival:", "regression"))
OBJECTIVE_KEYS = frozenset({"objective", "loss_function", "loss"})
METRIC_KEYS = frozenset({"metrics", "scoring", "eval_metric", "metric", "custom_metric"})

# imbalance in code
RESAMPLERS = word_set("""SMOTE SMOTENC SMOTEN ADASYN BorderlineSMOTE SVMSMOTE KMeansSMOTE RandomOverSampler
    RandomUnderSampler NearMiss TomekLinks EditedNearestNeighbours ClusterCentroids SMOTETomek SMOTEENN
    BalancedRandomForestClassifier BalancedBaggingClassifier EasyEnsembleClassifier RUSBoostClassifier
    WeightedRandomSampler""")
CLASS_WEIGHT_CALLS = frozenset({"compute_class_weight", "compute_sample_weight"})
STRATIFIED = frozenset({"StratifiedKFold", "StratifiedShuffleSplit", "StratifiedGroupKFold",
                         "RepeatedStratifiedKFold"})
WEIGHTED_LOSSES = frozenset({"CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss", "cross_entropy",
                              "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits"})
CLASS_WEIGHT_KEYS = frozenset({"class_weight", "class_weights", "auto_class_weights", "scale_pos_weight",
                                "is_unbalance"})
FOCAL = re.compile(r"focal", re.IGNORECASE)
BALANCING_WORDS = re.compile(r"minority|majority|upsampl|downsampl|oversampl|undersampl|balanc", re.IGNORECASE)
CLASS_WEIGHT_VALUE = re.compile(r"class_?weight", re.IGNORECASE)

# imbalance in prose
IMBALANCE_WORDS = re.compile(
    r"\b(?:(?:im|un)balance[ds]?|(?:class|data|label|target)[ -]?imbalance|"
    r"skewed (?:class(?:es)?|labels?|targets?|datasets?|class distributions?|(?:target|label) distributions?)|"
    r"minority class(?:es)?|majority class(?:es)?|rare (?:class(?:es)?|events?|positives?)|"
    r"(?:over|under)-?sampl\w* (?:of )?the (?:minority|majority)|smote)\b", re.IGNORECASE)
# Needles: each alternative of the pattern above (and of PERCENT, DOMAIN below) holds one of its needles in
# lower case, so a text holding none cannot match (`task._may_hold`); change them with the pattern.
IMBALANCE_NEEDLES = ("balance", "skewed", "minority", "majority", "rare", "smote")
UNBALANCED_OK = re.compile(r"unbalanced\s+(?:data|dataset|datasets|class|classes|labels?|targets?|distribution)",
                            re.IGNORECASE)
NEGATION = re.compile(r"\b(?:not|no|never|isn't|aren't|wasn't|weren't|doesn't|don't|didn't|without|non|hardly)\b"
                       r"[\s-]*(?:\w+[\s-]+){0,3}$", re.IGNORECASE)
PERCENT = re.compile(r"(?<![\w.])(\d{1,2}(?:\.\d+)?|0?\.\d+)\s?(?:%|percent\b)")
PERCENT_NEEDLES = ("%", "percent")
POSITIVE_WORDS = re.compile(
    r"\b(?:positives?|fraud\w*|minority|churn\w*|defaults?|defaulters?|anomal\w*|outliers?|attacks?|intrusions?|"
    r"defect\w*|failures?|spam|malignant|rare|class 1|label 1|target 1)\b", re.IGNORECASE)
NOT_A_RATE = re.compile(
    r"\b(?:accuracy|precision|recall|f1|auc|score|improv\w*|increas\w*|decreas\w*|reduc\w*|better|worse|gain\w*|"
    r"lift|drop\w*|test|split|train\w*|validation|threshold|confidence|interest|discount|growth|probabilit\w*|"
    r"chance|likel\w*)\b", re.IGNORECASE)
MAX_POSITIVE_RATE = 20.0
RATE_WINDOW = 40  # characters around a percentage searched for the positive class
DOMAIN = re.compile(
    r"\b(?:fraud\w*|anomal(?:y|ies|ous)|churn\w*|rare diseases?|defects?|defective|intrusions?|"
    r"(?:credit|loan|payment|mortgage|debt) defaults?|defaults? (?:prediction|risk|payments?)|"
    r"(?:machine|equipment|component) failures?|predictive maintenance|outlier detection|click[- ]through)\b",
    re.IGNORECASE)
DOMAIN_NEEDLES = ("fraud", "anomal", "churn", "rare", "defect", "intrusion", "default", "failure", "predictive",
                  "outlier", "click")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n")

# the task in the README
README_TASK_PATTERNS: dict[str, str] = {
    "classification": (
        r"\b(?:binary|multi-?class|multi-?label|image|text|document|sentiment|audio|tabular|intent|species|digit|"
        r"toxic\w*|spam)\s+classif\w*|\bclassif(?:y|ies|ying|ied|ication|ier|iers)\b|\blogistic regression\b|"
        r"\bpredict(?:s|ing|ed)?\s+whether\b|\b(?:churn|fraud|spam|default|attrition|survival|sentiment|disease|"
        r"diabetes|cancer|stroke|loan approval|credit risk)\s+(?:prediction|detection|classifier|classification|"
        r"analysis)\b|\b(?:digit|character|face|emotion|gesture|activity|image) recognition\b"),
    "regression": (
        r"(?<!logistic )(?<!logistic-)\bregression\b(?![ -]test)|\bpredict(?:s|ing|ed)?\s+(?:the\s+)?(?:\w+\s+)?"
        r"(?:prices?|costs?|sales|demand|salar(?:y|ies)|revenue|income|ratings?|amounts?|durations?|"
        r"temperatures?|yield)\b|\b(?:price|sales|demand|salary|duration|rent|fare)\s+(?:prediction|estimation)\b"),
    "forecasting": (
        r"\bforecast\w*|\btime[- ]series (?:prediction|forecasting|modell?ing)\b"),
    "detection": (
        r"\bobject detect(?:ion|ors?)\b|\bdetection transformer\b|\bbounding[- ]box(?:es)?\b|(?-i:\bYOLO(?:v\d+)?\b)|"
        r"\b(?:face|pedestrian|vehicle|text|person|keypoint) detection\b"),
    "segmentation": (
        r"(?<!customer )(?<!market )(?<!user )(?<!client )\b(?:(?:semantic|instance|panoptic|image|medical image|"
        r"lesion|tumou?r|road|cell)\s+)?segmentation\b"),
    "clustering": (
        r"\bclustering\b|\b(?:customer|market|user|client) segmentation\b|\bk-?means\b"),
    "generation": (
        r"\b(?:text|image|music|code|story|caption|speech|language|audio|video|sequence) generation\b|"
        r"\blanguage models?\b|(?-i:\bLLMs?\b|\bGPT(?:-?\d\w*)?s?\b|\bGANs?\b|\bRAG\b)|\bchat-?bots?\b|\bgenerative\b|"
        r"\bdiffusion models?\b|\bsummari[sz]ation\b|\bmachine translation\b|\bimage captioning\b|"
        r"\bretrieval[- ]augmented generation\b"),
    "ranking": (
        r"\blearning[- ]to[- ]rank\b|\b(?:re-?)?ranking\b|\binformation retrieval\b|\bretrieval (?:system|pipeline|"
        r"evaluation)\b|\bsemantic search\b|\bsearch engine\b"),
    "recommendation": (
        r"\brecommender(?: systems?)?\b|\brecommendation (?:systems?|engines?|models?)\b|\b(?:movie|product|music|"
        r"item|book|news|course|restaurant) recommendations?\b|\bcollaborative filtering\b"),
}
README_TASKS = tuple((kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in README_TASK_PATTERNS.items())
PURPOSE_HEADING = re.compile(r"\b(?:problem|overview|about|objectives?|goals?|description|introduction|task|"
                              r"project|motivation|summary|purpose|use case)\b", re.IGNORECASE)
