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
# One line each for the generated Parameters section of the docstring; the class docstring explains them at length.
OWN_HELP = {
    "contamination": "Expected fraction of anomalies in the training rows, in (0, 0.5]; sets the threshold.",
    "threshold": "How the threshold is set: 'contamination' (flag that fraction of the training rows), 'mean_std' "
                 "(mean + k standard deviations of the training scores), 'max' (the largest training score) or "
                 "a number.",
    "k": "threshold='mean_std': how many standard deviations above the mean.",
    "standardize": "Standardise table columns before training (images are always scaled to [0, 1]).",
    "novelty": "True when every training row is normal (novelty detection); False (the default) when they may hold "
               "anomalies: robust training, neighbour and isolation parts, blended.",
    "robust": "Train briefly, drop the contamination share of rows reconstructed worst, train again on the rest; "
              "'auto' is on for tables unless novelty=True.",
    "score_method": "How a row's residual becomes one number: 'auto' (Mahalanobis for tables, MSE for images), "
                    "'mahalanobis', 'normalized' or 'mse'.",
    "neighbours": "How many nearest training rows the neighbour part averages; 0 leaves the part out; 'auto': 1 "
                  "with novelty=True, 5 otherwise, 0 for images.",
    "labels": "'ignore' (fit ignores y, PyOD's contract) or 'use' (y gives 0 normal, 1 anomaly, -1 unknown per "
              "row; known anomalies join the score and set the threshold).",
    "random_state": "scikit-learn's name for seed: an integer that wins over seed when given.",
    "verbose": "Keras's verbosity while training: 0 silent, 1 a progress bar, 2 a line per epoch; other than 0, "
               "aekit's notes are logged at INFO on the aekit logger (at DEBUG otherwise).",
}
# neighbours="auto" for tables: the nearest row when the training rows are all normal (novelty=True); the mean of
# the 5 nearest kept rows otherwise, so that one anomaly that slipped past the trimming is not a row's only
# reference.
NOVELTY_NEIGHBOURS, OUTLIER_NEIGHBOURS = 1, 5
DEFAULT_OVERRIDES = {"learning_rate": 3e-3, "epochs": "auto", "batch_size": "auto", "validation_split": 0.0,
                     "early_stopping": False}
EXCLUDED = ("scaling",)
