"""The detector's own parameters and defaults, as plain data: the command line shows them in ``aekit detect fit
--help`` without loading the detector (or Keras)."""

MIN_TRAINING_ROWS = 10
# robust=True: the first model trains for this share of the epochs, then ROBUST_ROUNDS trim-and-retrain rounds.
ROBUST_FIRST_SHARE = 0.25
ROBUST_ROUNDS = 1  # a second round cost another full training and gained nothing measurable
# The detector's own parameters, then the Autoencoder's architecture and training parameters (derived from
# the same declarations, see aekit.estimator.signature) with the defaults of a short fixed-budget run. ``scaling``
# is the detector's ``standardize``.
OWN_PARAMS = {"contamination": 0.1, "threshold": "contamination", "k": 1.0, "standardize": True, "novelty": False,
              "robust": "auto", "score_method": "auto", "neighbours": "auto", "labels": "ignore"}
OWN_TYPES = {"contamination": "float | str", "threshold": "str | float", "k": "float", "standardize": "bool",
             "novelty": "bool", "robust": "bool | str", "score_method": "str", "neighbours": "str | int",
             "labels": "str"}
# neighbours="auto" for tables: the nearest row when the training rows are all normal (novelty=True); the mean of
# the 5 nearest kept rows otherwise, so that one anomaly that slipped past the trimming is not a row's only
# reference.
NOVELTY_NEIGHBOURS, OUTLIER_NEIGHBOURS = 1, 5
DEFAULT_OVERRIDES = {"learning_rate": 3e-3, "epochs": "auto", "batch_size": "auto", "validation_split": 0.0,
                     "early_stopping": False}
EXCLUDED = ("scaling",)
